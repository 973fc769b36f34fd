/**
 * The HyperLogLog++ kernels (assembly/hll.ts) against a BigInt / plain TypeScript reference of
 * Spark's HyperLogLogPlusPlusHelper and XxHash64 (seed 42), and against estimates printed by Spark 4.
 */
import { describe, expect, it } from 'vitest';
import { DataTypes, type DataType } from '../src/types/data-type.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { MemoryReservation } from '../src/wasm/memory.js';
import { HllAccumulator, hashForHll, hllPrecision, hllWords, mergeRegisters, estimateColumn } from '../src/kernels/hll.js';
import { HLL_BIASES, HLL_RAW_ESTIMATES, HLL_THRESHOLDS } from '../src/kernels/hll-tables.js';
import { mulberry32 } from './support.js';

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M64;
const mul = (a: bigint, b: bigint) => (a * b) & M64;
const add = (a: bigint, b: bigint) => (a + b) & M64;
const fmix = (h: bigint) => {
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  return h ^ (h >> 32n);
};
const SEED = 42n;
const refInt = (v: number) => fmix(add(mul(rotl((add(SEED, add(P5, 4n)) ^ mul(BigInt(v >>> 0), P1)), 23n), P2), P3));
const refLong = (v: bigint) => fmix(add(mul(rotl(add(SEED, add(P5, 8n)) ^ mul(rotl(mul(BigInt.asUintN(64, v), P2), 31n), P1), 27n), P1), P4));
function refBytes(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = b.byteLength;
  let p = 0;
  let h: bigint;
  const round = (acc: bigint, x: bigint) => mul(rotl(add(acc, mul(x, P2)), 31n), P1);
  if (len >= 32) {
    let v1 = add(SEED, add(P1, P2));
    let v2 = add(SEED, P2);
    let v3 = SEED;
    let v4 = (SEED - P1) & M64;
    while (p + 32 <= len) {
      v1 = round(v1, dv.getBigUint64(p, true));
      v2 = round(v2, dv.getBigUint64(p + 8, true));
      v3 = round(v3, dv.getBigUint64(p + 16, true));
      v4 = round(v4, dv.getBigUint64(p + 24, true));
      p += 32;
    }
    h = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
    for (const v of [v1, v2, v3, v4]) h = add(mul(h ^ round(0n, v), P1), P4);
  } else h = add(SEED, P5);
  h = add(h, BigInt(len));
  for (; p + 8 <= len; p += 8) h = add(mul(rotl(h ^ mul(rotl(mul(dv.getBigUint64(p, true), P2), 31n), P1), 27n), P1), P4);
  if (p + 4 <= len) {
    h = add(mul(rotl(h ^ mul(BigInt(dv.getUint32(p, true)), P1), 23n), P2), P3);
    p += 4;
  }
  for (; p < len; p++) h = mul(rotl(h ^ mul(BigInt(b[p]!), P5), 11n), P1);
  return fmix(h);
}
const refDouble = (d: number) => {
  const f = new Float64Array([Number.isNaN(d) ? NaN : d === 0 ? 0 : d]);
  return refLong(new BigInt64Array(f.buffer)[0]!);
};

/** Spark's HLL++ (plain TypeScript): registers then query. */
function refEstimate(hashes: readonly bigint[], p: number): number {
  const m = 1 << p;
  const regs = new Array<number>(m).fill(0);
  for (const x of hashes) {
    const idx = Number(x >> BigInt(64 - p));
    const w = ((x << BigInt(p)) & M64) | (1n << BigInt(p - 1));
    const pw = 64 - w.toString(2).length + 1;
    regs[idx] = Math.max(regs[idx]!, pw);
  }
  let zInverse = 0;
  let V = 0;
  for (const r of regs) {
    zInverse += 1 / 2 ** r;
    if (r === 0) V++;
  }
  const alpha = p === 4 ? 0.673 : p === 5 ? 0.697 : p === 6 ? 0.709 : 0.7213 / (1 + 1.079 / m);
  const E = (alpha * m * m) / zInverse;
  const bias = (e: number) => {
    const raw = HLL_RAW_ESTIMATES[p - 4]!;
    let i = raw.findIndex((v) => v >= e);
    if (i < 0) i = raw.length;
    let low = Math.max(i - 5, 0);
    let high = Math.min(low + 6, raw.length);
    while (high < raw.length && (e - raw[high]!) ** 2 < (e - raw[low]!) ** 2) {
      low++;
      high++;
    }
    return HLL_BIASES[p - 4]!.slice(low, high).reduce((s, v) => s + v, 0) / (high - low);
  };
  const corrected = p < 19 && E < 5 * m ? E - bias(E) : E;
  let est = corrected;
  if (V > 0) {
    const H = m * Math.log(m / V);
    if ((p < 19 && H <= HLL_THRESHOLDS[p - 4]!) || E <= 2.5 * m) est = H;
  }
  return Math.floor(est + 0.5);
}

