/**
 * The Spark built-ins added by the functions helper, through spark.sql and the DataFrame API, on the
 * oracle suite's random Parquet tables (nulls, NaN, -0.0, multi-byte strings, dates, timestamps)
 * against DuckDB where DuckDB has the same semantics. Where Spark differs (pmod, nvl2, count(a, b),
 * rand, approx_count_distinct, months_between, next_day) the DuckDB side spells Spark's
 * definition out, or the expected values come from Apache Spark itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame, RuntimeConfig, SparkSession } from '../src/index.js';
import { type Env, checkQuery, checkRows, runKindling, setupEnv, teardownEnv } from './helpers/oracle.js';

let env: Env;
let facts: DataFrame;

beforeAll(async () => {
  env = await setupEnv();
  facts = await env.read('facts');
  facts.createOrReplaceTempView('facts');
  (await env.read('empty')).createOrReplaceTempView('empty_facts');
});
afterAll(() => teardownEnv(env));

/** Runs the same select list through Kindling and DuckDB (DuckDB text may differ per column). */
async function both(kindling: string, duck: string, from = 'facts', opts: Parameters<typeof checkQuery>[3] = {}): Promise<void> {
  await checkQuery(env, await env.spark.sql(`SELECT id, ${kindling} FROM ${from}`), `SELECT id, ${duck} FROM ${from}`, opts);
}

describe('scalar functions vs DuckDB', () => {
  it('greatest / least skip nulls (numbers with NaN, strings by bytes, dates)', async () => {
    await both('greatest(i, g, 0) AS a, least(i, g) AS b, greatest(k, s) AS c, least(k, s) AS e, greatest(dt, DATE \'2000-01-01\') AS f',
      'greatest(i, g, 0) AS a, least(i, g) AS b, greatest(k, s) AS c, least(k, s) AS e, greatest(dt, DATE \'2000-01-01\') AS f');
    // DuckDB's greatest of doubles: NaN is the largest value too; -0.0 and 0.0 tie (filtered out).
    await checkQuery(env, await env.spark.sql('SELECT id, greatest(d, 0.5D) AS a, least(d, 0.5D) AS b FROM facts WHERE d IS NULL OR d <> 0'), 'SELECT id, greatest(d, 0.5) AS a, least(d, 0.5) AS b FROM facts WHERE d IS NULL OR d <> 0');
  });

  it('string functions on multi-byte text', async () => {
    await both(
      "repeat(k, g) AS a, reverse(s) AS b, lpad(s, g, 'é-') AS c, rpad(k, g, '*') AS e, instr(s, 'a') AS f, left(s, 3) AS h, right(k, 2) AS j, octet_length(s) AS o, bit_length(k) AS bl, translate(s, 'aé日', 'xy') AS t, concat_ws('|', k, s) AS cw",
      "repeat(k, g) AS a, reverse(s) AS b, lpad(s, g, 'é-') AS c, rpad(k, g, '*') AS e, instr(s, 'a')::INTEGER AS f, left(s, 3) AS h, right(k, 2) AS j, strlen(s)::INTEGER AS o, (8 * strlen(k))::INTEGER AS bl, translate(s, 'aé日', 'xy') AS t, concat_ws('|', k, s) AS cw",
    );
    // locate(sub, str, pos): DuckDB has no start position; Spark's definition spelled out.
    await both("locate('a', s, 3) AS a, locate('', k) AS b",
      "CASE WHEN s IS NULL THEN NULL WHEN instr(substr(s, 3), 'a') = 0 THEN 0 ELSE instr(substr(s, 3), 'a') + 2 END::INTEGER AS a, CASE WHEN k IS NULL THEN NULL ELSE 1 END::INTEGER AS b");
  });

  it('math: pow, pmod (Spark: positive modulus, null for 0)', async () => {
    await both('pow(d, 2) AS a, power(g, 0.5) AS b, pmod(i, g) AS c, pmod(l, 7L) AS e',
      'pow(d, 2) AS a, pow(g, 0.5) AS b, CASE WHEN i % g < 0 THEN (i % g + g) % g ELSE i % g END AS c, CASE WHEN l % 7 < 0 THEN (l % 7 + 7) % 7 ELSE l % 7 END AS e');
  });

  it('conditional: nvl2, nullif, ifnull', async () => {
    await both('nvl2(k, i, g) AS a, nullif(g, 3) AS b, ifnull(s, k) AS c', 'CASE WHEN k IS NOT NULL THEN i ELSE g END AS a, nullif(g, 3) AS b, ifnull(s, k) AS c');
  });

  it('dates: add_months, last_day, trunc, date_trunc, weekofyear, make_date, EXTRACT(WEEK)', async () => {
    await both(
      "add_months(dt, g) AS a, last_day(dt) AS b, trunc(dt, 'MM') AS c, trunc(dt, 'YEAR') AS e, weekofyear(dt) AS f, EXTRACT(WEEK FROM dt) AS w, make_date(year(dt), month(dt), 1) AS h",
      "CAST(dt + to_months(g) AS DATE) AS a, last_day(dt) AS b, CAST(date_trunc('month', dt) AS DATE) AS c, CAST(date_trunc('year', dt) AS DATE) AS e, weekofyear(dt)::INTEGER AS f, weekofyear(dt)::INTEGER AS w, make_date(year(dt), month(dt), 1) AS h",
    );
    await both("date_trunc('HOUR', ts) AS a, date_trunc('MONTH', ts) AS b, date_trunc('WEEK', ts) AS c", "date_trunc('hour', ts) AS a, date_trunc('month', ts) AS b, date_trunc('week', ts) AS c");
    await checkQuery(env, await env.spark.sql('SELECT id, add_months(dt, 1) AS a FROM empty_facts'), `SELECT id, CAST(dt + INTERVAL 1 MONTH AS DATE) AS a FROM read_parquet('${env.paths.empty}')`);
  });

  it('LIKE NULL is NULL', async () => {
    await both('k LIKE NULL AS a', 'k LIKE NULL AS a');
  });
});

