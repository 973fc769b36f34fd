/**
 * Kindling's own Parquet page decoder: turns one column chunk, already read into wasm memory, into
 * a Kindling column without leaving wasm memory. Page headers are parsed here (Thrift, one per
 * page); everything per value (Snappy decompression, definition levels, dictionary indices, PLAIN
 * values, scatter of non-null values to rows, type conversion) is a kernel of assembly/parquet.ts.
 *
 * It covers what Parquet writers produce for flat schemas (PLAIN, dictionary, RLE booleans and the
 * DELTA_BINARY_PACKED / DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY encodings of v2 writers; data
 * pages v1 and v2; uncompressed and Snappy). Anything else (other codecs, BYTE_STREAM_SPLIT, INT96,
 * decimals stored as BYTE_ARRAY) is reported as unsupported so the caller
 * decodes that chunk with parquet-wasm instead; a chunk that claims a supported layout but is
 * corrupt raises a KindlingIOError naming the file, row group and column.
 *
 * Format: https://parquet.apache.org/docs/file-format/ (parquet.thrift PageHeader, encodings).
 */
import { KindlingIOError } from '../errors.js';
import { type DataType, byteWidth } from '../types/data-type.js';
import { Column, nullColumn } from '../types/column.js';
import type { Field } from '../types/schema.js';
import { concatColumns } from '../types/arrow-interop.js';
import { takeColumnAt } from '../kernels/take.js';
import type { KernelRuntime } from '../wasm/runtime.js';
import { WasmBuffer, type WasmMemory } from '../wasm/memory.js';
import { type ColumnChunkLayout, CompactReader, Physical, type ThriftStruct, num, struct } from './parquet-footer.js';

const enum PageType {
  DATA_PAGE = 0,
  INDEX_PAGE = 1,
  DICTIONARY_PAGE = 2,
  DATA_PAGE_V2 = 3,
}

const enum Encoding {
  PLAIN = 0,
  PLAIN_DICTIONARY = 2,
  RLE = 3,
  DELTA_BINARY_PACKED = 5,
  DELTA_LENGTH_BYTE_ARRAY = 6,
  DELTA_BYTE_ARRAY = 7,
  RLE_DICTIONARY = 8,
}

/** Parquet's encoding ids (parquet.thrift Encoding); anything else is corruption. */
const VALID_ENCODINGS = new Set([0, 2, 3, 4, 5, 6, 7, 8, 9]);
/** Snappy's largest expansion: a 3-byte copy element yields 64 bytes. */
const MAX_SNAPPY_EXPANSION = 22;
const CODEC_UNCOMPRESSED = 0;
const CODEC_SNAPPY = 1;
/** Slack after every decompressed page so kernels may use 8-byte loads near its end. */
const PAGE_PADDING = 8;

/** Where a chunk sits, for error messages. */
export interface ChunkContext {
  readonly path: string;
  readonly rowGroup: number;
}

/**
 * Whether this decoder reads chunks of `layout` into `type` (the encodings are only known per
 * page: a page in an encoding it does not know makes decodeColumnChunk return undefined).
 */
export function chunkLayoutSupported(layout: ColumnChunkLayout, type: DataType): boolean {
  if (layout.codec !== CODEC_UNCOMPRESSED && layout.codec !== CODEC_SNAPPY) return false;
  switch (layout.physical) {
    case Physical.BOOLEAN:
      return type.kind === 'boolean';
    case Physical.INT32:
      return ['int8', 'int16', 'int32', 'int64', 'date32', 'decimal'].includes(type.kind);
    case Physical.INT64:
      return ['int64', 'decimal', 'timestamp'].includes(type.kind) && !layout.unsigned;
    case Physical.FLOAT:
      return type.kind === 'float32';
    case Physical.DOUBLE:
      return type.kind === 'float64';
    case Physical.BYTE_ARRAY:
      return type.kind === 'utf8';
    case Physical.FIXED_LEN_BYTE_ARRAY:
      return type.kind === 'decimal' && layout.typeLength > 0;
    default:
      return false; // INT96 and anything newer: parquet-wasm
  }
}

