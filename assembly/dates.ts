// Date and time kernels, Apache Spark semantics in UTC. date32 = int32 days since 1970-01-01,
// timestamp = int64 microseconds since 1970-01-01T00:00:00Z, proleptic Gregorian calendar.
// Pure functions over pointers and lengths.
//
// Calendar arithmetic follows Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"
// (http://howardhinnant.github.io/date_algorithms.html): civil_from_days and days_from_civil.

import { andValidity } from './lib/validity';

@inline const MICROS_PER_SECOND: i64 = 1_000_000;
@inline const MICROS_PER_DAY: i64 = 86_400_000_000;
@inline const SECONDS_PER_DAY: i64 = 86_400;

/** Field codes shared with src/kernels/dates.ts. */
@inline const F_YEAR: i32 = 0;
@inline const F_MONTH: i32 = 1;
@inline const F_DAY: i32 = 2;
@inline const F_DAYOFWEEK: i32 = 3;
@inline const F_QUARTER: i32 = 4;
@inline const F_DAYOFYEAR: i32 = 5;
@inline const F_HOUR: i32 = 6;
@inline const F_MINUTE: i32 = 7;
@inline const F_SECOND: i32 = 8;
@inline const F_WEEK: i32 = 9; // ISO 8601 week of year (weekofyear)
@inline const F_DOW_ISO: i32 = 10; // 1 = Monday .. 7 = Sunday
@inline const F_YEAROFWEEK: i32 = 11; // ISO 8601 week-numbering year

// ---------------------------------------------------------------------------------------------
// Calendar (Hinnant)
// ---------------------------------------------------------------------------------------------

// Results of civilFromDays (module globals: kernels allocate nothing).
let cYear: i64 = 0;
let cMonth: i32 = 0;
let cDay: i32 = 0;

/** Hinnant's civil_from_days: days since 1970-01-01 -> (cYear, cMonth, cDay). */
@inline function civilFromDays(days: i64): void {
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = <i32>(z - era * 146097); // [0, 146096]
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
  const mp = (5 * doy + 2) / 153; // [0, 11]
  cDay = doy - (153 * mp + 2) / 5 + 1;
  cMonth = mp < 10 ? mp + 3 : mp - 9;
  cYear = <i64>yoe + era * 400 + (cMonth <= 2 ? 1 : 0);
}

/** Hinnant's days_from_civil: (y, m, d) -> days since 1970-01-01 (m in 1..12, d in 1..31). */
@inline function daysFromCivil(y: i64, m: i32, d: i32): i64 {
  y -= m <= 2 ? 1 : 0;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = <i32>(y - era * 400); // [0, 399]
  const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; // [0, 365]
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
  return era * 146097 + <i64>doe - 719468;
}

@inline function isLeap(y: i64): bool {
  return (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
}

@inline function daysInMonth(y: i64, m: i32): i32 {
  if (m == 2) return isLeap(y) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

@inline function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

@inline function floorMod(a: i64, b: i64): i64 {
  return a - floorDiv(a, b) * b;
}

/** A calendar field of a day number. */
@inline function dayField(days: i64, field: i32): i32 {
  if (field == F_DAYOFWEEK) return <i32>floorMod(days + 4, 7) + 1; // 1970-01-01 was a Thursday; 1 = Sunday
  if (field == F_DOW_ISO) return <i32>floorMod(days + 3, 7) + 1;
  if (field == F_WEEK || field == F_YEAROFWEEK) {
    // ISO weeks: the week (Monday..Sunday) belongs to the year of its Thursday.
    const thursday = days - floorMod(days + 3, 7) + 3;
    civilFromDays(thursday);
    if (field == F_YEAROFWEEK) return <i32>cYear;
    return <i32>((thursday - daysFromCivil(cYear, 1, 1)) / 7) + 1;
  }
  civilFromDays(days);
  if (field == F_YEAR) return <i32>cYear;
  if (field == F_MONTH) return cMonth;
  if (field == F_DAY) return cDay;
  if (field == F_QUARTER) return (cMonth - 1) / 3 + 1;
  return <i32>(days - daysFromCivil(cYear, 1, 1)) + 1; // F_DAYOFYEAR
}

// ---------------------------------------------------------------------------------------------
// Field extraction and arithmetic
// ---------------------------------------------------------------------------------------------

/** dst[i] (int32) = field of date32 src[i]; field codes 0 year .. 5 dayofyear. */
export function date_field(src: usize, n: i32, field: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    store<i32>(dst + (<usize>i << 2), dayField(<i64>load<i32>(src + (<usize>i << 2)), field));
  }
}

/** dst[i] (int32) = field of timestamp src[i] (UTC); field codes 0 year .. 8 second. */
export function ts_field(src: usize, n: i32, field: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const us = load<i64>(src + (<usize>i << 3));
    let r: i32;
    if (field >= F_HOUR && field <= F_SECOND) {
      const secOfDay = floorMod(us, MICROS_PER_DAY) / MICROS_PER_SECOND;
      r = field == F_HOUR ? <i32>(secOfDay / 3600) : field == F_MINUTE ? <i32>(secOfDay / 60 % 60) : <i32>(secOfDay % 60);
    } else r = dayField(floorDiv(us, MICROS_PER_DAY), field);
    store<i32>(dst + (<usize>i << 2), r);
  }
}

