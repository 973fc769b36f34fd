/**
 * LIMIT / OFFSET with constant expressions (Spark: foldable, int, not null, non-negative), OFFSET
 * alone and with ORDER BY (a top-k), and the `range(...)` table-valued function, against DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisError } from '../src/index.js';
import { type Env, checkQuery, setupEnvWithViews, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnvWithViews('facts');
});
afterAll(() => teardownEnv(env));

async function rows(sql: string): Promise<unknown[][]> {
  return (await (await env.spark.sql(sql)).collect()).map((r) => Object.values(r));
}

describe('LIMIT and OFFSET', () => {
  it('take constant int expressions', async () => {
    expect(await rows('SELECT id FROM range(10) ORDER BY id LIMIT 2 + 1')).toEqual([[0n], [1n], [2n]]);
    expect(await rows('SELECT id FROM range(10) ORDER BY id LIMIT CAST(1 AS INT)')).toEqual([[0n]]);
    expect(await rows('SELECT id FROM range(10) ORDER BY id LIMIT 0')).toEqual([]);
  });

  it('reject non-constant, non-int, null and negative expressions (AnalysisError)', async () => {
    for (const q of [
      'SELECT id FROM range(10) LIMIT id',
      'SELECT id FROM range(10) LIMIT -1',
      'SELECT id FROM range(10) LIMIT CAST(NULL AS INT)',
      'SELECT id FROM range(10) LIMIT 1L',
      "SELECT id FROM range(10) LIMIT '1'",
      'SELECT id FROM range(10) OFFSET -1',
      'SELECT id FROM range(10) LIMIT (SELECT 1)',
    ]) {
      await expect(env.spark.sql(q), q).rejects.toThrow(AnalysisError);
    }
  });

  it('OFFSET alone, with LIMIT, and after ORDER BY (top-k) match DuckDB', async () => {
    const queries: [string, boolean][] = [
      ['SELECT id, k FROM facts ORDER BY id LIMIT 5 OFFSET 3', true],
      ['SELECT id, k FROM facts ORDER BY d DESC NULLS LAST, id OFFSET 2390', true],
      ['SELECT id FROM facts ORDER BY id OFFSET 2395', true],
      ['SELECT count(*) AS n FROM (SELECT id FROM facts OFFSET 100)', false],
      ['SELECT count(*) AS n FROM (SELECT id FROM facts LIMIT 1000 OFFSET 2000)', false],
      ['SELECT id FROM facts ORDER BY id LIMIT 3 OFFSET 5000', true],
    ];
    for (const [q, ordered] of queries) await checkQuery(env, await env.spark.sql(q), q, { ordered });
  });

  it('OFFSET applies to the ORDER BY of a set operation', async () => {
    expect(await rows('SELECT id FROM range(3) UNION ALL SELECT id FROM range(5, 7) ORDER BY id DESC LIMIT 2 OFFSET 1')).toEqual([[5n], [2n]]);
  });
});

describe('DataFrame.offset', () => {
  it('skips the first n rows, also after orderBy and before limit', async () => {
    const df = await env.spark.sql('SELECT id FROM range(10)');
    const ids = async (d: typeof df) => (await d.collect()).map((r) => Number(r['id']));
    expect(await ids(df.orderBy('id').offset(7))).toEqual([7, 8, 9]);
    expect(await ids(df.orderBy('id').offset(2).limit(3))).toEqual([2, 3, 4]);
    expect(await ids(df.offset(20))).toEqual([]);
    expect(() => df.offset(-1)).toThrow(/non-negative/);
  });
});

describe('range table-valued function', () => {
  it("is Spark's range: [start, end) by step, column id bigint not null", async () => {
    const df = await env.spark.sql('SELECT * FROM range(3)');
    expect(df.columns).toEqual(['id']);
    expect(df.schema.fields[0]!.nullable).toBe(false);
    expect(await rows('SELECT * FROM range(3)')).toEqual([[0n], [1n], [2n]]);
    expect(await rows('SELECT * FROM range(1, 10, 4)')).toEqual([[1n], [5n], [9n]]);
    expect(await rows('SELECT * FROM range(5, 0, -2)')).toEqual([[5n], [3n], [1n]]);
    expect(await rows('SELECT * FROM range(5, 0)')).toEqual([]);
    expect(await rows('SELECT t.n FROM range(2) AS t(n)')).toEqual([[0n], [1n]]);
    expect(await rows('SELECT sum(id) FROM range(1, 4)')).toEqual([[6n]]);
    await expect(env.spark.sql('SELECT * FROM range(1, 2, 0)')).rejects.toThrow(/step/);
    await expect(env.spark.sql('SELECT * FROM nosuchfn(1)')).rejects.toThrow(AnalysisError);
  });
});
