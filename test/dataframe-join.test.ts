/**
 * End-to-end DataFrame tests against DuckDB: joins on a column name, a list of names, and a Column
 * condition (with a non-equi part), for every join type; cross joins; self-joins through aliases.
 * Spark semantics: null keys never match; NaN = NaN and -0.0 = 0.0 as join keys; a USING-style join
 * (names) outputs the keys once (coalesced for full, the right side's for right joins) first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame, AnalysisError } from '../src/index.js';
import { type Env, DIM_COLUMNS, FACT_COLUMNS, checkQuery, setupTables, teardownEnv } from './helpers/oracle.js';

const { col } = F;

let env: Env;
let facts: DataFrame;
let dims: DataFrame;
let small: DataFrame;
let empty: DataFrame;

beforeAll(async () => {
  ({ env, facts, dims, small, empty } = await setupTables());
});
afterAll(() => teardownEnv(env));

const FACT_NAMES = FACT_COLUMNS.map(([n]) => n);
const DIM_NAMES = DIM_COLUMNS.map(([n]) => n);
const SQL_JOIN: Record<string, string> = { inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', left_semi: 'SEMI JOIN', left_anti: 'ANTI JOIN' };
const HOWS = ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti'] as const;

/** The SQL of `left.join(right, keys, how)` with Spark's USING output: keys first, then the rest of each side. */
function usingSql(left: string, leftCols: string[], right: string, rightCols: string[], keys: string[], how: string): string {
  const on = keys.map((k) => `l.${k} = r.${k}`).join(' AND ');
  if (how === 'left_semi' || how === 'left_anti') return `SELECT l.* FROM ${left} l ${SQL_JOIN[how]} ${right} r ON ${on}`;
  const keyCols = keys.map((k) => (how === 'full' ? `coalesce(l.${k}, r.${k}) AS ${k}` : how === 'right' ? `r.${k} AS ${k}` : `l.${k} AS ${k}`));
  const rest = [...leftCols.filter((c) => !keys.includes(c)).map((c) => `l.${c}`), ...rightCols.filter((c) => !keys.includes(c)).map((c) => `r.${c}`)];
  return `SELECT ${[...keyCols, ...rest].join(', ')} FROM ${left} l ${SQL_JOIN[how]} ${right} r ON ${on}`;
}

describe('join on a column name and on a list of names', () => {
  for (const how of HOWS) {
    it(`${how} on 'k' (skewed key, null keys, keys missing on either side)`, async () => {
      await checkQuery(env, facts.join(dims, 'k', how), usingSql('facts', FACT_NAMES, 'dims', DIM_NAMES, ['k'], how));
    });
    it(`${how} on ['k', 'g']`, async () => {
      await checkQuery(env, facts.join(dims, ['k', 'g'], how), usingSql('facts', FACT_NAMES, 'dims', DIM_NAMES, ['k', 'g'], how));
    });
  }

  it('join type aliases', async () => {
    for (const [alias, how] of [['outer', 'full'], ['full_outer', 'full'], ['leftouter', 'left'], ['right_outer', 'right'], ['semi', 'left_semi'], ['anti', 'left_anti']] as const) {
      await checkQuery(env, small.join(dims, 'k', alias), usingSql('small', FACT_NAMES, 'dims', DIM_NAMES, ['k'], how), { small: true });
    }
  });

  it('keys of other types: double (NaN matches NaN, -0.0 matches 0.0), decimal, date, bigint', async () => {
    const a = facts.filter(col('id').lt(400)).select('id', 'd', 'm', 'dt', 'l');
    const b = facts.filter(col('id').lt(400)).select(col('id').alias('id2'), 'd', 'm', 'dt', 'l');
    await env.db.run(`CREATE OR REPLACE VIEW ja AS SELECT id, d, m, dt, l FROM facts WHERE id < 400`);
    await env.db.run(`CREATE OR REPLACE VIEW jb AS SELECT id AS id2, d, m, dt, l FROM facts WHERE id < 400`);
    for (const key of ['d', 'm', 'dt', 'l']) {
      for (const how of ['inner', 'full', 'left_anti'] as const) {
        await checkQuery(env, a.join(b, key, how), usingSql('ja', ['id', 'd', 'm', 'dt', 'l'], 'jb', ['id2', 'd', 'm', 'dt', 'l'], [key], how));
      }
    }
  });

  it('joins with an empty side', async () => {
    for (const how of HOWS) {
      await checkQuery(env, empty.join(dims, 'k', how), usingSql('empty', FACT_NAMES, 'dims', DIM_NAMES, ['k'], how), { small: true });
      await checkQuery(env, dims.join(empty.select('k', 'id'), 'k', how), usingSql('dims', DIM_NAMES, '(SELECT k, id FROM empty)', ['k', 'id'], ['k'], how), { small: true });
    }
  });
});