/** dst[i] (date32) = the UTC day of timestamp src[i] (floor). */
export function ts_to_date(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    store<i32>(dst + (<usize>i << 2), <i32>floorDiv(load<i64>(src + (<usize>i << 3)), MICROS_PER_DAY));
  }
}

/** dst[i] = a[i] + d (int32, wrapping like Spark's non-ANSI date_add). SIMD. */
export function add_days_scalar(a: usize, n: i32, d: i32, dst: usize): void {
  const dv = i32x4.splat(d);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.add(v128.load(a + (<usize>i << 2)), dv));
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), load<i32>(a + (<usize>i << 2)) + d);
}

/**
 * dst[i] = a[i] + sign * b[i], where b holds `width`-byte signed integers (1, 2 or 4). Used by
 * date_add / date_sub with a column of days and by datediff (sign -1, width 4). SIMD for width 4.
 */
export function add_days(a: usize, b: usize, width: i32, sign: i32, n: i32, dst: usize): void {
  let i = 0;
  if (width == 4) {
    if (sign >= 0) {
      for (; i + 4 <= n; i += 4) {
        v128.store(dst + (<usize>i << 2), i32x4.add(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
      }
    } else {
      for (; i + 4 <= n; i += 4) {
        v128.store(dst + (<usize>i << 2), i32x4.sub(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
      }
    }
  }
  for (; i < n; i++) {
    const d = width == 1 ? <i32>load<i8>(b + <usize>i) : width == 2 ? <i32>load<i16>(b + (<usize>i << 1)) : load<i32>(b + (<usize>i << 2));
    store<i32>(dst + (<usize>i << 2), load<i32>(a + (<usize>i << 2)) + (sign >= 0 ? d : -d));
  }
}

/** dst[i] = a[i] & b[i] for validity bytes; returns the number of zero (null) results. SIMD. */
export function and_validity(a: usize, b: usize, n: i32, dst: usize): i32 {
  return andValidity(a, b, n, dst);
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Spark's UTF8String.isWhitespaceOrISOControl on a single byte: 0x00..0x20 and 0x7F. */
@inline function isTrimmable(b: u32): bool {
  return b <= 0x20 || b == 0x7f;
}

@inline function isDigit(b: u32): bool {
  return b - 0x30 < 10;
}

/** Days of a valid (y, m, d), or i64.MIN_VALUE when the date does not exist or leaves int32 days. */
@inline function checkedDays(y: i64, m: i32, d: i32): i64 {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return i64.MIN_VALUE;
  const days = daysFromCivil(y, m, d);
  if (days < <i64>i32.MIN_VALUE || days > <i64>i32.MAX_VALUE) return i64.MIN_VALUE;
  return days;
}

/** Spark's segment digit rule of stringToDate: year 4..7 digits, month and day 1..2 digits. */
@inline function validDateDigits(segment: i32, digits: i32): bool {
  return segment == 0 ? digits >= 4 && digits <= 7 : digits > 0 && digits <= 2;
}

/**
 * Spark's DateTimeUtils.stringToDate on [p, end): trims whitespace/ISO control bytes, accepts
 * `[+-]yyyy*`, `[+-]yyyy*-[m]m`, `[+-]yyyy*-[m]m-[d]d`, and that followed by ' ' or 'T' and
 * anything. Returns days or i64.MIN_VALUE when invalid.
 */
function parseDate(p: usize, end: usize): i64 {
  while (p < end && isTrimmable(load<u8>(p))) p++;
  while (end > p && isTrimmable(load<u8>(end - 1))) end--;
  if (p == end) return i64.MIN_VALUE;
  let sign: i64 = 1;
  const c0 = <u32>load<u8>(p);
  if (c0 == 0x2d || c0 == 0x2b) {
    if (c0 == 0x2d) sign = -1;
    p++;
  }
  let seg = 0;
  let value: i64 = 0;
  let digits = 0;
  let y: i64 = 1;
  let m: i32 = 1;
  let d: i32 = 1;
  while (p < end) {
    const b = <u32>load<u8>(p);
    if (b == 0x20 || b == 0x54) break; // ' ' or 'T' ends the date
    if (seg < 2 && b == 0x2d) {
      if (!validDateDigits(seg, digits)) return i64.MIN_VALUE;
      if (seg == 0) y = value;
      else m = <i32>value;
      value = 0;
      digits = 0;
      seg++;
    } else {
      if (!isDigit(b)) return i64.MIN_VALUE;
      value = value * 10 + <i64>(b - 0x30);
      digits++;
      if (digits > 7) return i64.MIN_VALUE;
    }
    p++;
  }
  if (!validDateDigits(seg, digits)) return i64.MIN_VALUE;
  if (seg < 2 && p < end) return i64.MIN_VALUE; // `yyyy` and `yyyy-[m]m` must consume everything
  if (seg == 0) y = value;
  else if (seg == 1) m = <i32>value;
  else d = <i32>value;
  return checkedDays(sign * y, m, d);
}

/**
 * Casts utf8 to date32 (Spark's non-ANSI cast): dst[i] = days, dstValid[i] = 1, or 0 and
 * dstValid[i] = 0 when the input is null or invalid. Returns the null count.
 */
export function parse_date(offsets: usize, values: usize, validity: usize, n: i32, dst: usize, dstValid: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let days = i64.MIN_VALUE;
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      days = parseDate(values + <usize>load<i32>(offsets + (<usize>i << 2)), values + <usize>load<i32>(offsets + (<usize>(i + 1) << 2)));
    }
    const ok = days != i64.MIN_VALUE;
    store<i32>(dst + (<usize>i << 2), ok ? <i32>days : 0);
    store<u8>(dstValid + <usize>i, ok ? 1 : 0);
    if (!ok) nulls++;
  }
  return nulls;
}

// Zone offset result of parseZone (seconds east of UTC); ZONE_BAD when unsupported.
@inline const ZONE_BAD: i32 = i32.MIN_VALUE;

/** Reads 1..2 digits at [p, end) into a number, or -1. Advances nothing (caller uses the count). */
@inline function twoDigits(p: usize, count: i32): i32 {
  if (count == 1) return isDigit(load<u8>(p)) ? <i32>load<u8>(p) - 0x30 : -1;
  const a = <u32>load<u8>(p);
  const b = <u32>load<u8>(p + 1);
  return isDigit(a) && isDigit(b) ? <i32>((a - 0x30) * 10 + (b - 0x30)) : -1;
}

/**
 * A zone id as Spark's getZoneId/ZoneId.of accepts it, restricted to fixed offsets: `Z`, `UTC`,
 * `GMT`, `UT` (optionally followed by an offset) and offsets `+h`, `+hh`, `+h:m`, `+h:mm`, `+hh:m`,
 * `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss` (or `-`). Region ids return ZONE_BAD.
 */
function parseZone(p: usize, end: usize): i32 {
  while (p < end && isTrimmable(load<u8>(p))) p++;
  while (end > p && isTrimmable(load<u8>(end - 1))) end--;
  const len = <i32>(end - p);
  if (len == 1 && load<u8>(p) == 0x5a) return 0; // Z
  if (len >= 3 && load<u8>(p) == 0x55 && load<u8>(p + 1) == 0x54 && load<u8>(p + 2) == 0x43) p += 3; // UTC
  else if (len >= 3 && load<u8>(p) == 0x47 && load<u8>(p + 1) == 0x4d && load<u8>(p + 2) == 0x54) p += 3; // GMT
  else if (len >= 2 && load<u8>(p) == 0x55 && load<u8>(p + 1) == 0x54) p += 2; // UT
  if (p == end) return 0;
  const sc = <u32>load<u8>(p);
  if (sc != 0x2b && sc != 0x2d) return ZONE_BAD;
  p++;
  const rest = <i32>(end - p);
  let h = -1;
  let mi = 0;
  let se = 0;
  if (rest == 1 || rest == 2) h = twoDigits(p, rest);
  else if (rest == 3 && load<u8>(p + 1) == 0x3a) {
    h = twoDigits(p, 1); // h:m
    mi = twoDigits(p + 2, 1);
  } else if (rest == 4 && load<u8>(p + 1) == 0x3a) {
    h = twoDigits(p, 1); // h:mm
    mi = twoDigits(p + 2, 2);
  } else if (rest == 4 && load<u8>(p + 2) == 0x3a) {
    h = twoDigits(p, 2); // hh:m
    mi = twoDigits(p + 3, 1);
  } else if (rest == 4) {
    h = twoDigits(p, 2); // hhmm
    mi = twoDigits(p + 2, 2);
  } else if (rest == 5 && load<u8>(p + 2) == 0x3a) {
    h = twoDigits(p, 2);
    mi = twoDigits(p + 3, 2);
  } else if (rest == 6) {
    h = twoDigits(p, 2);
    mi = twoDigits(p + 2, 2);
    se = twoDigits(p + 4, 2);
  } else if (rest == 8 && load<u8>(p + 2) == 0x3a && load<u8>(p + 5) == 0x3a) {
    h = twoDigits(p, 2);
    mi = twoDigits(p + 3, 2);
    se = twoDigits(p + 6, 2);
  }
  if (h < 0 || mi < 0 || se < 0 || h > 18 || mi > 59 || se > 59) return ZONE_BAD;
  const total = h * 3600 + mi * 60 + se;
  if (total > 18 * 3600) return ZONE_BAD;
  return sc == 0x2d ? -total : total;
}

// Segment index of parseTimestamp: 0 year, 1 month, 2 day, 3 hour, 4 minute, 5 second, 6 fraction, 7 zone.
@inline function validTsDigits(segment: i32, digits: i32): bool {
  return segment == 6 || (segment == 0 && digits >= 4 && digits <= 6) || (segment == 7 && digits <= 2) ||
    (segment != 0 && segment != 6 && segment != 7 && digits > 0 && digits <= 2);
}

/** The parsed timestamp of parseTimestamp when it succeeds. */
let tsResult: i64 = 0;

/**
 * Spark's DateTimeUtils.parseTimestampString + stringToTimestamp in UTC on [p, end). `today` is
 * the day used by time-only input. Zones: fixed offsets only (see parseZone). Sets tsResult and
 * returns true when valid.
 */
function parseTimestamp(p: usize, end: usize, today: i32): bool {
  const rowStart = p;
  while (p < end && isTrimmable(load<u8>(p))) p++;
  while (end > p && isTrimmable(load<u8>(end - 1))) end--;
  if (p == end) return false;
  // segments: year, month, day, hour, minute, second, micros, zone
  let s0: i64 = 1;
  let s1: i64 = 1;
  let s2: i64 = 1;
  let s3: i64 = 0;
  let s4: i64 = 0;
  let s5: i64 = 0;
  let s6: i64 = 0;
  let seg = 0;
  let value: i64 = 0;
  let digits = 0;
  let digitsMilli = 0;
  let justTime = false;
  let yearSign: i64 = 0; // 0: none
  let zoneStart: usize = 0;
  let hasZone = false;
  const c0 = <u32>load<u8>(p);
  if (c0 == 0x2d || c0 == 0x2b) {
    yearSign = c0 == 0x2d ? -1 : 1;
    p++;
  }
  while (p < end) {
    const b = <u32>load<u8>(p);
    if (!isDigit(b)) {
      let close = false; // the current segment ends here
      if (p == rowStart && b == 0x54) {
        justTime = true;
        seg += 3;
      } else if (seg < 2) {
        if (b == 0x2d) close = true;
        else if (seg == 0 && b == 0x3a && yearSign == 0) {
          justTime = true;
          if (!validTsDigits(3, digits)) return false;
          s3 = value;
          value = 0;
          digits = 0;
          seg = 4;
        } else return false;
      } else if (seg == 2) {
        if (b == 0x20 || b == 0x54) close = true;
        else return false;
      } else if (seg == 3 || seg == 4) {
        if (b == 0x3a) close = true;
        else return false;
      } else if (seg == 5 || seg == 6) {
        if (b == 0x2e && seg == 5) close = true;
        else {
          // the rest of the string is a zone id
          if (!validTsDigits(seg, digits)) return false;
          if (seg == 5) s5 = value;
          else s6 = value;
          value = 0;
          digits = 0;
          seg = 7;
          zoneStart = p;
          hasZone = true;
          break;
        }
      } else return false;
      if (close) {
        if (!validTsDigits(seg, digits)) return false;
        if (seg == 0) s0 = value;
        else if (seg == 1) s1 = value;
        else if (seg == 2) s2 = value;
        else if (seg == 3) s3 = value;
        else if (seg == 4) s4 = value;
        else s5 = value;
        value = 0;
        digits = 0;
        seg++;
      }
    } else {
      if (seg == 6) digitsMilli++;
      if (seg != 6 || digits < 6) value = value * 10 + <i64>(b - 0x30);
      digits++;
      if (digits > 9 && seg != 6) return false; // far beyond every segment's limit; avoids overflow
    }
    p++;
  }
  if (!hasZone) {
    if (!validTsDigits(seg, digits)) return false;
    if (seg == 0) s0 = value;
    else if (seg == 1) s1 = value;
    else if (seg == 2) s2 = value;
    else if (seg == 3) s3 = value;
    else if (seg == 4) s4 = value;
    else if (seg == 5) s5 = value;
    else if (seg == 6) s6 = value;
  }
  while (digitsMilli < 6) {
    s6 *= 10;
    digitsMilli++;
  }
  let zone = 0;
  if (hasZone) {
    zone = parseZone(zoneStart, end);
    if (zone == ZONE_BAD) return false;
  }
  if (yearSign != 0) s0 *= yearSign;
  if (s3 > 23 || s4 > 59 || s5 > 59) return false;
  let days: i64;
  if (justTime) days = <i64>today;
  else {
    const m = <i32>s1;
    const d = <i32>s2;
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(s0, m)) return false;
    days = daysFromCivil(s0, m, d);
  }
  const secs = days * SECONDS_PER_DAY + s3 * 3600 + s4 * 60 + s5 - <i64>zone;
  // Math.multiplyExact / addExact of Spark's instantToMicros: out of range -> invalid.
  if (secs > i64.MAX_VALUE / MICROS_PER_SECOND || secs < i64.MIN_VALUE / MICROS_PER_SECOND) return false;
  const us = secs * MICROS_PER_SECOND;
  if (us > i64.MAX_VALUE - s6) return false;
  tsResult = us + s6;
  return true;
}

/**
 * Casts utf8 to timestamp (Spark's non-ANSI cast, session zone UTC): dst[i] = micros, dstValid[i]
 * = 1, or 0/0 when null or invalid. `today` (days) serves time-only input. Returns the null count.
 */
export function parse_timestamp(offsets: usize, values: usize, validity: usize, n: i32, today: i32, dst: usize, dstValid: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let ok = false;
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      ok = parseTimestamp(values + <usize>load<i32>(offsets + (<usize>i << 2)), values + <usize>load<i32>(offsets + (<usize>(i + 1) << 2)), today);
    }
    store<i64>(dst + (<usize>i << 3), ok ? tsResult : 0);
    store<u8>(dstValid + <usize>i, ok ? 1 : 0);
    if (!ok) nulls++;
  }
  return nulls;
}

