/**
 * End-to-end statistical and boolean aggregates (SQL and DataFrame API) against DuckDB
 * (test/helpers/oracle.ts): stddev/variance (samp, pop), skewness, kurtosis, covar, corr, regr_*,
 * bool_and/every, bool_or/some/any, count_if, on the seeded `facts` table (skewed keys, nulls,
 * duplicates, NaN/±Infinity in `d`), on an empty table, and Spark's edge cases on literals.
 *
 * Spark vs DuckDB differences, and how the DuckDB SQL below computes Spark's answer:
 * - skewness: Spark's is the population skewness g1 = sqrt(n)·M3 / M2^1.5; DuckDB's `skewness` is
 *   the sample G1 = g1·sqrt(n(n-1))/(n-2) (null for n <= 2), so g1 = G1·(n-2)/sqrt(n(n-1)); n = 2 gives 0.
 * - kurtosis: Spark's is the population excess kurtosis n·M4/M2² − 3 = DuckDB's `kurtosis_pop`
 *   (DuckDB's `kurtosis` is the sample version).
 * - all values equal (M2 = 0): Spark's skewness/kurtosis are null (spark.sql.legacy.statisticalAggregate
 *   = false) and corr is NaN (0/0); DuckDB returns NaN/null/null: handled with CASE in the SQL.
 * - NaN and ±Infinity: DuckDB raises "out of range"; Spark propagates NaN. The oracle queries read
 *   `d` without them (`df` below); the NaN semantics are checked on literals.
 * - sum of ints in DuckDB is HUGEINT: cast to BIGINT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame, type SparkSession, Window } from '../src/index.js';
import { AnalysisError, NotImplementedError } from '../src/errors.js';
import { type Env, checkQuery, setupTables, teardownEnv } from './helpers/oracle.js';

const { col } = F;

let env: Env;
let spark: SparkSession;
let facts: DataFrame;
let empty: DataFrame;
/** `facts` with `d` finite or null (x = d without NaN/±Infinity). */
let finite: DataFrame;

/** The same filter as `finite`, for DuckDB: NaN and ±Infinity become null. */
const FINITE = `(SELECT *, CASE WHEN isfinite(d) THEN d END AS x FROM facts)`;

beforeAll(async () => {
  ({ env, facts, empty } = await setupTables());
  spark = env.spark;
  finite = facts.withColumn('x', F.when(col('d').gt(-1e300).and(col('d').lt(1e300)), col('d')));
  facts.createOrReplaceTempView('facts');
  finite.createOrReplaceTempView('facts_finite');
  empty.createOrReplaceTempView('facts_empty');
});
afterAll(() => teardownEnv(env));

/**
 * DuckDB expressions computing Spark's skewness and kurtosis of `v`, two-pass: `v` must be a column
 * of `withMeans(...)`, which adds its group mean as `mean_<v>`. (DuckDB's own skewness/kurtosis_pop
 * use power sums and lose ~7 digits on some groups; the sample-vs-population conversion is also
 * avoided this way.) M2 = 0 (all values equal, or one value) gives null, as in Spark.
 */
const skewSql = (v: string) =>
  `CASE WHEN sum(power(${v} - mean_${v}, 2)) = 0 THEN NULL ELSE sqrt(count(${v})) * sum(power(${v} - mean_${v}, 3)) / power(sum(power(${v} - mean_${v}, 2)), 1.5) END`;
const kurtSql = (v: string) =>
  `CASE WHEN sum(power(${v} - mean_${v}, 2)) = 0 THEN NULL ELSE count(${v}) * sum(power(${v} - mean_${v}, 4)) / power(sum(power(${v} - mean_${v}, 2)), 2) - 3 END`;
/** `src` with, for each column `v`, its mean per `partition` (SQL text, '' = whole input) as `mean_<v>`; `where` filters first. */
const withMeans = (src: string, partition: string, vars: string[], where = 'true') =>
  `(SELECT *, ${vars.map((v) => `avg(${v}) OVER (${partition ? `PARTITION BY ${partition}` : ''}) AS mean_${v}`).join(', ')} FROM ${src} WHERE ${where})`;
