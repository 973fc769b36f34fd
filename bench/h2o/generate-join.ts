/**
 * The db-benchmark (H2O.ai, now DuckDB Labs) join datasets, after its R generator
 * (_data/join-datagen.R): a left table `x` of N rows and right tables `small` (N/1e6 rows), `medium`
 * (N/1e3) and `big` (N), one Parquet file each, streamed by row group.
 *
 * Keys: for n in (N/1e6, N/1e3, N), split_xlr(n) draws a permutation of 1..1.1n and splits it into
 * x (the first 0.9n: keys on both sides), l (the next 0.1n: left only) and r (the last 0.1n: right
 * only). x.id1 and x.id2 sample (x ∪ l) of their key set with replacement (every key at least once),
 * x.id3 is a permutation of (x ∪ l) of key set 3; a right table's key of its own size is a permutation
 * of (x ∪ r), smaller key sets are sampled with replacement (every key at least once). id4..id6 are
 * the string versions sprintf("id%.0f", id1..id3); v1, v2 = round(runif(0, 100), 6).
 *   x: id1 id2 id3 id4 id5 id6 v1; small: id1 id4 v2; medium: id1 id2 id4 id5 v2; big: id1..id6 v2.
 * So about 90% of x's rows find a match in each right table. Key sets are at least 10 keys (the R
 * generator is meant for N >= 1e7, where N/1e6 = 10). NAs (`nas` percent) are put in x's id columns.
 *
 *   npx tsx bench/h2o/generate-join.ts --rows 1e7 [--nas 0] [--seed 1] --out dir
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as arrow from 'apache-arrow';
import { writeParquetFile } from '../tpch/parquet.js';
import { ColumnRandom, batchOf, float64Vector, int32Vector, labelVector, nullFlags, parseRows, unif100 } from './common.js';

/** Parameters of the join datasets. */
export interface JoinParams {
  readonly rows: number;
  readonly nas: number;
  readonly seed?: number;
  readonly rowGroupSize?: number;
}

/** The right tables and their key-set sizes. */
export const RIGHT_TABLES = ['small', 'medium', 'big'] as const;

/** Sizes of the three key sets (n1 = N/1e6, n2 = N/1e3, n3 = N; at least 10 each). */
export function keySetSizes(rows: number): [number, number, number] {
  return [Math.max(10, Math.round(rows / 1e6)), Math.max(10, Math.round(rows / 1e3)), Math.max(10, rows)];
}

/** Row counts: x = N, small = n1, medium = n2, big = n3. */
export function joinTableRows(rows: number): Record<'x' | 'small' | 'medium' | 'big', number> {
  const [n1, n2, n3] = keySetSizes(rows);
  return { x: rows, small: n1, medium: n2, big: n3 };
}

interface KeySplit {
  x: Int32Array;
  l: Int32Array;
  r: Int32Array;
}

function shuffle(a: Int32Array, rng: ColumnRandom): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.oneTo(i + 1) - 1;
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** split_xlr(n): a permutation of 1..round(1.1n) split 0.9n / 0.1n / the rest. */
export function splitXlr(n: number, rng: ColumnRandom): KeySplit {
  const total = Math.round(n * 1.1);
  const perm = shuffle(Int32Array.from({ length: total }, (_, i) => i + 1), rng);
  const nx = Math.round(n * 0.9);
  return { x: perm.subarray(0, nx), l: perm.subarray(nx, n), r: perm.subarray(n) };
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const o = new Int32Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
}

/** sample_all(keys, size): every key once, the rest drawn with replacement, shuffled. */
function sampleAll(keys: Int32Array, size: number, rng: ColumnRandom): Int32Array {
  if (size <= keys.length) return shuffle(Int32Array.from(keys), rng).subarray(0, size);
  const o = new Int32Array(size);
  o.set(keys);
  for (let i = keys.length; i < size; i++) o[i] = keys[rng.oneTo(keys.length) - 1]!;
  return shuffle(o, rng);
}

