/**
 * Math functions (kernels: assembly/math.ts) with Spark's semantics and result types:
 * abs (same type; integer abs(MIN) wraps to MIN like Java), floor/ceil (double -> bigint,
 * integral -> bigint, decimal(p,s) -> decimal(p-s+1, 0)), sqrt and pow (double), and
 * round(x, scale) HALF_UP (doubles through their shortest decimal digits like Spark's
 * BigDecimal(d): round(2.5) = 3, round(-2.5) = -3, round(1.005, 2) = 1.01; decimals exact).
 */
import { AnalysisError, InvalidArgumentError } from '../errors.js';
import { type DataType, DataTypes, byteWidth, isIntegral, isNumeric, isWideDecimal, typeEquals, typeToString } from '../types/data-type.js';
import { absWide, roundDecimal } from './decimal128.js';
import { Column, nullColumn } from '../types/column.js';
import { boundedDecimal } from '../types/type-coercion.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { type Operand, castColumn, isColumn, scalarColumn } from './cast.js';
import { combineValidity, finishColumn, kernelFn, mapValues, nullableColumn, physicalSuffix, shareColumn } from './common.js';

/** Math functions with a type rule here. */
export type MathFunction = 'abs' | 'floor' | 'ceil' | 'sqrt' | 'pow' | 'round';

/** Spark's result type of a math function on `t` (`scale` is round's second argument). */
export function mathResultType(fn: MathFunction, t: DataType, scale = 0): DataType {
  if (t.kind === 'null') return fn === 'abs' || fn === 'round' ? DataTypes.Double : fn === 'floor' || fn === 'ceil' ? DataTypes.Long : DataTypes.Double;
  if (!isNumeric(t) && t.kind !== 'utf8') throw new AnalysisError(`${fn} needs a numeric argument, got ${typeToString(t)}`);
  switch (fn) {
    case 'abs':
    case 'round':
      if (t.kind === 'utf8') return DataTypes.Double;
      if (fn === 'round' && t.kind === 'decimal') return roundDecimalType(t.precision, t.scale, scale);
      return t;
    case 'floor':
    case 'ceil':
      if (t.kind === 'decimal') return t.scale === 0 ? t : boundedDecimal(t.precision - t.scale + 1, 0);
      return DataTypes.Long;
    case 'sqrt':
    case 'pow':
      return DataTypes.Double;
  }
}

/** Spark's RoundBase result type for decimal(p, s) rounded to `scale` (bounded at 38 digits). */
function roundDecimalType(p: number, s: number, scale: number): DataType {
  const integral = p - s + 1;
  if (scale < 0) return boundedDecimal(Math.max(integral, -scale + 1), 0);
  const ns = Math.min(s, scale);
  return boundedDecimal(integral + ns, ns);
}

/** Kernel suffix of a numeric type (decimals by their int64 unscaled values). */
function suffix(t: DataType): string {
  if (!isNumeric(t)) throw new AnalysisError(`math function on ${typeToString(t)} is not supported`);
  return physicalSuffix(t)!;
}

/** `col` cast to `t` (borrowed when already of that type) and a release function. */
function asType(col: Column, t: DataType): [Column, () => void] {
  if (typeEquals(col.type, t)) return [col, () => {}];
  const c = castColumn(col, t);
  return [c, () => c.release()];
}

/** abs(x): same type; integer abs(MIN) = MIN (wraps, like Java's Math.abs). Borrows `col`. */
export function abs(col: Column): Column {
  if (col.type.kind === 'null') return nullColumn(runtime().memory, DataTypes.Double, col.length);
  if (col.type.kind === 'utf8') return withDouble(col, abs);
  if (isWideDecimal(col.type)) return absWide(col); // int128 decimals (decimal128.ts)
  return mapValues(col, col.type, (dst) => kernelFn('math', `abs_${suffix(col.type)}`)(col.valuesPtr, col.length, dst));
}

function withDouble(col: Column, fn: (c: Column) => Column): Column {
  const [c, done] = asType(col, DataTypes.Double);
  try {
    return fn(c);
  } finally {
    done();
  }
}

