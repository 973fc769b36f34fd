/**
 * Comparisons (kernels: assembly/compare.ts): `=`, `!=`, `<`, `<=`, `>`, `>=`, null-safe `<=>`,
 * IS [NOT] NULL and IN lists, for every type.
 *
 * Operands of different types are brought to Spark's common comparison type first (commonType,
 * e.g. int vs bigint -> bigint, int vs double -> double, date vs timestamp -> timestamp); decimals
 * of different scales are compared exactly without rescaling. Results are boolean columns, null
 * where either side is null (except `<=>`, IS NULL, IS NOT NULL, which are never null).
 * Spark float order: NaN = NaN, NaN above everything, -0.0 = 0.0. Strings: UTF-8 byte order.
 */
import { AnalysisError, InvalidArgumentError } from '../errors.js';
import { type DataType, DataTypes, byteWidth, isNestedType, isWideDecimal, typeEquals, typeToString } from '../types/data-type.js';
import { encodeNestedKey } from './nested-keys.js';
import { repeatRow } from './nested.js';
import { Column, nullColumn } from '../types/column.js';
import { type CellValue, columnFromJs, columnToJs } from '../types/values.js';
import { commonType, decimalForIntegral } from '../types/type-coercion.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { type Operand, castColumn, isColumn, operandAs, operandLength } from './cast.js';
import { combineValidity, finishColumn, kernelFn, physicalSuffix } from './common.js';

/** Comparison operators (SQL spellings). */
export type CompareOp = '=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>=';

const OP_CODE: Record<CompareOp, number> = { '=': 0, '==': 0, '!=': 1, '<>': 1, '<': 2, '<=': 3, '>': 4, '>=': 5 };
/** The op code that gives the same result with the operands swapped. */
const SWAPPED = [0, 1, 4, 5, 2, 3];

/** Kernel suffix of a type's physical layout. */
function suffix(t: DataType): string {
  const s = physicalSuffix(t);
  if (s === null) throw new InvalidArgumentError(`comparison: type ${typeToString(t)} cannot be compared`);
  return s;
}

/** Marks "compare as decimals, each side in its own exact decimal type" (no 18-digit widening). */
const EXACT_DECIMAL = 'exact-decimal' as const;

/** The type both operands are brought to. */
function comparisonTarget(a: DataType, b: DataType): DataType | typeof EXACT_DECIMAL {
  if (typeEquals(a, b)) return a;
  const t = commonType(a, b, 'comparison');
  // Integral or decimal vs decimal: exact decimal comparison across scales (cmp_dec).
  return t.kind === 'decimal' ? EXACT_DECIMAL : t;
}

/** Brings an operand to `t`; returns an owned column, or the borrowed operand itself. */
function prepare(x: Operand, t: DataType | typeof EXACT_DECIMAL): { col: Column; owned: boolean } {
  return operandAs(x, t === EXACT_DECIMAL ? decimalForIntegral(x.type) : t);
}

/** Computes the comparison values (no validity) of prepared operands into a fresh buffer. */
function compareValues(code: number, x: Column, xIsScalar: boolean, y: Column, yIsScalar: boolean, n: number): WasmBuffer {
  const out = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
  try {
    // Normalise to column-first.
    let op = code;
    let [c, cs, s, ss] = [x, xIsScalar, y, yIsScalar];
    if (cs) {
      [c, cs, s, ss] = [y, yIsScalar, x, xIsScalar];
      op = SWAPPED[code]!;
    }
    const t = c.type;
    if (t.kind === 'decimal' && s.type.kind === 'decimal' && (isWideDecimal(t) || isWideDecimal(s.type))) {
      // int128 decimals: exact across widths and scales (decimal128 module), no common type needed.
      if (typeEquals(t, s.type)) kernelFn('decimal128', 'cmp_i128')(op, c.valuesPtr, s.valuesPtr, ss ? 1 : 0, n, out.ptr);
      else kernelFn('decimal128', 'dec_cmp')(op, c.valuesPtr, byteWidth(t), t.scale, s.valuesPtr, byteWidth(s.type), s.type.scale, ss ? 1 : 0, n, out.ptr);
    } else if (t.kind === 'decimal' && s.type.kind === 'decimal' && t.scale !== s.type.scale) {
      kernelFn('compare', 'cmp_dec')(op, c.valuesPtr, 8, t.scale, s.valuesPtr, ss ? 0 : 8, s.type.scale, n, out.ptr);
    } else if (t.kind === 'utf8') {
      if (ss) {
        const off = runtime().memory.i32(s.offsetsPtr, 2);
        kernelFn('compare', 'cmp_cs_utf8')(op, c.offsetsPtr, c.valuesPtr, s.valuesPtr + off[0]!, off[1]! - off[0]!, n, out.ptr);
      } else {
        kernelFn('compare', 'cmp_cc_utf8')(op, c.offsetsPtr, c.valuesPtr, s.offsetsPtr, s.valuesPtr, n, out.ptr);
      }
    } else {
      kernelFn('compare', `cmp_${ss ? 'cs' : 'cc'}_${suffix(t)}`)(op, c.valuesPtr, s.valuesPtr, n, out.ptr);
    }
  } catch (e) {
    out.release();
    throw e;
  }
  return out;
}

