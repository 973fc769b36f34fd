/**
 * Reads a Parquet file's footer (FileMetaData, Thrift compact protocol) without touching its data
 * pages: the schema, the row groups, and the per-column-chunk statistics. parquet-wasm 0.8 exposes
 * row-group metadata but not column statistics, so the footer is decoded here (a small generic
 * Thrift compact decoder plus the few Parquet structs the reader needs).
 *
 * Format: https://github.com/apache/parquet-format (parquet.thrift) and
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 */
import { open } from 'node:fs/promises';
import { KindlingIOError, NotImplementedError } from '../errors.js';
import { type DataType, DataTypes, MAX_DECIMAL_PRECISION } from '../types/data-type.js';
import { Schema, field } from '../types/schema.js';
import { type CellValue, formatDate, formatDecimal } from '../types/values.js';
import type { ColumnStatistics } from './scan-predicate.js';

/** One row group of a file as described by the footer. */
export interface FooterRowGroup {
  readonly numRows: number;
  /** Compressed bytes of the row group's column chunks. */
  readonly compressedBytes: number;
  /** Uncompressed bytes of the row group's column chunks. */
  readonly uncompressedBytes: number;
  /** Statistics per top-level column name (only columns that have some). */
  readonly columns: Readonly<Record<string, ColumnStatistics>>;
  /** Byte ranges [start, end) of each column chunk by column name (for tests and diagnostics). */
  readonly chunkRanges: Readonly<Record<string, readonly [number, number]>>;
  /** How each column chunk is stored, by column name (what the page decoder needs). */
  readonly chunks: Readonly<Record<string, ColumnChunkLayout>>;
}

/** The storage of one column chunk: where its pages are and how they are encoded. */
export interface ColumnChunkLayout {
  /** Byte range [start, end) of the chunk's pages (dictionary page first when there is one). */
  readonly start: number;
  readonly end: number;
  /** Parquet CompressionCodec (0 uncompressed, 1 Snappy, 2 gzip, 3 LZO, 4 Brotli, 5 LZ4, 6 Zstd, 7 LZ4 raw). */
  readonly codec: number;
  /** Parquet physical type (0 BOOLEAN ... 7 FIXED_LEN_BYTE_ARRAY). */
  readonly physical: number;
  /** Byte length of FIXED_LEN_BYTE_ARRAY values (0 otherwise). */
  readonly typeLength: number;
  /** The column is OPTIONAL (pages carry definition levels). */
  readonly optional: boolean;
  /** Values (rows, for a flat column) in the chunk. */
  readonly numValues: number;
  /** Timestamp unit multiplier to microseconds (1 micros, 1000 millis, -1000 nanos = divide). */
  readonly tsScale: number;
  /** The data is unsigned in Parquet (widened to the next signed Kindling type). */
  readonly unsigned: boolean;
}

/** What the footer of one file says. */
export interface ParquetFooter {
  /** The file's columns, in file order, as Kindling types. */
  readonly schema: Schema;
  readonly numRows: number;
  readonly rowGroups: readonly FooterRowGroup[];
  /** Size of the whole file in bytes. */
  readonly fileBytes: number;
  readonly createdBy?: string;
}

const MAGIC = 0x31524150; // "PAR1" little-endian

