/**
 * The Arrow boundary: Arrow record batches come into WebAssembly memory as Kindling batches, and
 * Kindling batches go out as Arrow record batches.
 *
 * Copy policy: data is copied exactly once on the way in (Arrow JS buffers -> wasm memory, with bit
 * flags widened to bytes and decimal128 narrowed to int64) and once on the way out (wasm memory ->
 * fresh JS buffers). Everything in between (filters, projections, joins, aggregations) works on the
 * wasm-resident buffers, passing columns through by reference where it can. Results handed to a user
 * never alias wasm memory, so they stay valid after the engine frees or reuses it.
 */
import * as arrow from 'apache-arrow';
import { KindlingIOError, NotImplementedError } from '../errors.js';
import { type KernelRuntime, runtime } from '../wasm/runtime.js';
import { WasmBuffer } from '../wasm/memory.js';
import { type DataType, DataTypes, byteWidth, MAX_DECIMAL_PRECISION } from './data-type.js';
import { Column, nullColumn } from './column.js';
import { Batch } from './batch.js';
import { Schema, field, type Field } from './schema.js';
import { takeColumnAt } from '../kernels/take.js';
import { isNestedType } from './data-type.js';
import { dayTimeIntervalType, yearMonthIntervalType } from './interval.js';
import { intervalToArrowType } from './interval-columns.js';
import { nestedFromArrowData, nestedFromArrowType, nestedToArrowData, nestedToArrowType } from './nested-arrow.js';
import { concatNested } from '../kernels/nested.js';

