/**
 * Decimals wider than 18 digits (kernels: assembly/decimal128.ts). Precision 19..38 is stored as
 * 16-byte little-endian two's complement int128 values (Arrow's Decimal128 layout); precision <= 18
 * keeps the compact int64 layout. The functions here handle every operation in which at least one
 * side is wide, mixing the two layouts freely (each kernel takes the byte width of each operand):
 * arithmetic, casts (decimal <-> decimal of any width, integers, floats, strings), comparison and
 * negation. Semantics are Spark's with ANSI off: HALF_UP rounding to the result scale, NULL when a
 * result does not fit its precision, NULL for x / 0 and x % 0.
 *
 * Non-hot paths done in TypeScript (documented, like float formatting in cast.ts): wide decimal <->
 * string (BigInt per row).
 */
import { AnalysisError, InternalError } from '../errors.js';
import { type DataType, DataTypes, byteWidth, decimalByteWidth, isWideDecimal, typeToString } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { formatDecimal } from '../types/values.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { type Operand, castColumn, isColumn, operandAs } from './cast.js';
import { finishColumn, kernelFn, mapValues, nullableColumn } from './common.js';

type DecimalType = DataType & { kind: 'decimal' };

const OP_CODE: Record<string, number> = { '+': 0, '-': 1, '*': 2, '/': 3, '%': 4 };

const k = (name: string) => kernelFn('decimal128', name);

/** True when a decimal operation or cast touching these types needs the int128 kernels. */
export function needsWideKernels(...types: DataType[]): boolean {
  return types.some(isWideDecimal);
}

/**
 * `a op b` (op in + - * / %) for decimal operands (already decimal-typed, any widths) into the
 * decimal result type `rt` (any width). Either operand may be a scalar. Borrows its inputs.
 */
export function decimalArithmetic(op: string, a: Operand, b: Operand, rt: DecimalType, n: number): Column {
  const code = OP_CODE[op];
  if (code === undefined) throw new InternalError(`decimal arithmetic: unknown operator '${op}'`);
  const ta = a.type;
  const tb = b.type;
  if (ta.kind !== 'decimal' || tb.kind !== 'decimal') {
    throw new AnalysisError(`decimal arithmetic '${op}' needs decimal operands, got ${typeToString(ta)} and ${typeToString(tb)}`);
  }
  const x = operandAs(a, ta);
  const y = operandAs(b, tb);
  try {
    return nullableColumn(rt, n, (dst, dstValid) =>
      k('dec_arith')(
        code,
        x.col.valuesPtr, byteWidth(ta), isColumn(a) ? 0 : 1, x.col.validityPtr,
        y.col.valuesPtr, byteWidth(tb), isColumn(b) ? 0 : 1, y.col.validityPtr,
        n, ta.scale, tb.scale, rt.scale, rt.precision, byteWidth(rt), dst, dstValid,
      ),
    );
  } finally {
    if (x.owned) x.col.release();
    if (y.owned) y.col.release();
  }
}

/** |a| for a wide decimal column. Borrows `a`. */
export function absWide(a: Column): Column {
  return mapValues(a, a.type, (dst) => k('abs_i128')(a.valuesPtr, a.length, dst));
}

/** Rounding modes of roundDecimal: Spark's round (HALF_UP), ceil and floor. */
export type DecimalRounding = 'half_up' | 'ceil' | 'floor';

/**
 * Rounds a decimal column (any width) to `digits` fractional digits (negative: tens, hundreds, ...)
 * and returns it as the decimal type `rt` (any width, scale >= digits); NULL where it does not fit.
 * Borrows `col`.
 */
export function roundDecimal(col: Column, digits: number, mode: DecimalRounding, rt: DataType): Column {
  const t = col.type;
  if (t.kind !== 'decimal' || rt.kind !== 'decimal') throw new InternalError(`roundDecimal: ${typeToString(t)} -> ${typeToString(rt)}`);
  const code = mode === 'half_up' ? 0 : mode === 'ceil' ? 1 : 2;
  return nullableColumn(rt, col.length, (dst, outv) =>
    k('dec_round')(col.valuesPtr, byteWidth(t), col.validityPtr, col.length, t.scale, digits, code, rt.scale, rt.precision, byteWidth(rt), dst, outv),
  );
}

