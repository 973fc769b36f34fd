/**
 * The operations expression evaluation dispatches to: one place that maps expression operators to
 * the kernel wrappers of src/kernels. Inputs are borrowed; results are owned by the caller.
 */
import { InternalError } from '../errors.js';
import type { Column } from '../types/column.js';
import type { DataType } from '../types/data-type.js';
import type { CellValue } from '../types/values.js';
import type { BinaryOp, UnaryOp } from '../plan/expression.js';
import { arithmetic, negate } from '../kernels/arith.js';
import { compare, equalNullSafe, inList as inListKernel, isNotNull, isNull } from '../kernels/compare.js';
import { and, not, or } from '../kernels/boolean.js';
import { castColumn } from '../kernels/cast.js';
import { like as likeKernel } from '../kernels/strings.js';
import { literalColumn } from '../kernels/conditional.js';
import type { Value } from './value.js';

export { ifElse } from '../kernels/conditional.js';

/** `left op right`; at most one side may be a scalar (two scalars are broadcast first). */
export function binary(op: BinaryOp, left: Value, right: Value, resultType: DataType, numRows: number): Column {
  if (left.kind === 'scalar' && right.kind === 'scalar') {
    const l = literalColumn(left.type, left.value, numRows);
    try {
      return binary(op, l, right, resultType, numRows);
    } finally {
      l.release();
    }
  }
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(op, left, right, resultType);
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, left, right);
    case '<=>':
      return equalNullSafe(left, right);
    case 'and':
      return and(left, right);
    case 'or':
      return or(left, right);
  }
}

/** A unary operation on a column. */
export function unary(op: UnaryOp, c: Column): Column {
  switch (op) {
    case 'not':
      return not(c);
    case 'negate':
      return negate(c);
    case 'isNull':
      return isNull(c);
    case 'isNotNull':
      return isNotNull(c);
    default:
      throw new InternalError(`unknown unary operator ${String(op)}`);
  }
}

/** CAST with Spark's non-ANSI semantics. */
export function cast(c: Column, to: DataType): Column {
  return castColumn(c, to);
}

/** `c IN (values)` where the values have type `type`. */
export function inList(c: Column, values: readonly CellValue[], type: DataType): Column {
  return inListKernel(c, values, type);
}

/** SQL LIKE. */
export function like(c: Column, pattern: string, escape: string): Column {
  return likeKernel(c, pattern, escape);
}
