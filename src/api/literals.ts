import { InvalidArgumentError } from '../errors.js';
import { DataTypes } from '../types/data-type.js';
import type { Literal } from '../plan/expression.js';

/**
 * The literal expression for a JavaScript value, typed as Spark types Python literals: integers that
 * fit in 32 bits are int, larger ones bigint; other numbers double; bigint is bigint; strings, booleans;
 * Date is a timestamp; null is the null type (cast to whatever it meets).
 */
export function literalExpr(v: unknown): Literal {
  if (v === null || v === undefined) return { kind: 'literal', value: null, type: DataTypes.Null };
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) <= 2147483647 && !Object.is(v, -0)) return { kind: 'literal', value: v, type: DataTypes.Integer };
      if (Number.isInteger(v) && Number.isSafeInteger(v)) return { kind: 'literal', value: BigInt(v), type: DataTypes.Long };
      return { kind: 'literal', value: v, type: DataTypes.Double };
    case 'bigint':
      return { kind: 'literal', value: v, type: DataTypes.Long };
    case 'string':
      return { kind: 'literal', value: v, type: DataTypes.String };
    case 'boolean':
      return { kind: 'literal', value: v, type: DataTypes.Boolean };
    default:
      if (v instanceof Date) return { kind: 'literal', value: v, type: DataTypes.Timestamp };
      throw new InvalidArgumentError(`cannot use ${String(v)} (${typeof v}) as a literal; expected a number, bigint, string, boolean, Date or null`);
  }
}
