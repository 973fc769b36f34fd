/**
 * String functions over utf8 columns with Apache Spark semantics (kernels: assembly/strings.ts).
 *
 * Every function borrows its inputs and returns a new Column owned by the caller. Nulls propagate:
 * a null input row gives a null output row (the result shares the input's validity buffer), except
 * where a function's doc says otherwise (concat_ws skips nulls). Characters are Unicode code
 * points, as in Spark (`length('日本')` is 2, `substring` counts code points).
 */
import { InvalidArgumentError } from '../errors.js';
import { type DataType, DataTypes, typeToString } from '../types/data-type.js';
import { Column, nullColumn } from '../types/column.js';
import { WasmBuffer, type WasmMemory } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';
import { combineValidity, filledBuffer, mapValues, withCopyInWasm } from './common.js';

const INT32_MAX = 2147483647;
/** Output buffers using less than this fraction of their capacity are copied to a tight buffer. */
const SHRINK_RATIO = 0.5;
/** ... unless they are smaller than this many bytes. */
const SHRINK_MIN_BYTES = 4096;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function kernels(): KernelExports {
  return runtime().module('strings');
}

function requireUtf8(col: Column, fn: string): void {
  if (col.type.kind !== 'utf8') {
    throw new InvalidArgumentError(`${fn}: expected a string column, got ${typeToString(col.type)}`);
  }
}

function requireInt(value: number, fn: string, what: string): void {
  if (!Number.isInteger(value) || value < -2147483648 || value > INT32_MAX) {
    throw new InvalidArgumentError(`${fn}: ${what} must be a 32-bit integer, got ${value}`);
  }
}

/** Byte range [start, end) of the string data of a utf8 column. */
function byteRange(mem: WasmMemory, col: Column): { start: number; end: number } {
  const o = mem.i32(col.offsetsPtr, col.length + 1);
  return { start: o[0]!, end: o[col.length]! };
}

/** Releases the unused tail of an output byte buffer by copying to a tight one when worth it. */
function shrinkToFit(mem: WasmMemory, buf: WasmBuffer, used: number): WasmBuffer {
  if (buf.byteLength < SHRINK_MIN_BYTES || used >= buf.byteLength * SHRINK_RATIO) return buf;
  const tight = WasmBuffer.allocate(mem, Math.max(1, used));
  mem.u8(tight.ptr, used).set(mem.u8(buf.ptr, used));
  buf.release();
  return tight;
}

/** A column of the same rows and nulls as `col` (validity shared) with new values. */
function withValidityOf(col: Column, type: DataType, values: WasmBuffer, offsets: WasmBuffer | null): Column {
  col.validity?.retain();
  return new Column(type, col.length, values, col.validity, offsets, col.nullCount);
}

/**
 * Runs a utf8 -> utf8 kernel that writes offsets and at most `capacity` bytes, returning the
 * bytes written; builds the result column with `col`'s nulls.
 */
function utf8Transform(col: Column, capacity: number, run: (dstOff: number, dstVal: number) => number): Column {
  const mem = runtime().memory;
  const offsets = WasmBuffer.allocate(mem, (col.length + 1) * 4);
  let values = WasmBuffer.allocate(mem, Math.max(1, capacity));
  try {
    const used = run(offsets.ptr, values.ptr);
    values = shrinkToFit(mem, values, used);
  } catch (e) {
    offsets.release();
    values.release();
    throw e;
  }
  return withValidityOf(col, DataTypes.String, values, offsets);
}

// ---------------------------------------------------------------------------------------------
// length, upper, lower
// ---------------------------------------------------------------------------------------------

/** Spark's `length(str)`: number of characters (code points) as int32; null stays null. */
export function length(col: Column): Column {
  requireUtf8(col, 'length');
  return mapValues(col, DataTypes.Integer, (dst) => kernels().utf8_length!(col.offsetsPtr, col.valuesPtr, col.length, dst));
}