// Format-pattern ops (three int32 words each: kind, min digits or byte, max digits), compiled by
// src/kernels/dates.ts.
@inline const OP_LITERAL: i32 = 0;
@inline const OP_YEAR: i32 = 1;
@inline const OP_YEAR2: i32 = 2;
@inline const OP_MONTH: i32 = 3;
@inline const OP_DAY: i32 = 4;
@inline const OP_HOUR: i32 = 5;
@inline const OP_MINUTE: i32 = 6;
@inline const OP_SECOND: i32 = 7;

/** Parses [p, end) with the compiled pattern; days or i64.MIN_VALUE. The whole input must match. */
function parseWithPattern(p: usize, end: usize, ops: usize, nops: i32): i64 {
  let y: i64 = 1970;
  let m: i32 = 1;
  let d: i32 = 1;
  for (let k = 0; k < nops; k++) {
    const at = ops + <usize>k * 12;
    const kind = load<i32>(at);
    const a = load<i32>(at + 4);
    if (kind == OP_LITERAL) {
      if (p >= end || <i32>load<u8>(p) != a) return i64.MIN_VALUE;
      p++;
      continue;
    }
    const maxDigits = load<i32>(at + 8);
    let v: i64 = 0;
    let count = 0;
    while (count < maxDigits && p < end && isDigit(load<u8>(p))) {
      v = v * 10 + <i64>(load<u8>(p) - 0x30);
      p++;
      count++;
    }
    if (count < a) return i64.MIN_VALUE;
    if (kind == OP_YEAR) y = v;
    else if (kind == OP_YEAR2) y = 2000 + v;
    else if (kind == OP_MONTH) m = <i32>v;
    else if (kind == OP_DAY) d = <i32>v;
    else if (kind == OP_HOUR) {
      if (v > 23) return i64.MIN_VALUE;
    } else if (v > 59) return i64.MIN_VALUE; // minute, second
  }
  if (p != end) return i64.MIN_VALUE;
  return checkedDays(y, m, d);
}

