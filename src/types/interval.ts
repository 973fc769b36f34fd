/**
 * Spark's ANSI interval types (Spark 3.2+): YearMonthIntervalType and DayTimeIntervalType, with
 * their start and end fields (`interval year to month`, `interval day`, `interval hour to second`).
 *
 * Physical layout: `interval_ym` is int32 months, `interval_dt` int64 microseconds (as Spark's
 * internal rows). JavaScript values (what `collect()` returns): a year-month interval is a `number`
 * of months, a day-time interval a `bigint` of microseconds; Arrow: Interval(YEAR_MONTH) and
 * Duration(MICROSECOND).
 *
 * Text: Spark prints intervals in two styles (IntervalUtils.toYearMonthIntervalString /
 * toDayTimeIntervalString): ANSI (casts to string, show()): `INTERVAL '1-2' YEAR TO MONTH`,
 * `INTERVAL '12 20:04:00' DAY TO SECOND`; HIVE (HiveResult, the golden files): `1-2`,
 * `12 20:04:00.000000000`.
 */
import { AnalysisError } from '../errors.js';
import type { DataType, DayTimeField, YearMonthField } from './data-type.js';

/** A year-month interval type. */
export type YearMonthIntervalType = Extract<DataType, { kind: 'interval_ym' }>;
/** A day-time interval type. */
export type DayTimeIntervalType = Extract<DataType, { kind: 'interval_dt' }>;
/** Either interval type. */
export type IntervalType = YearMonthIntervalType | DayTimeIntervalType;

/** Field order of year-month intervals. */
export const YM_FIELDS: readonly YearMonthField[] = ['year', 'month'];
/** Field order of day-time intervals. */
export const DT_FIELDS: readonly DayTimeField[] = ['day', 'hour', 'minute', 'second'];

/** Microseconds per day-time field. */
export const MICROS_PER: Readonly<Record<DayTimeField, bigint>> = {
  day: 86_400_000_000n,
  hour: 3_600_000_000n,
  minute: 60_000_000n,
  second: 1_000_000n,
};

/** `interval <start> to <end>` of year-month fields (Spark's YearMonthIntervalType(start, end)). */
export function yearMonthIntervalType(startField: YearMonthField = 'year', endField: YearMonthField = 'month'): YearMonthIntervalType {
  return { kind: 'interval_ym', startField, endField };
}

/** `interval <start> to <end>` of day-time fields (Spark's DayTimeIntervalType(start, end)). */
export function dayTimeIntervalType(startField: DayTimeField = 'day', endField: DayTimeField = 'second'): DayTimeIntervalType {
  return { kind: 'interval_dt', startField, endField };
}

/** True for both interval types. */
export function isIntervalType(t: DataType): t is IntervalType {
  return t.kind === 'interval_ym' || t.kind === 'interval_dt';
}

/** The integral type with an interval's physical layout: int32 (months) or int64 (microseconds). */
export function intervalPhysicalType(t: IntervalType): DataType {
  return t.kind === 'interval_ym' ? { kind: 'int32' } : { kind: 'int64' };
}

/**
 * The common type of two interval types of the same class: the widest fields of both (Spark's
 * findWiderTypeForTwo on YearMonthIntervalType / DayTimeIntervalType); undefined otherwise.
 */
export function intervalCommonType(a: DataType, b: DataType): IntervalType | undefined {
  if (a.kind === 'interval_ym' && b.kind === 'interval_ym') {
    const s = Math.min(YM_FIELDS.indexOf(a.startField), YM_FIELDS.indexOf(b.startField));
    const e = Math.max(YM_FIELDS.indexOf(a.endField), YM_FIELDS.indexOf(b.endField));
    return yearMonthIntervalType(YM_FIELDS[s], YM_FIELDS[e]);
  }
  if (a.kind === 'interval_dt' && b.kind === 'interval_dt') {
    const s = Math.min(DT_FIELDS.indexOf(a.startField), DT_FIELDS.indexOf(b.startField));
    const e = Math.max(DT_FIELDS.indexOf(a.endField), DT_FIELDS.indexOf(b.endField));
    return dayTimeIntervalType(DT_FIELDS[s], DT_FIELDS[e]);
  }
  return undefined;
}

/** Unit of an interval literal part (the SQL AST's IntervalUnit). */
type LiteralUnit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

const UNIT_MICROS: Partial<Record<LiteralUnit, number>> = {
  week: 7 * 86_400_000_000, day: 86_400_000_000, hour: 3_600_000_000, minute: 60_000_000, second: 1_000_000, millisecond: 1000, microsecond: 1,
};

