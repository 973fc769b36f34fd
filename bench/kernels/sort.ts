/**
 * Group 3: sorting 10M random int64 values. Kindling, DuckDB-Wasm and Arquero produce a permutation
 * (argsort); plain JS sorts the values themselves with BigInt64Array.prototype.sort. Answers are
 * compared as the sequence of values in sorted order, so ties may come in any order.
 */
import { randomInt64 } from '../data/kernel-data.js';
import { arqueroTable, argsort as arqueroArgsort } from '../peers/arquero.js';
import * as js from '../peers/plain-js.js';
import { type BenchmarkGroup, type KernelBenchmark, type SuiteContext, compareArrays, erase } from './common.js';
import { importKindling, loadBatch } from './kindling.js';

/** A sort's answer: a permutation of the input rows, or the sorted values. */
type SortAnswer = { readonly perm: ArrayLike<number> } | { readonly sorted: BigInt64Array };

function sortedValues(keys: BigInt64Array, a: SortAnswer): BigInt64Array {
  if ('sorted' in a) return a.sorted;
  const out = new BigInt64Array(a.perm.length);
  for (let i = 0; i < out.length; i++) out[i] = keys[a.perm[i]!]!;
  return out;
}

function sortBenchmark(ctx: SuiteContext): KernelBenchmark<SortAnswer> {
  const keys = randomInt64(ctx.rows, ctx.seed + 2);
  const n = keys.length;
  return {
    name: 'sort-int64',
    group: 'sort',
    title: `sort of ${n.toLocaleString('en-US')} random int64 values (argsort where the engine has one)`,
    rows: n,
    throughput: { unit: 'rows/s' },
    compare: (a, b) => {
      if ('perm' in b) {
        const seen = new Uint8Array(n);
        for (let i = 0; i < b.perm.length; i++) {
          const j = b.perm[i]!;
          if (!(j >= 0 && j < n) || seen[j]) return `the permutation repeats or leaves row ${j} at position ${i}`;
          seen[j] = 1;
        }
      }
      return compareArrays('sorted values', sortedValues(keys, a), sortedValues(keys, b));
    },
    engines: [
      {
        engine: 'Kindling',
        note: 'argsort([int64], ascending) -> int32 permutation (stable LSD radix sort)',
        async prepare() {
          const s = await importKindling('src/kernels/sort.ts', () => import('../../src/kernels/sort.js'), ['sort']);
          const { runtime } = await import('../../src/wasm/runtime.js');
          const batch = await loadBatch({ x: keys });
          const cols = [batch.column(0)];
          const sortKeys = [{ index: 0, ascending: true, nullsFirst: true }];
          return {
            run: () => s.argsort(cols, sortKeys, n).release(),
            answer: () => {
              const perm = s.argsort(cols, sortKeys, n);
              try {
                return { perm: runtime().memory.i32(perm.ptr, n).slice() };
              } finally {
                perm.release();
              }
            },
            dispose: () => batch.release(),
          };
        },
      },
      {
        engine: 'plain JS',
        note: 'BigInt64Array.prototype.sort on a copy (sorts values, not a permutation)',
        prepare: () => ({
          run: () => js.sortInt64(keys),
          answer: () => ({ sorted: js.sortInt64(keys) }),
          dispose: () => {},
        }),
      },
      {
        engine: 'DuckDB-Wasm',
        note: 'SELECT rowid::INTEGER FROM t ORDER BY x (includes the 4-byte-per-row Arrow result)',
        async prepare() {
          const db = await ctx.duckdb();
          db.load('sort_t', { x: keys });
          const sql = 'SELECT (rowid)::INTEGER AS i FROM sort_t ORDER BY x';
          return {
            run: () => db.query(sql),
            answer: () => ({ perm: db.query(sql).i as ArrayLike<number> }),
            dispose: () => db.drop('sort_t'),
          };
        },
      },
      {
        engine: 'Arquero',
        note: "table.orderby('x').indices()",
        prepare() {
          const t = arqueroTable({ x: keys });
          return {
            run: () => arqueroArgsort(t),
            answer: () => ({ perm: arqueroArgsort(t) }),
            dispose: () => {},
          };
        },
      },
    ],
  };
}

/** Group 3: sort. */
export const sortGroup: BenchmarkGroup = {
  name: 'sort',
  benchmarks: [{ name: 'sort-int64', create: (ctx) => erase(sortBenchmark(ctx)) }],
};
