/**
 * Predicates a scan can use to skip data without reading it (row-group statistics, hive partition
 * values). They only prune: a scan still returns every row of the row groups it reads, so the plan
 * keeps its Filter above the scan. Pruning is conservative: a row group is skipped only when no row
 * in it can satisfy the conjunction under Spark's semantics (comparisons with NULL are never true;
 * NaN is greater than every other double and equal to itself).
 */
import { InternalError } from '../errors.js';
import type { DataType } from '../types/data-type.js';
import { type CellValue, parseDate } from '../types/values.js';

/**
 * One pushed-down predicate on a column; a list of them is a conjunction (AND). Values are
 * CellValues: dates as 'YYYY-MM-DD', decimals as strings, int64 as bigint, timestamps as Date or
 * bigint microseconds (or an ISO string).
 */
export type ScanPredicate =
  | { column: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: CellValue }
  | { column: string; op: 'isNull' | 'isNotNull' }
  | { column: string; op: 'in'; values: CellValue[] };

/**
 * Statistics of one column in one row group (or one constant, for partition values). `min`/`max`
 * are bounds in the column's CellValue form (timestamps as bigint microseconds); both are absent
 * when unknown. `nullCount` is absent when unknown.
 */
export interface ColumnStatistics {
  readonly type: DataType;
  readonly min?: CellValue;
  readonly max?: CellValue;
  readonly nullCount?: number;
}

/** Statistics of a row group: its row count and per-column statistics by column name. */
export interface RowGroupStatistics {
  readonly numRows: number;
  readonly columns: Readonly<Record<string, ColumnStatistics>>;
}

/** Spark-style text of a predicate, for explain output: `a >= 5`, `b IN (1, 2)`, `c IS NULL`. */
export function describePredicate(p: ScanPredicate): string {
  const lit = (v: CellValue): string =>
    v === null ? 'null' : typeof v === 'string' ? `'${v}'` : v instanceof Date ? v.toISOString() : String(v);
  switch (p.op) {
    case 'isNull':
      return `${p.column} IS NULL`;
    case 'isNotNull':
      return `${p.column} IS NOT NULL`;
    case 'in':
      return `${p.column} IN (${p.values.map(lit).join(', ')})`;
    default:
      return `${p.column} ${p.op} ${lit(p.value)}`;
  }
}

/**
 * True when no row of a row group with these statistics can satisfy every predicate. Never skips
 * when in doubt: missing statistics, a column without statistics, a value that does not convert
 * exactly to the column's type, or a predicate on a column the statistics do not mention.
 */
export function canSkipRowGroup(stats: RowGroupStatistics, predicates: readonly ScanPredicate[]): boolean {
  for (const p of predicates) {
    const col = findColumn(stats.columns, p.column);
    if (col && cannotMatch(col, stats.numRows, p)) return true;
  }
  return false;
}

/** True when a constant `value` (a partition value) of `type` fails some predicate on `column`. */
export function constantFails(column: string, type: DataType, value: CellValue, predicates: readonly ScanPredicate[]): boolean {
  const stats: ColumnStatistics =
    value === null ? { type, nullCount: 1 } : { type, min: value, max: value, nullCount: 0 };
  return canSkipRowGroup({ numRows: 1, columns: { [column]: stats } }, predicates.filter((p) => sameName(p.column, column)));
}

