import { describe, expect, it } from 'vitest';
import { castColumn, javaDoubleToString, javaFloatToString } from '../src/kernels/cast.js';
import { type DataType, DataTypes, typeToString } from '../src/types/data-type.js';
import { type CellValue, columnFromJs, columnToJs, formatDecimal } from '../src/types/values.js';
import { AnalysisError } from '../src/errors.js';
import { runtime } from '../src/wasm/runtime.js';
import { applyToColumn, mulberry32 } from './support.js';

const D = DataTypes;
const LENGTHS = [0, 1, 7, 17, 200];

/** Casts JS values of `from` to `to` and returns the JS result (releasing both columns). */
function cast(from: DataType, to: DataType, values: readonly unknown[]): CellValue[] {
  const { type, js } = applyToColumn(from, values, (c) => castColumn(c, to));
  expect(type).toEqual(to);
  expect(js.length).toBe(values.length);
  return js;
}

function randomValue(type: DataType, rnd: () => number): CellValue {
  if (rnd() < 0.15) return null;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const special = rnd() < 0.3;
  switch (type.kind) {
    case 'boolean':
      return rnd() < 0.5;
    case 'int8':
      return special ? pick([-128, 127, 0, -1]) : Math.floor(rnd() * 256) - 128;
    case 'int16':
      return special ? pick([-32768, 32767, 0, -1]) : Math.floor(rnd() * 65536) - 32768;
    case 'int32':
      return special ? pick([-2147483648, 2147483647, 0, -1]) : Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    case 'int64':
      return special
        ? pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n])
        : BigInt(Math.floor((rnd() - 0.5) * 2 ** 53)) * (rnd() < 0.3 ? 1000n : 1n);
    case 'float32':
      return Math.fround(special ? pick([NaN, -0, Infinity, -Infinity, 3e9, -3e9, 1e20]) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12));
    case 'float64':
      return special ? pick([NaN, -0, Infinity, -Infinity, 3e9, -3e9, 1e20, -1e19, 2 ** 63]) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 22);
    default:
      throw new Error(type.kind);
  }
}

const INT_RANGE: Record<string, [bigint, bigint, number]> = {
  int8: [-128n, 127n, 8],
  int16: [-32768n, 32767n, 16],
  int32: [-(2n ** 31n), 2n ** 31n - 1n, 32],
  int64: [-(2n ** 63n), 2n ** 63n - 1n, 64],
};

/** Spark non-ANSI reference of a numeric cast. */
function refNumeric(from: DataType, to: DataType, v: CellValue): CellValue {
  if (v === null) return null;
  const isInt = (t: DataType) => t.kind in INT_RANGE;
  const out = (x: bigint): CellValue => {
    const bits = INT_RANGE[to.kind]![2];
    const w = BigInt.asIntN(bits, x);
    return to.kind === 'int64' ? w : Number(w);
  };
  if (to.kind === 'boolean') return typeof v === 'bigint' ? v !== 0n : typeof v === 'boolean' ? v : v !== 0;
  const num = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  if (isInt(to)) {
    if (typeof num === 'bigint') return out(num);
    const x = num as number;
    if (from.kind === 'float32' || from.kind === 'float64') {
      if (Number.isNaN(x)) return out(0n);
      // Java: (long) d, or (byte/short/int)(int) d: saturate to long or int, then wrap.
      const [lo, hi] = to.kind === 'int64' ? INT_RANGE.int64! : INT_RANGE.int32!;
      let t: bigint;
      if (x >= Number(hi)) t = hi;
      else if (x <= Number(lo)) t = lo;
      else t = BigInt(Math.trunc(x));
      return out(t);
    }
    return out(BigInt(x));
  }
  const asNum = typeof num === 'bigint' ? Number(num) : (num as number);
  return to.kind === 'float32' ? Math.fround(asNum) : asNum;
}

