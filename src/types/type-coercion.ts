/**
 * Spark's type rules (non-ANSI) as pure functions: the common type of two operands, the result type
 * of arithmetic, and the result types of sum and avg.
 *
 * Sources: Spark's TypeCoercion (findTightestCommonType, findWiderTypeForTwo,
 * findCommonTypeForBinaryComparison), DecimalPrecision and the `resultDecimalType` of
 * Add/Subtract/Multiply/Divide/Remainder, and Sum/Average.
 *
 * Decimals go up to Spark's 38 digits (precision <= 18 is stored as int64, wider as int128, see
 * data-type.ts); DecimalType.adjustPrecisionScale with MINIMUM_ADJUSTED_SCALE = 6
 * (spark.sql.decimalOperations.allowPrecisionLoss = true); a bigint operand in decimal arithmetic
 * counts as decimal(20,0) like Spark's.
 */
import { nestedCommonType } from './nested-type.js';
import { intervalArithmeticType, intervalCommonType } from './interval.js';
import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, MAX_DECIMAL_PRECISION, isIntegral, isNumeric, typeEquals, typeToString } from './data-type.js';

/** Spark's MINIMUM_ADJUSTED_SCALE: the least scale kept when a decimal result must lose precision. */
export const MINIMUM_ADJUSTED_SCALE = 6;

/** Arithmetic operators with Spark's result-type rules (`div` is integral division). */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | 'div';

/** What two types are combined for: a binary comparison, or a union/IN/CASE/coalesce (wider type). */
export type CoercionPurpose = 'comparison' | 'union';

const NUMERIC_ORDER = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'] as const;

/** The decimal type that holds every value of an integral type (Spark's DecimalType.forType: bigint is decimal(20,0)). */
export function decimalForIntegral(t: DataType): DataType {
  switch (t.kind) {
    case 'int8':
      return DataTypes.decimal(3, 0);
    case 'int16':
      return DataTypes.decimal(5, 0);
    case 'int32':
      return DataTypes.decimal(10, 0);
    case 'int64':
      return DataTypes.decimal(20, 0);
    case 'decimal':
      return t;
    default:
      throw new AnalysisError(`${typeToString(t)} is not an integral or decimal type`);
  }
}

/** Spark's DecimalType.bounded: clamps precision and scale to the maximum 38. */
export function boundedDecimal(precision: number, scale: number): DataType {
  const s = Math.min(Math.max(scale, 0), MAX_DECIMAL_PRECISION);
  return DataTypes.decimal(Math.max(1, Math.min(precision, MAX_DECIMAL_PRECISION), s), s);
}

/**
 * Spark's DecimalType.adjustPrecisionScale (precision loss allowed): a result that needs more than
 * the maximum precision keeps its integral digits and at least min(scale, 6) fractional digits.
 */
export function adjustPrecisionScale(precision: number, scale: number): DataType {
  if (precision <= MAX_DECIMAL_PRECISION) return DataTypes.decimal(Math.max(precision, 1), scale);
  const intDigits = precision - scale;
  const minScale = Math.min(scale, MINIMUM_ADJUSTED_SCALE);
  const adjusted = Math.max(MAX_DECIMAL_PRECISION - intDigits, minScale);
  return DataTypes.decimal(MAX_DECIMAL_PRECISION, Math.min(adjusted, MAX_DECIMAL_PRECISION));
}

/** Spark's DecimalPrecision.widerDecimalType: holds every value of both (bounded at 38 digits). */
export function widerDecimalType(a: DataType, b: DataType): DataType {
  const x = decimalForIntegral(a) as { precision: number; scale: number };
  const y = decimalForIntegral(b) as { precision: number; scale: number };
  const scale = Math.max(x.scale, y.scale);
  const range = Math.max(x.precision - x.scale, y.precision - y.scale);
  return boundedDecimal(range + scale, scale);
}

/** Spark's findTightestCommonType plus decimal widening: numeric types only, or undefined. */
function numericWider(a: DataType, b: DataType): DataType | undefined {
  if (!isNumeric(a) || !isNumeric(b)) return undefined;
  if (a.kind === 'decimal' || b.kind === 'decimal') {
    if (a.kind === 'float32' || a.kind === 'float64' || b.kind === 'float32' || b.kind === 'float64') return DataTypes.Double;
    return widerDecimalType(a, b);
  }
  const ia = NUMERIC_ORDER.indexOf(a.kind as (typeof NUMERIC_ORDER)[number]);
  const ib = NUMERIC_ORDER.indexOf(b.kind as (typeof NUMERIC_ORDER)[number]);
  return ia >= ib ? a : b;
}

/**
 * The common type of two operands, or AnalysisError naming both types.
 *
 * - `comparison` (Spark's findCommonTypeForBinaryComparison): numeric widening
 *   (tinyint < smallint < int < bigint < float < double; integral with decimal -> a decimal wide
 *   enough; decimal with float/double -> double); date vs timestamp -> timestamp; string vs date ->
 *   date; string vs timestamp -> timestamp; string vs decimal -> double; string vs any other atomic
 *   type -> that type (Spark 3 casts the string, e.g. '1.5' = 1 compares as int).
 * - `union` (findWiderTypeForTwo, also for IN, CASE WHEN and coalesce): numeric widening as above,
 *   date vs timestamp -> timestamp, and string with any type but boolean -> string.
 *
 * The null type combines with anything to the other type.
 */
