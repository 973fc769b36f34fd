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
  NotAvailableError,
} from './common.js';

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
        prepare: () => {
          throw new NotAvailableError('no grouped-aggregation API (src/kernels/aggregate.ts / HashAggregateExec) yet');
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
