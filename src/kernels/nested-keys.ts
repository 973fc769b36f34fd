/**
 * Key encoding of nested values: grouping, DISTINCT, joins, hashing and sorting on arrays, maps and
 * structs turn each nested row into one byte string (a utf8 column; a null row stays null) whose
 * byte order is Spark's order of the values, so the engine's string key paths (hash table, hash,
 * radix/merge sort) handle nested keys unchanged, and decode it back for the group keys.
 *
 * Encoding (memcmp-comparable; every value inside carries a flag byte, 0 = null, which sorts nulls
 * first as Spark's ArrayType/StructType orderings do):
 * - integers, dates, timestamps, decimals: big-endian two's complement with the sign bit flipped;
 * - floats: the float64 bits (NaN canonical, -0.0 as 0.0, so they group as Spark normalises them),
 *   sign-flipped / inverted into total order with NaN greatest; booleans one byte;
 * - strings: the bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x00;
 * - arrays: 0x01 before every element, 0x00 at the end (element-wise, then shorter first);
 * - structs: the fields in order;
 * - maps: entries sorted by their key bytes (Spark compares maps with normalised key order in
 *   grouping; maps have no ordering in Spark and ORDER BY on them is rejected before this).
 *
 * This is row-at-a-time JavaScript over typed-array views of the wasm buffers, one pass per batch:
 * nested keys are a rare path; the flat key paths never come here.
 */
import { InternalError } from '../errors.js';
import { Column } from '../types/column.js';
import { type DataType, DataTypes, byteWidth, isNestedType } from '../types/data-type.js';
import { columnFromJs, formatDate, formatDecimal } from '../types/values.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';

/** The type a key of `type` is stored as in key tables and sorts: utf8 for nested types. */
export function keyStorageType(type: DataType): DataType {
  return isNestedType(type) ? DataTypes.String : type;
}