/** Spark's `upper(str)`: full Unicode upper-casing (ASCII in SIMD, other rows via String.prototype.toUpperCase). */
export function upper(col: Column): Column {
  return caseMap(col, true);
}

/** Spark's `lower(str)`: full Unicode lower-casing (ASCII in SIMD, other rows via String.prototype.toLowerCase). */
export function lower(col: Column): Column {
  return caseMap(col, false);
}

function caseMap(col: Column, toUpper: boolean, title = false): Column {
  const fn = title ? 'initcap' : toUpper ? 'upper' : 'lower';
  requireUtf8(col, fn);
  const rt = runtime();
  const mem = rt.memory;
  const k = kernels();
  const n = col.length;
  const { start, end } = byteRange(mem, col);
  const bytes = end - start;
  // 1. SIMD ASCII case mapping of the whole byte range (non-ASCII bytes pass through).
  const cased = WasmBuffer.allocate(mem, Math.max(1, bytes));
  if (title) k.ascii_initcap!(col.offsetsPtr, col.valuesPtr, n, cased.ptr);
  else k.ascii_case!(col.valuesPtr + start, bytes, cased.ptr, toUpper ? 1 : 0);
  // 2. Which valid rows hold non-ASCII bytes? (0 when the batch is ASCII: one SIMD pass.)
  const idx = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
  try {
    const count = k.non_ascii_rows!(col.offsetsPtr, col.valuesPtr, col.validityPtr, n, idx.ptr);
    if (count === 0) {
      let offsets: WasmBuffer;
      if (start === 0 && col.offsets) offsets = col.offsets.retain();
      else {
        offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
        k.rebase_offsets!(col.offsetsPtr, n, offsets.ptr);
      }
      return withValidityOf(col, DataTypes.String, cased, offsets);
    }
    // 3. Rare path: Unicode case mapping of only the rows that need it, then one splice kernel.
    const rows = mem.i32(idx.ptr, count).slice();
    const srcOffsets = mem.i32(col.offsetsPtr, n + 1);
    const replacements: Uint8Array[] = new Array(count);
    let replacedBytes = 0;
    let newBytes = 0;
    for (let j = 0; j < count; j++) {
      const r = rows[j]!;
      const s = srcOffsets[r]!;
      const e = srcOffsets[r + 1]!;
      const text = decoder.decode(mem.u8(col.valuesPtr + s, e - s).slice());
      const mapped = encoder.encode(title ? initcapText(text) : toUpper ? text.toUpperCase() : text.toLowerCase());
      replacements[j] = mapped;
      replacedBytes += e - s;
      newBytes += mapped.byteLength;
    }
    const total = bytes - replacedBytes + newBytes;
    const repOff = WasmBuffer.allocate(mem, (count + 1) * 4);
    const repVal = WasmBuffer.allocate(mem, Math.max(1, newBytes));
    const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    const values = WasmBuffer.allocate(mem, Math.max(1, total));
    try {
      const ro = mem.i32(repOff.ptr, count + 1);
      let at = 0;
      ro[0] = 0;
      for (let j = 0; j < count; j++) {
        mem.u8(repVal.ptr + at, replacements[j]!.byteLength).set(replacements[j]!);
        at += replacements[j]!.byteLength;
        ro[j + 1] = at;
      }
      // The cased buffer starts at byte `start` of the input's offsets: address it as if it began at 0.
      k.splice_rows!(col.offsetsPtr, (cased.ptr - start) | 0, n, idx.ptr, count, repOff.ptr, repVal.ptr, offsets.ptr, values.ptr);
    } catch (e) {
      offsets.release();
      values.release();
      throw e;
    } finally {
      repOff.release();
      repVal.release();
      cased.release();
    }
    return withValidityOf(col, DataTypes.String, values, offsets);
  } catch (e) {
    if (cased.alive) cased.release();
    throw e;
  } finally {
    idx.release();
  }
}

// ---------------------------------------------------------------------------------------------
// substring, trim, concat
// ---------------------------------------------------------------------------------------------

