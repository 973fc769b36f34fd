/**
 * Group 1: group-by sum over 100 int32 keys (int32 key, float64 value). Kindling runs
 * `df.groupBy('k').agg(sum('v'))` through the engine over batches already in wasm memory (the timed
 * part is executeBatches(): optimizer, physical planning and execution of HashAggregate); the
 * second row is the one-shot kernel call (KeyTable + sum accumulator over one 10M-row column).
 */
import { groupByData } from '../data/kernel-data.js';
import { arqueroTable, groupBySum as arqueroGroupBySum } from '../peers/arquero.js';
import * as js from '../peers/plain-js.js';
import {
  type BenchmarkGroup,
  type KernelBenchmark,
  type SuiteContext,
  compareArrays,
  erase,
} from './common.js';
import { importKindling, loadBatch } from './kindling.js';
import { kindlingDataFrame } from './filter-sum.js';

/** Grouped sums ordered by key. */
type GroupSums = js.GroupSums;

/** Orders (key, sum) pairs by key. */
function byKey(ks: ArrayLike<number>, ss: ArrayLike<number>): GroupSums {
  const order = Array.from({ length: ks.length }, (_, i) => i).sort((x, y) => ks[x]! - ks[y]!);
  return { keys: Int32Array.from(order, (i) => ks[i]!), sums: Float64Array.from(order, (i) => ss[i]!) };
}

function groupByBenchmark(ctx: SuiteContext): KernelBenchmark<GroupSums> {
  const { keys, values, numKeys } = groupByData(ctx.rows, ctx.seed + 1);
  const n = keys.length;
  return {
    name: 'group-by-sum',
    group: 'group-by',
    title: `SELECT k, sum(v) GROUP BY k over ${n.toLocaleString('en-US')} rows, ${numKeys} int32 keys, float64 values`,
    rows: n,
    throughput: { unit: 'rows/s' },
    compare: (a, b) => compareArrays('keys', a.keys, b.keys) ?? compareArrays('sums', a.sums, b.sums, true),
    engines: [
      {
        engine: 'Kindling',
        note: "df.groupBy('k').agg(sum('v')) through the engine, 65,536-row batches (HashAggregate: direct-mapped keys fused with the sum)",
        async prepare() {
          const F = await importKindling('src/api/functions.ts', () => import('../../src/api/functions.js'), []);
          const { runtime } = await import('../../src/wasm/runtime.js');
          const { df, release } = await kindlingDataFrame({ k: keys, v: values });
          const query = df.groupBy('k').agg(F.sum('v').alias('s'));
          const exec = async (collect: boolean): Promise<GroupSums> => {
            const ks: number[] = [];
            const ss: number[] = [];
            const mem = runtime().memory;
            for await (const b of query.executeBatches()) {
              if (collect) {
                if (b.column(0).nullCount > 0 || b.column(1).nullCount > 0) throw new Error('unexpected null key or sum');
                ks.push(...mem.i32(b.column(0).valuesPtr, b.numRows));
                ss.push(...mem.f64(b.column(1).valuesPtr, b.numRows));
              }
              b.release();
            }
            return byKey(ks, ss);
          };
          return { async: true, run: () => exec(false), answer: () => exec(true), dispose: release };
        },
      },
      {
        engine: 'Kindling (groupBy kernel)',
        note: 'one call of groupBy([k], [sum(v)]) of src/kernels/aggregate.ts over one 10M-row batch (no planning, no operator)',
        async prepare() {
          const agg = await importKindling('src/kernels/aggregate.ts', () => import('../../src/kernels/aggregate.js'), ['aggregate']);
          const { MemoryReservation } = await import('../../src/wasm/memory.js');
          const { runtime } = await import('../../src/wasm/runtime.js');
          const batch = await loadBatch({ k: keys, v: values });
          const kCol = batch.column(0);
          const vCol = batch.column(1);
          const spec = { fn: 'sum', inputType: vCol.type, resultType: vCol.type, name: 's' } as const;
          const exec = () => agg.groupBy([kCol], [{ spec, input: vCol }], new MemoryReservation('bench group-by', 2 ** 31));
          return {
            run: () => {
              const r = exec();
              for (const c of [...r.keys, ...r.results]) c.release();
            },
            answer: (): GroupSums => {
              const r = exec();
              try {
                const mem = runtime().memory;
                const g = r.keys[0]!.length;
                if (r.keys[0]!.nullCount > 0 || r.results[0]!.nullCount > 0) throw new Error('unexpected null key or sum');
                return byKey(mem.i32(r.keys[0]!.valuesPtr, g), mem.f64(r.results[0]!.valuesPtr, g));
              } finally {
                for (const c of [...r.keys, ...r.results]) c.release();
              }
            },
            dispose: () => batch.release(),
          };
        },
      },
      {
        engine: 'plain JS (Map)',
        note: 'Map<key, sum>',
        prepare: () => ({
          run: () => js.groupBySumMap(keys, values),
          answer: () => js.groupBySumMap(keys, values),
          dispose: () => {},
        }),
      },
      {
        engine: 'plain JS (typed array)',
        note: 'Float64Array indexed by key (only valid for dense small keys)',
        prepare: () => ({
          run: () => js.groupBySumDense(keys, values, numKeys),
          answer: () => js.groupBySumDense(keys, values, numKeys),
          dispose: () => {},
        }),
      },
      {
        engine: 'DuckDB-Wasm',
        note: 'SELECT k, sum(v) FROM t GROUP BY k',
        async prepare() {
          const db = await ctx.duckdb();
          db.load('groupby_t', { k: keys, v: values });
          const exec = (): GroupSums => {
            const r = db.query('SELECT k, sum(v) AS s FROM groupby_t GROUP BY k');
            return byKey(Int32Array.from(r.k as ArrayLike<number>), r.s as ArrayLike<number>);
          };
          return { run: exec, answer: exec, dispose: () => db.drop('groupby_t') };
        },
      },
      {
        engine: 'Arquero',
        note: "groupby('k').rollup({ s: op.sum('v') })",
        prepare() {
          const t = arqueroTable({ k: keys, v: values });
          return { run: () => arqueroGroupBySum(t), answer: () => arqueroGroupBySum(t), dispose: () => {} };
        },
      },
    ],
  };
}

/** Group 1: group-by sum. */
export const groupByGroup: BenchmarkGroup = {
  name: 'group-by',
  benchmarks: [{ name: 'group-by-sum', create: (ctx) => erase(groupByBenchmark(ctx)) }],
};