/** Growable byte output. */
class Bytes {
  buf = new Uint8Array(1024);
  len = 0;
  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  push(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  append(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }
}

const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

/** Writes the non-null value at row `r` of `col` (no flag). */
function encodeValue(col: Column, r: number, out: Bytes): void {
  const mem = runtime().memory;
  const t = col.type;
  switch (t.kind) {
    case 'null':
      return;
    case 'boolean':
      out.push(mem.u8(col.valuesPtr + r, 1)[0]!);
      return;
    case 'float32':
    case 'float64': {
      let v = t.kind === 'float32' ? new Float32Array(mem.memory.buffer, col.valuesPtr + r * 4, 1)[0]! : new Float64Array(mem.memory.buffer, col.valuesPtr + r * 8, 1)[0]!;
      if (v === 0) v = 0;
      if (Number.isNaN(v)) v = NaN;
      f64[0] = v;
      const neg = (f64b[7]! & 0x80) !== 0;
      out.ensure(8);
      for (let i = 7; i >= 0; i--) out.buf[out.len++] = neg ? ~f64b[i]! & 0xff : i === 7 ? f64b[i]! ^ 0x80 : f64b[i]!;
      return;
    }
    case 'utf8': {
      const off = mem.i32(col.offsetsPtr + r * 4, 2);
      const bytes = mem.u8(col.valuesPtr + off[0]!, off[1]! - off[0]!);
      out.ensure(bytes.length * 2 + 2);
      for (const b of bytes) {
        out.buf[out.len++] = b;
        if (b === 0) out.buf[out.len++] = 0xff;
      }
      out.buf[out.len++] = 0;
      out.buf[out.len++] = 0;
      return;
    }
    case 'array': {
      const off = mem.i32(col.offsetsPtr + r * 4, 2);
      const child = col.children[0]!;
      for (let j = off[0]!; j < off[1]!; j++) {
        out.push(1);
        encodeFlagged(child, j, out);
      }
      out.push(0);
      return;
    }
    case 'map': {
      const off = mem.i32(col.offsetsPtr + r * 4, 2);
      const [keys, values] = col.children[0]!.children;
      const entries: Uint8Array[] = [];
      for (let j = off[0]!; j < off[1]!; j++) {
        const e = new Bytes();
        encodeFlagged(keys!, j, e);
        encodeFlagged(values!, j, e);
        entries.push(e.buf.slice(0, e.len));
      }
      entries.sort(compareBytes);
      for (const e of entries) {
        out.push(1);
        out.append(e);
      }
      out.push(0);
      return;
    }
    case 'struct':
      for (const c of col.children) encodeFlagged(c, r, out);
      return;
    default: {
      // fixed-width integers, dates, timestamps, decimals: little-endian in memory
      const w = byteWidth(t);
      const src = mem.u8(col.valuesPtr + r * w, w);
      out.ensure(w);
      for (let i = w - 1; i >= 0; i--) out.buf[out.len++] = i === w - 1 ? src[i]! ^ 0x80 : src[i]!;
    }
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function isNullAt(col: Column, r: number): boolean {
  if (col.type.kind === 'null') return true;
  return col.validity !== null && col.nullCount > 0 && runtime().memory.u8(col.validity.ptr + r, 1)[0] === 0;
}

function encodeFlagged(col: Column, r: number, out: Bytes): void {
  if (isNullAt(col, r)) {
    out.push(0);
    return;
  }
  out.push(1);
  encodeValue(col, r, out);
}

/** The key encoding of a nested column as a utf8 column of byte strings (borrowed input, owned output). */
export function encodeNestedKey(col: Column): Column {
  const mem = runtime().memory;
  const n = col.length;
  const out = new Bytes();
  const off = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) {
    if (!isNullAt(col, r)) encodeValue(col, r, out);
    off[r + 1] = out.len;
  }
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  const values = WasmBuffer.allocate(mem, Math.max(1, out.len));
  mem.i32(offsets.ptr, n + 1).set(off);
  mem.u8(values.ptr, out.len).set(out.buf.subarray(0, out.len));
  const validity = col.nullCount > 0 && col.validity ? col.validity.retain() : null;
  return new Column(DataTypes.String, n, values, validity, offsets, validity ? col.nullCount : 0);
}

/** Replaces nested columns among `cols` by their key encoding; `release()` frees the encoded copies. */
export function encodeNestedKeys<T extends { readonly type: DataType }>(cols: readonly T[]): { cols: (T | Column)[]; release(): void } {
  const temps: Column[] = [];
  const out = cols.map((c) => {
    if (!isNestedType(c.type)) return c;
    if (!(c instanceof Column)) throw new InternalError('a nested key must be given as a Column');
    const e = encodeNestedKey(c);
    temps.push(e);
    return e;
  });
  return { cols: out, release: () => temps.forEach((t) => t.release()) };
}

/** Reads one value of `type` from encoded bytes at `pos` (with its flag when `flagged`). */
function decodeValue(type: DataType, b: Uint8Array, pos: { at: number }, flagged: boolean): unknown {
  if (flagged && b[pos.at++] === 0) return null;
  switch (type.kind) {
    case 'null':
      return null;
    case 'boolean':
      return b[pos.at++] === 1;
    case 'float32':
    case 'float64': {
      const neg = (b[pos.at]! & 0x80) === 0;
      for (let i = 7; i >= 0; i--) {
        const x = b[pos.at++]!;
        f64b[i] = neg ? ~x & 0xff : i === 7 ? x ^ 0x80 : x;
      }
      return t32(type, f64[0]!);
    }
    case 'utf8': {
      const bytes: number[] = [];
      for (;;) {
        const x = b[pos.at++]!;
        if (x === 0) {
          if (b[pos.at++] === 0) break;
          bytes.push(0);
        } else bytes.push(x);
      }
      return new TextDecoder().decode(new Uint8Array(bytes));
    }
    case 'array': {
      const items: unknown[] = [];
      while (b[pos.at++] === 1) items.push(decodeValue(type.element, b, pos, true));
      return items;
    }
    case 'map': {
      const m = new Map<unknown, unknown>();
      while (b[pos.at++] === 1) {
        const k = decodeValue(type.key, b, pos, true);
        m.set(k, decodeValue(type.value, b, pos, true));
      }
      return m;
    }
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const f of type.fields) o[f.name] = decodeValue(f.type, b, pos, true);
      return o;
    }
    default: {
      const w = byteWidth(type);
      const top = b[pos.at]! ^ 0x80;
      let v = BigInt(top >= 128 ? top - 256 : top);
      for (let i = 1; i < w; i++) v = (v << 8n) | BigInt(b[pos.at + i]!);
      pos.at += w;
      if (type.kind === 'int64' || type.kind === 'timestamp') return v;
      if (type.kind === 'decimal') return formatDecimal(v, type.scale);
      if (type.kind === 'date32') return formatDate(Number(v));
      return Number(v);
    }
  }
}

function t32(type: DataType, v: number): number {
  return type.kind === 'float32' ? Math.fround(v) : v;
}

/** Decodes a utf8 column of key encodings back into a nested column of `type` (borrowed input, owned output). */
export function decodeNestedKey(type: DataType, encoded: Column): Column {
  const mem = runtime().memory;
  const n = encoded.length;
  const off = mem.i32(encoded.offsetsPtr, n + 1).slice();
  const bytes = mem.u8(encoded.valuesPtr, off[n]!).slice();
  const valid = encoded.validity && encoded.nullCount > 0 ? mem.u8(encoded.validity.ptr, n).slice() : null;
  const values: unknown[] = new Array(n);
  for (let r = 0; r < n; r++) {
    if (valid && valid[r] === 0) values[r] = null;
    else values[r] = decodeValue(type, bytes, { at: off[r]! }, false);
  }
  return columnFromJs(type, values);
}