/**
 * Spark's `substring(str, pos[, len])` by characters: pos is 1-based, 0 acts as 1, a negative pos
 * counts from the end; len < 0 gives ''. `len` defaults to the rest of the string.
 */
export function substring(col: Column, pos: number, len: number = INT32_MAX): Column {
  requireUtf8(col, 'substring');
  requireInt(pos, 'substring', 'pos');
  requireInt(len, 'substring', 'len');
  const { start, end } = byteRange(runtime().memory, col);
  return utf8Transform(col, end - start, (dstOff, dstVal) =>
    kernels().substring!(col.offsetsPtr, col.valuesPtr, col.length, pos, len, dstOff, dstVal),
  );
}

function trimMode(col: Column, mode: number, fn: string): Column {
  requireUtf8(col, fn);
  const { start, end } = byteRange(runtime().memory, col);
  return utf8Transform(col, end - start, (dstOff, dstVal) =>
    kernels().trim!(col.offsetsPtr, col.valuesPtr, col.length, mode, dstOff, dstVal),
  );
}

/** Spark's `trim(str)`: removes leading and trailing spaces (U+0020 only, Spark's default). */
export function trim(col: Column): Column {
  return trimMode(col, 0, 'trim');
}

/** Spark's `ltrim(str)`: removes leading spaces (U+0020). */
export function ltrim(col: Column): Column {
  return trimMode(col, 1, 'ltrim');
}

/** Spark's `rtrim(str)`: removes trailing spaces (U+0020). */
export function rtrim(col: Column): Column {
  return trimMode(col, 2, 'rtrim');
}

/** Checks a concat argument list; returns the common row count. */
function checkConcatArgs(cols: readonly Column[], fn: string): number {
  if (cols.length === 0) throw new InvalidArgumentError(`${fn}: needs at least one column`);
  const n = cols[0]!.length;
  cols.forEach((c, i) => {
    if (c.type.kind !== 'utf8' && c.type.kind !== 'null') {
      throw new InvalidArgumentError(`${fn}: argument ${i + 1} must be a string column, got ${typeToString(c.type)}`);
    }
    if (c.length !== n) throw new InvalidArgumentError(`${fn}: argument ${i + 1} has ${c.length} rows, argument 1 has ${n}`);
  });
  return n;
}

/** Writes the (offsets, values, validity) descriptors of `cols` for the concat kernels. */
function writeDescs(mem: WasmMemory, ptr: number, cols: readonly Column[]): void {
  const d = mem.u32(ptr, cols.length * 3);
  cols.forEach((c, i) => {
    d[i * 3] = c.offsetsPtr;
    d[i * 3 + 1] = c.valuesPtr;
    d[i * 3 + 2] = c.validityPtr;
  });
}

/** Spark's `concat(cols...)`: concatenation of strings; null when any input is null. */
export function concat(cols: readonly Column[]): Column {
  const n = checkConcatArgs(cols, 'concat');
  const rt = runtime();
  const mem = rt.memory;
  if (cols.some((c) => c.type.kind === 'null' || c.nullCount === c.length && c.length > 0)) {
    return nullColumn(mem, DataTypes.String, n);
  }
  const capacity = cols.reduce((s, c) => {
    const r = byteRange(mem, c);
    return s + r.end - r.start;
  }, 0);
  const anyNulls = cols.some((c) => c.validity !== null);
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  let values = WasmBuffer.allocate(mem, Math.max(1, capacity));
  const validity = anyNulls ? WasmBuffer.allocate(mem, Math.max(1, n)) : null;
  let nulls = 0;
  try {
    rt.withScratch(cols.length * 12 + 8, (descs) => {
      writeDescs(mem, descs, cols);
      const stats = descs + cols.length * 12;
      kernels().concat!(descs, cols.length, n, validity?.ptr ?? 0, offsets.ptr, values.ptr, stats);
      const [used, nullCount] = mem.i32(stats, 2);
      nulls = nullCount!;
      values = shrinkToFit(mem, values, used!);
    });
  } catch (e) {
    offsets.release();
    values.release();
    validity?.release();
    throw e;
  }
  if (validity && nulls === 0) {
    validity.release();
    return new Column(DataTypes.String, n, values, null, offsets, 0);
  }
  return new Column(DataTypes.String, n, values, validity, offsets, nulls);
}

