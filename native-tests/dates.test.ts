import { describe, expect, it } from 'vitest';
import { DataTypes } from '../src/types/data-type.js';
import { type Column } from '../src/types/column.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { InvalidArgumentError } from '../src/errors.js';
import {
  compileDateFormat,
  dateAdd,
  datediff,
  dateSub,
  dayofmonth,
  dayofweek,
  dayofyear,
  formatDateColumn,
  formatTimestampColumn,
  hour,
  minute,
  month,
  parseDateColumn,
  parseTimestampColumn,
  quarter,
  second,
  toDate,
  year,
} from '../src/kernels/dates.js';
import { leakCheck, mulberry32, watFunctions } from './support.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;
const US_PER_DAY = 86_400_000_000n;
const SIZES = [0, 1, 7, 15, 17, 1000];
/** Day numbers of 0001-01-01 and 9999-12-31. */
const MIN_DAY = daysOf(1, 1, 1);
const MAX_DAY = daysOf(9999, 12, 31);

/** Days since the epoch of a proleptic Gregorian date (any year JS Date can hold). */
function daysOf(y: number, m: number, d: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  return Math.round(dt.getTime() / MS_PER_DAY);
}

function dateColumn(days: readonly (number | null)[]): Column {
  return columnFromJs(DataTypes.Date, days.map((d) => (d === null ? null : new Date(d * MS_PER_DAY))));
}

function tsColumn(us: readonly (bigint | null)[]): Column {
  return columnFromJs(DataTypes.Timestamp, us);
}

/** Raw values of an int32/date32 column with nulls (no Date conversion, exact for any year). */
function readI32(col: Column): (number | null)[] {
  const mem = runtime().memory;
  const v = mem.i32(col.valuesPtr, col.length);
  return Array.from({ length: col.length }, (_, i) => (col.isNull(mem, i) ? null : v[i]!));
}

function readI64(col: Column): (bigint | null)[] {
  const mem = runtime().memory;
  const v = mem.i64(col.valuesPtr, col.length);
  return Array.from({ length: col.length }, (_, i) => (col.isNull(mem, i) ? null : v[i]!));
}

function take<T>(col: Column, read: (c: Column) => T): T {
  try {
    return read(col);
  } finally {
    col.release();
  }
}

function randomDays(seed: number, n: number, nulls: number): (number | null)[] {
  const rnd = mulberry32(seed);
  const special = [0, -1, 1, MIN_DAY, MAX_DAY, daysOf(2000, 2, 29), daysOf(1900, 2, 28), daysOf(1900, 3, 1), daysOf(2024, 12, 31), daysOf(1969, 12, 31)];
  return Array.from({ length: n }, () => {
    const r = rnd();
    if (r < nulls) return null;
    if (r < nulls + 0.2) return special[Math.floor(rnd() * special.length)]!;
    return MIN_DAY + Math.floor(rnd() * (MAX_DAY - MIN_DAY + 1));
  });
}

function randomMicros(seed: number, n: number, nulls: number): (bigint | null)[] {
  const rnd = mulberry32(seed);
  return randomDays(seed + 7, n, nulls).map((d) => {
    if (d === null) return null;
    const inDay = rnd() < 0.2 ? 0n : BigInt(Math.floor(rnd() * 86_400_000_000));
    return BigInt(d) * US_PER_DAY + inDay;
  });
}