describe('aggregates', () => {
  it('count(a, b) counts rows where every argument is non-null', async () => {
    await checkQuery(env, await env.spark.sql('SELECT g, count(i, k) AS c, count(i, k, s) AS c3 FROM facts GROUP BY g'),
      'SELECT g, count(*) FILTER (WHERE i IS NOT NULL AND k IS NOT NULL) AS c, count(*) FILTER (WHERE i IS NOT NULL AND k IS NOT NULL AND s IS NOT NULL) AS c3 FROM facts GROUP BY g');
  });

  it('approx_count_distinct is exact for tiny groups and within the error bound otherwise', async () => {
    // Linear counting m ln(m / V) rounds to the exact count only for a handful of values (Spark too).
    // (with more values two of them may share a register: an estimate one below the count, as in Spark).
    await checkQuery(env, await env.spark.sql('SELECT g, approx_count_distinct(k) AS a, approx_count_distinct(b) AS b FROM facts WHERE i BETWEEN 0 AND 5 GROUP BY g'),
      'SELECT g, count(DISTINCT k) AS a, count(DISTINCT b) AS b FROM facts WHERE i BETWEEN 0 AND 5 GROUP BY g');
    const grouped = await runKindling(await env.spark.sql('SELECT g, approx_count_distinct(dt) AS a, count(DISTINCT dt) AS exact FROM facts GROUP BY g'));
    for (const [, a, exact] of grouped.rows as [unknown, bigint, bigint][]) expect(Math.abs(Number(a) - Number(exact))).toBeLessThanOrEqual(Math.max(1, 0.15 * Number(exact)));
    const r = await runKindling(await env.spark.sql('SELECT approx_count_distinct(l) AS a, approx_count_distinct(l, 0.01) AS b, count(DISTINCT l) AS exact FROM facts'));
    const [a, b, exact] = r.rows[0]!.map(Number) as [number, number, number];
    expect(Math.abs(a - exact) / exact).toBeLessThan(0.15);
    expect(Math.abs(b - exact) / exact).toBeLessThan(0.03);
    const empty = await runKindling(await env.spark.sql('SELECT approx_count_distinct(k) AS a FROM empty_facts'));
    expect(empty.rows).toEqual([[0n]]);
    // Wide decimals hash Java's BigInteger.toByteArray() bytes: the estimates Spark 4 prints.
    const wide = await runKindling(
      await env.spark.sql('SELECT approx_count_distinct(CAST(id AS DECIMAL(30,0))), approx_count_distinct(id), approx_count_distinct(CAST(id - 50000 AS DECIMAL(38,2))) FROM range(100000)'),
    );
    expect(wide.rows).toEqual([[100855n, 95546n, 103847n]]);
  });

  it('rand(seed) / randn(seed): Spark\'s sequence (partition 0), the same in every run', async () => {
    const df = await env.spark.sql('SELECT rand(0) AS r, randn(0) AS n FROM facts LIMIT 3');
    await checkRows(env, df, {
      names: ['r', 'n'],
      types: ['double', 'double'],
      rows: [
        [0.7604953758285915, 1.6034991609278433],
        [0.5234194256885571, 0.14416006165776865],
        [0.0953472826424725, -0.6253564498627744],
      ],
    }, { ordered: true });
    const free = await runKindling(await env.spark.sql('SELECT min(rand()) AS lo, max(rand()) AS hi FROM facts'));
    const [lo, hi] = free.rows[0] as [number, number];
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
  });
});