/** Spark's `concat_ws(sep, cols...)`: joins the non-null inputs with `sep`; null inputs are skipped, the result is never null. */
export function concatWs(sep: string, cols: readonly Column[]): Column {
  const n = checkConcatArgs(cols, 'concat_ws');
  const rt = runtime();
  const mem = rt.memory;
  const live = cols.filter((c) => c.type.kind !== 'null');
  const sepBytes = encoder.encode(sep);
  const capacity =
    live.reduce((s, c) => {
      const r = byteRange(mem, c);
      return s + r.end - r.start;
    }, 0) +
    Math.max(0, live.length - 1) * sepBytes.byteLength * n;
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  let values = WasmBuffer.allocate(mem, Math.max(1, capacity));
  try {
    rt.withScratch(live.length * 12 + sepBytes.byteLength + 1, (descs) => {
      writeDescs(mem, descs, live);
      const sepPtr = descs + live.length * 12;
      mem.u8(sepPtr, sepBytes.byteLength).set(sepBytes);
      const used = kernels().concat_ws!(descs, live.length, n, sepPtr, sepBytes.byteLength, offsets.ptr, values.ptr);
      values = shrinkToFit(mem, values, used);
    });
  } catch (e) {
    offsets.release();
    values.release();
    throw e;
  }
  return new Column(DataTypes.String, n, values, null, offsets, 0);
}

// ---------------------------------------------------------------------------------------------
// LIKE, startsWith, endsWith, contains
// ---------------------------------------------------------------------------------------------

/** Token of a general LIKE pattern: any one character (`_`). Literal bytes are 0..255. */
const TOK_ONE = -1;
/** Token of a general LIKE pattern: any run of characters (`%`). */
const TOK_ANY = -2;
/** like_fast modes (see assembly/strings.ts). */
const FAST_MODES = { exact: 0, prefix: 1, suffix: 2, contains: 3 } as const;

/** A LIKE pattern compiled to the kernel that runs it. */
export type LikeProgram =
  | { readonly kind: 'all' }
  | { readonly kind: 'exact' | 'prefix' | 'suffix' | 'contains'; readonly literal: Uint8Array }
  | { readonly kind: 'general'; readonly tokens: Int32Array };

/**
 * Compiles a SQL LIKE pattern (Spark's rules: `_` one character, `%` any run, the escape character
 * may precede only `_`, `%` or itself, and may not end the pattern) into a fast literal case
 * (exact, `abc%`, `%abc`, `%abc%`, `%`) or a general token program.
 */
export function compileLikePattern(pattern: string, escape = '\\'): LikeProgram {
  const esc = [...escape];
  if (esc.length !== 1) throw new InvalidArgumentError(`like: the escape must be a single character, got '${escape}'`);
  const escChar = esc[0]!;
  // Items: a literal string run, or a wildcard.
  type Item = { lit: string } | { wild: '_' | '%' };
  const items: Item[] = [];
  const pushLit = (ch: string) => {
    const last = items[items.length - 1];
    if (last && 'lit' in last) last.lit += ch;
    else items.push({ lit: ch });
  };
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === escChar) {
      const next = chars[i + 1];
      if (next === undefined) {
        throw new InvalidArgumentError(`like: invalid pattern '${pattern}': it is not allowed to end with the escape character`);
      }
      if (next !== '_' && next !== '%' && next !== escChar) {
        throw new InvalidArgumentError(`like: invalid pattern '${pattern}': the escape character is not allowed to precede '${next}'`);
      }
      pushLit(next);
      i++;
    } else if (c === '_' || c === '%') {
      const last = items[items.length - 1];
      if (!(c === '%' && last && 'wild' in last && last.wild === '%')) items.push({ wild: c });
    } else pushLit(c);
  }
  const shape = items.map((it) => ('lit' in it ? 'L' : it.wild)).join('');
  const litOf = (i: number) => encoder.encode((items[i] as { lit: string }).lit);
  switch (shape) {
    case '':
      return { kind: 'exact', literal: new Uint8Array(0) };
    case '%':
      return { kind: 'all' };
    case 'L':
      return { kind: 'exact', literal: litOf(0) };
    case 'L%':
      return { kind: 'prefix', literal: litOf(0) };
    case '%L':
      return { kind: 'suffix', literal: litOf(1) };
    case '%L%':
      return { kind: 'contains', literal: litOf(1) };
  }
  const tokens: number[] = [];
  for (const it of items) {
    if ('wild' in it) tokens.push(it.wild === '_' ? TOK_ONE : TOK_ANY);
    else for (const b of encoder.encode(it.lit)) tokens.push(b);
  }
  return { kind: 'general', tokens: Int32Array.from(tokens) };
}

