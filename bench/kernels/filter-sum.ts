/**
 * Group 2: filter + sum over float64, `sum(v) where v > 0.5`; throughput in GB/s of input scanned
 * (8 bytes per row). Kindling runs the query through the engine: a DataFrame over batches already
 * in wasm memory, `df.filter(col('v').gt(0.5)).agg(sum('v'))`, planned and executed (the timed part
 * is executeBatches(): optimizer, physical planning and execution). By default the planner fuses the
 * filter into the aggregation (a row mask per batch, no copy of the passing rows); the second row
 * turns that off (spark.kindling.fuseFilterIntoAggregate=false: Filter gathers, then HashAggregate).
 */
import * as arrow from 'apache-arrow';
import { filterData } from '../data/kernel-data.js';
import { arqueroTable, filterSum as arqueroFilterSum } from '../peers/arquero.js';
import * as js from '../peers/plain-js.js';
import { type BenchmarkGroup, type KernelBenchmark, type Prepared, type SuiteContext, closeTo, erase } from './common.js';
import { importKindling } from './kindling.js';
import type { DataFrame } from '../../src/api/dataframe.js';

/** The session configuration key of filter fusion. */
const FUSE = 'spark.kindling.fuseFilterIntoAggregate';

/**
 * A DataFrame over typed-array columns copied into wasm memory (untimed) by
 * SparkSession.createDataFrame, in batches of the engine's default size (as a scan would produce
 * them). `release` frees the copy.
 */
export async function kindlingDataFrame(
  columns: Record<string, Int32Array | Float64Array | BigInt64Array>,
): Promise<{ df: DataFrame; spark: import('../../src/api/session.js').SparkSession; release: () => void }> {
  const [{ SparkSession }, config] = await Promise.all([
    importKindling('src/api/session.ts', () => import('../../src/api/session.js'), ['aggregate', 'compare', 'take']),
    importKindling('src/api/config.ts', () => import('../../src/api/config.js'), []),
  ]);
  const size = config.DEFAULT_BATCH_SIZE;
  const n = Object.values(columns)[0]?.length ?? 0;
  const batches: arrow.RecordBatch[] = [];
  for (let start = 0; start < Math.max(n, 1); start += size) {
    const slice: Record<string, Int32Array | Float64Array | BigInt64Array> = {};
    for (const [name, c] of Object.entries(columns)) slice[name] = c.subarray(start, Math.min(n, start + size));
    batches.push(...arrow.tableFromArrays(slice).batches);
  }
  const spark = SparkSession.builder.master('local[1]').appName('kernel benchmarks').getOrCreate();
  const df = spark.createDataFrame(new arrow.Table(batches));
  const release = () => {
    if (df.plan.kind === 'local') for (const b of df.plan.batches) b.release();
  };
  return { df, spark, release };
}

/** Kindling's engine entry: `filter(v > 0.5).agg(sum(v))` with filter fusion on or off. */
async function prepareEngine(values: Float64Array, fuse: boolean): Promise<Prepared<number>> {
  const F = await importKindling('src/api/functions.ts', () => import('../../src/api/functions.js'), []);
  const { runtime } = await import('../../src/wasm/runtime.js');
  const { df, spark, release } = await kindlingDataFrame({ v: values });
  const query = df.filter(F.col('v').gt(0.5)).agg(F.sum('v').alias('s'));
  const exec = async (): Promise<number> => {
    spark.conf.set(FUSE, fuse);
    let answer = NaN;
    for await (const b of query.executeBatches()) {
      const c = b.column(0);
      if (c.nullCount === 0) answer = runtime().memory.f64(c.valuesPtr, 1)[0]!;
      b.release();
    }
    return answer;
  };
  return {
    async: true,
    run: exec,
    answer: async () => {
      const a = await exec();
      // The benchmark measures the fused plan: make sure the planner chose it.
      spark.conf.set(FUSE, fuse);
      if (/HashAggregate .*filter=/.test(query.explainString()) !== fuse) throw new Error(`filter fusion is not ${fuse ? 'on' : 'off'} in the plan`);
      return a;
    },
    dispose: release,
  };
}

function filterSumBenchmark(ctx: SuiteContext): KernelBenchmark<number> {
  const values = filterData(ctx.rows, ctx.seed + 6);
  const n = values.length;
  return {
    name: 'filter-sum',
    group: 'filter-sum',
    title: `SELECT sum(v) WHERE v > 0.5 over ${n.toLocaleString('en-US')} float64 values`,
    rows: n,
    throughput: { unit: 'GB/s', bytesPerRow: 8 },
    compare: (a, b) => (closeTo(a, b) ? null : `sum = ${b}, expected ${a}`),
    engines: [
      {
        engine: 'Kindling',
        note: "df.filter(col('v').gt(0.5)).agg(sum('v')) through the engine, 65,536-row batches: HashAggregate with the filter fused (compare kernel -> row mask -> masked SIMD sum)",
        prepare: () => prepareEngine(values, true),
      },
      {
        engine: 'Kindling (unfused plan)',
        note: 'the same DataFrame with spark.kindling.fuseFilterIntoAggregate=false: Filter (mask -> selection -> gather) -> HashAggregate',
        prepare: () => prepareEngine(values, false),
      },
      {
        engine: 'plain JS',
        note: 'for loop over a Float64Array',
        prepare: () => ({ run: () => js.filterSum(values, 0.5), answer: () => js.filterSum(values, 0.5), dispose: () => {} }),
      },
      {
        engine: 'DuckDB-Wasm',
        note: 'SELECT sum(v) FROM t WHERE v > 0.5',
        async prepare() {
          const db = await ctx.duckdb();
          db.load('filter_t', { v: values });
          const sql = 'SELECT sum(v) AS s FROM filter_t WHERE v > 0.5';
          return { run: () => db.scalar(sql), answer: () => db.scalar(sql), dispose: () => db.drop('filter_t') };
        },
      },
      {
        engine: 'Arquero',
        note: "filter(d => d.v > 0.5).rollup({ s: op.sum('v') })",
        prepare() {
          const t = arqueroTable({ v: values });
          return { run: () => arqueroFilterSum(t), answer: () => arqueroFilterSum(t), dispose: () => {} };
        },
      },
    ],
  };
}

/** Group 2: filter + sum. */
export const filterSumGroup: BenchmarkGroup = {
  name: 'filter-sum',
  benchmarks: [{ name: 'filter-sum', create: (ctx) => erase(filterSumBenchmark(ctx)) }],
};