/**
 * Decodes the column chunk whose bytes (`chunk`, the whole [start, end) range) are in wasm memory
 * into a column of `numRows` rows of `f.type`. Returns undefined when a page uses an encoding this
 * decoder does not implement (the caller falls back to parquet-wasm); throws KindlingIOError when
 * the chunk is corrupt.
 */
export function decodeColumnChunk(
  rt: KernelRuntime,
  chunk: WasmBuffer,
  chunkBytes: number,
  layout: ColumnChunkLayout,
  f: Field,
  numRows: number,
  where: ChunkContext,
): Column | undefined {
  const decoder = new ChunkDecoder(rt, layout, f, where);
  try {
    return decoder.decode(chunk.ptr, chunkBytes, numRows);
  } finally {
    decoder.dispose();
  }
}

/** A page's values section after decompression, with its validity. */
interface PageValues {
  /** Address and length of the encoded values. */
  readonly ptr: number;
  readonly len: number;
  readonly encoding: number;
  /** Rows in the page. */
  readonly rows: number;
  /** Validity bytes of the page's rows (null when every row is valid); owned by the caller. */
  readonly validity: WasmBuffer | null;
  readonly nullCount: number;
}

class ChunkDecoder {
  private readonly k;
  private readonly convert;
  private readonly mem;
  private dictionary: Column | null = null;
  private maxRows = 0;
  private readonly parts: Column[] = [];

  constructor(
    private readonly rt: KernelRuntime,
    private readonly layout: ColumnChunkLayout,
    private readonly f: Field,
    private readonly where: ChunkContext,
  ) {
    this.k = rt.module('parquet');
    this.convert = rt.module('convert');
    this.mem = rt.memory;
  }

  dispose(): void {
    this.dictionary?.release();
    for (const p of this.parts) p.release();
    this.parts.length = 0;
  }

  private corrupt(what: string): KindlingIOError {
    return new KindlingIOError(
      `${this.where.path}: row group ${this.where.rowGroup}, column '${this.f.name}' is corrupt: ${what}`,
      this.where.path,
    );
  }

  decode(base: number, length: number, numRows: number): Column | undefined {
    this.maxRows = numRows;
    let p = 0;
    let rows = 0;
    while (rows < numRows) {
      if (p >= length) throw this.corrupt(`its pages hold ${rows} rows, the footer says ${numRows}`);
      const header = this.readHeader(base + p, length - p);
      p += header.size;
      const h = header.struct;
      const type = num(h, 1);
      const uncompressed = num(h, 2) ?? -1;
      const compressed = num(h, 3) ?? -1;
      if (compressed < 0 || uncompressed < 0 || compressed > length - p) {
        throw this.corrupt(`a page declares ${compressed} bytes, ${length - p} remain in the chunk`);
      }
      if (uncompressed > compressed * MAX_SNAPPY_EXPANSION + 64) {
        throw this.corrupt(`a page of ${compressed} bytes declares ${uncompressed} bytes uncompressed`);
      }
      if (type === undefined || type < PageType.DATA_PAGE || type > PageType.DATA_PAGE_V2) throw this.corrupt(`unknown page type ${type}`);
      const payload = base + p;
      p += compressed;
      if (type === PageType.DICTIONARY_PAGE) {
        const dh = struct(h, 7);
        const count = dh ? (num(dh, 1) ?? 0) : 0;
        const enc = dh ? (num(dh, 2) ?? Encoding.PLAIN) : Encoding.PLAIN;
        this.checkEncoding(enc);
        if (enc !== Encoding.PLAIN && enc !== Encoding.PLAIN_DICTIONARY) return undefined;
        const ok = this.withPage(payload, compressed, uncompressed, (ptr, len) => {
          this.dictionary?.release();
          this.dictionary = this.plainColumn(ptr, len, count);
        });
        if (!ok) return undefined;
      } else if (type === PageType.DATA_PAGE || type === PageType.DATA_PAGE_V2) {
        const page = type === PageType.DATA_PAGE ? this.dataPageV1(h, payload, compressed, uncompressed) : this.dataPageV2(h, payload, compressed, uncompressed);
        if (page === undefined) return undefined;
        rows += page;
        if (rows > numRows) throw this.corrupt(`its pages hold more rows than the ${numRows} the footer says`);
      }
      // INDEX_PAGE and unknown page types carry no rows: skipped.
    }
    if (rows !== numRows) throw this.corrupt(`its pages hold ${rows} rows, the footer says ${numRows}`);
    if (this.parts.length === 1) return this.parts.pop()!;
    const out = concatColumns(this.rt, this.f.type, this.parts);
    return out;
  }

