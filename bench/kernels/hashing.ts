/**
 * Group 4: the shuffle and join building blocks. Hash of an int64 column, hash partition into 8
 * buckets, take by a selection vector, and a hash join (count of matches).
 */
import { randomInt64, joinData, joinBuildRows, takeData } from '../data/kernel-data.js';
import * as js from '../peers/plain-js.js';
import {
  type BenchmarkGroup,
  type KernelBenchmark,
  type SuiteContext,
  compareArrays,
  erase,
  reusable,
} from './common.js';
import { importKindling, loadBatch } from './kindling.js';

const PARTITIONS = 8;

/** Partitioned keys: offsets (PARTITIONS + 1) and the keys of each partition in input order. */
interface Partitioned {
  readonly offsets: Int32Array;
  readonly keys: BigInt64Array;
}

function hashBenchmark(ctx: SuiteContext): KernelBenchmark<BigUint64Array> {
  const keys = randomInt64(ctx.rows, ctx.seed + 3);
  const n = keys.length;
  return {
    name: 'hash-int64',
    group: 'hashing',
    title: `xxHash64 of ${n.toLocaleString('en-US')} int64 values (the engine's hash, assembly/lib/hash.ts)`,
    rows: n,
    throughput: { unit: 'rows/s' },
    compare: (a, b) => compareArrays('hash', a, b),
    engines: [
      {
        engine: 'Kindling',
        note: 'hashColumns([int64 column]) -> u64 buffer',
        async prepare() {
          const h = await importKindling('src/kernels/hash.ts', () => import('../../src/kernels/hash.js'), ['hash']);
          const batch = await loadBatch({ k: keys });
          const col = batch.column(0);
          return {
            run: () => h.hashColumns([col], n).release(),
            answer: () => {
              const buf = h.hashColumns([col], n);
              try {
                return new BigUint64Array(buf.bytes().slice(0, n * 8).buffer);
              } finally {
                buf.release();
              }
            },
            dispose: () => batch.release(),
          };
        },
      },
      {
        engine: 'plain JS',
        note: 'the same xxHash64 round on 32-bit halves (BigInt is far slower)',
        prepare() {
          const out = new Uint32Array(n * 2);
          return {
            run: () => js.hashInt64(keys, out),
            answer: () => new BigUint64Array(js.hashInt64(keys).buffer),
            dispose: () => {},
          };
        },
      },
    ],
  };
}

/** Plain-JS hash partitioning with Kindling's partition rule: (high 32 bits of the hash * p) >> 32. */
function partitionJs(keys: BigInt64Array, hashes: Uint32Array): Partitioned {
  const n = keys.length;
  const part = new Uint8Array(n);
  const counts = new Int32Array(PARTITIONS);
  for (let i = 0; i < n; i++) {
    const p = Math.floor((hashes[2 * i + 1]! * PARTITIONS) / 4294967296);
    part[i] = p;
    counts[p]!++;
  }
  const offsets = new Int32Array(PARTITIONS + 1);
  for (let p = 0; p < PARTITIONS; p++) offsets[p + 1] = offsets[p]! + counts[p]!;
  const cursor = offsets.slice(0, PARTITIONS);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[cursor[part[i]!]!++] = keys[i]!;
  return { offsets, keys: out };
}

function partitionBenchmark(ctx: SuiteContext): KernelBenchmark<Partitioned> {
  const keys = randomInt64(ctx.rows, ctx.seed + 3);
  const n = keys.length;
  return {
    name: 'hash-partition',
    group: 'hashing',
    title: `hash partition of ${n.toLocaleString('en-US')} int64 keys into ${PARTITIONS} buckets (hash, count, scatter, gather)`,
    rows: n,
    throughput: { unit: 'rows/s' },
    compare: (a, b) => compareArrays('offsets', a.offsets, b.offsets) ?? compareArrays('partitioned keys', a.keys, b.keys),
    engines: [
      {
        engine: 'Kindling',
        note: `hashPartition(batch, [0], ${PARTITIONS}) -> ${PARTITIONS} batches`,
        async prepare() {
          const p = await importKindling('src/kernels/partition.ts', () => import('../../src/kernels/partition.js'), [
            'hash',
            'partition',
            'take',
          ]);
          const { runtime } = await import('../../src/wasm/runtime.js');
          const batch = await loadBatch({ k: keys });
          return {
            run: () => {
              for (const b of p.hashPartition(batch, [0], PARTITIONS)) b.release();
            },
            answer: () => {
              const parts = p.hashPartition(batch, [0], PARTITIONS);
              const offsets = new Int32Array(PARTITIONS + 1);
              const out = new BigInt64Array(n);
              const mem = runtime().memory;
              parts.forEach((b, i) => {
                offsets[i + 1] = offsets[i]! + b.numRows;
                if (b.numRows > 0) out.set(mem.i64(b.column(0).valuesPtr, b.numRows), offsets[i]!);
                b.release();
              });
              return { offsets, keys: out };
            },
            dispose: () => batch.release(),
          };
        },
      },
      {
        engine: 'plain JS',
        note: 'JS xxHash64, then count + scatter with typed arrays',
        prepare() {
          const hashes = new Uint32Array(n * 2);
          return reusable(() => partitionJs(keys, js.hashInt64(keys, hashes)));
        },
      },
    ],
  };
}

