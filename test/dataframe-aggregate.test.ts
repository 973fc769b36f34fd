/**
 * End-to-end DataFrame tests against DuckDB: groupBy().agg(), the GroupedData shortcuts and global
 * aggregates. Spark's result types: sum(int) is bigint, sum(decimal(p,s)) is decimal(p+10,s), avg of
 * decimal(p,s) is decimal(p+4,s+4) (both at most 38 digits), count is bigint; NaN is
 * one group and -0.0 groups with 0.0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame } from '../src/index.js';
import { formatDecimal } from '../src/types/values.js';
import { type Env, Rng, checkQuery, checkRows, duckQuery, randomPredicate, setupTables, teardownEnv } from './helpers/oracle.js';

const { col } = F;

let env: Env;
let facts: DataFrame;
let small: DataFrame;
let empty: DataFrame;

beforeAll(async () => {
  ({ env, facts, small, empty } = await setupTables());
  // Row positions for order-dependent aggregates (first): the file's row order.
  await env.db.run(`CREATE VIEW facts_rn AS SELECT * FROM read_parquet('${env.paths.facts}', file_row_number = true)`);
});
afterAll(() => teardownEnv(env));

/** Spark's avg of a decimal: sum / count rounded HALF_UP to `outScale` (exact, from unscaled values). */
function avgDecimal(sumUnscaled: bigint, count: bigint, inScale: number, outScale: number): string {
  const num = sumUnscaled * 10n ** BigInt(outScale - inScale);
  const q = num / count;
  const rem = num % count;
  const r = 2n * (rem < 0n ? -rem : rem) >= count ? q + (num < 0n ? -1n : 1n) : q;
  return formatDecimal(r, outScale);
}

