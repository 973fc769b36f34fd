/**
 * Seeded randomness of the TPC-H generator.
 *
 * Every column has its own counter-based stream: a value is a hash of (seed, table, column, draw)
 * and the row index, so any row can be generated on its own. A table's values therefore do not
 * depend on the batch size, on the order in which chunks are generated, or on other columns
 * (dbgen gets the same property from one seeded stream per column plus skip-ahead; hashing the row
 * index is simpler and as fast in JavaScript). The hash is MurmurHash3's 32-bit mixing of two
 * 32-bit words (Austin Appleby, MurmurHash3_x86_32, public domain).
 *
 * The text pool (text.ts) is filled once, sequentially, from `SequentialRandom` (mulberry32).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3_x86_32 of the 8 bytes (lo, hi) with the given 32-bit seed. */
export function murmur2x32(seed: number, lo: number, hi: number): number {
  let h = seed | 0;
  let k = Math.imul(lo | 0, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  k = Math.imul(hi | 0, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 8;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a hash of a string (stream names), 32 bits. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const TWO32 = 4294967296;

/**
 * One column's random stream: `u32(row, draw)` is a pure function of the seed, the stream name,
 * the row index (a non-negative integer below 2^53) and the draw number (for cells that need
 * several values, e.g. five distinct colors).
 */
export class Stream {
  private readonly key: number;

  /** A stream named `name` (conventionally `table.column[.purpose]`) under `seed`. */
  constructor(seed: number, name: string) {
    this.key = murmur2x32(fnv1a(name), seed >>> 0, Math.floor(seed / TWO32) | 0);
  }

  /** A uniform 32-bit unsigned value for `row` and `draw`. */
  u32(row: number, draw = 0): number {
    const seed = draw === 0 ? this.key : murmur2x32(this.key, draw, 0x5bd1e995);
    return murmur2x32(seed, row >>> 0, Math.floor(row / TWO32));
  }

  /** A uniform integer in [lo, hi] (inclusive, hi - lo < 2^32). */
  int(row: number, lo: number, hi: number, draw = 0): number {
    return lo + Math.floor((this.u32(row, draw) * (hi - lo + 1)) / TWO32);
  }
}

/** A sequential seeded generator (mulberry32) for data that is generated once, in order. */
export class SequentialRandom {
  private s: number;

  /** A generator for `seed`. */
  constructor(seed: number) {
    this.s = murmur2x32(0x7e7, seed >>> 0, Math.floor(seed / TWO32) | 0);
  }

  /** A uniform 32-bit unsigned value. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.u32() * (hi - lo + 1)) / TWO32);
  }
}

/** A weighted list (dbgen's "distribution"): values with integer weights, picked by a uniform draw. */
export class Distribution<T> {
  /** The values in list order. */
  readonly values: readonly T[];
  private readonly cumulative: Int32Array;
  /** Sum of the weights. */
  readonly total: number;

  /** A distribution of `[value, weight]` pairs (weights positive integers). */
  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map((e) => e[0]);
    this.cumulative = new Int32Array(entries.length);
    let acc = 0;
    entries.forEach(([, w], i) => (this.cumulative[i] = acc += w));
    this.total = acc;
  }

  /** The index whose cumulative weight first exceeds `u32 * total / 2^32`. */
  index(u32: number): number {
    const x = Math.floor((u32 * this.total) / TWO32);
    const c = this.cumulative;
    let i = 0;
    while (c[i]! <= x) i++;
    return i;
  }
}