export function commonType(a: DataType, b: DataType, purpose: CoercionPurpose = 'comparison'): DataType {
  if (typeEquals(a, b)) return a;
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  const nested = nestedCommonType(a, b, (x, y) => commonType(x, y, purpose)); // arrays, maps, structs
  if (nested) return nested;
  const iv = intervalCommonType(a, b); // year-month or day-time intervals: the widest fields
  if (iv) return iv;
  const num = numericWider(a, b);
  if (num) return num;
  const kinds = new Set([a.kind, b.kind]);
  if (kinds.has('date32') && kinds.has('timestamp')) return DataTypes.Timestamp;
  if (kinds.has('utf8')) {
    const other = a.kind === 'utf8' ? b : a;
    if (purpose === 'union') {
      if (other.kind !== 'boolean') return DataTypes.String;
    } else {
      return other.kind === 'decimal' ? DataTypes.Double : other;
    }
  }
  throw new AnalysisError(
    `no common type for ${typeToString(a)} and ${typeToString(b)}` +
      (purpose === 'comparison' ? ' in a comparison' : ' (union, IN, CASE or coalesce)'),
  );
}

/**
 * Spark's result type of `a op b` (non-ANSI). Operands are first promoted like Spark's analyzer:
 * null -> the other side's type (both null -> double); string -> double; integral with decimal ->
 * decimal; decimal with float/double -> double. Then:
 * - integral: the wider integral type (int + bigint = bigint, tinyint + tinyint = tinyint);
 *   `/` -> double; `div` -> bigint;
 * - float/double: the wider of the two (float op float = float, anything with double = double);
 *   `/` -> double;
 * - decimal(p1,s1) op decimal(p2,s2), then adjustPrecisionScale (at most 38 digits):
 *   `+ -`: scale max(s1,s2), precision max(p1-s1, p2-s2) + scale + 1;
 *   `*`: decimal(p1+p2+1, s1+s2);
 *   `/`: scale max(6, s1+p2+1), precision p1-s1+s2+scale;
 *   `%`: scale max(s1,s2), precision min(p1-s1, p2-s2) + scale.
 */
export function arithmeticResultType(op: ArithmeticOp | string, a: DataType, b: DataType): DataType {
  const fail = (why: string): never => {
    throw new AnalysisError(`cannot apply '${op}' to ${typeToString(a)} and ${typeToString(b)}: ${why}`);
  };
  if (!['+', '-', '*', '/', '%', 'div'].includes(op)) fail(`unknown arithmetic operator`);
  const iv = intervalArithmeticType(op, a, b); // ANSI intervals (interval.ts)
  if (iv) return iv;
  let l = a.kind === 'utf8' ? DataTypes.Double : a;
  let r = b.kind === 'utf8' ? DataTypes.Double : b;
  if (l.kind === 'null' && r.kind === 'null') l = r = DataTypes.Double;
  else if (l.kind === 'null') l = r;
  else if (r.kind === 'null') r = l;
  if (!isNumeric(l) || !isNumeric(r)) fail('both operands must be numeric');
  if (op === 'div') return DataTypes.Long;
  if (l.kind === 'decimal' || r.kind === 'decimal') {
    const floating = (t: DataType) => t.kind === 'float32' || t.kind === 'float64';
    if (floating(l) || floating(r)) return DataTypes.Double;
    return decimalArithmeticType(op as ArithmeticOp, decimalForIntegral(l), decimalForIntegral(r));
  }
  if (op === '/') return DataTypes.Double;
  return numericWider(l, r)!;
}

/** The result type of a decimal operation (both operands decimal), per Spark's DecimalPrecision. */
export function decimalArithmeticType(op: ArithmeticOp, a: DataType, b: DataType): DataType {
  if (a.kind !== 'decimal' || b.kind !== 'decimal') {
    throw new AnalysisError(`decimal arithmetic needs decimal operands, got ${typeToString(a)} and ${typeToString(b)}`);
  }
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  switch (op) {
    case '+':
    case '-': {
      const s = Math.max(s1, s2);
      return adjustPrecisionScale(Math.max(p1 - s1, p2 - s2) + s + 1, s);
    }
    case '*':
      return adjustPrecisionScale(p1 + p2 + 1, s1 + s2);
    case '/': {
      const s = Math.max(MINIMUM_ADJUSTED_SCALE, s1 + p2 + 1);
      return adjustPrecisionScale(p1 - s1 + s2 + s, s);
    }
    case '%': {
      const s = Math.max(s1, s2);
      return adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + s, s);
    }
    case 'div':
      return DataTypes.Long;
  }
}

/** Spark's sum result type: integral -> bigint, decimal(p,s) -> decimal(min(38, p+10), s), else double. */
export function sumResultType(t: DataType): DataType {
  if (isIntegral(t)) return DataTypes.Long;
  if (t.kind === 'decimal') return boundedDecimal(t.precision + 10, t.scale);
  if (isNumeric(t) || t.kind === 'null' || t.kind === 'utf8') return DataTypes.Double;
  throw new AnalysisError(`sum needs a numeric argument, got ${typeToString(t)}`);
}

/** Spark's avg result type: decimal(p,s) -> DecimalType.bounded(p+4, s+4), other numeric -> double. */
export function avgResultType(t: DataType): DataType {
  if (t.kind === 'decimal') return boundedDecimal(t.precision + 4, t.scale + 4);
  if (isNumeric(t) || t.kind === 'null' || t.kind === 'utf8') return DataTypes.Double;
  throw new AnalysisError(`avg needs a numeric argument, got ${typeToString(t)}`);
}
