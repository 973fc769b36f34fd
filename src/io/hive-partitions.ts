/**
 * Hive-style partition directories (`key=value/`), as Spark writes and discovers them: values are
 * path-escaped (ExternalCatalogUtils.escapePathName), NULL and '' are written as
 * `__HIVE_DEFAULT_PARTITION__`, and on read each key becomes a column whose type is inferred from
 * its values (int, then bigint, else string; Spark also infers double/date/timestamp, Kindling does not).
 */
import { relative, sep } from 'node:path';
import { AnalysisError, InternalError } from '../errors.js';
import { type DataType, DataTypes, byteWidth } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { Batch } from '../types/batch.js';
import { type Field, field } from '../types/schema.js';
import { type CellValue, columnToJs, formatDecimal } from '../types/values.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { hashColumns } from '../kernels/hash.js';
import { takeBatchAt, takeColumnAt } from '../kernels/take.js';

/** The directory name Hive and Spark use for a NULL (or empty) partition value. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

// Spark's ExternalCatalogUtils.charToEscape (the Unix set).
const ESCAPED = new Set<number>([
  ...Array.from({ length: 0x1f }, (_, i) => i + 1),
  ...'"#%\'*/:=?\\\x7f{[]^'.split('').map((c) => c.charCodeAt(0)),
]);

