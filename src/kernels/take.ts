/**
 * Data movement over columns and batches (kernels: assembly/take.ts): gather by a selection vector
 * (int32 row indices in wasm memory), filter by a boolean mask, slice, and concatenate.
 *
 * Inputs are borrowed; every returned Column/Batch is owned by the caller. Outputs carry an exact
 * nullCount and no validity buffer when nullCount is 0. `filterBatch` and `sliceBatch` pass a batch
 * through (retained, zero-copy) when every row is kept.
 */
import { InternalError, InvalidArgumentError } from '../errors.js';
import { Batch } from '../types/batch.js';
import { Column } from '../types/column.js';
import { byteWidth, isNestedType, typeToString, type DataType } from '../types/data-type.js';
import type { Schema } from '../types/schema.js';
import { concatColumns } from '../types/arrow-interop.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { finishColumn } from './common.js';
import { sliceNested, takeNestedAt } from './nested.js';

/** A selection vector: `count` int32 row indices in `indices` (owned by the caller). */
export interface Selection {
  readonly indices: WasmBuffer;
  readonly count: number;
}

const TAKE_KERNEL: Record<number, string> = { 1: 'take_8', 2: 'take_16', 4: 'take_32', 8: 'take_64' };

/**
 * Gathers rows of `col` at the `count` int32 indices starting at address `indicesPtr` (each in
 * [0, col.length)). The pointer-level form of takeColumn, for kernels' callers that slice one index
 * buffer (e.g. per-partition ranges).
 */
export function takeColumnAt(col: Column, indicesPtr: number, count: number): Column {
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('take');
  if (col.type.kind === 'null') return new Column(col.type, count, null, null, null, count);
  if (isNestedType(col.type)) return takeNestedAt(col, indicesPtr, count);
  let validity: WasmBuffer | null = null;
  let nullCount = 0;
  let values: WasmBuffer | null = null;
  let offsets: WasmBuffer | null = null;
  try {
    if (col.validity && col.nullCount > 0) {
      validity = WasmBuffer.allocate(mem, Math.max(1, count));
      nullCount = k.take_validity!(col.validity.ptr, indicesPtr, count, validity.ptr);
    }
    if (col.type.kind === 'utf8') {
      offsets = WasmBuffer.allocate(mem, (count + 1) * 4);
      const total = k.take_utf8_offsets!(col.offsetsPtr, indicesPtr, count, offsets.ptr);
      values = WasmBuffer.allocate(mem, Math.max(1, total));
      k.take_utf8_bytes!(col.offsetsPtr, col.valuesPtr, indicesPtr, count, offsets.ptr, values.ptr);
    } else {
      const width = byteWidth(col.type);
      const kernel = TAKE_KERNEL[width];
      if (width === 16) {
        // int128 decimals (decimal128 module)
        values = WasmBuffer.allocate(mem, Math.max(1, count) * width);
        rt.module('decimal128').take_128!(col.valuesPtr, indicesPtr, count, values.ptr);
        return finishColumn(col.type, count, values, validity, offsets, nullCount);
      }
      if (!kernel) throw new InternalError(`takeColumn: no gather kernel for type ${typeToString(col.type)}`);
      values = WasmBuffer.allocate(mem, Math.max(1, count) * width);
      k[kernel]!(col.valuesPtr, indicesPtr, count, values.ptr);
    }
    return finishColumn(col.type, count, values, validity, offsets, nullCount);
  } catch (e) {
    validity?.release();
    values?.release();
    offsets?.release();
    throw e;
  }
}

/** Gathers the rows of `col` at the first `count` int32 indices of `indices` (each in [0, col.length)). */
export function takeColumn(col: Column, indices: WasmBuffer, count: number): Column {
  checkIndices(indices, count);
  return takeColumnAt(col, indices.ptr, count);
}

/** Pointer-level takeBatch: gathers every column at the `count` indices at `indicesPtr`. */
export function takeBatchAt(batch: Batch, indicesPtr: number, count: number): Batch {
  const columns: Column[] = [];
  try {
    for (const c of batch.columns) columns.push(takeColumnAt(c, indicesPtr, count));
  } catch (e) {
    for (const c of columns) c.release();
    throw e;
  }
  return new Batch(batch.schema, columns, count);
}

/** Gathers the rows of every column of `batch` at the first `count` indices of `indices`. */
export function takeBatch(batch: Batch, indices: WasmBuffer, count: number): Batch {
  checkIndices(indices, count);
  return takeBatchAt(batch, indices.ptr, count);
}

/**
 * The rows where a boolean mask is TRUE (null counts as false, SQL WHERE semantics), as a selection
 * vector with room for mask.length indices. The caller releases `indices`.
 */
export function selectionFromMask(mask: Column): Selection {
  if (mask.type.kind !== 'boolean' && mask.type.kind !== 'null') {
    throw new InvalidArgumentError(`filter predicate must be boolean, got ${typeToString(mask.type)}`);
  }
  const rt = runtime();
  const indices = WasmBuffer.allocate(rt.memory, Math.max(1, mask.length) * 4);
  if (mask.type.kind === 'null') return { indices, count: 0 };
  const count = rt.module('take').mask_to_selection!(mask.valuesPtr, mask.validityPtr, mask.length, indices.ptr);
  return { indices, count };
}