function same(a: CellValue, b: CellValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

describe('numeric casts vs reference', () => {
  const types: DataType[] = [D.Boolean, D.Byte, D.Short, D.Integer, D.Long, D.Float, D.Double];
  it('every pair of numeric and boolean types', () => {
    const mem = runtime().memory;
    const start = mem.liveBytes;
    const rnd = mulberry32(5);
    for (const from of types) {
      for (const to of types) {
        for (const n of LENGTHS) {
          let xs = Array.from({ length: n }, () => randomValue(from, rnd));
          // long -> float rounds once in the kernel; keep the reference exact (|v| <= 2^53).
          if (from.kind === 'int64' && to.kind === 'float32') xs = xs.map((v) => (v === null || ((v as bigint) < 2n ** 53n && (v as bigint) > -(2n ** 53n)) ? v : 0n));
          const got = cast(from, to, xs);
          for (let i = 0; i < n; i++) {
            const want = refNumeric(from, to, xs[i]!);
            if (!same(got[i]!, want)) throw new Error(`${from.kind} -> ${to.kind}: ${String(xs[i])} got ${String(got[i])} want ${String(want)}`);
          }
        }
      }
    }
    expect(mem.liveBytes).toBe(start);
  });

  it('Java conversion corner cases', () => {
    expect(cast(D.Double, D.Integer, [NaN, 1e10, -1e10, -1.9, 1.9, -0])).toEqual([0, 2147483647, -2147483648, -1, 1, 0]);
    expect(cast(D.Double, D.Long, [1e19, -1e19, Infinity])).toEqual([2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n - 1n]);
    expect(cast(D.Double, D.Byte, [300.7, 1e10])).toEqual([44, -1]); // (byte)(int)d
    expect(cast(D.Long, D.Integer, [2n ** 31n, -(2n ** 31n) - 1n])).toEqual([-2147483648, 2147483647]);
    expect(cast(D.Double, D.Boolean, [NaN, 0, -0, 0.1])).toEqual([true, false, false, true]);
  });
});

// ---- decimals ----

function refToDecimalFromDouble(x: number, p: number, s: number): string | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return formatDecimal(0n, s);
  // value = digits x 10^(exp - (digits.length - 1)), from the shortest representation.
  const [m, e] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = m.replace('.', '');
  const exp = Number(e) - (digits.length - 1);
  let u = BigInt(digits);
  const shift = exp + s;
  if (shift >= 0) u *= 10n ** BigInt(shift);
  else {
    const d = 10n ** BigInt(-shift);
    const q = u / d;
    u = (u % d) * 2n >= d ? q + 1n : q;
  }
  if (u >= 10n ** BigInt(p)) return null;
  return formatDecimal(x < 0 ? -u : u, s);
}

describe('decimal casts', () => {
  it('integral -> decimal overflows to null, decimal -> integral truncates', () => {
    expect(cast(D.Integer, D.decimal(5, 2), [999, 1000, -999, -1000, null])).toEqual(['999.00', null, '-999.00', null, null]);
    expect(cast(D.Long, D.decimal(18, 0), [2n ** 63n - 1n, 10n ** 17n])).toEqual([null, '100000000000000000']);
    expect(cast(D.decimal(10, 2), D.Integer, ['1.99', '-1.99', '0.50', '-0.01'])).toEqual([1, -1, 0, 0]);
    expect(cast(D.decimal(18, 0), D.Byte, ['300'])).toEqual([44]);
    expect(cast(D.decimal(10, 2), D.Double, ['1.10', '-0.07'])).toEqual([1.1, -0.07]);
    expect(cast(D.decimal(10, 2), D.Boolean, ['0.00', '0.01'])).toEqual([false, true]);
    expect(cast(D.Boolean, D.decimal(3, 2), [true, false])).toEqual(['1.00', '0.00']);
    expect(cast(D.Boolean, D.decimal(2, 2), [true, false])).toEqual([null, '0.00']);
  });

  it('decimal -> decimal rescales HALF_UP and nulls overflow', () => {
    const rnd = mulberry32(11);
    const pairs: [number, number, number, number][] = [[10, 2, 10, 1], [10, 4, 6, 0], [5, 0, 10, 5], [18, 9, 18, 0], [18, 0, 18, 17], [7, 3, 7, 3]];
    for (const [p1, s1, p2, s2] of pairs) {
      for (const n of LENGTHS) {
        const us = Array.from({ length: n }, () => (rnd() < 0.1 ? null : BigInt(Math.floor((rnd() - 0.5) * 2 * 10 ** Math.min(p1, 15)))));
        const got = cast(D.decimal(p1, s1), D.decimal(p2, s2), us.map((u) => (u === null ? null : formatDecimal(u, s1))));
        us.forEach((u, i) => {
          if (u === null) return expect(got[i]).toBeNull();
          let v: bigint;
          if (s2 >= s1) v = u * 10n ** BigInt(s2 - s1);
          else {
            const d = 10n ** BigInt(s1 - s2);
            const a = u < 0n ? -u : u;
            const q = (a % d) * 2n >= d ? a / d + 1n : a / d;
            v = u < 0n ? -q : q;
          }
          const want = (v < 0n ? -v : v) >= 10n ** BigInt(p2) ? null : formatDecimal(v, s2);
          expect(got[i], `${u} (${p1},${s1}) -> (${p2},${s2})`).toBe(want);
        });
      }
    }
  });

  it('double -> decimal rounds the shortest digits HALF_UP (Spark: BigDecimal(Double.toString))', () => {
    expect(cast(D.Double, D.decimal(10, 2), [1.005, -1.005, 0.125, 2.675, NaN, Infinity, 1e10, 0.004])).toEqual([
      '1.01', '-1.01', '0.13', '2.68', null, null, null, '0.00',
    ]);
    expect(cast(D.Float, D.decimal(10, 2), [Math.fround(0.1)])).toEqual(['0.10']);
    const rnd = mulberry32(3);
    for (const [p, s] of [[10, 2], [18, 6], [5, 0], [12, 12]] as [number, number][]) {
      const xs = Array.from({ length: 500 }, () => (rnd() < 0.5 ? Math.round((rnd() - 0.5) * 1e7) / 10 ** Math.floor(rnd() * 6) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 4)));
      const got = cast(D.Double, D.decimal(p, s), xs);
      xs.forEach((x, i) => expect(got[i], `${x} -> decimal(${p},${s})`).toBe(refToDecimalFromDouble(x, p, s)));
    }
  });
});