  /** Rejects a page row count that no chunk of this row group can hold. */
  private checkRows(rows: number): void {
    if (rows < 0 || rows > this.maxRows) throw this.corrupt(`a page declares ${rows} rows, the row group has ${this.maxRows}`);
  }

  /** Rejects encoding ids that are not Parquet encodings at all (corruption, not an unimplemented encoding). */
  private checkEncoding(enc: number): void {
    if (!VALID_ENCODINGS.has(enc)) throw this.corrupt(`unknown encoding ${enc}`);
  }

  private readHeader(ptr: number, avail: number): { struct: ThriftStruct; size: number } {
    // A page header is small; statistics can make it larger. Try a window, widen if it runs out.
    for (let window = Math.min(avail, 256); ; window = Math.min(avail, window * 8)) {
      const reader = new CompactReader(this.mem.u8(ptr, window));
      try {
        const s = reader.readStruct();
        return { struct: s, size: reader.pos };
      } catch (e) {
        if (window >= avail) throw this.corrupt(`a page header cannot be read (${(e as Error).message})`);
      }
    }
  }

  /** Runs `fn` on the page's decompressed bytes (the payload itself when uncompressed). False when the codec is not supported. */
  private withPage(payload: number, compressed: number, uncompressed: number, fn: (ptr: number, len: number) => void): boolean {
    if (this.layout.codec === CODEC_UNCOMPRESSED) {
      if (compressed !== uncompressed) throw this.corrupt(`an uncompressed page of ${compressed} bytes declares ${uncompressed}`);
      fn(payload, compressed);
      return true;
    }
    if (this.layout.codec !== CODEC_SNAPPY) return false;
    this.rt.withScratch(uncompressed + PAGE_PADDING, (dst) => {
      const n = this.k.snappy_decompress!(payload, compressed, dst, uncompressed);
      if (n !== uncompressed) throw this.corrupt(n < 0 ? `its Snappy data is invalid (code ${n})` : `a page decompresses to ${n} bytes, its header says ${uncompressed}`);
      fn(dst, uncompressed);
    });
    return true;
  }

  private dataPageV1(h: ThriftStruct, payload: number, compressed: number, uncompressed: number): number | undefined {
    const dh = struct(h, 5);
    if (!dh) throw this.corrupt('a data page has no data page header');
    const rows = num(dh, 1) ?? 0;
    const encoding = num(dh, 2) ?? Encoding.PLAIN;
    this.checkRows(rows);
    this.checkEncoding(encoding);
    if (this.layout.optional && (num(dh, 3) ?? Encoding.RLE) !== Encoding.RLE) return undefined; // deprecated BIT_PACKED levels
    let result: number | undefined;
    const ok = this.withPage(payload, compressed, uncompressed, (ptr, len) => {
      let at = ptr;
      let left = len;
      let validity: WasmBuffer | null = null;
      let nullCount = 0;
      try {
        if (this.layout.optional) {
          if (left < 4) throw this.corrupt('a data page ends inside its definition levels');
          const levelBytes = this.mem.u8(at, 4);
          const levelLen = levelBytes[0]! | (levelBytes[1]! << 8) | (levelBytes[2]! << 16) | (levelBytes[3]! << 24);
          if (levelLen < 0 || levelLen > left - 4) throw this.corrupt(`definition levels of ${levelLen} bytes overrun the page`);
          ({ validity, nullCount } = this.levels(at + 4, levelLen, rows));
          at += 4 + levelLen;
          left -= 4 + levelLen;
        }
        result = this.values({ ptr: at, len: left, encoding, rows, validity, nullCount });
      } finally {
        (validity as WasmBuffer | null)?.release();
      }
    });
    return ok ? result : undefined;
  }

