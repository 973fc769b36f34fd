/**
 * Window functions beyond ranks and sum/avg/min/max/count, end to end against DuckDB (spark.sql on
 * the suite's Parquet tables, test/helpers/oracle.ts): first_value / last_value / nth_value /
 * any_value with IGNORE NULLS, lag/lead IGNORE NULLS, RANGE frames with value offsets over int,
 * bigint, double (NaN, infinities, -0.0), decimal, date and timestamp keys (numbers and intervals,
 * ascending and descending, null keys forming their own peer group), the statistical and boolean
 * aggregates over running, sliding, backward and whole-partition frames, and percentile_cont /
 * percentile_disc over partitions (against a TypeScript reference: DuckDB's quantile_disc picks a
 * different element than Spark). The DataFrame API (F.first_value/last_value/nth_value,
 * rangeBetween with value offsets, statistical aggregates .over(w)) is checked against the same SQL.
 *
 * DuckDB spelling: ordering always states NULLS FIRST/LAST (Spark's default: ascending nulls first,
 * descending nulls last), date offsets are `INTERVAL n DAY` (Spark takes plain day numbers), and
 * `f(x IGNORE NULLS)` / `lag(x, k IGNORE NULLS)` is DuckDB's place for IGNORE NULLS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, Window, type DataFrame, AnalysisError } from '../src/index.js';
import { type Env, checkQuery, runKindling, setupTables, teardownEnv } from './helpers/oracle.js';

let env: Env;
let facts: DataFrame;

beforeAll(async () => {
  ({ env, facts } = await setupTables());
  facts.createOrReplaceTempView('facts');
});
afterAll(() => teardownEnv(env));

const sql = async (spark: string, duck: string = spark) => checkQuery(env, await env.spark.sql(spark), duck);

describe('first_value / last_value / nth_value / any_value', () => {
  const frames = [
    ['', ''],
    ['ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING', 'ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING'],
    ['ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'],
    ['ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING', 'ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING'],
    ['ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING', 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING'],
  ] as const;
  for (const [sf, df] of frames) {
    it(`respect and ignore nulls, every value type: ${sf || 'default frame'}`, async () => {
      const o = (f: string) => `OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST ${f})`;
      const cols = ['i', 'd', 's', 'm', 'dt', 'ts', 'b'];
      await sql(
        `SELECT id, ${cols.map((c) => `first_value(${c}) ${o(sf)} AS f_${c}, last_value(${c}, true) ${o(sf)} AS l_${c}, nth_value(${c}, 2) IGNORE NULLS ${o(sf)} AS n_${c}`).join(', ')},
           any_value(i, true) ${o(sf)} AS a, nth_value(s, 3) ${o(sf)} AS n3, first(k) ${o(sf)} AS fk, last(k, true) ${o(sf)} AS lk FROM facts`,
        `SELECT id, ${cols.map((c) => `first_value(${c}) ${o(df)} AS f_${c}, last_value(${c} IGNORE NULLS) ${o(df)} AS l_${c}, nth_value(${c}, 2 IGNORE NULLS) ${o(df)} AS n_${c}`).join(', ')},
           first_value(i IGNORE NULLS) ${o(df)} AS a, nth_value(s, 3) ${o(df)} AS n3, first_value(k) ${o(df)} AS fk, last_value(k IGNORE NULLS) ${o(df)} AS lk FROM facts`,
      );
    });
  }

  it('lag / lead IGNORE NULLS with offsets 0..3 and defaults', async () => {
    const o = 'OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST)';
    await sql(
      `SELECT id, lag(i, 1) IGNORE NULLS ${o} AS a, lead(i, 2) IGNORE NULLS ${o} AS b, lag(s, 3, 'none') IGNORE NULLS ${o} AS c,
         lead(d, 0) IGNORE NULLS ${o} AS z, lead(m, 1) IGNORE NULLS ${o} AS e, lag(i, -2) IGNORE NULLS ${o} AS f FROM facts`,
      `SELECT id, lag(i, 1 IGNORE NULLS) ${o} AS a, lead(i, 2 IGNORE NULLS) ${o} AS b, lag(s, 3, 'none' IGNORE NULLS) ${o} AS c,
         d AS z, lead(m, 1 IGNORE NULLS) ${o} AS e, lead(i, 2 IGNORE NULLS) ${o} AS f FROM facts`,
    );
  });

  it('the DataFrame API: F.first_value / last_value / nth_value, lag/lead ignoreNulls', async () => {
    const w = Window.partitionBy('g').orderBy('id').rowsBetween(-3, 1);
    const wo = Window.partitionBy('g').orderBy('id');
    const o = 'OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING)';
    const oo = 'OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST)';
    await checkQuery(
      env,
      facts.select('id', F.first_value('i').over(w).alias('a'), F.last_value('s', true).over(w).alias('b'), F.nth_value('d', 2, true).over(w).alias('c'),
        F.first('m', true).over(w).alias('e'), F.lag('i', 2, null, true).over(wo).alias('f'), F.lead('s', 1, 'x', true).over(wo).alias('h')),
      `SELECT id, first_value(i) ${o} AS a, last_value(s IGNORE NULLS) ${o} AS b, nth_value(d, 2 IGNORE NULLS) ${o} AS c,
         first_value(m IGNORE NULLS) ${o} AS e, lag(i, 2 IGNORE NULLS) ${oo} AS f, lead(s, 1, 'x' IGNORE NULLS) ${oo} AS h FROM facts`,
    );
  });
});

describe('RANGE frames with value offsets', () => {
  it('int, bigint and decimal keys, ascending and descending, nulls as their own peer group', async () => {
    for (const dir of ['ASC NULLS FIRST', 'DESC NULLS LAST', 'ASC NULLS LAST', 'DESC NULLS FIRST']) {
      const o = (key: string, f: string) => `OVER (PARTITION BY g ORDER BY ${key} ${dir} RANGE BETWEEN ${f})`;
      await sql(
        `SELECT id, count(*) ${o('i', '50 PRECEDING AND 20 FOLLOWING')} AS a, sum(i) ${o('i', 'CURRENT ROW AND 100 FOLLOWING')} AS b,
           min(s) ${o('i', '30 PRECEDING AND 10 PRECEDING')} AS c, max(i) ${o('i', '10 FOLLOWING AND UNBOUNDED FOLLOWING')} AS e,
           count(l) ${o('l', '100000 PRECEDING AND CURRENT ROW')} AS f, CAST(avg(m) ${o('m', '1000.5 PRECEDING AND 250.25 FOLLOWING')} AS DOUBLE) AS h,
           first_value(i) ${o('i', '5 PRECEDING AND 5 FOLLOWING')} AS fi FROM facts`,
        `SELECT id, count(*) ${o('i', '50 PRECEDING AND 20 FOLLOWING')} AS a, CAST(sum(i) ${o('i', 'CURRENT ROW AND 100 FOLLOWING')} AS BIGINT) AS b,
           min(s) ${o('i', '30 PRECEDING AND 10 PRECEDING')} AS c, max(i) ${o('i', '10 FOLLOWING AND UNBOUNDED FOLLOWING')} AS e,
           count(l) ${o('l', '100000 PRECEDING AND CURRENT ROW')} AS f, avg(m) ${o('m', '1000.5 PRECEDING AND 250.25 FOLLOWING')} AS h, -- DuckDB's avg(decimal) is a double
           first_value(i) ${o('i', '5 PRECEDING AND 5 FOLLOWING')} AS fi FROM facts`,
      );
    }
  });

  it('double keys with NaN, infinities and -0.0; Spark casts a fractional offset to an int key', async () => {
    for (const dir of ['ASC NULLS FIRST', 'DESC NULLS LAST']) {
      const o = (f: string) => `OVER (PARTITION BY g ORDER BY d ${dir} RANGE BETWEEN ${f})`;
      await sql(
        `SELECT id, count(d) ${o('2.5 PRECEDING AND 2.5 FOLLOWING')} AS a, count(*) ${o('CURRENT ROW AND 100 FOLLOWING')} AS b,
           max(id) ${o('UNBOUNDED PRECEDING AND 0.5 PRECEDING')} AS c FROM facts`,
      );
    }
    // Spark casts the offset 2.9 to the int key's type (2): DuckDB gets 2
    await sql(
      'SELECT id, count(*) OVER (PARTITION BY g ORDER BY i RANGE BETWEEN 2.9 PRECEDING AND CURRENT ROW) AS a FROM facts',
      'SELECT id, count(*) OVER (PARTITION BY g ORDER BY i ASC NULLS FIRST RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS a FROM facts',
    );
  });

  it('dates (day numbers and YEAR TO MONTH intervals) and timestamps (interval offsets)', async () => {
    for (const dir of ['ASC NULLS FIRST', 'DESC NULLS LAST']) {
      const o = (key: string, f: string) => `OVER (PARTITION BY g ORDER BY ${key} ${dir} RANGE BETWEEN ${f})`;
      await sql(
        `SELECT id, count(*) ${o('dt', '400 PRECEDING AND 30 FOLLOWING')} AS a, count(*) ${o('dt', "CURRENT ROW AND INTERVAL '1-1' YEAR TO MONTH FOLLOWING")} AS b,
           count(*) ${o('ts', "INTERVAL '3' DAY PRECEDING AND INTERVAL 12 HOURS FOLLOWING")} AS c,
           max(id) ${o('ts', "CURRENT ROW AND INTERVAL '20 2:3:4.001' DAY TO SECOND FOLLOWING")} AS e,
           count(*) ${o('ts', "INTERVAL '2-6' YEAR TO MONTH PRECEDING AND CURRENT ROW")} AS f FROM facts`,
        `SELECT id, count(*) ${o('dt', 'INTERVAL 400 DAY PRECEDING AND INTERVAL 30 DAY FOLLOWING')} AS a, count(*) ${o('dt', "CURRENT ROW AND INTERVAL '13 months' FOLLOWING")} AS b,
           count(*) ${o('ts', "INTERVAL '3 days' PRECEDING AND INTERVAL '12 hours' FOLLOWING")} AS c,
           max(id) ${o('ts', "CURRENT ROW AND (INTERVAL '20 days' + INTERVAL '2 hours' + INTERVAL '3 minutes' + INTERVAL '4001 milliseconds') FOLLOWING")} AS e,
           count(*) ${o('ts', "INTERVAL '30 months' PRECEDING AND CURRENT ROW")} AS f FROM facts`,
      );
    }
  });

  it('the DataFrame API: rangeBetween with value offsets', async () => {
    const w = Window.partitionBy('g').orderBy(F.col('i').desc()).rangeBetween(-25, 10);
    await checkQuery(
      env,
      facts.select('id', F.count('*').over(w).alias('a'), F.sum('l').over(Window.partitionBy('k').orderBy('d').rangeBetween(-1.5, 0.5)).alias('b')),
      `SELECT id, count(*) OVER (PARTITION BY g ORDER BY i DESC NULLS LAST RANGE BETWEEN 25 PRECEDING AND 10 FOLLOWING) AS a,
         CAST(sum(l) OVER (PARTITION BY k ORDER BY d ASC NULLS FIRST RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) AS BIGINT) AS b FROM facts`,
    );
  });

  it("Spark's frame errors", async () => {
    const bad = [
      'SELECT count(i) OVER (PARTITION BY g RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM facts',
      'SELECT count(i) OVER (PARTITION BY g ORDER BY i, id RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM facts',
      'SELECT count(i) OVER (ORDER BY ts RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM facts',
      "SELECT count(i) OVER (ORDER BY dt RANGE BETWEEN CURRENT ROW AND INTERVAL '1 2:3:4' DAY TO SECOND FOLLOWING) FROM facts",
      'SELECT count(i) OVER (ORDER BY s RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM facts',
      'SELECT count(i) OVER (ORDER BY i RANGE BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM facts',
      'SELECT count(i) OVER (ORDER BY i ROWS BETWEEN CURRENT ROW AND 2147483648 FOLLOWING) FROM facts',
      'SELECT count(i) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED FOLLOWING AND 1 FOLLOWING) FROM facts',
      'SELECT count(DISTINCT i) OVER (PARTITION BY g) FROM facts',
      'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY i) OVER (PARTITION BY g ORDER BY id) FROM facts',
    ];
    for (const q of bad) await expect(env.spark.sql(q), q).rejects.toThrow(AnalysisError);
    // constant expressions are fine as ROWS offsets
    await sql(
      'SELECT id, sum(i) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 + 1 PRECEDING AND CAST(1 AS INT) FOLLOWING) AS a FROM facts',
      'SELECT id, CAST(sum(i) OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS BIGINT) AS a FROM facts',
    );
  });
});

describe('statistical and boolean aggregates over windows', () => {
  const frames = [
    ['ORDER BY id', 'ORDER BY id ASC NULLS FIRST'],
    ['ORDER BY i', 'ORDER BY i ASC NULLS FIRST'],
    ['ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING', 'ORDER BY id ASC NULLS FIRST ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING'],
    ['ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', 'ORDER BY id ASC NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'],
    ['ORDER BY i RANGE BETWEEN 100 PRECEDING AND 100 FOLLOWING', 'ORDER BY i ASC NULLS FIRST RANGE BETWEEN 100 PRECEDING AND 100 FOLLOWING'],
    ['', ''],
  ] as const;
  // (bigint values near 2^53 are reduced: with ties in the order key the engines fold a frame's rows
  // in different orders, and the moments of mixed huge/small values differ in more than rounding)
  for (const [sf, df] of frames) {
    it(`variance, stddev, covariance, correlation, bool_and/bool_or: ${sf || 'whole partition'}`, async () => {
      const o = (f: string) => `OVER (PARTITION BY g ${f})`;
      await sql(
        `SELECT id, var_samp(i) ${o(sf)} AS a, var_pop(m) ${o(sf)} AS b, stddev(i) ${o(sf)} AS c, stddev_pop(l % 1000000) ${o(sf)} AS e,
           covar_pop(i, m) ${o(sf)} AS f, covar_samp(i, l % 1000000) ${o(sf)} AS h, corr(i, m) ${o(sf)} AS j, variance(l % 1000000) ${o(sf)} AS v,
           every(b) ${o(sf)} AS ba, some(b) ${o(sf)} AS bo, bool_or(i > 500) ${o(sf)} AS bi FROM facts`,
        `SELECT id, var_samp(i) ${o(df)} AS a, var_pop(m) ${o(df)} AS b, stddev_samp(i) ${o(df)} AS c, stddev_pop(l % 1000000) ${o(df)} AS e,
           covar_pop(i, m) ${o(df)} AS f, covar_samp(i, l % 1000000) ${o(df)} AS h,
           -- Spark: corr of one pair is null (DuckDB: NaN); of constant values null too (Catalyst's Divide by zero)
           CASE WHEN regr_count(i, m) ${o(df)} <= 1 OR regr_sxx(i, m) ${o(df)} = 0 OR regr_syy(i, m) ${o(df)} = 0 THEN NULL ELSE corr(i, m) ${o(df)} END AS j,
           var_samp(l % 1000000) ${o(df)} AS v,
           bool_and(b) ${o(df)} AS ba, bool_or(b) ${o(df)} AS bo, bool_or(i > 500) ${o(df)} AS bi FROM facts`,
      );
    });
  }

  it('Spark names the aliases (every, some, stddev, variance) and the DataFrame API matches SQL', async () => {
    const df = await env.spark.sql('SELECT every(b) OVER (PARTITION BY g ORDER BY id), stddev(i) OVER (PARTITION BY g), any_value(i) OVER (PARTITION BY g ORDER BY id) FROM facts');
    expect(df.columns[0]).toBe('every(b) OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(df.columns[1]).toBe('stddev(i) OVER (PARTITION BY g ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)');
    const w = Window.partitionBy('g').orderBy('id').rowsBetween(-2, 2);
    const api = await runKindling(facts.select('id', F.stddev('i').over(w).alias('a'), F.corr('i', 'l').over(w).alias('b'), F.skewness('d').over(w).alias('c')));
    const text = await runKindling(
      await env.spark.sql('SELECT id, stddev(i) OVER w AS a, corr(i, l) OVER w AS b, skewness(d) OVER w AS c FROM facts WINDOW w AS (PARTITION BY g ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)'),
    );
    const key = (r: { rows: unknown[][] }) => [...r.rows].sort((x, y) => Number(x[0]) - Number(y[0])).map((x) => x.map(String).join('|'));
    expect(key(api)).toEqual(key(text));
  });
});

describe('percentile_cont / percentile_disc WITHIN GROUP over partitions', () => {
  it("equal Spark's definition on each partition (TypeScript reference)", async () => {
    for (const p of [0, 0.1, 0.25, 0.5, 0.9, 1]) {
      const r = await runKindling(
        await env.spark.sql(`SELECT g, i, percentile_cont(${p}) WITHIN GROUP (ORDER BY i) OVER (PARTITION BY g) AS c,
             percentile_disc(${p}) WITHIN GROUP (ORDER BY i) OVER w AS d, percentile_cont(${p}) WITHIN GROUP (ORDER BY i DESC) OVER w AS cd,
             percentile_disc(${p}) WITHIN GROUP (ORDER BY i DESC) OVER w AS dd FROM facts WINDOW w AS (PARTITION BY g)`),
      );
      const groups = new Map<unknown, number[]>();
      for (const [g, i] of r.rows) if (i !== null) groups.set(g, [...(groups.get(g) ?? []), Number(i)]);
      const cont = (xs: number[], q: number) => {
        const pos = q * (xs.length - 1);
        const lo = Math.floor(pos);
        const hi = Math.ceil(pos);
        return lo === hi || xs[lo] === xs[hi] ? xs[lo]! : (hi - pos) * xs[lo]! + (pos - lo) * xs[hi]!;
      };
      const disc = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))]!;
      for (const [g, , c, d, cd, dd] of r.rows) {
        const asc = [...(groups.get(g) ?? [])].sort((a, b) => a - b);
        const desc = [...asc].reverse();
        if (asc.length === 0) {
          expect([c, d, cd, dd]).toEqual([null, null, null, null]);
          continue;
        }
        expect(c).toBeCloseTo(cont(asc, p), 9);
        expect(d).toBe(disc(asc, p));
        expect(cd).toBeCloseTo(cont(desc, p), 9);
        expect(dd).toBe(disc(desc, p));
      }
    }
  });
});

describe('local[2]: the new window functions run distributed (shuffle by PARTITION BY)', () => {
  it('gives the rows local[1] gives', async () => {
    const { SparkSession, RuntimeConfig } = await import('../src/index.js');
    const serial = new SparkSession(new RuntimeConfig(), 'window-frames local[1]', 'local[1]');
    const parallel = new SparkSession(new RuntimeConfig(), 'window-frames local[2]', 'local[2]');
    try {
      let q = `SELECT id, first_value(s, true) OVER w AS a, nth_value(i, 2) IGNORE NULLS OVER w AS b, lag(i, 2) IGNORE NULLS OVER (PARTITION BY g ORDER BY id) AS c,
          count(*) OVER (PARTITION BY g ORDER BY ts RANGE BETWEEN INTERVAL '30' DAY PRECEDING AND INTERVAL '1-1' YEAR TO MONTH FOLLOWING) AS e,
          sum(d) OVER (PARTITION BY g ORDER BY d DESC RANGE BETWEEN 2.5 PRECEDING AND CURRENT ROW) AS f,
          stddev(i) OVER w AS h, every(b) OVER w AS j, corr(i, m) OVER (PARTITION BY g) AS k2,
          percentile_cont(0.3) WITHIN GROUP (ORDER BY i DESC) OVER (PARTITION BY g) AS p, percentile_disc(0.3) WITHIN GROUP (ORDER BY i) OVER (PARTITION BY g) AS q
        FROM facts WINDOW w AS (PARTITION BY g ORDER BY id ROWS BETWEEN 5 PRECEDING AND 2 FOLLOWING)`;
      const rows = async (spark: InstanceType<typeof SparkSession>) => {
        (await spark.read.parquet(env.paths.facts)).createOrReplaceTempView('facts');
        const cell = (_: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isInteger(v) ? (Number.isNaN(v) ? 'NaN' : Number(v.toPrecision(12))) : v);
        return (await (await spark.sql(q)).collect()).map((r) => JSON.stringify(r, cell)).sort();
      };
      const one = await rows(serial);
      const two = await rows(parallel);
      expect(two.length).toBe(one.length);
      expect(two).toEqual(one);
      expect(parallel.lastJobReport()?.stages.length ?? 0).toBeGreaterThan(1);
      // percentile aggregates are not mergeable: the stage planner shuffles raw rows
      q = 'SELECT g, median(i) AS a, percentile_disc(0.3) WITHIN GROUP (ORDER BY d DESC) AS b, percentile(l, 0.75) AS c FROM facts GROUP BY g';
      expect(await rows(parallel)).toEqual(await rows(serial));
    } finally {
      serial.stop();
      parallel.stop();
    }
  });
});

describe('cume_dist / percent_rank / ntile', () => {
  it('SQL and the DataFrame API against DuckDB', async () => {
    const o = 'OVER (PARTITION BY g ORDER BY i ASC NULLS FIRST)';
    const od = 'OVER (PARTITION BY k ORDER BY d DESC NULLS LAST, id ASC NULLS FIRST)';
    await sql(
      `SELECT id, cume_dist() ${o} AS a, percent_rank() ${o} AS b, ntile(3) ${od} AS c, ntile(1000) ${od} AS e, ntile(7) OVER (ORDER BY id) AS f FROM facts`,
      `SELECT id, cume_dist() ${o} AS a, percent_rank() ${o} AS b, CAST(ntile(3) ${od} AS INTEGER) AS c, CAST(ntile(1000) ${od} AS INTEGER) AS e,
         CAST(ntile(7) OVER (ORDER BY id ASC NULLS FIRST) AS INTEGER) AS f FROM facts`,
    );
    const w = Window.partitionBy('g').orderBy('i');
    await checkQuery(
      env,
      facts.select('id', F.cume_dist().over(w).alias('a'), F.percent_rank().over(w).alias('b'), F.ntile(4).over(Window.partitionBy('g').orderBy('id')).alias('c')),
      `SELECT id, cume_dist() ${o} AS a, percent_rank() ${o} AS b, CAST(ntile(4) OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST) AS INTEGER) AS c FROM facts`,
    );
    const names = await env.spark.sql('SELECT cume_dist() OVER (ORDER BY i), ntile(2) OVER (ORDER BY i), percent_rank() OVER (ORDER BY i) FROM facts');
    expect(names.columns).toEqual([
      'cume_dist() OVER (ORDER BY i ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
      'ntile(2) OVER (ORDER BY i ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
      'percent_rank() OVER (ORDER BY i ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    ]);
    await expect(env.spark.sql('SELECT ntile(0) OVER (ORDER BY i) FROM facts')).rejects.toThrow(AnalysisError);
    await expect(env.spark.sql('SELECT cume_dist() OVER (PARTITION BY g) FROM facts')).rejects.toThrow(AnalysisError);
  });
});

describe('percentile aggregates (GROUP BY): percentile_cont / percentile_disc WITHIN GROUP, percentile, median', () => {
  it('percentile_cont and median equal DuckDB quantile_cont; percentile_disc follows Spark (TypeScript reference)', async () => {
    await sql(
      `SELECT g, percentile_cont(0.25) WITHIN GROUP (ORDER BY i) AS a, median(d) AS b, percentile(l, 0.9) AS c,
         percentile_cont(0.3) WITHIN GROUP (ORDER BY m DESC) AS e FROM facts WHERE d = d GROUP BY g`,
      `SELECT g, quantile_cont(i, 0.25) AS a, quantile_cont(d, 0.5) AS b, quantile_cont(l::DOUBLE, 0.9) AS c,
         quantile_cont(m::DOUBLE, 0.7) AS e FROM facts WHERE d = d GROUP BY g`,
    );
    await sql('SELECT median(i) AS a, percentile(i, 0) AS b, percentile(i, 1) AS c FROM facts', 'SELECT quantile_cont(i, 0.5) AS a, min(i)::DOUBLE AS b, max(i)::DOUBLE AS c FROM facts');
    await sql('SELECT median(i) AS a FROM facts WHERE id < 0', 'SELECT NULL::DOUBLE AS a');
    const r = await runKindling(await env.spark.sql('SELECT k, percentile_disc(0.4) WITHIN GROUP (ORDER BY i) AS a, percentile_disc(0.4) WITHIN GROUP (ORDER BY i DESC) AS b FROM facts GROUP BY k'));
    const all = await runKindling(await env.spark.sql('SELECT k, i FROM facts WHERE i IS NOT NULL'));
    for (const [k, a, b] of r.rows) {
      const xs = all.rows.filter((x) => x[0] === k).map((x) => Number(x[1])).sort((p, q) => p - q);
      const idx = Math.max(0, Math.ceil(0.4 * xs.length) - 1);
      expect([a, b], String(k)).toEqual(xs.length ? [xs[idx], [...xs].reverse()[idx]] : [null, null]);
    }
    const names = await env.spark.sql('SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY i), percentile_disc(0.5) WITHIN GROUP (ORDER BY i DESC), median(i), percentile(i, 0.5) FROM facts');
    expect(names.columns).toEqual(['percentile_cont(0.25) WITHIN GROUP (ORDER BY v)', 'percentile_disc(0.5) WITHIN GROUP (ORDER BY v DESC)', 'median(i)', 'percentile(i, 0.5, 1)']);
    await expect(env.spark.sql('SELECT percentile(i, 1.5) FROM facts')).rejects.toThrow(AnalysisError);
    // median over a window (whole partitions)
    await sql('SELECT id, median(i) OVER (PARTITION BY g) AS a FROM facts', 'SELECT id, quantile_cont(i, 0.5) OVER (PARTITION BY g) AS a FROM facts');
  });
});

describe('collect_list / collect_set / approx_count_distinct over windows', () => {
  it('against a TypeScript reference over sliding, running and whole-partition frames', async () => {
    const base = await runKindling(await env.spark.sql('SELECT id, g, s, i FROM facts'));
    const rows = [...base.rows].sort((a, b) => (a[1] === b[1] ? Number(a[0]) - Number(b[0]) : a[1] === null ? -1 : b[1] === null ? 1 : Number(a[1]) - Number(b[1])));
    for (const [frame, bounds] of [
      ['ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING', (j: number, ps: number, pe: number) => [Math.max(ps, j - 3), Math.min(pe, j + 2)]],
      ['ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', (j: number, ps: number) => [ps, j + 1]],
      ['ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING', (j: number, _ps: number, pe: number) => [Math.min(pe, j + 2), pe]],
    ] as const) {
      const r = await runKindling(
        await env.spark.sql(`SELECT id, collect_list(s) OVER w AS a, collect_set(s) OVER w AS b, approx_count_distinct(i) OVER w AS c
           FROM facts WINDOW w AS (PARTITION BY g ORDER BY id ${frame})`),
      );
      // ids repeat (exact duplicate rows): compare the multiset of (id, results)
      const got = r.rows.map((x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
      const want: string[] = [];
      for (let ps = 0; ps < rows.length; ) {
        let pe = ps;
        while (pe < rows.length && rows[pe]![1] === rows[ps]![1]) pe++;
        for (let j = ps; j < pe; j++) {
          const [lo, hi] = bounds(j, ps, pe);
          const frameRows = rows.slice(lo, Math.max(lo, hi));
          const list = frameRows.map((x) => x[2]).filter((x) => x !== null);
          const set = [...new Set(list)];
          const distinct = new Set(frameRows.map((x) => x[3]).filter((x) => x !== null)).size;
          want.push(JSON.stringify([Number(rows[j]![0]), list, set, distinct]));
        }
        ps = pe;
      }
      expect(got, frame).toEqual(want.sort());
    }
    const df = await env.spark.sql('SELECT collect_list(i) OVER (PARTITION BY g ORDER BY id) AS a FROM facts');
    expect(df.schema.fields[0]!.type).toEqual({ kind: 'array', element: { kind: 'int32' }, containsNull: false });
  });
});

describe('interval literals in date arithmetic', () => {
  it("Spark's qualified forms: INTERVAL '1-2' YEAR TO MONTH, INTERVAL '3' DAY, INTERVAL 1 DAY on date columns and literals", async () => {
    await sql(
      `SELECT id, dt + INTERVAL '1-2' YEAR TO MONTH AS a, dt - INTERVAL '3' DAY AS b, dt + INTERVAL 1 DAY AS c, dt - INTERVAL '0-13' YEAR TO MONTH AS e,
         DATE '2020-01-31' + INTERVAL '0-1' YEAR TO MONTH AS f FROM facts`,
      `SELECT id, CAST(dt + INTERVAL '14 months' AS DATE) AS a, CAST(dt - INTERVAL 3 DAY AS DATE) AS b, CAST(dt + INTERVAL 1 DAY AS DATE) AS c,
         CAST(dt - INTERVAL '13 months' AS DATE) AS e, DATE '2020-02-29' AS f FROM facts`,
    );
    await expect(env.spark.sql("SELECT dt + INTERVAL '1 2' YEAR TO MONTH FROM facts")).rejects.toThrow(/YEAR TO MONTH/);
  });
});

describe('F.median / F.percentile', () => {
  it('as aggregates and over partitions, against DuckDB', async () => {
    await checkQuery(
      env,
      facts.groupBy('g').agg(F.median('i').alias('a'), F.percentile('d', 0.75).alias('b'), F.percentile('l', 0).alias('c')),
      `SELECT g, quantile_cont(i, 0.5) AS a, quantile_cont(d, 0.75) AS b, min(l)::DOUBLE AS c FROM facts GROUP BY g`,
    );
    await checkQuery(
      env,
      facts.select('id', F.median('m').over(Window.partitionBy('k')).alias('a')),
      `SELECT id, quantile_cont(m::DOUBLE, 0.5) OVER (PARTITION BY k) AS a FROM facts`,
    );
    expect(facts.select(F.median('i'), F.percentile('i', 0.25)).columns).toEqual(['median(i)', 'percentile(i, 0.25, 1)']);
  });
});