describe('groupBy().agg()', () => {
  it('sum, count, count(*), countDistinct, avg, min, max on a skewed string key', async () => {
    const df = facts.groupBy('k').agg(
      F.sum('i').alias('si'),
      F.count('i').alias('ci'),
      F.count('*').alias('cs'),
      F.countDistinct('g').alias('cd'),
      F.avg('i').alias('ai'),
      F.min('i').alias('mi'),
      F.max('i').alias('ma'),
      F.min('s').alias('mins'),
      F.max('s').alias('maxs'),
      F.sum('l').alias('sl'),
    );
    // DuckDB's sum of int/bigint is hugeint; Spark's is bigint.
    await checkQuery(
      env,
      df,
      `SELECT k, sum(i)::BIGINT AS si, count(i) AS ci, count(*) AS cs, count(DISTINCT g) AS cd, avg(i) AS ai, min(i) AS mi,
              max(i) AS ma, min(s) AS mins, max(s) AS maxs, sum(l)::BIGINT AS sl
       FROM facts GROUP BY k`,
    );
  });

  it('grouping by every key type: NaN is one group, -0.0 is 0.0, null is a group', async () => {
    for (const k of ['d', 'g', 'b', 'm', 'dt', 'ts', 'l', 's']) {
      await checkQuery(env, facts.groupBy(k).agg(F.count('*').alias('n'), F.sum('i').alias('si')), `SELECT ${k}, count(*) AS n, sum(i)::BIGINT AS si FROM facts GROUP BY ${k}`);
    }
    await checkQuery(
      env,
      facts.groupBy('b', 'g', 'k').agg(F.count('*').alias('n'), F.max('d').alias('md')),
      'SELECT b, g, k, count(*) AS n, max(d) AS md FROM facts GROUP BY b, g, k',
    );
  });

  it('double aggregates follow NaN rules (sum/avg NaN, max NaN, min ignores NaN)', async () => {
    // Spark: NaN is greater than any number (max is NaN if any), +Inf + -Inf is NaN; DuckDB agrees.
    await checkQuery(
      env,
      facts.groupBy('g').agg(F.sum('d').alias('sd'), F.avg('d').alias('ad'), F.min('d').alias('mn'), F.max('d').alias('mx'), F.countDistinct('d').alias('cd')),
      'SELECT g, sum(d) AS sd, avg(d) AS ad, min(d) AS mn, max(d) AS mx, count(DISTINCT d) AS cd FROM facts GROUP BY g',
      { tol: { rel: 1e-9, abs: 1e-6 } },
    );
  });

  it('decimal sum is exact decimal(25,2); avg is decimal(19,6) rounded HALF_UP; min/max keep the type', async () => {
    // Spark: sum(decimal(15,2)) = decimal(25,2) and avg = decimal(19,6) (int128 columns).
    // DuckDB's avg of decimals is a double, so the exact average is computed here from sum and count.
    const src = await duckQuery(env, 'SELECT k, (sum(m) * 100)::HUGEINT::VARCHAR AS su, count(m) AS c, min(m) AS mn, max(m) AS mx FROM facts GROUP BY k');
    const rows = src.rows.map(([k, su, c, mn, mx]) => {
      const sum = su === null ? null : BigInt(su as string);
      return [k!, sum === null ? null : formatDecimal(sum, 2), sum === null ? null : avgDecimal(sum, c as bigint, 2, 6), mn!, mx!];
    });
    await checkRows(
      env,
      facts.groupBy('k').agg(F.sum('m').alias('sm'), F.avg('m').alias('am'), F.min('m').alias('mn'), F.max('m').alias('mx')),
      { names: ['k', 'sm', 'am', 'mn', 'mx'], types: ['string', 'decimal(25,2)', 'decimal(19,6)', 'decimal(15,2)', 'decimal(15,2)'], rows },
    );
  });

  it('bigint sums beyond 2^53 are exact', async () => {
    await checkQuery(
      env,
      facts.groupBy('g').agg(F.sum('l').alias('sl'), F.min('l').alias('mn'), F.max('l').alias('mx'), F.countDistinct('l').alias('cd')),
      'SELECT g, sum(l)::BIGINT AS sl, min(l) AS mn, max(l) AS mx, count(DISTINCT l) AS cd FROM facts GROUP BY g',
    );
  });

  it('min / max of strings, dates, timestamps and booleans; countDistinct of multi-byte strings', async () => {
    await checkQuery(
      env,
      facts.groupBy('g').agg(
        F.min('k').alias('mk'),
        F.max('k').alias('xk'),
        F.min('dt').alias('md'),
        F.max('dt').alias('xd'),
        F.min('ts').alias('mt'),
        F.max('ts').alias('xt'),
        F.min('b').alias('mb'),
        F.max('b').alias('xb'),
        F.countDistinct('s').alias('cs'),
      ),
      'SELECT g, min(k) AS mk, max(k) AS xk, min(dt) AS md, max(dt) AS xd, min(ts) AS mt, max(ts) AS xt, min(b) AS mb, max(b) AS xb, count(DISTINCT s) AS cs FROM facts GROUP BY g',
    );
  });

  it('first (with and without ignoreNulls) is the value of the first row in input order', async () => {
    // Spark's first() is order-sensitive; with one ordered scan it is the first row of the group.
    await checkQuery(
      env,
      facts.groupBy('k').agg(F.first('s').alias('fs'), F.first('d', true).alias('fd'), F.first('id').alias('fi')),
      `SELECT k, first(s ORDER BY file_row_number) AS fs, first(d ORDER BY file_row_number) FILTER (WHERE d IS NOT NULL) AS fd,
              first(id ORDER BY file_row_number) AS fi
       FROM facts_rn GROUP BY k`,
    );
  });

  it('expressions of aggregates, aggregates of expressions, grouping by an expression', async () => {
    await checkQuery(
      env,
      facts.groupBy('g').agg(
        F.sum('i').divide(F.count('i')).alias('mean'),
        F.max('i').minus(F.min('i')).alias('rng'),
        F.sum(col('i').multiply(2)).alias('s2'),
        F.count(F.when(col('b'), 1)).alias('nb'),
      ),
      'SELECT g, sum(i)::BIGINT / count(i) AS mean, max(i) - min(i) AS rng, sum(i * 2)::BIGINT AS s2, count(CASE WHEN b THEN 1 END) AS nb FROM facts GROUP BY g',
    );
    // Spark's %: sign of the dividend (DuckDB agrees).
    await checkQuery(
      env,
      facts.groupBy(col('i').mod(3).alias('r'), F.year('dt').alias('y')).agg(F.count('*').alias('n')),
      'SELECT i % 3 AS r, year(dt)::INT AS y, count(*) AS n FROM facts GROUP BY ALL',
    );
  });

  it('random filtered group-bys (seeded)', async () => {
    const rng = new Rng(123);
    // [Kindling aggregate, DuckDB SQL producing Spark's type]
    const aggs: [() => ReturnType<typeof F.sum>, string][] = [
      [() => F.sum('i'), 'sum(i)::BIGINT'],
      [() => F.sum('l'), 'sum(l)::BIGINT'],
      [() => F.sum('m'), 'sum(m)::DECIMAL(25,2)'],
      [() => F.sum('d'), 'sum(d)'],
      [() => F.avg('i'), 'avg(i)'],
      [() => F.count('s'), 'count(s)'],
      [() => F.count('*'), 'count(*)'],
      [() => F.countDistinct('k'), 'count(DISTINCT k)'],
      [() => F.countDistinct('d'), 'count(DISTINCT d)'],
      [() => F.min('s'), 'min(s)'],
      [() => F.max('ts'), 'max(ts)'],
      [() => F.min('m'), 'min(m)'],
      [() => F.max('d'), 'max(d)'],
      [() => F.min('dt'), 'min(dt)'],
    ];
    const keySets = [['k'], ['g'], ['b', 'g'], ['dt'], ['d'], ['k', 'b'], ['s'], []];
    for (let q = 0; q < 16; q++) {
      const keys = rng.pick(keySets);
      const chosen = [rng.pick(aggs), rng.pick(aggs), rng.pick(aggs)];
      const p = randomPredicate(rng, 2);
      const df = facts.filter(p.col).groupBy(...keys).agg(...chosen.map(([k], j) => k().alias(`a${j}`)));
      const select = [...keys, ...chosen.map(([, sql], j) => `${sql} AS a${j}`)].join(', ');
      await checkQuery(env, df, `SELECT ${select} FROM facts WHERE ${p.sql}${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}`, { tol: { rel: 1e-9, abs: 1e-6 } });
    }
  });

  it("Spark's generated names for aggregates", async () => {
    const df = small.groupBy('k').agg(F.sum('i'), F.count('*'), F.avg('d'), F.countDistinct('g'), F.min('k'), F.first('s'), F.count('i'));
    expect(df.columns).toEqual(['k', 'sum(i)', 'count(1)', 'avg(d)', 'count(DISTINCT g)', 'min(k)', 'first(s)', 'count(i)']);
  });
});

