/**
 * spark.sql on the DataFrame suite's Parquet tables (test/helpers/oracle.ts) against DuckDB, and the
 * SQL expression parser fuzzed with the suite's random predicates: the same predicate text through
 * `spark.sql`, `df.filter(text)` and the Column API must select the same rows as DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataFrame } from '../src/index.js';
import { type Env, Rng, checkQuery, randomPredicate, runKindling, setupEnv, teardownEnv } from './helpers/oracle.js';

let env: Env;
let facts: DataFrame;

beforeAll(async () => {
  env = await setupEnv();
  facts = await env.read('facts');
  facts.createOrReplaceTempView('facts');
  (await env.read('dims')).createOrReplaceTempView('dims');
  (await env.read('small')).createOrReplaceTempView('small');
});
afterAll(() => teardownEnv(env));

describe('random predicates: SQL text = Column API = DuckDB', () => {
  it('40 predicates over every column type (nulls, NaN, -0.0, multi-byte strings, dates, timestamps)', async () => {
    const rng = new Rng(4242);
    for (let i = 0; i < 40; i++) {
      const p = randomPredicate(rng, 2);
      const sql = `SELECT id FROM facts WHERE ${p.sql}`;
      const viaSql = await runKindling(await env.spark.sql(sql));
      const viaText = await runKindling(facts.filter(p.sql).select('id'));
      const viaColumn = await runKindling(facts.filter(p.col).select('id'));
      const ids = (r: { rows: unknown[][] }) => r.rows.map((x) => x[0]);
      expect(ids(viaSql), p.sql).toEqual(ids(viaColumn));
      expect(ids(viaText), p.sql).toEqual(ids(viaColumn));
      if (i % 8 === 0) await checkQuery(env, await env.spark.sql(sql), sql);
    }
  });
});

describe('queries on Parquet tables vs DuckDB', () => {
  it('aggregates, joins, ordering, set operations, parquet.`path`', async () => {
    const queries: [string, Parameters<typeof checkQuery>[3]?][] = [
      ['SELECT k, count(*) AS n, min(d) AS lo, max(s) AS hi, count(DISTINCT g) AS dg FROM facts GROUP BY k'],
      ["SELECT g, avg(d) AS a FROM facts WHERE k <> 'hot' AND d = d GROUP BY g HAVING count(*) > 10"],
      ['SELECT f.id, dm.label FROM facts f JOIN dims dm ON f.g = dm.g WHERE f.i > 900', { small: false }],
      ['SELECT id, k FROM small ORDER BY k DESC NULLS LAST, id LIMIT 7', { ordered: true }],
      ['SELECT k FROM small INTERSECT SELECT k FROM facts WHERE i > 0'],
      ['SELECT g FROM facts EXCEPT SELECT g FROM dims'],
      ['SELECT k FROM small UNION ALL SELECT s FROM small'],
      [`SELECT count(*) AS n FROM parquet.\`${'FACTS'}\` WHERE dt >= DATE '2000-01-01'`],
    ];
    for (const [q, opts] of queries) {
      const text = q.replace('FACTS', env.paths.facts);
      const duck = text.replace(/parquet\.`([^`]+)`/, "read_parquet('$1')");
      await checkQuery(env, await env.spark.sql(text), duck, opts ?? {});
    }
  });
});
