/**
 * End-to-end window functions against DuckDB: F.row_number/rank/dense_rank/lag/lead and
 * sum/avg/min/max/count over Window specs with Spark's default frames, ROWS frames with offsets and
 * UNBOUNDED bounds, and RANGE frames with UNBOUNDED/CURRENT ROW. Every query also runs at batch
 * sizes 7 and 1024 (and 1 on small inputs). Spark's window ordering is spelled out in the SQL
 * (ascending = NULLS FIRST, descending = NULLS LAST); DuckDB's bigint ranks and hugeint sums are cast
 * to Spark's int / bigint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, Window, type DataFrame, AnalysisError, MemoryBudgetExceededError } from '../src/index.js';
import { type Env, type CheckOptions, checkQuery, compareResults, runKindling, setupTables, teardownEnv, withBatchSize } from './helpers/oracle.js';
import { runtime } from '../src/wasm/runtime.js';

const { col } = F;

let env: Env;
let facts: DataFrame;
let small: DataFrame;
let empty: DataFrame;

beforeAll(async () => ({ env, facts, small, empty } = await setupTables()));
afterAll(() => teardownEnv(env));

/** checkQuery plus a run at batch size 1024. */
async function check(df: DataFrame, sql: string, opts: CheckOptions = {}): Promise<void> {
  const first = await checkQuery(env, df, sql, opts);
  const again = await withBatchSize(env, 1024, () => runKindling(df));
  compareResults(again, first, { ordered: false }, 'batch size 1024 vs default');
}

describe('ranking functions', () => {
  it('row_number, rank, dense_rank with partitions, ties, nulls in keys', async () => {
    const w = Window.partitionBy('k').orderBy('g', 'id');
    const wt = Window.partitionBy('k').orderBy(col('g').desc());
    await check(
      facts.select('id', 'k', 'g', F.row_number().over(w).alias('rn'), F.rank().over(wt).alias('r'), F.dense_rank().over(wt).alias('dr')),
      `SELECT id, k, g,
         CAST(row_number() OVER (PARTITION BY k ORDER BY g ASC NULLS FIRST, id ASC NULLS FIRST) AS INTEGER) AS rn,
         CAST(rank() OVER (PARTITION BY k ORDER BY g DESC NULLS LAST) AS INTEGER) AS r,
         CAST(dense_rank() OVER (PARTITION BY k ORDER BY g DESC NULLS LAST) AS INTEGER) AS dr
       FROM facts`,
    );
  });

  it('no partition; order by a double with NaN, -0.0 and nulls; several keys', async () => {
    await check(
      facts.select('id', 'd', F.rank().over(Window.orderBy(col('d').ascNullsLast())).alias('r'), F.dense_rank().over(Window.orderBy('d')).alias('dr')),
      `SELECT id, d, CAST(rank() OVER (ORDER BY d ASC NULLS LAST) AS INTEGER) AS r, CAST(dense_rank() OVER (ORDER BY d ASC NULLS FIRST) AS INTEGER) AS dr FROM facts`,
    );
    await check(
      facts.select('id', F.rank().over(Window.partitionBy('g', 'b').orderBy('s', col('dt').desc())).alias('r')),
      `SELECT id, CAST(rank() OVER (PARTITION BY g, b ORDER BY s ASC NULLS FIRST, dt DESC NULLS LAST) AS INTEGER) AS r FROM facts`,
    );
  });

  it('small inputs at batch size 1, and an empty input', async () => {
    const w = Window.partitionBy('g').orderBy('id');
    await check(
      small.select('id', 'g', F.row_number().over(w).alias('rn'), F.lag('i').over(w).alias('p')),
      `SELECT id, g, CAST(row_number() OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST) AS INTEGER) AS rn, lag(i) OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST) AS p FROM small`,
      { small: true },
    );
    const rows = await empty.select('id', F.row_number().over(w).alias('rn'), F.sum('i').over(w).alias('s')).collect();
    expect(rows).toEqual([]);
  });
});