function takeBenchmark(ctx: SuiteContext): KernelBenchmark<Float64Array> {
  const rows = ctx.rows;
  const { values, selection } = takeData(rows, ctx.seed + 5);
  const m = selection.length;
  return {
    name: 'take',
    group: 'hashing',
    title: `take (gather) of ${m.toLocaleString('en-US')} float64 values by an ascending int32 selection over ${rows.toLocaleString('en-US')} rows`,
    rows: m,
    throughput: { unit: 'rows/s' },
    compare: (a, b) => compareArrays('taken', a, b),
    engines: [
      {
        engine: 'Kindling',
        note: 'takeColumn(float64 column, selection in wasm memory)',
        async prepare() {
          const t = await importKindling('src/kernels/take.ts', () => import('../../src/kernels/take.js'), ['take']);
          const { runtime } = await import('../../src/wasm/runtime.js');
          const batch = await loadBatch({ v: values });
          const sel = runtime().allocate(Math.max(1, m) * 4);
          runtime().memory.i32(sel.ptr, m).set(selection);
          const col = batch.column(0);
          return {
            run: () => t.takeColumn(col, sel, m).release(),
            answer: () => {
              const c = t.takeColumn(col, sel, m);
              try {
                return runtime().memory.f64(c.valuesPtr, m).slice();
              } finally {
                c.release();
              }
            },
            dispose: () => {
              sel.release();
              batch.release();
            },
          };
        },
      },
      {
        engine: 'plain JS',
        note: 'out[i] = v[sel[i]]',
        prepare: () => reusable(() => js.take(values, selection)),
      },
    ],
  };
}

function joinBenchmark(ctx: SuiteContext): KernelBenchmark<number> {
  const buildRows = joinBuildRows(ctx.rows);
  const { build, probe } = joinData(buildRows, ctx.rows, ctx.seed + 4);
  return {
    name: 'hash-join',
    group: 'hashing',
    title:
      `inner hash join, ${buildRows.toLocaleString('en-US')} unique int32 build keys x ` +
      `${ctx.rows.toLocaleString('en-US')} int32 probe keys, count of matches (rows/s counts probe rows)`,
    rows: ctx.rows,
    throughput: { unit: 'rows/s' },
    compare: (a, b) => (a === b ? null : `count = ${b}, expected ${a}`),
    engines: [
      {
        engine: 'Kindling',
        note: 'JoinBuildTable (build) + probe + expand to (probe, build) pairs in 65,536-pair chunks, counting pairs',
        async prepare() {
          const j = await importKindling('src/kernels/join.ts', () => import('../../src/kernels/join.js'), ['join', 'aggregate']);
          const { MemoryReservation } = await import('../../src/wasm/memory.js');
          const { runtime } = await import('../../src/wasm/runtime.js');
          const buildBatch = await loadBatch({ k: build });
          const probeBatch = await loadBatch({ k: probe });
          const exec = (): number => {
            const rt = runtime();
            const table = new j.JoinBuildTable([buildBatch.column(0)], buildRows, new MemoryReservation('bench hash-join', 2 ** 31));
            const cursor = new j.ExpandCursor(rt.memory);
            const n = probeBatch.numRows;
            const cap = 65_536;
            const gids = rt.allocate(Math.max(1, n) * 4);
            const outProbe = rt.allocate(cap * 4);
            const outBuild = rt.allocate(cap * 4);
            try {
              table.probe([probeBatch.column(0)], n, gids.ptr);
              let count = 0;
              for (let c = table.expand(gids.ptr, n, cursor, cap, outProbe.ptr, outBuild.ptr); c > 0; ) {
                count += c;
                c = table.expand(gids.ptr, n, cursor, cap, outProbe.ptr, outBuild.ptr);
              }
              return count;
            } finally {
              for (const b of [gids, outProbe, outBuild]) b.release();
              cursor.release();
              table.release();
            }
          };
          return {
            run: exec,
            answer: exec,
            dispose: () => {
              buildBatch.release();
              probeBatch.release();
            },
          };
        },
      },
      {
        engine: 'plain JS',
        note: 'Map<key, count> build, probe loop',
        prepare: () => reusable(() => js.hashJoinCount(build, probe)),
      },
      {
        engine: 'DuckDB-Wasm',
        note: 'SELECT count(*) FROM probe p JOIN build b ON p.k = b.k',
        async prepare() {
          const db = await ctx.duckdb();
          db.load('join_build', { k: build });
          db.load('join_probe', { k: probe });
          const sql = 'SELECT count(*) AS c FROM join_probe p JOIN join_build b ON p.k = b.k';
          return {
            run: () => db.scalar(sql),
            answer: () => db.scalar(sql),
            dispose: () => {
              db.drop('join_build');
              db.drop('join_probe');
            },
          };
        },
      },
    ],
  };
}

/** Group 4: hash, partition, take, join. */
export const hashingGroup: BenchmarkGroup = {
  name: 'hashing',
  benchmarks: [
    { name: 'hash-int64', create: (ctx) => erase(hashBenchmark(ctx)) },
    { name: 'hash-partition', create: (ctx) => erase(partitionBenchmark(ctx)) },
    { name: 'take', create: (ctx) => erase(takeBenchmark(ctx)) },
    { name: 'hash-join', create: (ctx) => erase(joinBenchmark(ctx)) },
  ],
};
