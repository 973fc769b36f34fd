/**
 * Arrow column builders for the generator: each builds an `arrow.Data` straight from typed arrays
 * (no per-value boxing, no Arrow builders), so a 100k-row batch costs a few copies at most.
 */
import * as arrow from 'apache-arrow';

/** Logical column types of the TPC-H schema. */
export type ColumnKind = 'int64' | 'int32' | 'date' | 'decimal' | 'utf8';

const TWO32 = 4294967296;

/** Arrow type of a column kind: keys int64, money decimal(15,2), dates date32 (days), text utf8. */
export function arrowType(kind: ColumnKind): arrow.DataType {
  switch (kind) {
    case 'int64':
      return new arrow.Int64();
    case 'int32':
      return new arrow.Int32();
    case 'date':
      return new arrow.DateDay();
    case 'decimal':
      return new arrow.Decimal(2, 15, 128);
    case 'utf8':
      return new arrow.Utf8();
  }
}

/** An int64 column from non-negative integers below 2^53 held as doubles. */
export function int64Data(values: Float64Array | Int32Array, n = values.length): arrow.Data {
  const words = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    words[2 * i] = v | 0;
    words[2 * i + 1] = v < 0 ? -1 : Math.floor(v / TWO32);
  }
  return arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: new BigInt64Array(words.buffer) });
}

/** An int32 column. */
export function int32Data(values: Int32Array, n = values.length): arrow.Data {
  return arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: values.subarray(0, n) });
}

/** A date32 column from days since the epoch. */
export function dateData(days: Int32Array, n = days.length): arrow.Data {
  return arrow.makeData({ type: new arrow.DateDay(), length: n, nullCount: 0, data: days.subarray(0, n) });
}

/** A decimal(15,2) column from unscaled values (cents), each within the int32 range. */
export function decimalData(cents: Int32Array, n = cents.length): arrow.Data {
  const words = new Int32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const v = cents[i]!;
    const sign = v < 0 ? -1 : 0;
    words[4 * i] = v;
    words[4 * i + 1] = sign;
    words[4 * i + 2] = sign;
    words[4 * i + 3] = sign;
  }
  return arrow.makeData({ type: new arrow.Decimal(2, 15, 128), length: n, nullCount: 0, data: new Uint32Array(words.buffer) });
}

/** Appends ASCII strings and byte ranges into one utf8 column (offsets + bytes), growing as needed. */
export class Utf8Builder {
  private bytes: Uint8Array;
  private readonly offsets: Int32Array;
  private pos = 0;
  private count = 0;

  /** A builder for exactly `rows` strings of about `avgBytes` bytes each. */
  constructor(private readonly rows: number, avgBytes: number) {
    this.offsets = new Int32Array(rows + 1);
    this.bytes = new Uint8Array(Math.max(16, rows * avgBytes));
  }

  private reserve(extra: number): void {
    if (this.pos + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + extra));
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  /** Closes the string whose bytes were just appended. */
  private endString(): void {
    this.offsets[++this.count] = this.pos;
  }

  /** Appends one whole string made of the given bytes. */
  bytesValue(src: Uint8Array, start = 0, length = src.length - start): void {
    this.reserve(length);
    const b = this.bytes;
    if (length <= 48) {
      // Short strings: a loop beats creating a subarray view per value.
      let p = this.pos;
      for (let i = start, e = start + length; i < e; i++) b[p++] = src[i]!;
    } else b.set(src.subarray(start, start + length), this.pos);
    this.pos += length;
    this.endString();
  }

  /** Appends one whole ASCII string. */
  asciiValue(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.pos++] = s.charCodeAt(i);
    this.endString();
  }

  /** Appends `prefix` followed by `value` left-padded with zeros to `width` digits (e.g. Supplier#000000001). */
  paddedValue(prefix: Uint8Array, value: number, width: number): void {
    this.reserve(prefix.length + Math.max(width, 20));
    this.bytes.set(prefix, this.pos);
    this.pos += prefix.length;
    const digits = String(value);
    for (let i = digits.length; i < width; i++) this.bytes[this.pos++] = 48;
    for (let i = 0; i < digits.length; i++) this.bytes[this.pos++] = digits.charCodeAt(i);
    this.endString();
  }

  /** Appends a phone number "CC-AAA-EEE-NNNN" (clause 4.2.2.9). */
  phoneValue(country: number, area: number, exchange: number, number: number): void {
    this.reserve(15);
    const b = this.bytes;
    let p = this.pos;
    const put = (v: number, width: number): void => {
      for (let d = width - 1; d >= 0; d--) {
        b[p + d] = 48 + (v % 10);
        v = Math.floor(v / 10);
      }
      p += width;
    };
    put(country, 2);
    b[p++] = 45;
    put(area, 3);
    b[p++] = 45;
    put(exchange, 3);
    b[p++] = 45;
    put(number, 4);
    this.pos = p;
    this.endString();
  }

  /** The bytes of the last string appended (for in-place edits): the byte array and the string's [start, end). */
  lastString(): { bytes: Uint8Array; start: number; end: number } {
    return { bytes: this.bytes, start: this.offsets[this.count - 1]!, end: this.pos };
  }

  /** The finished column (all `rows` strings must have been appended). */
  finish(): arrow.Data {
    if (this.count !== this.rows) throw new Error(`internal: utf8 builder expected ${this.rows} strings, got ${this.count}`);
    return arrow.makeData({
      type: new arrow.Utf8(),
      length: this.rows,
      nullCount: 0,
      valueOffsets: this.offsets,
      data: this.bytes.subarray(0, this.pos),
    });
  }
}

/** A record batch from named column data (all of the same length; columns not nullable). */
export function recordBatch(schema: arrow.Schema, columns: readonly arrow.Data[]): arrow.RecordBatch {
  const length = columns[0]?.length ?? 0;
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: columns as arrow.Data[] });
  return new arrow.RecordBatch(schema, data);
}

/** An Arrow schema of non-nullable columns. */
export function schemaOf(columns: readonly (readonly [string, ColumnKind])[]): arrow.Schema {
  return new arrow.Schema(columns.map(([name, kind]) => new arrow.Field(name, arrowType(kind), false)));
}