/**
 * The typed value of an interval literal from its parts (`INTERVAL '1-2' YEAR TO MONTH` is
 * [{1, year}, {2, month}], `INTERVAL 3 DAYS` [{3, day}]): YEAR/MONTH parts give a year-month
 * interval, WEEK..MICROSECOND parts a day-time one, typed by the first and last field used (week
 * counts as DAY, milli/microseconds as SECOND), as Spark's AstBuilder types unit-list literals.
 * Mixing both classes is Spark's legacy CalendarIntervalType, which Kindling does not have.
 */
export function intervalLiteralValue(parts: readonly { readonly value: number; readonly unit: LiteralUnit }[], where: string): { value: number | bigint; type: IntervalType } {
  const ym = parts.filter((p) => p.unit === 'year' || p.unit === 'month');
  if (ym.length === parts.length) {
    let months = 0;
    for (const p of parts) months += p.unit === 'year' ? 12 * p.value : p.value;
    if (!Number.isInteger(months)) throw new AnalysisError(`a YEAR/MONTH interval must be a whole number of months (${where})`);
    if (months > 2147483647 || months < -2147483648) throw new AnalysisError(`the interval ${months} months is out of range (${where})`);
    const idx = parts.map((p) => YM_FIELDS.indexOf(p.unit as YearMonthField));
    return { value: months + 0, type: yearMonthIntervalType(YM_FIELDS[Math.min(...idx)], YM_FIELDS[Math.max(...idx)]) };
  }
  if (ym.length > 0) {
    throw new AnalysisError(`an interval that mixes YEAR/MONTH with DAY/TIME fields (Spark's legacy CalendarIntervalType) is not supported (${where})`);
  }
  let micros = 0n;
  for (const p of parts) {
    const m = p.value * UNIT_MICROS[p.unit]!;
    micros += Number.isInteger(p.value) ? BigInt(p.value) * BigInt(UNIT_MICROS[p.unit]!) : BigInt(Math.round(m));
  }
  const field = (u: LiteralUnit): number => (u === 'week' ? 0 : u === 'millisecond' || u === 'microsecond' ? 3 : DT_FIELDS.indexOf(u as DayTimeField));
  const idx = parts.map((p) => field(p.unit));
  return { value: micros, type: dayTimeIntervalType(DT_FIELDS[Math.min(...idx)], DT_FIELDS[Math.max(...idx)]) };
}

/** Spark's toYearMonthIntervalString: ANSI `INTERVAL '1-2' YEAR TO MONTH` or HIVE `1-2`. */
export function formatYearMonthInterval(months: number, type: YearMonthIntervalType, style: 'ansi' | 'hive'): string {
  const sign = months < 0 ? '-' : '';
  const abs = Math.abs(months);
  const year = `${sign}${Math.floor(abs / 12)}`;
  const yearAndMonth = `${year}-${abs % 12}`;
  if (style === 'hive') return yearAndMonth;
  const { startField: s, endField: e } = type;
  if (s === e) return `INTERVAL '${s === 'year' ? year : String(months)}' ${s.toUpperCase()}`;
  return `INTERVAL '${yearAndMonth}' ${s.toUpperCase()} TO ${e.toUpperCase()}`;
}

const pad2 = (v: bigint): string => v.toString().padStart(2, '0');