/** Maps an Arrow type to Kindling's; throws NotImplementedError naming the column for unsupported types. */
export function fromArrowType(t: arrow.DataType, columnName: string): DataType {
  switch (t.typeId) {
    case arrow.Type.Null:
      return DataTypes.Null;
    case arrow.Type.Bool:
      return DataTypes.Boolean;
    case arrow.Type.Int: {
      const it = t as arrow.Int;
      if (it.isSigned) return [DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long][Math.log2(it.bitWidth / 8)]!;
      if (it.bitWidth === 8) return DataTypes.Short;
      if (it.bitWidth === 16) return DataTypes.Integer;
      if (it.bitWidth === 32) return DataTypes.Long;
      throw new NotImplementedError(`column '${columnName}': unsigned 64-bit integers are not supported (Spark has no such type)`);
    }
    case arrow.Type.Float: {
      const ft = t as arrow.Float;
      if (ft.precision === arrow.Precision.SINGLE) return DataTypes.Float;
      if (ft.precision === arrow.Precision.DOUBLE) return DataTypes.Double;
      throw new NotImplementedError(`column '${columnName}': half-precision floats are not supported`);
    }
    case arrow.Type.Decimal: {
      const dt = t as arrow.Decimal;
      if (dt.bitWidth !== 128 || dt.precision > MAX_DECIMAL_PRECISION) {
        throw new NotImplementedError(
          `column '${columnName}': decimal(${dt.precision},${dt.scale}) exceeds Kindling's maximum precision ${MAX_DECIMAL_PRECISION}`,
        );
      }
      return DataTypes.decimal(dt.precision, dt.scale);
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return DataTypes.String;
    case arrow.Type.Date:
      return DataTypes.Date;
    case arrow.Type.Timestamp:
      return DataTypes.Timestamp;
    case arrow.Type.Interval:
      // Interval(YEAR_MONTH) is Spark's year-month interval; DAY_TIME / MONTH_DAY_NANO have no Spark type
      if ((t as arrow.Interval).unit === arrow.IntervalUnit.YEAR_MONTH) return yearMonthIntervalType();
      throw new NotImplementedError(`column '${columnName}': Arrow type ${String(t)} is not supported (only Interval(YEAR_MONTH))`);
    case arrow.Type.Duration:
      return dayTimeIntervalType();
    case arrow.Type.Dictionary:
      return fromArrowType((t as arrow.Dictionary).dictionary, columnName);
    case arrow.Type.List:
    case arrow.Type.Map:
    case arrow.Type.Struct:
    case arrow.Type.LargeList:
    case arrow.Type.FixedSizeList:
      return nestedFromArrowType(t, columnName, fromArrowType)!;
    default:
      throw new NotImplementedError(`column '${columnName}': Arrow type ${String(t)} is not supported`);
  }
}

/** Maps a Kindling type to the Arrow type used when data leaves the engine. */
export function toArrowType(t: DataType): arrow.DataType {
  switch (t.kind) {
    case 'null':
      return new arrow.Null();
    case 'boolean':
      return new arrow.Bool();
    case 'int8':
      return new arrow.Int8();
    case 'int16':
      return new arrow.Int16();
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'float32':
      return new arrow.Float32();
    case 'float64':
      return new arrow.Float64();
    case 'decimal':
      return new arrow.Decimal(t.scale, t.precision, 128);
    case 'utf8':
      return new arrow.Utf8();
    case 'date32':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.TimestampMicrosecond();
    case 'interval_ym':
    case 'interval_dt':
      return intervalToArrowType(t);
    case 'array':
    case 'map':
    case 'struct':
      return nestedToArrowType(t, toArrowType);
  }
}

/** Converts an Arrow schema to Kindling's. */
export function fromArrowSchema(schema: arrow.Schema): Schema {
  return new Schema(schema.fields.map((f) => field(f.name, fromArrowType(f.type, f.name), f.nullable)));
}

/** Converts a Kindling schema to Arrow's. */
export function toArrowSchema(schema: Schema): arrow.Schema {
  return new arrow.Schema(schema.fields.map((f) => new arrow.Field(f.name, toArrowType(f.type), f.nullable)));
}

/** Copies an Arrow record batch into wasm memory as a Kindling batch (schema converted with fromArrowSchema). */
export function batchFromArrow(rb: arrow.RecordBatch, schema: Schema = fromArrowSchema(rb.schema)): Batch {
  const rt = runtime();
  const columns: Column[] = [];
  try {
    for (let i = 0; i < schema.length; i++) {
      const f = schema.fields[i]!;
      const child = rb.getChildAt(i);
      if (!child) throw new KindlingIOError(`record batch lacks column ${i} ('${f.name}')`);
      columns.push(columnFromArrow(rt, f, child));
    }
  } catch (e) {
    for (const c of columns) c.release();
    throw e;
  }
  return new Batch(schema, columns, rb.numRows);
}

/** Copies one Arrow vector (possibly several chunks) into wasm memory as one column. */
export function columnFromArrow(rt: KernelRuntime, f: Field, vector: arrow.Vector): Column {
  if (vector.data.length === 1) return columnFromArrowData(rt, f, vector.data[0]!);
  const parts = vector.data.map((d) => columnFromArrowData(rt, f, d));
  try {
    return concatColumns(rt, f.type, parts);
  } finally {
    for (const p of parts) p.release();
  }
}

function columnFromArrowData(rt: KernelRuntime, f: Field, data: arrow.Data): Column {
  const k = rt.module('convert');
  const mem = rt.memory;
  const n = data.length;
  if (f.type.kind === 'null') return new Column(f.type, n, null, null, null, n);
  // Validity: Arrow bits (with the slice's bit offset) -> bytes. For dictionary-encoded data these
  // are the nulls of the indices.
  let validity: WasmBuffer | null = null;
  let nullCount = 0;
  if (data.nullBitmap && data.nullBitmap.length > 0 && data.nullCount !== 0) {
    validity = WasmBuffer.allocate(mem, Math.max(1, n));
    rt.withScratch(data.nullBitmap.byteLength, (src) => {
      mem.u8(src, data.nullBitmap!.byteLength).set(data.nullBitmap!);
      nullCount = k.bits_to_bytes!(src, data.offset, n, validity!.ptr);
    });
    if (nullCount === 0) {
      validity.release();
      validity = null;
    }
  }
  if (isNestedType(f.type) && data.type.typeId !== arrow.Type.Dictionary) {
    return nestedFromArrowData(rt, f.type, f.name, data, validity, nullCount, (t, name, d) => columnFromArrowData(rt, field(name, t), d));
  }
  if (data.type.typeId === arrow.Type.Dictionary) {
    try {
      return decodeDictionary(rt, f, data as arrow.Data<arrow.Dictionary>, validity, nullCount);
    } finally {
      validity?.release();
    }
  }
  try {
    const t = f.type;
    const src = data.values as ArrayBufferView;
    if (t.kind === 'utf8') {
      const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
      const raw = data.valueOffsets as Int32Array | BigInt64Array;
      let start: number;
      let end: number;
      if (raw instanceof BigInt64Array) {
        // LargeUtf8: int64 offsets narrowed to int32, rebased to the first one (kernel).
        start = Number(raw[0]);
        end = Number(raw[n]);
        if (end - start > 0x7fffffff) {
          offsets.release();
          throw new NotImplementedError(`column '${f.name}': a batch holds more than 2 GiB of string data`);
        }
        rt.withScratch((n + 1) * 8, (tmp) => {
          mem.u8(tmp, (n + 1) * 8).set(new Uint8Array(raw.buffer, raw.byteOffset, (n + 1) * 8));
          k.narrow_offsets_i64!(tmp, n + 1, offsets.ptr);
        });
      } else {
        start = raw[0]!;
        end = raw[n]!;
        rt.withScratch((n + 1) * 4, (tmp) => {
          mem.i32(tmp, n + 1).set(raw.subarray(0, n + 1));
          k.rebase_i32!(tmp, n + 1, start, offsets.ptr);
        });
      }
      const bytes = (data.values as Uint8Array).subarray(start, end);
      const values = WasmBuffer.allocate(mem, Math.max(1, bytes.byteLength));
      mem.u8(values.ptr, bytes.byteLength).set(bytes);
      return new Column(t, n, values, validity, offsets, nullCount);
    }
    const width = byteWidth(t);
    const values = WasmBuffer.allocate(mem, Math.max(1, n) * width);
    switch (data.type.typeId) {
      case arrow.Type.Bool:
        rt.withScratch(src.byteLength, (tmp) => {
          mem.u8(tmp, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
          k.bits_to_bytes!(tmp, data.offset, n, values.ptr);
        });
        break;
      case arrow.Type.Decimal:
        if (width === 16) {
          // precision 19..38: Kindling's int128 layout is Arrow's Decimal128, a plain copy.
          mem.u8(values.ptr, n * 16).set(new Uint8Array(src.buffer, src.byteOffset, n * 16));
          break;
        }
        rt.withScratch(n * 16, (tmp) => {
          mem.u8(tmp, n * 16).set(new Uint8Array(src.buffer, src.byteOffset, n * 16));
          const bad = k.decimal128_to_i64!(tmp, validity?.ptr ?? 0, n, values.ptr);
          if (bad >= 0) throw new KindlingIOError(`column '${f.name}': row ${bad} does not fit in decimal(18)`);
        });
        break;
      case arrow.Type.Int: {
        const it = data.type as arrow.Int;
        if (!it.isSigned) {
          const w = it.bitWidth / 8;
          rt.withScratch(n * w, (tmp) => {
            mem.u8(tmp, n * w).set(new Uint8Array(src.buffer, src.byteOffset, n * w));
            k.widen_unsigned!(tmp, w, n, values.ptr);
          });
        } else mem.u8(values.ptr, n * width).set(new Uint8Array(src.buffer, src.byteOffset, n * width));
        break;
      }
      case arrow.Type.Date:
        if ((data.type as arrow.Date_).unit === arrow.DateUnit.MILLISECOND) {
          rt.withScratch(n * 8, (tmp) => {
            mem.u8(tmp, n * 8).set(new Uint8Array(src.buffer, src.byteOffset, n * 8));
            k.ms_to_days!(tmp, n, values.ptr);
          });
        } else mem.u8(values.ptr, n * 4).set(new Uint8Array(src.buffer, src.byteOffset, n * 4));
        break;
      case arrow.Type.Duration:
      case arrow.Type.Timestamp: {
        const unit = (data.type as arrow.Timestamp | arrow.Duration).unit;
        const [mul, div] =
          unit === arrow.TimeUnit.SECOND ? [1_000_000, 1] : unit === arrow.TimeUnit.MILLISECOND ? [1000, 1] : unit === arrow.TimeUnit.NANOSECOND ? [1, 1000] : [1, 1];
        const bytes = new Uint8Array(src.buffer, src.byteOffset, n * 8);
        if (mul === 1 && div === 1) mem.u8(values.ptr, n * 8).set(bytes);
        else
          rt.withScratch(n * 8, (tmp) => {
            mem.u8(tmp, n * 8).set(bytes);
            k.rescale_i64!(tmp, n, mul, div, values.ptr);
          });
        break;
      }
      default:
        mem.u8(values.ptr, n * width).set(new Uint8Array(src.buffer, src.byteOffset, n * width));
    }
    return new Column(t, n, values, validity, null, nullCount);
  } catch (e) {
    validity?.release();
    throw e;
  }
}

/**
 * Decodes dictionary-encoded Arrow data without per-row JavaScript: the dictionary is copied into
 * wasm once as a column, the indices are widened to int32 by a kernel (null indices point at row 0),
 * and the rows are gathered with the take kernel. A row is null when its index is null or its
 * dictionary entry is. `validity` (the indices' nulls, bytes) is borrowed.
 */
function decodeDictionary(
  rt: KernelRuntime,
  f: Field,
  data: arrow.Data<arrow.Dictionary>,
  validity: WasmBuffer | null,
  nullCount: number,
): Column {
  const mem = rt.memory;
  const k = rt.module('convert');
  const n = data.length;
  if (!data.dictionary) throw new KindlingIOError(`column '${f.name}': dictionary-encoded data arrived without its dictionary`);
  if (n > 0 && nullCount === n) return nullColumn(mem, f.type, n);
  const dict = columnFromArrow(rt, f, data.dictionary);
  try {
    const it = data.type.indices;
    const width = it.bitWidth / 8;
    const src = data.values as ArrayBufferView;
    const indices = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
    try {
      const convert = (from: number) => k.dict_indices_to_i32!(from, width, it.isSigned ? 1 : 0, validity?.ptr ?? 0, n, dict.length, indices.ptr);
      const bytes = new Uint8Array(src.buffer, src.byteOffset, n * width);
      let bad: number;
      if (width === 4) {
        mem.u8(indices.ptr, n * 4).set(bytes); // 32-bit indices convert in place
        bad = convert(indices.ptr);
      } else {
        bad = rt.withScratch(Math.max(1, n * width), (tmp) => {
          mem.u8(tmp, n * width).set(bytes);
          return convert(tmp);
        });
      }
      if (bad >= 0) {
        throw new KindlingIOError(`column '${f.name}': row ${bad} has a dictionary index outside its dictionary of ${dict.length} entries`);
      }
      const taken = takeColumnAt(dict, indices.ptr, n);
      if (!validity || nullCount === 0) return taken;
      try {
        let outValidity: WasmBuffer;
        let outNulls: number;
        if (taken.validity) {
          outValidity = WasmBuffer.allocate(mem, Math.max(1, n));
          outNulls = k.and_validity!(taken.validity.ptr, validity.ptr, n, outValidity.ptr);
        } else {
          outValidity = validity.retain();
          outNulls = nullCount;
        }
        return new Column(f.type, n, taken.values?.retain() ?? null, outValidity, taken.offsets?.retain() ?? null, outNulls);
      } finally {
        taken.release();
      }
    } finally {
      indices.release();
    }
  } finally {
    dict.release();
  }
}

/** Concatenates columns of one type into a new column (the inputs are not released). */
export function concatColumns(rt: KernelRuntime, type: DataType, parts: readonly Column[]): Column {
  const mem = rt.memory;
  const n = parts.reduce((s, p) => s + p.length, 0);
  const nullCount = parts.reduce((s, p) => s + p.nullCount, 0);
  if (type.kind === 'null') return new Column(type, n, null, null, null, n);
  let validity: WasmBuffer | null = null;
  if (nullCount > 0) {
    validity = WasmBuffer.allocate(mem, Math.max(1, n));
    let at = 0;
    for (const p of parts) {
      const dst = mem.u8(validity.ptr + at, p.length);
      if (p.validity) dst.set(mem.u8(p.validity.ptr, p.length));
      else if (p.type.kind === 'null') dst.fill(0);
      else dst.fill(1);
      at += p.length;
    }
  }
  if (isNestedType(type)) return concatNested(rt, type, parts, validity, nullCount);
  if (type.kind === 'utf8') {
    const total = parts.reduce((s, p) => s + mem.i32(p.offsetsPtr, p.length + 1)[p.length]!, 0);
    const values = WasmBuffer.allocate(mem, Math.max(1, total));
    const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    let row = 0;
    let byte = 0;
    mem.i32(offsets.ptr, 1)[0] = 0;
    for (const p of parts) {
      const len = mem.i32(p.offsetsPtr, p.length + 1)[p.length]!;
      mem.u8(values.ptr + byte, len).set(mem.u8(p.valuesPtr, len));
      rt.module('convert').rebase_i32!(p.offsetsPtr + 4, p.length, -byte, offsets.ptr + (row + 1) * 4);
      row += p.length;
      byte += len;
    }
    return new Column(type, n, values, validity, offsets, nullCount);
  }
  const width = byteWidth(type);
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * width);
  let at = 0;
  for (const p of parts) {
    mem.u8(values.ptr + at, p.length * width).set(mem.u8(p.valuesPtr, p.length * width));
    at += p.length * width;
  }
  return new Column(type, n, values, validity, null, nullCount);
}

/** Copies a Kindling batch out of wasm memory into a new Arrow record batch (JS-owned buffers). */
export function batchToArrow(batch: Batch): arrow.RecordBatch {
  const schema = toArrowSchema(batch.schema);
  const children = batch.columns.map((c, i) => columnToArrowData(c, schema.fields[i]!.type));
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: batch.numRows,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, struct);
}