/** Runs a compiled LIKE program over a string column: boolean result, null where the input is null. */
export function runLikeProgram(col: Column, program: LikeProgram): Column {
  const n = col.length;
  return mapValues(col, DataTypes.Boolean, (dst) => {
    if (program.kind === 'all') runtime().memory.u8(dst, n).fill(1);
    else if (program.kind === 'general') {
      const t = program.tokens;
      withCopyInWasm(t, (tok) => kernels().like_general!(col.offsetsPtr, col.valuesPtr, n, tok, t.length, dst));
    } else {
      const lit = program.literal;
      withCopyInWasm(lit, (litPtr) => kernels().like_fast!(col.offsetsPtr, col.valuesPtr, n, FAST_MODES[program.kind], litPtr, lit.byteLength, dst));
    }
  });
}

/** Spark's `str LIKE pattern [ESCAPE escape]` with a literal pattern: boolean, null where `str` is null. */
export function like(col: Column, pattern: string, escape = '\\'): Column {
  requireUtf8(col, 'like');
  return runLikeProgram(col, compileLikePattern(pattern, escape));
}

function literalMatch(col: Column, literal: string, kind: 'prefix' | 'suffix' | 'contains', fn: string): Column {
  requireUtf8(col, fn);
  const bytes = encoder.encode(literal);
  return runLikeProgram(col, bytes.byteLength === 0 ? { kind: 'all' } : { kind, literal: bytes });
}

/** Spark's `startswith(str, prefix)` with a literal prefix: boolean, null where `str` is null. */
export function startsWith(col: Column, prefix: string): Column {
  return literalMatch(col, prefix, 'prefix', 'startsWith');
}

/** Spark's `endswith(str, suffix)` with a literal suffix: boolean, null where `str` is null. */
export function endsWith(col: Column, suffix: string): Column {
  return literalMatch(col, suffix, 'suffix', 'endsWith');
}

/** Spark's `contains(str, sub)` with a literal: boolean, null where `str` is null. */
export function contains(col: Column, sub: string): Column {
  return literalMatch(col, sub, 'contains', 'contains');
}

// ---------------------------------------------------------------------------------------------
// octet_length, bit_length, reverse, repeat, lpad/rpad, locate/instr, translate, initcap
// ---------------------------------------------------------------------------------------------

/** Title-case mappings that differ from upper case (Unicode digraphs). */
const TITLE_CASE: Record<string, string> = { 'Ǆ': 'ǅ', 'ǆ': 'ǅ', 'Ǉ': 'ǈ', 'ǉ': 'ǈ', 'Ǌ': 'ǋ', 'ǌ': 'ǋ', 'Ǳ': 'ǲ', 'ǳ': 'ǲ' };

