/**
 * Casts between Kindling's types with Spark's non-ANSI semantics (kernels: assembly/cast.ts), and
 * the scalar/operand helpers shared by the compare, arith and math wrappers (column helpers of every
 * wrapper: ./common.ts).
 *
 * Supported: every numeric type incl. decimal and boolean to each other; date <-> timestamp (UTC);
 * timestamp <-> numeric (seconds, as Spark); numeric/boolean <-> string; date/timestamp <-> string
 * (src/kernels/dates.ts). date <-> numeric/boolean is an AnalysisError, as in Spark.
 *
 * Non-hot paths done in TypeScript (documented): float/double -> string (Java's Double.toString /
 * Float.toString format), and string -> float/double for the rare text whose correctly rounded
 * value the kernel's exact fast path cannot produce (more than 2^53 in the significant digits or an
 * exponent beyond +-22).
 */
import { literalColumn } from './conditional.js';
import { AnalysisError, InternalError, InvalidArgumentError } from '../errors.js';
import { type DataType, byteWidth, isNestedType, typeEquals, typeToString } from '../types/data-type.js';
import { castNested, nestedToString } from './nested.js';
import { Column, nullColumn } from '../types/column.js';
import type { CellValue } from '../types/values.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { kernelFn, mapValues, nullableColumn, physicalSuffix, shareColumn } from './common.js';
import { formatDateColumn, formatTimestampColumn, parseDateColumn, parseTimestampColumn } from './dates.js';
import { castWideDecimal, needsWideKernels } from './decimal128.js';
import { castInterval, isIntervalCast } from './interval-cast.js';

/** A constant operand: a value of a type (the evaluator's Scalar has this shape). */
export interface ScalarValue {
  readonly type: DataType;
  readonly value: CellValue;
}

/** An operand of a binary kernel: a column, or a scalar that stands for every row. */
export type Operand = Column | ScalarValue;

/** True when the operand is a column. */
export function isColumn(x: Operand): x is Column {
  return x instanceof Column;
}

/**
 * The number of rows of a binary operation on `a` and `b` (columns of equal length, at least one a
 * column); `what` names the operation in errors.
 */
export function operandLength(a: Operand, b: Operand, what: string): number {
  if (isColumn(a)) {
    if (isColumn(b) && b.length !== a.length) throw new InvalidArgumentError(`${what}: operands have ${a.length} and ${b.length} rows`);
    return a.length;
  }
  if (isColumn(b)) return b.length;
  throw new InvalidArgumentError(`${what}: at least one operand must be a column (fold constant expressions first)`);
}

/** The operand as a column of type `t` (a scalar as one row); `owned` tells whether to release it. */
export function operandAs(x: Operand, t: DataType): { col: Column; owned: boolean } {
  if (isColumn(x)) return typeEquals(x.type, t) ? { col: x, owned: false } : { col: castColumn(x, t), owned: true };
  return { col: scalarColumn(x, t), owned: true };
}

/** A one-row column holding the scalar, cast to `to` (default: its own type). Owned by the caller. */
export function scalarColumn(s: ScalarValue, to: DataType = s.type): Column {
  // Written straight into wasm memory (no Arrow builder): this runs once per batch for every literal operand.
  const one = literalColumn(s.type, s.value, 1);
  if (typeEquals(s.type, to)) return one;
  try {
    return castColumn(one, to);
  } finally {
    one.release();
  }
}

const PHYSICAL_CODES: Record<string, number> = { u8: 0, i8: 1, i16: 2, i32: 3, i64: 4, f32: 5, f64: 6 };

/** Code of a fixed-width physical type in the cast kernels (0 boolean, 1..4 int8..int64, 5 float32, 6 float64). */
export function physicalCode(t: DataType): number {
  const code = PHYSICAL_CODES[physicalSuffix(t) ?? ''];
  if (code === undefined) throw new InternalError(`no fixed-width code for ${typeToString(t)}`);
  return code;
}

const isInt = (t: DataType) => t.kind === 'int8' || t.kind === 'int16' || t.kind === 'int32' || t.kind === 'int64';
const isFloat = (t: DataType) => t.kind === 'float32' || t.kind === 'float64';

/** Casts through an intermediate type, releasing the intermediate column. */
function chain(col: Column, via: DataType, to: DataType): Column {
  const mid = castColumn(col, via);
  try {
    return castColumn(mid, to);
  } finally {
    mid.release();
  }
}

function cannotCast(from: DataType, to: DataType): never {
  throw new AnalysisError(`cannot cast ${typeToString(from)} to ${typeToString(to)}`);
}

/**
 * Casts a column to `to` with Spark's non-ANSI semantics: integer narrowing wraps, float -> integer
 * truncates (NaN -> 0, saturating to int/long), decimal results round HALF_UP and are NULL when they
 * do not fit, unparsable strings are NULL. Borrows `col`; the result is owned by the caller.
 */
