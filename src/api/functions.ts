/**
 * `functions`: PySpark's `pyspark.sql.functions` in camelCase. Each returns a Column describing a
 * computation; names that Spark spells with underscores keep them (`to_date`, `date_add`) and also
 * have a camelCase alias.
 */
import { type Expr, type AggregateFn, literal } from '../plan/expression.js';
import { Column, type ColumnOrLiteral, toColumn, toExpr } from './column.js';
import { literalExpr } from './literals.js';
import { exprColumn } from '../sql/expr.js';
import { InvalidArgumentError } from '../errors.js';

type ColumnLike = Column | string;

const e = (c: ColumnLike): Expr => toColumn(c).expr;
const call = (name: string, ...args: Expr[]): Column => new Column({ kind: 'call', name, args });
const agg = (fn: AggregateFn, arg: Expr | null, ignoreNulls = false): Column => new Column({ kind: 'agg', fn, arg, ignoreNulls });
const int = (n: number): Expr => literal(n, { kind: 'int32' });

/** A column by name (`'a'`, `'t.a'`, `'*'`). */
export function col(name: string): Column {
  return toColumn(name);
}

/** Alias of `col`. */
export const column = col;

/** A literal value as a Column. */
export function lit(value: ColumnOrLiteral): Column {
  return value instanceof Column ? value : new Column(literalExpr(value));
}

/** `CASE WHEN condition THEN value`; continue with `.when(...)` and end with `.otherwise(...)`. */
export function when(condition: Column, value: ColumnOrLiteral): Column {
  return new Column({ kind: 'case', branches: [[condition.expr, toExpr(value)]] });
}

/** The first non-null argument. */
export function coalesce(...cols: ColumnLike[]): Column {
  return call('coalesce', ...cols.map(e));
}

/** Sum of a numeric column (integers sum to bigint, decimals widen by 10 digits, like Spark). */
export function sum(c: ColumnLike): Column {
  return agg('sum', e(c));
}

/** Number of non-null values; `count('*')` counts rows. */
export function count(c: ColumnLike): Column {
  if (c === '*' || (c instanceof Column && c.expr.kind === 'star')) return agg('count_star', null);
  if (c instanceof Column && c.expr.kind === 'literal' && c.expr.value !== null) return agg('count_star', null);
  return agg('count', e(c));
}

/** Number of distinct non-null values of one column, or of distinct combinations of several (rows where all are non-null). */
export function countDistinct(c: ColumnLike, ...cols: ColumnLike[]): Column {
  if (cols.length === 0) return agg('count_distinct', e(c));
  return new Column({ kind: 'agg', fn: 'count_distinct', arg: e(c), extraArgs: cols.map(e), ignoreNulls: false });
}

/** Alias of `countDistinct`. */
export const count_distinct = countDistinct;

/** Mean of a numeric column (double, or a decimal with 4 more digits of scale for decimals). */
export function avg(c: ColumnLike): Column {
  return agg('avg', e(c));
}

/** Alias of `avg`. */
export const mean = avg;

/** Smallest value (any orderable type). */
export function min(c: ColumnLike): Column {
  return agg('min', e(c));
}

/** Largest value (any orderable type). */
export function max(c: ColumnLike): Column {
  return agg('max', e(c));
}

/** The value of the first row of each group (with `ignoreNulls`, the first non-null value). */
export function first(c: ColumnLike, ignoreNulls = false): Column {
  return agg('first', e(c), ignoreNulls);
}

// ---- statistical, boolean and DISTINCT aggregates ----------------------------------------------

/** An aggregate call with optional extra arguments, DISTINCT flag and output name (Spark's prettyName). */
const aggCall = (fn: AggregateFn, args: ColumnLike[], opts: { distinct?: boolean; prettyName?: string } = {}): Column =>
  new Column({
    kind: 'agg',
    fn,
    arg: e(args[0]!),
    ignoreNulls: false,
    ...(args.length > 1 ? { extraArgs: args.slice(1).map(e) } : {}),
    ...(opts.distinct ? { distinct: true } : {}),
    ...(opts.prettyName ? { prettyName: opts.prettyName } : {}),
  });

/** Sample standard deviation (double; null for fewer than 2 values), like Spark's `stddev`. */
export function stddev(c: ColumnLike): Column {
  return aggCall('stddev_samp', [c], { prettyName: 'stddev' });
}

/** Sample standard deviation (double; null for fewer than 2 values). */
export function stddev_samp(c: ColumnLike): Column {
  return aggCall('stddev_samp', [c]);
}