/** All four tables' key columns (whole columns: 3 x N int32 for x and big at most). */
function keyColumns(p: JoinParams) {
  const seed = p.seed ?? 1;
  const [n1, n2, n3] = keySetSizes(p.rows);
  const k1 = splitXlr(n1, new ColumnRandom(seed, 'J1.key1'));
  const k2 = splitXlr(n2, new ColumnRandom(seed, 'J1.key2'));
  const k3 = splitXlr(n3, new ColumnRandom(seed, 'J1.key3'));
  const left = (k: KeySplit) => concat(k.x, k.l);
  const right = (k: KeySplit) => concat(k.x, k.r);
  const rng = (name: string) => new ColumnRandom(seed, name);
  return {
    x: [sampleAll(left(k1), p.rows, rng('x.id1')), sampleAll(left(k2), p.rows, rng('x.id2')), sampleAll(left(k3), p.rows, rng('x.id3'))],
    small: [shuffle(right(k1), rng('small.id1'))],
    medium: [sampleAll(right(k1), n2, rng('medium.id1')), shuffle(right(k2), rng('medium.id2'))],
    big: [sampleAll(right(k1), n3, rng('big.id1')), sampleAll(right(k2), n3, rng('big.id2')), shuffle(right(k3), rng('big.id3'))],
  };
}

function* tableBatches(name: 'x' | 'small' | 'medium' | 'big', keys: Int32Array[], p: JoinParams): Generator<arrow.RecordBatch> {
  const seed = p.seed ?? 1;
  const size = p.rowGroupSize ?? 1_000_000;
  const n = keys[0]!.length;
  const vr = new ColumnRandom(seed, `${name}.v`);
  const nas = name === 'x' ? p.nas : 0;
  const nr = keys.map((_, c) => new ColumnRandom(seed, `${name}.id${c + 1}.na`));
  for (let from = 0; from < n; from += size) {
    const m = Math.min(size, n - from);
    const cols: Record<string, arrow.Vector> = {};
    const parts = keys.map((k) => k.subarray(from, from + m));
    const nulls = parts.map((_, c) => nullFlags(m, nas, nr[c]!));
    parts.forEach((k, c) => (cols[`id${c + 1}`] = int32Vector(Int32Array.from(k), nulls[c]!)));
    const strIds = name === 'small' ? [0] : name === 'medium' ? [0, 1] : [0, 1, 2];
    for (const c of strIds) cols[`id${c + 4}`] = labelVector('id', parts[c]!, 0, nulls[c]!);
    cols[name === 'x' ? 'v1' : 'v2'] = float64Vector(unif100(m, vr), null);
    yield batchOf(cols);
  }
}

/** Writes x, small, medium and big Parquet files into `dir`; returns their paths by table. */
export async function generateJoin(dir: string, p: JoinParams): Promise<Record<'x' | 'small' | 'medium' | 'big', string>> {
  parseRows(p.rows);
  if (!(p.nas >= 0 && p.nas <= 100)) throw new RangeError(`nas must be a percentage in [0, 100], got ${p.nas}`);
  mkdirSync(dir, { recursive: true });
  const keys = keyColumns(p);
  const out = {} as Record<'x' | 'small' | 'medium' | 'big', string>;
  for (const t of ['x', 'small', 'medium', 'big'] as const) {
    const path = join(resolve(dir), `${t}.parquet`);
    await writeParquetFile(path, tableBatches(t, keys[t], p), { rowGroupSize: p.rowGroupSize ?? 1_000_000 });
    out[t] = path;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const argv = process.argv.slice(2);
  const get = (f: string) => {
    const i = argv.indexOf(f);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = get('--out');
  const rows = get('--rows');
  if (!out || !rows) {
    console.error('usage: generate-join.ts --rows 1e7 [--nas 0] [--seed 1] --out DIR');
    process.exit(1);
  }
  const t0 = performance.now();
  generateJoin(out, { rows: parseRows(rows), nas: Number(get('--nas') ?? 0), seed: Number(get('--seed') ?? 1) }).then(
    (r) => console.log(`wrote ${Object.values(r).join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