describe('lag / lead', () => {
  it('offsets, defaults, every type', async () => {
    const w = Window.partitionBy('g').orderBy('id', 'k');
    const cs = ['k', 'i', 'l', 'd', 'm', 'dt', 'ts', 'b', 's'];
    const over = 'OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST, k ASC NULLS FIRST)';
    await check(
      facts.select('id', 'g', ...cs.flatMap((c) => [F.lag(c).over(w).alias(`p_${c}`), F.lead(c, 2).over(w).alias(`n_${c}`)])),
      `SELECT id, g, ${cs.map((c) => `lag(${c}) ${over} AS p_${c}, lead(${c}, 2) ${over} AS n_${c}`).join(', ')} FROM facts`,
    );
    await check(
      facts.select('id', F.lag('i', 3, 0).over(w).alias('p'), F.lead('s', 1, 'none').over(w).alias('n'), F.lag('l', 0).over(w).alias('z')),
      `SELECT id, lag(i, 3, 0) OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST, k ASC NULLS FIRST) AS p,
         lead(s, 1, 'none') OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST, k ASC NULLS FIRST) AS n,
         lag(l, 0) OVER (PARTITION BY g ORDER BY id ASC NULLS FIRST, k ASC NULLS FIRST) AS z FROM facts`,
    );
  });
});