/** Population standard deviation (double; null without values). */
export function stddev_pop(c: ColumnLike): Column {
  return aggCall('stddev_pop', [c]);
}

/** Sample variance (double; null for fewer than 2 values), like Spark's `variance`. */
export function variance(c: ColumnLike): Column {
  return aggCall('var_samp', [c], { prettyName: 'variance' });
}

/** Sample variance (double; null for fewer than 2 values). */
export function var_samp(c: ColumnLike): Column {
  return aggCall('var_samp', [c]);
}

/** Population variance (double; null without values). */
export function var_pop(c: ColumnLike): Column {
  return aggCall('var_pop', [c]);
}

/** Population skewness sqrt(n)·M3 / M2^1.5 (Spark's; null without values or when all values are equal). */
export function skewness(c: ColumnLike): Column {
  return aggCall('skewness', [c]);
}

/** Population excess kurtosis n·M4 / M2² − 3 (Spark's; null without values or when all values are equal). */
export function kurtosis(c: ColumnLike): Column {
  return aggCall('kurtosis', [c]);
}

/** Sample covariance of two columns (rows where both are non-null; null for fewer than 2 such rows). */
export function covar_samp(c1: ColumnLike, c2: ColumnLike): Column {
  return aggCall('covar_samp', [c1, c2]);
}

/** Population covariance of two columns (rows where both are non-null). */
export function covar_pop(c1: ColumnLike, c2: ColumnLike): Column {
  return aggCall('covar_pop', [c1, c2]);
}

/** Pearson correlation coefficient of two columns (NaN when one of them is constant, like Spark). */
export function corr(c1: ColumnLike, c2: ColumnLike): Column {
  return aggCall('corr', [c1, c2]);
}

/** Number of rows where both the dependent `y` and the independent `x` are non-null (bigint). */
export function regr_count(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_count', [y, x]);
}

/** Mean of the independent variable `x` over rows where both are non-null. */
export function regr_avgx(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_avgx', [y, x]);
}

/** Mean of the dependent variable `y` over rows where both are non-null. */
export function regr_avgy(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_avgy', [y, x]);
}

/** Sum of squares of the deviations of `x` (rows where both are non-null). */
export function regr_sxx(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_sxx', [y, x]);
}

/** Sum of squares of the deviations of `y` (rows where both are non-null). */
export function regr_syy(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_syy', [y, x]);
}

/** Sum of products of the deviations of `y` and `x` (rows where both are non-null). */
export function regr_sxy(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_sxy', [y, x]);
}

/** Slope of the least-squares line of `y` on `x` (null when `x` is constant). */
export function regr_slope(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_slope', [y, x]);
}

/** Intercept of the least-squares line of `y` on `x` (null when `x` is constant). */
export function regr_intercept(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_intercept', [y, x]);
}

/** Coefficient of determination of the regression of `y` on `x` (null when `x` is constant, 1 when `y` is). */
export function regr_r2(y: ColumnLike, x: ColumnLike): Column {
  return aggCall('regr_r2', [y, x]);
}

/** True if every non-null value of a boolean column is true (null without values). */
export function bool_and(c: ColumnLike): Column {
  return aggCall('bool_and', [c]);
}

/** Alias of `bool_and` (named `every(...)`). */
export function every(c: ColumnLike): Column {
  return aggCall('bool_and', [c], { prettyName: 'every' });
}

/** True if at least one non-null value of a boolean column is true (null without values). */
export function bool_or(c: ColumnLike): Column {
  return aggCall('bool_or', [c]);
}

/** Alias of `bool_or` (named `some(...)`). */
export function some(c: ColumnLike): Column {
  return aggCall('bool_or', [c], { prettyName: 'some' });
}

/** Number of rows where a boolean column is true (bigint, never null). */
export function count_if(c: ColumnLike): Column {
  return aggCall('count_if', [c]);
}

/** The value of `c` in the row with the largest `ord` (rows with a null `ord` are skipped; fixed-width types). */
export function max_by(c: ColumnLike, ord: ColumnLike): Column {
  return aggCall('max_by', [c, ord]);
}

/** The value of `c` in the row with the smallest `ord` (rows with a null `ord` are skipped; fixed-width types). */
export function min_by(c: ColumnLike, ord: ColumnLike): Column {
  return aggCall('min_by', [c, ord]);
}

