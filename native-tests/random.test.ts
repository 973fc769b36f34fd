/**
 * The random kernels (assembly/random.ts) against a BigInt reference of Spark's XORShiftRandom
 * (hashSeed = Scala MurmurHash3.bytesHash of the seed's big-endian bytes; next(bits) xorshift
 * 21/35/4; java.util.Random.nextDouble) and against sequences printed by Apache Spark 4.
 */
import { describe, expect, it } from 'vitest';
import { XorShiftRandom, hashSeed } from '../src/kernels/random.js';
import { columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { kernelFn } from '../src/kernels/common.js';
import { mulberry32 } from './support.js';

const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;
const rotl32 = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M32;
const mul32 = (a: bigint, b: bigint) => (a * b) & M32;

/** Scala's MurmurHash3.bytesHash of 8 bytes (reference, BigInt arithmetic). */
function refBytesHash(bytes: number[], seed: bigint): bigint {
  let h = seed & M32;
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    let k = BigInt(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16)) | (BigInt(bytes[i + 3]!) << 24n);
    k = mul32(k, 0xcc9e2d51n);
    k = rotl32(k, 15n);
    k = mul32(k, 0x1b873593n);
    h ^= k;
    h = rotl32(h, 13n);
    h = (mul32(h, 5n) + 0xe6546b64n) & M32;
  }
  h ^= BigInt(bytes.length);
  h ^= h >> 16n;
  h = mul32(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul32(h, 0xc2b2ae35n);
  h ^= h >> 16n;
  return h;
}

function refHashSeed(seed: bigint): bigint {
  const u = BigInt.asUintN(64, seed);
  const bytes = Array.from({ length: 8 }, (_, i) => Number((u >> BigInt(56 - 8 * i)) & 0xffn));
  const lo = refBytesHash(bytes, 0x3c074a61n);
  const hi = refBytesHash(bytes, lo);
  return BigInt.asIntN(64, (hi << 32n) | lo);
}

/** XORShiftRandom.nextDouble stream (reference). */
function refDoubles(seed: bigint, n: number): number[] {
  let s = BigInt.asUintN(64, refHashSeed(seed));
  const next = (bits: bigint): bigint => {
    s ^= (s << 21n) & M64;
    s ^= s >> 35n;
    s ^= (s << 4n) & M64;
    return s & ((1n << bits) - 1n);
  };
  return Array.from({ length: n }, () => Number((next(26n) << 27n) + next(27n)) * 2 ** -53);
}

describe('XORShiftRandom (Spark)', () => {
  it('hashSeed matches the MurmurHash3 reference for random and edge seeds', () => {
    const rnd = mulberry32(7);
    const seeds = [0n, 1n, -1n, 42n, 2n ** 63n - 1n, -(2n ** 63n), ...Array.from({ length: 50 }, () => BigInt(Math.floor((rnd() - 0.5) * 2 ** 53)))];
    for (const s of seeds) expect(hashSeed(s), String(s)).toBe(refHashSeed(s));
  });

  it('rand(seed): the doubles of Spark 4 for seeds 0 and 1, and the reference stream across batches', () => {
    const r0 = new XorShiftRandom(0n);
    const a = r0.doubles(4);
    const b = r0.doubles(2);
    expect([...(columnToJs(a) as number[]), ...(columnToJs(b) as number[])]).toEqual([
      0.7604953758285915, 0.5234194256885571, 0.0953472826424725, 0.3163249920547614, 0.7141011170991605, 0.2710259815484829,
    ]);
    a.release();
    b.release();
    r0.release();
    const r1 = new XorShiftRandom(1n);
    const c = r1.doubles(2);
    expect(columnToJs(c)).toEqual([0.6363787615254752, 0.5993846534021868]);
    c.release();
    r1.release();
    for (const seed of [3n, -17n, 123456789012n]) {
      const r = new XorShiftRandom(seed);
      const parts = [0, 1, 7, 17, 100].map((n) => r.doubles(n));
      expect(parts.flatMap((p) => columnToJs(p) as number[])).toEqual(refDoubles(seed, 125));
      parts.forEach((p) => p.release());
      r.release();
    }
  });

  it('randn(seed): the gaussians of Spark 4 for seed 0 (polar method, StrictMath.log)', () => {
    const r = new XorShiftRandom(0n);
    const g = r.gaussians(5);
    expect(columnToJs(g)).toEqual([1.6034991609278433, 0.14416006165776865, -0.6253564498627744, -0.28385414448030416, 0.9333495004884642]);
    g.release();
    r.release();
  });

  it('fdlibm log is within one ulp of Math.log (and exact at powers of two)', () => {
    const rnd = mulberry32(3);
    const xs = [1, 2, 0.5, 1e-300, 5e-324, 1e300, 0.999999, 1.000001, ...Array.from({ length: 200 }, () => rnd() * 10 ** Math.floor(rnd() * 20 - 10))];
    const got = runtime().withScratch(xs.length * 16, (p) => {
      runtime().memory.f64(p, xs.length).set(xs);
      kernelFn('random', 'fdlibm_log')(p, xs.length, p + xs.length * 8);
      return [...runtime().memory.f64(p + xs.length * 8, xs.length)];
    });
    xs.forEach((x, i) => {
      const ref = Math.log(x);
      expect(Math.abs(got[i]! - ref), `log(${x})`).toBeLessThanOrEqual(Math.abs(ref) * 2.3e-16);
    });
    expect(got[0]).toBe(0);
    expect(got[1]).toBe(Math.LN2);
  });

  it('releases its state', () => {
    const mem = runtime().memory;
    const before = mem.liveBytes;
    const r = new XorShiftRandom(9n);
    r.doubles(10).release();
    r.release();
    expect(mem.liveBytes).toBe(before);
  });
});
