/**
 * Group 2: filter + sum over float64, `sum(v) where v > 0.5`; throughput in GB/s of input scanned
 * (8 bytes per row).
 */
import { filterData } from '../data/kernel-data.js';
import { arqueroTable, filterSum as arqueroFilterSum } from '../peers/arquero.js';
import * as js from '../peers/plain-js.js';
import { type BenchmarkGroup, type KernelBenchmark, type SuiteContext, closeTo, erase } from './common.js';
import { importKindling, loadBatch } from './kindling.js';
import type { Batch } from '../../src/types/batch.js';

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
        note: 'gt(v, 0.5) -> mask, filterBatch (selection + gather), groupBy([], [sum(v)]) (SIMD sum)',
        async prepare() {
          const [cmp, take, agg] = await Promise.all([
            importKindling('src/kernels/compare.ts', () => import('../../src/kernels/compare.js'), ['compare', 'cast']),
            importKindling('src/kernels/take.ts', () => import('../../src/kernels/take.js'), ['take']),
            importKindling('src/kernels/aggregate.ts', () => import('../../src/kernels/aggregate.js'), ['aggregate']),
          ]);
          const { MemoryReservation } = await import('../../src/wasm/memory.js');
          const { runtime } = await import('../../src/wasm/runtime.js');
          const batch = await loadBatch({ v: values });
          const vType = batch.column(0).type;
          const half = { type: vType, value: 0.5 };
          const spec = { fn: 'sum', inputType: vType, resultType: vType, name: 's' } as const;
          const exec = () => {
            const mask = cmp.gt(batch.column(0), half);
            let kept: Batch;
            try {
              kept = take.filterBatch(batch, mask);
            } finally {
              mask.release();
            }
            try {
              return agg.groupBy([], [{ spec, input: kept.column(0) }], new MemoryReservation('bench filter-sum', 2 ** 31)).results[0]!;
            } finally {
              kept.release();
            }
          };
          return {
            run: () => exec().release(),
            answer: () => {
              const c = exec();
              try {
                return c.nullCount > 0 ? NaN : runtime().memory.f64(c.valuesPtr, 1)[0]!;
              } finally {
                c.release();
              }
            },
            dispose: () => batch.release(),
          };
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