describe('GroupedData shortcuts', () => {
  it('count, sum, avg, min, max with explicit columns', async () => {
    await checkQuery(env, facts.groupBy('k').count(), 'SELECT k, count(*) AS count FROM facts GROUP BY k');
    await checkQuery(env, facts.groupBy('g').sum('i', 'l'), 'SELECT g, sum(i)::BIGINT AS "sum(i)", sum(l)::BIGINT AS "sum(l)" FROM facts GROUP BY g');
    await checkQuery(env, facts.groupBy('g').avg('i'), 'SELECT g, avg(i) AS "avg(i)" FROM facts GROUP BY g');
    await checkQuery(env, facts.groupBy('g').min('i', 'd'), 'SELECT g, min(i) AS "min(i)", min(d) AS "min(d)" FROM facts GROUP BY g');
    await checkQuery(env, facts.groupBy('g').max('l'), 'SELECT g, max(l) AS "max(l)" FROM facts GROUP BY g');
    await checkQuery(env, facts.groupBy('k').agg({ i: 'max' }), 'SELECT k, max(i) AS "max(i)" FROM facts GROUP BY k');
  });

  it('sum() without columns sums every numeric non-key column', async () => {
    const df = facts.select('g', 'id', 'i', 'l', 'k').groupBy('g').sum();
    await checkQuery(env, df, 'SELECT g, sum(id)::BIGINT AS "sum(id)", sum(i)::BIGINT AS "sum(i)", sum(l)::BIGINT AS "sum(l)" FROM facts GROUP BY g');
  });
});

describe('global aggregates', () => {
  it('agg() and select() of aggregates give one row', async () => {
    await checkQuery(
      env,
      facts.agg(F.sum('i').alias('si'), F.count('*').alias('n'), F.countDistinct('k').alias('ck'), F.min('s').alias('ms'), F.max('dt').alias('xd'), F.avg('l').alias('al')),
      'SELECT sum(i)::BIGINT AS si, count(*) AS n, count(DISTINCT k) AS ck, min(s) AS ms, max(dt) AS xd, avg(l) AS al FROM facts',
    );
    await checkQuery(env, facts.select(F.sum('l').alias('sl'), F.max('k').alias('mk')), 'SELECT sum(l)::BIGINT AS sl, max(k) AS mk FROM facts');
    await checkQuery(env, small.agg(F.sum('d').alias('sd'), F.count('d').alias('cd')), 'SELECT sum(d) AS sd, count(d) AS cd FROM small', { small: true });
  });

  it('on an empty input: a global aggregate has one row (count 0, sum NULL); a grouped one has none', async () => {
    await checkQuery(
      env,
      empty.agg(F.count('*').alias('n'), F.sum('i').alias('si'), F.max('k').alias('mk'), F.avg('d').alias('ad'), F.countDistinct('g').alias('cd')),
      'SELECT count(*) AS n, sum(i)::BIGINT AS si, max(k) AS mk, avg(d) AS ad, count(DISTINCT g) AS cd FROM empty',
      { small: true },
    );
    await checkQuery(env, empty.groupBy('k').agg(F.count('*').alias('n')), 'SELECT k, count(*) AS n FROM empty GROUP BY k', { small: true });
    await checkQuery(env, facts.filter(col('i').gt(1e9)).agg(F.count('i').alias('n'), F.min('i').alias('m')), 'SELECT count(i) AS n, min(i) AS m FROM facts WHERE i > 1e9');
  });

  it('count() action', async () => {
    expect(await facts.count()).toBe(Number((await duckQuery(env, 'SELECT count(*) FROM facts')).rows[0]![0]));
    expect(await empty.count()).toBe(0);
    expect(await facts.filter(col('k').eq('hot')).count()).toBe(Number((await duckQuery(env, "SELECT count(*) FROM facts WHERE k = 'hot'")).rows[0]![0]));
    expect(await small.count()).toBe(15);
  });
});
