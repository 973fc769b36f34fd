/**
 * Deterministic in-memory inputs of the kernel benchmarks. Every engine receives the very same typed
 * arrays (copied into its own memory before timing starts), so answers can be compared exactly.
 */

/** A seeded 32-bit PRNG (mulberry32, Tommy Ettinger; public domain). Returns a function giving uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform doubles in [0, 1) from a uint32 generator (53 random bits). */
export function uniform(next: () => number): () => number {
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/** Inputs of the group-by benchmark: `keys` in [0, numKeys), `values` uniform in [0, 1000). */
export interface GroupByData {
  readonly keys: Int32Array;
  readonly values: Float64Array;
  readonly numKeys: number;
}

/** group-by sum input: int32 keys drawn uniformly from `numKeys` values, float64 values. */
export function groupByData(rows: number, seed: number, numKeys = 100): GroupByData {
  const next = mulberry32(seed);
  const u = uniform(next);
  const keys = new Int32Array(rows);
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    keys[i] = next() % numKeys;
    values[i] = Math.floor(u() * 1_000_000) / 1000; // three decimals: sums stay well conditioned
  }
  return { keys, values, numKeys };
}

/** filter + sum input: float64 uniform in [0, 1). */
export function filterData(rows: number, seed: number): Float64Array {
  const u = uniform(mulberry32(seed));
  const v = new Float64Array(rows);
  for (let i = 0; i < rows; i++) v[i] = u();
  return v;
}

/** Random int64 values over the full range (sort and hash inputs). Built from uint32 words, no BigInt per row. */
export function randomInt64(rows: number, seed: number): BigInt64Array {
  const next = mulberry32(seed);
  const out = new BigInt64Array(rows);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < words.length; i++) words[i] = next();
  return out;
}

/** Inputs of the hash-join benchmark. */
export interface JoinData {
  /** Distinct build keys: the even numbers 0, 2, ..., 2 * (buildRows - 1), shuffled. */
  readonly build: Int32Array;
  /** Probe keys uniform in [0, 2 * buildRows): about half find their (one) match. */
  readonly probe: Int32Array;
}

/** Hash-join input: a unique-key build side and a probe side `probeRows` long. */
export function joinData(buildRows: number, probeRows: number, seed: number): JoinData {
  const next = mulberry32(seed);
  const build = new Int32Array(buildRows);
  for (let i = 0; i < buildRows; i++) build[i] = 2 * i;
  for (let i = buildRows - 1; i > 0; i--) {
    const j = next() % (i + 1); // Fisher-Yates
    const t = build[i]!;
    build[i] = build[j]!;
    build[j] = t;
  }
  const probe = new Int32Array(probeRows);
  const range = 2 * buildRows;
  for (let i = 0; i < probeRows; i++) probe[i] = next() % range;
  return { build, probe };
}

/** Inputs of the take benchmark: values and an ascending selection of about `fraction` of the rows (a filter's output). */
export interface TakeData {
  readonly values: Float64Array;
  readonly selection: Int32Array;
}

/** take input: float64 values and an ascending int32 selection vector. */
export function takeData(rows: number, seed: number, fraction = 0.5): TakeData {
  const next = mulberry32(seed);
  const values = filterData(rows, seed ^ 0x5bd1e995);
  const picked = new Int32Array(rows);
  const threshold = Math.floor(fraction * 4294967296);
  let m = 0;
  for (let i = 0; i < rows; i++) if (next() < threshold) picked[m++] = i;
  return { values, selection: picked.slice(0, m) };
}

/** Build-side rows of the join for a probe side of `rows` (1M build x 10M probe at the default size). */
export function joinBuildRows(rows: number): number {
  return Math.max(1, Math.round(rows / 10));
}