/** Sum of the distinct non-null values of a numeric column. */
export function sum_distinct(c: ColumnLike): Column {
  return aggCall('sum', [c], { distinct: true });
}

/** Camel-case aliases (Spark's Scala/Java names). */
export const sumDistinct = sum_distinct;
export const stddevSamp = stddev_samp;
export const stddevPop = stddev_pop;
export const varSamp = var_samp;
export const varPop = var_pop;
export const covarSamp = covar_samp;
export const covarPop = covar_pop;
export const boolAnd = bool_and;
export const boolOr = bool_or;
export const countIf = count_if;
export const maxBy = max_by;
export const minBy = min_by;

/** Absolute value. */
export function abs(c: ColumnLike): Column {
  return call('abs', e(c));
}

/** Rounds half up to `scale` decimal places (Spark's ROUND). */
export function round(c: ColumnLike, scale = 0): Column {
  return call('round', e(c), int(scale));
}

/** Largest integer not above the value. */
export function floor(c: ColumnLike): Column {
  return call('floor', e(c));
}

/** Smallest integer not below the value. */
export function ceil(c: ColumnLike): Column {
  return call('ceil', e(c));
}

/** Square root. */
export function sqrt(c: ColumnLike): Column {
  return call('sqrt', e(c));
}

/** Upper case (full Unicode). */
export function upper(c: ColumnLike): Column {
  return call('upper', e(c));
}

/** Lower case (full Unicode). */
export function lower(c: ColumnLike): Column {
  return call('lower', e(c));
}

/** Number of characters of a string. */
export function length(c: ColumnLike): Column {
  return call('length', e(c));
}

/** Substring from 1-based `pos` of `len` characters (negative pos counts from the end). */
export function substring(c: ColumnLike, pos: number, len: number): Column {
  return call('substring', e(c), int(pos), int(len));
}

/** Concatenation of strings; null if any argument is null. */
export function concat(...cols: ColumnLike[]): Column {
  return call('concat', ...cols.map(e));
}

/** Removes leading and trailing spaces. */
export function trim(c: ColumnLike): Column {
  return call('trim', e(c));
}

/** Removes leading spaces. */
export function ltrim(c: ColumnLike): Column {
  return call('ltrim', e(c));
}

/** Removes trailing spaces. */
export function rtrim(c: ColumnLike): Column {
  return call('rtrim', e(c));
}

/** Year of a date or timestamp. */
export function year(c: ColumnLike): Column {
  return call('year', e(c));
}

/** Month (1-12) of a date or timestamp. */
export function month(c: ColumnLike): Column {
  return call('month', e(c));
}

/** Day of the month (1-31) of a date or timestamp. */
export function dayofmonth(c: ColumnLike): Column {
  return call('dayofmonth', e(c));
}

/** Hour (0-23) of a timestamp. */
export function hour(c: ColumnLike): Column {
  return call('hour', e(c));
}

/** Parses a string (default format yyyy-MM-dd) or truncates a timestamp to a date. */
export function to_date(c: ColumnLike, format?: string): Column {
  return format === undefined ? call('to_date', e(c)) : call('to_date', e(c), literalExpr(format));
}

/** Adds days to a date. */
export function date_add(c: ColumnLike, days: number | Column): Column {
  return call('date_add', e(c), typeof days === 'number' ? int(days) : days.expr);
}

/** Subtracts days from a date. */
export function date_sub(c: ColumnLike, days: number | Column): Column {
  return call('date_sub', e(c), typeof days === 'number' ? int(days) : days.expr);
}

/** Days from `start` to `end` (end - start). */
export function datediff(end: ColumnLike, start: ColumnLike): Column {
  return call('datediff', e(end), e(start));
}

/** camelCase aliases of the snake_case names. */
export const toDate = to_date;
/** camelCase alias of date_add. */
export const dateAdd = date_add;
/** camelCase alias of date_sub. */
export const dateSub = date_sub;
/** Ascending sort order of a column, nulls first. */
export function asc(c: ColumnLike): Column {
  return toColumn(c).asc();
}

/** Descending sort order of a column, nulls last. */
export function desc(c: ColumnLike): Column {
  return toColumn(c).desc();
}

/** True where the column is null. */
export function isnull(c: ColumnLike): Column {
  return toColumn(c).isNull();
}

// ---- window functions (begin) ------------------------------------------------------------------

/** Sequential number of the row in its window partition, from 1 (use with `.over(w)`; needs orderBy). */
export function row_number(): Column {
  return call('row_number');
}