/** to_date(str, format): like parse_date with the compiled pattern at `ops`. Returns the null count. */
export function parse_date_format(offsets: usize, values: usize, validity: usize, n: i32, ops: usize, nops: i32, dst: usize, dstValid: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let days = i64.MIN_VALUE;
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      days = parseWithPattern(values + <usize>load<i32>(offsets + (<usize>i << 2)), values + <usize>load<i32>(offsets + (<usize>(i + 1) << 2)), ops, nops);
    }
    const ok = days != i64.MIN_VALUE;
    store<i32>(dst + (<usize>i << 2), ok ? <i32>days : 0);
    store<u8>(dstValid + <usize>i, ok ? 1 : 0);
    if (!ok) nulls++;
  }
  return nulls;
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

@inline function put2(p: usize, v: i32): void {
  store<u8>(p, <u8>(0x30 + v / 10));
  store<u8>(p + 1, <u8>(0x30 + v % 10));
}

/** Writes 'yyyy-MM-dd' of `days` at p (year: 4 digits zero-padded, '+' above 9999, '-' below 0); returns bytes. */
function writeDate(p: usize, days: i64): i32 {
  civilFromDays(days);
  const start = p;
  let y = cYear;
  if (y > 9999) {
    store<u8>(p++, 0x2b);
  } else if (y < 0) {
    store<u8>(p++, 0x2d);
    y = -y;
  }
  let digits = 4;
  let t = y / 10000;
  while (t > 0) {
    digits++;
    t /= 10;
  }
  for (let k = digits - 1; k >= 0; k--) {
    store<u8>(p + <usize>k, <u8>(0x30 + <i32>(y % 10)));
    y /= 10;
  }
  p += <usize>digits;
  store<u8>(p, 0x2d);
  put2(p + 1, cMonth);
  store<u8>(p + 3, 0x2d);
  put2(p + 4, cDay);
  return <i32>(p + 6 - start);
}

