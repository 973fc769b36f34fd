/**
 * Sorting: stable multi-key argsort, top-k, and the gather that applies a permutation.
 *
 * Every row's sort keys are encoded into an order-preserving byte string (see assembly/sort.ts):
 * per key an optional null byte (when the column has nulls), then the normalised value big-endian,
 * inverted when descending; utf8 keys keep a STRING_PREFIX_BYTES prefix plus a length byte and
 * settle ties between longer strings by comparing the full bytes. Keys that fit in 8 bytes are
 * packed into one u64 per row and LSD radix sorted; wider keys are MSD radix sorted as rows.
 *
 * Ordering semantics (Spark's): numbers by value; floats with -0.0 equal to 0.0 and every NaN equal
 * and greater than +Infinity; strings by their UTF-8 bytes (UTF8String.binaryCompare); false < true;
 * nulls first or last as asked, independently of the direction. Equal rows keep their input order.
 * Spark's defaults are the caller's job: ascending implies nulls first, descending nulls last.
 */
import { takeBatchAt, takeColumnAt } from './take.js';
import { AnalysisError, InternalError, InvalidArgumentError } from '../errors.js';
import { Batch } from '../types/batch.js';
import { Column } from '../types/column.js';
import { byteWidth, isNestedType, typeToString, type DataType } from '../types/data-type.js';
import { encodeNestedKey } from './nested-keys.js';
import { type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';

/** One sort key: the column at `index`, its direction, and where its nulls go. */
export interface SortKey {
  index: number;
  ascending: boolean;
  nullsFirst: boolean;
}

/** Bytes of a string key kept in the encoded key row; longer strings that tie on it are compared in full. */
export const STRING_PREFIX_BYTES = 16;

// Flag bits of the encode kernels (assembly/lib/sort-keys.ts).
const KEY_DESC = 1;
const KEY_NULLS_FIRST = 2;
const KEY_U64_MODE = 4;
const KEY_NULL_BYTE = 8;
const KEY_OVERWRITE = 16;
/** Bytes per long-string descriptor passed to the kernels. */
const DESC_BYTES = 24;
/** Use a heap for top-k when k is at most this fraction of the rows; otherwise sort everything. */
const TOPK_HEAP_FRACTION = 0.25;
/** Rows per radix kernel call (see radixSortPacked). */
const RADIX_CHUNK = 1 << 18;

interface KeyPart {
  readonly column: Column;
  readonly key: SortKey;
  readonly nullByte: boolean;
  /** Value bytes after the null byte (prefix + length byte for strings). */
  readonly valueBytes: number;
  /** Byte offset of the part (its null byte, if any) in the key row. */
  readonly offset: number;
}

interface KeyLayout {
  readonly parts: readonly KeyPart[];
  /** Key bytes per row. */
  readonly width: number;
  /** Byte offset of the u32 row index in a key row. */
  readonly idxOff: number;
  /** Bytes per key row (a multiple of 8). */
  readonly stride: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function keyLayout(columns: readonly Column[], keys: readonly SortKey[], numRows: number, uniform = false): KeyLayout {
  if (!Number.isInteger(numRows) || numRows < 0) throw new InvalidArgumentError(`sort: row count must be a non-negative integer, got ${numRows}`);
  const parts: KeyPart[] = [];
  let offset = 0;
  for (const key of keys) {
    const column = columns[key.index];
    if (!column) throw new InternalError(`sort key refers to column ${key.index} but only ${columns.length} columns were given`);
    if (column.length !== numRows) {
      throw new InternalError(`sort key column ${key.index} has ${column.length} rows, expected ${numRows}`);
    }
    if (column.type.kind === 'null') continue; // every row is null: the key cannot reorder anything
    const nullByte = uniform || (column.nullCount > 0 && column.validity !== null);
    const valueBytes = column.type.kind === 'utf8' || isNestedType(column.type) ? STRING_PREFIX_BYTES + 1 : byteWidth(column.type);
    parts.push({ column, key, nullByte, valueBytes, offset });
    offset += (nullByte ? 1 : 0) + valueBytes;
  }
  const idxOff = align(offset, 4);
  return { parts, width: offset, idxOff, stride: align(idxOff + 4, 8) };
}

function flagsOf(part: KeyPart, extra: number): number {
  return (part.key.ascending ? 0 : KEY_DESC) | (part.key.nullsFirst ? KEY_NULLS_FIRST : 0) | (part.nullByte ? KEY_NULL_BYTE : 0) | extra;
}

function encoderFor(k: KernelExports, type: DataType): (...args: number[]) => number {
  switch (type.kind) {
    case 'boolean':
      return k.encode_u8!;
    case 'int8':
      return k.encode_i8!;
    case 'int16':
      return k.encode_i16!;
    case 'int32':
    case 'date32':
    case 'interval_ym':
      return k.encode_i32!;
    case 'decimal':
      // int128 decimals (precision > 18) encode in the decimal128 module (rows mode: 16 bytes > 8).
      return type.precision > 18 ? runtime().module('decimal128').encode_i128! : k.encode_i64!;
    case 'int64':
    case 'timestamp':
    case 'interval_dt':
      return k.encode_i64!;
    case 'float32':
      return k.encode_f32!;
    case 'float64':
      return k.encode_f64!;
    default:
      throw new InternalError(`sort: no fixed-width key encoder for type ${type.kind}`);
  }
}

/** Encodes every key into `stride`-byte rows at `rows` and writes each row's index. */
function encodeRows(k: KernelExports, layout: KeyLayout, numRows: number, rows: number): void {
  for (const p of layout.parts) {
    const c = p.column;
    if (c.type.kind === 'utf8') {
      k.encode_utf8!(c.offsetsPtr, c.valuesPtr, c.validityPtr, numRows, rows, layout.stride, p.offset, STRING_PREFIX_BYTES, flagsOf(p, 0));
    } else {
      encoderFor(k, c.type)(c.valuesPtr, c.validityPtr, numRows, rows, layout.stride, p.offset, flagsOf(p, 0));
    }
  }
  k.rows_write_index!(rows, numRows, layout.stride, layout.idxOff);
}

/** Writes the long-string descriptors (for full comparison of prefix ties); returns their count. */
function writeDescriptors(layout: KeyLayout, ptr: number): number {
  const strings = layout.parts.filter((p) => p.column.type.kind === 'utf8');
  const view = runtime().memory.i32(ptr, strings.length * (DESC_BYTES / 4));
  strings.forEach((p, j) => {
    const long = STRING_PREFIX_BYTES + 1;
    view.set(
      [
        p.offset + (p.nullByte ? 1 : 0) + STRING_PREFIX_BYTES, // the length byte
        p.key.ascending ? long : ~long & 0xff, // its stored value when the string is longer than the prefix
        p.key.ascending ? 0 : 1,
        p.column.offsetsPtr,
        p.column.valuesPtr,
        STRING_PREFIX_BYTES,
      ],
      j * (DESC_BYTES / 4),
    );
  });
  return strings.length;
}

function numStringKeys(layout: KeyLayout): number {
  return layout.parts.filter((p) => p.column.type.kind === 'utf8').length;
}

/**
 * Bytes of scratch memory argsort (or topK with `k`) needs for these keys, besides its result: what a
 * blocking operator reserves before sorting.
 */
export function sortScratchBytes(columns: readonly Column[], keys: readonly SortKey[], numRows: number, k?: number): number {
  const layout = keyLayout(columns, keys, numRows);
  const full = layout.width <= 8 ? numRows * 24 + 8192 : 2 * numRows * layout.stride + (layout.width + 1) * 2048 + numStringKeys(layout) * DESC_BYTES;
  if (k === undefined) return full;
  const count = Math.min(k, numRows);
  if (count === 0) return 0;
  if (count > numRows * TOPK_HEAP_FRACTION) return full;
  return numRows * layout.stride + k * 4 + numStringKeys(layout) * DESC_BYTES;
}

/**
 * Stable argsort: the permutation (int32, `numRows` entries) that orders the rows by `keys`, each
 * key naming a column of `columns` by index. Equal rows keep their input order. The caller owns the
 * returned buffer.
 */
export function argsort(columns: readonly Column[], keys: readonly SortKey[], numRows: number): WasmBuffer {
  if (hasNestedKey(columns, keys)) return withEncodedSortKeys(columns, keys, (cols) => argsort(cols, keys, numRows));
  const rt = runtime();
  const k = rt.module('sort');
  const mem = rt.memory;
  const layout = keyLayout(columns, keys, numRows);
  const out = WasmBuffer.allocate(mem, Math.max(1, numRows) * 4);
  try {
    if (numRows < 2 || layout.width === 0) {
      k.iota!(out.ptr, numRows);
    } else if (layout.width <= 8) {
      // Packed: key u64 (8n) | tmp keys (8n) | tmp indices (4n) | histograms.
      const n = numRows;
      rt.withScratch(n * 20 + k.radix_hist_bytes!() + 64, (base) => {
        const keysPtr = base;
        const tmpKeys = base + n * 8;
        const tmpIdx = base + n * 16;
        const hist = align(base + n * 20, 8);
        layout.parts.forEach((p, i) => {
          const shift = 8 * (layout.width - p.offset - (p.nullByte ? 1 : 0) - p.valueBytes);
          const flags = flagsOf(p, KEY_U64_MODE | (i === 0 ? KEY_OVERWRITE : 0));
          encoderFor(k, p.column.type)(p.column.valuesPtr, p.column.validityPtr, n, keysPtr, 0, shift, flags);
        });
        radixSortPacked(k, n, keysPtr, tmpKeys, out.ptr, tmpIdx, hist, mem);
      });
    } else {
      // Rows: key rows (n * stride) | tmp rows (n * stride) | histograms | string descriptors.
      const rowBytes = numRows * layout.stride;
      const histBytes = k.rows_hist_bytes!(layout.width);
      rt.withScratch(2 * rowBytes + histBytes + numStringKeys(layout) * DESC_BYTES + 8, (base) => {
        const rows = base;
        const tmp = base + rowBytes;
        const hist = base + 2 * rowBytes;
        const desc = hist + histBytes;
        encodeRows(k, layout, numRows, rows);
        const numDesc = writeDescriptors(layout, desc);
        k.sort_rows!(rows, tmp, numRows, layout.stride, layout.width, layout.idxOff, hist, desc, numDesc, out.ptr);
      });
    }
  } catch (e) {
    out.release();
    throw e;
  }
  return out;
}

function hasNestedKey(columns: readonly Column[], keys: readonly SortKey[]): boolean {
  return keys.some((k) => columns[k.index] !== undefined && isNestedType(columns[k.index]!.type));
}

/** The columns with every nested sort key replaced by its order-preserving byte encoding (nested-keys.ts). */
function encodeSortKeyColumns(columns: readonly Column[], keys: readonly SortKey[]): { cols: Column[]; release(): void } {
  const cols = [...columns];
  const temps: Column[] = [];
  try {
    for (const k of keys) {
      const c = columns[k.index];
      if (!c || !isNestedType(c.type) || cols[k.index] !== c) continue;
      if (c.type.kind === 'map') {
        throw new AnalysisError(`cannot sort on a map: the sort key ${k.index} has type ${typeToString(c.type)}, which has no ordering in Spark`);
      }
      const e = encodeNestedKey(c);
      temps.push(e);
      cols[k.index] = e;
    }
  } catch (e) {
    for (const t of temps) t.release();
    throw e;
  }
  return { cols, release: () => temps.forEach((t) => t.release()) };
}

function withEncodedSortKeys<T>(columns: readonly Column[], keys: readonly SortKey[], f: (cols: readonly Column[]) => T): T {
  const { cols, release } = encodeSortKeyColumns(columns, keys);
  try {
    return f(cols);
  } finally {
    release();
  }
}

/**
 * LSD radix argsort of packed u64 keys: one histogram pass, then a scatter pass per digit that is not
 * constant (ping-ponging between the two key/index buffers); writes the permutation to `out`. Each
 * pass runs as several kernel calls of RADIX_CHUNK rows: V8 cannot swap optimised code into a running
 * wasm call, so chunking lets the first, baseline-compiled call tier the loop up for the rest.
 */
function radixSortPacked(k: KernelExports, n: number, keys: number, tmpKeys: number, out: number, tmpIdx: number, hist: number, mem: WasmMemory): void {
  mem.u8(hist, k.radix_hist_bytes!()).fill(0);
  for (let i = 0; i < n; i += RADIX_CHUNK) k.radix_histogram_u64!(keys, i, Math.min(n, i + RADIX_CHUNK), hist);
  let src = { keys, idx: out };
  let dst = { keys: tmpKeys, idx: tmpIdx };
  let first = 1;
  for (let d = 0, digits = k.radix_digits!(); d < digits; d++) {
    if (k.radix_prefix_u64!(keys, n, hist, d) === 0) continue;
    for (let i = 0; i < n; i += RADIX_CHUNK) {
      k.radix_scatter_u64!(src.keys, src.idx, dst.keys, dst.idx, i, Math.min(n, i + RADIX_CHUNK), hist, d, first);
    }
    first = 0;
    [src, dst] = [dst, src];
  }
  if (first) k.iota!(out, n);
  else if (src.idx !== out) mem.u8(out, n * 4).set(mem.u8(src.idx, n * 4));
}

/**
 * The first `k` rows of argsort's order, without sorting everything when k is small (a bounded
 * max-heap over the encoded keys, O(n log k)). Same ordering and stability as argsort. `indices`
 * holds at least `count` = min(k, numRows) valid entries; the caller owns it.
 */
export function topK(columns: readonly Column[], keys: readonly SortKey[], numRows: number, k: number): { indices: WasmBuffer; count: number } {
  if (!Number.isInteger(k) || k < 0) throw new InvalidArgumentError(`top-k: k must be a non-negative integer, got ${k}`);
  if (hasNestedKey(columns, keys)) return withEncodedSortKeys(columns, keys, (cols) => topK(cols, keys, numRows, k));
  const count = Math.min(k, numRows);
  const rt = runtime();
  const mem = rt.memory;
  if (count === 0) {
    keyLayout(columns, keys, numRows); // validates
    return { indices: WasmBuffer.allocate(mem, 4), count: 0 };
  }
  if (count > numRows * TOPK_HEAP_FRACTION) return { indices: argsort(columns, keys, numRows), count };
  const kern = rt.module('sort');
  const layout = keyLayout(columns, keys, numRows);
  const out = WasmBuffer.allocate(mem, count * 4);
  try {
    const rowBytes = numRows * layout.stride;
    rt.withScratch(rowBytes + count * 4 + numStringKeys(layout) * DESC_BYTES + 8, (base) => {
      const rows = base;
      const heap = base + rowBytes;
      const desc = heap + count * 4;
      encodeRows(kern, layout, numRows, rows);
      const numDesc = writeDescriptors(layout, desc);
      kern.topk_rows!(rows, numRows, layout.stride, layout.width, layout.idxOff, count, heap, desc, numDesc, out.ptr);
    });
  } catch (e) {
    out.release();
    throw e;
  }
  return { indices: out, count };
}

/**
 * A new column of `count` rows: row j is row indices[start + j] of `column` (indices are int32 row
 * numbers, e.g. a permutation from argsort). The column is borrowed. Uses the take kernels.
 */
export function gatherColumn(column: Column, indices: WasmBuffer, start: number, count: number): Column {
  checkRange(indices, start, count);
  return takeColumnAt(column, indices.ptr + start * 4, count);
}

/** gatherColumn over every column of a batch (borrowed); returns a new batch of `count` rows. */
export function gatherBatch(batch: Batch, indices: WasmBuffer, start: number, count: number): Batch {
  checkRange(indices, start, count);
  return takeBatchAt(batch, indices.ptr + start * 4, count);
}

function checkRange(indices: WasmBuffer, start: number, count: number): void {
  if (start < 0 || count < 0 || (start + count) * 4 > indices.byteLength) {
    throw new InternalError(`gather: rows [${start}, ${start + count}) are outside an index buffer of ${indices.byteLength >> 2} entries`);
  }
}

/** The identity permutation 0..n-1 (int32); the caller owns it. */
export function identityIndices(n: number): WasmBuffer {
  const rt = runtime();
  const out = WasmBuffer.allocate(rt.memory, Math.max(1, n) * 4);
  rt.module('sort').iota!(out.ptr, n);
  return out;
}

/**
 * The encoded key rows of one sorted batch for the K-way merge (assembly/merge.ts): the same
 * encoding as argsort's key rows, but in a layout that depends only on the key types (every key has
 * its null byte), so that rows of different batches compare with each other. The caller releases it.
 */
export interface MergeKeyRows {
  /** numRows rows of `stride` bytes: `width` key bytes, the u32 row number at `idxOff`. */
  readonly rows: WasmBuffer;
  readonly numRows: number;
  readonly stride: number;
  readonly width: number;
  readonly idxOff: number;
  /** The long-string descriptors (DESC_BYTES / 4 int32 each) of the string keys, in key order. */
  readonly descriptors: Int32Array;
  /** Frees the rows. */
  release(): void;
}

/** Number of int32 per long-string descriptor (see assembly/merge.ts). */
export const MERGE_DESC_INTS = DESC_BYTES / 4;

/** Encodes the sort keys of a batch's columns (borrowed) into uniform key rows for merging. */
export function encodeMergeKeys(columns: readonly Column[], keys: readonly SortKey[], numRows: number): MergeKeyRows {
  if (hasNestedKey(columns, keys)) {
    // the descriptors point into the encoded key columns: they live as long as the rows
    const { cols, release } = encodeSortKeyColumns(columns, keys);
    try {
      const rows = encodeMergeKeys(cols, keys, numRows);
      return { ...rows, release: () => (rows.release(), release()) };
    } catch (e) {
      release();
      throw e;
    }
  }
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('sort');
  const layout = keyLayout(columns, keys, numRows, true);
  const rows = WasmBuffer.allocate(mem, Math.max(1, numRows) * layout.stride);
  let ones: WasmBuffer | null = null;
  try {
    for (const p of layout.parts) {
      const c = p.column;
      let validity = c.validityPtr;
      if (validity === 0) {
        // The uniform layout has a null byte for every key: an all-valid validity makes the kernel write it.
        if (!ones) {
          ones = WasmBuffer.allocate(mem, Math.max(1, numRows));
          ones.bytes().fill(1);
        }
        validity = ones.ptr;
      }
      if (c.type.kind === 'utf8') {
        k.encode_utf8!(c.offsetsPtr, c.valuesPtr, validity, numRows, rows.ptr, layout.stride, p.offset, STRING_PREFIX_BYTES, flagsOf(p, 0));
      } else {
        encoderFor(k, c.type)(c.valuesPtr, validity, numRows, rows.ptr, layout.stride, p.offset, flagsOf(p, 0));
      }
    }
    k.rows_write_index!(rows.ptr, numRows, layout.stride, layout.idxOff);
    const strings = layout.parts.filter((p) => p.column.type.kind === 'utf8');
    const descriptors = new Int32Array(strings.length * MERGE_DESC_INTS);
    strings.forEach((p, j) => {
      const long = STRING_PREFIX_BYTES + 1;
      descriptors.set(
        [p.offset + 1 + STRING_PREFIX_BYTES, p.key.ascending ? long : ~long & 0xff, p.key.ascending ? 0 : 1, p.column.offsetsPtr, p.column.valuesPtr, STRING_PREFIX_BYTES],
        j * MERGE_DESC_INTS,
      );
    });
    return { rows, numRows, stride: layout.stride, width: layout.width, idxOff: layout.idxOff, descriptors, release: () => rows.release() };
  } catch (e) {
    rows.release();
    throw e;
  } finally {
    ones?.release();
  }
}

/**
 * An upper bound of argsort's scratch for these keys as `fixed + perRow * rows`, valid for any batch
 * of the same key types whatever its nulls (so sums over batches bound the scratch of their
 * concatenation): what an external sort uses to decide when held rows must be spilled.
 */
export function sortScratchBound(columns: readonly Column[], keys: readonly SortKey[], numRows: number): { perRow: number; fixed: number } {
  let perRow = 0;
  let fixed = 0;
  for (const uniform of [false, true]) {
    const layout = keyLayout(columns, keys, numRows, uniform);
    const packed = layout.width <= 8;
    perRow = Math.max(perRow, packed ? 24 : 2 * layout.stride);
    fixed = Math.max(fixed, packed ? 8192 : (layout.width + 1) * 2048 + numStringKeys(layout) * DESC_BYTES);
  }
  return { perRow, fixed };
}
