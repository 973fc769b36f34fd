/**
 * More of `pyspark.sql.functions` (re-exported by functions.ts): greatest/least, rand/randn,
 * approx_count_distinct, string, math, null-handling and date functions. Each builds the same
 * expression as the SQL function of the same name.
 */
import { type Expr, literal } from '../plan/expression.js';
import { DataTypes } from '../types/data-type.js';
import { InvalidArgumentError } from '../errors.js';
import { Column, toColumn, toExpr } from './column.js';

type ColumnLike = Column | string;

const e = (c: ColumnLike): Expr => toColumn(c).expr;
const call = (name: string, ...args: Expr[]): Column => new Column({ kind: 'call', name, args });
const int = (n: number, what: string): Expr => {
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${what} must be an integer, got ${n}`);
  return literal(n, DataTypes.Integer);
};
const str = (s: string): Expr => literal(s, DataTypes.String);
/** A number or a column (PySpark's `Union[Column, int]` arguments). */
const intOrCol = (v: number | Column, what: string): Expr => (typeof v === 'number' ? int(v, what) : v.expr);
const numOrCol = (v: number | ColumnLike): Expr => (typeof v === 'number' ? toExpr(v) : e(v));

/** The largest non-null value of the columns (null only when all are null). */
export function greatest(...cols: ColumnLike[]): Column {
  if (cols.length < 2) throw new InvalidArgumentError(`greatest needs at least two columns, got ${cols.length}`);
  return call('greatest', ...cols.map(e));
}

/** The smallest non-null value of the columns (null only when all are null). */
export function least(...cols: ColumnLike[]): Column {
  if (cols.length < 2) throw new InvalidArgumentError(`least needs at least two columns, got ${cols.length}`);
  return call('least', ...cols.map(e));
}

const seedArg = (seed: number | bigint | undefined): Expr[] =>
  seed === undefined ? [] : [typeof seed === 'bigint' ? literal(seed, DataTypes.Long) : Number.isInteger(seed) && Math.abs(seed) < 2 ** 31 ? literal(seed, DataTypes.Integer) : literal(BigInt(Math.trunc(seed)), DataTypes.Long)];

/** Uniform random doubles in [0, 1) with Spark's exact sequence for a seed (a random seed without one). */
export function rand(seed?: number | bigint): Column {
  return call('rand', ...seedArg(seed));
}

/** Standard normal random doubles with Spark's exact sequence for a seed. */
export function randn(seed?: number | bigint): Column {
  return call('randn', ...seedArg(seed));
}

/** Approximate number of distinct values (Spark's HyperLogLog++; `rsd` = relative standard deviation, default 0.05). */
export function approx_count_distinct(c: ColumnLike, rsd?: number): Column {
  return new Column({ kind: 'agg', fn: 'approx_count_distinct', arg: e(c), ignoreNulls: false, ...(rsd === undefined ? {} : { extraArgs: [literal(rsd, DataTypes.Double)] }) });
}
/** camelCase alias of approx_count_distinct. */
export const approxCountDistinct = approx_count_distinct;

/** `a` raised to the power `b` (double). */
export function pow(a: number | ColumnLike, b: number | ColumnLike): Column {
  return call('pow', numOrCol(a), numOrCol(b));
}
/** Alias of pow. */
export const power = pow;

/** The positive modulus of `a` by `b` (null when b is 0). */
export function pmod(a: number | ColumnLike, b: number | ColumnLike): Column {
  return call('pmod', numOrCol(a), numOrCol(b));
}

/** The string repeated `n` times. */
export function repeat(c: ColumnLike, n: number | Column): Column {
  return call('repeat', e(c), intOrCol(n, 'repeat: n'));
}

/** Bytes of the UTF-8 encoding of a string. */
export function octet_length(c: ColumnLike): Column {
  return call('octet_length', e(c));
}

/** Bits of the UTF-8 encoding of a string (8 * octet_length). */
export function bit_length(c: ColumnLike): Column {
  return call('bit_length', e(c));
}

/** The characters of a string in reverse order. */
export function reverse(c: ColumnLike): Column {
  return call('reverse', e(c));
}

/** Left-pads to `len` characters with `pad` (cuts longer strings to `len`). */
export function lpad(c: ColumnLike, len: number, pad: string): Column {
  return call('lpad', e(c), int(len, 'lpad: len'), str(pad));
}

/** Right-pads to `len` characters with `pad` (cuts longer strings to `len`). */
export function rpad(c: ColumnLike, len: number, pad: string): Column {
  return call('rpad', e(c), int(len, 'rpad: len'), str(pad));
}

/** 1-based character position of the first `substr` in the string (0 when absent). */
export function instr(c: ColumnLike, substr: string): Column {
  return call('instr', e(c), str(substr));
}

/** 1-based character position of the first `substr` in the string at or after character `pos` (0 when absent). */
export function locate(substr: string, c: ColumnLike, pos = 1): Column {
  return call('locate', str(substr), e(c), int(pos, 'locate: pos'));
}

/** The first `len` characters. */
export function left(c: ColumnLike, len: number | Column): Column {
  return call('left', e(c), intOrCol(len, 'left: len'));
}

/** The last `len` characters. */
export function right(c: ColumnLike, len: number | Column): Column {
  return call('right', e(c), intOrCol(len, 'right: len'));
}

/** Lower-case with the first letter of each space-separated word upper-cased. */
export function initcap(c: ColumnLike): Column {
  return call('initcap', e(c));
}

/** Replaces each character of `matching` by the character at the same position of `replace` (or removes it). */
export function translate(c: ColumnLike, matching: string, replace: string): Column {
  return call('translate', e(c), str(matching), str(replace));
}

/** The non-null strings joined with `sep`. */
export function concat_ws(sep: string, ...cols: ColumnLike[]): Column {
  return call('concat_ws', str(sep), ...cols.map(e));
}

/** `a` when not null, else `b` (strings name columns, as in PySpark). */
export function nvl(a: ColumnLike, b: ColumnLike): Column {
  return call('nvl', e(a), e(b));
}

/** Alias of nvl. */
export function ifnull(a: ColumnLike, b: ColumnLike): Column {
  return call('ifnull', e(a), e(b));
}

/** `b` when `a` is not null, else `c` (strings name columns). */
export function nvl2(a: ColumnLike, b: ColumnLike, c: ColumnLike): Column {
  return call('nvl2', e(a), e(b), e(c));
}

/** Null when `a` equals `b`, else `a` (strings name columns). */
export function nullif(a: ColumnLike, b: ColumnLike): Column {
  return call('nullif', e(a), e(b));
}

/** The date `months` months later (the day clamped to the month's end). */
export function add_months(c: ColumnLike, months: number | Column): Column {
  return call('add_months', e(c), intOrCol(months, 'add_months: months'));
}

/** The last day of the date's month. */
export function last_day(c: ColumnLike): Column {
  return call('last_day', e(c));
}

/** The date truncated to `format` (year/yyyy/yy, quarter, month/mm/mon, week). */
export function trunc(c: ColumnLike, format: string): Column {
  return call('trunc', e(c), str(format));
}

/** The timestamp truncated to `format` (year .. microsecond). */
export function date_trunc(format: string, c: ColumnLike): Column {
  return call('date_trunc', str(format), e(c));
}

/** The ISO 8601 week of year. */
export function weekofyear(c: ColumnLike): Column {
  return call('weekofyear', e(c));
}

/** The date of year, month and day (null when invalid). */
export function make_date(year: ColumnLike, month: ColumnLike, day: ColumnLike): Column {
  return call('make_date', e(year), e(month), e(day));
}

/** Months between two timestamps (fractional, rounded to 8 digits unless roundOff is false). */
export function months_between(a: ColumnLike, b: ColumnLike, roundOff = true): Column {
  return call('months_between', e(a), e(b), literal(roundOff, DataTypes.Boolean));
}

/** The first date after the date that is the given weekday ('Mon', 'tue', 'WEDNESDAY', ...). */
export function next_day(c: ColumnLike, dayOfWeek: string): Column {
  return call('next_day', e(c), str(dayOfWeek));
}

/** camelCase aliases. */
export const octetLength = octet_length;
export const bitLength = bit_length;
export const concatWs = concat_ws;
export const addMonths = add_months;
export const lastDay = last_day;
export const dateTrunc = date_trunc;
export const weekOfYear = weekofyear;
export const makeDate = make_date;
export const monthsBetween = months_between;
export const nextDay = next_day;
