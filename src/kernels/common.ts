/**
 * Helpers shared by the kernel wrappers of src/kernels/: kernel lookup, building result columns
 * (validity shared with the input, or new and dropped when no row is null), the AND of validities,
 * kernel name suffixes of physical types, and copying small inputs into scratch wasm memory.
 */
import { InternalError } from '../errors.js';
import { type DataType, byteWidth } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { WasmBuffer } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';

/** A kernel export by name; InternalError if the module lacks it (a build out of date). */
export function kernelFn(module: string, name: string): (...args: number[]) => number {
  const k: KernelExports = runtime().module(module);
  const fn = k[name];
  if (!fn) throw new InternalError(`kernel module '${module}' has no export '${name}': rebuild with 'npm run build:wasm'`);
  return fn;
}

/**
 * Builds a result column, dropping (releasing) the validity buffer when no row is null. Takes
 * ownership of the buffers passed.
 */
export function finishColumn(
  type: DataType,
  n: number,
  values: WasmBuffer | null,
  validity: WasmBuffer | null,
  offsets: WasmBuffer | null,
  nullCount: number,
): Column {
  if (validity && nullCount === 0) {
    validity.release();
    validity = null;
  }
  return new Column(type, n, values, validity, offsets, nullCount);
}

/** A column sharing `col`'s buffers (each retained) under another type of the same layout. */
export function shareColumn(col: Column, type: DataType = col.type): Column {
  col.values?.retain();
  col.validity?.retain();
  col.offsets?.retain();
  return new Column(type, col.length, col.values, col.validity, col.offsets, col.nullCount);
}

/** A new buffer of `bytes` bytes after `fill` has run on it; released if `fill` throws. */
export function filledBuffer(bytes: number, fill: (ptr: number) => void): WasmBuffer {
  const buf = WasmBuffer.allocate(runtime().memory, bytes);
  try {
    fill(buf.ptr);
  } catch (e) {
    buf.release();
    throw e;
  }
  return buf;
}

/** Runs `fn` with a copy of `data` (e.g. a pattern or a literal's bytes) in scratch wasm memory; returns its result. */
export function withCopyInWasm<T>(data: Uint8Array | Int32Array, fn: (ptr: number) => T): T {
  const rt = runtime();
  return rt.withScratch(Math.max(1, data.byteLength), (ptr) => {
    rt.memory.u8(ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return fn(ptr);
  });
}

/** Runs a kernel that writes values only (no new nulls) into a new column of type `to`: validity is shared with `col`. */
export function mapValues(col: Column, to: DataType, run: (dst: number) => void): Column {
  const values = filledBuffer(Math.max(1, col.length) * byteWidth(to), run);
  return new Column(to, col.length, values, col.validity?.retain() ?? null, null, col.nullCount);
}

/**
 * Runs a kernel that writes `n` values and `n` validity bytes and returns the null count; builds the
 * column of type `to` (validity dropped when no row is null).
 */
export function nullableColumn(to: DataType, n: number, run: (dst: number, dstValid: number) => number): Column {
  const mem = runtime().memory;
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * byteWidth(to));
  const validity = WasmBuffer.allocate(mem, Math.max(1, n));
  let nulls: number;
  try {
    nulls = run(values.ptr, validity.ptr);
  } catch (e) {
    values.release();
    validity.release();
    throw e;
  }
  return finishColumn(to, n, values, validity, null, nulls);
}

/**
 * The validity of a row-wise combination of columns: the AND of their validity. A buffer of an input
 * is shared (retained) when it is the only one with nulls; otherwise a new buffer is computed. The
 * returned buffer (or null: no nulls) is owned by the caller.
 */
export function combineValidity(cols: readonly Column[]): { validity: WasmBuffer | null; nullCount: number } {
  const withNulls = cols.filter((c) => c.validity !== null && c.nullCount > 0);
  if (withNulls.length === 0) return { validity: null, nullCount: 0 };
  const first = withNulls[0]!;
  if (withNulls.length === 1) return { validity: first.validity!.retain(), nullCount: first.nullCount };
  const n = first.length;
  const out = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
  const and = kernelFn('boolean', 'validity_and');
  let nulls = and(first.validityPtr, withNulls[1]!.validityPtr, n, out.ptr);
  for (let i = 2; i < withNulls.length; i++) nulls = and(out.ptr, withNulls[i]!.validityPtr, n, out.ptr);
  return { validity: out, nullCount: nulls };
}

/**
 * Kernel name suffix of a type's physical layout (`u8` boolean, `i8`..`i64` integers, date32 as
 * `i32`, decimal and timestamp as `i64`, `f32`, `f64`, `utf8`); null for the null type.
 */
export function physicalSuffix(t: DataType): string | null {
  switch (t.kind) {
    case 'boolean':
      return 'u8';
    case 'int8':
      return 'i8';
    case 'int16':
      return 'i16';
    case 'int32':
    case 'date32':
    case 'interval_ym':
      return 'i32';
    case 'int64':
    case 'decimal':
    case 'timestamp':
    case 'interval_dt':
      return 'i64';
    case 'float32':
      return 'f32';
    case 'float64':
      return 'f64';
    case 'utf8':
      return 'utf8';
    default:
      return null;
  }
}