/** Bytes reserved per row by format_date / format_timestamp (the TS side allocates n * this). */
@inline const MAX_FORMATTED: i32 = 32;

/** date32 -> utf8 'yyyy-MM-dd' (Spark's cast); null rows get ''. Returns bytes written. */
export function format_date(src: usize, validity: usize, n: i32, dstOff: usize, dstVal: usize): i32 {
  let out = 0;
  store<i32>(dstOff, 0);
  for (let i = 0; i < n; i++) {
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      out += writeDate(dstVal + <usize>out, <i64>load<i32>(src + (<usize>i << 2)));
    }
    store<i32>(dstOff + (<usize>(i + 1) << 2), out);
  }
  return out;
}

/**
 * timestamp -> utf8 'yyyy-MM-dd HH:mm:ss[.ffffff]' (Spark's cast in UTC: the fraction is printed
 * without trailing zeros and omitted when zero); null rows get ''. Returns bytes written.
 */
export function format_timestamp(src: usize, validity: usize, n: i32, dstOff: usize, dstVal: usize): i32 {
  let out = 0;
  store<i32>(dstOff, 0);
  for (let i = 0; i < n; i++) {
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      const us = load<i64>(src + (<usize>i << 3));
      const days = floorDiv(us, MICROS_PER_DAY);
      const inDay = us - days * MICROS_PER_DAY;
      let p = dstVal + <usize>out;
      p += <usize>writeDate(p, days);
      const secOfDay = <i32>(inDay / MICROS_PER_SECOND);
      let frac = <i32>(inDay % MICROS_PER_SECOND);
      store<u8>(p, 0x20);
      put2(p + 1, secOfDay / 3600);
      store<u8>(p + 3, 0x3a);
      put2(p + 4, secOfDay / 60 % 60);
      store<u8>(p + 6, 0x3a);
      put2(p + 7, secOfDay % 60);
      p += 9;
      if (frac != 0) {
        store<u8>(p++, 0x2e);
        let width = 6;
        while (frac % 10 == 0) {
          frac /= 10;
          width--;
        }
        for (let k = width - 1; k >= 0; k--) {
          store<u8>(p + <usize>k, <u8>(0x30 + frac % 10));
          frac /= 10;
        }
        p += <usize>width;
      }
      out = <i32>(p - dstVal);
    }
    store<i32>(dstOff + (<usize>(i + 1) << 2), out);
  }
  return out;
}