  private dataPageV2(h: ThriftStruct, payload: number, compressed: number, uncompressed: number): number | undefined {
    const dh = struct(h, 8);
    if (!dh) throw this.corrupt('a data page v2 has no header');
    const rows = num(dh, 3) ?? num(dh, 1) ?? 0;
    const encoding = num(dh, 4) ?? Encoding.PLAIN;
    this.checkRows(rows);
    this.checkEncoding(encoding);
    const defLen = num(dh, 5) ?? 0;
    const repLen = num(dh, 6) ?? 0;
    const isCompressed = dh.get(7) !== false;
    if (repLen !== 0) return undefined; // repeated (nested) data
    if (defLen < 0 || defLen > compressed) throw this.corrupt(`definition levels of ${defLen} bytes overrun the page`);
    let validity: WasmBuffer | null = null;
    let nullCount = 0;
    try {
      if (this.layout.optional && defLen > 0) ({ validity, nullCount } = this.levels(payload, defLen, rows));
      const vPtr = payload + defLen;
      const vCompressed = compressed - defLen;
      const vUncompressed = uncompressed - defLen;
      let result: number | undefined;
      const run = (ptr: number, len: number) => {
        result = this.values({ ptr, len, encoding, rows, validity, nullCount });
      };
      if (!isCompressed || this.layout.codec === CODEC_UNCOMPRESSED) run(vPtr, vCompressed);
      else if (!this.withPage(vPtr, vCompressed, vUncompressed, run)) return undefined;
      return result;
    } finally {
      (validity as WasmBuffer | null)?.release();
    }
  }