/**
 * `a op b` with Spark semantics. Either operand may be a scalar `{ type, value }` (not both).
 * Borrows its inputs; the boolean result is owned by the caller.
 */
export function compare(op: CompareOp, a: Operand, b: Operand): Column {
  const code = OP_CODE[op];
  if (code === undefined) throw new InvalidArgumentError(`comparison: unknown operator '${op}'`);
  const n = operandLength(a, b, `comparison '${op}'`);
  const mem = runtime().memory;
  if ((!isColumn(a) && a.value === null) || (!isColumn(b) && b.value === null) || a.type.kind === 'null' || b.type.kind === 'null') {
    return nullColumn(mem, DataTypes.Boolean, n);
  }
  const t = comparisonTarget(a.type, b.type);
  const x = prepare(a, t);
  const y = prepare(b, t);
  try {
    if (t !== EXACT_DECIMAL && isNestedType(t)) return compareNested(op, x.col, !isColumn(a), y.col, !isColumn(b), n);
    const values = compareValues(code, x.col, !isColumn(a), y.col, !isColumn(b), n);
    const cols = [...(isColumn(a) ? [x.col] : []), ...(isColumn(b) ? [y.col] : [])];
    const { validity, nullCount } = combineValidity(cols);
    return finishColumn(DataTypes.Boolean, n, values, validity, null, nullCount);
  } finally {
    if (x.owned) x.col.release();
    if (y.owned) y.col.release();
  }
}

/**
 * Arrays and structs compare as their order-preserving key encodings (nested-keys.ts): element-wise,
 * NULL elements equal to each other and first, as Spark's interpreted orderings; maps have no
 * ordering or equality in Spark.
 */
function compareNested(op: CompareOp, x: Column, xs: boolean, y: Column, ys: boolean, n: number): Column {
  if (x.type.kind === 'map') throw new AnalysisError(`comparison '${op}': ${typeToString(x.type)} cannot be compared (Spark has no equality or ordering on maps)`);
  // a scalar operand arrives as one row: repeat it (its encoding is bytes, not text, so it stays a column)
  const xc = xs ? repeatRow(x, n) : x.retain();
  const yc = ys ? repeatRow(y, n) : y.retain();
  const ex = encodeNestedKey(xc);
  const ey = encodeNestedKey(yc);
  try {
    return compare(op, ex, ey);
  } finally {
    for (const c of [xc, yc, ex, ey]) c.release();
  }
}

/** a = b. */
export const eq = (a: Operand, b: Operand): Column => compare('=', a, b);
/** a != b. */
export const ne = (a: Operand, b: Operand): Column => compare('!=', a, b);
/** a < b. */
export const lt = (a: Operand, b: Operand): Column => compare('<', a, b);
/** a <= b. */
export const le = (a: Operand, b: Operand): Column => compare('<=', a, b);
/** a > b. */
export const gt = (a: Operand, b: Operand): Column => compare('>', a, b);
/** a >= b. */
export const ge = (a: Operand, b: Operand): Column => compare('>=', a, b);

/** Null-safe equality `a <=> b`: true when both are null, false when one is; never null. */
export function equalNullSafe(a: Operand, b: Operand): Column {
  const n = operandLength(a, b, "comparison '<=>'");
  const nullA = !isColumn(a) && a.value === null;
  const nullB = !isColumn(b) && b.value === null;
  if (nullA || nullB || a.type.kind === 'null' || b.type.kind === 'null') {
    // NULL <=> x is `x IS NULL`.
    const other = nullA || a.type.kind === 'null' ? b : a;
    if (!isColumn(other)) return isNullColumnOf(n, other.value === null || other.type.kind === 'null');
    return isNull(other);
  }
  const t = comparisonTarget(a.type, b.type);
  const x = prepare(a, t);
  const y = prepare(b, t);
  try {
    if (t !== EXACT_DECIMAL && isNestedType(t)) {
      // arrays / structs: the null-safe equality of their key encodings (see compareNested)
      if (t.kind === 'map') throw new AnalysisError(`comparison '<=>': ${typeToString(t)} cannot be compared (Spark has no equality on maps)`);
      const xc = isColumn(a) ? x.col.retain() : repeatRow(x.col, n);
      const yc = isColumn(b) ? y.col.retain() : repeatRow(y.col, n);
      const ex = encodeNestedKey(xc);
      const ey = encodeNestedKey(yc);
      try {
        return equalNullSafe(ex, ey);
      } finally {
        for (const c of [xc, yc, ex, ey]) c.release();
      }
    }
    const values = compareValues(0, x.col, !isColumn(a), y.col, !isColumn(b), n);
    const av = isColumn(a) ? x.col.validityPtr : 0;
    const bv = isColumn(b) ? y.col.validityPtr : 0;
    if (av !== 0 || bv !== 0) kernelFn('compare', 'null_safe_fix')(values.ptr, av, bv, n);
    return new Column(DataTypes.Boolean, n, values, null, null, 0);
  } finally {
    if (x.owned) x.col.release();
    if (y.owned) y.col.release();
  }
}