// ---- strings ----

describe('string casts', () => {
  it('string -> integers follows UTF8String.toLong', () => {
    const texts = [' 42 ', '+7', '-0', '1.9', '-1.9', '.5', '1.', '1e3', '', ' ', 'abc', '2147483648', '-2147483648', '\t12\n', '1 2', '+', '-', '1.2.3', '12a', '1.a', null];
    expect(cast(D.String, D.Integer, texts)).toEqual([42, 7, 0, 1, -1, 0, 1, null, null, null, null, null, -2147483648, 12, null, null, null, null, null, null, null]);
    expect(cast(D.String, D.Long, ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809'])).toEqual([
      2n ** 63n - 1n, null, -(2n ** 63n), null,
    ]);
    expect(cast(D.String, D.Byte, ['127', '128', '-128', '-129'])).toEqual([127, null, -128, null]);
    expect(cast(D.String, D.Short, ['32767', '32768'])).toEqual([32767, null]);
  });

  it('string -> double matches Java parsing (fast and slow paths)', () => {
    const texts = ['1.5', ' -2e3 ', 'NaN', 'nan', 'Infinity', '-inf', 'INF', '+infinity', '1.5d', '1f', 'abc', '', '0.1', '3.141592653589793',
      '1e400', '123456789012345678901234567890', '.5', '5.', '.', 'e5', '1e', '0x10', '-0', '1e-400', '4.9e-324', '2.2250738585072014E-308'];
    const want = [1.5, -2000, NaN, NaN, Infinity, -Infinity, Infinity, Infinity, 1.5, 1, null, null, 0.1, 3.141592653589793,
      Infinity, 1.2345678901234568e29, 0.5, 5, null, null, null, null, -0, 0, 5e-324, 2.2250738585072014e-308];
    const got = cast(D.String, D.Double, texts);
    texts.forEach((t, i) => expect(same(got[i]!, want[i]!), `'${t}': got ${String(got[i])}`).toBe(true));
    const rnd = mulberry32(8);
    for (const n of LENGTHS) {
      const xs = Array.from({ length: n }, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20));
      const back = cast(D.String, D.Double, xs.map((x) => String(x)));
      xs.forEach((x, i) => expect(back[i]).toBe(x));
      const back32 = cast(D.String, D.Float, xs.map((x) => String(Math.fround(x))));
      xs.forEach((x, i) => expect(back32[i]).toBe(Math.fround(x)));
    }
  });

  it('string -> decimal and boolean', () => {
    expect(cast(D.String, D.decimal(10, 2), ['1.005', '-1.005', '1e2', '12345678.994', '123456789.99', '  3 ', 'abc', '.5', '-.005', '0.004', '1E-2', '0000012.50', '', '1e-999', null])).toEqual([
      '1.01', '-1.01', '100.00', '12345678.99', null, '3.00', null, '0.50', '-0.01', '0.00', '0.01', '12.50', null, '0.00', null,
    ]);
    expect(cast(D.String, D.Boolean, ['true', 'TRUE', ' t ', 'yes', 'Y', '1', 'false', 'f', 'no', 'N', '0', 'maybe', '', '2', null])).toEqual([
      true, true, true, true, true, true, false, false, false, false, false, null, null, null, null,
    ]);
  });

  it('values -> string', () => {
    const rnd = mulberry32(12);
    for (const type of [D.Byte, D.Short, D.Integer, D.Long] as DataType[]) {
      for (const n of LENGTHS) {
        const xs = Array.from({ length: n }, () => randomValue(type, rnd));
        expect(cast(type, D.String, xs)).toEqual(xs.map((x) => (x === null ? null : String(x))));
        // and back
        expect(cast(D.String, type, xs.map((x) => (x === null ? null : String(x))))).toEqual(xs);
      }
    }
    expect(cast(D.decimal(10, 2), D.String, ['1.50', '-0.05', '0.00', null, '-12345678.90'])).toEqual(['1.50', '-0.05', '0.00', null, '-12345678.90']);
    expect(cast(D.decimal(18, 0), D.String, ['-999999999999999999'])).toEqual(['-999999999999999999']);
    expect(cast(D.Boolean, D.String, [true, false, null])).toEqual(['true', 'false', null]);
    expect(cast(D.Double, D.String, [1, 100, 0.001, 1e-4, 1e7, 12345678.9, NaN, -Infinity, -0, 0.1 + 0.2, 1234567.0, null])).toEqual([
      '1.0', '100.0', '0.001', '1.0E-4', '1.0E7', '1.23456789E7', 'NaN', '-Infinity', '-0.0', '0.30000000000000004', '1234567.0', null,
    ]);
    expect(cast(D.Float, D.String, [Math.fround(0.1), Math.fround(1e10), Math.fround(3.4e38), 1.5])).toEqual(['0.1', '1.0E10', '3.4E38', '1.5']);
    expect(javaDoubleToString(1e21)).toBe('1.0E21');
    expect(javaDoubleToString(-1.5e-7)).toBe('-1.5E-7');
    expect(javaFloatToString(Math.fround(16777216))).toBe('1.6777216E7');
  });

  it('dates and timestamps', () => {
    expect(cast(D.Date, D.Timestamp, ['1970-01-02', '1969-12-31', null]).map((d) => (d === null ? null : (d as Date).toISOString()))).toEqual([
      '1970-01-02T00:00:00.000Z', '1969-12-31T00:00:00.000Z', null,
    ]);
    expect(cast(D.Timestamp, D.Date, [-1n, 0n, 86_400_000_000n, null])).toEqual(['1969-12-31', '1970-01-01', '1970-01-02', null]);
    expect(cast(D.Timestamp, D.Long, [-1n, 1_500_000n, null])).toEqual([-1n, 1n, null]);
    expect(cast(D.Timestamp, D.Double, [-1n, 1_500_000n])).toEqual([-0.000001, 1.5]);
    expect(cast(D.Long, D.Timestamp, [1n, -2n]).map((d) => (d as Date).getTime())).toEqual([1000, -2000]);
    // seconds beyond the micros range saturate (Java's SECONDS.toMicros)
    const big = columnFromJs(D.Long, [2n ** 62n, -(2n ** 62n)]);
    const ts = castColumn(big, D.Timestamp);
    expect([...runtime().memory.i64(ts.valuesPtr, 2)]).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
    big.release();
    ts.release();
    expect(cast(D.Double, D.Timestamp, [1.5, NaN]).map((d) => (d === null ? null : (d as Date).getTime()))).toEqual([1500, null]);
    expect(cast(D.String, D.Date, ['2024-02-29', 'x'])).toEqual(['2024-02-29', null]);
    expect(cast(D.Date, D.String, ['2024-02-29'])).toEqual(['2024-02-29']);
    expect(() => cast(D.Date, D.Integer, ['2024-01-01'])).toThrow(AnalysisError);
  });

  it('null type and identity casts', () => {
    expect(cast(D.Null, D.Integer, [null, null])).toEqual([null, null]);
    const c = columnFromJs(D.Integer, [1, null]);
    const same1 = castColumn(c, D.Integer);
    c.release();
    expect(columnToJs(same1)).toEqual([1, null]);
    same1.release();
    expect(typeToString(D.decimal(5, 2))).toBe('decimal(5,2)');
  });
});
