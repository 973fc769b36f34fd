/**
 * Spark's implicit casts for arithmetic (`+ - * / %`), non-ANSI: called by the analyzer's coercion
 * of a binary arithmetic node. Sources: Spark's TypeCoercion (PromoteStrings, ImplicitTypeCasts,
 * DateTimeOperations) and DecimalPrecision (nondecimalAndDecimal with
 * spark.sql.legacy.literal.pickMinimumPrecision = true).
 *
 * - date + int, int + date -> date_add(date, int); date - int -> date_sub(date, int);
 * - a string operand is cast to double;
 * - a null operand takes the other side's type (both null: double);
 * - decimal with float/double: both double;
 * - decimal with integral: the integral side becomes decimal(3|5|10|20, 0), or, for an integral
 *   literal, the decimal of exactly its digits (Spark's DecimalType.fromLiteral: `d * 2` multiplies
 *   by decimal(1,0));
 * - `/` of non-decimals computes in double;
 * - otherwise the wider numeric type, with no widening of narrow types: smallint + smallint stays
 *   smallint and wraps like Spark's ShortType, float + float stays float.
 */
import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, isFloating, isIntegral, isNumeric, typeToString } from '../types/data-type.js';
import { commonType, decimalForIntegral } from '../types/type-coercion.js';
import { intervalArithmeticType, isIntervalType } from '../types/interval.js';
import { type BinaryExpr, type Expr, exprName } from './expression.js';
import { typeOfResolved } from './typing.js';

/** Wraps an expression in a cast to a type (the analyzer's castTo). */
export type CastTo = (e: Expr, t: DataType) => Expr;

/** The decimal type of an integral literal's digits (Spark's DecimalType.fromLiteral), or undefined. */
function literalDecimal(e: Expr): DataType | undefined {
  if (e.kind !== 'literal' || e.value === null || !isIntegral(e.type)) return undefined;
  const v = typeof e.value === 'bigint' ? e.value : BigInt(e.value as number);
  const digits = (v < 0n ? -v : v).toString().length;
  return DataTypes.decimal(Math.max(1, digits), 0);
}

/** `e` (an arithmetic binary node over resolved children) with Spark's implicit casts applied. */
export function coerceArithmeticNode(e: BinaryExpr, castTo: CastTo): Expr {
  const l = e.left;
  const r = e.right;
  const lt = typeOfResolved(l).type;
  const rt = typeOfResolved(r).type;
  const op = e.op;
  // DateTimeOperations: date +/- integral days.
  const days = (t: DataType) => t.kind === 'int8' || t.kind === 'int16' || t.kind === 'int32';
  if (lt.kind === 'date32' && days(rt) && (op === '+' || op === '-')) {
    return { kind: 'call', name: op === '+' ? 'date_add' : 'date_sub', args: [l, castTo(r, DataTypes.Integer)] };
  }
  if (days(lt) && rt.kind === 'date32' && op === '+') {
    return { kind: 'call', name: 'date_add', args: [r, castTo(l, DataTypes.Integer)] };
  }
  // ANSI intervals (types/interval.ts): interval operands of one kind take their common type, a NULL the other side's
  const iv = intervalArithmeticType(op, lt, rt);
  if (iv) {
    const cast = (x: Expr, t: DataType, other: DataType) => (t.kind === 'null' ? castTo(x, other) : isIntervalType(t) && isIntervalType(iv) ? castTo(x, iv) : x);
    return { ...e, left: cast(l, lt, rt), right: cast(r, rt, lt) };
  }
  // PromoteStrings: a string operand of arithmetic is a double.
  const L0 = lt.kind === 'utf8' ? DataTypes.Double : lt;
  const R0 = rt.kind === 'utf8' ? DataTypes.Double : rt;
  const okType = (t: DataType) => isNumeric(t) || t.kind === 'null';
  if (!okType(L0) || !okType(R0)) {
    const [badExpr, badType] = !okType(L0) ? [l, lt] : [r, rt];
    throw new AnalysisError(
      `type mismatch: '${op}' needs numeric operands, but ${exprName(badExpr)} is ${typeToString(badType)} ` +
        `(left ${typeToString(lt)}, right ${typeToString(rt)})`,
    );
  }
  const L = L0.kind === 'null' ? (R0.kind === 'null' ? DataTypes.Double : R0) : L0;
  const R = R0.kind === 'null' ? L : R0;
  const both = (a: DataType, b: DataType): Expr => ({ ...e, left: castTo(l, a), right: castTo(r, b) });
  if (L.kind === 'decimal' || R.kind === 'decimal') {
    if (isFloating(L) || isFloating(R)) return both(DataTypes.Double, DataTypes.Double);
    const asDec = (x: Expr, t: DataType, other: DataType) =>
      t.kind === 'decimal' ? t : (other.kind === 'decimal' ? literalDecimal(x) : undefined) ?? decimalForIntegral(t);
    return both(asDec(l, L, R), asDec(r, R, L));
  }
  if (op === '/') return both(DataTypes.Double, DataTypes.Double);
  const t = commonType(L, R);
  return both(t, t);
}
