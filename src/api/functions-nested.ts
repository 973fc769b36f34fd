/**
 * DataFrame functions over arrays, maps and structs (PySpark's complex-type functions): creators,
 * accessors and the collecting aggregates. Re-exported by functions.ts.
 */
import { type Expr, literal } from '../plan/expression.js';
import { DataTypes } from '../types/data-type.js';
import { Column, type ColumnOrLiteral, toColumn, toExpr } from './column.js';

type ColumnLike = Column | string;
const e = (c: ColumnLike): Expr => toColumn(c).expr;
const call = (name: string, ...args: Expr[]): Column => new Column({ kind: 'call', name, args });
const flat = (cols: (ColumnLike | readonly ColumnLike[])[]): ColumnLike[] => cols.flatMap((c) => (Array.isArray(c) ? (c as ColumnLike[]) : [c as ColumnLike]));

/** array(c1, c2, ...): an array column of the values of each row (`F.array('a', 'b')`). */
export function array(...cols: (ColumnLike | readonly ColumnLike[])[]): Column {
  return call('array', ...flat(cols).map(e));
}

/** struct(c1, c2, ...): a struct column; fields are named after the columns or their aliases. */
export function struct(...cols: (ColumnLike | readonly ColumnLike[])[]): Column {
  return call('struct', ...flat(cols).map(e));
}

/** named_struct(name1, value1, ...) with explicit field names. */
export function named_struct(...pairs: (string | Column)[]): Column {
  return call('named_struct', ...pairs.map((p, i) => (i % 2 === 0 ? literal(String(p), DataTypes.String) : e(p as ColumnLike))));
}

/** create_map(k1, v1, k2, v2, ...): a map column (Spark's `map`). */
export function create_map(...cols: (ColumnLike | readonly ColumnLike[])[]): Column {
  return call('map', ...flat(cols).map(e));
}

/** Number of elements of an array or entries of a map (-1 for NULL, as Spark with ANSI off). */
export function size(c: ColumnLike): Column {
  return call('size', e(c));
}

/** element_at(array, index) (1-based; negative from the end) or element_at(map, key). */
export function element_at(c: ColumnLike, key: ColumnOrLiteral): Column {
  return call('element_at', e(c), toExpr(key));
}

/** array_contains(array, value). */
export function array_contains(c: ColumnLike, value: ColumnOrLiteral): Column {
  return call('array_contains', e(c), toExpr(value));
}

/** sort_array(array, asc = true): NULLs first ascending, last descending. */
export function sort_array(c: ColumnLike, asc = true): Column {
  return call('sort_array', e(c), literal(asc, DataTypes.Boolean));
}

/** map_keys(map) as an array. */
export function map_keys(c: ColumnLike): Column {
  return call('map_keys', e(c));
}

/** map_values(map) as an array. */
export function map_values(c: ColumnLike): Column {
  return call('map_values', e(c));
}

/** collect_list(col): the non-null values of each group, in order of arrival. */
export function collect_list(c: ColumnLike): Column {
  return new Column({ kind: 'agg', fn: 'collect_list', arg: e(c), ignoreNulls: false });
}

/** Alias of collect_list. */
export const array_agg = collect_list;

/** collect_set(col): the distinct non-null values of each group. */
export function collect_set(c: ColumnLike): Column {
  return new Column({ kind: 'agg', fn: 'collect_set', arg: e(c), ignoreNulls: false });
}

/** histogram_numeric(col, nBins): an approximate histogram as array<struct<x, y>> (Spark's NumericHistogram). */
export function histogram_numeric(c: ColumnLike, nBins: number): Column {
  return new Column({ kind: 'agg', fn: 'histogram_numeric', arg: e(c), extraArgs: [literal(nBins, DataTypes.Integer)], ignoreNulls: false });
}

/** camelCase aliases. */
export const createMap = create_map;
export const elementAt = element_at;
export const arrayContains = array_contains;
export const sortArray = sort_array;
export const mapKeys = map_keys;
export const mapValues = map_values;
export const collectList = collect_list;
export const collectSet = collect_set;

/** explode(array or map): one row per element (key, value for maps); use as a whole select item. */
export function explode(c: ColumnLike): Column {
  return call('explode', e(c));
}

/** explode_outer: like explode, with one row of NULLs for a NULL or empty collection. */
export function explode_outer(c: ColumnLike): Column {
  return call('explode_outer', e(c));
}

/** posexplode: explode with the element's position (`pos`, from 0). */
export function posexplode(c: ColumnLike): Column {
  return call('posexplode', e(c));
}

/** posexplode_outer: posexplode keeping NULL and empty collections as one row of NULLs. */
export function posexplode_outer(c: ColumnLike): Column {
  return call('posexplode_outer', e(c));
}

/** camelCase aliases of the generators. */
export const explodeOuter = explode_outer;
export const posexplodeOuter = posexplode_outer;