  /** Definition levels (bit width 1: flat OPTIONAL) to validity bytes. */
  private levels(ptr: number, len: number, rows: number): { validity: WasmBuffer | null; nullCount: number } {
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, rows));
    const nulls = this.k.def_levels_to_validity!(ptr, len, rows, validity.ptr);
    if (nulls < 0) {
      validity.release();
      throw this.corrupt(`its definition levels are invalid (code ${nulls})`);
    }
    if (nulls === 0) {
      validity.release();
      return { validity: null, nullCount: 0 };
    }
    return { validity, nullCount: nulls };
  }

  /** Decodes one page's values into a column part; returns its rows, undefined for an unknown encoding. */
  private values(pg: PageValues): number | undefined {
    const present = pg.rows - pg.nullCount;
    let dense: Column;
    if (pg.encoding === Encoding.PLAIN) dense = this.plainColumn(pg.ptr, pg.len, present);
    else if (pg.encoding === Encoding.RLE_DICTIONARY || pg.encoding === Encoding.PLAIN_DICTIONARY) {
      const dict = this.dictionary;
      if (!dict) throw this.corrupt('a dictionary-encoded page comes without a dictionary page');
      if (present === 0) {
        this.parts.push(nullColumn(this.mem, this.f.type, pg.rows));
        return pg.rows;
      }
      if (pg.len < 1) throw this.corrupt('a dictionary-encoded page has no bit width');
      const bitWidth = this.mem.u8(pg.ptr, 1)[0]!;
      const indices = WasmBuffer.allocate(this.mem, pg.rows * 4 + 16);
      try {
        const used = this.k.rle_hybrid_decode_i32!(pg.ptr + 1, pg.len - 1, bitWidth, present, indices.ptr);
        if (used < 0) throw this.corrupt(`its dictionary indices are invalid (code ${used})`);
        const bad = this.k.first_bad_index!(indices.ptr, 0, present, dict.length);
        if (bad >= 0) throw this.corrupt(`value ${bad} of a page points outside its dictionary of ${dict.length} entries`);
        if (pg.validity) {
          // Spread the indices to their rows (null rows read entry 0, then masked by the validity).
          this.rt.withScratch(present * 4 + 16, (tmp) => {
            this.mem.u8(tmp, present * 4).set(this.mem.u8(indices.ptr, present * 4));
            this.k.expand_fixed!(tmp, pg.validity!.ptr, pg.rows, 4, indices.ptr);
          });
        }
        const taken = takeColumnAt(dict, indices.ptr, pg.rows);
        this.parts.push(pg.validity ? withValidity(this.mem, taken, pg.validity, pg.nullCount) : taken);
      } finally {
        indices.release();
      }
      return pg.rows;
    } else if (pg.encoding === Encoding.RLE && this.layout.physical === Physical.BOOLEAN) {
      dense = this.rleBooleans(pg.ptr, pg.len, present);
    } else if (pg.encoding === Encoding.DELTA_BINARY_PACKED && (this.layout.physical === Physical.INT32 || this.layout.physical === Physical.INT64)) {
      const width = this.layout.physical === Physical.INT32 ? 4 : 8;
      dense = this.rt.withScratch(Math.max(1, present) * width, (tmp) => {
        this.deltaPacked(pg.ptr, pg.len, present, width, tmp);
        return this.plainColumn(tmp, present * width, present);
      });
    } else if (pg.encoding === Encoding.DELTA_LENGTH_BYTE_ARRAY && this.layout.physical === Physical.BYTE_ARRAY) {
      dense = this.deltaLengthByteArray(pg.ptr, pg.len, present).column;
    } else if (pg.encoding === Encoding.DELTA_BYTE_ARRAY && this.layout.physical === Physical.BYTE_ARRAY) {
      dense = this.deltaByteArray(pg.ptr, pg.len, present);
    } else if (pg.encoding === Encoding.DELTA_BYTE_ARRAY && this.layout.physical === Physical.FIXED_LEN_BYTE_ARRAY) {
      // Fixed-length values (decimals) delta-encoded as byte arrays: rebuild them, then convert.
      const raw = this.deltaByteArray(pg.ptr, pg.len, present);
      try {
        const total = this.mem.i32(raw.offsetsPtr, present + 1)[present]!;
        if (total !== present * this.layout.typeLength) throw this.corrupt(`its DELTA_BYTE_ARRAY values are not ${this.layout.typeLength} bytes each`);
        dense = this.plainColumn(raw.valuesPtr, total, present);
      } finally {
        raw.release();
      }
    } else return undefined;
    try {
      this.parts.push(pg.validity ? this.expand(dense, pg.validity, pg.rows, pg.nullCount) : dense.retain());
    } finally {
      dense.release();
    }
    return pg.rows;
  }

  /** `count` PLAIN values (no nulls) as a column of the target type. */
  private plainColumn(ptr: number, len: number, count: number): Column {
    const t = this.f.type;
    const mem = this.mem;
    const need = (bytes: number) => {
      if (bytes > len) throw this.corrupt(`a page holds ${len} bytes of values, ${count} values need ${bytes}`);
    };
    switch (this.layout.physical) {
      case Physical.BOOLEAN: {
        need(Math.ceil(count / 8));
        const values = WasmBuffer.allocate(mem, Math.max(1, count));
        this.convert.bits_to_bytes!(ptr, 0, count, values.ptr);
        return new Column(t, count, values, null, null, 0);
      }
      case Physical.INT32: {
        need(count * 4);
        const width = byteWidth(t);
        const values = WasmBuffer.allocate(mem, Math.max(1, count) * width);
        if (width === 4) this.convert.copy_bytes!(values.ptr, ptr, count * 4);
        else if (width === 8) this.k.widen_i32_i64!(ptr, count, this.layout.unsigned ? 0 : 1, values.ptr);
        else this.k.narrow_i32!(ptr, count, width, values.ptr);
        return new Column(t, count, values, null, null, 0);
      }
      case Physical.INT64:
      case Physical.FLOAT:
      case Physical.DOUBLE: {
        const width = this.layout.physical === Physical.FLOAT ? 4 : 8;
        need(count * width);
        const values = WasmBuffer.allocate(mem, Math.max(1, count) * width);
        const scale = this.layout.tsScale;
        if (t.kind === 'timestamp' && scale !== 1) {
          this.convert.rescale_i64!(ptr, count, scale > 0 ? scale : 1, scale > 0 ? 1 : -scale, values.ptr);
        } else this.convert.copy_bytes!(values.ptr, ptr, count * width);
        return new Column(t, count, values, null, null, 0);
      }
      case Physical.BYTE_ARRAY: {
        need(count * 4);
        const offsets = WasmBuffer.allocate(mem, (count + 1) * 4);
        const bytes = WasmBuffer.allocate(mem, Math.max(1, len));
        const total = this.k.plain_byte_array_decode!(ptr, len, count, offsets.ptr, bytes.ptr);
        if (total < 0) {
          offsets.release();
          bytes.release();
          throw this.corrupt(`its byte array values are invalid (code ${total})`);
        }
        return new Column(t, count, bytes, null, offsets, 0);
      }
      case Physical.FIXED_LEN_BYTE_ARRAY: {
        const tl = this.layout.typeLength;
        need(count * tl);
        const width = byteWidth(t); // 8, or 16 for decimals wider than 18 digits
        const values = WasmBuffer.allocate(mem, Math.max(1, count) * width);
        const bad = width === 16 ? this.k.be_fixed_to_i128!(ptr, count, tl, values.ptr) : this.k.be_fixed_to_i64!(ptr, count, tl, values.ptr);
        if (bad >= 0) {
          values.release();
          throw this.corrupt(`value ${bad} of a page does not fit in ${t.kind === 'decimal' ? `decimal(${t.precision},${t.scale})` : '64 bits'}`);
        }
        return new Column(t, count, values, null, null, 0);
      }
      default:
        throw this.corrupt(`physical type ${this.layout.physical} reached the page decoder`);
    }
  }

  /** Decodes `count` DELTA_BINARY_PACKED values of `width` bytes into `dst`; returns the bytes consumed. */
  private deltaPacked(ptr: number, len: number, count: number, width: number, dst: number): number {
    const used = this.k.delta_binary_packed_decode!(ptr, len, count, width === 8 ? 1 : 0, dst);
    if (used < 0) throw this.corrupt(`its DELTA_BINARY_PACKED values are invalid (code ${used})`);
    return used;
  }

  /** DELTA_LENGTH_BYTE_ARRAY: delta-packed lengths, then the concatenated bytes. */
  private deltaLengthByteArray(ptr: number, len: number, count: number): { column: Column; consumed: number } {
    const mem = this.mem;
    const offsets = WasmBuffer.allocate(mem, (count + 1) * 4);
    try {
      const { used, total } = this.rt.withScratch(Math.max(1, count) * 4, (lengths) => {
        const used = this.deltaPacked(ptr, len, count, 4, lengths);
        const total = this.k.lengths_to_offsets!(lengths, count, len - used, offsets.ptr);
        if (total < 0) throw this.corrupt('its byte array lengths overrun the page');
        return { used, total };
      });
      const bytes = WasmBuffer.allocate(mem, Math.max(1, total));
      this.convert.copy_bytes!(bytes.ptr, ptr + used, total);
      return { column: new Column(this.f.type, count, bytes, null, offsets, 0), consumed: used + total };
    } catch (e) {
      offsets.release();
      throw e;
    }
  }

  /** DELTA_BYTE_ARRAY: delta-packed prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY. */
  private deltaByteArray(ptr: number, len: number, count: number): Column {
    const mem = this.mem;
    return this.rt.withScratch(Math.max(1, count) * 4, (prefixes) => {
      const used = this.deltaPacked(ptr, len, count, 4, prefixes);
      const suffixes = this.deltaLengthByteArray(ptr + used, len - used, count).column;
      try {
        const suffixTotal = mem.i32(suffixes.offsetsPtr, count + 1)[count]!;
        const total = this.k.sum_i32!(prefixes, count) + suffixTotal;
        if (total > 0x7fffffff) throw this.corrupt('its DELTA_BYTE_ARRAY values exceed 2 GiB');
        const offsets = WasmBuffer.allocate(mem, (count + 1) * 4);
        const bytes = WasmBuffer.allocate(mem, Math.max(1, total));
        const got = this.k.delta_byte_array_build!(prefixes, suffixes.offsetsPtr, suffixes.valuesPtr, count, offsets.ptr, bytes.ptr, total);
        if (got < 0) {
          offsets.release();
          bytes.release();
          throw this.corrupt('a DELTA_BYTE_ARRAY prefix is longer than the value before it');
        }
        return new Column(this.f.type, count, bytes, null, offsets, 0);
      } finally {
        suffixes.release();
      }
    });
  }

  /** RLE-encoded booleans (data page v2): a 4-byte length, then the hybrid with bit width 1. */
  private rleBooleans(ptr: number, len: number, count: number): Column {
    if (len < 4) throw this.corrupt('an RLE boolean page ends inside its length');
    const b = this.mem.u8(ptr, 4);
    const runLen = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
    if (runLen < 0 || runLen > len - 4) throw this.corrupt(`RLE booleans of ${runLen} bytes overrun the page`);
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const r = this.k.def_levels_to_validity!(ptr + 4, runLen, count, values.ptr);
    if (r < 0) {
      values.release();
      throw this.corrupt(`its RLE booleans are invalid (code ${r})`);
    }
    return new Column(this.f.type, count, values, null, null, 0);
  }

  /** Spreads a dense column (one value per valid row) to `rows` rows following `validity` (borrowed). */
  private expand(dense: Column, validity: WasmBuffer, rows: number, nullCount: number): Column {
    const mem = this.mem;
    const ownValidity = WasmBuffer.allocate(mem, Math.max(1, rows));
    this.convert.copy_bytes!(ownValidity.ptr, validity.ptr, rows);
    try {
      if (this.f.type.kind === 'utf8') {
        const offsets = WasmBuffer.allocate(mem, (rows + 1) * 4);
        this.k.expand_offsets!(dense.offsetsPtr, validity.ptr, rows, offsets.ptr);
        return new Column(this.f.type, rows, dense.values!.retain(), ownValidity, offsets, nullCount);
      }
      const width = byteWidth(this.f.type);
      const values = WasmBuffer.allocate(mem, Math.max(1, rows) * width);
      this.k.expand_fixed!(dense.valuesPtr, validity.ptr, rows, width, values.ptr);
      return new Column(this.f.type, rows, values, ownValidity, null, nullCount);
    } catch (e) {
      ownValidity.release();
      throw e;
    }
  }
}

/** `col` (owned) with `validity` (borrowed, copied) as its nulls. */
function withValidity(mem: WasmMemory, col: Column, validity: WasmBuffer, nullCount: number): Column {
  const own = WasmBuffer.allocate(mem, Math.max(1, col.length));
  own.bytes().set(validity.bytes().subarray(0, col.length));
  const out = new Column(col.type, col.length, col.values?.retain() ?? null, own, col.offsets?.retain() ?? null, nullCount);
  col.release();
  return out;
}
