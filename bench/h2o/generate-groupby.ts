/**
 * The db-benchmark (H2O.ai, now DuckDB Labs) groupby dataset, after its R generator
 * (_data/groupby-datagen.R), written to one Parquet file streamed by row group:
 *
 *   id1 = sample(sprintf("id%03d", 1:K), N, TRUE)        string, K groups
 *   id2 = sample(sprintf("id%03d", 1:K), N, TRUE)        string, K groups
 *   id3 = sample(sprintf("id%010d", 1:(N/K)), N, TRUE)   string, N/K groups
 *   id4 = sample(K, N, TRUE); id5 = sample(K, N, TRUE)   int, K groups
 *   id6 = sample(N/K, N, TRUE)                           int, N/K groups
 *   v1 = sample(5, N, TRUE); v2 = sample(15, N, TRUE)    int in [1,5], [1,15]
 *   v3 = round(runif(N, max = 100), 6)                   double in [0,100]
 *
 * NAs: each value of each column is null with probability `nas` percent (R sets exactly nas% per
 * column; the share here is binomial around it). Sorted (`sorted: true`, R's setkey(id1..id6)): rows
 * ordered by id1, id2, id3, id4, id5, id6 (strings in byte order, nulls first); generated group by
 * group of id1 (a counting pass first), each group sorted in memory, so memory is O(N/K).
 *
 *   npx tsx bench/h2o/generate-groupby.ts --rows 1e7 --k 100 --nas 0 --sorted 0 --out dir [--seed 1]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as arrow from 'apache-arrow';
import { writeParquetFile } from '../tpch/parquet.js';
import { ColumnRandom, batchOf, float64Vector, int32Vector, labelVector, nullFlags, parseRows, unif100 } from './common.js';

/** Parameters of the groupby dataset. */
export interface GroupbyParams {
  /** Rows N. */
  readonly rows: number;
  /** K: groups of id1, id2, id4, id5 (id3, id6 have N/K). */
  readonly k: number;
  /** Percent of null values per column (0..100). */
  readonly nas: number;
  /** Rows sorted by id1..id6. */
  readonly sorted: boolean;
  /** Seed (default 1). */
  readonly seed?: number;
  /** Rows per row group (default 1,000,000). */
  readonly rowGroupSize?: number;
}

/** The file name the db-benchmark uses: G1_1e7_1e2_0_0.parquet. */
export function groupbyFileName(p: GroupbyParams): string {
  const e = (x: number) => x.toExponential().replace('+', '').replace(/\.0+e/, 'e');
  return `G1_${e(p.rows)}_${e(p.k)}_${p.nas}_${p.sorted ? 1 : 0}.parquet`;
}

/** Number of distinct values of id3/id6: N/K (at least 1). */
export function bigGroups(p: GroupbyParams): number {
  return Math.max(1, Math.round(p.rows / p.k));
}

interface Streams {
  id: ColumnRandom[];
  v1: ColumnRandom;
  v2: ColumnRandom;
  v3: ColumnRandom;
  nulls: ColumnRandom[];
}

const COLS = ['id1', 'id2', 'id3', 'id4', 'id5', 'id6', 'v1', 'v2', 'v3'] as const;

function validate(p: GroupbyParams): void {
  parseRows(p.rows);
  if (!Number.isInteger(p.k) || p.k < 1) throw new RangeError(`K must be a positive integer, got ${p.k}`);
  if (!(p.nas >= 0 && p.nas <= 100)) throw new RangeError(`nas must be a percentage in [0, 100], got ${p.nas}`);
}

/** Raw columns of `n` rows (id1 given when generating one sorted group). */
function rawColumns(p: GroupbyParams, s: Streams, n: number, fixedId1: number | null) {
  const K = p.k;
  const NK = bigGroups(p);
  const ids = [K, K, NK, K, K, NK].map((card, c) => {
    const a = new Int32Array(n);
    if (c === 0 && fixedId1 !== null) a.fill(fixedId1);
    else for (let i = 0; i < n; i++) a[i] = s.id[c]!.oneTo(card);
    return a;
  });
  const v1 = new Int32Array(n);
  const v2 = new Int32Array(n);
  for (let i = 0; i < n; i++) v1[i] = s.v1.oneTo(5);
  for (let i = 0; i < n; i++) v2[i] = s.v2.oneTo(15);
  const v3 = unif100(n, s.v3);
  const nulls = COLS.map((_, c) => (c === 0 && fixedId1 !== null ? null : nullFlags(n, p.nas, s.nulls[c]!)));
  return { ids, v1, v2, v3, nulls };
}

function toBatch(r: ReturnType<typeof rawColumns>): arrow.RecordBatch {
  const [id1, id2, id3, id4, id5, id6] = r.ids as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  return batchOf({
    id1: labelVector('id', id1, 3, r.nulls[0]!),
    id2: labelVector('id', id2, 3, r.nulls[1]!),
    id3: labelVector('id', id3, 10, r.nulls[2]!),
    id4: int32Vector(id4, r.nulls[3]!),
    id5: int32Vector(id5, r.nulls[4]!),
    id6: int32Vector(id6, r.nulls[5]!),
    v1: int32Vector(r.v1, r.nulls[6]!),
    v2: int32Vector(r.v2, r.nulls[7]!),
    v3: float64Vector(r.v3, r.nulls[8]!),
  });
}

