/**
 * Casts from and to Spark's ANSI interval types (src/types/interval.ts): interval -> string in
 * Spark's ANSI style (`INTERVAL '1-2' YEAR TO MONTH`, what show() prints), and between interval
 * types of one class (coarser end fields truncate, as Spark's Cast). The text is built per row in
 * JavaScript: interval columns are rare and casting them to text is not a hot path.
 */
import { AnalysisError } from '../errors.js';
import { type DataType, DataTypes, typeToString } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { type IntervalType, formatInterval, isIntervalType, truncateInterval } from '../types/interval.js';
import { intervalColumnFromJs, intervalColumnToJs } from '../types/interval-columns.js';
import { columnFromJs } from '../types/values.js';
import { shareColumn } from './common.js';

/** True when castColumn(from -> to) is handled here. */
export function isIntervalCast(from: DataType, to: DataType): boolean {
  return isIntervalType(from) || isIntervalType(to);
}

/** Casts a column from or to an interval type. Borrows `col`; the result is owned by the caller. */
export function castInterval(col: Column, to: DataType): Column {
  const from = col.type;
  if (isIntervalType(from) && to.kind === 'utf8') {
    const vals = intervalColumnToJs(col as Column & { type: IntervalType });
    return columnFromJs(DataTypes.String, vals.map((v) => (v === null ? null : formatInterval(v, from, 'ansi'))));
  }
  if (isIntervalType(from) && isIntervalType(to) && from.kind === to.kind) {
    const widens = to.endField === from.endField || (to.kind === 'interval_ym' ? to.endField === 'month' : to.endField === 'second');
    if (widens) return shareColumn(col, to);
    const vals = intervalColumnToJs(col as Column & { type: IntervalType });
    return intervalColumnFromJs(to, vals.map((v) => (v === null ? null : truncateInterval(v, to))), 'value');
  }
  throw new AnalysisError(`cannot cast ${typeToString(from)} to ${typeToString(to)}`);
}