describe('aggregates over windows', () => {
  const AGGS = (c: string) => [
    [F.sum(c), (o: string) => `CAST(sum(${c}) ${o} AS BIGINT)`],
    [F.count(c), (o: string) => `count(${c}) ${o}`],
    [F.count('*'), (o: string) => `count(*) ${o}`],
    [F.avg(c), (o: string) => `avg(${c}) ${o}`],
    [F.min(c), (o: string) => `min(${c}) ${o}`],
    [F.max(c), (o: string) => `max(${c}) ${o}`],
  ] as const;

  const frames: [string, (w: ReturnType<typeof Window.partitionBy>) => ReturnType<typeof Window.partitionBy>, string][] = [
    ['default with order (RANGE UNBOUNDED PRECEDING .. CURRENT ROW, peers included)', (w) => w.orderBy('g'), 'ORDER BY g ASC NULLS FIRST'],
    ['ROWS 2 PRECEDING .. 1 FOLLOWING', (w) => w.orderBy('g', 'id').rowsBetween(-2, 1), 'ORDER BY g ASC NULLS FIRST, id ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING'],
    ['ROWS UNBOUNDED PRECEDING .. CURRENT ROW', (w) => w.orderBy('id', 'g').rowsBetween(Window.unboundedPreceding, Window.currentRow), 'ORDER BY id ASC NULLS FIRST, g ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'],
    ['ROWS CURRENT ROW .. UNBOUNDED FOLLOWING', (w) => w.orderBy('id', 'g').rowsBetween(0, Window.unboundedFollowing), 'ORDER BY id ASC NULLS FIRST, g ASC NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'],
    ['ROWS 3 PRECEDING .. 1 PRECEDING', (w) => w.orderBy('id', 'g').rowsBetween(-3, -1), 'ORDER BY id ASC NULLS FIRST, g ASC NULLS FIRST ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING'],
    ['ROWS 1 FOLLOWING .. 4 FOLLOWING', (w) => w.orderBy('id', 'g').rowsBetween(1, 4), 'ORDER BY id ASC NULLS FIRST, g ASC NULLS FIRST ROWS BETWEEN 1 FOLLOWING AND 4 FOLLOWING'],
    ['RANGE CURRENT ROW .. UNBOUNDED FOLLOWING', (w) => w.orderBy(col('g').desc()).rangeBetween(0, Window.unboundedFollowing), 'ORDER BY g DESC NULLS LAST RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING'],
    ['RANGE CURRENT ROW .. CURRENT ROW', (w) => w.orderBy('g').rangeBetween(0, 0), 'ORDER BY g ASC NULLS FIRST RANGE BETWEEN CURRENT ROW AND CURRENT ROW'],
    ['whole partition (no order)', (w) => w, ''],
  ];

  for (const [name, mk, sqlFrame] of frames) {
    it(`sum/count/avg/min/max of an int column: ${name}`, async () => {
      const w = mk(Window.partitionBy('k'));
      const aggs = AGGS('i');
      await check(
        facts.select('id', 'k', 'g', 'i', ...aggs.map(([c], j) => c.over(w).alias(`a${j}`))),
        `SELECT id, k, g, i, ${aggs.map(([, s], j) => `${s(`OVER (PARTITION BY k ${sqlFrame})`)} AS a${j}`).join(', ')} FROM facts`,
      );
    });
  }

  it('doubles (NaN, infinities, -0.0), bigints, decimals, strings, dates: sliding and running frames', async () => {
    for (const [mk, sqlFrame] of [
      [(w: ReturnType<typeof Window.partitionBy>) => w.orderBy('id', 'k').rowsBetween(-2, 2), 'ORDER BY id ASC NULLS FIRST, k ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING'],
      [(w: ReturnType<typeof Window.partitionBy>) => w.orderBy('b'), 'ORDER BY b ASC NULLS FIRST'],
      [(w: ReturnType<typeof Window.partitionBy>) => w.orderBy('id', 'k').rowsBetween(-1, Window.unboundedFollowing), 'ORDER BY id ASC NULLS FIRST, k ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING'],
    ] as const) {
      const w = mk(Window.partitionBy('g'));
      const over = `OVER (PARTITION BY g ${sqlFrame})`;
      await check(
        facts.select(
          'id',
          F.sum('d').over(w).alias('sd'),
          F.avg('d').over(w).alias('ad'),
          F.min('d').over(w).alias('mind'),
          F.max('d').over(w).alias('maxd'),
          F.sum('l').over(w).alias('sl'),
          F.avg('l').over(w).alias('al'),
          F.sum('m').over(w).alias('sm'),
          F.max('m').over(w).alias('maxm'),
          F.min('s').over(w).alias('mins'),
          F.max('k').over(w).alias('maxk'),
          F.min('dt').over(w).alias('mindt'),
          F.max('ts').over(w).alias('maxts'),
          F.max('b').over(w).alias('maxb'),
          F.count('s').over(w).alias('cs'),
        ),
        `SELECT id, sum(d) ${over} AS sd, avg(d) ${over} AS ad, min(d) ${over} AS mind, max(d) ${over} AS maxd,
           CAST(sum(l) ${over} AS BIGINT) AS sl, avg(l) ${over} AS al, CAST(sum(m) ${over} AS DECIMAL(25,2)) AS sm, max(m) ${over} AS maxm,
           min(s) ${over} AS mins, max(k) ${over} AS maxk, min(dt) ${over} AS mindt, max(ts) ${over} AS maxts, max(b) ${over} AS maxb,
           count(s) ${over} AS cs FROM facts`,
      );
    }
  });

  it('computed partition keys, order keys and arguments', async () => {
    const w = Window.partitionBy(col('g').mod(3)).orderBy(col('id').desc(), F.length('k'));
    await check(
      facts.select('id', 'k', F.sum(col('i').multiply(2)).over(w).alias('s'), F.lag(F.upper('k'), 1, 'NONE').over(w).alias('p')),
      `SELECT id, k, CAST(sum(i * 2) OVER (PARTITION BY g % 3 ORDER BY id DESC NULLS LAST, length(k) ASC NULLS FIRST) AS BIGINT) AS s,
         lag(upper(k), 1, 'NONE') OVER (PARTITION BY g % 3 ORDER BY id DESC NULLS LAST, length(k) ASC NULLS FIRST) AS p FROM facts`,
    );
  });

  it('window columns inside expressions, several specs, withColumn, and filters above', async () => {
    const w1 = Window.partitionBy('k').orderBy('id', 'g');
    const w2 = Window.partitionBy('g');
    const df = facts
      .withColumn('share', col('i').divide(F.sum('i').over(w2)))
      .withColumn('rn', F.row_number().over(w1))
      .select('id', 'k', 'share', 'rn', col('i').minus(F.lag('i').over(w1)).alias('delta'))
      .filter(col('rn').leq(3).and(col('k').isNotNull()));
    await check(
      df,
      `SELECT id, k, share, rn, delta FROM (
         SELECT id, k, i / sum(i) OVER (PARTITION BY g) AS share,
           CAST(row_number() OVER (PARTITION BY k ORDER BY id ASC NULLS FIRST, g ASC NULLS FIRST) AS INTEGER) AS rn,
           i - lag(i) OVER (PARTITION BY k ORDER BY id ASC NULLS FIRST, g ASC NULLS FIRST) AS delta FROM facts)
       WHERE rn <= 3 AND k IS NOT NULL`,
    );
  });
});