describe('join on a Column condition', () => {
  for (const how of HOWS) {
    it(`${how} on k = k AND f.g < d.g (equi + non-equi)`, async () => {
      const cond = facts.col('k').eq(dims.col('k')).and(facts.col('g').lt(dims.col('g')));
      const select = how === 'left_semi' || how === 'left_anti' ? 'f.*' : 'f.*, dm.*';
      await checkQuery(env, facts.join(dims, cond, how), `SELECT ${select} FROM facts f ${SQL_JOIN[how]} dims dm ON f.k = dm.k AND f.g < dm.g`);
    });
  }

  it('only a non-equi condition, and an equi condition between different types (bigint = int)', async () => {
    for (const how of ['inner', 'left', 'full', 'left_anti'] as const) {
      const select = how === 'left_anti' ? 's.*' : 's.*, dm.*';
      await checkQuery(env, small.join(dims, small.col('i').lt(dims.col('g').multiply(10)), how), `SELECT ${select} FROM small s ${SQL_JOIN[how]} dims dm ON s.i < dm.g * 10`, { small: true });
      await checkQuery(env, facts.join(dims, facts.col('id').eq(dims.col('g')), how), `SELECT ${select.replace(/s\./, 'f.')} FROM facts f ${SQL_JOIN[how]} dims dm ON f.id = dm.g`);
    }
  });

  it('an equi-join on expressions', async () => {
    const cond = F.upper(facts.col('k')).eq(F.upper(dims.col('k'))).and(facts.col('i').mod(3).eq(dims.col('g').mod(3)));
    await checkQuery(env, facts.join(dims, cond, 'inner').select(facts.col('id'), dims.col('label')), 'SELECT f.id, dm.label FROM facts f JOIN dims dm ON upper(f.k) = upper(dm.k) AND f.i % 3 = dm.g % 3');
  });
});

describe('cross join', () => {
  it('crossJoin and join without a condition', async () => {
    const s = small.select('id', 'k');
    await checkQuery(env, s.crossJoin(dims), 'SELECT s.id, s.k, dm.* FROM small s CROSS JOIN dims dm', { small: true });
    await checkQuery(env, s.join(dims.select('label')), 'SELECT s.id, s.k, dm.label FROM small s CROSS JOIN dims dm', { small: true });
    await checkQuery(env, s.crossJoin(empty.select('g')), 'SELECT s.id, s.k, e.g FROM small s CROSS JOIN empty e', { small: true });
  });
});

describe('alias and qualified columns', () => {
  it('self-join with aliases', async () => {
    const a = facts.alias('a');
    const b = facts.alias('b');
    const df = a
      .join(b, col('a.id').plus(1).eq(col('b.id')).and(col('a.k').eq(col('b.k'))))
      .select(col('a.id').alias('aid'), col('b.id').alias('bid'), col('a.k'), col('b.s'), col('a.d').plus(col('b.d')).alias('dd'));
    await checkQuery(env, df, 'SELECT a.id AS aid, b.id AS bid, a.k, b.s, a.d + b.d AS dd FROM facts a JOIN facts b ON a.id + 1 = b.id AND a.k = b.k');
  });

  it('self-join without aliases via df.col, left outer, then aggregate', async () => {
    const left = small.select('id', 'g', 'k');
    const right = small.select('id', 'g', 's');
    // Both sides come from one DataFrame, so left.col('g') and right.col('g') are the same attribute:
    // like Spark's Dataset.join, the trivially true g = g must be resolved as left.g = right.g.
    const df = left.join(right, left.col('g').eq(right.col('g')), 'left').groupBy(left.col('id')).agg(F.count('s').alias('n'));
    await checkQuery(env, df, 'SELECT l.id, count(r.s) AS n FROM small l LEFT JOIN small r ON l.g = r.g GROUP BY l.id', { small: true });
    // Columns taken with right.col(...) keep naming the right side after the self-join renamed its
    // clashing columns (Spark tags them with the Dataset's id; Kindling with the DataFrame's uid).
    const joined = left.join(right, left.col('g').eq(right.col('g')), 'left');
    const viaRight = joined.groupBy(left.col('id')).agg(F.count(right.col('s')).alias('n'), F.max(right.col('id')).alias('m'));
    await checkQuery(
      env,
      viaRight,
      'SELECT l.id, count(r.s) AS n, max(r.id) AS m FROM small l LEFT JOIN small r ON l.g = r.g GROUP BY l.id',
      { small: true },
    );
    // A column of a DataFrame that is not part of the plan at all is an analysis error, never an execution one.
    expect(() => joined.select(small.filter(F.col('id').gt(0)).select(F.col('id').plus(1).alias('z')).col('z'))).toThrow(AnalysisError);
  });

  it("select('alias.*') after a join", async () => {
    const df = facts.alias('f').join(dims.alias('d'), col('f.k').eq(col('d.k'))).select('d.*', 'f.id');
    await checkQuery(env, df, 'SELECT dm.*, f.id FROM facts f JOIN dims dm ON f.k = dm.k');
  });
});

describe('joins composed with other operators', () => {
  it('filter on both sides, join, aggregate', async () => {
    const df = facts
      .filter(col('i').gt(0))
      .join(dims.filter(col('w').isNotNull()), 'k', 'left')
      .groupBy('k')
      .agg(F.count('*').alias('n'), F.sum('w').alias('sw'), F.max('label').alias('ml'));
    await checkQuery(
      env,
      df,
      'SELECT f.k, count(*) AS n, sum(dm.w) AS sw, max(dm.label) AS ml FROM (SELECT * FROM facts WHERE i > 0) f LEFT JOIN (SELECT * FROM dims WHERE w IS NOT NULL) dm ON f.k = dm.k GROUP BY f.k',
    );
  });
});
