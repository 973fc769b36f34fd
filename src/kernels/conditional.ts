/**
 * Conditional selection (CASE WHEN, coalesce) and literal broadcast over wasm-resident columns.
 * Inputs are borrowed; results are new columns owned by the caller.
 */
import { InternalError } from '../errors.js';
import { type DataType, byteWidth, isNestedType, typeEquals, typeToString } from '../types/data-type.js';
import { Column, nullColumn } from '../types/column.js';
import { type CellValue, columnFromJs, parseDate, parseDecimal } from '../types/values.js';
import { ifElseNested, repeatRow } from './nested.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { finishColumn, withCopyInWasm } from './common.js';

/** Row-wise `cond ? a : b`; a null condition selects `b`. All three columns have the same length; a and b the same type. */
export function ifElse(cond: Column, a: Column, b: Column): Column {
  if (!typeEquals(a.type, b.type)) throw new InternalError(`ifElse of ${typeToString(a.type)} and ${typeToString(b.type)}`);
  const rt = runtime();
  const k = rt.module('conditional');
  const n = cond.length;
  const type = a.type;
  if (type.kind === 'null') return nullColumn(rt.memory, type, n);
  if (isNestedType(type)) return ifElseNested(cond, a, b);
  const validity = WasmBuffer.allocate(rt.memory, Math.max(1, n));
  if (type.kind === 'utf8') {
    const offsets = WasmBuffer.allocate(rt.memory, (n + 1) * 4);
    const total = k.if_else_utf8_offsets!(
      cond.valuesPtr, cond.validityPtr, a.offsetsPtr, a.validityPtr, b.offsetsPtr, b.validityPtr, n, offsets.ptr, validity.ptr,
    );
    const values = WasmBuffer.allocate(rt.memory, Math.max(1, total));
    k.if_else_utf8_bytes!(cond.valuesPtr, cond.validityPtr, a.offsetsPtr, a.valuesPtr, b.offsetsPtr, b.valuesPtr, n, offsets.ptr, values.ptr);
    return withNullCount(type, n, values, validity, offsets);
  }
  const values = WasmBuffer.allocate(rt.memory, Math.max(1, n) * byteWidth(type));
  if (byteWidth(type) === 16) {
    rt.module('decimal128').if_else_128!(cond.valuesPtr, cond.validityPtr, a.valuesPtr, a.validityPtr, b.valuesPtr, b.validityPtr, n, values.ptr, validity.ptr);
    return withNullCount(type, n, values, validity, null);
  }
  k.if_else_fixed!(
    byteWidth(type), cond.valuesPtr, cond.validityPtr, a.valuesPtr, a.validityPtr, b.valuesPtr, b.validityPtr, n, values.ptr, validity.ptr,
  );
  return withNullCount(type, n, values, validity, null);
}

/** A column of `n` copies of one value (NULL gives an all-null column). */
export function literalColumn(type: DataType, value: CellValue, n: number): Column {
  const rt = runtime();
  const mem = rt.memory;
  if (value === null || type.kind === 'null') return nullColumn(mem, type, n);
  if (isNestedType(type)) {
    // a nested constant: built once from its JS value, then row 0 repeated (kernels/nested.ts)
    const one = columnFromJs(type, [value]);
    try {
      return repeatRow(one, n);
    } finally {
      one.release();
    }
  }
  if (type.kind === 'utf8') {
    const bytes = new TextEncoder().encode(String(value));
    const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    const values = WasmBuffer.allocate(mem, Math.max(1, bytes.length * n));
    withCopyInWasm(bytes, (src) => rt.module('conditional').repeat_utf8!(src, bytes.length, n, offsets.ptr, values.ptr));
    return new Column(type, n, values, null, offsets, 0);
  }
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * byteWidth(type));
  const buf = mem.memory.buffer;
  switch (type.kind) {
    case 'boolean':
      new Uint8Array(buf, values.ptr, n).fill(value ? 1 : 0);
      break;
    case 'int8':
      new Int8Array(buf, values.ptr, n).fill(Number(value));
      break;
    case 'int16':
      new Int16Array(buf, values.ptr, n).fill(Number(value));
      break;
    case 'int32':
    case 'interval_ym':
      new Int32Array(buf, values.ptr, n).fill(Number(value));
      break;
    case 'date32':
      new Int32Array(buf, values.ptr, n).fill(typeof value === 'number' ? value : parseDate(value as string | Date));
      break;
    case 'float32':
      new Float32Array(buf, values.ptr, n).fill(Number(value));
      break;
    case 'float64':
      new Float64Array(buf, values.ptr, n).fill(Number(value));
      break;
    case 'int64':
    case 'interval_dt':
      new BigInt64Array(buf, values.ptr, n).fill(BigInt(value as number | bigint));
      break;
    case 'timestamp':
      new BigInt64Array(buf, values.ptr, n).fill(value instanceof Date ? BigInt(value.getTime()) * 1000n : BigInt(value as bigint));
      break;
    case 'decimal': {
      const u = parseDecimal(value as string | number | bigint, type.scale);
      if (byteWidth(type) === 8) new BigInt64Array(buf, values.ptr, n).fill(u);
      else {
        // int128: low word, high word (decimal128.ts)
        const words = new BigInt64Array(buf, values.ptr, 2 * n);
        for (let i = 0; i < n; i++) {
          words[2 * i] = BigInt.asIntN(64, u);
          words[2 * i + 1] = u >> 64n;
        }
      }
      break;
    }
  }
  return new Column(type, n, values, null, null, 0);
}

function withNullCount(type: DataType, n: number, values: WasmBuffer, validity: WasmBuffer, offsets: WasmBuffer | null): Column {
  return finishColumn(type, n, values, validity, offsets, runtime().module('convert').count_zero_bytes!(validity.ptr, n));
}