describe('skewed in-memory input: every function and frame kind at batch sizes 1, 7, 1024', () => {
  it('one huge partition, many singletons, null partitions, ties and nulls in order keys, NaN values', async () => {
    const rng = (() => {
      let a = 12345;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    })();
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i,
      p: i < 150 ? 0 : rng() < 0.1 ? null : 1000 + i, // one huge partition, then singletons and a null partition
      o: rng() < 0.1 ? null : Math.floor(rng() * 20),
      d: rng() < 0.1 ? null : rng() < 0.05 ? NaN : rng() < 0.05 ? -0 : Math.round(rng() * 1000) / 4,
      s: rng() < 0.1 ? null : ['a', 'é', '日本', 'zz', ''][Math.floor(rng() * 5)]!,
    }));
    const df = env.spark.createDataFrame(rows, 'id int, p int, o int, d double, s string');
    await env.db.run('CREATE OR REPLACE TABLE skew (id INTEGER, p INTEGER, o INTEGER, d DOUBLE, s VARCHAR)');
    const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : Number.isNaN(v) ? "'NaN'::DOUBLE" : Object.is(v, -0) ? "'-0.0'::DOUBLE" : String(v));
    await env.db.run(`INSERT INTO skew VALUES ${rows.map((r) => `(${[r.id, r.p, r.o, r.d, r.s].map(lit).join(', ')})`).join(', ')}`);
    const w = Window.partitionBy('p').orderBy('o');
    const wu = Window.partitionBy('p').orderBy('o', 'id');
    const sql = (frame: string) => `OVER (PARTITION BY p ORDER BY o ASC NULLS FIRST${frame})`;
    const su = (frame: string) => `OVER (PARTITION BY p ORDER BY o ASC NULLS FIRST, id ASC NULLS FIRST${frame})`;
    const q = df.select(
      'id',
      F.row_number().over(wu).alias('rn'),
      F.rank().over(w).alias('rk'),
      F.dense_rank().over(w).alias('dr'),
      F.lag('d', 2).over(wu).alias('lg'),
      F.lead('s', 1, '-').over(wu).alias('ld'),
      F.sum('d').over(w).alias('s_def'),
      F.count('d').over(w).alias('c_def'),
      F.max('s').over(w).alias('mx_def'),
      F.avg('o').over(wu.rowsBetween(-3, 2)).alias('a_rows'),
      F.min('d').over(wu.rowsBetween(-3, 2)).alias('mn_rows'),
      F.sum('o').over(wu.rowsBetween(Window.unboundedPreceding, -1)).alias('s_pre'),
      F.max('d').over(wu.rowsBetween(2, Window.unboundedFollowing)).alias('mx_fol'),
      F.count('*').over(w.rangeBetween(Window.currentRow, Window.currentRow)).alias('c_peer'),
      F.min('s').over(w.rangeBetween(Window.currentRow, Window.unboundedFollowing)).alias('mn_rfol'),
      F.sum('d').over(Window.partitionBy('p')).alias('s_all'),
    );
    const expected = `SELECT id,
        CAST(row_number() ${su('')} AS INTEGER) AS rn, CAST(rank() ${sql('')} AS INTEGER) AS rk, CAST(dense_rank() ${sql('')} AS INTEGER) AS dr,
        lag(d, 2) ${su('')} AS lg, lead(s, 1, '-') ${su('')} AS ld,
        sum(d) ${sql('')} AS s_def, count(d) ${sql('')} AS c_def, max(s) ${sql('')} AS mx_def,
        avg(o) ${su(' ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING')} AS a_rows, min(d) ${su(' ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING')} AS mn_rows,
        CAST(sum(o) ${su(' ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING')} AS BIGINT) AS s_pre,
        max(d) ${su(' ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING')} AS mx_fol,
        count(*) ${sql(' RANGE BETWEEN CURRENT ROW AND CURRENT ROW')} AS c_peer,
        min(s) ${sql(' RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING')} AS mn_rfol,
        sum(d) OVER (PARTITION BY p) AS s_all
      FROM skew`;
    await check(q, expected, { small: true });
  });
});

describe('a window over the whole input', () => {
  it('no partition and no order: every row sees every row', async () => {
    await check(
      small.select('id', F.count('*').over(Window.partitionBy()).alias('c'), F.sum('d').over(Window.partitionBy()).alias('s')),
      `SELECT id, count(*) OVER () AS c, sum(d) OVER () AS s FROM small`,
      { small: true },
    );
  });
});