/** FINITE with `md` = m as a double. */
const FINITE_MD = `(SELECT *, m::DOUBLE AS md FROM ${FINITE})`;
/** Spark's corr: NULL when one side is constant over >= 2 pairs (Catalyst's Divide by zero; window.sql.out), as DuckDB. */
const corrSql = (y: string, x: string) => `corr(${y}, ${x})`;

const TOL = { rel: 1e-8, abs: 1e-9 };

describe('central moments', () => {
  it('SQL: stddev/variance/skewness/kurtosis by a skewed string key (int, bigint, decimal, double inputs)', async () => {
    const df = await spark.sql(`SELECT k, stddev(i) AS a, std(i) AS b, stddev_samp(l) AS c, stddev_pop(i) AS e, variance(m) AS f,
        var_samp(x) AS g, var_pop(x) AS h, skewness(i) AS sk, kurtosis(i) AS ku, skewness(x) AS skx, kurtosis(m) AS kum
      FROM facts_finite GROUP BY k`);
    await checkQuery(
      env,
      df,
      `SELECT k, stddev_samp(i) AS a, stddev_samp(i) AS b, stddev_samp(l::DOUBLE) AS c, stddev_pop(i) AS e, var_samp(m::DOUBLE) AS f,
          var_samp(x) AS g, var_pop(x) AS h, ${skewSql('i')} AS sk, ${kurtSql('i')} AS ku, ${skewSql('x')} AS skx, ${kurtSql('md')} AS kum
       FROM ${withMeans(FINITE_MD, 'k', ['i', 'x', 'md'])} GROUP BY k`,
      { tol: TOL },
    );
  });

  it('DataFrame API: the same functions by a small-integer key, and ungrouped', async () => {
    const aggs = () => [
      F.stddev('i').alias('a'),
      F.stddev_samp('x').alias('b'),
      F.stddev_pop('x').alias('c'),
      F.variance('i').alias('e'),
      F.var_samp('l').alias('f'),
      F.var_pop('m').alias('g'),
      F.skewness('x').alias('sk'),
      F.kurtosis('x').alias('ku'),
    ];
    const duck = `stddev_samp(i) AS a, stddev_samp(x) AS b, stddev_pop(x) AS c, var_samp(i) AS e, var_samp(l::DOUBLE) AS f, var_pop(m::DOUBLE) AS g,
      ${skewSql('x')} AS sk, ${kurtSql('x')} AS ku`;
    await checkQuery(env, finite.groupBy('g').agg(...aggs()), `SELECT g, ${duck} FROM ${withMeans(FINITE, 'g', ['x'])} GROUP BY g`, { tol: TOL });
    await checkQuery(env, finite.agg(...aggs()), `SELECT ${duck} FROM ${withMeans(FINITE, '', ['x'])}`, { tol: TOL });
    // groupBy(...).agg({ column: name }) takes the Spark names too.
    const byName = await finite.groupBy('g').agg({ i: 'stddev' }).collect();
    expect(Object.keys(byName[0]!)).toEqual(['g', 'stddev(i)']);
  });

  it('many small groups (n = 0, 1, 2 per group) and a filter fused into the aggregation', async () => {
    await checkQuery(
      env,
      await spark.sql(`SELECT id % 997 AS grp, stddev(i) AS a, var_pop(i) AS b, skewness(i) AS c, kurtosis(i) AS d FROM facts WHERE i > 0 GROUP BY id % 997`),
      `SELECT id % 997 AS grp, stddev_samp(i) AS a, var_pop(i) AS b, ${skewSql('i')} AS c, ${kurtSql('i')} AS d FROM ${withMeans('facts', 'id % 997', ['i'], 'i > 0')} GROUP BY id % 997`,
      { tol: TOL },
    );
    await checkQuery(
      env,
      finite.filter(col('g').gt(3)).agg(F.stddev('x').alias('a'), F.corr('x', 'i').alias('c')),
      `SELECT stddev_samp(x) AS a, ${corrSql('x', 'i')} AS c FROM ${FINITE} WHERE g > 3`,
      { tol: TOL },
    );
  });
});

