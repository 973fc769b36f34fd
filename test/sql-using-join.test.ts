/**
 * USING / NATURAL joins with Spark's hidden join keys: the output has each key once (the left's,
 * the right's for RIGHT JOIN, coalesced for FULL JOIN), while `l.k` / `r.k` and `l.*` / `r.*` still
 * reach each side's own key column. Checked against hand-computed results and against DuckDB for
 * the visible columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisError } from '../src/index.js';
import { type Env, checkQuery, runKindling, setupEnvWithViews, teardownEnv } from './helpers/oracle.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnvWithViews('dims', 'small');
  await env.spark.sql("CREATE TEMP VIEW l1 AS SELECT * FROM VALUES ('one', 1), ('two', 2), ('three', 3) AS l1(k, v1)");
  await env.spark.sql("CREATE TEMP VIEW r1 AS SELECT * FROM VALUES ('one', 5), ('one', 6), ('two', 22), ('four', 4) AS r1(k, v2)");
  await env.spark.sql("CREATE TEMP VIEW x1 AS SELECT * FROM VALUES ('one', 7), ('four', 8) AS x1(k, v3)");
});
afterAll(() => teardownEnv(env));

async function run(sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const df = await env.spark.sql(sql);
  return { columns: df.columns, rows: (await runKindling(df)).rows };
}
const sorted = (r: unknown[][]) => [...r].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('USING / NATURAL join hidden keys', () => {
  it('l.*, r.* include both key columns; l.k and r.k are each side’s own value', async () => {
    const inner = await run('SELECT l1.*, r1.* FROM l1 JOIN r1 USING (k)');
    expect(inner.columns).toEqual(['k', 'v1', 'k', 'v2']);
    expect(sorted(inner.rows)).toEqual(sorted([['one', 1, 'one', 5], ['one', 1, 'one', 6], ['two', 2, 'two', 22]]));
    const left = await run('SELECT k, l1.k, r1.k FROM l1 LEFT JOIN r1 USING (k)');
    expect(sorted(left.rows)).toEqual(sorted([['one', 'one', 'one'], ['one', 'one', 'one'], ['two', 'two', 'two'], ['three', 'three', null]]));
    const right = await run('SELECT k, l1.k, r1.k FROM l1 RIGHT JOIN r1 USING (k)');
    expect(sorted(right.rows)).toEqual(sorted([['one', 'one', 'one'], ['one', 'one', 'one'], ['two', 'two', 'two'], ['four', null, 'four']]));
    const full = await run('SELECT k, l1.k, r1.k FROM l1 FULL JOIN r1 USING (k)');
    expect(sorted(full.rows)).toEqual(sorted([['one', 'one', 'one'], ['one', 'one', 'one'], ['two', 'two', 'two'], ['three', 'three', null], ['four', null, 'four']]));
    expect((await run('SELECT * FROM l1 FULL JOIN r1 USING (k)')).columns).toEqual(['k', 'v1', 'v2']);
  });

  it('NATURAL JOIN chains, ON over a hidden key, ORDER BY a hidden key, subqueries see selected keys', async () => {
    const chain = await run('SELECT l1.*, r1.*, x1.* FROM l1 NATURAL JOIN r1 NATURAL JOIN x1');
    expect(chain.columns).toEqual(['k', 'v1', 'k', 'v2', 'k', 'v3']);
    expect(sorted(chain.rows)).toEqual(sorted([['one', 1, 'one', 5, 'one', 7], ['one', 1, 'one', 6, 'one', 7]]));
    const on = await run('SELECT l1.k, v3 FROM l1 NATURAL JOIN r1 JOIN x1 ON r1.k = x1.k');
    await expect(env.spark.sql('SELECT k FROM l1 NATURAL JOIN r1 JOIN x1 ON r1.k = x1.k')).rejects.toThrow(/ambiguous/);
    expect(on.columns).toEqual(['k', 'v3']);
    expect(on.rows).toEqual([['one', 7], ['one', 7]]);
    expect((await run('SELECT v2 FROM l1 RIGHT JOIN r1 USING (k) ORDER BY l1.k NULLS FIRST, v2')).rows).toEqual([[4], [5], [6], [22]]);
    const sub = await run('SELECT * FROM (SELECT l1.v1, r1.k FROM l1 NATURAL JOIN r1)');
    expect(sub.columns).toEqual(['v1', 'k']);
    expect(sorted(sub.rows)).toEqual(sorted([[1, 'one'], [1, 'one'], [2, 'two']]));
    // Plain `k` is the visible key, never ambiguous with the hidden ones.
    expect(sorted((await run("SELECT k FROM l1 FULL JOIN r1 USING (k) WHERE k <> 'one'")).rows)).toEqual(sorted([['two'], ['three'], ['four']]));
    await expect(env.spark.sql('SELECT l1.nope FROM l1 JOIN r1 USING (k)')).rejects.toThrow(AnalysisError);
    await expect(env.spark.sql('SELECT * FROM l1 JOIN r1 USING (v1)')).rejects.toThrow(AnalysisError);
  });

  it('a parenthesized join takes an alias and column names', async () => {
    const r = await run('SELECT j.a, b FROM (l1 CROSS JOIN x1) AS j (a, b, c, d) WHERE j.d = 8 ORDER BY a');
    expect(r.columns).toEqual(['a', 'b']);
    expect(r.rows).toEqual([['one', 1], ['three', 3], ['two', 2]]);
    const q = await run('SELECT j.v1 FROM (l1 JOIN r1 USING (k)) j ORDER BY 1');
    expect(q.rows).toEqual([[1], [1], [2]]);
  });

  it('visible columns match DuckDB on Parquet tables', async () => {
    for (const how of ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN']) {
      const q = `SELECT k, g, d.label, s.id FROM dims d ${how} small s USING (k, g)`;
      await checkQuery(env, await env.spark.sql(q), q);
    }
  });
});