describe('errors and resources', () => {
  it('analysis errors', () => {
    expect(() => facts.select(F.row_number().over(Window.partitionBy('k')))).toThrow(AnalysisError);
    expect(() => facts.select(F.row_number().over(Window.partitionBy('k')))).toThrow(/requires the window to be ordered/);
    expect(() => facts.select(F.row_number())).toThrow(/OVER/);
    expect(() => facts.select(F.lag('i').over(Window.orderBy('id').rowsBetween(-1, 0)))).toThrow(/frame/);
    expect(() => facts.select(F.sum('s').over(Window.partitionBy('k')))).not.toThrow();
    expect(() => facts.select(F.sum('b').over(Window.partitionBy('k')))).toThrow(AnalysisError);
    expect(() => facts.select(F.sum('nope').over(Window.partitionBy('k')))).toThrow(/nope/);
    // RANGE frames with value offsets: one numeric/date order key, and an ORDER BY at all
    expect(() => facts.select(F.sum('i').over(Window.orderBy('g').rangeBetween(-1, 1)))).not.toThrow();
    expect(() => facts.select(F.sum('i').over(Window.partitionBy('k').rangeBetween(-1, 1)))).toThrow(/unordered/);
    expect(() => facts.select(F.sum('i').over(Window.orderBy('g', 'id').rangeBetween(-1, 1)))).toThrow(/multiple order by/);
    expect(() => facts.select(F.sum('i').over(Window.orderBy('k').rangeBetween(-1, 1)))).toThrow(AnalysisError);
    expect(() => facts.select(F.count('i').over(Window.partitionBy('k')), F.countDistinct('i').over(Window.partitionBy('k')))).toThrow(/Distinct window functions/);
    expect(() => Window.orderBy('g').rowsBetween(2, 1)).toThrow(/start/);
    expect(Window.rowsBetween(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).frame).toEqual({ type: 'rows', lower: 'unboundedPreceding', upper: 'unboundedFollowing' });
    expect(Window.rangeBetween(Window.unboundedPreceding, Window.currentRow).frame).toEqual({ type: 'range', lower: 'unboundedPreceding', upper: 'currentRow' });
    expect(Window.rowsBetween(-3, 2).frame).toEqual({ type: 'rows', lower: -3, upper: 2 });
    expect(() => Window.rowsBetween(0.5, 1)).toThrow(/integer/);
    expect(() => col('i').over(Window.partitionBy('k'))).toThrow(/over\(\)/);
    expect(() => facts.filter(F.row_number().over(Window.orderBy('id')).gt(1))).toThrow(/window functions are not allowed in filter/);
  });

  it('a budget below the input raises MemoryBudgetExceededError naming Window; memory comes back', async () => {
    const df = facts.select('id', F.sum('i').over(Window.partitionBy('k').orderBy('id')).alias('s'));
    await runKindling(df); // warm up kernels
    const before = runtime().memory.liveBytes;
    const saved = env.spark.conf.get('spark.kindling.operatorMemory');
    env.spark.conf.set('spark.kindling.operatorMemory', 10_000);
    try {
      await expect(df.collect()).rejects.toThrow(MemoryBudgetExceededError);
      await expect(df.collect()).rejects.toThrow(/Window/);
    } finally {
      env.spark.conf.set('spark.kindling.operatorMemory', saved ?? String(1 << 30));
    }
    await runKindling(df);
    expect(runtime().memory.liveBytes).toBe(before);
  });

  it('explain shows the Window node and operator', () => {
    const text = facts.select('id', F.rank().over(Window.partitionBy('k').orderBy('g')).alias('r')).explainString(true);
    expect(text).toMatch(/Window \[/);
    expect(text).toMatch(/rank\(\) OVER \(PARTITION BY k#\d+ ORDER BY g#\d+ ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW\)/);
  });

  it('unaliased window columns get Spark-style names', () => {
    const w = Window.partitionBy('k').orderBy('g');
    expect(facts.select(F.row_number().over(w), F.sum('i').over(w), F.lag('i').over(w), F.count('*').over(Window.partitionBy('k'))).columns).toEqual([
      'row_number() OVER (PARTITION BY k ORDER BY g ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
      'sum(i) OVER (PARTITION BY k ORDER BY g ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
      'lag(i, 1, NULL) OVER (PARTITION BY k ORDER BY g ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)',
      'count(1) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)',
    ]);
  });
});
