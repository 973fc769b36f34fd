/**
 * Grouping analytics: ROLLUP / CUBE with tuple elements, GROUPING SETS, mixed lists (cross product
 * of the items' sets), Hive's `GROUP BY a, b GROUPING SETS (...)`, grouping() / grouping_id() /
 * grouping__id, and HAVING preferring a grouping column over a select alias, against DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisError, ParseError } from '../src/index.js';
import { type Env, checkQuery, setupEnvWithViews, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnvWithViews('dims', 'small');
});
afterAll(() => teardownEnv(env));

describe('grouping analytics', () => {
  it('mixed grouping lists and tuple elements match DuckDB', async () => {
    const c = 'CAST(count(*) AS BIGINT) AS n, CAST(sum(i) AS BIGINT) AS s';
    const queries: [string, string?][] = [
      [`SELECT k, g, ${c} FROM small GROUP BY k, CUBE(k, g)`],
      [`SELECT k, g, ${c} FROM small GROUP BY CUBE(k, g), ROLLUP(g)`],
      [`SELECT k, g, b, ${c} FROM small GROUP BY ROLLUP(k, (g, b))`],
      [`SELECT k, g, ${c} FROM small GROUP BY k, GROUPING SETS((k, g), (k), ())`],
      [`SELECT k, g, ${c} FROM small GROUP BY k, g GROUPING SETS(k, ())`, `SELECT k, CAST(NULL AS INTEGER) AS g, ${c} FROM small GROUP BY GROUPING SETS(k, ())`],
      [`SELECT g + 1 AS g1, g, ${c} FROM small GROUP BY g + 1, g WITH CUBE`, `SELECT g + 1 AS g1, g, ${c} FROM small GROUP BY CUBE(g + 1, g)`],
    ];
    for (const [q, d] of queries) await checkQuery(env, await env.spark.sql(q), d ?? q);
  });

  it("grouping(), grouping_id() and grouping__id follow Spark's bits and types", async () => {
    const q = 'SELECT k, g, grouping(k), grouping(g), grouping_id(k, g), grouping__id FROM small GROUP BY CUBE(k, g)';
    const df = await env.spark.sql(q);
    expect(df.columns).toEqual(['k', 'g', 'grouping(k)', 'grouping(g)', 'grouping_id(k, g)', 'grouping__id']);
    expect(df.schema.fields.map((f) => f.type.kind)).toEqual(['utf8', 'int32', 'int8', 'int8', 'int64', 'int64']);
    const duck = 'SELECT k, g, CAST(grouping(k) AS TINYINT), CAST(grouping(g) AS TINYINT), CAST(grouping(k, g) AS BIGINT), CAST(grouping(k, g) AS BIGINT) FROM small GROUP BY CUBE(k, g)';
    await checkQuery(env, df, duck, { names: df.columns });
    const h = 'SELECT k, g FROM small GROUP BY CUBE(k, g) HAVING grouping(g) = 1 AND grouping_id(k, g) > 0';
    await checkQuery(env, await env.spark.sql(h), 'SELECT k, g FROM small GROUP BY CUBE(k, g) HAVING grouping(g) = 1 AND grouping(k, g) > 0');
    await expect(env.spark.sql('SELECT k, grouping(k) FROM small GROUP BY k')).rejects.toThrow(AnalysisError);
    await expect(env.spark.sql('SELECT k FROM small GROUP BY CUBE(k, g) ORDER BY grouping(i)')).rejects.toThrow(AnalysisError);
    await expect(env.spark.sql('SELECT k FROM small GROUP BY ROLLUP(k, ())')).rejects.toThrow(ParseError);
  });

  it('HAVING resolves a name to the grouping column before a select alias', async () => {
    const rows = await (await env.spark.sql('SELECT SUM(a) AS b FROM VALUES (1, 10), (2, 20) AS T(a, b) GROUP BY b HAVING b > 10')).collect();
    expect(rows.map((r) => Object.values(r))).toEqual([[2n]]);
    // ORDER BY still prefers the alias.
    const ordered = await (await env.spark.sql('SELECT SUM(a) AS b FROM VALUES (1, 30), (2, 20) AS T(a, b) GROUP BY b ORDER BY b')).collect();
    expect(ordered.map((r) => Object.values(r))).toEqual([[1n], [2n]]);
  });
});