/** Seconds with up to 6 fractional digits, trailing zeros stripped (BigDecimal.valueOf(us, 6).stripTrailingZeros). */
function secondsText(us: bigint): string {
  const whole = us / 1_000_000n;
  const frac = (us % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${us < 10_000_000n ? '0' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Spark's toDayTimeIntervalString: ANSI `INTERVAL '12 20:04:00' DAY TO SECOND` or HIVE `12 20:04:00.000000000`. */
export function formatDayTimeInterval(micros: bigint, type: DayTimeIntervalType, style: 'ansi' | 'hive'): string {
  const sign = micros < 0n ? '-' : '';
  let rest = micros < 0n ? -micros : micros;
  if (style === 'hive') {
    const secs = rest % 60_000_000n;
    rest /= 60_000_000n;
    const minutes = rest % 60n;
    rest /= 60n;
    const hours = rest % 24n;
    const days = rest / 24n;
    const nanos = ((secs % 1_000_000n) * 1000n).toString().padStart(9, '0');
    return `${sign}${days} ${pad2(hours)}:${pad2(minutes)}:${pad2(secs / 1_000_000n)}.${nanos}`;
  }
  const s = DT_FIELDS.indexOf(type.startField);
  const e = DT_FIELDS.indexOf(type.endField);
  let body = sign;
  switch (type.startField) {
    case 'day':
      body += (rest / MICROS_PER.day).toString();
      rest %= MICROS_PER.day;
      break;
    case 'hour':
      body += pad2(rest / MICROS_PER.hour);
      rest %= MICROS_PER.hour;
      break;
    case 'minute':
      body += pad2(rest / MICROS_PER.minute);
      rest %= MICROS_PER.minute;
      break;
    case 'second':
      body += secondsText(rest);
      break;
  }
  if (s < 1 && e >= 1) {
    body += ` ${pad2(rest / MICROS_PER.hour)}`;
    rest %= MICROS_PER.hour;
  }
  if (s < 2 && e >= 2) {
    body += `:${pad2(rest / MICROS_PER.minute)}`;
    rest %= MICROS_PER.minute;
  }
  if (s < 3 && e >= 3) body += `:${secondsText(rest)}`;
  const name = s === e ? type.startField.toUpperCase() : `${type.startField.toUpperCase()} TO ${type.endField.toUpperCase()}`;
  return `INTERVAL '${body}' ${name}`;
}

/** An interval value (number of months or bigint microseconds) as Spark's ANSI or HIVE text. */
export function formatInterval(value: number | bigint, type: IntervalType, style: 'ansi' | 'hive'): string {
  return type.kind === 'interval_ym' ? formatYearMonthInterval(Number(value), type, style) : formatDayTimeInterval(BigInt(value), type, style);
}

/**
 * Truncates a value to the end field of `to` when casting between interval types of one class
 * (Spark's Cast of YearMonthIntervalType / DayTimeIntervalType: coarser end fields drop the rest).
 */
export function truncateInterval(value: number | bigint, to: IntervalType): number | bigint {
  if (to.kind === 'interval_ym') {
    const m = Number(value);
    return to.endField === 'year' ? m - (m % 12) + 0 : m;
  }
  const us = BigInt(value);
  const unit = MICROS_PER[to.endField];
  return unit === 1_000_000n && to.endField === 'second' ? us : us - (us % unit);
}

/**
 * Spark's result type of `a op b` when an operand is an interval (ResolveBinaryArithmetic, the
 * cases Kindling implements): interval +/- interval of one class -> their common interval type;
 * timestamp +/- day-time interval (and interval + timestamp) -> timestamp; date +/- year-month
 * interval (and interval + date) -> date (add_months per row). A NULL operand takes the other
 * side's type. Undefined when no operand is an interval; throws for the unsupported combinations.
 */
export function intervalArithmeticType(op: string, a: DataType, b: DataType): DataType | undefined {
  if (!isIntervalType(a) && !isIntervalType(b)) return undefined;
  const fail = (): never => {
    throw new AnalysisError(
      `type mismatch: '${op}' is not supported for ${a.kind === 'null' ? 'void' : kindText(a)} and ${b.kind === 'null' ? 'void' : kindText(b)} ` +
        `(intervals support interval +/- interval of the same kind, timestamp +/- day-time interval, date +/- year-month interval, and unary minus)`,
    );
  };
  if (op !== '+' && op !== '-') return fail();
  const l = a.kind === 'null' ? b : a;
  const r = b.kind === 'null' ? a : b;
  const common = intervalCommonType(l, r);
  if (common) return common;
  if (l.kind === 'timestamp' && r.kind === 'interval_dt') return l;
  if (l.kind === 'date32' && r.kind === 'interval_ym') return l;
  if (op === '+' && l.kind === 'interval_dt' && r.kind === 'timestamp') return r;
  if (op === '+' && l.kind === 'interval_ym' && r.kind === 'date32') return r;
  return fail();
}

function kindText(t: DataType): string {
  if (isIntervalType(t)) return t.startField === t.endField ? `interval ${t.startField}` : `interval ${t.startField} to ${t.endField}`;
  return t.kind;
}

/** True when `t` is an interval type or a nested type with an interval inside. */
export function containsIntervalType(t: DataType): boolean {
  switch (t.kind) {
    case 'interval_ym':
    case 'interval_dt':
      return true;
    case 'array':
      return containsIntervalType(t.element);
    case 'map':
      return containsIntervalType(t.key) || containsIntervalType(t.value);
    case 'struct':
      return t.fields.some((f) => containsIntervalType(f.type));
    default:
      return false;
  }
}