describe('DataFrame API', () => {
  it('F.greatest, F.lpad, F.add_months, F.pmod, F.approx_count_distinct, F.rand ... build the SQL functions', async () => {
    const df = facts.select(
      'id',
      F.greatest('i', 'g').alias('a'),
      F.least('i', 'g').alias('b'),
      F.lpad('k', 4, '*').alias('c'),
      F.rpad('s', 3, 'é').alias('e'),
      F.repeat('k', 2).alias('f'),
      F.reverse('s').alias('h'),
      F.instr('s', 'a').alias('j'),
      F.locate('a', 's', 2).alias('lo'),
      F.translate('s', 'a', 'b').alias('t'),
      F.concat_ws('-', 'k', 's').alias('cw'),
      F.initcap('s').alias('ic'),
      F.nvl('s', 'k').alias('nv'),
      F.nvl2('s', F.col('k'), F.col('s')).alias('nv2'),
      F.nullif('g', F.lit(3)).alias('ni'),
      F.pmod('i', 7).alias('pm'),
      F.pow('g', 2).alias('pw'),
      F.add_months('dt', 2).alias('am'),
      F.last_day('dt').alias('ld'),
      F.trunc('dt', 'MM').alias('tr'),
      F.date_trunc('HOUR', 'ts').alias('dtr'),
      F.weekofyear('dt').alias('wy'),
      F.next_day('dt', 'Mon').alias('nd'),
      F.months_between('ts', 'dt').alias('mb'),
    );
    const sql = await env.spark.sql(
      "SELECT id, greatest(i, g) AS a, least(i, g) AS b, lpad(k, 4, '*') AS c, rpad(s, 3, 'é') AS e, repeat(k, 2) AS f, reverse(s) AS h, instr(s, 'a') AS j, locate('a', s, 2) AS lo, translate(s, 'a', 'b') AS t, concat_ws('-', k, s) AS cw, initcap(s) AS ic, nvl(s, k) AS nv, nvl2(s, k, s) AS nv2, nullif(g, 3) AS ni, pmod(i, 7) AS pm, pow(g, 2) AS pw, add_months(dt, 2) AS am, last_day(dt) AS ld, trunc(dt, 'MM') AS tr, date_trunc('HOUR', ts) AS dtr, weekofyear(dt) AS wy, next_day(dt, 'Mon') AS nd, months_between(ts, dt) AS mb FROM facts",
    );
    const [x, y] = [await runKindling(df), await runKindling(sql)];
    expect(x.rows).toEqual(y.rows);
    expect(x.types).toEqual(y.types);
    const agg = await runKindling(facts.groupBy('g').agg(F.approx_count_distinct('k').alias('a'), F.approx_count_distinct('k', 0.01).alias('b')).orderBy('g'));
    const viaSql = await runKindling(await env.spark.sql('SELECT g, approx_count_distinct(k) AS a, approx_count_distinct(k, 0.01) AS b FROM facts GROUP BY g ORDER BY g'));
    expect(agg.rows).toEqual(viaSql.rows);
    const r = await runKindling(facts.select(F.rand(0).alias('r'), F.randn(0).alias('n')).limit(2));
    expect(r.rows).toEqual([[0.7604953758285915, 1.6034991609278433], [0.5234194256885571, 0.14416006165776865]]);
  });
});

describe('local[2] (executor threads, shuffled aggregation)', () => {
  it('approx_count_distinct per group equals Spark 4 and local; count(a, b), greatest, lpad, add_months too', async () => {
    const q = "SELECT id % 5 AS g, approx_count_distinct(id) AS a, count(id, CASE WHEN id % 3 = 0 THEN NULL ELSE id END) AS c, max(greatest(id, 7)) AS m, max(lpad(CAST(id AS STRING), 6, 'é')) AS p, min(add_months(DATE '2024-01-31', CAST(id % 13 AS INT))) AS am FROM range(0, 20000) GROUP BY id % 5 ORDER BY g";
    const out: unknown[][][] = [];
    for (const master of ['local', 'local[2]']) {
      const spark = new SparkSession(new RuntimeConfig(), `functions ${master}`, master);
      out.push((await (await spark.sql(q)).collect()).map((r) => Object.values(r)));
    }
    expect(out[1]).toEqual(out[0]);
    // SELECT id % 5 AS g, approx_count_distinct(id) FROM range(0, 20000) GROUP BY id % 5 in Spark 4:
    expect(out[0]!.map((r) => Number(r[1]))).toEqual([3932, 4380, 4112, 4004, 3853]);
    expect(out[0]!.map((r) => Number(r[2]))).toEqual([2666, 2667, 2667, 2666, 2667]);
  }, 60_000);

  it('approx_count_distinct as a partial / final aggregate over Parquet splits equals one pass (register max is exact)', async () => {
    const q = `SELECT g, approx_count_distinct(l) AS a, approx_count_distinct(s, 0.02) AS b, approx_count_distinct(d) AS c FROM parquet.\`${env.paths.facts}\` GROUP BY g ORDER BY g`;
    const qAll = `SELECT approx_count_distinct(l) AS a, approx_count_distinct(k, 0.1) AS b FROM parquet.\`${env.paths.facts}\``;
    const out: unknown[][][] = [];
    for (const master of ['local', 'local[2]']) {
      const spark = new SparkSession(new RuntimeConfig(), `functions split ${master}`, master);
      out.push((await (await spark.sql(q)).collect()).map((r) => Object.values(r)));
      out.push((await (await spark.sql(qAll)).collect()).map((r) => Object.values(r)));
      if (master === 'local[2]') {
        const df = await spark.sql(qAll);
        await df.collect();
        expect(df.explainString(true)).toContain('Aggregate(partial)'); // the split, not a shuffle of raw rows
      }
    }
    expect(out[2]).toEqual(out[0]);
    expect(out[3]).toEqual(out[1]);
  }, 60_000);
});