function sameName(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

function findColumn(columns: Readonly<Record<string, ColumnStatistics>>, name: string): ColumnStatistics | undefined {
  if (Object.prototype.hasOwnProperty.call(columns, name)) return columns[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(columns)) if (k.toLowerCase() === lower) return columns[k];
  return undefined;
}

function cannotMatch(col: ColumnStatistics, numRows: number, p: ScanPredicate): boolean {
  const allNull = col.nullCount !== undefined && col.nullCount >= numRows;
  if (!('value' in p) && !('values' in p)) return p.op === 'isNull' ? col.nullCount === 0 : allNull;
  if (allNull) return true; // a comparison with NULL is never true
  if (col.min === undefined || col.max === undefined || col.min === null || col.max === null) return false;
  const lo = comparable(col.type, col.min);
  const hi = comparable(col.type, col.max);
  if (lo === undefined || hi === undefined) return false;
  if (lo.kind === 'float' && (Number.isNaN(lo.v) || Number.isNaN(hi.v as number))) return false;
  if ('values' in p) {
    // x IN (...) with only NULLs (or nothing) never matches; otherwise every value must miss the range.
    return p.values.every((v) => v === null || equalsCannotMatch(col.type, lo, hi, v));
  }
  if (p.value === null) return true; // x op NULL is NULL: never true
  const v = comparable(col.type, p.value);
  if (v === undefined) return false;
  const float = v.kind === 'float';
  if (float && Number.isNaN(v.v)) return false; // NaN compares as the greatest value: keep it simple, keep the group
  switch (p.op) {
    case '=':
      return compare(v, lo) < 0 || compare(v, hi) > 0;
    case '!=':
      // Statistics exclude NaN, and a NaN row satisfies x != v.
      return !float && compare(lo, hi) === 0 && compare(lo, v) === 0;
    case '<':
      return compare(lo, v) >= 0;
    case '<=':
      return compare(lo, v) > 0;
    // For doubles the max bound excludes NaN rows, which satisfy x > v: never prune on max.
    case '>':
      return !float && compare(hi, v) <= 0;
    case '>=':
      return !float && compare(hi, v) < 0;
  }
}

function equalsCannotMatch(type: DataType, lo: Comparable, hi: Comparable, value: CellValue): boolean {
  const v = comparable(type, value);
  if (v === undefined || (v.kind === 'float' && Number.isNaN(v.v))) return false;
  return compare(v, lo) < 0 || compare(v, hi) > 0;
}

/** A value in a form that compares exactly with others of the same column type. */
type Comparable =
  | { kind: 'exact'; v: bigint; scale: number } // integers, decimals, dates (days), timestamps (micros)
  | { kind: 'float'; v: number }
  | { kind: 'bytes'; v: Uint8Array } // strings compare by UTF-8 bytes, like Spark
  | { kind: 'bool'; v: number };

const encoder = new TextEncoder();

/** Converts a CellValue to the comparable form for `type`, or undefined when it does not convert exactly. */
function comparable(type: DataType, value: CellValue): Comparable | undefined {
  if (value === null) return undefined;
  switch (type.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? { kind: 'bool', v: value ? 1 : 0 } : undefined;
    case 'float32':
    case 'float64':
      if (typeof value === 'number') return { kind: 'float', v: value };
      if (typeof value === 'bigint') return { kind: 'float', v: Number(value) };
      return undefined;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'decimal':
      return exactNumber(value);
    case 'date32':
      if (typeof value !== 'string') return undefined;
      try {
        return /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? { kind: 'exact', v: BigInt(parseDate(value)), scale: 0 } : undefined;
      } catch {
        return undefined;
      }
    case 'timestamp': {
      if (typeof value === 'bigint') return { kind: 'exact', v: value, scale: 0 };
      const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(ms) ? undefined : { kind: 'exact', v: BigInt(ms) * 1000n, scale: 0 };
    }
    case 'utf8':
      return typeof value === 'string' ? { kind: 'bytes', v: encoder.encode(value) } : undefined;
    case 'null':
      return undefined;
  }
}

function exactNumber(value: CellValue): Comparable | undefined {
  if (typeof value === 'bigint') return { kind: 'exact', v: value, scale: 0 };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (Number.isInteger(value)) return { kind: 'exact', v: BigInt(value), scale: 0 };
    return exactText(String(value));
  }
  if (typeof value === 'string') return exactText(value.trim());
  return undefined;
}

function exactText(s: string): Comparable | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined; // includes exponent forms: no pruning
  const frac = m[3] ?? '';
  const v = BigInt((m[2] || '0') + frac);
  return { kind: 'exact', v: m[1] === '-' ? -v : v, scale: frac.length };
}

function compare(a: Comparable, b: Comparable): number {
  if (a.kind === 'exact' && b.kind === 'exact') {
    const s = Math.max(a.scale, b.scale);
    const x = a.v * 10n ** BigInt(s - a.scale);
    const y = b.v * 10n ** BigInt(s - b.scale);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind === 'bytes' && b.kind === 'bytes') return Buffer.compare(a.v, b.v);
  if ((a.kind === 'float' || a.kind === 'bool') && a.kind === b.kind) return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  throw new InternalError(`scan predicate: comparing ${a.kind} with ${b.kind}`);
}