/** Reads and decodes the footer of the Parquet file at `path` (reads only its first 4 and last bytes). */
export async function readParquetFooter(path: string): Promise<ParquetFooter> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KindlingIOError(
      code === 'ENOENT' ? `path does not exist: ${path}` : `cannot open Parquet file ${path}: ${(e as Error).message}`,
      path,
      { cause: e },
    );
  }
  try {
    const size = (await fh.stat()).size;
    const notParquet = (what: string) =>
      new KindlingIOError(`${path} is not a Parquet file: ${what} (expected the magic bytes 'PAR1' at its start and end)`, path);
    if (size < 12) throw notParquet(`it has only ${size} bytes`);
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, size - 8);
    if (head.readUInt32LE(0) !== MAGIC) throw notParquet(`it starts with ${JSON.stringify(head.toString('latin1'))}`);
    if (tail.readUInt32LE(4) !== MAGIC) throw notParquet(`it ends with ${JSON.stringify(tail.subarray(4).toString('latin1'))}`);
    const footerLen = tail.readUInt32LE(0);
    if (footerLen <= 0 || footerLen > size - 12) {
      throw new KindlingIOError(
        `${path} has a corrupt Parquet footer: its length field says ${footerLen} bytes but the file has ${size} bytes`,
        path,
      );
    }
    const footer = Buffer.alloc(footerLen);
    await fh.read(footer, 0, footerLen, size - 8 - footerLen);
    let meta: ThriftStruct;
    try {
      meta = new CompactReader(footer).readStruct();
    } catch (e) {
      throw new KindlingIOError(`${path} has a corrupt Parquet footer: ${(e as Error).message} (expected Thrift FileMetaData)`, path, {
        cause: e,
      });
    }
    return decodeFileMetaData(meta, path, size);
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Thrift compact protocol: a generic decoder into field-id maps.

/** A decoded Thrift value. */
export type ThriftValue = number | bigint | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
/** A decoded struct: field id -> value. */
export type ThriftStruct = Map<number, ThriftValue>;

const T_BOOL_TRUE = 1;
const T_BOOL_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

/** A generic Thrift compact-protocol decoder (structs into field-id maps). */
export class CompactReader {
  /** Bytes consumed so far. */
  pos = 0;
  private depth = 0;
  constructor(private readonly buf: Uint8Array) {}