function isNullColumnOf(n: number, value: boolean): Column {
  const values = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
  values.bytes().fill(value ? 1 : 0);
  return new Column(DataTypes.Boolean, n, values, null, null, 0);
}

/** `col IS NULL` (wantNull) or `col IS NOT NULL` (never null). */
function nullTest(col: Column, wantNull: boolean): Column {
  if (col.type.kind === 'null') return isNullColumnOf(col.length, wantNull);
  if (!col.validity) return isNullColumnOf(col.length, !wantNull);
  const values = WasmBuffer.allocate(runtime().memory, Math.max(1, col.length));
  kernelFn('compare', wantNull ? 'is_null' : 'is_not_null')(col.validityPtr, col.length, values.ptr);
  return new Column(DataTypes.Boolean, col.length, values, null, null, 0);
}

/** `col IS NULL` (never null). */
export function isNull(col: Column): Column {
  return nullTest(col, true);
}

/** `col IS NOT NULL` (never null). */
export function isNotNull(col: Column): Column {
  return nullTest(col, false);
}

/**
 * `col IN (list)` with Spark semantics: null when col is null, true when found, null when not found
 * and the list holds a null, else false. `list` holds values of `listType` in the JavaScript forms
 * of values.ts (default: the column's type); both sides are brought to their common type. One SIMD
 * pass over the column per list value (meant for the short lists of SQL IN).
 */
export function inList(col: Column, list: readonly CellValue[], listType: DataType = col.type): Column {
  const n = col.length;
  const mem = runtime().memory;
  if (col.type.kind === 'null') return nullColumn(mem, DataTypes.Boolean, n);
  const t = typeEquals(col.type, listType) || listType.kind === 'null' ? col.type : commonType(col.type, listType, 'union');
  // The list, in type t, without nulls.
  let items: CellValue[] = [];
  const nonNull = list.filter((v) => v !== null);
  let hasNull = nonNull.length < list.length;
  if (nonNull.length > 0 && listType.kind !== 'null') {
    const raw = columnFromJs(listType, nonNull);
    try {
      if (typeEquals(listType, t)) items = columnToJs(raw);
      else {
        const cast = castColumn(raw, t);
        try {
          items = columnToJs(cast);
        } finally {
          cast.release();
        }
      }
    } finally {
      raw.release();
    }
  }
  if (items.some((v) => v === null)) hasNull = true;
  items = items.filter((v) => v !== null);
  const x = typeEquals(col.type, t) ? col : castColumn(col, t);
  try {
    const values = WasmBuffer.allocate(mem, Math.max(1, n));
    try {
      if (items.length === 0) values.bytes().fill(0);
      else {
        const lc = columnFromJs(t, items);
        try {
          if (t.kind === 'utf8') {
            kernelFn('compare', 'in_list_utf8')(x.offsetsPtr, x.valuesPtr, n, lc.offsetsPtr, lc.valuesPtr, items.length, values.ptr);
          } else if (isWideDecimal(t)) {
            kernelFn('decimal128', 'in_list_i128')(x.valuesPtr, n, lc.valuesPtr, items.length, values.ptr);
          } else {
            kernelFn('compare', `in_list_${suffix(t)}`)(x.valuesPtr, n, lc.valuesPtr, items.length, values.ptr);
          }
        } finally {
          lc.release();
        }
      }
    } catch (e) {
      values.release();
      throw e;
    }
    if (!hasNull) return finishColumn(DataTypes.Boolean, n, values, x.validity?.retain() ?? null, null, x.nullCount);
    // Not found and the list holds a null -> null: validity = column validity AND found.
    const validity = WasmBuffer.allocate(mem, Math.max(1, n));
    let nulls: number;
    if (x.validity) nulls = kernelFn('boolean', 'validity_and')(x.validityPtr, values.ptr, n, validity.ptr);
    else {
      kernelFn('convert', 'copy_bytes')(validity.ptr, values.ptr, n);
      nulls = kernelFn('boolean', 'count_zeros')(validity.ptr, n);
    }
    return finishColumn(DataTypes.Boolean, n, values, validity, null, nulls);
  } finally {
    if (x !== col) x.release();
  }
}