/** Reference civil fields via JS Date (proleptic Gregorian, UTC). */
function civil(days: number): { y: number; m: number; d: number; dow: number; doy: number } {
  const dt = new Date(days * MS_PER_DAY);
  const y = dt.getUTCFullYear();
  return { y, m: dt.getUTCMonth() + 1, d: dt.getUTCDate(), dow: dt.getUTCDay() + 1, doy: days - daysOf(y, 1, 1) + 1 };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(v: number, w: number): string {
  return String(v).padStart(w, '0');
}

function refFormatDate(days: number): string {
  const { y, m, d } = civil(days);
  const ys = y > 9999 ? `+${y}` : y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${ys}-${pad(m, 2)}-${pad(d, 2)}`;
}

function refFormatTs(us: bigint): string {
  const days = floorDiv(us, US_PER_DAY);
  let rest = us - days * US_PER_DAY;
  const frac = Number(rest % 1_000_000n);
  rest /= 1_000_000n;
  const s = Number(rest);
  let out = `${refFormatDate(Number(days))} ${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  if (frac !== 0) out += `.${pad(frac, 6).replace(/0+$/, '')}`;
  return out;
}

/** Straightforward TypeScript version of Spark's DateTimeUtils.stringToDate. */
function refStringToDate(s: string): number | null {
  const t = s.replace(/^[\x00-\x20\x7f]+|[\x00-\x20\x7f]+$/g, '');
  const m = /^([+-]?)(\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$/s.exec(t);
  if (!m) return null;
  const y = (m[1] === '-' ? -1 : 1) * Number(m[2]);
  const mo = m[3] === undefined ? 1 : Number(m[3]);
  const d = m[4] === undefined ? 1 : Number(m[4]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  const days = daysOf(y, mo, d);
  if (civil(days).d !== d) return null; // day past the end of the month
  return days;
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

describe('date fields', () => {
  it('year, month, dayofmonth, dayofweek, quarter, dayofyear from date32 (years 1..9999, nulls)', () => {
    leakCheck(() => {
      for (const n of SIZES) {
        for (const nulls of [0, 0.2]) {
          const days = randomDays(n * 13 + nulls * 10, n, nulls);
          const col = dateColumn(days);
          try {
            const ref = days.map((d) => (d === null ? null : civil(d)));
            expect(take(year(col), readI32)).toEqual(ref.map((c) => c && c.y));
            expect(take(month(col), readI32)).toEqual(ref.map((c) => c && c.m));
            expect(take(dayofmonth(col), readI32)).toEqual(ref.map((c) => c && c.d));
            expect(take(dayofweek(col), readI32)).toEqual(ref.map((c) => c && c.dow));
            expect(take(quarter(col), readI32)).toEqual(ref.map((c) => c && Math.floor((c.m - 1) / 3) + 1));
            expect(take(dayofyear(col), readI32)).toEqual(ref.map((c) => c && c.doy));
            expect(take(hour(col), readI32)).toEqual(ref.map((c) => c && 0));
          } finally {
            col.release();
          }
        }
      }
    });
  });

  it('known dates: leap days, epoch, Spark dayofweek 1 = Sunday', () => {
    const days = [daysOf(2024, 2, 29), 0, daysOf(1, 1, 1), daysOf(9999, 12, 31), daysOf(1600, 12, 31), daysOf(2023, 10, 1)];
    const col = dateColumn(days);
    try {
      expect(take(year(col), readI32)).toEqual([2024, 1970, 1, 9999, 1600, 2023]);
      expect(take(dayofyear(col), readI32)).toEqual([60, 1, 1, 365, 366, 274]);
      expect(take(dayofweek(col), readI32)).toEqual([5, 5, 2, 6, 1, 1]); // Thu, Thu, Mon, Fri, Sun, Sun
    } finally {
      col.release();
    }
  });

  it('far dates outside JS Date range keep the Hinnant arithmetic consistent', () => {
    // Round trip through formatting and parsing at the int32 extremes (raw int32 buffers viewed as dates).
    const raw = columnFromJs(DataTypes.Integer, [2147483647, -2147483648, 2932897, -719162]);
    const dcol = new (raw.constructor as typeof Column)(DataTypes.Date, 4, raw.values, null, null, 0);
    try {
      expect(take(year(dcol), readI32)).toEqual([5881580, -5877641, 10000, 1]);
      const text = take(formatDateColumn(dcol), columnToJs);
      expect(text).toEqual(['+5881580-07-11', '-5877641-06-23', '+10000-01-01', '0001-01-01']);
      const back = columnFromJs(DataTypes.String, text);
      expect(take(parseDateColumn(back), readI32)).toEqual([2147483647, -2147483648, 2932897, -719162]);
      back.release();
    } finally {
      raw.release();
    }
  });

  it('fields of timestamps (UTC), including before 1970', () => {
    leakCheck(() => {
      for (const n of SIZES) {
        const us = randomMicros(n + 5, n, 0.15);
        us.push(-1n, 0n, 86_399_999_999n, -86_400_000_001n);
        const col = tsColumn(us);
        try {
          const ref = us.map((u) => {
            if (u === null) return null;
            const days = Number(floorDiv(u, US_PER_DAY));
            const sec = Number((u - BigInt(days) * US_PER_DAY) / 1_000_000n);
            return { ...civil(days), h: Math.floor(sec / 3600), mi: Math.floor(sec / 60) % 60, s: sec % 60, days };
          });
          expect(take(year(col), readI32)).toEqual(ref.map((c) => c && c.y));
          expect(take(month(col), readI32)).toEqual(ref.map((c) => c && c.m));
          expect(take(dayofmonth(col), readI32)).toEqual(ref.map((c) => c && c.d));
          expect(take(dayofweek(col), readI32)).toEqual(ref.map((c) => c && c.dow));
          expect(take(dayofyear(col), readI32)).toEqual(ref.map((c) => c && c.doy));
          expect(take(hour(col), readI32)).toEqual(ref.map((c) => c && c.h));
          expect(take(minute(col), readI32)).toEqual(ref.map((c) => c && c.mi));
          expect(take(second(col), readI32)).toEqual(ref.map((c) => c && c.s));
          expect(take(toDate(col), readI32)).toEqual(ref.map((c) => c && c.days));
        } finally {
          col.release();
        }
      }
    });
  });

  it('accepts strings by casting them like Spark', () => {
    const s = columnFromJs(DataTypes.String, ['2024-03-15 10:20:30', 'junk', null]);
    try {
      expect(take(year(s), readI32)).toEqual([2024, null, null]);
      expect(take(hour(s), readI32)).toEqual([10, null, null]);
      expect(take(second(s), readI32)).toEqual([30, null, null]);
    } finally {
      s.release();
    }
    const i = columnFromJs(DataTypes.Integer, [1]);
    try {
      expect(() => year(i)).toThrow(/expected a date, timestamp or string column, got int/);
    } finally {
      i.release();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------------

describe('dateAdd / dateSub / datediff', () => {
  it('match int32 arithmetic with null propagation', () => {
    leakCheck(() => {
      for (const n of SIZES) {
        const a = randomDays(n + 100, n, 0.2);
        const b = randomDays(n + 200, n, 0.1);
        const rnd = mulberry32(n);
        const deltas = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 20001) - 10000));
        const ca = dateColumn(a);
        const cb = dateColumn(b);
        const cd = columnFromJs(DataTypes.Integer, deltas);
        const cd16 = columnFromJs(DataTypes.Short, deltas);
        const cd8 = columnFromJs(DataTypes.Byte, deltas.map((d) => (d === null ? null : (d << 24) >> 24)));
        try {
          expect(take(dateAdd(ca, 45), readI32)).toEqual(a.map((d) => (d === null ? null : d + 45)));
          expect(take(dateSub(ca, 400), readI32)).toEqual(a.map((d) => (d === null ? null : d - 400)));
          const both = (x: number | null, y: number | null, f: (x: number, y: number) => number) => (x === null || y === null ? null : f(x, y));
          expect(take(dateAdd(ca, cd), readI32)).toEqual(a.map((d, i) => both(d, deltas[i]!, (x, y) => x + y)));
          expect(take(dateSub(ca, cd16), readI32)).toEqual(a.map((d, i) => both(d, deltas[i]!, (x, y) => x - y)));
          expect(take(dateAdd(ca, cd8), readI32)).toEqual(a.map((d, i) => both(d, deltas[i]!, (x, y) => x + ((y << 24) >> 24))));
          const diff = datediff(ca, cb);
          expect(diff.type.kind).toBe('int32');
          expect(take(diff, readI32)).toEqual(a.map((d, i) => both(d, b[i]!, (x, y) => x - y)));
        } finally {
          for (const c of [ca, cb, cd, cd16, cd8]) c.release();
        }
      }
    });
  });

  it('datediff truncates timestamps and casts strings; rejects bad day arguments', () => {
    const ts = tsColumn([BigInt(daysOf(2024, 3, 1)) * US_PER_DAY + 5n, -1n]);
    const s = columnFromJs(DataTypes.String, ['2024-02-01', '1970-01-01']);
    try {
      expect(take(datediff(ts, s), readI32)).toEqual([29, -1]);
      expect(() => dateAdd(s, 1.5)).toThrow(InvalidArgumentError);
      expect(() => dateAdd(s, ts)).toThrow(/tinyint, smallint or int column, got timestamp/);
    } finally {
      ts.release();
      s.release();
    }
  });

  it('wraps on int32 overflow like non-ANSI Spark', () => {
    const raw = columnFromJs(DataTypes.Integer, [2147483647]);
    const col = new (raw.constructor as typeof Column)(DataTypes.Date, 1, raw.values, null, null, 0);
    try {
      expect(take(dateAdd(col, 1), readI32)).toEqual([-2147483648]);
    } finally {
      raw.release();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Parsing and formatting
// ---------------------------------------------------------------------------------------------

describe('parseDateColumn (cast string as date)', () => {
  const cases: [string | null, string | null][] = [
    ['2024-02-29', '2024-02-29'],
    ['2023-02-29', null],
    ['2024-2-9', '2024-02-09'],
    ['2024-02', '2024-02-01'],
    ['2024', '2024-01-01'],
    ['  2024-01-05  ', '2024-01-05'],
    ['\t2024-01-05\n', '2024-01-05'],
    ['2024-01-05 12:34:56', '2024-01-05'],
    ['2024-01-05T12:34:56Z', '2024-01-05'],
    ['2024-01-05T', '2024-01-05'],
    ['2024-01-05 garbage', '2024-01-05'],
    ['2024-01-05garbage', null],
    ['2024-01 05', null],
    ['2024 ', '2024-01-01'],
    ['24-01-01', null],
    ['2024-13-01', null],
    ['2024-00-10', null],
    ['2024-01-32', null],
    ['2024-001-01', null],
    ['2024-01-', null],
    ['', null],
    ['   ', null],
    ['abc', null],
    ['1900-02-29', null],
    ['2000-02-29', '2000-02-29'],
    ['0001-01-01', '0001-01-01'],
    ['9999-12-31', '9999-12-31'],
    ['+2024-01-01', '2024-01-01'],
    ['日本', null],
    [null, null],
  ];

  it('follows Spark stringToDate on known cases', () => {
    leakCheck(() => {
      const col = columnFromJs(DataTypes.String, cases.map((c) => c[0]));
      try {
        const r = parseDateColumn(col);
        expect(r.nullCount).toBe(cases.filter((c) => c[1] === null).length);
        expect(take(r, readI32)).toEqual(cases.map((c) => (c[1] === null ? null : daysOf(...(c[1].split('-').map(Number) as [number, number, number])))));
      } finally {
        col.release();
      }
    });
  });

  it('matches a reference on random fragments, and round-trips formatDateColumn', () => {
    leakCheck(() => {
      const rnd = mulberry32(42);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
      const years = ['2020', '0001', '9999', '1969', '12345', '-0044', '+2020', '20', '2024', '1600', '0000'];
      const months = ['1', '01', '02', '12', '13', '00', '002', ''];
      const dayz = ['1', '01', '28', '29', '30', '31', '32', '0', ''];
      const tails = ['', ' ', 'T', ' 12:34:56', 'T00:00', 'x', '  ', '\t'];
      for (const n of SIZES) {
        const vals = Array.from({ length: n }, () => {
          if (rnd() < 0.1) return null;
          let s = pick(['', ' ', '']) + pick(years);
          if (rnd() < 0.8) s += `-${pick(months)}`;
          if (rnd() < 0.7) s += `-${pick(dayz)}`;
          return s + pick(tails);
        });
        const col = columnFromJs(DataTypes.String, vals);
        try {
          const parsed = parseDateColumn(col);
          const got = readI32(parsed);
          expect(got).toEqual(vals.map((v) => (v === null ? null : refStringToDate(v))));
          const text = take(formatDateColumn(parsed), columnToJs);
          expect(text).toEqual(got.map((d) => (d === null ? null : refFormatDate(d))));
          parsed.release();
        } finally {
          col.release();
        }
      }
    });
  });

  it('formatDateColumn on random dates with nulls', () => {
    leakCheck(() => {
      for (const n of SIZES) {
        const days = randomDays(n + 9, n, 0.2);
        const col = dateColumn(days);
        try {
          expect(take(formatDateColumn(col), columnToJs)).toEqual(days.map((d) => (d === null ? null : refFormatDate(d))));
        } finally {
          col.release();
        }
      }
    });
  });

  it('rejects other types', () => {
    const i = columnFromJs(DataTypes.Integer, [1]);
    try {
      expect(() => parseDateColumn(i)).toThrow(/cast to date: expected a string column, got int/);
      expect(() => formatDateColumn(i)).toThrow(InvalidArgumentError);
    } finally {
      i.release();
    }
  });
});

describe('timestamps: parseTimestampColumn / formatTimestampColumn', () => {
  const at = (y: number, m: number, d: number, h = 0, mi = 0, s = 0, us = 0) =>
    BigInt(daysOf(y, m, d)) * US_PER_DAY + BigInt(((h * 60 + mi) * 60 + s) * 1_000_000 + us);
  const H = 3_600_000_000n;
  it('parses Spark forms on known cases', () => {
    const today = BigInt(Math.floor(Date.now() / MS_PER_DAY)) * US_PER_DAY;
    const cases: [string | null, bigint | null][] = [
      ['2024-03-15 10:20:30', at(2024, 3, 15, 10, 20, 30)],
      ['2024-03-15T10:20:30', at(2024, 3, 15, 10, 20, 30)],
      ['2024-03-15 10:20:30.5', at(2024, 3, 15, 10, 20, 30, 500000)],
      ['2024-03-15 10:20:30.123456789', at(2024, 3, 15, 10, 20, 30, 123456)],
      ['2024-03-15 10:20:30.000001', at(2024, 3, 15, 10, 20, 30, 1)],
      ['2024-03-15 10:20:30.', at(2024, 3, 15, 10, 20, 30)],
      ['2024-03-15 10:20', at(2024, 3, 15, 10, 20)],
      ['2024-03-15 7', at(2024, 3, 15, 7)],
      ['2024-03-15', at(2024, 3, 15)],
      ['2024-03', at(2024, 3, 1)],
      ['2024', at(2024, 1, 1)],
      [' 2024-3-5 1:2:3 ', at(2024, 3, 5, 1, 2, 3)],
      ['2024-03-15T10:20:30Z', at(2024, 3, 15, 10, 20, 30)],
      ['2024-03-15 10:20:30+02:00', at(2024, 3, 15, 10, 20, 30) - 2n * H],
      ['2024-03-15 10:20:30 -05:30', at(2024, 3, 15, 10, 20, 30) + 5n * H + H / 2n],
      ['2024-03-15 10:20:30UTC', at(2024, 3, 15, 10, 20, 30)],
      ['2024-03-15 10:20:30 UTC+1', at(2024, 3, 15, 10, 20, 30) - H],
      ['2024-03-15 10:20:30GMT-8:00', at(2024, 3, 15, 10, 20, 30) + 8n * H],
      ['2024-03-15 10:20:30.25+0100', at(2024, 3, 15, 10, 20, 30, 250000) - H],
      ['2024-03-15 10:20:30 Europe/Paris', null], // region ids are not supported (fixed offsets only)
      ['2024-03-15 10:20:30+19:00', null],
      ['2024-03-15T', null],
      ['2024-03-15 24:00:00', null],
      ['2024-03-15 10:60:00', null],
      ['2024-03-15 10:20:61', null],
      ['2024-02-30 10:20:30', null],
      ['2024-03-15 10:20:30.1.2', null],
      ['2024-03-15 10Z', null],
      ['1969-12-31 23:59:59.999999', -1n],
      ['0001-01-01 00:00:00', at(1, 1, 1)],
      ['9999-12-31 23:59:59.999999', at(9999, 12, 31, 23, 59, 59, 999999)],
      ['294248-01-01', null], // beyond the int64 microsecond range
      ['12:34:56', today + at(1970, 1, 1, 12, 34, 56)],
      ['T01:02:03', today + at(1970, 1, 1, 1, 2, 3)],
      ['', null],
      ['nonsense', null],
      [null, null],
    ];
    leakCheck(() => {
      const col = columnFromJs(DataTypes.String, cases.map((c) => c[0]));
      try {
        const r = parseTimestampColumn(col);
        expect(r.type.kind).toBe('timestamp');
        const got = take(r, readI64);
        cases.forEach((c, i) => expect(got[i], String(c[0])).toBe(c[1]));
      } finally {
        col.release();
      }
    });
  });

  it('formats like Spark (fraction without trailing zeros) and round-trips random timestamps', () => {
    leakCheck(() => {
      for (const n of SIZES) {
        const us = randomMicros(n + 77, n, 0.2);
        if (n > 0) us[0] = at(2024, 1, 2, 3, 4, 5, 120000);
        const col = tsColumn(us);
        try {
          const text = formatTimestampColumn(col);
          const js = columnToJs(text);
          expect(js).toEqual(us.map((u) => (u === null ? null : refFormatTs(u))));
          if (n > 0) expect(js[0]).toBe('2024-01-02 03:04:05.12');
          const back = parseTimestampColumn(text);
          expect(take(back, readI64)).toEqual(us);
          text.release();
        } finally {
          col.release();
        }
      }
    });
  });
});

describe('toDate with a format', () => {
  const run = (vals: (string | null)[], fmt: string) => {
    const col = columnFromJs(DataTypes.String, vals);
    try {
      return take(toDate(col, fmt), readI32);
    } finally {
      col.release();
    }
  };
  it('parses the common patterns; mismatches are null', () => {
    leakCheck(() => {
      expect(run(['2024-03-15', '2024-3-15', '2024-03-15 10:00', null, '2024-02-30'], 'yyyy-MM-dd')).toEqual([
        daysOf(2024, 3, 15), null, null, null, null,
      ]);
      expect(run(['15/03/2024', '5/3/2024', '05/03/24'], 'd/M/yyyy')).toEqual([daysOf(2024, 3, 15), daysOf(2024, 3, 5), null]);
      expect(run(['20240315', '2024315'], 'yyyyMMdd')).toEqual([daysOf(2024, 3, 15), null]);
      expect(run(['24.03.15'], 'yy.MM.dd')).toEqual([daysOf(2024, 3, 15)]);
      expect(run(['2024-03-15T10:20:30', '2024-03-15T25:20:30'], "yyyy-MM-dd'T'HH:mm:ss")).toEqual([daysOf(2024, 3, 15), null]);
      expect(run(["2024 o'clock 03"], "yyyy 'o''clock' MM")).toEqual([daysOf(2024, 3, 1)]);
      expect(run(['03/2024'], 'MM/yyyy')).toEqual([daysOf(2024, 3, 1)]);
      expect(run(['2024年03月15日'], 'yyyy年MM月dd日')).toEqual([daysOf(2024, 3, 15)]);
      expect(run([], 'yyyy')).toEqual([]);
    });
  });

  it('rejects unsupported pattern letters naming the pattern', () => {
    expect(() => compileDateFormat('yyyy-MMM-dd')).toThrow(/pattern 'yyyy-MMM-dd' uses 'MMM'/);
    expect(() => compileDateFormat('EEE, d MMM')).toThrow(InvalidArgumentError);
    expect(() => compileDateFormat("yyyy-'MM")).toThrow(/unterminated quote/);
    const col = columnFromJs(DataTypes.String, ['x']);
    try {
      expect(() => toDate(col, 'hh:mm a')).toThrow(/pattern 'hh:mm a'/);
    } finally {
      col.release();
    }
  });

  it('toDate without a format is the cast; dates pass through', () => {
    const s = columnFromJs(DataTypes.String, ['2024-01-01 10:00', 'bad']);
    const d = dateColumn([5, null]);
    try {
      expect(take(toDate(s), readI32)).toEqual([daysOf(2024, 1, 1), null]);
      expect(take(toDate(d), readI32)).toEqual([5, null]);
    } finally {
      s.release();
      d.release();
    }
  });
});

describe('compiled kernels use SIMD', () => {
  const body = watFunctions('dates');
  it('date arithmetic and validity combination', () => {
    expect(body('add_days_scalar')).toContain('i32x4.add');
    expect(body('add_days')).toContain('i32x4.sub');
    expect(body('and_validity')).toContain('v128.and');
  });
});