  private byte(): number {
    if (this.pos >= this.buf.length) throw new Error(`unexpected end of footer at byte ${this.pos}`);
    return this.buf[this.pos++]!;
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error(`varint too long at byte ${this.pos}`);
    }
  }

  private zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }

  private int(): number {
    return Number(this.zigzag());
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case T_BOOL_TRUE:
        return true;
      case T_BOOL_FALSE:
        return false;
      case T_BYTE: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case T_I16:
      case T_I32:
        return this.int();
      case T_I64: {
        const v = this.zigzag();
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case T_DOUBLE: {
        if (this.pos + 8 > this.buf.length) throw new Error('unexpected end of footer in a double');
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case T_BINARY: {
        const len = Number(this.varint());
        if (this.pos + len > this.buf.length) throw new Error(`binary of ${len} bytes runs past the end of the footer`);
        const v = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        return v;
      }
      case T_LIST:
      case T_SET: {
        const h = this.byte();
        let n = h >> 4;
        if (n === 15) n = Number(this.varint());
        const et = h & 0x0f;
        if (n > this.buf.length) throw new Error(`list of ${n} elements is longer than the footer`);
        const out: ThriftValue[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = et === T_BOOL_TRUE || et === T_BOOL_FALSE ? this.byte() === 1 : this.value(et);
        return out;
      }
      case T_MAP: {
        const n = Number(this.varint());
        if (n === 0) return [];
        const kv = this.byte();
        const out: ThriftValue[] = [];
        for (let i = 0; i < n; i++) out.push([this.value(kv >> 4), this.value(kv & 0x0f)]);
        return out;
      }
      case T_STRUCT:
        return this.readStruct();
      default:
        throw new Error(`unknown Thrift type ${type} at byte ${this.pos - 1}`);
    }
  }

  readStruct(): ThriftStruct {
    if (++this.depth > 64) throw new Error('structs nested too deeply');
    const out: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) break;
      const delta = h >> 4;
      const type = h & 0x0f;
      const id = delta === 0 ? this.int() : last + delta;
      last = id;
      out.set(id, this.value(type));
    }
    this.depth--;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Parquet structs.

/** Field `id` of a decoded struct as a number (undefined when absent). */
export const num = (s: ThriftStruct, id: number): number | undefined => {
  const v = s.get(id);
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
};
/** Field `id` of a decoded struct as a struct (undefined when absent). */
export const struct = (s: ThriftStruct, id: number): ThriftStruct | undefined => {
  const v = s.get(id);
  return v instanceof Map ? v : undefined;
};
const list = (s: ThriftStruct, id: number): ThriftValue[] => {
  const v = s.get(id);
  return Array.isArray(v) ? v : [];
};
const bytes = (s: ThriftStruct, id: number): Uint8Array | undefined => {
  const v = s.get(id);
  return v instanceof Uint8Array ? v : undefined;
};
const utf8 = new TextDecoder('utf-8', { fatal: true });
const text = (s: ThriftStruct, id: number): string | undefined => {
  const b = bytes(s, id);
  return b ? utf8.decode(b) : undefined;
};

/** Parquet physical types (parquet.thrift Type). */
export enum Physical {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
}

/** How a column's statistics bytes are decoded. */
interface LeafInfo {
  readonly name: string;
  readonly type: DataType;
  readonly physical: number;
  /** Unsigned integer or other type whose deprecated (signed-order) min/max must not be used. */
  readonly unsignedOrder: boolean;
  /** Timestamp unit multiplier to microseconds (1 for micros; 1000 for millis; -1000 for nanos = divide). */
  readonly tsScale: number;
  /** Byte length of FIXED_LEN_BYTE_ARRAY values (0 otherwise). */
  readonly typeLength: number;
  /** Repetition OPTIONAL. */
  readonly optional: boolean;
}

function decodeFileMetaData(meta: ThriftStruct, path: string, fileBytes: number): ParquetFooter {
  const corrupt = (what: string) => new KindlingIOError(`${path} has a corrupt Parquet footer: ${what}`, path);
  const elements = list(meta, 2).filter((e): e is ThriftStruct => e instanceof Map);
  if (elements.length === 0) throw corrupt('it has no schema (expected a root schema element)');
  const root = elements[0]!;
  const numChildren = num(root, 5) ?? 0;
  if (numChildren !== elements.length - 1) {
    const nested = elements.slice(1).find((e) => (num(e, 5) ?? 0) > 0);
    const name = nested ? text(nested, 4) : undefined;
    throw new NotImplementedError(
      `${path}: column '${name ?? '?'}' is a nested (struct/list/map) column; Kindling reads only flat Parquet schemas`,
    );
  }
  const leaves: LeafInfo[] = elements.slice(1).map((e) => leafInfo(e, path));
  const schema = new Schema(
    leaves.map((l, i) => field(l.name, l.type, (num(elements[i + 1]!, 3) ?? 1) !== 0)),
  );
  const byName = new Map(leaves.map((l) => [l.name, l]));
  const rowGroups: FooterRowGroup[] = list(meta, 4).map((rgv, rgIndex) => {
    if (!(rgv instanceof Map)) throw corrupt(`row group ${rgIndex} is not a struct`);
    const rows = num(rgv, 3);
    if (rows === undefined) throw corrupt(`row group ${rgIndex} has no row count`);
    const columns: Record<string, ColumnStatistics> = {};
    const chunkRanges: Record<string, readonly [number, number]> = {};
    const chunks: Record<string, ColumnChunkLayout> = {};
    let compressed = 0;
    let uncompressed = 0;
    for (const ccv of list(rgv, 1)) {
      if (!(ccv instanceof Map)) continue;
      const md = struct(ccv, 3);
      if (!md) continue;
      const pathInSchema = list(md, 3).map((p) => (p instanceof Uint8Array ? utf8.decode(p) : ''));
      const leaf = byName.get(pathInSchema.join('.')) ?? byName.get(pathInSchema[0] ?? '');
      const c = num(md, 7) ?? 0;
      compressed += c;
      uncompressed += num(md, 6) ?? 0;
      if (!leaf) continue;
      const dataOffset = num(md, 9) ?? 0;
      const dictOffset = num(md, 11);
      const start = dictOffset !== undefined && dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset;
      chunkRanges[leaf.name] = [start, start + c];
      chunks[leaf.name] = {
        start,
        end: start + c,
        codec: num(md, 4) ?? 0,
        physical: leaf.physical,
        typeLength: leaf.typeLength,
        optional: leaf.optional,
        numValues: num(md, 5) ?? rows,
        tsScale: leaf.tsScale,
        unsigned: leaf.unsignedOrder && (leaf.physical === Physical.INT32 || leaf.physical === Physical.INT64),
      };
      const st = struct(md, 12);
      columns[leaf.name] = decodeStatistics(leaf, st);
    }
    return { numRows: rows, compressedBytes: compressed, uncompressedBytes: uncompressed, columns, chunkRanges, chunks };
  });
  const createdBy = text(meta, 6);
  return {
    schema,
    numRows: num(meta, 3) ?? rowGroups.reduce((s, r) => s + r.numRows, 0),
    rowGroups,
    fileBytes,
    ...(createdBy !== undefined ? { createdBy } : {}),
  };
}

/** Maps one flat schema element to a Kindling type, mirroring what parquet-wasm (arrow-rs) produces. */
function leafInfo(e: ThriftStruct, path: string): LeafInfo {
  const name = text(e, 4) ?? '';
  const physical = num(e, 1);
  const converted = num(e, 6);
  const logical = struct(e, 10);
  const unsupported = (what: string) =>
    new NotImplementedError(`${path}: column '${name}' has Parquet type ${what}, which Kindling does not support`);
  let type: DataType | undefined;
  let unsignedOrder = false;
  let tsScale = 1;
  const decimal = (): DataType => {
    const d = logical ? struct(logical, 5) : undefined;
    const precision = d ? num(d, 2) : num(e, 8);
    const scale = d ? num(d, 1) : num(e, 7);
    if (precision === undefined || precision > MAX_DECIMAL_PRECISION) {
      throw new NotImplementedError(
        `${path}: column '${name}' is decimal(${precision},${scale ?? 0}); Kindling supports decimal precision up to ${MAX_DECIMAL_PRECISION}`,
      );
    }
    return DataTypes.decimal(precision, scale ?? 0);
  };
  const isDecimal = (logical && logical.has(5)) || converted === 5;
  switch (physical) {
    case Physical.BOOLEAN:
      type = DataTypes.Boolean;
      break;
    case Physical.INT32:
    case Physical.INT64: {
      const intT = logical ? struct(logical, 10) : undefined;
      const ts = logical ? struct(logical, 8) : undefined;
      if (isDecimal) type = decimal();
      else if ((logical && logical.has(6)) || converted === 6) type = DataTypes.Date;
      else if (ts || converted === 9 || converted === 10) {
        if (physical !== Physical.INT64) throw unsupported('INT32 timestamp');
        type = DataTypes.Timestamp;
        const unit = ts ? struct(ts, 2) : undefined;
        tsScale = unit ? (unit.has(1) ? 1000 : unit.has(3) ? -1000 : 1) : converted === 9 ? 1000 : 1;
      } else if ((logical && logical.has(7)) || converted === 7 || converted === 8) throw unsupported('TIME');
      else if (intT || (converted !== undefined && converted >= 11 && converted <= 18)) {
        const bits = intT ? (num(intT, 1) ?? 32) : [8, 16, 32, 64, 8, 16, 32, 64][converted! - 11]!;
        const signed = intT ? intT.get(2) !== false : converted! >= 15;
        if (signed) type = bits === 8 ? DataTypes.Byte : bits === 16 ? DataTypes.Short : bits === 32 ? DataTypes.Integer : DataTypes.Long;
        else {
          if (bits === 64) throw unsupported('unsigned 64-bit integer');
          unsignedOrder = true;
          type = bits === 8 ? DataTypes.Short : bits === 16 ? DataTypes.Integer : DataTypes.Long;
        }
      } else type = physical === Physical.INT32 ? DataTypes.Integer : DataTypes.Long;
      break;
    }
    case Physical.INT96:
      type = DataTypes.Timestamp;
      unsignedOrder = true; // INT96 statistics have no defined order: never used
      break;
    case Physical.FLOAT:
      type = DataTypes.Float;
      break;
    case Physical.DOUBLE:
      type = DataTypes.Double;
      break;
    case Physical.BYTE_ARRAY:
      if (isDecimal) type = decimal();
      else if (
        (logical && (logical.has(1) || logical.has(4) || logical.has(12))) ||
        converted === 0 ||
        converted === 4 ||
        converted === 19
      )
        type = DataTypes.String;
      else throw unsupported('BINARY (a byte array without a string annotation)');
      unsignedOrder = true;
      break;
    case Physical.FIXED_LEN_BYTE_ARRAY:
      if (isDecimal) type = decimal();
      else throw unsupported('FIXED_LEN_BYTE_ARRAY');
      unsignedOrder = true;
      break;
    default:
      throw unsupported(`#${physical}`);
  }
  return { name, type, physical: physical!, unsignedOrder, tsScale, typeLength: num(e, 2) ?? 0, optional: num(e, 3) !== 0 };
}

/** Decodes a chunk's Statistics struct into CellValues (undefined where absent or not trustworthy). */
function decodeStatistics(leaf: LeafInfo, st: ThriftStruct | undefined): ColumnStatistics {
  if (!st) return { type: leaf.type };
  const nullCount = num(st, 3);
  // min_value/max_value (5, 6) follow the column order; the deprecated min/max (2, 1) used signed
  // byte order, so they are trusted only for signed numeric columns (as parquet-mr does).
  let minB = bytes(st, 6);
  let maxB = bytes(st, 5);
  if (minB === undefined && maxB === undefined && !leaf.unsignedOrder) {
    minB = bytes(st, 2);
    maxB = bytes(st, 1);
  }
  if (leaf.physical === Physical.INT96) minB = maxB = undefined;
  const min = minB ? decodeValue(leaf, minB) : undefined;
  const max = maxB ? decodeValue(leaf, maxB) : undefined;
  return {
    type: leaf.type,
    ...(min !== undefined && max !== undefined ? { min, max } : {}),
    ...(nullCount !== undefined ? { nullCount } : {}),
  };
}

/** Decodes a plain-encoded statistics value; undefined when it cannot be decoded exactly. */
function decodeValue(leaf: LeafInfo, b: Uint8Array): CellValue | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const t = leaf.type;
  try {
    switch (leaf.physical) {
      case Physical.BOOLEAN:
        return b.length >= 1 ? b[0] !== 0 : undefined;
      case Physical.INT32: {
        if (b.length < 4) return undefined;
        const raw = dv.getInt32(0, true);
        if (t.kind === 'date32') return formatDate(raw);
        if (t.kind === 'decimal') return formatDecimal(BigInt(raw), t.scale);
        if (leaf.unsignedOrder) return t.kind === 'int64' ? BigInt(raw >>> 0) : raw >>> 0;
        if (t.kind === 'int64') return BigInt(raw);
        return raw;
      }
      case Physical.INT64: {
        if (b.length < 8) return undefined;
        const raw = dv.getBigInt64(0, true);
        if (t.kind === 'decimal') return formatDecimal(raw, t.scale);
        if (t.kind === 'timestamp') {
          // Bounds stay bounds under floor division (nanos) and exact multiplication (millis).
          if (leaf.tsScale === 1) return raw;
          if (leaf.tsScale > 0) return raw * BigInt(leaf.tsScale);
          const d = BigInt(-leaf.tsScale);
          const q = raw / d;
          return raw % d !== 0n && raw < 0n ? q - 1n : q;
        }
        if (t.kind === 'date32') return formatDate(Number(raw));
        if (t.kind === 'int32') return Number(raw);
        return raw;
      }
      case Physical.FLOAT:
        return b.length >= 4 ? dv.getFloat32(0, true) : undefined;
      case Physical.DOUBLE:
        return b.length >= 8 ? dv.getFloat64(0, true) : undefined;
      case Physical.BYTE_ARRAY:
      case Physical.FIXED_LEN_BYTE_ARRAY:
        if (t.kind === 'utf8') return utf8.decode(b);
        if (t.kind === 'decimal') return formatDecimal(bigEndianSigned(b), t.scale);
        return undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined; // e.g. a truncated string statistic that is not valid UTF-8: no bound
  }
}

function bigEndianSigned(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  if (b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}