/** -a for a wide decimal column (never overflows). Borrows `a`. */
export function negateWide(a: Column): Column {
  return mapValues(a, a.type, (dst) => k('neg_i128')(a.valuesPtr, a.length, dst));
}

function chain(col: Column, via: DataType, to: DataType): Column {
  const mid = castColumn(col, via);
  try {
    return castColumn(mid, to);
  } finally {
    mid.release();
  }
}

/**
 * Casts where the source or the target is a wide decimal (needsWideKernels(from, to)). Borrows
 * `col`; the result is owned by the caller.
 */
export function castWideDecimal(col: Column, to: DataType): Column {
  const from = col.type;
  const n = col.length;
  if (to.kind === 'decimal') {
    const ow = byteWidth(to);
    switch (from.kind) {
      case 'decimal':
        return nullableColumn(to, n, (dst, outv) =>
          k('dec_rescale')(col.valuesPtr, byteWidth(from), col.validityPtr, n, from.scale, to.scale, to.precision, ow, dst, outv),
        );
      case 'int64':
        return nullableColumn(to, n, (dst, outv) => k('dec_rescale')(col.valuesPtr, 8, col.validityPtr, n, 0, to.scale, to.precision, ow, dst, outv));
      case 'int8':
      case 'int16':
      case 'int32':
      case 'boolean':
        return chain(col, DataTypes.Long, to);
      case 'float64':
        return doubleToWide(col, to);
      case 'float32':
      case 'timestamp':
        return chain(col, DataTypes.Double, to);
      case 'utf8':
        return parseWide(col, to);
      default:
        throw new AnalysisError(`cannot cast ${typeToString(from)} to ${typeToString(to)}`);
    }
  }
  if (from.kind !== 'decimal') throw new InternalError(`castWideDecimal: ${typeToString(from)} -> ${typeToString(to)} has no wide decimal`);
  switch (to.kind) {
    case 'float64':
      return mapValues(col, to, (dst) =>
        runtime().withScratch(Math.max(1, n), (marks) => {
          if (k('dec_to_f64')(col.valuesPtr, 16, n, from.scale, dst, marks) > 0) exactDoubles(col, dst, marks);
        }),
      );
    case 'float32':
    case 'boolean':
    case 'timestamp':
      return chain(col, DataTypes.Double, to);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      // Spark truncates toward zero, then narrows (wrapping) like a long.
      return to.kind === 'int64' ? truncToLong(col) : chain2(col, to);
    case 'utf8':
      return formatWide(col);
    default:
      throw new AnalysisError(`cannot cast ${typeToString(from)} to ${typeToString(to)}`);
  }
}

/** Rows marked by dec_to_f64: the correctly rounded double of the decimal's text (rare: |v| >= 2^53 or scale > 22). */
function exactDoubles(col: Column, dst: number, marks: number): void {
  const mem = runtime().memory;
  const n = col.length;
  const m = mem.u8(marks, n).slice();
  const scale = (col.type as DecimalType).scale;
  const values = readWide(col);
  const out = mem.f64(dst, n);
  for (let i = 0; i < n; i++) if (m[i] === 1) out[i] = Number(formatDecimal(values[i]!, scale));
}

/** Wide decimal -> long, truncating toward zero, low 64 bits (Spark's Decimal.toLong). */
function truncToLong(col: Column): Column {
  const from = col.type as DecimalType;
  return mapValues(col, DataTypes.Long, (dst) => k('dec_to_i64')(col.valuesPtr, 16, col.length, from.scale, dst));
}

function chain2(col: Column, to: DataType): Column {
  const long = truncToLong(col);
  try {
    return castColumn(long, to);
  } finally {
    long.release();
  }
}

/** int128 values of a column as BigInts (edges and tests; never a hot path). */
export function readWide(col: Column): bigint[] {
  const mem = runtime().memory;
  const words = new BigInt64Array(mem.memory.buffer, col.valuesPtr, col.length * 2);
  const out: bigint[] = new Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = (words[2 * i + 1]! << 64n) | BigInt.asUintN(64, words[2 * i]!);
  return out;
}

