/**
 * Group 2: filter + sum over float64, `sum(v) where v > 0.5`; throughput in GB/s of input scanned
 * (8 bytes per row).
 */
import { filterData } from '../data/kernel-data.js';
import { arqueroTable, filterSum as arqueroFilterSum } from '../peers/arquero.js';
import * as js from '../peers/plain-js.js';
import { type BenchmarkGroup, type KernelBenchmark, type SuiteContext, closeTo, erase, NotAvailableError } from './common.js';

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
        prepare: () => {
          throw new NotAvailableError('no comparison/aggregate kernel API (src/kernels/compare.ts, aggregate.ts) yet');
        },
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
