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

/**
 * Splits a batch by the values of its partition columns (`partitionIdx`), returning for each
 * distinct combination the rows' other columns. Groups come in order of first appearance.
 *
 * Per-row JavaScript, documented exception to the engine rule: the partition key columns are read
 * into JS values once (one pass per key column) to assign group ids, and rows are gathered with
 * typed-array loops. A batch whose rows all share one partition (the common case for data sorted or
 * clustered by the partition keys) is passed through without any copy. Replace the gather with the
 * take kernel (`takeBatch`) when src/kernels/take.ts exists.
 */
export function splitByPartition(batch: Batch, partitionIdx: readonly number[], dataSchema: Batch['schema']): PartitionSlice[] {
  const dataIdx = batch.schema.fields.map((_, i) => i).filter((i) => !partitionIdx.includes(i));
  const keyValues = partitionIdx.map((i) => columnToJs(batch.column(i)));
  const n = batch.numRows;
  const groupOf = new Int32Array(n);
  const keys = new Map<string, number>();
  const groupValues: CellValue[][] = [];
  for (let r = 0; r < n; r++) {
    let key = '';
    for (const kv of keyValues) {
      const v = kv[r]!;
      key += v === null ? '\u0000N|' : `${typeof v}:${v instanceof Date ? v.getTime() : String(v)}|`;
    }
    let g = keys.get(key);
    if (g === undefined) {
      g = groupValues.length;
      keys.set(key, g);
      groupValues.push(keyValues.map((kv) => kv[r]!));
    }
    groupOf[r] = g;
  }
  if (groupValues.length <= 1) {
    if (n === 0) return [];
    const cols = dataIdx.map((i) => batch.column(i).retain());
    return [{ values: groupValues[0]!, batch: new Batch(dataSchema, cols, n) }];
  }
  const counts = new Int32Array(groupValues.length);
  for (let r = 0; r < n; r++) counts[groupOf[r]!]!++;
  const starts = new Int32Array(groupValues.length);
  for (let g = 1; g < counts.length; g++) starts[g] = starts[g - 1]! + counts[g - 1]!;
  const order = new Int32Array(n);
  const cursor = starts.slice();
  for (let r = 0; r < n; r++) order[cursor[groupOf[r]!]!++] = r;
  const out: PartitionSlice[] = [];
  try {
    for (let g = 0; g < groupValues.length; g++) {
      const idx = order.subarray(starts[g]!, starts[g]! + counts[g]!);
      const cols: Column[] = [];
      try {
        for (const i of dataIdx) cols.push(gatherColumn(batch.column(i), idx));
      } catch (e) {
        for (const c of cols) c.release();
        throw e;
      }
      out.push({ values: groupValues[g]!, batch: new Batch(dataSchema, cols, idx.length) });
    }
  } catch (e) {
    for (const s of out) s.batch.release();
    throw e;
  }
  return out;
}

/** Gathers rows `idx` of a column into a new column (typed-array loops; see splitByPartition). */
function gatherColumn(c: Column, idx: Int32Array): Column {
  const mem = runtime().memory;
  const n = idx.length;
  if (c.type.kind === 'null') return new Column(c.type, n, null, null, null, n);
  let validity: WasmBuffer | null = null;
  let nullCount = 0;
  if (c.validity) {
    validity = WasmBuffer.allocate(mem, Math.max(1, n));
    const src = mem.u8(c.validity.ptr, c.length);
    const dst = mem.u8(validity.ptr, n);
    for (let j = 0; j < n; j++) {
      const v = src[idx[j]!]!;
      dst[j] = v;
      nullCount += v ^ 1;
    }
    if (nullCount === 0) {
      validity.release();
      validity = null;
    }
  }
  if (c.type.kind === 'utf8') {
    const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    const so = mem.i32(c.offsetsPtr, c.length + 1);
    let total = 0;
    {
      const o = mem.i32(offsets.ptr, n + 1);
      o[0] = 0;
      for (let j = 0; j < n; j++) {
        const r = idx[j]!;
        total += so[r + 1]! - so[r]!;
        o[j + 1] = total;
      }
    }
    const values = WasmBuffer.allocate(mem, Math.max(1, total));
    const sv = mem.u8(c.valuesPtr, so[c.length]!);
    const dv = mem.u8(values.ptr, total);
    const o = mem.i32(offsets.ptr, n + 1);
    for (let j = 0; j < n; j++) {
      const r = idx[j]!;
      dv.set(sv.subarray(so[r]!, so[r + 1]!), o[j]!);
    }
    return new Column(c.type, n, values, validity, offsets, nullCount);
  }
  const width = byteWidth(c.type);
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * width);
  if (width === 1) {
    const s = mem.u8(c.valuesPtr, c.length);
    const d = mem.u8(values.ptr, n);
    for (let j = 0; j < n; j++) d[j] = s[idx[j]!]!;
  } else if (width === 2) {
    const s = new Uint16Array(mem.memory.buffer, c.valuesPtr, c.length);
    const d = new Uint16Array(mem.memory.buffer, values.ptr, n);
    for (let j = 0; j < n; j++) d[j] = s[idx[j]!]!;
  } else {
    // 4- and 8-byte values move as int32 words (never through float views, which may rewrite NaN bits).
    const words = width / 4;
    const s = mem.i32(c.valuesPtr, c.length * words);
    const d = mem.i32(values.ptr, n * words);
    for (let j = 0; j < n; j++) {
      const r = idx[j]! * words;
      for (let w = 0; w < words; w++) d[j * words + w] = s[r + w]!;
    }
  }
  return new Column(c.type, n, values, validity, null, nullCount);
}
