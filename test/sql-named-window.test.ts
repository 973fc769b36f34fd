/**
 * Named windows (`WINDOW w AS (...)`, `OVER w`, `OVER (w)`, `OVER (w ROWS ...)`), joins of every
 * type without a condition, and Spark's output names for `<>` and simple CASE, against DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisError, type DataFrame } from '../src/index.js';
import { type Env, checkQuery, setupEnvWithViews, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnvWithViews('facts', 'dims', 'small');
});
afterAll(() => teardownEnv(env));

async function rowsOf(df: DataFrame): Promise<unknown[][]> {
  return (await df.collect()).map((r) => Object.values(r));
}

const sortRows = (r: unknown[][]) => [...r].sort((a, b) => (JSON.stringify(a, big) < JSON.stringify(b, big) ? -1 : 1));
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

describe('named windows', () => {
  it('OVER w, OVER (w), OVER (w frame), and a window defined by another equal the inline spec', async () => {
    const queries: [string, string][] = [
      [
        'SELECT id, g, sum(i) OVER w AS s, rank() OVER w AS r, count(*) OVER (w) AS c FROM small WINDOW w AS (PARTITION BY g ORDER BY id)',
        'SELECT id, g, sum(i) OVER (PARTITION BY g ORDER BY id) AS s, rank() OVER (PARTITION BY g ORDER BY id) AS r, count(*) OVER (PARTITION BY g ORDER BY id) AS c FROM small',
      ],
      [
        'SELECT id, max(i) OVER (w ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS m FROM small WINDOW w AS (PARTITION BY k ORDER BY id)',
        'SELECT id, max(i) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS m FROM small',
      ],
      [
        'SELECT id, min(d) OVER w2 AS lo FROM small WHERE g < 5 WINDOW w1 AS (PARTITION BY g), w2 AS w1',
        'SELECT id, min(d) OVER (PARTITION BY g) AS lo FROM small WHERE g < 5',
      ],
    ];
    for (const [named, inline] of queries) {
      const a = await env.spark.sql(named);
      const b = await env.spark.sql(inline);
      expect(a.columns).toEqual(b.columns);
      expect(sortRows(await rowsOf(a)), named).toEqual(sortRows(await rowsOf(b)));
    }
    // A hand-checked case.
    const df = await env.spark.sql(
      "SELECT k, v, sum(v) OVER w AS s, row_number() OVER w AS n FROM VALUES ('a', 1), ('a', 2), ('b', 5) AS t(k, v) WINDOW w AS (PARTITION BY k ORDER BY v) ORDER BY k, v",
    );
    expect(await rowsOf(df)).toEqual([['a', 1, 1n, 1], ['a', 2, 3n, 2], ['b', 5, 5n, 1]]);
  });

  it('window names are scoped to their SELECT block; an undefined one is an AnalysisError', async () => {
    await expect(env.spark.sql('SELECT sum(i) OVER w FROM facts')).rejects.toThrow(AnalysisError);
    await expect(env.spark.sql('SELECT sum(i) OVER w FROM facts WINDOW v AS (PARTITION BY g)')).rejects.toThrow(/window 'w' is not defined/);
    const inner = await env.spark.sql('SELECT s FROM (SELECT sum(i) OVER w AS s FROM facts WINDOW w AS (PARTITION BY g)) WHERE s > 0');
    expect(inner.columns).toEqual(['s']);
    await expect(env.spark.sql('SELECT (SELECT max(i) OVER w FROM small) FROM facts WINDOW w AS (PARTITION BY g)')).rejects.toThrow();
  });
});

describe('joins without a condition', () => {
  it('LEFT/RIGHT/FULL/SEMI/ANTI JOIN without ON have condition TRUE', async () => {
    const l = "(SELECT * FROM VALUES (1, 'a'), (2, NULL) AS l(x, y))";
    const r = '(SELECT * FROM VALUES (10), (20) AS r(z))';
    const e = '(SELECT * FROM VALUES (10) AS e(z) WHERE z < 0)';
    const cases: [string, unknown[][]][] = [
      [`SELECT x, y, z FROM ${l} LEFT JOIN ${r}`, [[1, 'a', 10], [1, 'a', 20], [2, null, 10], [2, null, 20]]],
      [`SELECT x, y, z FROM ${l} LEFT OUTER JOIN ${e}`, [[1, 'a', null], [2, null, null]]],
      [`SELECT x, z FROM ${e} RIGHT JOIN ${l}`, [[1, null], [2, null]]],
      [`SELECT x, z FROM ${l} FULL OUTER JOIN ${e}`, [[1, null], [2, null]]],
      [`SELECT x, z FROM ${e} FULL OUTER JOIN ${l}`, [[1, null], [2, null]]],
      [`SELECT * FROM ${l} LEFT SEMI JOIN ${r}`, [[1, 'a'], [2, null]]],
      [`SELECT * FROM ${l} LEFT SEMI JOIN ${e}`, []],
      [`SELECT * FROM ${l} LEFT ANTI JOIN ${r}`, []],
      [`SELECT * FROM ${l} LEFT ANTI JOIN ${e}`, [[1, 'a'], [2, null]]],
    ];
    for (const [q, expected] of cases) expect(sortRows(await rowsOf(await env.spark.sql(q))), q).toEqual(sortRows(expected));
  });
});

describe("Spark's names for <>, simple CASE, explicit casts, count(n) and columns as written", () => {
  it('names a <> b as (NOT (a = b)) and CASE x WHEN y as CASE WHEN (x = y)', async () => {
    const df = await env.spark.sql("SELECT g <> 1, NOT g != 2, CASE k WHEN 'a' THEN 1 ELSE 0 END, CASE WHEN g <> 0 AND i <> 0 THEN 1 END FROM facts");
    expect(df.columns).toEqual(['(NOT (g = 1))', '(NOT (NOT (g = 2)))', 'CASE WHEN (k = a) THEN 1 ELSE 0 END', 'CASE WHEN ((NOT (g = 0)) AND (NOT (i = 0))) THEN 1 END']);
    const casts = await env.spark.sql("SELECT CAST(g AS BIGINT), sum(CAST(NULL AS INT)), CAST('1' AS DECIMAL(10,2)), count(2), count(1) FROM facts GROUP BY g, k");
    expect(casts.columns).toEqual(['CAST(g AS BIGINT)', 'sum(CAST(NULL AS INT))', 'CAST(1 AS DECIMAL(10,2))', 'count(2)', 'count(1)']);
    expect((await env.spark.sql('SELECT G, k AS KK, Id FROM facts')).columns).toEqual(['G', 'KK', 'Id']);
    const q = "SELECT id, g <> 1 AS a, CASE k WHEN 'hot' THEN 1 ELSE 0 END AS c FROM facts";
    await checkQuery(env, await env.spark.sql(q), q);
  });
});
