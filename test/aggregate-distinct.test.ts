/**
 * DISTINCT aggregates end to end (SQL and DataFrame API) against DuckDB (test/helpers/oracle.ts):
 * sum/avg/stddev/corr(DISTINCT ...), count(DISTINCT a, b) (rows where every argument is non-null),
 * min/max(DISTINCT) (= plain), mixed with non-distinct aggregates in one query, grouped and
 * ungrouped, with a filter fused into the aggregation, and on an empty input.
 *
 * Kindling computes agg(DISTINCT args) inside the hash aggregation (DistinctAccumulator in
 * src/kernels/moments.ts): a key table over (group id, args) lets only the first row of each new
 * combination reach the plain accumulator, so distinct and non-distinct calls share one pass.
 * DuckDB agrees with Spark here: NaN is one value and -0.0 equals 0.0 for DISTINCT; sums of ints are
 * HUGEINT in DuckDB (cast to BIGINT); avg of decimals is a double in DuckDB (so only avg(DISTINCT) of
 * ints and doubles is compared with it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame, type SparkSession } from '../src/index.js';
import { type Env, checkQuery, setupTables, teardownEnv } from './helpers/oracle.js';

const { col } = F;

let env: Env;
let spark: SparkSession;
let facts: DataFrame;
let empty: DataFrame;

beforeAll(async () => {
  ({ env, facts, empty } = await setupTables());
  spark = env.spark;
  facts.createOrReplaceTempView('facts');
  empty.createOrReplaceTempView('facts_empty');
});
afterAll(() => teardownEnv(env));

const TOL = { rel: 1e-9, abs: 1e-9 };

describe('DISTINCT aggregates', () => {
  it('SQL: mixed distinct and plain aggregates by a skewed string key', async () => {
    await checkQuery(
      env,
      await spark.sql(`SELECT k, sum(DISTINCT g) AS sdg, sum(g) AS sg, avg(DISTINCT i) AS adi, count(DISTINCT g, b) AS cgb, count(DISTINCT g) AS cg,
          count(*) AS n, min(DISTINCT i) AS mi, max(DISTINCT s) AS ms, sum(DISTINCT l) AS sdl, sum(DISTINCT d) AS sdd, count(DISTINCT i, g, b) AS c3
        FROM facts GROUP BY k`),
      `SELECT k, sum(DISTINCT g)::BIGINT AS sdg, sum(g)::BIGINT AS sg, avg(DISTINCT i) AS adi, count(DISTINCT (g, b)) FILTER (WHERE g IS NOT NULL AND b IS NOT NULL) AS cgb,
          count(DISTINCT g) AS cg, count(*) AS n, min(i) AS mi, max(s) AS ms, sum(DISTINCT l)::BIGINT AS sdl, sum(DISTINCT d) AS sdd,
          count(DISTINCT (i, g, b)) FILTER (WHERE i IS NOT NULL AND g IS NOT NULL AND b IS NOT NULL) AS c3
        FROM facts GROUP BY k`,
      { tol: TOL },
    );
  });

  it('SQL: statistics with DISTINCT (pairs for two-argument functions), ungrouped and by key', async () => {
    const kindling = `stddev(DISTINCT g) AS a, var_pop(DISTINCT i) AS b, corr(DISTINCT g, i) AS c, covar_pop(DISTINCT g, g) AS e, count(DISTINCT i) AS f`;
    const duck = `stddev_samp(DISTINCT g) AS a, var_pop(DISTINCT i) AS b, corr(DISTINCT g, i) AS c, covar_pop(DISTINCT g, g) AS e, count(DISTINCT i) AS f`;
    await checkQuery(env, await spark.sql(`SELECT ${kindling} FROM facts`), `SELECT ${duck} FROM facts`, { tol: TOL });
    await checkQuery(env, await spark.sql(`SELECT b, ${kindling} FROM facts GROUP BY b`), `SELECT b, ${duck} FROM facts GROUP BY b`, { tol: TOL });
    // Spark's golden file (group-by.sql): the distinct (x, y) pairs are (1, 1) and (2, 2).
    const rows = await (await spark.sql('SELECT corr(DISTINCT x, y), corr(DISTINCT y, x), count(*) FROM (VALUES (1, 1), (2, 2), (2, 2)) t(x, y)')).collect();
    expect(rows.map((r) => Object.values(r))).toEqual([[1, 1, 3n]]);
  });

  it('with a fused filter (grouped: gathered rows; ungrouped: the row mask)', async () => {
    await checkQuery(
      env,
      await spark.sql('SELECT g, sum(DISTINCT i) AS a, count(DISTINCT k, b) AS c, avg(DISTINCT d) AS d FROM facts WHERE i > 100 GROUP BY g'),
      `SELECT g, sum(DISTINCT i)::BIGINT AS a, count(DISTINCT (k, b)) FILTER (WHERE k IS NOT NULL AND b IS NOT NULL) AS c, avg(DISTINCT d) AS d FROM facts WHERE i > 100 GROUP BY g`,
      { tol: TOL },
    );
    await checkQuery(
      env,
      facts.filter(col('i').gt(100)).agg(F.sum_distinct('g').alias('a'), F.countDistinct('k', 'b').alias('c'), F.sum('g').alias('s')),
      `SELECT sum(DISTINCT g)::BIGINT AS a, count(DISTINCT (k, b)) FILTER (WHERE k IS NOT NULL AND b IS NOT NULL) AS c, sum(g)::BIGINT AS s FROM facts WHERE i > 100`,
    );
  });

  it('DataFrame API: sumDistinct, countDistinct(col, ...cols) and Spark names', async () => {
    await checkQuery(
      env,
      facts.groupBy('g').agg(F.sumDistinct('i').alias('a'), F.countDistinct('k', 'b', 'g').alias('c'), F.count_distinct('s').alias('d'), F.avg('i').alias('e')),
      `SELECT g, sum(DISTINCT i)::BIGINT AS a, count(DISTINCT (k, b, g)) FILTER (WHERE k IS NOT NULL AND b IS NOT NULL AND g IS NOT NULL) AS c,
         count(DISTINCT s) AS d, avg(i) AS e FROM facts GROUP BY g`,
    );
    expect(facts.agg(F.sumDistinct('i'), F.countDistinct('k', 'b')).columns).toEqual(['sum(DISTINCT i)', 'count(DISTINCT k, b)']);
    expect((await spark.sql('SELECT avg(DISTINCT i), count(DISTINCT g, b), stddev(DISTINCT i), max(DISTINCT i) FROM facts')).columns).toEqual([
      'avg(DISTINCT i)',
      'count(DISTINCT g, b)',
      'stddev(DISTINCT i)',
      'max(i)',
    ]);
  });

  it('empty input and decimals', async () => {
    const rows = await (await spark.sql('SELECT sum(DISTINCT i), avg(DISTINCT m), count(DISTINCT g, b), stddev(DISTINCT i) FROM facts_empty')).collect();
    expect(rows.map((r) => Object.values(r))).toEqual([[null, null, 0n, null]]);
    // sum(DISTINCT decimal) stays exact decimal (precision capped at 18 in Kindling; Spark: p + 10).
    await checkQuery(env, await spark.sql('SELECT g, sum(DISTINCT m) AS s FROM facts GROUP BY g'), 'SELECT g, sum(DISTINCT m)::DECIMAL(25,2) AS s FROM facts GROUP BY g');
  });
});