export function castColumn(col: Column, to: DataType): Column {
  const from = col.type;
  const n = col.length;
  const mem = runtime().memory;
  if (typeEquals(from, to)) return shareColumn(col);
  if (from.kind === 'null') return nullColumn(mem, to, n);
  if (to.kind === 'null') cannotCast(from, to);
  if (needsWideKernels(from, to)) return castWideDecimal(col, to); // decimals of 19..38 digits
  if (isIntervalCast(from, to)) return castInterval(col, to); // ANSI intervals (interval-cast.ts)
  if (to.kind === 'utf8' && isNestedType(from)) return nestedToString(col, (c) => castColumn(c, to));
  if (isNestedType(from) && isNestedType(to)) return castNested(col, to, castColumn) ?? cannotCast(from, to);
  if (to.kind === 'utf8') return castToString(col);
  if (from.kind === 'utf8') return castFromString(col, to);
  const f = (name: string) => kernelFn('cast', name);
  const src = col.valuesPtr;
  const av = col.validityPtr;
  // date
  if (from.kind === 'date32') {
    if (to.kind === 'timestamp') return mapValues(col, to, (dst) => f('date_to_ts')(src, n, dst));
    cannotCast(from, to);
  }
  if (to.kind === 'date32') {
    if (from.kind === 'timestamp') return mapValues(col, to, (dst) => f('ts_to_date')(src, n, dst));
    cannotCast(from, to);
  }
  // timestamp -> numeric / boolean
  if (from.kind === 'timestamp') {
    if (to.kind === 'boolean') return mapValues(col, to, (dst) => f('num_to_bool')(4, src, n, dst));
    if (to.kind === 'int64') return mapValues(col, to, (dst) => f('ts_to_seconds')(src, n, dst));
    if (isInt(to)) return chain(col, { kind: 'int64' }, to);
    if (to.kind === 'float64') return mapValues(col, to, (dst) => f('ts_to_double')(src, n, dst));
    return chain(col, { kind: 'float64' }, to); // float32, decimal: via double, as Spark
  }
  // numeric / boolean -> timestamp
  if (to.kind === 'timestamp') {
    if (from.kind === 'boolean') return mapValues(col, to, (dst) => f('bool_to_num')(4, src, n, dst));
    if (isInt(from)) return mapValues(col, to, (dst) => f('seconds_to_ts')(physicalCode(from), src, n, dst));
    if (isFloat(from)) return nullableColumn(to, col.length, (dst, outv) => f('float_to_ts')(physicalCode(from), src, av, n, dst, outv));
    if (from.kind === 'decimal') return mapValues(col, to, (dst) => f('dec_to_ts')(src, n, from.scale, dst));
    cannotCast(from, to);
  }
  // decimals
  if (to.kind === 'decimal') {
    const { precision: p, scale: s } = to;
    if (from.kind === 'decimal') return nullableColumn(to, col.length, (dst, outv) => f('dec_rescale')(src, av, n, from.scale, p, s, dst, outv));
    if (isFloat(from)) return nullableColumn(to, col.length, (dst, outv) => f('float_to_dec')(physicalCode(from), src, av, n, p, s, dst, outv));
    return nullableColumn(to, col.length, (dst, outv) => f('int_to_dec')(physicalCode(from), src, av, n, p, s, dst, outv));
  }
  if (from.kind === 'decimal') {
    if (to.kind === 'boolean') return mapValues(col, to, (dst) => f('num_to_bool')(4, src, n, dst));
    if (isFloat(to)) return mapValues(col, to, (dst) => f('dec_to_float')(physicalCode(to), src, n, from.scale, dst));
    return mapValues(col, to, (dst) => f('dec_to_int')(physicalCode(to), src, n, from.scale, dst));
  }
  // boolean <-> numeric, numeric <-> numeric
  if (from.kind === 'boolean') return mapValues(col, to, (dst) => f('bool_to_num')(physicalCode(to), src, n, dst));
  if (to.kind === 'boolean') return mapValues(col, to, (dst) => f('num_to_bool')(physicalCode(from), src, n, dst));
  return mapValues(col, to, (dst) => f('cast_num')(physicalCode(from), physicalCode(to), src, n, dst));
}

// ---------------------------------------------------------------------------------------------
// strings

function castFromString(col: Column, to: DataType): Column {
  const n = col.length;
  const f = (name: string) => kernelFn('cast', name);
  const off = col.offsetsPtr;
  const data = col.valuesPtr;
  const av = col.validityPtr;
  switch (to.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return nullableColumn(to, col.length, (dst, outv) => f('parse_int')(byteWidth(to), off, data, av, n, dst, outv));
    case 'decimal':
      return nullableColumn(to, col.length, (dst, outv) => f('parse_decimal')(off, data, av, n, to.precision, to.scale, dst, outv));
    case 'boolean':
      return nullableColumn(to, col.length, (dst, outv) => f('parse_bool')(off, data, av, n, dst, outv));
    case 'float32':
    case 'float64':
      return nullableColumn(to, col.length, (dst, outv) => {
        const code = physicalCode(to);
        const slow = f('parse_float')(code, off, data, av, n, dst, outv);
        if (slow > 0) parseSlowFloats(col, code, dst, outv);
        return kernelFn('boolean', 'count_zeros')(outv, n);
      });
    case 'date32':
      return parseDateColumn(col);
    case 'timestamp':
      return parseTimestampColumn(col);
    default:
      return cannotCast(col.type, to);
  }
}