function hashesOf(type: DataType, values: unknown[]): bigint[] {
  const c = columnFromJs(type, values);
  try {
    return runtime().withScratch(Math.max(1, values.length) * 8, (p) => {
      hashForHll({ type: c.type, valuesPtr: c.valuesPtr, validityPtr: 0, offsetsPtr: c.offsetsPtr }, values.length, p);
      return [...runtime().memory.i64(p, values.length)].map((v) => BigInt.asUintN(64, v));
    });
  } finally {
    c.release();
  }
}

/** approx_count_distinct of one group through the accumulator. */
function estimate(type: DataType, values: unknown[], rsd: number | null, batches = 1): number {
  const acc = new HllAccumulator(runtime().memory, new MemoryReservation('test', 1 << 30), true, rsd);
  try {
    acc.grow(1);
    const per = Math.ceil(values.length / batches) || 1;
    for (let s = 0; s < values.length || s === 0; s += per) {
      const part = values.slice(s, s + per);
      const c = columnFromJs(type, part);
      try {
        acc.update(c, 0, part.length, 1);
      } finally {
        c.release();
      }
      if (values.length === 0) break;
    }
    const out = acc.finish(0, 1);
    try {
      return Number(columnToJs(out)[0]);
    } finally {
      out.release();
    }
  } finally {
    acc.release();
  }
}

describe('Spark XxHash64 (seed 42)', () => {
  it('ints, longs, doubles (-0.0, NaN normalised) and UTF-8 strings of every length class', () => {
    const rnd = mulberry32(11);
    const ints = [0, 1, -1, 2147483647, -2147483648, ...Array.from({ length: 40 }, () => Math.floor((rnd() - 0.5) * 2 ** 32))];
    expect(hashesOf(DataTypes.Integer, ints)).toEqual(ints.map(refInt));
    const longs = [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), ...Array.from({ length: 40 }, () => BigInt(Math.floor((rnd() - 0.5) * 2 ** 53)))];
    expect(hashesOf(DataTypes.Long, longs)).toEqual(longs.map(refLong));
    const doubles = [0, -0, NaN, Infinity, -Infinity, 1.5, ...Array.from({ length: 40 }, () => (rnd() - 0.5) * 1e6)];
    expect(hashesOf(DataTypes.Double, doubles)).toEqual(doubles.map(refDouble));
    expect(hashesOf(DataTypes.Double, [-0])[0]).toBe(hashesOf(DataTypes.Double, [0])[0]);
    const strings = ['', 'a', 'abc', 'abcd', 'é', '日本語', '🎯', 'x'.repeat(7), 'y'.repeat(31), 'z'.repeat(32), 'é日🎯'.repeat(9), 'w'.repeat(100)];
    expect(hashesOf(DataTypes.String, strings)).toEqual(strings.map((s) => refBytes(new TextEncoder().encode(s))));
 
    // Values of Spark 4's xxhash64(...) (same function and seed).
    const signed = (xs: bigint[]) => xs.map((x) => BigInt.asIntN(64, x));
    expect(signed(hashesOf(DataTypes.Integer, [0, -1, -2147483648]))).toEqual([3614696996920510707n, 2017008487422258757n, 2073849959933241805n]);
    expect(signed(hashesOf(DataTypes.Long, [0n, -1n]))).toEqual([-5252525462095825812n, 3858142552250413010n]);
    expect(signed(hashesOf(DataTypes.Double, [0, -0]))).toEqual([-5252525462095825812n, -5252525462095825812n]);
    expect(signed(hashesOf(DataTypes.String, ['abc', '', 'z'.repeat(34)]))).toEqual([1423657621850124518n, -7444071767201028348n, -2579092453814943794n]);
  });
});

