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
import { type Operand, finishColumn, isColumn, kernelFn } from './cast.js';
import { literalColumn } from './conditional.js';

/**
 * The validity of a row-wise combination of columns: the AND of their validity. A buffer of an input
 * is shared (retained) when it is the only one with nulls; otherwise a new buffer is computed. The
 * returned buffer (or null: no nulls) is owned by the caller.
 */
export function combineValidity(cols: readonly Column[]): { validity: WasmBuffer | null; nullCount: number } {
  const withNulls = cols.filter((c) => c.validity !== null && c.nullCount > 0);
  if (withNulls.length === 0) return { validity: null, nullCount: 0 };
  const first = withNulls[0]!;
  if (withNulls.length === 1) return { validity: first.validity!.retain(), nullCount: first.nullCount };
  const n = first.length;
  const out = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
  const and = kernelFn('boolean', 'validity_and');
  let nulls = and(first.validityPtr, withNulls[1]!.validityPtr, n, out.ptr);
  for (let i = 2; i < withNulls.length; i++) nulls = and(out.ptr, withNulls[i]!.validityPtr, n, out.ptr);
  return { validity: out, nullCount: nulls };
}

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
  const n = a.length;
  const values = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
  kernelFn('boolean', 'not_bool')(a.valuesPtr, n, values.ptr);
  return new Column(DataTypes.Boolean, n, values, a.validity?.retain() ?? null, null, a.nullCount);
}
