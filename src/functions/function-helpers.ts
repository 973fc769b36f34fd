import { AnalysisError, NotImplementedError } from '../errors.js';
import { type DataType, DataTypes, typeToString } from '../types/data-type.js';
import type { Column } from '../types/column.js';
import type { CellValue } from '../types/values.js';
import type { TypeInfo } from '../plan/typing.js';
import { literalColumn } from '../kernels/conditional.js';
import type { Value } from '../exec/value.js';
import type { Resolution, ScalarFunction, CallContext } from './registry.js';

/**
 * Runs `f` with every argument as a column (scalars broadcast to the batch length), releasing the
 * broadcast copies afterwards. Argument columns are borrowed, as in ScalarFunction.evaluate.
 */
export function withColumns<T>(args: readonly Value[], numRows: number, f: (cols: Column[]) => T): T {
  const temps: Column[] = [];
  const cols = args.map((a) => {
    if (a.kind === 'column') return a;
    const c = literalColumn(a.type, a.value, numRows);
    temps.push(c);
    return c;
  });
  try {
    return f(cols);
  } finally {
    for (const t of temps) t.release();
  }
}

/** The literal value of argument `i`, which must be a constant (e.g. substring's position). */
export function constantArg(args: readonly Value[], i: number, fn: string, what: string): CellValue {
  const a = args[i];
  if (!a || a.kind !== 'scalar') throw new NotImplementedError(`${fn}: the ${what} must be a literal, not a column`);
  return a.value;
}

/**
 * A function with fixed parameter types: arguments of other types are cast to them (Spark's
 * implicit casts); the result is nullable when any argument is.
 */
export function simpleFunction(
  name: string,
  params: readonly DataType[],
  result: DataType | ((args: readonly TypeInfo[]) => DataType),
  evaluate: (args: readonly Value[], ctx: CallContext) => Column,
  options: { minArgs?: number; nullable?: boolean } = {},
): ScalarFunction {
  const min = options.minArgs ?? params.length;
  return {
    name,
    resolve(args): Resolution {
      if (args.length < min || args.length > params.length) {
        const expected = min === params.length ? `${min}` : `${min} to ${params.length}`;
        throw new AnalysisError(`function ${name} takes ${expected} argument${params.length === 1 ? '' : 's'}, got ${args.length}`);
      }
      const type = typeof result === 'function' ? result(args) : result;
      return {
        result: { type, nullable: options.nullable ?? args.some((a) => a.nullable) },
        argTypes: args.map((a, i) => (a.type.kind === 'null' ? params[i]! : params[i]!)),
      };
    },
    evaluate,
  };
}

/** Throws an AnalysisError unless `t` is one of `allowed`. */
export function requireType(fn: string, t: DataType, allowed: readonly DataType['kind'][]): void {
  if (t.kind !== 'null' && !allowed.includes(t.kind)) {
    throw new AnalysisError(`function ${fn} does not accept ${typeToString(t)}; expected ${allowed.join(' or ')}`);
  }
}

/** Shorthand types. */
export const T = { string: DataTypes.String, int: DataTypes.Integer, date: DataTypes.Date, double: DataTypes.Double };
