/**
 * Answer checking for the multi-engine runner: every engine's rows are compared with DuckDB's (the
 * oracle) after normalising values — bigint and decimal (as numeric strings) become numbers, dates
 * ISO strings 'YYYY-MM-DD', NaN/null stay themselves — as sorted multisets unless the query's order
 * is part of its answer (all columns in order, or only the ORDER BY columns in order plus the rows as
 * a multiset). Numbers match within a relative tolerance (1e-6 by default, or 1e-6 absolute; integers and
 * decimals computed as floats by some engines are numbers too), everything else exactly.
 */
import type { Row } from './engines/engine.js';

/** Normalised value: number, string, boolean or null. */
export type Value = number | string | boolean | null;

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const MS_PER_DAY = 86_400_000;

/** Normalises one value of any engine's result. */
export function normalizeValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (NUMERIC.test(v.trim())) return Number(v);
    if (/^\d{4}-\d{2}-\d{2}(T00:00:00(\.000)?Z?)?$/.test(v)) return v.slice(0, 10);
    return v;
  }
  if (v instanceof Date) {
    const t = v.getTime();
    return t % MS_PER_DAY === 0 ? v.toISOString().slice(0, 10) : v.toISOString();
  }
  if (typeof v === 'object' && v !== null && 'valueOf' in v) {
    const p = (v as { valueOf(): unknown }).valueOf();
    if (p !== v) return normalizeValue(p);
  }
  return String(v);
}

/** Normalises every value of every row. */
export function normalizeRows(rows: readonly Row[]): Value[][] {
  return rows.map((r) => r.map(normalizeValue));
}

/** Tolerances of the comparison. */
export interface Tolerance {
  /** Relative tolerance for numbers (default 1e-6). */
  readonly rel: number;
  /**
   * Absolute tolerance (default 1e-6): Spark semantics round decimal averages and quotients to 6
   * fractional digits (avg(decimal(15,2)) is decimal(19,6)), where DuckDB returns a double.
   */
  readonly abs: number;
}

/** The default tolerances: 1e-6 relative or 1e-6 absolute. */
export const DEFAULT_TOL: Tolerance = { rel: 1e-6, abs: 1e-6 };

function valueEqual(a: Value, b: Value, tol: Tolerance): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return Math.abs(a - b) <= Math.max(tol.abs, tol.rel * Math.max(Math.abs(a), Math.abs(b)));
  }
  return false;
}

function rowEqual(a: readonly Value[], b: readonly Value[], tol: Tolerance): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valueEqual(a[i]!, b[i]!, tol)) return false;
  return true;
}

/** Total order on normalised values used to sort multisets (null < boolean < number < string). */
function cmpValue(a: Value, b: Value): number {
  const rank = (v: Value) => (v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

function cmpRow(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmpValue(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function show(r: readonly Value[] | undefined): string {
  if (!r) return '(none)';
  const s = JSON.stringify(r);
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}

/**
 * Compares `actual` with `expected` (both raw engine rows). Returns null when they agree, else a
 * one-line hint naming the first difference.
 */
export function compareAnswers(
  expected: readonly Row[],
  actual: readonly Row[],
  ordered: boolean | readonly number[],
  tol: Tolerance = DEFAULT_TOL,
): string | null {
  const e = normalizeRows(expected);
  const a = normalizeRows(actual);
  if (e.length !== a.length) return `${a.length} rows, expected ${e.length}; first row ${show(a[0])} vs ${show(e[0])}`;
  const ew = e[0]?.length ?? 0;
  const aw = a[0]?.length ?? 0;
  if (e.length > 0 && ew !== aw) return `${aw} columns, expected ${ew}`;
  if (ordered !== true) {
    if (Array.isArray(ordered) && ordered.length > 0) {
      const keys = ordered as readonly number[];
      for (let i = 0; i < e.length; i++) {
        const ek = keys.map((k) => e[i]![k]!);
        const ak = keys.map((k) => a[i]![k]!);
        if (!rowEqual(ek, ak, tol)) return `order: row ${i} sort keys ${show(ak)} vs expected ${show(ek)}`;
      }
    }
    // Sorting with an exact order can separate rows whose floats differ in the last bits; sort by the
    // non-float columns first (floats last) so that tolerance-equal rows land at the same position.
    const floatCols = new Set<number>();
    for (const r of [...e, ...a]) r.forEach((v, i) => typeof v === 'number' && !Number.isInteger(v) && floatCols.add(i));
    const order = [...Array(ew).keys()].sort((x, y) => Number(floatCols.has(x)) - Number(floatCols.has(y)));
    const key = (r: Value[]) => order.map((i) => r[i]!);
    const se = e.map((r) => ({ r, k: key(r) })).sort((x, y) => cmpRow(x.k, y.k)).map((x) => x.r);
    const sa = a.map((r) => ({ r, k: key(r) })).sort((x, y) => cmpRow(x.k, y.k)).map((x) => x.r);
    for (let i = 0; i < se.length; i++) {
      if (!rowEqual(se[i]!, sa[i]!, tol)) return `row ${show(sa[i])} vs expected ${show(se[i])} (sorted position ${i})`;
    }
    return null;
  }
  for (let i = 0; i < e.length; i++) {
    if (!rowEqual(e[i]!, a[i]!, tol)) return `row ${i}: ${show(a[i])} vs expected ${show(e[i])}`;
  }
  return null;
}
