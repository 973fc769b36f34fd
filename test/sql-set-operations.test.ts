/**
 * INTERSECT ALL / EXCEPT ALL (Spark's multiplicities, NULLs equal) and their precedence with UNION /
 * INTERSECT / EXCEPT DISTINCT, against DuckDB on the oracle tables (duplicates, NULLs, NaN, -0.0,
 * multi-byte strings), plus small hand-checked cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, checkQuery, setupEnvWithViews, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnvWithViews('facts', 'dims', 'small');
});
afterAll(() => teardownEnv(env));

async function rows(sql: string): Promise<unknown[][]> {
  const df = await env.spark.sql(sql);
  return (await df.collect()).map((r) => Object.values(r));
}

const sortRows = (r: unknown[][]) => [...r].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('INTERSECT ALL / EXCEPT ALL', () => {
  it('keeps min(m, n) / max(m - n, 0) copies of each row; NULLs are equal', async () => {
    const a = "SELECT * FROM VALUES (1, 'x'), (1, 'x'), (1, 'x'), (2, NULL), (2, NULL), (NULL, NULL), (3, 'y') AS a(k, v)";
    const b = "SELECT * FROM VALUES (1, 'x'), (1, 'x'), (2, NULL), (NULL, NULL), (NULL, NULL), (4, 'z') AS b(k, v)";
    expect(sortRows(await rows(`${a} INTERSECT ALL ${b}`))).toEqual(sortRows([[1, 'x'], [1, 'x'], [2, null], [null, null]]));
    expect(sortRows(await rows(`${a} EXCEPT ALL ${b}`))).toEqual(sortRows([[1, 'x'], [2, null], [3, 'y']]));
    expect(sortRows(await rows(`${b} EXCEPT ALL ${a}`))).toEqual(sortRows([[null, null], [4, 'z']]));
    // DISTINCT forms for contrast.
    expect(sortRows(await rows(`${a} INTERSECT ${b}`))).toEqual(sortRows([[1, 'x'], [2, null], [null, null]]));
    expect(sortRows(await rows(`${a} EXCEPT ${b}`))).toEqual([[3, 'y']]);
  });

  it('widens types like UNION and keeps the left names', async () => {
    const df = await env.spark.sql('SELECT * FROM VALUES (1), (1), (2) AS t(a) INTERSECT ALL SELECT CAST(1 AS BIGINT)');
    expect(df.columns).toEqual(['a']);
    expect(df.schema.fields[0]!.type.kind).toBe('int64');
    expect(await rows('SELECT * FROM VALUES (1), (1), (2) AS t(a) INTERSECT ALL SELECT CAST(1 AS BIGINT)')).toEqual([[1n]]);
  });

  it('INTERSECT binds tighter than UNION and EXCEPT; otherwise left to right', async () => {
    const t1 = 'SELECT * FROM VALUES (1), (1), (2), (3) AS t(a)';
    const t2 = 'SELECT * FROM VALUES (1), (2), (2) AS t(a)';
    // t1 EXCEPT ALL t2 UNION ALL (t1 INTERSECT ALL t2)
    expect(sortRows(await rows(`${t1} EXCEPT ALL ${t2} UNION ALL ${t1} INTERSECT ALL ${t2}`))).toEqual(sortRows([[1], [3], [1], [2]]));
    // (t1 EXCEPT ALL t2) EXCEPT DISTINCT (t1 INTERSECT ALL t2)
    expect(sortRows(await rows(`${t1} EXCEPT ALL ${t2} EXCEPT ${t1} INTERSECT ALL ${t2}`))).toEqual([[3]]);
  });

  it('matches DuckDB on Parquet tables (duplicates, NULLs, NaN, -0.0, multi-byte keys)', async () => {
    const queries = [
      'SELECT k, g FROM facts INTERSECT ALL SELECT k, g FROM dims',
      'SELECT k, g FROM facts WHERE i > 0 EXCEPT ALL SELECT k, g FROM facts WHERE i > 500',
      'SELECT k FROM dims EXCEPT ALL SELECT k FROM small',
      'SELECT d FROM facts INTERSECT ALL SELECT w FROM dims',
      'SELECT g, b, dt FROM facts EXCEPT ALL SELECT g, b, dt FROM facts WHERE id % 3 = 0',
      'SELECT k FROM facts INTERSECT ALL SELECT k FROM facts WHERE g < 5 UNION ALL SELECT k FROM dims',
    ];
    for (const q of queries) await checkQuery(env, await env.spark.sql(q), q);
  });
});