/** Spark's initcap of one (non-ASCII) string: lower-case, then title-case each character after a space. */
function initcapText(text: string): string {
  const lower = text.toLowerCase();
  let out = '';
  let prev = ' ';
  for (const ch of lower) {
    if (prev === ' ') {
      const t = TITLE_CASE[ch];
      if (t) out += t;
      else {
        const up = ch.toUpperCase();
        out += up.length > 1 ? up[0] + up.slice(1).toLowerCase() : up;
      }
    } else out += ch;
    prev = ch;
  }
  return out;
}

/**
 * Spark's `initcap(str)`: lower-case, then upper-case (title-case) the first letter of every word;
 * words are separated by spaces. ASCII batches run in one kernel; non-ASCII rows use Unicode casing.
 */
export function initcap(col: Column): Column {
  return caseMap(col, false, true);
}

/** Spark's `octet_length(str)`: bytes of the UTF-8 encoding, int32. */
export function octetLength(col: Column): Column {
  requireUtf8(col, 'octet_length');
  return mapValues(col, DataTypes.Integer, (dst) => kernels().utf8_octet_length!(col.offsetsPtr, col.length, 0, dst));
}

/** Spark's `bit_length(str)`: 8 * octet_length, int32. */
export function bitLength(col: Column): Column {
  requireUtf8(col, 'bit_length');
  return mapValues(col, DataTypes.Integer, (dst) => kernels().utf8_octet_length!(col.offsetsPtr, col.length, 3, dst));
}

/** Spark's `reverse(str)`: the characters (code points) in reverse order. */
export function reverse(col: Column): Column {
  requireUtf8(col, 'reverse');
  const mem = runtime().memory;
  const { start, end } = byteRange(mem, col);
  return utf8Transform(col, end - start, (dstOff, dstVal) => {
    kernels().utf8_reverse!(col.offsetsPtr, col.valuesPtr, col.length, dstOff, dstVal);
    return end - start;
  });
}

/**
 * Runs a variable-size utf8 kernel twice (dry run with dstVal 0 for the size, then for real) and
 * builds the result with `validity` (owned: passed to the result).
 */
function sizedUtf8(fn: string, n: number, validity: { validity: WasmBuffer | null; nullCount: number }, run: (dstOff: number, dstVal: number) => number): Column {
  const mem = runtime().memory;
  let offsets: WasmBuffer | null = null;
  let values: WasmBuffer | null = null;
  try {
    const bytes = run(0, 0);
    if (bytes > INT32_MAX) throw new InvalidArgumentError(`${fn}: the result would hold ${bytes} bytes, more than a string column can (2 GiB)`);
    offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    values = WasmBuffer.allocate(mem, Math.max(1, bytes));
    run(offsets.ptr, values.ptr);
  } catch (e) {
    offsets?.release();
    values?.release();
    validity.validity?.release();
    throw e;
  }
  return new Column(DataTypes.String, n, values, validity.validity, offsets, validity.nullCount);
}

function requireInt32Column(col: Column, fn: string, what: string): void {
  if (col.type.kind !== 'int32') throw new InvalidArgumentError(`${fn}: ${what} must be an int column, got ${typeToString(col.type)}`);
}

/** Spark's `repeat(str, times)`: `times` copies of the string (times <= 0 gives ''); `times` is an int column. */
export function repeat(col: Column, times: Column): Column {
  requireUtf8(col, 'repeat');
  requireInt32Column(times, 'repeat', 'the count');
  const v = combineValidity([col, times]);
  return sizedUtf8('repeat', col.length, v, (dstOff, dstVal) =>
    kernels().utf8_repeat!(col.offsetsPtr, col.valuesPtr, col.length, times.valuesPtr, v.validity?.ptr ?? 0, dstOff, dstVal),
  );
}

/**
 * Spark's `lpad(str, len, pad)` (left) / `rpad(str, len, pad)`, by characters: cut to `len`
 * characters when longer, else padded with repetitions of `pad` (an empty pad leaves it as is).
 */