describe('HyperLogLog++ (Spark)', () => {
  it('precision from the relative standard deviation (Spark: p = ceil(2 log2(1.106 / rsd)))', () => {
    expect(hllPrecision(0.05)).toBe(9);
    expect(hllPrecision(0.01)).toBe(14);
    expect(hllPrecision(0.39)).toBe(4);
    expect(() => hllPrecision(0.5)).toThrow(/at most 0.39/);
    expect(hllWords(9)).toBe(52);
  });

  it('the estimates Spark 4 prints: range(100000) -> 95546 (rsd 0.05) and 100425 (rsd 0.01)', () => {
    const ids = Array.from({ length: 100000 }, (_, i) => BigInt(i));
    expect(estimate(DataTypes.Long, ids, null, 3)).toBe(95546);
    expect(estimate(DataTypes.Long, ids, 0.01, 1)).toBe(100425);
    // SELECT approx_count_distinct(cast(id AS int)), (... AS double), (... AS string), (date_add(DATE'2020-01-01', id)) FROM range(1000)
    const k = Array.from({ length: 1000 }, (_, i) => i);
    expect(estimate(DataTypes.Integer, k, null)).toBe(1026);
    expect(estimate(DataTypes.Double, k, null)).toBe(1115);
    expect(estimate(DataTypes.String, k.map(String), null)).toBe(1034);
    expect(estimate(DataTypes.Date, k.map((i) => new Date(Date.UTC(2020, 0, 1 + i))), null)).toBe(1004);
    expect(estimate(DataTypes.Integer, k.map((i) => i - 500), null)).toBe(990);
  });

  it('equals the reference on random data at several precisions, small (exact) to large cardinalities, with nulls', () => {
    const rnd = mulberry32(5);
    for (const rsd of [0.39, 0.1, 0.05, 0.02]) {
      const p = hllPrecision(rsd);
      for (const distinct of [0, 1, 7, 50, 300, 5000]) {
        const vals = Array.from({ length: distinct * 2 + 3 }, (_, i) => (i % 5 === 4 ? null : Math.floor(rnd() * distinct)));
        const nonNull = [...new Set(vals.filter((v): v is number => v !== null))];
        const expected = refEstimate(nonNull.map(refInt), p);
        expect(estimate(DataTypes.Integer, vals, rsd, 4), `rsd ${rsd}, ${distinct}`).toBe(expected);
      }
    }
    const words = Array.from({ length: 700 }, (_, i) => (i % 9 === 0 ? null : `w${Math.floor(rnd() * 400)}é`));
    const distinctWords = [...new Set(words.filter((w): w is string => w !== null))];
    expect(estimate(DataTypes.String, words, null)).toBe(refEstimate(distinctWords.map((w) => refBytes(new TextEncoder().encode(w))), 9));
    expect(estimate(DataTypes.Integer, [], null)).toBe(0);
    expect(estimate(DataTypes.Integer, [null, null], null)).toBe(0);
  });

  it('merging register sets = one register set over the union (partial/final aggregation)', () => {
    const rnd = mulberry32(9);
    const p = 9;
    const words = hllWords(p);
    const mem = runtime().memory;
    const a = Array.from({ length: 3000 }, () => Math.floor(rnd() * 100000));
    const b = Array.from({ length: 3000 }, () => Math.floor(rnd() * 100000));
    const fill = (vals: number[], ptr: number) => {
      const acc = new HllAccumulator(mem, new MemoryReservation('test', 1 << 30), true, 0.05);
      acc.grow(1);
      const c = columnFromJs(DataTypes.Integer, vals);
      acc.update(c, 0, vals.length, 1);
      c.release();
      // Read back the registers through a one-group merge into `ptr`.
      const regs = (acc as unknown as { regs: { ptr: number } }).regs.ptr;
      mem.u8(ptr, words * 8).set(mem.u8(regs, words * 8));
      acc.release();
    };
    runtime().withScratch(words * 16, (ptr) => {
      mem.u8(ptr, words * 16).fill(0);
      fill(a, ptr);
      fill(b, ptr + words * 8);
      mergeRegisters(ptr, ptr + words * 8, 0, 1, p);
      const out = estimateColumn(ptr, 0, 1, p);
      expect(Number(columnToJs(out)[0])).toBe(refEstimate([...new Set([...a, ...b])].map(refInt), p));
      out.release();
    });
  });

  it('releases its registers', () => {
    const mem = runtime().memory;
    const before = mem.liveBytes;
    estimate(DataTypes.Integer, [1, 2, 3], null);
    expect(mem.liveBytes - before).toBeLessThanOrEqual(4096); // the bias tables stay cached per memory
  });
});
