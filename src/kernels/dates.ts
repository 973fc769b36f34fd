/**
 * Date and time functions with Apache Spark semantics, in UTC (kernels: assembly/dates.ts).
 * date32 is int32 days since 1970-01-01; timestamp is int64 microseconds since the epoch (UTC);
 * the calendar is proleptic Gregorian, as in Spark 3.
 *
 * Every function borrows its inputs and returns a new Column owned by the caller; nulls propagate.
 * Functions that take a date also accept a timestamp (truncated to its UTC day) or a string (cast
 * as Spark casts it, invalid -> null), mirroring Spark's implicit casts.
 */
import { InvalidArgumentError } from '../errors.js';
import { DataTypes, typeToString } from '../types/data-type.js';
import { Column, nullColumn } from '../types/column.js';
import { WasmBuffer } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';
import { combineValidity, filledBuffer, mapValues, nullableColumn, shareColumn, withCopyInWasm } from './common.js';

/** Field codes of the date_field / ts_field kernels. */
const FIELD = { year: 0, month: 1, dayofmonth: 2, dayofweek: 3, quarter: 4, dayofyear: 5, hour: 6, minute: 7, second: 8, weekofyear: 9, dayofweek_iso: 10, yearofweek: 11 } as const;
type FieldName = keyof typeof FIELD;

/** Bytes per row reserved by the formatting kernels (assembly/dates.ts MAX_FORMATTED). */
const MAX_FORMATTED_BYTES = 32;
const MS_PER_DAY = 86_400_000;

function kernels(): KernelExports {
  return runtime().module('dates');
}

/** Runs a formatting kernel (n * MAX_FORMATTED_BYTES capacity) and builds a tight utf8 column. */
function formatted(col: Column, run: (dstOff: number, dstVal: number) => number): Column {
  const mem = runtime().memory;
  const n = col.length;
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  let values = WasmBuffer.allocate(mem, Math.max(1, n * MAX_FORMATTED_BYTES));
  try {
    const used = run(offsets.ptr, values.ptr);
    const tight = WasmBuffer.allocate(mem, Math.max(1, used));
    mem.u8(tight.ptr, used).set(mem.u8(values.ptr, used));
    values.release();
    values = tight;
  } catch (e) {
    offsets.release();
    values.release();
    throw e;
  }
  col.validity?.retain();
  return new Column(DataTypes.String, n, values, col.validity, offsets, col.nullCount);
}

