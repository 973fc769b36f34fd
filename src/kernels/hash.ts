/**
 * Row hashing over columns (kernels: assembly/hash.ts, hash function: assembly/lib/hash.ts).
 *
 * A row's hash folds its columns' hashes left to right with hash_combine, so the same key columns
 * hash the same in aggregation, joins and shuffles. Integers hash by value across widths (an int32 5
 * and an int64 5 hash equally), float32 like its float64 widening, -0.0 like 0.0, NaN like NaN, and
 * null to a fixed constant.
 */
import { InternalError } from '../errors.js';
import type { Column } from '../types/column.js';
import { typeToString } from '../types/data-type.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { encodeNestedKey } from './nested-keys.js';

/** Bytes per row of a hash buffer (one u64). */
export const HASH_BYTES = 8;

/**
 * Hashes one column into the u64s at `outPtr` (numRows = column.length): writes each row's hash, or
 * with `combine` folds it into the hash already there.
 */
export function hashColumnInto(column: Column, outPtr: number, combine: boolean): void {
  const k = runtime().module('hash');
  const n = column.length;
  const c = combine ? 1 : 0;
  const v = column.valuesPtr;
  const valid = column.validityPtr;
  switch (column.type.kind) {
    case 'null':
      k.hash_nulls!(n, outPtr, c);
      return;
    case 'boolean':
      k.hash_bool!(v, valid, n, outPtr, c);
      return;
    case 'int8':
      k.hash_i8!(v, valid, n, outPtr, c);
      return;
    case 'int16':
      k.hash_i16!(v, valid, n, outPtr, c);
      return;
    case 'int32':
    case 'date32':
    case 'interval_ym':
      k.hash_i32!(v, valid, n, outPtr, c);
      return;
    case 'decimal':
      // int128 decimals (precision > 18): the decimal128 module; a value that fits int64 hashes like it.
      if (column.type.precision > 18) runtime().module('decimal128').hash_i128!(v, valid, n, outPtr, c);
      else k.hash_i64!(v, valid, n, outPtr, c);
      return;
    case 'int64':
    case 'timestamp':
    case 'interval_dt':
      k.hash_i64!(v, valid, n, outPtr, c);
      return;
    case 'float32':
      k.hash_f32!(v, valid, n, outPtr, c);
      return;
    case 'float64':
      k.hash_f64!(v, valid, n, outPtr, c);
      return;
    case 'utf8':
      k.hash_utf8!(column.offsetsPtr, v, valid, n, outPtr, c);
      return;
    case 'array':
    case 'map':
    case 'struct': {
      // nested values hash as their key encoding (nested-keys.ts), as key tables compare them
      const e = encodeNestedKey(column);
      try {
        k.hash_utf8!(e.offsetsPtr, e.valuesPtr, e.validityPtr, n, outPtr, c);
      } finally {
        e.release();
      }
      return;
    }
    default: {
      const never: never = column.type;
      throw new InternalError(`hashColumnInto: no hash kernel for type ${typeToString(never)}`);
    }
  }
}

/**
 * Hashes the rows of `columns` (all of `numRows` rows) into a new buffer of numRows u64 hashes
 * (8 bytes per row); the caller releases it. With no columns every hash is 0.
 */
export function hashColumns(columns: readonly Column[], numRows: number): WasmBuffer {
  const rt = runtime();
  for (let i = 0; i < columns.length; i++) {
    if (columns[i]!.length !== numRows) {
      throw new InternalError(`hashColumns: key column ${i} has ${columns[i]!.length} rows, expected ${numRows}`);
    }
  }
  const out = WasmBuffer.allocate(rt.memory, Math.max(1, numRows) * HASH_BYTES);
  try {
    if (columns.length === 0) rt.memory.u8(out.ptr, numRows * HASH_BYTES).fill(0);
    columns.forEach((c, i) => hashColumnInto(c, out.ptr, i > 0));
  } catch (e) {
    out.release();
    throw e;
  }
  return out;
}
