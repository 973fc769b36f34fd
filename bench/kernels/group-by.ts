/**
 * Group 1: group-by sum over 100 int32 keys (int32 key, float64 value).
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
import { importKindling, loadBatch, loadBatches } from './kindling.js';

/** Grouped sums ordered by key. */
type GroupSums = js.GroupSums;

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
        note: 'groupBy([k], [sum(v)]) of src/kernels/aggregate.ts (KeyTable + sum accumulator)',
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
                const ks = mem.i32(r.keys[0]!.valuesPtr, g).slice();
                const ss = mem.f64(r.results[0]!.valuesPtr, g).slice();
                const order = Array.from(ks.keys()).sort((x, y) => ks[x]! - ks[y]!);
                return { keys: Int32Array.from(order, (i) => ks[i]!), sums: Float64Array.from(order, (i) => ss[i]!) };
              } finally {
                for (const c of [...r.keys, ...r.results]) c.release();
              }
            },
            dispose: () => batch.release(),
          };
        },
      },
      {
        engine: 'Kindling (HashAggregateExec)',
        note: 'the operator over a MemoryScanExec of 65,536-row batches (async iteration included)',
        async prepare() {
          const [{ HashAggregateExec }, { MemoryScanExec }, config] = await Promise.all([
            importKindling('src/exec/hash-aggregate-exec.ts', () => import('../../src/exec/hash-aggregate-exec.js'), ['aggregate']),
            importKindling('src/exec/memory-scan-exec.ts', () => import('../../src/exec/memory-scan-exec.js'), []),
            importKindling('src/api/config.ts', () => import('../../src/api/config.js'), []),
          ]);
          const { runtime } = await import('../../src/wasm/runtime.js');
          const batchSize = config.DEFAULT_BATCH_SIZE;
          const batches = await loadBatches({ k: keys, v: values }, batchSize);
          const schema = batches[0]!.schema;
          const plan = new HashAggregateExec(new MemoryScanExec(schema, batches), [0], [
            { fn: 'sum', input: 1, name: 's', resultType: schema.fields[1]!.type },
          ]);
          const ctx = { runtime: runtime(), batchSize, operatorMemoryBudget: config.DEFAULT_OPERATOR_MEMORY };
          const exec = async (collect: boolean): Promise<GroupSums> => {
            const ks: number[] = [];
            const ss: number[] = [];
            const mem = runtime().memory;
            for await (const b of plan.execute(ctx)) {
              if (collect) {
                ks.push(...mem.i32(b.column(0).valuesPtr, b.numRows));
                ss.push(...mem.f64(b.column(1).valuesPtr, b.numRows));
              }
              b.release();
            }
            const order = Array.from(ks.keys()).sort((x, y) => ks[x]! - ks[y]!);
            return { keys: Int32Array.from(order, (i) => ks[i]!), sums: Float64Array.from(order, (i) => ss[i]!) };
          };
          return {
            async: true,
            run: () => exec(false),
            answer: () => exec(true),
            dispose: () => {
              for (const b of batches) b.release();
            },
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
            const ks = Int32Array.from(r.k as ArrayLike<number>);
            const order = Array.from(ks.keys()).sort((x, y) => ks[x]! - ks[y]!);
            const ss = r.s as ArrayLike<number>;
            return { keys: Int32Array.from(order, (i) => ks[i]!), sums: Float64Array.from(order, (i) => ss[i]!) };
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