/** Rank with gaps: 1 + rows of the partition ordered before the row's peers (use with `.over(w)`). */
export function rank(): Column {
  return call('rank');
}

/** Rank without gaps: the ordinal of the row's peer group (use with `.over(w)`). */
export function dense_rank(): Column {
  return call('dense_rank');
}

/**
 * The value `offset` rows before the current row in its partition, else `defaultValue` (use with
 * `.over(w)`); with `ignoreNulls`, the `offset`-th non-null value before it.
 */
export function lag(c: ColumnLike, offset = 1, defaultValue: ColumnOrLiteral = null, ignoreNulls = false): Column {
  if (!Number.isInteger(offset)) throw new InvalidArgumentError(`lag: offset must be an integer, got ${offset}`);
  return call('lag', e(c), int(offset), toExpr(defaultValue), ...(ignoreNulls ? [toExpr(true)] : []));
}

/**
 * The value `offset` rows after the current row in its partition, else `defaultValue` (use with
 * `.over(w)`); with `ignoreNulls`, the `offset`-th non-null value after it.
 */
export function lead(c: ColumnLike, offset = 1, defaultValue: ColumnOrLiteral = null, ignoreNulls = false): Column {
  if (!Number.isInteger(offset)) throw new InvalidArgumentError(`lead: offset must be an integer, got ${offset}`);
  return call('lead', e(c), int(offset), toExpr(defaultValue), ...(ignoreNulls ? [toExpr(true)] : []));
}

/** The fraction of the partition's rows up to and including the row's peer group (use with `.over(w)`). */
export function cume_dist(): Column {
  return call('cume_dist');
}

/** (rank - 1) / (partition rows - 1), 0 for a one-row partition (use with `.over(w)`). */
export function percent_rank(): Column {
  return call('percent_rank');
}

/** The bucket (1..n) of the row when its partition is cut into `n` nearly equal buckets (use with `.over(w)`). */
export function ntile(n: number): Column {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`ntile: n must be a positive integer, got ${n}`);
  return call('ntile', int(n));
}

/**
 * The exact `p`-th percentile (0 <= p <= 1) of a numeric column with linear interpolation (Spark's
 * percentile / percentile_cont; double). An aggregate, or over a window without ordering.
 */
export function percentile(c: ColumnLike, p: number): Column {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InvalidArgumentError(`percentile: the percentage must be between 0.0 and 1.0, got ${String(p)}`);
  return new Column({ kind: 'agg', fn: 'percentile_cont', arg: e(c), extraArgs: [literal(p, { kind: 'float64' }), toExpr(false)], ignoreNulls: false, prettyName: 'percentile' });
}

/** The median of a numeric column (percentile 0.5 with interpolation; double). */
export function median(c: ColumnLike): Column {
  return new Column({ kind: 'agg', fn: 'percentile_cont', arg: e(c), extraArgs: [literal(0.5, { kind: 'float64' }), toExpr(false)], ignoreNulls: false, prettyName: 'median' });
}

/** The first value of the window frame (with `ignoreNulls`, the first non-null one); use with `.over(w)`. */
export function first_value(c: ColumnLike, ignoreNulls = false): Column {
  return call('first_value', e(c), toExpr(ignoreNulls));
}

/** The last value of the window frame (with `ignoreNulls`, the last non-null one); use with `.over(w)`. */
export function last_value(c: ColumnLike, ignoreNulls = false): Column {
  return call('last_value', e(c), toExpr(ignoreNulls));
}

/** The `n`-th value (from 1) of the window frame (with `ignoreNulls`, of its non-null values); use with `.over(w)`. */
export function nth_value(c: ColumnLike, n: number, ignoreNulls = false): Column {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`nth_value: n must be a positive integer, got ${n}`);
  return call('nth_value', e(c), int(n), toExpr(ignoreNulls));
}

/** camelCase alias of row_number. */
export const rowNumber = row_number;
/** camelCase alias of dense_rank. */
export const denseRank = dense_rank;
// ---- window functions (end) --------------------------------------------------------------------

/** A SQL expression as a Column: `expr("CASE WHEN a > 1 THEN 'x' END")` (Spark SQL syntax, no subqueries). */
export function expr(text: string): Column {
  return exprColumn(text);
}

// More functions (greatest, rand, approx_count_distinct, strings, dates; see functions-extra.ts).
export * from './functions-extra.js';
// Arrays, maps and structs (array, struct, create_map, size, element_at, collect_list, ...).
export * from './functions-nested.js';
