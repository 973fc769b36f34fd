/**
 * End-to-end DataFrame tests against DuckDB: orderBy/sort (asc/desc, nulls first/last, several keys,
 * every type), limit, top-k (orderBy().limit()), distinct, dropDuplicates, union, unionByName.
 * Spark's default ordering is NULLS FIRST for ascending and NULLS LAST for descending (DuckDB's
 * default is NULLS LAST for both, so the SQL always spells it out); NaN sorts above every number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame } from '../src/index.js';
import { type Env, FACT_COLUMNS, checkQuery, duckQuery, runKindling, setupTables, showCell, teardownEnv, withBatchSize } from './helpers/oracle.js';

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

const COLS = FACT_COLUMNS.map(([n]) => n);
const idx = (name: string) => COLS.indexOf(name);

describe('orderBy / sort', () => {
  it('one key of every type, ascending (nulls first) and descending (nulls last)', async () => {
    // Whole rows (every type gathered through the sort) for one key, key + id for the others.
    await checkQuery(env, facts.orderBy('k'), 'SELECT * FROM facts ORDER BY k ASC NULLS FIRST', { ordered: [idx('k')] });
    await checkQuery(env, facts.sort(col('d').desc()), 'SELECT * FROM facts ORDER BY d DESC NULLS LAST', { ordered: [idx('d')] });
    for (const k of ['i', 'k', 'd', 'm', 'dt', 'ts', 'l', 'b', 's']) {
      await checkQuery(env, facts.select('id', k).orderBy(k), `SELECT id, ${k} FROM facts ORDER BY ${k} ASC NULLS FIRST`, { ordered: [1] });
      await checkQuery(env, facts.select('id', k).sort(col(k).desc()), `SELECT id, ${k} FROM facts ORDER BY ${k} DESC NULLS LAST`, { ordered: [1] });
    }
  });

  it('explicit null placement', async () => {
    await checkQuery(env, facts.orderBy(col('d').ascNullsLast()), 'SELECT * FROM facts ORDER BY d ASC NULLS LAST', { ordered: [idx('d')] });
    await checkQuery(env, facts.orderBy(col('d').descNullsFirst()), 'SELECT * FROM facts ORDER BY d DESC NULLS FIRST', { ordered: [idx('d')] });
    await checkQuery(env, facts.orderBy(col('k').ascNullsFirst()), 'SELECT * FROM facts ORDER BY k ASC NULLS FIRST', { ordered: [idx('k')] });
    await checkQuery(env, facts.orderBy(col('k').descNullsLast()), 'SELECT * FROM facts ORDER BY k DESC NULLS LAST', { ordered: [idx('k')] });
  });

  it('several keys with mixed directions, strings included', async () => {
    await checkQuery(
      env,
      facts.orderBy(col('g').ascNullsLast(), F.desc('k'), col('d').descNullsFirst(), 'ts'),
      'SELECT * FROM facts ORDER BY g ASC NULLS LAST, k DESC NULLS LAST, d DESC NULLS FIRST, ts ASC NULLS FIRST',
      { ordered: [idx('g'), idx('k'), idx('d'), idx('ts')] },
    );
    await checkQuery(
      env,
      facts.sort([F.asc('s'), col('b').desc(), 'id']).select('s', 'b', 'id'),
      'SELECT s, b, id FROM facts ORDER BY s ASC NULLS FIRST, b DESC NULLS LAST, id ASC NULLS FIRST',
      { ordered: true },
    );
  });

  it('sorting by an expression that is not selected', async () => {
    await checkQuery(env, facts.orderBy(col('i').multiply(-1), 'id').select('id', 'i'), 'SELECT id, i FROM facts ORDER BY i * -1 ASC NULLS FIRST, id ASC NULLS FIRST', { ordered: true });
    await checkQuery(env, facts.select('id', 'k').orderBy(F.length('k').desc(), 'id'), 'SELECT id, k FROM facts ORDER BY length(k) DESC NULLS LAST, id ASC NULLS FIRST', { ordered: true });
  });

  it('small and empty inputs (batch size 1)', async () => {
    await checkQuery(env, small.orderBy(col('d').desc(), 'id').select('id', 'd', 'k'), 'SELECT id, d, k FROM small ORDER BY d DESC NULLS LAST, id ASC NULLS FIRST', { ordered: [0, 1], small: true });
    await checkQuery(env, empty.orderBy('k'), 'SELECT * FROM empty ORDER BY k NULLS FIRST', { ordered: true, small: true });
  });

  it('sort after aggregate and after join', async () => {
    await checkQuery(
      env,
      facts.groupBy('k').agg(F.count('*').alias('n')).orderBy(col('n').desc(), 'k'),
      'SELECT k, count(*) AS n FROM facts GROUP BY k ORDER BY n DESC NULLS LAST, k ASC NULLS FIRST',
      { ordered: true },
    );
    await checkQuery(
      env,
      facts.join(dims, 'k').select('id', 'label').orderBy('label', col('id').desc()),
      'SELECT f.id, dm.label FROM facts f JOIN dims dm ON f.k = dm.k ORDER BY dm.label ASC NULLS FIRST, f.id DESC NULLS LAST',
      { ordered: true },
    );
  });
});

describe('limit and top-k', () => {
  it('orderBy().limit(k) for several k, keys determining the rows', async () => {
    const base = facts.select('id', 'k', 'd');
    for (const n of [0, 1, 7, 100, 901, 10_000]) {
      await checkQuery(env, base.orderBy(col('d').desc(), 'id').limit(n), `SELECT id, k, d FROM facts ORDER BY d DESC NULLS LAST, id ASC NULLS FIRST LIMIT ${n}`, { ordered: true });
      await checkQuery(env, base.orderBy('k', col('id').desc()).limit(n), `SELECT id, k, d FROM facts ORDER BY k ASC NULLS FIRST, id DESC NULLS LAST LIMIT ${n}`, { ordered: true });
    }
    await checkQuery(env, facts.select('id', 'ts').sort(col('ts').ascNullsLast(), 'id').limit(5), 'SELECT id, ts FROM facts ORDER BY ts ASC NULLS LAST, id LIMIT 5', { ordered: true });
  });

  it('limit without order returns that many input rows', async () => {
    const all = await duckQuery(env, 'SELECT * FROM facts');
    const key = (r: unknown[]) => r.map((v) => showCell(v as never)).join('|');
    const input = new Set(all.rows.map(key));
    for (const n of [0, 1, 10, 900, 901, 2400, 9000]) {
      for (const size of [65_536, 7]) {
        const got = await withBatchSize(env, size, () => runKindling(facts.limit(n)));
        expect(got.rows.length).toBe(Math.min(n, all.rows.length));
        for (const r of got.rows) expect(input.has(key(r)), `row ${key(r)} is an input row`).toBe(true);
      }
    }
    // limit then aggregate: counts exactly the limit.
    expect(await facts.limit(123).count()).toBe(123);
    expect(await facts.filter(col('k').eq('hot')).limit(5000).count()).toBe(Number((await duckQuery(env, "SELECT count(*) FROM facts WHERE k = 'hot'")).rows[0]![0]));
    expect(await empty.limit(3).count()).toBe(0);
  });
});

describe('distinct and dropDuplicates', () => {
  it('distinct over several columns, all columns, and doubles (NaN once, -0.0 = 0.0)', async () => {
    await checkQuery(env, facts.select('k', 'g', 'b').distinct(), 'SELECT DISTINCT k, g, b FROM facts');
    await checkQuery(env, facts.distinct(), 'SELECT DISTINCT * FROM facts');
    await checkQuery(env, facts.select('d').distinct(), 'SELECT DISTINCT d FROM facts');
    await checkQuery(env, facts.select('m', 'dt').distinct(), 'SELECT DISTINCT m, dt FROM facts');
    await checkQuery(env, small.select('k', 'd').distinct(), 'SELECT DISTINCT k, d FROM small', { small: true });
    await checkQuery(env, empty.distinct(), 'SELECT DISTINCT * FROM empty', { small: true });
    await checkQuery(env, facts.dropDuplicates(), 'SELECT DISTINCT * FROM facts');
  });

  it('dropDuplicates(subset): one row per key, each an input row', async () => {
    const all = await duckQuery(env, 'SELECT * FROM facts');
    const key = (r: unknown[]) => r.map((v) => showCell(v as never)).join('|');
    const input = new Set(all.rows.map(key));
    for (const subset of [['k'], ['k', 'g'], ['d'], ['b', 'dt']]) {
      const df = facts.dropDuplicates(subset);
      expect(df.columns).toEqual(COLS);
      for (const size of [65_536, 7]) {
        const got = await withBatchSize(env, size, () => runKindling(df));
        const keys = got.rows.map((r) => subset.map((c) => r[idx(c)]!));
        const expected = await duckQuery(env, `SELECT DISTINCT ${subset.join(', ')} FROM facts`);
        const norm = (rows: unknown[][]) => rows.map((r) => r.map((v) => (typeof v === 'number' && v === 0 ? 0 : v)).map((v) => showCell(v as never)).join('|')).sort();
        expect(norm(keys)).toEqual(norm(expected.rows));
        for (const r of got.rows) expect(input.has(key(r)), `row ${key(r)} is an input row`).toBe(true);
      }
    }
  });
});

describe('union and unionByName', () => {
  it('union by position widens types and keeps duplicates', async () => {
    // bigint with int -> bigint; names come from the left side.
    await checkQuery(env, facts.select('id', 'k').union(dims.select('g', 'label')), 'SELECT id, k FROM facts UNION ALL SELECT g::BIGINT, label FROM dims');
    await checkQuery(env, facts.select('i').unionAll(facts.select('d')), 'SELECT i::DOUBLE AS i FROM facts UNION ALL SELECT d FROM facts');
    // Spark: int with string in a union is string.
    await checkQuery(env, facts.select('i').union(facts.select('s')), 'SELECT i::VARCHAR AS i FROM facts UNION ALL SELECT s FROM facts');
    await checkQuery(env, small.union(small).union(empty), 'SELECT * FROM small UNION ALL SELECT * FROM small', { small: true });
  });

  it('union then distinct and aggregate', async () => {
    await checkQuery(env, facts.select('k').union(dims.select('k')).distinct(), 'SELECT DISTINCT k FROM (SELECT k FROM facts UNION ALL SELECT k FROM dims)');
    await checkQuery(
      env,
      facts.select('k', 'g').union(dims.select('k', 'g')).groupBy('k').agg(F.count('*').alias('n'), F.sum('g').alias('sg')),
      'SELECT k, count(*) AS n, sum(g)::BIGINT AS sg FROM (SELECT k, g FROM facts UNION ALL SELECT k, g FROM dims) GROUP BY k',
    );
  });

  it('unionByName matches columns by name; allowMissingColumns fills nulls', async () => {
    await checkQuery(
      env,
      dims.select('label', 'k').unionByName(facts.select('k', 's').withColumnRenamed('s', 'label')),
      'SELECT label, k FROM dims UNION ALL SELECT s, k FROM facts',
    );
    await checkQuery(
      env,
      facts.select('id', 'k').unionByName(dims.select('k', 'w'), true),
      'SELECT id, k, NULL::DOUBLE AS w FROM facts UNION ALL SELECT NULL::BIGINT, k, w FROM dims',
    );
  });
});