/** Rows marked 2 by parse_float: correctly rounded parse in JavaScript (same result as Java's). */
function parseSlowFloats(col: Column, code: number, dst: number, outv: number): void {
  const mem = runtime().memory;
  const n = col.length;
  const marks = mem.u8(outv, n);
  const offsets = mem.i32(col.offsetsPtr, n + 1);
  const bytes = mem.u8(col.valuesPtr, offsets[n]!);
  const out32 = code === 5 ? new Float32Array(mem.memory.buffer, dst, n) : null;
  const out64 = code === 6 ? mem.f64(dst, n) : null;
  const decoder = new TextDecoder();
  for (let i = 0; i < n; i++) {
    if (marks[i] !== 2) continue;
    let text = decoder.decode(bytes.slice(offsets[i]!, offsets[i + 1]!)).trim();
    if (/[dDfF]$/.test(text)) text = text.slice(0, -1);
    const v = Number(text);
    if (out32) out32[i] = Math.fround(v);
    else out64![i] = v;
    marks[i] = 1;
  }
}

function castToString(col: Column): Column {
  const from = col.type;
  switch (from.kind) {
    case 'boolean':
      return formatFixed(col, 0, 1, 0);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return formatFixed(col, 1, byteWidth(from), 0);
    case 'decimal':
      return formatFixed(col, 2, 8, from.scale);
    case 'float32':
    case 'float64':
      return formatFloats(col);
    case 'date32':
      return formatDateColumn(col);
    case 'timestamp':
      return formatTimestampColumn(col);
    default:
      return cannotCast(from, { kind: 'utf8' });
  }
}

/** Two-pass kernel formatting (lengths, then bytes) of booleans, integers and decimals. */
function formatFixed(col: Column, kind: number, width: number, scale: number): Column {
  const mem = runtime().memory;
  const n = col.length;
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  let data: WasmBuffer | null = null;
  try {
    const total = kernelFn('cast', 'fmt_len')(kind, width, col.valuesPtr, col.validityPtr, n, scale, offsets.ptr);
    data = WasmBuffer.allocate(mem, Math.max(1, total));
    kernelFn('cast', 'fmt_write')(kind, width, col.valuesPtr, col.validityPtr, n, scale, offsets.ptr, data.ptr);
  } catch (e) {
    offsets.release();
    data?.release();
    throw e;
  }
  return new Column({ kind: 'utf8' }, n, data, col.validity?.retain() ?? null, offsets, col.nullCount);
}

/** Java's Double.toString: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`, `-0.0`. */
export function javaDoubleToString(d: number): string {
  return javaFormat(d, d.toExponential());
}

/** Java's Float.toString of a float32 value (shortest digits that read back as the same float). */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  let digits = 9;
  for (let p = 1; p <= 9; p++) {
    if (Math.fround(Number(f.toPrecision(p))) === f) {
      digits = p;
      break;
    }
  }
  return javaFormat(Number(f.toPrecision(digits)), Number(f.toPrecision(digits)).toExponential());
}

function javaFormat(d: number, exponential: string): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d); // plain notation in this range, shortest digits
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = exponential.split('e') as [string, string];
  return `${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`;
}

/** float/double -> string in TypeScript (a documented non-hot path: one JS string per row). */
function formatFloats(col: Column): Column {
  const mem = runtime().memory;
  const n = col.length;
  const vals = col.type.kind === 'float32' ? new Float32Array(mem.memory.buffer, col.valuesPtr, n) : mem.f64(col.valuesPtr, n);
  const valid = col.validity ? mem.u8(col.validityPtr, n) : null;
  const fmt = col.type.kind === 'float32' ? javaFloatToString : javaDoubleToString;
  const parts: string[] = new Array(n);
  const lens = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const s = valid && valid[i] === 0 ? '' : fmt(vals[i]!);
    parts[i] = s;
    lens[i + 1] = lens[i]! + s.length; // ASCII only
  }
  const text = parts.join('');
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  const data = WasmBuffer.allocate(mem, Math.max(1, text.length));
  mem.i32(offsets.ptr, n + 1).set(lens);
  mem.u8(data.ptr, text.length).set(new TextEncoder().encode(text));
  return new Column({ kind: 'utf8' }, n, data, col.validity?.retain() ?? null, offsets, col.nullCount);
}
