import { describe, expect, it } from 'vitest';
import { hashColumns } from '../src/kernels/hash.js';
import { hashPartition, partitionIndices } from '../src/kernels/partition.js';
import { Batch } from '../src/types/batch.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { batchFromRows, batchToRows } from '../src/types/values.js';
import { WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, mulberry32, watFunctions } from './support.js';

const mem = () => runtime().memory;
/** Lemire's fastrange on the high 32 bits: the reference bucket. */
const refBucket = (h: bigint, p: number): number => Number(((h >> 32n) * BigInt(p)) >> 32n);

const schema = new Schema([field('id', DataTypes.Integer, false), field('k', DataTypes.Long), field('s', DataTypes.String)]);
function makeRows(n: number, rnd: () => number, distinctKeys: number): Record<string, unknown>[] {
  const words = ['α', 'beta', '日本', '😀x', ''];
  return Array.from({ length: n }, (_, i) => ({
    id: i,
    k: rnd() < 0.1 ? null : BigInt(Math.floor(rnd() * distinctKeys)),
    s: rnd() < 0.1 ? null : words[Math.floor(rnd() * words.length)],
  }));
}

expectNoLeaksPerTest();

describe('partition kernels', () => {
  it('partitionIndices groups rows by fastrange bucket, ascending within a bucket', () => {
    const rnd = mulberry32(3);
    for (const n of [0, 1, 3, 7, 15, 17, 1000]) {
      for (const p of [1, 2, 3, 7, 16, 1000]) {
        const hashes = new BigUint64Array(n).map(() => (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)));
        const buf = WasmBuffer.fromBytes(mem(), hashes);
        const { indices, offsets } = partitionIndices(buf, n, p);
        try {
          const got = [...mem().i32(indices.ptr, n)];
          expect(offsets.length).toBe(p + 1);
          expect(offsets[p]).toBe(n);
          const want: number[] = [];
          const wantOffsets = [0];
          for (let b = 0; b < p; b++) {
            for (let i = 0; i < n; i++) if (refBucket(hashes[i]!, p) === b) want.push(i);
            wantOffsets.push(want.length);
          }
          expect(got).toEqual(want);
          expect(offsets).toEqual(wantOffsets);
          // partition_ids agrees
          const ids = runtime().withScratch(Math.max(1, n) * 4, (out) => {
            runtime().module('partition').partition_ids!(buf.ptr, n, p, out);
            return [...mem().i32(out, n)];
          });
          expect(ids).toEqual([...hashes].map((h) => refBucket(h, p)));
        } finally {
          indices.release();
          buf.release();
        }
      }
    }
  });

  it('maps extreme hashes into range', () => {
    const hashes = new BigUint64Array([0n, (1n << 64n) - 1n, 1n << 63n, (1n << 32n) - 1n, 0xffffffff00000000n]);
    const buf = WasmBuffer.fromBytes(mem(), hashes);
    try {
      for (const p of [1, 2, 5, 0x7fffffff]) {
        const ids = runtime().withScratch(5 * 4, (out) => {
          runtime().module('partition').partition_ids!(buf.ptr, 5, p, out);
          return [...mem().i32(out, 5)];
        });
        expect(ids).toEqual([...hashes].map((h) => refBucket(h, p)));
        for (const id of ids) expect(id >= 0 && id < p).toBe(true);
      }
    } finally {
      buf.release();
    }
  });
});

describe('hashPartition', () => {
  it('puts every row in exactly one partition, equal keys together, order preserved', () => {
    const rnd = mulberry32(11);
    for (const n of [0, 1, 7, 15, 17, 1000]) {
      for (const distinct of [1, 5, 1_000_000]) {
        const rows = makeRows(n, rnd, distinct);
        const batch = batchFromRows(schema, rows);
        const parts = hashPartition(batch, [1, 2], 4);
        try {
          expect(parts.length).toBe(4);
          const seen = new Map<number, number>();
          const keyPart = new Map<string, number>();
          parts.forEach((b, p) => {
            const out = batchToRows(b);
            expect(b.schema).toBe(schema);
            let last = -1;
            for (const r of out) {
              const id = r.id as number;
              expect(id).toBeGreaterThan(last); // stable order within a partition
              last = id;
              expect(seen.has(id)).toBe(false);
              seen.set(id, p);
              expect(r).toEqual(rows[id]);
              const key = `${String(r.k)}|${String(r.s)}`;
              if (keyPart.has(key)) expect(keyPart.get(key)).toBe(p);
              keyPart.set(key, p);
            }
          });
          expect(seen.size).toBe(n);
        } finally {
          for (const b of parts) b.release();
          batch.release();
        }
      }
    }
  });

  it('uses the same buckets as hashColumns + fastrange', () => {
    const rnd = mulberry32(5);
    const rows = makeRows(300, rnd, 50);
    const batch = batchFromRows(schema, rows);
    const hashes = hashColumns([batch.column(1)], batch.numRows);
    const parts = hashPartition(batch, [1], 7);
    try {
      const h = new BigUint64Array(mem().memory.buffer, hashes.ptr, batch.numRows);
      parts.forEach((b, p) => {
        for (const r of batchToRows(b)) expect(refBucket(h[r.id as number]!, 7)).toBe(p);
      });
    } finally {
      for (const b of parts) b.release();
      hashes.release();
      batch.release();
    }
  });

  it('balances random keys across partitions', () => {
    const n = 20_000;
    const s = new Schema([field('k', DataTypes.Long)]);
    const rnd = mulberry32(99);
    const batch = batchFromRows(s, Array.from({ length: n }, () => ({ k: BigInt(Math.floor(rnd() * 2 ** 48)) })));
    // sequential keys too: a weak hash would cluster them
    const seq = batchFromRows(new Schema([field('k', DataTypes.Integer)]), Array.from({ length: n }, (_, i) => ({ k: i })));
    for (const b of [batch, seq]) {
      for (const p of [2, 8, 13]) {
        const parts = hashPartition(b, [0], p);
        try {
          const expected = n / p;
          for (const part of parts) expect(Math.abs(part.numRows - expected)).toBeLessThan(expected * 0.1);
        } finally {
          for (const part of parts) part.release();
        }
      }
    }
    batch.release();
    seq.release();
  });

  it('passes the batch through for one partition or when all rows share a partition', () => {
    const batch = batchFromRows(schema, makeRows(50, mulberry32(1), 1).map((r) => ({ ...r, k: 7n, s: 'same' })));
    const one = hashPartition(batch, [1], 1);
    const same = hashPartition(batch, [1, 2], 5);
    try {
      expect(one).toEqual([batch]);
      expect(same.filter((b) => b === batch).length).toBe(1);
      expect(same.filter((b) => b !== batch).every((b) => b.numRows === 0)).toBe(true);
    } finally {
      for (const b of [...one, ...same]) b.release();
      batch.release();
    }
  });

  it('rejects bad arguments', () => {
    const batch = new Batch(new Schema([]), [], 0);
    expect(() => hashPartition(batch, [], 0)).toThrow(/positive integer/);
    expect(() => hashPartition(batch, [0], 2)).toThrow(/key column index 0/);
  });
});

describe('partition.wat', () => {
  it('computes buckets with a SIMD 32x32->64 multiply', () => {
    const body = watFunctions('partition');
    for (const name of ['partition_counts', 'partition_scatter', 'partition_ids']) {
      expect(body(name)).toContain('i64x2.extmul_low_i32x4_u');
    }
  });
});