/** Wide decimal -> string (TypeScript, one BigInt per row: not a hot path). */
function formatWide(col: Column): Column {
  const scale = (col.type as DecimalType).scale;
  const mem = runtime().memory;
  const valid = col.validity ? mem.u8(col.validityPtr, col.length).slice() : null;
  const texts = readWide(col).map((v, i) => (valid && valid[i] === 0 ? '' : formatDecimal(v, scale)));
  const enc = new TextEncoder();
  const bytes = texts.map((t) => enc.encode(t));
  const total = bytes.reduce((s, b) => s + b.length, 0);
  const offsets = WasmBuffer.allocate(mem, (col.length + 1) * 4);
  const data = WasmBuffer.allocate(mem, Math.max(1, total));
  const offs = mem.i32(offsets.ptr, col.length + 1);
  const dst = mem.u8(data.ptr, total);
  let at = 0;
  bytes.forEach((b, i) => {
    offs[i] = at;
    dst.set(b, at);
    at += b.length;
  });
  offs[col.length] = at;
  return new Column(DataTypes.String, col.length, data, col.validity?.retain() ?? null, offsets, col.nullCount);
}

/** String -> decimal(p, s) of any width (TypeScript: not a hot path). Unparsable or too wide text is NULL. */
function parseWide(col: Column, to: DecimalType): Column {
  const mem = runtime().memory;
  const n = col.length;
  const offs = mem.i32(col.offsetsPtr, n + 1).slice();
  const bytes = mem.u8(col.valuesPtr, offs[n]!).slice();
  const valid = col.validity ? mem.u8(col.validityPtr, n).slice() : null;
  const dec = new TextDecoder();
  return writeDecimals(to, n, (i) => (valid && valid[i] === 0 ? null : parseDecimalText(dec.decode(bytes.subarray(offs[i]!, offs[i + 1]!)), to.scale)));
}

/**
 * float64 -> wide decimal like Spark's Decimal(double): the double's shortest decimal text (Java's
 * Double.toString digits; JavaScript prints the same shortest digits), then HALF_UP to the scale.
 * So 1e30 is exactly 10^30 and 1.005 rounds to 1.01. NaN and infinities are NULL. TypeScript per
 * row: a cast into 19..38 digits from double is not a hot path.
 */
function doubleToWide(col: Column, to: DecimalType): Column {
  const mem = runtime().memory;
  const n = col.length;
  const vals = mem.f64(col.valuesPtr, n).slice();
  const valid = col.validity ? mem.u8(col.validityPtr, n).slice() : null;
  return writeDecimals(to, n, (i) => {
    const x = vals[i]!;
    if ((valid && valid[i] === 0) || !Number.isFinite(x)) return null;
    return parseDecimalText(String(x), to.scale);
  });
}

/** A decimal column of `n` rows from unscaled values (null, or beyond the precision: NULL). */
function writeDecimals(to: DecimalType, n: number, value: (i: number) => bigint | null): Column {
  const mem = runtime().memory;
  const limit = 10n ** BigInt(to.precision);
  const w = decimalByteWidth(to.precision);
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * w);
  const validity = WasmBuffer.allocate(mem, Math.max(1, n));
  const words = new BigInt64Array(mem.memory.buffer, values.ptr, n * (w / 8));
  const vb = mem.u8(validity.ptr, n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let v = value(i);
    if (v !== null && (v >= limit || v <= -limit)) v = null;
    vb[i] = v === null ? 0 : 1;
    if (v === null) nulls++;
    const u = v ?? 0n;
    if (w === 8) words[i] = u;
    else {
      words[2 * i] = BigInt.asIntN(64, u);
      words[2 * i + 1] = u >> 64n;
    }
  }
  return finishColumn(to, n, values, validity, null, nulls);
}

/** Spark's string -> decimal: trimmed, optional sign, digits, optional fraction and exponent; HALF_UP. */
export function parseDecimalText(text: string, scale: number): bigint | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const exp = Number(m[4] ?? '0') - (m[3] ?? '').length + scale; // value = digits * 10^exp at `scale`
  let u: bigint;
  if (exp >= 0) u = BigInt(digits || '0') * 10n ** BigInt(exp);
  else {
    const cut = -exp;
    if (cut > digits.length) u = 0n;
    else {
      const keep = digits.slice(0, digits.length - cut);
      u = BigInt(keep || '0');
      if (Number(digits[digits.length - cut]) >= 5) u += 1n;
    }
  }
  return m[1] === '-' ? -u : u;
}