/** Sort rank of 'id%03d' labels in byte order (differs from numeric order once K > 999). */
function labelRanks(card: number, width: number): Int32Array {
  const labels = Array.from({ length: card }, (_, i) => String(i + 1).padStart(width, '0'));
  const order = labels.map((_, i) => i).sort((a, b) => (labels[a]! < labels[b]! ? -1 : labels[a]! > labels[b]! ? 1 : 0));
  const rank = new Int32Array(card + 1);
  order.forEach((idx, r) => (rank[idx + 1] = r));
  return rank;
}

/** The batches of the dataset, in file order. */
export function* groupbyBatches(p: GroupbyParams): Generator<arrow.RecordBatch> {
  validate(p);
  const seed = p.seed ?? 1;
  const size = p.rowGroupSize ?? 1_000_000;
  const s: Streams = {
    id: COLS.slice(0, 6).map((c) => new ColumnRandom(seed, `G1.${c}`)),
    v1: new ColumnRandom(seed, 'G1.v1'),
    v2: new ColumnRandom(seed, 'G1.v2'),
    v3: new ColumnRandom(seed, 'G1.v3'),
    nulls: COLS.map((c) => new ColumnRandom(seed, `G1.${c}.na`)),
  };
  if (!p.sorted) {
    for (let done = 0; done < p.rows; done += size) yield toBatch(rawColumns(p, s, Math.min(size, p.rows - done), null));
    return;
  }
  // Sorted: count rows per id1 (0 = null), then generate and sort each id1 group.
  const counts = new Float64Array(p.k + 1);
  const c1 = new ColumnRandom(seed, 'G1.id1.sorted');
  const n1 = new ColumnRandom(seed, 'G1.id1.sorted.na');
  const pNa = p.nas / 100;
  for (let i = 0; i < p.rows; i++) counts[pNa > 0 && n1.unif() < pNa ? 0 : c1.oneTo(p.k)]++;
  const r3 = labelRanks(p.k, 3);
  const groupOrder = [0, ...Array.from({ length: p.k }, (_, i) => i + 1).sort((a, b) => r3[a]! - r3[b]!)];
  const rank10 = (v: number) => v; // 'id%010d' is in numeric order for N/K < 1e10
  for (const g of groupOrder) {
    const n = counts[g]!;
    if (n === 0) continue;
    const raw = rawColumns(p, s, n, g === 0 ? 0 : g);
    if (g === 0) raw.nulls[0] = new Uint8Array(n).fill(1);
    const key = (c: number, i: number): number => {
      if (raw.nulls[c]?.[i]) return -1;
      const v = raw.ids[c]![i]!;
      return c === 1 ? r3[v]! : c === 2 ? rank10(v) : v;
    };
    const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      for (let c = 1; c < 6; c++) {
        const d = key(c, a) - key(c, b);
        if (d !== 0) return d;
      }
      return 0;
    });
    for (let from = 0; from < n; from += size) {
      const sel = idx.subarray(from, Math.min(n, from + size));
      const pick32 = (a: Int32Array) => Int32Array.from(sel, (i) => a[i]!);
      const pickNull = (a: Uint8Array | null) => (a ? Uint8Array.from(sel, (i) => a[i]!) : null);
      yield toBatch({
        ids: raw.ids.map(pick32),
        v1: pick32(raw.v1),
        v2: pick32(raw.v2),
        v3: Float64Array.from(sel, (i) => raw.v3[i]!),
        nulls: raw.nulls.map(pickNull),
      });
    }
  }
}

/** Writes the dataset to `dir/<db-benchmark name>.parquet` and returns the path. */
export async function generateGroupby(dir: string, p: GroupbyParams): Promise<{ path: string; rows: number; bytes: number }> {
  mkdirSync(dir, { recursive: true });
  const path = join(resolve(dir), groupbyFileName(p));
  const s = await writeParquetFile(path, groupbyBatches(p), { rowGroupSize: p.rowGroupSize ?? 1_000_000 });
  return { path, rows: s.rows, bytes: s.bytes };
}

/** Parses --rows --k --nas --sorted --seed --out. */
export function parseGroupbyArgs(argv: readonly string[]): { out: string; params: GroupbyParams } {
  const usage = 'usage: generate-groupby.ts --rows 1e7 [--k 100] [--nas 0] [--sorted 0|1] [--seed 1] --out DIR';
  const o: { rows?: number; k: number; nas: number; sorted: boolean; seed: number; out?: string } = { k: 100, nas: 0, sorted: false, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[++i];
    if (v === undefined) throw new RangeError(`${a} needs a value; ${usage}`);
    if (a === '--rows') o.rows = parseRows(v);
    else if (a === '--k') o.k = Number(v);
    else if (a === '--nas') o.nas = Number(v);
    else if (a === '--sorted') o.sorted = v === '1' || v === 'true';
    else if (a === '--seed') o.seed = Number(v);
    else if (a === '--out') o.out = v;
    else throw new RangeError(`unknown argument '${a}'; ${usage}`);
  }
  if (o.rows === undefined || o.out === undefined) throw new RangeError(usage);
  return { out: o.out, params: { rows: o.rows, k: o.k, nas: o.nas, sorted: o.sorted, seed: o.seed } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const t0 = performance.now();
  const { out, params } = parseGroupbyArgs(process.argv.slice(2));
  generateGroupby(out, params).then(
    (r) => console.log(`wrote ${r.path}: ${r.rows.toLocaleString('en-US')} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