/** Copies one column out of wasm memory as Arrow Data. */
export function columnToArrowData(c: Column, type: arrow.DataType): arrow.Data {
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('convert');
  const n = c.length;
  if (c.type.kind === 'null') return arrow.makeData({ type: new arrow.Null(), length: n, nullCount: n });
  let nullBitmap: Uint8Array | undefined;
  if (c.validity && c.nullCount > 0) {
    const bytes = Math.ceil(n / 8);
    nullBitmap = rt.withScratch(bytes, (tmp) => {
      k.bytes_to_bits!(c.validity!.ptr, n, tmp);
      return mem.u8(tmp, bytes).slice();
    });
  }
  if (isNestedType(c.type)) return nestedToArrowData(rt, c, type, nullBitmap, columnToArrowData);
  const common = { type, length: n, nullCount: c.nullCount, nullBitmap } as const;
  switch (c.type.kind) {
    case 'boolean': {
      const bytes = Math.ceil(n / 8);
      const data = rt.withScratch(Math.max(1, bytes), (tmp) => {
        k.bytes_to_bits!(c.valuesPtr, n, tmp);
        return mem.u8(tmp, bytes).slice();
      });
      return arrow.makeData({ ...common, type: type as arrow.Bool, data });
    }
    case 'utf8': {
      const valueOffsets = mem.i32(c.offsetsPtr, n + 1).slice();
      const data = mem.u8(c.valuesPtr, valueOffsets[n]!).slice();
      return arrow.makeData({ ...common, type: type as arrow.Utf8, data, valueOffsets });
    }
    case 'decimal': {
      if (byteWidth(c.type) === 16) {
        // int128 (precision 19..38) is Arrow's Decimal128 layout: copy.
        const data = new Uint32Array(mem.u8(c.valuesPtr, n * 16).slice().buffer);
        return arrow.makeData({ ...common, type: type as arrow.Decimal, data });
      }
      const data = rt.withScratch(Math.max(1, n) * 16, (tmp) => {
        k.i64_to_decimal128!(c.valuesPtr, n, tmp);
        return new Uint32Array(mem.u8(tmp, n * 16).slice().buffer);
      });
      return arrow.makeData({ ...common, type: type as arrow.Decimal, data });
    }
    default: {
      const width = byteWidth(c.type);
      const bytes = mem.u8(c.valuesPtr, n * width).slice();
      const data = typedArrayFor(c.type, bytes.buffer, n);
      return arrow.makeData({ ...common, type: type as arrow.Float64, data: data as Float64Array });
    }
  }
}

function typedArrayFor(t: DataType, buf: ArrayBuffer, n: number): ArrayBufferView {
  switch (t.kind) {
    case 'int8':
      return new Int8Array(buf, 0, n);
    case 'int16':
      return new Int16Array(buf, 0, n);
    case 'int32':
    case 'date32':
    case 'interval_ym':
      return new Int32Array(buf, 0, n);
    case 'int64':
    case 'timestamp':
    case 'interval_dt':
      return new BigInt64Array(buf, 0, n);
    case 'float32':
      return new Float32Array(buf, 0, n);
    case 'float64':
      return new Float64Array(buf, 0, n);
    default:
      return new Uint8Array(buf, 0, n);
  }
}