describe('covariance, correlation, regression', () => {
  it('SQL: covar/corr/regr_* (Y, X) by key, rows counted only where both are non-null', async () => {
    const fns = ['covar_samp', 'covar_pop', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2'];
    const df = await spark.sql(`SELECT k, ${fns.map((f) => `${f}(x, i) AS ${f}`).join(', ')}, corr(x, i) AS corr, corr(i, l) AS corr2, regr_count(x, i) AS n FROM facts_finite GROUP BY k`);
    await checkQuery(
      env,
      df,
      `SELECT k, ${fns.map((f) => `${f}(x, i) AS ${f}`).join(', ')}, ${corrSql('x', 'i')} AS corr, ${corrSql('i', 'l')} AS corr2, regr_count(x, i)::BIGINT AS n FROM ${FINITE} GROUP BY k`,
      { tol: { rel: 1e-7, abs: 1e-7 } },
    );
  });

  it('DataFrame API: two-argument functions by a small key', async () => {
    await checkQuery(
      env,
      finite.groupBy('g').agg(
        F.covar_samp('i', 'm').alias('cs'),
        F.covar_pop('i', 'x').alias('cp'),
        F.corr('l', 'i').alias('co'),
        F.regr_count('x', 'm').alias('n'),
        F.regr_slope('x', 'i').alias('sl'),
        F.regr_intercept('x', 'i').alias('ic'),
        F.regr_r2('x', 'i').alias('r2'),
        F.regr_avgx('x', 'i').alias('ax'),
      ),
      `SELECT g, covar_samp(i, m::DOUBLE) AS cs, covar_pop(i, x) AS cp, ${corrSql('l', 'i')} AS co, regr_count(x, m)::BIGINT AS n, regr_slope(x, i) AS sl,
         regr_intercept(x, i) AS ic, regr_r2(x, i) AS r2, regr_avgx(x, i) AS ax FROM ${FINITE} GROUP BY g`,
      { tol: { rel: 1e-7, abs: 1e-7 } },
    );
  });
});

describe('boolean aggregates', () => {
  it('bool_and/every, bool_or/some/any and count_if by key (SQL and DataFrame API)', async () => {
    const sql = `SELECT k, every(b) AS e, bool_and(b) AS ba, some(b) AS s, any(b) AS a, bool_or(b) AS bo, count_if(b) AS ci, count_if(i > 0) AS cp FROM facts GROUP BY k`;
    const duck = `SELECT k, bool_and(b) AS e, bool_and(b) AS ba, bool_or(b) AS s, bool_or(b) AS a, bool_or(b) AS bo, count_if(b)::BIGINT AS ci, count_if(i > 0)::BIGINT AS cp FROM facts GROUP BY k`;
    await checkQuery(env, await spark.sql(sql), duck);
    await checkQuery(
      env,
      facts.groupBy('k').agg(
        F.every('b').alias('e'),
        F.bool_and('b').alias('ba'),
        F.some('b').alias('s'),
        F.bool_or('b').alias('a'),
        F.boolOr('b').alias('bo'),
        F.count_if('b').alias('ci'),
        F.countIf(col('i').gt(0)).alias('cp'),
      ),
      duck,
    );
    // Ungrouped with a fused filter (the masked path of HashAggregation.updateWhere).
    await checkQuery(env, facts.filter(col('g').lt(5)).agg(F.bool_and('b').alias('x'), F.count_if('b').alias('y')), 'SELECT bool_and(b) AS x, count_if(b)::BIGINT AS y FROM facts WHERE g < 5');
  });

  it("Spark's output names: the alias the function was called by", async () => {
    const df = await spark.sql('SELECT every(b), some(b), any(b), bool_and(b), bool_or(b), count_if(b), stddev(i), std(i), variance(i), var_samp(i), corr(i, l), regr_slope(i, l) FROM facts');
    expect(df.columns).toEqual(['every(b)', 'some(b)', 'any(b)', 'bool_and(b)', 'bool_or(b)', 'count_if(b)', 'stddev(i)', 'std(i)', 'variance(i)', 'var_samp(i)', 'corr(i, l)', 'regr_slope(i, l)']);
    expect(facts.agg(F.stddev('i'), F.stddev_pop('i'), F.every('b'), F.covar_pop('i', 'l')).columns).toEqual(['stddev(i)', 'stddev_pop(i)', 'every(b)', 'covar_pop(i, l)']);
    expect(df.schema.fields.map((f) => `${f.type.kind}${f.nullable ? '?' : ''}`)).toEqual([
      'boolean?', 'boolean?', 'boolean?', 'boolean?', 'boolean?', 'int64', 'float64?', 'float64?', 'float64?', 'float64?', 'float64?', 'float64?',
    ]);
  });
});

describe('max_by / min_by', () => {
  it('by key with a unique ordering (SQL and DataFrame API); null values count, null orderings do not', async () => {
    // DuckDB's max_by/arg_max skip rows whose value is null; arg_max_null keeps them, like Spark.
    // `id` orders uniquely (exact duplicate rows have equal values), so ties cannot differ.
    const duck = `SELECT k, arg_max_null(i, id) AS a, arg_min_null(d, id) AS b, arg_max_null(m, id) AS c, arg_min_null(b, id) AS e, arg_max_null(dt, id) AS f FROM facts GROUP BY k`;
    await checkQuery(env, await spark.sql('SELECT k, max_by(i, id) AS a, min_by(d, id) AS b, max_by(m, id) AS c, min_by(b, id) AS e, max_by(dt, id) AS f FROM facts GROUP BY k'), duck);
    await checkQuery(
      env,
      facts.groupBy('k').agg(F.max_by('i', 'id').alias('a'), F.min_by('d', 'id').alias('b'), F.maxBy('m', 'id').alias('c'), F.minBy('b', 'id').alias('e'), F.max_by('dt', 'id').alias('f')),
      duck,
    );
    // Orderings with nulls and ties resolved by a unique second column: ts, i.
    await checkQuery(env, facts.groupBy('g').agg(F.max_by('id', 'ts').alias('a')), 'SELECT g, arg_max_null(id, ts) AS a FROM facts GROUP BY g');
    const one = async (sql: string) => Object.values((await (await spark.sql(sql)).collect())[0]!);
    // NaN is the largest ordering value (Spark's order); a null ordering is skipped.
    expect(await one(`SELECT max_by(x, y), min_by(x, y) FROM VALUES (1, 2.0D), (2, CAST('NaN' AS DOUBLE)), (3, NULL), (4, -1.0D) AS t(x, y)`)).toEqual([2, 4]);
    await expect(spark.sql('SELECT max_by(s, i) FROM facts')).rejects.toThrow(NotImplementedError);
  });
});

describe('edge cases', () => {
  it('empty input: one row of nulls (counts 0); grouped: no rows', async () => {
    const rows = await (await spark
      .sql('SELECT stddev(i), var_pop(i), skewness(i), kurtosis(i), corr(i, l), regr_count(i, l), regr_slope(i, l), every(b), some(b), count_if(b) FROM facts_empty'))
      .collect();
    expect(rows.map((r) => Object.values(r))).toEqual([[null, null, null, null, null, 0n, null, null, null, 0n]]);
    expect(await (await spark.sql('SELECT k, stddev(i), corr(i, l) FROM facts_empty GROUP BY k')).collect()).toEqual([]);
  });

  it("Spark's semantics on literals: n = 1, constant values, NaN, Infinity (golden-file values)", async () => {
    const one = async (sql: string) => Object.values((await (await spark.sql(sql)).collect())[0]!);
    // postgreSQL/aggregates_part1.sql.out
    expect(await one('SELECT var_pop(1.0), var_samp(2.0)')).toEqual([0, null]);
    expect(await one(`SELECT avg(CAST(x AS DOUBLE)), var_pop(CAST(x AS DOUBLE)) FROM (VALUES ('infinity'), ('1')) v(x)`)).toEqual([Infinity, NaN]);
    // Spark prints exactly 2.5 and 1 because its two partitions each hold exact means; one Welford
    // pass over all four rows (what Spark computes in one partition) is off by ~2e-9 relative.
    const [avg1, var1] = await one(`SELECT avg(CAST(x AS DOUBLE)), var_pop(CAST(x AS DOUBLE)) FROM (VALUES (100000003), (100000004), (100000006), (100000007)) v(x)`);
    expect(avg1).toBe(100000005);
    expect(var1 as number).toBeCloseTo(2.5, 7);
    expect(await one(`SELECT avg(CAST(x AS DOUBLE)), var_pop(CAST(x AS DOUBLE)) FROM (VALUES (7000000000005), (7000000000007)) v(x)`)).toEqual([7000000000006, 1]);
    // A NaN makes every moment NaN; constant values: skewness/kurtosis null, corr null (window.sql.out
    // shows NULL for a constant partition), regr_slope null, regr_r2 null (var(X) = 0).
    expect(await one(`SELECT stddev(x), skewness(x), corr(x, y) FROM VALUES (1.0D, 2.0D), (CAST('NaN' AS DOUBLE), 3.0D) AS t(x, y)`)).toEqual([NaN, NaN, NaN]);
    expect(await one(`SELECT skewness(x), kurtosis(x), corr(x, y), regr_slope(y, x), regr_r2(y, x), regr_r2(x, y) FROM VALUES (5, 1), (5, 2), (5, 3) AS t(x, y)`)).toEqual([
      null, null, null, null, null, 1,
    ]);
    // regr_test of aggregates_part1: rows where either side is null do not count.
    expect(await one('SELECT regr_count(y, x), regr_sxx(y, x), regr_avgy(y, x) FROM VALUES (10, 150), (20, NULL), (NULL, 350), (80, 540) AS t(x, y)')).toEqual([2n, 2450, 345]);
  });

  it('analysis errors: non-numeric statistics, non-boolean bool_and, wrong arity', async () => {
    await expect(spark.sql('SELECT stddev(b) FROM facts')).rejects.toThrow(AnalysisError);
    await expect(spark.sql('SELECT stddev(dt) FROM facts')).rejects.toThrow(/requires a numeric/);
    await expect(spark.sql('SELECT bool_and(i) FROM facts')).rejects.toThrow(/requires a boolean/);
    await expect(spark.sql('SELECT every(1)')).rejects.toThrow(AnalysisError);
    await expect(spark.sql('SELECT corr(i) FROM facts')).rejects.toThrow(/takes 2 arguments/);
    await expect(spark.sql('SELECT stddev(i, l) FROM facts')).rejects.toThrow(/takes 1 argument/);
    expect(() => facts.agg(F.count_if('i'))).toThrow(AnalysisError);
    expect(() => facts.agg(F.kurtosis('s'))).not.toThrow(); // strings are cast to double, like Spark
    // every('true'): a string is implicitly cast to boolean, as in Spark.
    await spark.sql(`SELECT every('true')`);
    // Window versions exist (test/window-frames.test.ts); DISTINCT over a window is Spark's error.
    await spark.sql('SELECT stddev(i) OVER (PARTITION BY k) FROM facts');
    expect(() => F.corr('i', 'l').over(Window.partitionBy('k'))).not.toThrow();
    await expect(spark.sql('SELECT sum(DISTINCT i) OVER (PARTITION BY k) FROM facts')).rejects.toThrow(/Distinct window functions are not supported/);
  });
});
