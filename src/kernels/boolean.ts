/**
 * Boolean logic with SQL three-valued (Kleene) semantics (kernels: assembly/boolean.ts), and the
 * validity combinator used by every binary kernel wrapper.
 *
 * and: false AND null = false, true AND null = null; or: true OR null = true, false OR null = null;
 * not: NOT null = null.
 */
import { InvalidArgumentError } from '../errors.js';
import { DataTypes, typeToString } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { type Operand, isColumn } from './cast.js';
import { finishColumn, kernelFn, mapValues } from './common.js';
import { literalColumn } from './conditional.js';

/** The AND of the validity of columns (see ./common.ts); the combinator every binary kernel wrapper uses. */
export { combineValidity } from './common.js';

function requireBoolean(c: Column, op: string): void {
  if (c.type.kind !== 'boolean') {
    throw new InvalidArgumentError(`${op}: expected a boolean operand, got ${typeToString(c.type)}`);
  }
}

/** A column for an operand (a scalar is broadcast to n rows); `owned` tells whether to release it. */
function operandColumn(x: Operand, n: number): { col: Column; owned: boolean } {
  if (isColumn(x)) return { col: x, owned: false };
  return { col: literalColumn(DataTypes.Boolean, x.value, n), owned: true };
}

function kleene(name: 'and_kleene' | 'or_kleene', op: string, a: Operand, b: Operand): Column {
  const n = isColumn(a) ? a.length : isColumn(b) ? b.length : 1;
  const x = operandColumn(a, n);
  const y = operandColumn(b, n);
  try {
    requireBoolean(x.col, op);
    requireBoolean(y.col, op);
    const mem = runtime().memory;
    const values = WasmBuffer.allocate(mem, Math.max(1, n));
    const anyNulls = x.col.validity !== null || y.col.validity !== null;
    const validity = anyNulls ? WasmBuffer.allocate(mem, Math.max(1, n)) : null;
    const nulls = kernelFn('boolean', name)(
      x.col.valuesPtr, x.col.validityPtr, y.col.valuesPtr, y.col.validityPtr, n, values.ptr, validity?.ptr ?? 0,
    );
    return finishColumn(DataTypes.Boolean, n, values, validity, null, nulls);
  } finally {
    if (x.owned) x.col.release();
    if (y.owned) y.col.release();
  }
}

/** a AND b (Kleene). Operands are boolean columns or boolean scalars (at least one column). Borrows its inputs. */
export function and(a: Operand, b: Operand): Column {
  return kleene('and_kleene', 'AND', a, b);
}

/** a OR b (Kleene). Operands are boolean columns or boolean scalars (at least one column). Borrows its inputs. */
export function or(a: Operand, b: Operand): Column {
  return kleene('or_kleene', 'OR', a, b);
}

/** NOT a (null stays null). Borrows `a`. */
export function not(a: Column): Column {
  requireBoolean(a, 'NOT');
  return mapValues(a, DataTypes.Boolean, (dst) => kernelFn('boolean', 'not_bool')(a.valuesPtr, a.length, dst));
}
