/**
 * Arithmetic (kernels: assembly/arith.ts) with Spark's non-ANSI semantics: integer overflow wraps,
 * x / 0 and x % 0 are NULL for every type, `%` takes the dividend's sign, decimal results are
 * rounded HALF_UP to the result scale and are NULL when they do not fit the result precision.
 *
 * The result type comes from the caller (the planner's typing) or from arithmeticResultType;
 * operands are cast to the operation type first (e.g. int + bigint computes in bigint, `/` in
 * double, decimals keep their own scales and the kernel aligns them exactly).
 */
import { AnalysisError, InvalidArgumentError, NotImplementedError } from '../errors.js';
import { type DataType, DataTypes, byteWidth, isFloating, isIntegral, isWideDecimal, typeEquals, typeToString } from '../types/data-type.js';
import { columnToJs } from '../types/values.js';
import { decimalArithmetic, needsWideKernels, negateWide } from './decimal128.js';
import { Column, nullColumn } from '../types/column.js';
import { type ArithmeticOp, arithmeticResultType, commonType, decimalForIntegral } from '../types/type-coercion.js';
import { runtime } from '../wasm/runtime.js';
import { type Operand, castColumn, isColumn, operandAs, operandLength } from './cast.js';
import { combineValidity, filledBuffer, finishColumn, kernelFn, mapValues, nullableColumn, physicalSuffix, shareColumn } from './common.js';
import { intervalPhysicalType, isIntervalType } from '../types/interval.js';
import { intervalArithmetic, isIntervalArithmetic } from './interval-arith.js';

export type { ArithmeticOp } from '../types/type-coercion.js';

const KERNEL_NAME: Record<ArithmeticOp, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'rem', div: 'div' };

/** Kernel suffix of an integral or floating type. */
function suffix(t: DataType, op: string): string {
  if (!isIntegral(t) && !isFloating(t)) throw new AnalysisError(`arithmetic '${op}' is not defined for ${typeToString(t)}`);
  return physicalSuffix(t)!;
}

/**
 * `a op b` for op in + - * / % div. Either operand may be a scalar `{ type, value }` (not both).
 * `resultType` defaults to arithmeticResultType(op, a.type, b.type). Borrows its inputs.
 */
export function arithmetic(op: ArithmeticOp, a: Operand, b: Operand, resultType?: DataType): Column {
  if (!(op in KERNEL_NAME)) throw new InvalidArgumentError(`arithmetic: unknown operator '${op}'`);
  const n = operandLength(a, b, `arithmetic '${op}'`);
  const rt = resultType ?? arithmeticResultType(op, a.type, b.type);
  const mem = runtime().memory;
  const isNullOperand = (x: Operand) => x.type.kind === 'null' || (!isColumn(x) && x.value === null);
  if (isNullOperand(a) || isNullOperand(b)) return nullColumn(mem, rt, n);

  if (rt.kind === 'decimal') return decimalOp(op, a, b, rt, n);
  if (isIntervalArithmetic(a, b, rt)) return intervalArithmetic(op, a, b, rt, arithmetic); // ANSI intervals (interval-arith.ts)
  if (op === 'div') {
    // Spark's IntegralDivide: computed in the operands' integral type, result bigint.
    const t = commonType(a.type, b.type);
    if (!isIntegral(t)) throw new NotImplementedError(`'div' of ${typeToString(a.type)} and ${typeToString(b.type)}: only integral operands are supported`);
    const r = fixedOp(op, a, b, t, n);
    if (typeEquals(t, rt)) return r;
    try {
      return castColumn(r, rt);
    } finally {
      r.release();
    }
  }
  return fixedOp(op, a, b, rt, n);
}

function fixedOp(op: ArithmeticOp, a: Operand, b: Operand, t: DataType, n: number): Column {
  const sfx = suffix(t, op);
  if (op === '/' && t.kind !== 'float64' && t.kind !== 'float32') {
    throw new AnalysisError(`'/' computes in double, got result type ${typeToString(t)}`);
  }
  const x = operandAs(a, t);
  const y = operandAs(b, t);
  const mode = isColumn(a) ? (isColumn(b) ? 0 : 1) : 2;
  try {
    const kernel = kernelFn('arith', `${KERNEL_NAME[op]}_${sfx}`);
    if (op === '+' || op === '-' || op === '*') {
      const values = filledBuffer(Math.max(1, n) * byteWidth(t), (dst) => kernel(mode, x.col.valuesPtr, y.col.valuesPtr, n, dst));
      const cols = [...(isColumn(a) ? [x.col] : []), ...(isColumn(b) ? [y.col] : [])];
      const { validity, nullCount } = combineValidity(cols);
      return finishColumn(t, n, values, validity, null, nullCount);
    }
    return nullableColumn(t, n, (dst, dstValid) =>
      kernel(mode, x.col.valuesPtr, isColumn(a) ? x.col.validityPtr : 0, y.col.valuesPtr, isColumn(b) ? y.col.validityPtr : 0, n, dst, dstValid),
    );
  } finally {
    if (x.owned) x.col.release();
    if (y.owned) y.col.release();
  }
}

