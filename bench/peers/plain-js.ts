/**
 * The plain-JavaScript peer: what a careful programmer writes by hand with typed arrays, Map and
 * the built-in sort. It doubles as the reference answer when a Kindling kernel is not available.
 */

/** Result of a grouped sum, ordered by key. */
export interface GroupSums {
  readonly keys: Int32Array;
  readonly sums: Float64Array;
}

/** group-by sum with a Map from key to running sum (works for any key set). */
export function groupBySumMap(keys: Int32Array, values: Float64Array): GroupSums {
  const m = new Map<number, number>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    m.set(k, (m.get(k) ?? 0) + values[i]!);
  }
  const ks = Int32Array.from(m.keys()).sort();
  const sums = new Float64Array(ks.length);
  for (let i = 0; i < ks.length; i++) sums[i] = m.get(ks[i]!)!;
  return { keys: ks, sums };
}

/** group-by sum into a Float64Array indexed by key: only valid for dense keys in [0, numKeys). */
export function groupBySumDense(keys: Int32Array, values: Float64Array, numKeys: number): GroupSums {
  const acc = new Float64Array(numKeys);
  const seen = new Uint8Array(numKeys);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    acc[k]! += values[i]!;
    seen[k] = 1;
  }
  const ks: number[] = [];
  const sums: number[] = [];
  for (let k = 0; k < numKeys; k++) {
    if (seen[k]) {
      ks.push(k);
      sums.push(acc[k]!);
    }
  }
  return { keys: Int32Array.from(ks), sums: Float64Array.from(sums) };
}

/** `sum(v) where v > threshold` as a plain loop. */
export function filterSum(values: Float64Array, threshold: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > threshold) s += v;
  }
  return s;
}

/** Sorts a copy of the values with BigInt64Array.prototype.sort (values, not a permutation). */
export function sortInt64(values: BigInt64Array): BigInt64Array {
  return values.slice().sort();
}

/** An argsort in plain JS: indices ordered by value with Array.prototype.sort on a Uint32Array. */
export function argsortInt64(values: BigInt64Array): Uint32Array {
  const idx = new Uint32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : a - b));
}

/** Number of probe rows with a matching build key, counting duplicates (an inner join's row count), via a Map. */
export function hashJoinCount(build: Int32Array, probe: Int32Array): number {
  const m = new Map<number, number>();
  for (let i = 0; i < build.length; i++) m.set(build[i]!, (m.get(build[i]!) ?? 0) + 1);
  let count = 0;
  for (let i = 0; i < probe.length; i++) count += m.get(probe[i]!) ?? 0;
  return count;
}

/** `values[selection[i]]` for every i (a gather). */
export function take(values: Float64Array, selection: Int32Array): Float64Array {
  const out = new Float64Array(selection.length);
  for (let i = 0; i < selection.length; i++) out[i] = values[selection[i]!]!;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// xxHash64 of one 64-bit value, bit-identical to `hash_u64` in assembly/lib/hash.ts, written with
// 32-bit halves (the fastest exact 64-bit arithmetic plain JS has; BigInt is ~50x slower).

const P1_HI = 0x9e3779b1, P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d, P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1, P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77, P4_LO = 0xc2b2ae63;
/** HASH_SEED + PRIME64_5 + 8 (mod 2^64), the start state of hash_u64. */
const H0 = (0x2545f4914f6cdd1dn + 0x27d4eb2f165667c5n + 8n) & 0xffffffffffffffffn;
const H0_HI = Number(H0 >> 32n) >>> 0, H0_LO = Number(H0 & 0xffffffffn) >>> 0;

let rHi = 0;
let rLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64 into rHi:rLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff, a1 = aLo >>> 16, b0 = bLo & 0xffff, b1 = bLo >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33, exact in a double
  const midHi = (mid / 65536) | 0; // < 2^17
  const lo = a0 * b0 + (mid - midHi * 65536) * 65536; // < 2^33, exact
  rLo = lo >>> 0;
  rHi = (a1 * b1 + midHi + (lo > 0xffffffff ? 1 : 0) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Rotates hi:lo left by r (0 < r < 32) into rHi:rLo. */
function rotl64(hi: number, lo: number, r: number): void {
  rHi = ((hi << r) | (lo >>> (32 - r))) >>> 0;
  rLo = ((lo << r) | (hi >>> (32 - r))) >>> 0;
}

/**
 * Writes the engine's hash (`hash_u64` of assembly/lib/hash.ts) of every value into `out` as
 * little-endian uint32 pairs (lo, hi): view `out.buffer` as a BigUint64Array to read the hashes.
 */
export function hashInt64(values: BigInt64Array, out: Uint32Array = new Uint32Array(values.length * 2)): Uint32Array {
  const w = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    // k = rotl(v * P2, 31) * P1
    mul64(w[2 * i + 1]!, w[2 * i]!, P2_HI, P2_LO);
    rotl64(rHi, rLo, 31);
    mul64(rHi, rLo, P1_HI, P1_LO);
    // h = rotl(H0 ^ k, 27) * P1 + P4
    rotl64((H0_HI ^ rHi) >>> 0, (H0_LO ^ rLo) >>> 0, 27);
    mul64(rHi, rLo, P1_HI, P1_LO);
    let lo = rLo + P4_LO;
    let hi = (rHi + P4_HI + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    lo >>>= 0;
    // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
    lo = (lo ^ (hi >>> 1)) >>> 0;
    mul64(hi, lo, P2_HI, P2_LO);
    lo = (rLo ^ (((rHi << 3) | (rLo >>> 29)) >>> 0)) >>> 0;
    hi = (rHi ^ (rHi >>> 29)) >>> 0;
    mul64(hi, lo, P3_HI, P3_LO);
    out[2 * i] = (rLo ^ rHi) >>> 0;
    out[2 * i + 1] = rHi;
  }
  return out;
}

/** Reference xxHash64 single-value hash with BigInt (slow; for checking hashInt64 in tests). */
export function hashInt64BigInt(v: bigint): bigint {
  const M = 0xffffffffffffffffn;
  const P1 = 0x9e3779b185ebca87n, P2 = 0xc2b2ae3d27d4eb4fn, P3 = 0x165667b19e3779f9n, P4 = 0x85ebca77c2b2ae63n;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
  let h = H0;
  let k = (BigInt.asUintN(64, v) * P2) & M;
  k = (rotl(k, 31n) * P1) & M;
  h ^= k;
  h = (rotl(h, 27n) * P1 + P4) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}
