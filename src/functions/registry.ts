/**
 * The scalar function registry: every function callable from `functions` (and later SQL) by name,
 * with its typing rule and its vectorised implementation. To add a function, add a definition to
 * one of the category files (string-functions.ts, date-functions.ts, math-functions.ts,
 * conditional-functions.ts) and list it in that file's exported array.
 */
import { AnalysisError } from '../errors.js';
import type { DataType } from '../types/data-type.js';
import { closestMatch } from '../types/schema.js';
import type { Column } from '../types/column.js';
import type { Value } from '../exec/value.js';
import type { TypeInfo } from '../plan/typing.js';
import type { Expr, Literal } from '../plan/expression.js';
import { stringFunctions } from './string-functions.js';
import { dateFunctions } from './date-functions.js';
import { mathFunctions } from './math-functions.js';
import { conditionalFunctions } from './conditional-functions.js';
import { collectionFunctions } from './collection-functions.js';

/** What `resolve` returns: the result type and the types the arguments must be cast to. */
export interface Resolution {
  readonly result: TypeInfo;
  readonly argTypes: readonly DataType[];
}

/** Per-call facts handed to an implementation. */
export interface CallContext {
  readonly numRows: number;
  readonly argTypes: readonly DataType[];
  readonly resultType: DataType;
}

/** A scalar function: typing plus a vectorised implementation over whole columns. */
export interface ScalarFunction {
  /** Lower-case name. */
  readonly name: string;
  /**
   * Checks arity and argument types (AnalysisError naming the function otherwise). `literals[i]` is
   * the value of argument i when it is a literal (some result types depend on it, e.g. round's scale).
   */
  resolve(args: readonly TypeInfo[], literals?: readonly (Literal | undefined)[]): Resolution;
  /** Computes the result for a batch; arguments are borrowed, the result is owned by the caller. */
  evaluate(args: readonly Value[], ctx: CallContext): Column;
  /**
   * Stateful functions (rand, randn): a fresh instance per lookup, so every compiled call keeps its
   * own state across the batches it evaluates.
   */
  instantiate?(): ScalarFunction;
}

const registry = new Map<string, ScalarFunction>(
  [...stringFunctions, ...dateFunctions, ...mathFunctions, ...conditionalFunctions, ...collectionFunctions].map((f) => [f.name, f]),
);

/** The function called `name` (case-insensitive); an AnalysisError naming the closest match otherwise. */
export function lookupFunction(name: string): ScalarFunction {
  const fn = registry.get(name.toLowerCase());
  if (fn) return fn.instantiate ? fn.instantiate() : fn;
  const suggestion = closestMatch(name, [...registry.keys()]);
  throw new AnalysisError(`undefined function '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`);
}

/** The literal values among call arguments, for `resolve`. */
export function literalArgs(args: readonly Expr[]): (Literal | undefined)[] {
  return args.map((a) => (a.kind === 'literal' ? a : undefined));
}

/** Names of all registered functions, sorted. */
export function functionNames(): string[] {
  return [...registry.keys()].sort();
}

/** Checks the number of arguments of a call. */
export function checkArity(name: string, args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new AnalysisError(`function ${name} takes ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}