/** `col` as date32 (owned by the caller): dates shared, timestamps truncated, strings cast. */
function asDate(col: Column, fn: string): Column {
  switch (col.type.kind) {
    case 'date32':
      return shareColumn(col);
    case 'timestamp':
      return timestampToDate(col);
    case 'utf8':
      return parseDateColumn(col);
    case 'null':
      return nullColumn(runtime().memory, DataTypes.Date, col.length);
    default:
      throw new InvalidArgumentError(`${fn}: expected a date, timestamp or string column, got ${typeToString(col.type)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

function dateField(col: Column, field: FieldName): Column {
  const mem = runtime().memory;
  const n = col.length;
  const k = kernels();
  const code = FIELD[field];
  const isTime = code >= FIELD.hour && code <= FIELD.second;
  if (col.type.kind === 'timestamp' || (isTime && col.type.kind === 'utf8')) {
    const ts = col.type.kind === 'timestamp' ? shareColumn(col) : parseTimestampColumn(col);
    try {
      return mapValues(ts, DataTypes.Integer, (dst) => k.ts_field!(ts.valuesPtr, n, code, dst));
    } finally {
      ts.release();
    }
  }
  if (isTime && col.type.kind === 'date32') {
    // A date cast to a timestamp is midnight: hour, minute and second are 0.
    return mapValues(col, DataTypes.Integer, (dst) => mem.u8(dst, n * 4).fill(0));
  }
  if (col.type.kind === 'null') return nullColumn(mem, DataTypes.Integer, n);
  const d = asDate(col, field);
  try {
    return mapValues(d, DataTypes.Integer, (dst) => k.date_field!(d.valuesPtr, n, code, dst));
  } finally {
    d.release();
  }
}

/** Spark's `year(date)` as int32 (also from timestamps, in UTC). */
export function year(col: Column): Column {
  return dateField(col, 'year');
}

/** Spark's `month(date)`, 1..12. */
export function month(col: Column): Column {
  return dateField(col, 'month');
}

/** Spark's `dayofmonth(date)`, 1..31. */
export function dayofmonth(col: Column): Column {
  return dateField(col, 'dayofmonth');
}

/** Spark's `dayofweek(date)`: 1 = Sunday .. 7 = Saturday. */
export function dayofweek(col: Column): Column {
  return dateField(col, 'dayofweek');
}

/** Spark's `quarter(date)`, 1..4. */
export function quarter(col: Column): Column {
  return dateField(col, 'quarter');
}

/** Spark's `dayofyear(date)`, 1..366. */
export function dayofyear(col: Column): Column {
  return dateField(col, 'dayofyear');
}

/** Spark's `hour(timestamp)` in UTC, 0..23 (0 for dates). */
export function hour(col: Column): Column {
  return dateField(col, 'hour');
}

/** Spark's `minute(timestamp)` in UTC, 0..59. */
export function minute(col: Column): Column {
  return dateField(col, 'minute');
}

/** Spark's `second(timestamp)`, 0..59 (the fraction is dropped). */
export function second(col: Column): Column {
  return dateField(col, 'second');
}

// ---------------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------------

function shiftDays(col: Column, days: Column | number, sign: 1 | -1, fn: string): Column {
  const mem = runtime().memory;
  const n = col.length;
  const k = kernels();
  if (typeof days === 'number') {
    if (!Number.isInteger(days) || days < -2147483648 || days > 2147483647) {
      throw new InvalidArgumentError(`${fn}: the number of days must be a 32-bit integer, got ${days}`);
    }
    const d = asDate(col, fn);
    try {
      const delta = sign * days;
      return mapValues(d, DataTypes.Date, (dst) => k.add_days_scalar!(d.valuesPtr, n, delta | 0, dst));
    } finally {
      d.release();
    }
  }
  const width = days.type.kind === 'int8' ? 1 : days.type.kind === 'int16' ? 2 : days.type.kind === 'int32' ? 4 : 0;
  if (width === 0 && days.type.kind !== 'null') {
    throw new InvalidArgumentError(`${fn}: the number of days must be a tinyint, smallint or int column, got ${typeToString(days.type)}`);
  }
  if (days.length !== n) throw new InvalidArgumentError(`${fn}: the days column has ${days.length} rows, the date column has ${n}`);
  if (days.type.kind === 'null') return nullColumn(mem, DataTypes.Date, n);
  const d = asDate(col, fn);
  try {
    return binaryDays(d, days, width, sign);
  } finally {
    d.release();
  }
}

/** dst = a + sign * b with the combined validity of a and b. */
function binaryDays(a: Column, b: Column, width: number, sign: number): Column {
  const n = a.length;
  const values = filledBuffer(Math.max(1, n) * 4, (dst) => kernels().add_days!(a.valuesPtr, b.valuesPtr, width, sign, n, dst));
  const { validity, nullCount } = combineValidity([a, b]);
  return new Column(DataTypes.Date, n, values, validity, null, nullCount);
}

/** Spark's `date_add(start, days)`: date32 (int32 arithmetic, wrapping like non-ANSI Spark). */
export function dateAdd(col: Column, days: Column | number): Column {
  return shiftDays(col, days, 1, 'date_add');
}

/** Spark's `date_sub(start, days)`: date32. */
export function dateSub(col: Column, days: Column | number): Column {
  return shiftDays(col, days, -1, 'date_sub');
}

/** Spark's `datediff(end, start)`: end - start in days, int32 (timestamps are truncated to days first). */
export function datediff(end: Column, start: Column): Column {
  if (end.length !== start.length) {
    throw new InvalidArgumentError(`datediff: end has ${end.length} rows, start has ${start.length}`);
  }
  const e = asDate(end, 'datediff');
  try {
    const s = asDate(start, 'datediff');
    try {
      const r = binaryDays(e, s, 4, -1);
      return new Column(DataTypes.Integer, r.length, r.values, r.validity, null, r.nullCount);
    } finally {
      s.release();
    }
  } finally {
    e.release();
  }
}

// ---------------------------------------------------------------------------------------------
// to_date and the casts
// ---------------------------------------------------------------------------------------------

/** Truncates a timestamp column to its UTC day (Spark's cast(timestamp as date) in UTC). */
function timestampToDate(col: Column): Column {
  return mapValues(col, DataTypes.Date, (dst) => kernels().ts_to_date!(col.valuesPtr, col.length, dst));
}

/** Pattern ops of parse_date_format (assembly/dates.ts): [kind, min digits | byte, max digits]. */
const OP = { literal: 0, year: 1, year2: 2, month: 3, day: 4, hour: 5, minute: 6, second: 7 } as const;

/** A datetime pattern compiled for the parse_date_format kernel. */
export type DateFormatProgram = { readonly pattern: string; readonly ops: Int32Array };

/**
 * Compiles a Spark datetime pattern for `toDate`. Supported: `yyyy` (4..7 digits; exactly as many
 * as letters when a numeric field follows directly), `yy` (2 digits, 2000-based), `y`, `M`/`MM`,
 * `d`/`dd`, `H`/`HH`, `m`/`mm`, `s`/`ss` (one letter: 1..2 digits, two: exactly 2), quoted text
 * `'...'` (`''` is a quote) and any other non-letter character as a literal. Other pattern letters
 * throw InvalidArgumentError naming the pattern.
 */
export function compileDateFormat(pattern: string): DateFormatProgram {
  type Field = { kind: number; letters: number };
  const items: (Field | { byte: number })[] = [];
  const literal = (text: string) => {
    for (const b of new TextEncoder().encode(text)) items.push({ byte: b });
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      // Inside quotes, '' is a quote character.
      for (;;) {
        const q = pattern.indexOf("'", j);
        if (q < 0) throw new InvalidArgumentError(`toDate: pattern '${pattern}' has an unterminated quote`);
        text += pattern.slice(j, q);
        if (pattern[q + 1] === "'") {
          text += "'";
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      literal(text);
      i = j;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const count = j - i;
      const kind =
        c === 'y' ? (count === 2 ? OP.year2 : OP.year)
        : c === 'M' && count <= 2 ? OP.month
        : c === 'd' && count <= 2 ? OP.day
        : c === 'H' && count <= 2 ? OP.hour
        : c === 'm' && count <= 2 ? OP.minute
        : c === 's' && count <= 2 ? OP.second
        : -1;
      if (kind < 0) {
        throw new InvalidArgumentError(
          `toDate: pattern '${pattern}' uses '${c.repeat(count)}', which Kindling does not support; supported: ` +
            `yyyy, yy, y, MM, M, dd, d, HH, H, mm, m, ss, s, quoted text and separators`,
        );
      }
      items.push({ kind, letters: count });
      i = j;
      continue;
    }
    literal(c);
    i++;
  }
  const ops: number[] = [];
  items.forEach((it, idx) => {
    if ('byte' in it) {
      ops.push(OP.literal, it.byte, 0);
      return;
    }
    const next = items[idx + 1];
    const adjacent = next !== undefined && 'kind' in next; // Java's adjacent value parsing: fixed width
    let min: number;
    let max: number;
    if (it.kind === OP.year2) [min, max] = [2, 2];
    else if (it.kind === OP.year) [min, max] = [it.letters, adjacent ? it.letters : Math.max(7, it.letters)];
    else [min, max] = it.letters === 2 ? [2, 2] : [1, adjacent ? 1 : 2];
    ops.push(it.kind, min, max);
  });
  return { pattern, ops: Int32Array.from(ops) };
}

/**
 * Spark's `to_date(col[, format])`: strings are parsed (without a format as Spark's cast:
 * 'yyyy', 'yyyy-[M]M', 'yyyy-[M]M-[d]d', optionally followed by ' ' or 'T' and a time), invalid
 * -> null; timestamps are truncated to their UTC day; dates are returned as they are.
 */
export function toDate(col: Column, format?: string): Column {
  if (col.type.kind === 'utf8' && format !== undefined) {
    const program = compileDateFormat(format);
    return withCopyInWasm(program.ops, (ops) =>
      nullableColumn(DataTypes.Date, col.length, (dst, dstValid) =>
        kernels().parse_date_format!(col.offsetsPtr, col.valuesPtr, col.validityPtr, col.length, ops, program.ops.length / 3, dst, dstValid),
      ),
    );
  }
  return asDate(col, 'to_date');
}

/** Cast string -> date (Spark's non-ANSI cast): utf8 in, date32 out, invalid -> null. */
export function parseDateColumn(col: Column): Column {
  if (col.type.kind !== 'utf8') throw new InvalidArgumentError(`cast to date: expected a string column, got ${typeToString(col.type)}`);
  return nullableColumn(DataTypes.Date, col.length, (dst, dstValid) =>
    kernels().parse_date!(col.offsetsPtr, col.valuesPtr, col.validityPtr, col.length, dst, dstValid),
  );
}

/** Cast date -> string: date32 in, utf8 'yyyy-MM-dd' out (years above 9999 get a '+', below 0 a '-'). */
export function formatDateColumn(col: Column): Column {
  if (col.type.kind !== 'date32') throw new InvalidArgumentError(`cast date to string: expected a date column, got ${typeToString(col.type)}`);
  return formatted(col, (dstOff, dstVal) => kernels().format_date!(col.valuesPtr, col.validityPtr, col.length, dstOff, dstVal));
}

/**
 * Cast string -> timestamp (Spark's non-ANSI cast, session time zone UTC): utf8 in, timestamp out.
 * Accepts Spark's forms '[+-]yyyy[-[M]M[-[d]d]]' optionally followed by ' ' or 'T' and
 * '[H]H[:[m]m[:[s]s[.fraction]]]' and a zone ('Z', '+hh:mm', 'UTC+h', ...; fixed offsets only),
 * and time-only input (today's UTC date). Invalid -> null; digits beyond microseconds are dropped.
 */
export function parseTimestampColumn(col: Column): Column {
  if (col.type.kind !== 'utf8') throw new InvalidArgumentError(`cast to timestamp: expected a string column, got ${typeToString(col.type)}`);
  const today = Math.floor(Date.now() / MS_PER_DAY);
  return nullableColumn(DataTypes.Timestamp, col.length, (dst, dstValid) =>
    kernels().parse_timestamp!(col.offsetsPtr, col.valuesPtr, col.validityPtr, col.length, today, dst, dstValid),
  );
}

/** Cast timestamp -> string: 'yyyy-MM-dd HH:mm:ss[.ffffff]' in UTC, fraction without trailing zeros (as Spark). */
export function formatTimestampColumn(col: Column): Column {
  if (col.type.kind !== 'timestamp') {
    throw new InvalidArgumentError(`cast timestamp to string: expected a timestamp column, got ${typeToString(col.type)}`);
  }
  return formatted(col, (dstOff, dstVal) => kernels().format_timestamp!(col.valuesPtr, col.validityPtr, col.length, dstOff, dstVal));
}

// ---------------------------------------------------------------------------------------------
// weekofyear, add_months, last_day, trunc, date_trunc, make_date, months_between, next_day
// ---------------------------------------------------------------------------------------------

/** Spark's `weekofyear(date)`: the ISO 8601 week number, 1..53. */
export function weekofyear(col: Column): Column {
  return dateField(col, 'weekofyear');
}

/** ISO day of week (EXTRACT(DAYOFWEEK_ISO ...)): 1 = Monday .. 7 = Sunday. */
export function dayofweekIso(col: Column): Column {
  return dateField(col, 'dayofweek_iso');
}

/** ISO week-numbering year (EXTRACT(YEAROFWEEK ...)). */
export function yearofweek(col: Column): Column {
  return dateField(col, 'yearofweek');
}

/** Spark's `add_months(date, months)`: the day of month is clamped to the target month's length. */
export function addMonths(col: Column, months: Column): Column {
  if (months.type.kind !== 'int32') throw new InvalidArgumentError(`add_months: the months must be an int column, got ${typeToString(months.type)}`);
  const d = asDate(col, 'add_months');
  try {
    const n = d.length;
    const values = filledBuffer(Math.max(1, n) * 4, (dst) => kernels().add_months!(d.valuesPtr, months.valuesPtr, n, dst));
    const { validity, nullCount } = combineValidity([d, months]);
    return new Column(DataTypes.Date, n, values, validity, null, nullCount);
  } finally {
    d.release();
  }
}

/** Spark's `last_day(date)`: the last day of the date's month. */
export function lastDay(col: Column): Column {
  const d = asDate(col, 'last_day');
  try {
    return mapValues(d, DataTypes.Date, (dst) => kernels().last_day!(d.valuesPtr, d.length, dst));
  } finally {
    d.release();
  }
}

/** Truncation levels of the trunc_date / trunc_ts kernels. */
const TRUNC_LEVEL = { year: 0, quarter: 1, month: 2, week: 3, day: 4, hour: 5, minute: 6, second: 7, millisecond: 8, microsecond: 9 } as const;

/** Spark's format names of `trunc(date, fmt)` (date levels only). */
const TRUNC_DATE_FORMATS: Record<string, number> = {
  year: TRUNC_LEVEL.year, yyyy: TRUNC_LEVEL.year, yy: TRUNC_LEVEL.year,
  quarter: TRUNC_LEVEL.quarter,
  month: TRUNC_LEVEL.month, mm: TRUNC_LEVEL.month, mon: TRUNC_LEVEL.month,
  week: TRUNC_LEVEL.week,
};

/** Spark's format names of `date_trunc(fmt, ts)`. */
const TRUNC_TS_FORMATS: Record<string, number> = {
  ...TRUNC_DATE_FORMATS,
  day: TRUNC_LEVEL.day, dd: TRUNC_LEVEL.day,
  hour: TRUNC_LEVEL.hour, minute: TRUNC_LEVEL.minute, second: TRUNC_LEVEL.second,
  millisecond: TRUNC_LEVEL.millisecond, microsecond: TRUNC_LEVEL.microsecond,
};

/** Spark's `trunc(date, fmt)`: YEAR/YYYY/YY, QUARTER, MONTH/MM/MON, WEEK (Monday); another format gives null. */
export function truncDate(col: Column, format: string | null): Column {
  const level = format === null ? undefined : TRUNC_DATE_FORMATS[format.toLowerCase()];
  const mem = runtime().memory;
  if (level === undefined) return nullColumn(mem, DataTypes.Date, col.length);
  const d = asDate(col, 'trunc');
  try {
    return mapValues(d, DataTypes.Date, (dst) => kernels().trunc_date!(d.valuesPtr, d.length, level, dst));
  } finally {
    d.release();
  }
}

/** Spark's `date_trunc(fmt, ts)` in UTC: a timestamp; an unknown format gives null. `col` must be a timestamp. */
export function truncTimestamp(col: Column, format: string | null): Column {
  const level = format === null ? undefined : TRUNC_TS_FORMATS[format.toLowerCase()];
  const mem = runtime().memory;
  if (level === undefined || col.type.kind === 'null') return nullColumn(mem, DataTypes.Timestamp, col.length);
  if (col.type.kind !== 'timestamp') throw new InvalidArgumentError(`date_trunc: expected a timestamp column, got ${typeToString(col.type)}`);
  return mapValues(col, DataTypes.Timestamp, (dst) => kernels().trunc_ts!(col.valuesPtr, col.length, level, dst));
}

/** Spark's `make_date(year, month, day)` (int columns); an invalid date gives null (non-ANSI). */
export function makeDate(y: Column, m: Column, d: Column): Column {
  for (const c of [y, m, d]) {
    if (c.type.kind !== 'int32') throw new InvalidArgumentError(`make_date: expected int columns, got ${typeToString(c.type)}`);
  }
  const n = y.length;
  const v = combineValidity([y, m, d]);
  try {
    return nullableColumn(DataTypes.Date, n, (dst, dstValid) =>
      kernels().make_date!(y.valuesPtr, m.valuesPtr, d.valuesPtr, v.validity?.ptr ?? 0, n, dst, dstValid),
    );
  } finally {
    v.validity?.release();
  }
}

/** Spark's `months_between(t1, t2[, roundOff])` on timestamps (UTC): a double, rounded to 8 digits when roundOff. */
export function monthsBetween(a: Column, b: Column, roundOff = true): Column {
  for (const c of [a, b]) {
    if (c.type.kind !== 'timestamp') throw new InvalidArgumentError(`months_between: expected timestamp columns, got ${typeToString(c.type)}`);
  }
  const n = a.length;
  const values = filledBuffer(Math.max(1, n) * 8, (dst) => kernels().months_between!(a.valuesPtr, b.valuesPtr, n, roundOff ? 1 : 0, dst));
  const { validity, nullCount } = combineValidity([a, b]);
  return new Column(DataTypes.Double, n, values, validity, null, nullCount);
}

/** Day-of-week names of next_day, counted from Thursday as Spark's DateTimeUtils.getDayOfWeekFromString does. */
const DAY_OF_WEEK: Record<string, number> = {
  su: 3, sun: 3, sunday: 3, mo: 4, mon: 4, monday: 4, tu: 5, tue: 5, tuesday: 5, we: 6, wed: 6, wednesday: 6,
  th: 0, thu: 0, thursday: 0, fr: 1, fri: 1, friday: 1, sa: 2, sat: 2, saturday: 2,
};

/** Spark's `next_day(date, dayOfWeek)`: the first later date on that weekday; an unknown name gives null (non-ANSI). */
export function nextDay(col: Column, dayOfWeek: string | null): Column {
  const dow = dayOfWeek === null ? undefined : DAY_OF_WEEK[dayOfWeek.trim().toLowerCase()];
  if (dow === undefined) return nullColumn(runtime().memory, DataTypes.Date, col.length);
  const d = asDate(col, 'next_day');
  try {
    return mapValues(d, DataTypes.Date, (dst) => kernels().next_day!(d.valuesPtr, d.length, dow, dst));
  } finally {
    d.release();
  }
}

/** EXTRACT(SECOND FROM ts) (Spark): seconds with the microsecond fraction, decimal(8,6); a date gives 0. */
export function extractSecond(col: Column): Column {
  const type = DataTypes.decimal(8, 6);
  if (col.type.kind === 'null') return nullColumn(runtime().memory, type, col.length);
  if (col.type.kind === 'date32') return mapValues(col, type, (dst) => runtime().memory.u8(dst, col.length * 8).fill(0));
  if (col.type.kind !== 'timestamp') throw new InvalidArgumentError(`extract(SECOND ...): expected a date or timestamp column, got ${typeToString(col.type)}`);
  return mapValues(col, type, (dst) => kernels().ts_second_micros!(col.valuesPtr, col.length, dst));
}