/** Bytes per row that format_date / format_timestamp may write. */
export function max_formatted_bytes(): i32 {
  return MAX_FORMATTED;
}

// ---------------------------------------------------------------------------------------------
// add_months, last_day, trunc, date_trunc, make_date, months_between, next_day (functions helper)
// ---------------------------------------------------------------------------------------------

/** The day `months` months after `days` with the day of month clamped to the target month's length. */
@inline function addMonths(days: i64, months: i64): i64 {
  civilFromDays(days);
  const total = cYear * 12 + <i64>(cMonth - 1) + months;
  const y = floorDiv(total, 12);
  const m = <i32>(total - y * 12) + 1;
  const dim = daysInMonth(y, m);
  return daysFromCivil(y, m, cDay < dim ? cDay : dim);
}

/** Spark's `add_months(date, months)`: dst[i] = add_months(src[i], months[i]) (date32, int32 months). */
export function add_months(src: usize, months: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<i32>(dst + o, <i32>addMonths(<i64>load<i32>(src + o), <i64>load<i32>(months + o)));
  }
}

/** Spark's `last_day(date)`: the last day of the month of src[i]. */
export function last_day(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    civilFromDays(<i64>load<i32>(src + o));
    store<i32>(dst + o, <i32>daysFromCivil(cYear, cMonth, daysInMonth(cYear, cMonth)));
  }
}

