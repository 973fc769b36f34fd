/**
 * Vectorised expression evaluation: an analyzed expression is compiled once per operator into a
 * closure tree that, per batch, calls one WebAssembly kernel per node over whole columns. Type
 * dispatch happens at compile time and once per batch, never per row.
 */
import { AnalysisError, InternalError } from '../errors.js';
import { Batch } from '../types/batch.js';
import { Schema } from '../types/schema.js';
import type { Column } from '../types/column.js';
import type { DataType } from '../types/data-type.js';
import { type CellValue, columnToJs } from '../types/values.js';
import { literalColumn } from '../kernels/conditional.js';
import { lookupFunction, literalArgs } from '../functions/registry.js';
import { type AttributeRef, type Expr, type Literal, exprName, exprToString } from '../plan/expression.js';
import { typeOfResolved } from '../plan/typing.js';
import * as ops from './kernel-ops.js';
import { type Value, type Scalar, asColumn, releaseValue } from './value.js';

/** A compiled expression: evaluates over a batch to a new Value owned by the caller. */
export type CompiledExpr = (batch: Batch) => Value;

/** Compiles `expr` against the attributes of the batches it will see (by attribute id). */
export function compileExpr(expr: Expr, input: readonly AttributeRef[]): CompiledExpr {
  const indexOf = new Map(input.map((a, i) => [a.id, i]));
  const compile = (e: Expr): CompiledExpr => {
    switch (e.kind) {
      case 'attr': {
        const i = indexOf.get(e.id);
        if (i === undefined) {
          throw new InternalError(`attribute ${e.name}#${e.id} is not among the input [${input.map((a) => `${a.name}#${a.id}`).join(', ')}]`);
        }
        return (b) => b.column(i).retain();
      }
      case 'literal': {
        const s: Scalar = { kind: 'scalar', type: e.type, value: e.value };
        return () => s;
      }
      case 'alias':
        return compile(e.child);
      case 'cast': {
        const child = compile(e.child);
        const to = e.to;
        return (b) => unary(child(b), (c) => ops.cast(c, to));
      }
      case 'binary': {
        const l = compile(e.left);
        const r = compile(e.right);
        const op = e.op;
        const resultType = typeOfResolved(e).type;
        return (b) => {
          const lv = l(b);
          const rv = r(b);
          try {
            return ops.binary(op, lv, rv, resultType, b.numRows);
          } finally {
            releaseValue(lv);
            releaseValue(rv);
          }
        };
      }
      case 'unary': {
        const child = compile(e.child);
        const op = e.op;
        return (b) => unary(child(b), (c) => ops.unary(op, c));
      }
      case 'in': {
        const child = compile(e.child);
        const type = typeOfResolved(e.child).type;
        const values = e.list.map((x) => constantValue(x, 'IN list'));
        return (b) => unary(child(b), (c) => ops.inList(c, values, type));
      }
      case 'like': {
        const child = compile(e.child);
        const { pattern, escape } = e;
        return (b) => unary(child(b), (c) => ops.like(c, pattern, escape));
      }
      case 'case': {
        const branches = e.branches.map(([c, v]) => [compile(c), compile(v)] as const);
        const otherwise = e.otherwise ? compile(e.otherwise) : undefined;
        const type = typeOfResolved(e).type;
        return (b) => {
          // Evaluate from the last branch backwards: result = c_i ? v_i : result.
          let result: Column = otherwise ? asColumn(otherwise(b), b.numRows) : literalColumn(type, null, b.numRows);
          for (let i = branches.length - 1; i >= 0; i--) {
            const [cond, val] = branches[i]!;
            const c = asColumn(cond(b), b.numRows);
            const v = asColumn(val(b), b.numRows);
            try {
              const next = ops.ifElse(c, v, result);
              result.release();
              result = next;
            } finally {
              c.release();
              v.release();
            }
          }
          return result;
        };
      }
      case 'call': {
        const fn = lookupFunction(e.name);
        const args = e.args.map(compile);
        const argTypes = e.args.map(typeOfResolved);
        const resultType = fn.resolve(argTypes, literalArgs(e.args)).result.type;
        return (b) => {
          const values = args.map((a) => a(b));
          try {
            return fn.evaluate(values, { numRows: b.numRows, argTypes: argTypes.map((t) => t.type), resultType });
          } finally {
            values.forEach(releaseValue);
          }
        };
      }
      case 'agg':
        throw new AnalysisError(`aggregate function ${exprName(e)} is not allowed here (use it in groupBy(...).agg(...) or select over a whole DataFrame)`);
      default:
        throw new InternalError(`cannot evaluate unresolved expression ${exprToString(e)}`);
    }
  };
  return compile(expr);
}

/** Evaluates `expr` over a batch and returns a column (scalars broadcast to the batch's length). */
export function evaluateToColumn(compiled: CompiledExpr, batch: Batch): Column {
  return asColumn(compiled(batch), batch.numRows);
}

/** Evaluates an expression without column references to a literal (constant folding). */
export function evaluateConstant(expr: Expr): Literal {
  const { type } = typeOfResolved(expr);
  const compiled = compileExpr(expr, []);
  const one = oneRowBatch();
  const v = compiled(one);
  if (v.kind === 'scalar') return { kind: 'literal', value: v.value, type };
  try {
    return { kind: 'literal', value: columnToJs(v)[0] ?? null, type };
  } finally {
    v.release();
  }
}

function constantValue(e: Expr, what: string): CellValue {
  if (e.kind === 'literal') return e.value;
  if (e.kind === 'cast' && e.child.kind === 'literal') return evaluateConstant(e).value;
  throw new AnalysisError(`${what} items must be literals, got ${exprName(e)}`);
}

function unary(v: Value, f: (c: Column) => Column): Value {
  if (v.kind === 'scalar') {
    // Evaluate on a one-row column and read the scalar back: constant subexpressions stay scalars.
    const c = literalColumn(v.type, v.value, 1);
    try {
      const out = f(c);
      try {
        return { kind: 'scalar', type: out.type, value: columnToJs(out)[0] ?? null };
      } finally {
        out.release();
      }
    } finally {
      c.release();
    }
  }
  try {
    return f(v);
  } finally {
    v.release();
  }
}

let emptyBatch: Batch | undefined;
function oneRowBatch(): Batch {
  if (!emptyBatch) {
    // A batch of one row and no columns: constant expressions need only the row count.
    emptyBatch = new Batch(new Schema([]), [], 1);
  }
  return emptyBatch;
}

/** The type a compiled expression produces (for callers that build schemas). */
export function resultTypeOf(expr: Expr): DataType {
  return typeOfResolved(expr).type;
}