/**
 * Keeps the rows of `batch` where `mask` is TRUE. Every row kept: the batch itself, retained
 * (zero-copy); none: an empty batch; otherwise a gathered copy.
 */
export function filterBatch(batch: Batch, mask: Column): Batch {
  if (mask.length !== batch.numRows) {
    throw new InternalError(`filter: the predicate has ${mask.length} rows, the batch has ${batch.numRows}`);
  }
  const { indices, count } = selectionFromMask(mask);
  try {
    if (count === batch.numRows) return batch.retain();
    if (count === 0) return emptyBatch(batch.schema);
    return takeBatchAt(batch, indices.ptr, count);
  } finally {
    indices.release();
  }
}

/** A zero-row column of `type`. */
export function emptyColumn(type: DataType): Column {
  if (type.kind === 'null') return new Column(type, 0, null, null, null, 0);
  return concatColumns(runtime(), type, []);
}

/** A zero-row batch of `schema`. */
export function emptyBatch(schema: Schema): Batch {
  return new Batch(schema, schema.fields.map((f) => emptyColumn(f.type)), 0);
}

/** Copies rows [offset, offset + length) of `col` into a new column. */
export function sliceColumn(col: Column, offset: number, length: number): Column {
  checkRange(col.length, offset, length);
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('take');
  if (col.type.kind === 'null') return new Column(col.type, length, null, null, null, length);
  if (isNestedType(col.type)) return sliceNested(col, offset, length);
  let validity: WasmBuffer | null = null;
  let nullCount = 0;
  let values: WasmBuffer | null = null;
  let offsets: WasmBuffer | null = null;
  try {
    if (col.validity && col.nullCount > 0) {
      validity = WasmBuffer.allocate(mem, Math.max(1, length));
      k.copy_range!(col.validity.ptr, offset, length, validity.ptr);
      nullCount = k.count_zeros!(validity.ptr, length);
    }
    if (col.type.kind === 'utf8') {
      offsets = WasmBuffer.allocate(mem, (length + 1) * 4);
      const start = k.slice_offsets!(col.offsetsPtr, offset, length, offsets.ptr);
      const bytes = mem.i32(offsets.ptr, length + 1)[length]!;
      values = WasmBuffer.allocate(mem, Math.max(1, bytes));
      k.copy_range!(col.valuesPtr, start, bytes, values.ptr);
    } else {
      const width = byteWidth(col.type);
      values = WasmBuffer.allocate(mem, Math.max(1, length) * width);
      k.copy_range!(col.valuesPtr, offset * width, length * width, values.ptr);
    }
    return finishColumn(col.type, length, values, validity, offsets, nullCount);
  } catch (e) {
    validity?.release();
    values?.release();
    offsets?.release();
    throw e;
  }
}

/** Rows [offset, offset + length) of `batch`: the batch itself (retained) when that is every row, else a copy. */
export function sliceBatch(batch: Batch, offset: number, length: number): Batch {
  checkRange(batch.numRows, offset, length);
  if (offset === 0 && length === batch.numRows) return batch.retain();
  const columns: Column[] = [];
  try {
    for (const c of batch.columns) columns.push(sliceColumn(c, offset, length));
  } catch (e) {
    for (const c of columns) c.release();
    throw e;
  }
  return new Batch(batch.schema, columns, length);
}

/** Concatenates batches of `schema` into one (a lone batch is returned retained; none gives an empty batch). */
export function concatBatches(schema: Schema, batches: readonly Batch[]): Batch {
  for (const b of batches) {
    if (b.columns.length !== schema.length) {
      throw new InternalError(`concatBatches: a batch has ${b.columns.length} columns, the schema has ${schema.length}`);
    }
  }
  if (batches.length === 1) return batches[0]!.retain();
  const rt = runtime();
  const rows = batches.reduce((s, b) => s + b.numRows, 0);
  const columns: Column[] = [];
  try {
    for (let i = 0; i < schema.length; i++) {
      const type = schema.fields[i]!.type;
      if (type.kind === 'null') columns.push(new Column(type, rows, null, null, null, rows));
      else columns.push(concatColumns(rt, type, batches.map((b) => b.columns[i]!)));
    }
  } catch (e) {
    for (const c of columns) c.release();
    throw e;
  }
  return new Batch(schema, columns, rows);
}

function checkIndices(indices: WasmBuffer, count: number): void {
  if (!Number.isInteger(count) || count < 0 || count * 4 > indices.byteLength) {
    throw new InternalError(`take: ${count} indices requested from a buffer of ${indices.byteLength} bytes`);
  }
}

function checkRange(rows: number, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > rows) {
    throw new InvalidArgumentError(`slice [${offset}, ${offset + length}) is outside a batch of ${rows} rows`);
  }
}