/** Truncation levels shared with src/kernels/dates.ts. */
@inline const T_YEAR: i32 = 0;
@inline const T_QUARTER: i32 = 1;
@inline const T_MONTH: i32 = 2;
@inline const T_WEEK: i32 = 3;
@inline const T_DAY: i32 = 4;
@inline const T_HOUR: i32 = 5;
@inline const T_MINUTE: i32 = 6;
@inline const T_SECOND: i32 = 7;
@inline const T_MILLISECOND: i32 = 8;

@inline function truncDays(days: i64, level: i32): i64 {
  if (level == T_WEEK) return days - floorMod(days + 3, 7); // Monday
  if (level >= T_DAY) return days;
  civilFromDays(days);
  if (level == T_YEAR) return daysFromCivil(cYear, 1, 1);
  if (level == T_QUARTER) return daysFromCivil(cYear, ((cMonth - 1) / 3) * 3 + 1, 1);
  return daysFromCivil(cYear, cMonth, 1);
}

/** Spark's `trunc(date, fmt)` for levels year, quarter, month, week (date32 -> date32). */
export function trunc_date(src: usize, n: i32, level: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<i32>(dst + o, <i32>truncDays(<i64>load<i32>(src + o), level));
  }
}

/** Spark's `date_trunc(fmt, ts)` in UTC (timestamp -> timestamp), levels year .. millisecond (microsecond = copy). */
export function trunc_ts(src: usize, n: i32, level: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const us = load<i64>(src + o);
    let r: i64;
    if (level <= T_DAY) r = truncDays(floorDiv(us, MICROS_PER_DAY), level) * MICROS_PER_DAY;
    else {
      const unit: i64 = level == T_HOUR ? 3_600_000_000 : level == T_MINUTE ? 60_000_000 : level == T_SECOND ? MICROS_PER_SECOND : level == T_MILLISECOND ? 1000 : 1;
      r = floorDiv(us, unit) * unit;
    }
    store<i64>(dst + o, r);
  }
}