/** Escapes a partition key or value for use as a path segment, like Spark (`a/b` -> `a%2Fb`). */
export function escapePathName(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += ch.length === 1 && ESCAPED.has(c) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

/** Reverses escapePathName (`%XX` -> the character; a malformed escape is kept as written). */
export function unescapePathName(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The `key=value` path segment for one partition value. */
export function partitionSegment(name: string, type: DataType, value: CellValue): string {
  const text = value === null ? null : formatPartitionValue(type, value);
  return `${escapePathName(name)}=${text === null || text === '' ? HIVE_DEFAULT_PARTITION : escapePathName(text)}`;
}

/** Spark's string form of a partition value (dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]'). */
export function formatPartitionValue(type: DataType, value: CellValue): string | null {
  if (value === null) return null;
  if (type.kind === 'timestamp') {
    const micros = typeof value === 'bigint' ? value : value instanceof Date ? BigInt(value.getTime()) * 1000n : null;
    if (micros === null) return String(value);
    const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
    const sub = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
    const base = new Date(Number(ms)).toISOString().slice(0, 19).replace('T', ' ');
    return sub === 0n ? base : `${base}.${sub.toString().padStart(6, '0').replace(/0+$/, '')}`;
  }
  if (type.kind === 'decimal' && typeof value === 'bigint') return formatDecimal(value, type.scale);
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The `key=value` directories of `file` below `base` (the trailing run of such segments, like Spark). */
export function parsePartitionPath(base: string, file: string): Array<[string, string | null]> {
  const rel = relative(base, file).split(sep);
  rel.pop(); // the file name
  const out: Array<[string, string | null]> = [];
  for (let i = rel.length - 1; i >= 0; i--) {
    const seg = rel[i]!;
    const eq = seg.indexOf('=');
    if (eq <= 0) break;
    const raw = seg.slice(eq + 1);
    out.unshift([unescapePathName(seg.slice(0, eq)), raw === HIVE_DEFAULT_PARTITION || raw === '' ? null : unescapePathName(raw)]);
  }
  return out;
}

/**
 * Discovers partition columns for a set of files: every file must have the same keys in the same
 * order (else AnalysisError naming two conflicting files). Returns the fields and, per file, the
 * typed values.
 */
export function discoverPartitions(files: readonly { path: string; base: string | null }[]): {
  fields: Field[];
  values: CellValue[][];
} {
  const parsed = files.map((f) => (f.base === null ? [] : parsePartitionPath(f.base, f.path)));
  const keysOf = (p: Array<[string, string | null]>) => p.map(([k]) => k).join(', ');
  const first = parsed[0] ?? [];
  for (let i = 1; i < parsed.length; i++) {
    if (keysOf(parsed[i]!) !== keysOf(first)) {
      throw new AnalysisError(
        `conflicting partition directories: ${files[0]!.path} has partition columns [${keysOf(first)}] but ` +
          `${files[i]!.path} has [${keysOf(parsed[i]!)}] (all files must sit at the same key=value depth)`,
      );
    }
  }
  const fields = first.map(([k], c) => field(k, inferPartitionType(parsed.map((p) => p[c]![1])), true));
  const values = parsed.map((p) => p.map(([, raw], c) => convertPartitionValue(fields[c]!.type, raw)));
  return { fields, values };
}

/** int when every non-null value is a 32-bit integer, bigint when a 64-bit one, else string. */
export function inferPartitionType(values: readonly (string | null)[]): DataType {
  const present = values.filter((v): v is string => v !== null);
  if (present.length > 0 && present.every((v) => /^[+-]?\d{1,19}$/.test(v))) {
    const big = present.map((v) => BigInt(v));
    if (big.every((b) => b >= -(2n ** 31n) && b < 2n ** 31n)) return DataTypes.Integer;
    if (big.every((b) => b >= -(2n ** 63n) && b < 2n ** 63n)) return DataTypes.Long;
  }
  return DataTypes.String;
}

function convertPartitionValue(type: DataType, raw: string | null): CellValue {
  if (raw === null) return null;
  if (type.kind === 'int32') return Number(raw);
  if (type.kind === 'int64') return BigInt(raw);
  return raw;
}

/**
 * A column of `n` copies of one value (partition columns). Fixed-width values are filled natively
 * (TypedArray.fill); strings are built by doubling copies, so no per-row JavaScript runs.
 */
export function constantColumn(type: DataType, value: CellValue, n: number): Column {
  const rt = runtime();
  const mem = rt.memory;
  if (value === null || type.kind === 'null') {
    if (type.kind === 'null') return new Column(type, n, null, null, null, n);
    const validity = WasmBuffer.allocate(mem, Math.max(1, n));
    validity.bytes().fill(0);
    if (type.kind === 'utf8') {
      const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
      offsets.bytes().fill(0);
      return new Column(type, n, WasmBuffer.allocate(mem, 1), validity, offsets, n);
    }
    const values = WasmBuffer.allocate(mem, Math.max(1, n) * byteWidth(type));
    values.bytes().fill(0);
    return new Column(type, n, values, validity, null, n);
  }
  if (type.kind === 'utf8') {
    const bytes = new TextEncoder().encode(String(value));
    const len = bytes.length;
    const values = WasmBuffer.allocate(mem, Math.max(1, len * n));
    const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    const v = mem.u8(values.ptr, len * n);
    if (n > 0 && len > 0) {
      v.set(bytes);
      for (let filled = 1; filled < n; filled *= 2) v.copyWithin(filled * len, 0, Math.min(filled, n - filled) * len);
    }
    const o = mem.i32(offsets.ptr, n + 1);
    o[0] = 0;
    if (n > 0) o[1] = len;
    const convert = rt.module('convert');
    // offsets[k + j] = offsets[j] + k * len, for doubling blocks (rebase_i32 subtracts its delta).
    for (let filled = 1; filled < n; filled *= 2) {
      const count = Math.min(filled, n - filled);
      convert.rebase_i32!(offsets.ptr + 4, count, -filled * len, offsets.ptr + (filled + 1) * 4);
    }
    return new Column(type, n, values, null, offsets, 0);
  }
  const width = byteWidth(type);
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * width);
  switch (type.kind) {
    case 'int32':
    case 'date32':
      mem.i32(values.ptr, n).fill(Number(value));
      break;
    case 'int64':
    case 'timestamp':
      mem.i64(values.ptr, n).fill(BigInt(value as number | bigint));
      break;
    case 'float64':
      mem.f64(values.ptr, n).fill(Number(value));
      break;
    case 'boolean':
    case 'int8':
      mem.u8(values.ptr, n).fill(type.kind === 'boolean' ? (value ? 1 : 0) : Number(value) & 0xff);
      break;
    default:
      values.release();
      throw new InternalError(`constantColumn: unsupported partition column type ${type.kind}`);
  }
  return new Column(type, n, values, null, null, 0);
}

/** One group of rows sharing the same partition values. */
export interface PartitionSlice {
  /** The partition values, in the order of the partition columns. */
  readonly values: CellValue[];
  /** The rows' data columns (owned by the caller). */
  readonly batch: Batch;
}

/** Options of splitByPartition. */
export interface SplitOptions {
  /**
   * Bits of the row hash that group rows (default 64). For tests only: fewer bits make distinct
   * partition values collide, which exercises the equality check that keeps them apart.
   */
  readonly hashBits?: number;
}

/**
 * Splits a batch by the values of its partition columns (`partitionIdx`), returning for each
 * distinct combination the rows' other columns (rows in input order). Groups come in order of first
 * appearance. Two values are the same partition when grouping would put them together (nulls
 * together, NaN with NaN, -0.0 with 0.0).
 *
 * No per-row JavaScript: rows are grouped by their hash (hashColumns), every row is checked equal
 * to its group's first row (a hash collision splits the group again), a counting sort builds each
 * group's index list, and the take kernel gathers the rows. JavaScript runs once per group. A batch
 * whose rows all share one partition (the common case for data sorted or clustered by the
 * partition keys) is passed through without any copy.
 */
export function splitByPartition(
  batch: Batch,
  partitionIdx: readonly number[],
  dataSchema: Batch['schema'],
  options: SplitOptions = {},
): PartitionSlice[] {
  const n = batch.numRows;
  if (n === 0) return [];
  const dataIdx = batch.schema.fields.map((_, i) => i).filter((i) => !partitionIdx.includes(i));
  const keys = partitionIdx.map((i) => batch.column(i));
  const bits = options.hashBits ?? 64;
  if (!Number.isInteger(bits) || bits < 1 || bits > 64) throw new InternalError(`splitByPartition: hashBits must be in [1, 64], got ${bits}`);
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('convert');
  const groups = groupRowsByValue(keys, n, 64 - bits);
  try {
    const numGroups = groups.numGroups;
    // Groups in order of first appearance (per-group JavaScript).
    const firsts = mem.i32(groups.firsts.ptr, numGroups);
    const order = Array.from({ length: numGroups }, (_, g) => g).sort((a, b) => firsts[a]! - firsts[b]!);
    const values = partitionValues(keys, order.map((g) => firsts[g]!));
    if (numGroups === 1) {
      const cols = dataIdx.map((i) => batch.column(i).retain());
      return [{ values: values[0]!, batch: new Batch(dataSchema, cols, n) }];
    }
    const data = new Batch(dataSchema, dataIdx.map((i) => batch.column(i)), n); // borrowed view: never released
    const indices = WasmBuffer.allocate(mem, n * 4);
    const out: PartitionSlice[] = [];
    try {
      const starts = rt.withScratch(numGroups * 4, (cursors) => {
        k.group_counts!(groups.gids.ptr, n, numGroups, cursors);
        const view = mem.i32(cursors, numGroups);
        const bounds = new Array<number>(numGroups + 1);
        let sum = 0;
        for (let g = 0; g < numGroups; g++) {
          bounds[g] = sum;
          sum += view[g]!;
          view[g] = bounds[g]!;
        }
        bounds[numGroups] = sum;
        k.group_scatter!(groups.gids.ptr, n, cursors, indices.ptr);
        return bounds;
      });
      for (let j = 0; j < numGroups; j++) {
        const g = order[j]!;
        const count = starts[g + 1]! - starts[g]!;
        out.push({ values: values[j]!, batch: takeBatchAt(data, indices.ptr + starts[g]! * 4, count) });
      }
    } catch (e) {
      for (const s of out) s.batch.release();
      throw e;
    } finally {
      indices.release();
    }
    return out;
  } finally {
    groups.gids.release();
    groups.firsts.release();
  }
}

/** The JS values of the key columns at rows `rows` (one small gather per key column): values[j][c]. */
function partitionValues(keys: readonly Column[], rows: readonly number[]): CellValue[][] {
  const rt = runtime();
  const perKey = rt.withScratch(Math.max(1, rows.length) * 4, (ptr) => {
    rt.memory.i32(ptr, rows.length).set(rows);
    return keys.map((c) => {
      const taken = takeColumnAt(c, ptr, rows.length);
      try {
        return columnToJs(taken);
      } finally {
        taken.release();
      }
    });
  });
  return rows.map((_, j) => perKey.map((vals) => vals[j]!));
}

/**
 * Groups `n` rows by the values of `keys`: gids (i32 per row) and firsts (the first row of each
 * group, by group id), owned by the caller. Rows are grouped by hash (shifted right by `shift` bits,
 * 0 in production), then verified equal to their group's first row; rows that differ (collisions)
 * are grouped again in a further round, so distinct values never share a group.
 */
function groupRowsByValue(keys: readonly Column[], n: number, shift: number): { gids: WasmBuffer; firsts: WasmBuffer; numGroups: number } {
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('convert');
  const hashes = hashColumns(keys, n);
  let gids: WasmBuffer | null = null;
  let firsts: WasmBuffer | null = null;
  try {
    gids = WasmBuffer.allocate(mem, n * 4);
    firsts = WasmBuffer.allocate(mem, n * 4);
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    const state = WasmBuffer.allocate(mem, n);
    let table: WasmBuffer | null = null;
    try {
      table = WasmBuffer.allocate(mem, capacity * 4);
      k.fill_bytes!(state.ptr, 0, n);
      let numGroups = 0;
      let pending = n;
      // Each round resolves at least the first pending row of every hash, so it ends; more than one
      // round happens only on a hash collision between distinct values.
      while (pending > 0) {
        k.fill_bytes!(table.ptr, 0xff, capacity * 4);
        numGroups += k.group_round!(hashes.ptr, shift, state.ptr, n, table.ptr, capacity - 1, numGroups, gids.ptr, firsts.ptr);
        for (const c of keys) {
          if (c.type.kind === 'null') continue;
          if (c.type.kind === 'utf8') {
            k.group_verify_utf8!(c.offsetsPtr, c.valuesPtr, c.validityPtr, gids.ptr, firsts.ptr, state.ptr, n);
          } else {
            const kind = c.type.kind === 'float32' ? 5 : c.type.kind === 'float64' ? 9 : byteWidth(c.type);
            k.group_verify_fixed!(c.valuesPtr, c.validityPtr, kind, gids.ptr, firsts.ptr, state.ptr, n);
          }
        }
        const left = k.group_commit!(state.ptr, n);
        if (left >= pending) throw new InternalError(`splitByPartition: grouping made no progress (${left} rows pending)`);
        pending = left;
      }
      return { gids, firsts, numGroups };
    } finally {
      state.release();
      table?.release();
    }
  } catch (e) {
    gids?.release();
    firsts?.release();
    throw e;
  } finally {
    hashes.release();
  }
}
