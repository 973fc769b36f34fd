import { describe, expect, it } from 'vitest';
import { abs, ceil, floor, mathResultType, pow, round, sqrt } from '../src/kernels/math.js';
import { DataTypes } from '../src/types/data-type.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { applyToColumn, mulberry32, watFunctions } from './support.js';

const D = DataTypes;
const LENGTHS = [0, 1, 3, 7, 16, 17, 100];

/** Spark's round of a double: HALF_UP on the shortest decimal digits. */
function refRound(x: number, scale: number): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  const [m, e] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = m.replace('.', '');
  const X = Number(e);
  const K = X + 1 + scale;
  if (K >= digits.length) return x;
  let u = 0n;
  if (K >= 0) {
    u = K === 0 ? 0n : BigInt(digits.slice(0, K));
    if (Number(digits[K]) >= 5) u += 1n;
  }
  if (u === 0n) return 0;
  const r = Number(`${u}e${-scale}`);
  return x < 0 ? -r : r;
}

describe('math kernels', () => {
  it('abs for every numeric type (integer MIN wraps)', () => {
    const mem = runtime().memory;
    const start = mem.liveBytes;
    const rnd = mulberry32(2);
    for (const n of LENGTHS) {
      const ints = Array.from({ length: n }, () => (rnd() < 0.2 ? null : Math.floor((rnd() - 0.5) * 2 ** 32) | 0));
      expect(applyToColumn(D.Integer, ints, abs).js).toEqual(ints.map((v) => (v === null ? null : Math.abs(v) | 0)));
      const bytes = Array.from({ length: n }, () => (rnd() < 0.2 ? null : Math.floor(rnd() * 256) - 128));
      expect(applyToColumn(D.Byte, bytes, abs).js).toEqual(bytes.map((v) => (v === null ? null : (Math.abs(v) << 24) >> 24)));
      const shorts = Array.from({ length: n }, () => (rnd() < 0.2 ? null : Math.floor(rnd() * 65536) - 32768));
      expect(applyToColumn(D.Short, shorts, abs).js).toEqual(shorts.map((v) => (v === null ? null : (Math.abs(v) << 16) >> 16)));
      const longs = Array.from({ length: n }, () => (rnd() < 0.2 ? null : BigInt(Math.floor((rnd() - 0.5) * 2 ** 53))));
      expect(applyToColumn(D.Long, longs, abs).js).toEqual(longs.map((v) => (v === null ? null : v < 0n ? -v : v)));
      const dbls = Array.from({ length: n }, () => (rnd() < 0.2 ? null : rnd() < 0.2 ? -0 : (rnd() - 0.5) * 1e6));
      expect(applyToColumn(D.Double, dbls, abs).js).toEqual(dbls.map((v) => (v === null ? null : Math.abs(v))));
      const flts = dbls.map((v) => (v === null ? null : Math.fround(v)));
      expect(applyToColumn(D.Float, flts, abs).js).toEqual(flts.map((v) => (v === null ? null : Math.abs(v))));
    }
    expect(applyToColumn(D.Integer, [-2147483648], abs).js).toEqual([-2147483648]);
    expect(applyToColumn(D.Long, [-(2n ** 63n)], abs).js).toEqual([-(2n ** 63n)]);
    expect(applyToColumn(D.Byte, [-128], abs).js).toEqual([-128]);
    expect(applyToColumn(D.decimal(10, 2), ['-1.50', '2.00', null], abs)).toEqual({ type: D.decimal(10, 2), js: ['1.50', '2.00', null] });
    expect(mem.liveBytes).toBe(start);
  });

  it('round doubles HALF_UP on their decimal digits', () => {
    expect(applyToColumn(D.Double, [2.5, -2.5, 0.5, -0.5, 1.4999, NaN, Infinity, 0], (c) => round(c)).js).toEqual([3, -3, 1, -1, 1, NaN, Infinity, 0]);
    expect(applyToColumn(D.Double, [1.005, 0.125, -0.125, 2.675, 1.0049], (c) => round(c, 2)).js).toEqual([1.01, 0.13, -0.13, 2.68, 1]);
    expect(applyToColumn(D.Double, [1234.5, -1250, 49.9], (c) => round(c, -2)).js).toEqual([1200, -1300, 0]);
    expect(applyToColumn(D.Float, [Math.fround(2.5), Math.fround(1.45)], (c) => round(c, 1)).js).toEqual([2.5, Math.fround(1.5)]);
    const rnd = mulberry32(4);
    for (const scale of [-3, -1, 0, 1, 2, 3, 6]) {
      for (const n of LENGTHS) {
        const xs = Array.from({ length: n }, () =>
          rnd() < 0.1 ? null : rnd() < 0.5 ? Math.round((rnd() - 0.5) * 1e7) / 10 ** Math.floor(rnd() * 5) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 10),
        );
        const got = applyToColumn(D.Double, xs, (c) => round(c, scale)).js;
        xs.forEach((x, i) => expect(got[i], `round(${x}, ${scale})`).toBe(x === null ? null : refRound(x, scale)));
      }
    }
  });

  it('round integers and decimals', () => {
    expect(applyToColumn(D.Integer, [125, -125, 124, null], (c) => round(c, -1)).js).toEqual([130, -130, 120, null]);
    expect(applyToColumn(D.Integer, [2147483647], (c) => round(c, -1)).js).toEqual([-2147483646]); // wraps like Java
    expect(applyToColumn(D.Integer, [7], (c) => round(c, 2)).js).toEqual([7]);
    expect(applyToColumn(D.Long, [15n, -15n, 9223372036854775807n], (c) => round(c, -1)).js).toEqual([20n, -20n, -9223372036854775806n]);
    const r = applyToColumn(D.decimal(10, 3), ['1.250', '-1.250', '1.249', '9999999.999', null], (c) => round(c, 1));
    expect(r.type).toEqual(D.decimal(9, 1));
    expect(r.js).toEqual(['1.3', '-1.3', '1.2', '10000000.0', null]);
    const neg = applyToColumn(D.decimal(5, 2), ['150.00', '-149.99', '999.99'], (c) => round(c, -2));
    expect(neg.type).toEqual(D.decimal(4, 0));
    expect(neg.js).toEqual(['200', '-100', '1000']);
    const full = applyToColumn(D.decimal(18, 2), ['9999999999999999.99', '1.00'], (c) => round(c, 0));
    expect(full.type).toEqual(D.decimal(17, 0));
    expect(full.js).toEqual(['10000000000000000', '1']);
    // Spark: decimal(18,0) rounded to -1 is decimal(19,0) (an int128 column), so the carry fits
    const carry = applyToColumn(D.decimal(18, 0), ['999999999999999999', '-15'], (c) => round(c, -1));
    expect(carry.type).toEqual(D.decimal(19, 0));
    expect(carry.js).toEqual(['1000000000000000000', '-20']);
    // decimal(38,0) rounded to -1 keeps precision 38: the carry out of 38 digits is NULL
    const over = applyToColumn(D.decimal(38, 0), ['9'.repeat(38), '-15'], (c) => round(c, -1));
    expect(over.type).toEqual(D.decimal(38, 0));
    expect(over.js).toEqual([null, '-20']);
  });

  it('floor, ceil, sqrt, pow', () => {
    expect(applyToColumn(D.Double, [-1.5, 1.5, -0.0, NaN, 1e300, -1e300, 2, null], floor)).toEqual({
      type: D.Long,
      js: [-2n, 1n, 0n, 0n, 2n ** 63n - 1n, -(2n ** 63n), 2n, null],
    });
    expect(applyToColumn(D.Double, [-1.5, 1.5, 1.0000001, 1, 0.1, -0.1, 3], ceil).js).toEqual([-1n, 2n, 2n, 1n, 1n, 0n, 3n]);
    expect(applyToColumn(D.Integer, [5, null], floor)).toEqual({ type: D.Long, js: [5n, null] });
    expect(applyToColumn(D.decimal(10, 2), ['-1.50', '1.50', '2.00', '-0.01'], floor)).toEqual({ type: D.decimal(9, 0), js: ['-2', '1', '2', '-1'] });
    expect(applyToColumn(D.decimal(10, 2), ['-1.50', '1.50', '2.00', '0.01'], ceil).js).toEqual(['-1', '2', '2', '1']);
    expect(applyToColumn(D.Double, [4, 2, -1, 0, null], sqrt).js).toEqual([2, Math.SQRT2, NaN, 0, null]);
    expect(applyToColumn(D.Integer, [9], sqrt)).toEqual({ type: D.Double, js: [3] });
    const base = columnFromJs(D.Double, [2, 3, null, 10]);
    const e = pow(base, { type: D.Integer, value: 2 });
    expect(columnToJs(e)).toEqual([4, 9, null, 100]);
    const e2 = pow({ type: D.Double, value: 2 }, base);
    expect(columnToJs(e2)).toEqual([4, 8, null, 1024]);
    for (const c of [base, e, e2]) c.release();
    expect(mathResultType('floor', D.decimal(18, 0))).toEqual(D.decimal(18, 0));
    expect(mathResultType('round', D.decimal(18, 6), 2)).toEqual(D.decimal(15, 2));
  });

  it('abs and sqrt compile to SIMD', () => {
    const body = watFunctions('math');
    expect(body('abs_i32')).toMatch(/i32x4\.abs/);
    expect(body('abs_f64')).toMatch(/f64x2\.abs/);
    expect(body('sqrt_f64')).toMatch(/f64x2\.sqrt/);
  });
});