/**
 * Spark's `make_date(year, month, day)` (non-ANSI): dst[i] the date, dstValid[i] 0 when the inputs
 * are null (valid[i] == 0) or not a date. Returns the number of null results.
 */
export function make_date(ys: usize, ms: usize, ds: usize, valid: usize, n: i32, dst: usize, dstValid: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const y = <i64>load<i32>(ys + o);
    const m = load<i32>(ms + o);
    const d = load<i32>(ds + o);
    let ok = valid == 0 || load<u8>(valid + <usize>i) != 0;
    ok = ok && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
    store<i32>(dst + o, ok ? <i32>daysFromCivil(y, m, d) : 0);
    store<u8>(dstValid + <usize>i, ok ? 1 : 0);
    if (!ok) nulls++;
  }
  return nulls;
}

/**
 * Spark's `months_between(t1, t2, roundOff)` (DateTimeUtils.monthsBetween, UTC): whole months when
 * the days of month are equal or both are month ends, else the month difference plus the
 * difference in seconds over 31 days; rounded to 8 digits (Math.round(x * 1e8) / 1e8) when roundOff.
 */
export function months_between(a: usize, b: usize, n: i32, roundOff: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const t1 = load<i64>(a + (<usize>i << 3));
    const t2 = load<i64>(b + (<usize>i << 3));
    const d1 = floorDiv(t1, MICROS_PER_DAY);
    const d2 = floorDiv(t2, MICROS_PER_DAY);
    civilFromDays(d1);
    const y1 = cYear;
    const m1 = cMonth;
    const day1 = cDay;
    const last1 = cDay == daysInMonth(cYear, cMonth);
    civilFromDays(d2);
    const monthDiff = <f64>((y1 - cYear) * 12 + <i64>(m1 - cMonth));
    let r: f64;
    if (day1 == cDay || (last1 && cDay == daysInMonth(cYear, cMonth))) r = monthDiff;
    else {
      const s1 = (t1 - d1 * MICROS_PER_DAY) / MICROS_PER_SECOND;
      const s2 = (t2 - d2 * MICROS_PER_DAY) / MICROS_PER_SECOND;
      const secondsDiff = <f64>(<i64>(day1 - cDay) * SECONDS_PER_DAY + s1 - s2);
      r = monthDiff + secondsDiff / <f64>(<i64>31 * SECONDS_PER_DAY);
      if (roundOff != 0) r = Math.floor(r * 1e8 + 0.5) / 1e8;
    }
    store<f64>(dst + (<usize>i << 3), r);
  }
}

/**
 * Spark's `next_day(date, dayOfWeek)`: the first date after src[i] that is weekday `dow`
 * (DateTimeUtils.getNextDateForDayOfWeek; dow counts from Thursday: TH 0, FR 1, ..., WE 6).
 */
export function next_day(src: usize, n: i32, dow: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<i32>(src + o);
    store<i32>(dst + o, d + 1 + (((dow - 1 - d) % 7) + 7) % 7);
  }
}

/** EXTRACT(SECOND FROM ts): dst[i] = seconds and microseconds within the minute, as decimal(8,6) unscaled (int64). */
export function ts_second_micros(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<i64>(dst + o, floorMod(load<i64>(src + o), 60 * MICROS_PER_SECOND));
  }
}