export function pad(col: Column, len: Column, padText: string, left: boolean): Column {
  const fn = left ? 'lpad' : 'rpad';
  requireUtf8(col, fn);
  requireInt32Column(len, fn, 'the length');
  const padBytes = encoder.encode(padText);
  const padChars = [...padText].length;
  const v = combineValidity([col, len]);
  return runtime().withScratch(padBytes.byteLength + 1, (padPtr) => {
    runtime().memory.u8(padPtr, padBytes.byteLength).set(padBytes);
    return sizedUtf8(fn, col.length, v, (dstOff, dstVal) =>
      kernels().utf8_pad!(col.offsetsPtr, col.valuesPtr, col.length, len.valuesPtr, v.validity?.ptr ?? 0, padPtr, padBytes.byteLength, padChars, left ? 1 : 0, dstOff, dstVal),
    );
  });
}

/**
 * Spark's `locate(substr, str[, pos])`: the 1-based character position of the first occurrence
 * of `substr` in `str` at or after character `pos` (0 when absent or pos < 1; a null pos gives 0,
 * not null). `instr(str, substr)` is locate without pos. Null when str or substr is null.
 */
export function locate(sub: Column, str: Column, pos?: Column): Column {
  requireUtf8(sub, 'locate');
  requireUtf8(str, 'locate');
  if (pos) requireInt32Column(pos, 'locate', 'the position');
  const n = str.length;
  const mem = runtime().memory;
  const values = filledBuffer(Math.max(1, n) * 4, (dst) => {
    if (pos && pos.validity && pos.nullCount > 0) {
      // A null position gives 0: run with the positions where null rows read as 0 (< 1 -> 0).
      runtime().withScratch(Math.max(1, n) * 4, (starts) => {
        const s = mem.i32(starts, n);
        s.set(mem.i32(pos.valuesPtr, n));
        kernels().zero_where_null_i32!(starts, pos.validityPtr, n);
        kernels().utf8_locate!(str.offsetsPtr, str.valuesPtr, sub.offsetsPtr, sub.valuesPtr, n, starts, dst);
      });
    } else {
      kernels().utf8_locate!(str.offsetsPtr, str.valuesPtr, sub.offsetsPtr, sub.valuesPtr, n, pos ? pos.valuesPtr : 0, dst);
    }
  });
  const { validity, nullCount } = combineValidity([sub, str]);
  return new Column(DataTypes.Integer, n, values, validity, null, nullCount);
}

/**
 * Spark's `translate(str, from, to)`: characters of `from` are replaced by the character at the
 * same position of `to`, or removed when `to` is shorter; the first occurrence in `from` wins.
 */
export function translate(col: Column, from: string, to: string): Column {
  requireUtf8(col, 'translate');
  const toChars = [...to];
  const entries = new Map<number, string | null>();
  [...from].forEach((ch, i) => {
    const cp = ch.codePointAt(0)!;
    if (!entries.has(cp)) entries.set(cp, i < toChars.length ? toChars[i]! : null);
  });
  const sorted = [...entries.entries()].sort((a, b) => a[0] - b[0]);
  const repBytes: number[] = [];
  const map = new Int32Array(sorted.length * 3);
  sorted.forEach(([cp, rep], i) => {
    map[i * 3] = cp;
    if (rep === null) {
      map[i * 3 + 1] = -1;
      return;
    }
    const b = encoder.encode(rep);
    map[i * 3 + 1] = repBytes.length;
    map[i * 3 + 2] = b.byteLength;
    repBytes.push(...b);
  });
  const v = { validity: col.validity?.retain() ?? null, nullCount: col.nullCount };
  const mem = runtime().memory;
  return runtime().withScratch(map.byteLength + repBytes.length + 4, (scratch) => {
    mem.i32(scratch, map.length).set(map);
    const rep = scratch + map.byteLength;
    mem.u8(rep, repBytes.length).set(repBytes);
    return sizedUtf8('translate', col.length, v, (dstOff, dstVal) =>
      kernels().utf8_translate!(col.offsetsPtr, col.valuesPtr, col.length, col.validityPtr, scratch, sorted.length, rep, dstOff, dstVal),
    );
  });
}