function decimalOp(op: ArithmeticOp, a: Operand, b: Operand, rt: DataType & { kind: 'decimal' }, n: number): Column {
  if (op === 'div') throw new NotImplementedError(`'div' of decimals is not supported; use floor(a / b)`);
  const asDec = (t: DataType): DataType => {
    if (t.kind === 'decimal' || isIntegral(t)) return decimalForIntegral(t);
    throw new AnalysisError(`decimal arithmetic '${op}' needs decimal or integral operands, got ${typeToString(a.type)} and ${typeToString(b.type)}`);
  };
  const da = asDec(a.type);
  const db = asDec(b.type);
  if (needsWideKernels(da, db, rt)) {
    // Some side has 19..38 digits: the int128 kernels (decimal128.ts) mix both layouts.
    const x = operandAs(a, da);
    const y = operandAs(b, db);
    try {
      const xa: Operand = isColumn(a) ? x.col : { type: da, value: columnToJs(x.col)[0] ?? null };
      const yb: Operand = isColumn(b) ? y.col : { type: db, value: columnToJs(y.col)[0] ?? null };
      return decimalArithmetic(op, xa, yb, rt, n);
    } finally {
      if (x.owned) x.col.release();
      if (y.owned) y.col.release();
    }
  }
  const x = operandAs(a, da);
  const y = operandAs(b, db);
  try {
    const s1 = (x.col.type as { scale: number }).scale;
    const s2 = (y.col.type as { scale: number }).scale;
    return nullableColumn(rt, n, (dst, dstValid) =>
      kernelFn('arith', `dec_${KERNEL_NAME[op]}`)(
        x.col.valuesPtr, isColumn(a) ? 8 : 0, isColumn(a) ? x.col.validityPtr : 0,
        y.col.valuesPtr, isColumn(b) ? 8 : 0, isColumn(b) ? y.col.validityPtr : 0,
        n, s1, s2, rt.scale, rt.precision, dst, dstValid,
      ),
    );
  } finally {
    if (x.owned) x.col.release();
    if (y.owned) y.col.release();
  }
}

/** a + b. */
export const add = (a: Operand, b: Operand, resultType?: DataType): Column => arithmetic('+', a, b, resultType);
/** a - b. */
export const subtract = (a: Operand, b: Operand, resultType?: DataType): Column => arithmetic('-', a, b, resultType);
/** a * b. */
export const multiply = (a: Operand, b: Operand, resultType?: DataType): Column => arithmetic('*', a, b, resultType);
/** a / b (double, or decimal for decimal operands); NULL where b = 0. */
export const divide = (a: Operand, b: Operand, resultType?: DataType): Column => arithmetic('/', a, b, resultType);
/** a % b (sign of a); NULL where b = 0. */
export const remainder = (a: Operand, b: Operand, resultType?: DataType): Column => arithmetic('%', a, b, resultType);
/** a div b: integral division truncating toward zero, bigint; NULL where b = 0. */
export const integralDivide = (a: Operand, b: Operand): Column => arithmetic('div', a, b, DataTypes.Long);

/** -a (integers wrap: -MIN = MIN; decimals and floats exact). Borrows `a`. */
export function negate(a: Column): Column {
  const t = a.type;
  if (t.kind === 'null') return nullColumn(runtime().memory, t, a.length);
  if (isWideDecimal(t)) return negateWide(a);
  if (isIntervalType(t)) {
    // intervals negate their months / microseconds
    const p = shareColumn(a, intervalPhysicalType(t));
    try {
      const r = negate(p);
      try {
        return shareColumn(r, t);
      } finally {
        r.release();
      }
    } finally {
      p.release();
    }
  }
  const sfx = t.kind === 'decimal' ? 'i64' : suffix(t, 'negate');
  return mapValues(a, t, (dst) => kernelFn('arith', `neg_${sfx}`)(a.valuesPtr, a.length, dst));
}