function floorCeil(col: Column, up: number): Column {
  const t = col.type;
  const fn = up ? 'ceil' : 'floor';
  const rt = mathResultType(fn, t);
  if (t.kind === 'null') return nullColumn(runtime().memory, rt, col.length);
  if (isIntegral(t)) return castColumn(col, rt);
  if (t.kind === 'decimal') {
    if (t.scale === 0) return shareColumn(col);
    if (isWideDecimal(t) || isWideDecimal(rt)) return roundDecimal(col, 0, up ? 'ceil' : 'floor', rt);
    return mapValues(col, rt, (dst) => kernelFn('math', 'floor_ceil_dec')(up, col.valuesPtr, col.length, t.scale, dst));
  }
  const [c, done] = asType(col, DataTypes.Double);
  try {
    return mapValues(c, DataTypes.Long, (dst) => kernelFn('math', 'floor_ceil_f64')(up, c.valuesPtr, c.length, dst));
  } finally {
    done();
  }
}

/** floor(x): double/integral -> bigint ((long) Math.floor, saturating, NaN -> 0); decimal(p,s) -> decimal(p-s+1, 0). */
export function floor(col: Column): Column {
  return floorCeil(col, 0);
}

/** ceil(x): like floor, rounding up. */
export function ceil(col: Column): Column {
  return floorCeil(col, 1);
}

/** sqrt(x) as double (negative -> NaN, as Spark). Borrows `col`. */
export function sqrt(col: Column): Column {
  if (col.type.kind === 'null') return nullColumn(runtime().memory, DataTypes.Double, col.length);
  const [c, done] = asType(col, DataTypes.Double);
  try {
    return mapValues(c, DataTypes.Double, (dst) => kernelFn('math', 'sqrt_f64')(c.valuesPtr, c.length, dst));
  } finally {
    done();
  }
}

/** pow(a, b) as double; either side may be a scalar (not both). Borrows its inputs. */
export function pow(a: Operand, b: Operand): Column {
  const n = isColumn(a) ? a.length : isColumn(b) ? b.length : -1;
  if (n < 0) throw new InvalidArgumentError('pow: at least one operand must be a column');
  const mem = runtime().memory;
  if ((!isColumn(a) && a.value === null) || (!isColumn(b) && b.value === null)) return nullColumn(mem, DataTypes.Double, n);
  const prep = (x: Operand): [Column, boolean] =>
    isColumn(x) ? (x.type.kind === 'float64' ? [x, false] : [castColumn(x, DataTypes.Double), true]) : [scalarColumn(x, DataTypes.Double), true];
  const [x, ox] = prep(a);
  const [y, oy] = prep(b);
  try {
    const mode = isColumn(a) ? (isColumn(b) ? 0 : 1) : 2;
    const values = WasmBuffer.allocate(mem, Math.max(1, n) * 8);
    kernelFn('math', 'pow_f64')(mode, x.valuesPtr, y.valuesPtr, n, values.ptr);
    const { validity, nullCount } = combineValidity([...(isColumn(a) ? [x] : []), ...(isColumn(b) ? [y] : [])]);
    return finishColumn(DataTypes.Double, n, values, validity, null, nullCount);
  } finally {
    if (ox) x.release();
    if (oy) y.release();
  }
}

/**
 * round(x, scale) HALF_UP with Spark's result type (mathResultType('round', ...)): floats keep
 * their type, integers are unchanged for scale >= 0, decimals get decimal(p-s+1+min(s,scale), ...)
 * and NULL where the rounded value does not fit. Borrows `col`.
 */
export function round(col: Column, scale = 0): Column {
  if (!Number.isInteger(scale)) throw new InvalidArgumentError(`round: scale must be an integer, got ${scale}`);
  const t = col.type;
  const mem = runtime().memory;
  if (t.kind === 'null') return nullColumn(mem, DataTypes.Double, col.length);
  if (t.kind === 'utf8') return withDouble(col, (c) => round(c, scale));
  const rt = mathResultType('round', t, scale);
  const n = col.length;
  if (t.kind === 'float32' || t.kind === 'float64') {
    const code = t.kind === 'float32' ? 5 : 6;
    return mapValues(col, t, (dst) => kernelFn('math', 'round_float')(code, col.valuesPtr, n, scale, dst));
  }
  if (isIntegral(t)) {
    if (scale >= 0) return shareColumn(col);
    return mapValues(col, t, (dst) => kernelFn('math', 'round_int')(byteWidth(t), col.valuesPtr, n, scale, dst));
  }
  if (t.kind !== 'decimal' || rt.kind !== 'decimal') throw new AnalysisError(`round is not defined for ${typeToString(t)}`);
  if (isWideDecimal(t) || isWideDecimal(rt)) return roundDecimal(col, scale, 'half_up', rt);
  return nullableColumn(rt, n, (dst, dstValid) =>
    kernelFn('math', 'round_dec')(col.valuesPtr, col.validityPtr, n, t.scale, scale, rt.precision, dst, dstValid),
  );
}
