import { describe, expect, it } from 'vitest';
import { type CompareOp, compare, equalNullSafe, inList, isNotNull, isNull } from '../src/kernels/compare.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { Column } from '../src/types/column.js';
import { type CellValue, columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNullCountInvariant, mulberry32, sparkCompare, watFunctions } from './support.js';

const PIECES = ['a', 'b', 'é', '日本', '😀', 'ab', '', 'Ω', 'zz', 'a\u0000'];
const LENGTHS = [0, 1, 7, 15, 16, 17, 33, 100, 1000];
const OPS: CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

/** Random JS value of a type from a small domain (so equal values occur), ~20% nulls. */
function randomValue(type: DataType, rnd: () => number): unknown {
  if (rnd() < 0.2) return null;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (type.kind) {
    case 'boolean':
      return rnd() < 0.5;
    case 'int8':
      return pick([-128, 127, 0, -1, 1, 5]);
    case 'int16':
      return pick([-32768, 32767, 0, -1, 1, 300]);
    case 'int32':
      return pick([-2147483648, 2147483647, 0, -1, 1, 70000]);
    case 'int64':
      return pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 1n, 2n ** 40n]);
    case 'float32':
      return Math.fround(pick([NaN, -0, 0, 1.5, -1.5, Infinity, -Infinity, 3.4e38, 1e-45]));
    case 'float64':
      return pick([NaN, -0, 0, 1.5, -1.5, Infinity, -Infinity, 1e300, 5e-324, 0.1 + 0.2]);
    case 'decimal':
      return pick(['0.00', '-0.01', '12.34', '-12.34', '99999999.99', '-99999999.99', '1.00']);
    case 'date32':
      return pick(['1970-01-01', '1969-12-31', '2024-02-29', '0001-01-01', '9999-12-31']);
    case 'timestamp':
      return pick([0n, -1n, 1n, 1_700_000_000_000_000n, -62_135_596_800_000_000n]);
    case 'utf8': {
      const k = Math.floor(rnd() * 3);
      let s = '';
      for (let i = 0; i < k; i++) s += pick(PIECES);
      return s;
    }
    default:
      return null;
  }
}

function refOp(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function expectValidColumn(c: Column, n: number): void {
  expect(c.length).toBe(n);
  expectNullCountInvariant(c);
}

const TYPES: DataType[] = [
  DataTypes.Boolean,
  DataTypes.Byte,
  DataTypes.Short,
  DataTypes.Integer,
  DataTypes.Long,
  DataTypes.Float,
  DataTypes.Double,
  DataTypes.decimal(10, 2),
  DataTypes.Date,
  DataTypes.Timestamp,
  DataTypes.String,
];

describe('compare kernels vs reference', () => {
  for (const type of TYPES) {
    it(`column vs column and vs scalar: ${type.kind}`, () => {
      const mem = runtime().memory;
      const start = mem.liveBytes;
      const rnd = mulberry32(42 + type.kind.length);
      for (const n of LENGTHS) {
        const xs = Array.from({ length: n }, () => randomValue(type, rnd));
        const ys = Array.from({ length: n }, () => randomValue(type, rnd));
        const a = columnFromJs(type, xs);
        const b = columnFromJs(type, ys);
        let s: unknown = null;
        while (s === null) s = randomValue(type, rnd);
        for (const op of OPS) {
          const r = compare(op, a, b);
          expectValidColumn(r, n);
          const got = columnToJs(r);
          for (let i = 0; i < n; i++) {
            const want = xs[i] === null || ys[i] === null ? null : refOp(op, sparkCompare(type, xs[i], ys[i]));
            if (got[i] !== want) throw new Error(`${type.kind} ${op} row ${i}: ${String(xs[i])} vs ${String(ys[i])} got ${got[i]} want ${want}`);
          }
          r.release();
          const rs = compare(op, a, { type, value: s as CellValue });
          const ls = compare(op, { type, value: s as CellValue }, a);
          const gotR = columnToJs(rs);
          const gotL = columnToJs(ls);
          for (let i = 0; i < n; i++) {
            const wantR = xs[i] === null ? null : refOp(op, sparkCompare(type, xs[i], s));
            const wantL = xs[i] === null ? null : refOp(op, sparkCompare(type, s, xs[i]));
            if (gotR[i] !== wantR) throw new Error(`${type.kind} col ${op} scalar row ${i}: ${String(xs[i])} vs ${String(s)}`);
            if (gotL[i] !== wantL) throw new Error(`${type.kind} scalar ${op} col row ${i}: ${String(s)} vs ${String(xs[i])}`);
          }
          expect(rs.nullCount).toBe(a.nullCount);
          rs.release();
          ls.release();
        }
        a.release();
        b.release();
      }
      expect(mem.liveBytes).toBe(start);
    });
  }

  it('Spark float semantics: NaN = NaN, NaN greatest, -0.0 = 0.0', () => {
    const a = columnFromJs(DataTypes.Double, [NaN, NaN, -0, 1, Infinity]);
    const b = columnFromJs(DataTypes.Double, [NaN, Infinity, 0, NaN, NaN]);
    expect(columnToJs(compare('=', a, b))).toEqual([true, false, true, false, false]);
    expect(columnToJs(compare('>', a, b))).toEqual([false, true, false, false, false]);
    expect(columnToJs(compare('<', a, b))).toEqual([false, false, false, true, true]);
    expect(columnToJs(compare('<=', a, b))).toEqual([true, false, true, true, true]);
  });

  it('mixed types are brought to the common type', () => {
    const ints = columnFromJs(DataTypes.Integer, [1, 2, null, -5]);
    const longs = columnFromJs(DataTypes.Long, [1n, 3n, 1n, -(2n ** 40n)]);
    expect(columnToJs(compare('<', ints, longs))).toEqual([false, true, null, false]);
    const dbl = columnFromJs(DataTypes.Double, [1.0, 1.5, 0, -5]);
    expect(columnToJs(compare('=', ints, dbl))).toEqual([true, false, null, true]);
    // decimals of different scales and integral vs decimal compare exactly
    const d2 = columnFromJs(DataTypes.decimal(10, 2), ['1.50', '2.00', '-0.01', '99999999.99']);
    const d4 = columnFromJs(DataTypes.decimal(18, 4), ['1.5000', '1.9999', '-0.0100', '99999999999999.9999']);
    expect(columnToJs(compare('=', d2, d4))).toEqual([true, false, true, false]);
    expect(columnToJs(compare('>', d2, d4))).toEqual([false, true, false, false]);
    const big = columnFromJs(DataTypes.decimal(18, 0), ['999999999999999999', '-999999999999999999', '0', '1']);
    const frac = columnFromJs(DataTypes.decimal(18, 17), ['9.99999999999999999', '-1.00000000000000000', '0', '1.00000000000000001']);
    expect(columnToJs(compare('>', big, frac))).toEqual([true, false, false, false]);
    expect(columnToJs(compare('<', big, frac))).toEqual([false, true, false, true]);
    expect(columnToJs(compare('=', ints, { type: DataTypes.decimal(5, 1), value: '2.0' }))).toEqual([false, true, null, false]);
    // string vs date -> date; null scalar -> all null
    const dates = columnFromJs(DataTypes.Date, ['2024-01-02', '2023-12-31']);
    expect(columnToJs(compare('>', dates, { type: DataTypes.String, value: '2024-01-01' }))).toEqual([true, false]);
    const r = compare('=', dates, { type: DataTypes.Date, value: null });
    expect(r.nullCount).toBe(2);
  });

  it('multi-byte UTF-8 compares in byte (code point) order', () => {
    const a = columnFromJs(DataTypes.String, ['\uffff', '😀', 'abc', 'ab', 'é', '']);
    const b = columnFromJs(DataTypes.String, ['😀', '\uffff', 'abd', 'abc', 'z', '\u0000']);
    // JS string order (UTF-16) says '\uffff' > '😀'; UTF-8 byte order says the opposite.
    expect(columnToJs(compare('<', a, b))).toEqual([true, false, true, true, false, true]);
    const long1 = 'x'.repeat(40) + 'a';
    const long2 = 'x'.repeat(40) + 'b';
    const c = columnFromJs(DataTypes.String, [long1, long2, long1]);
    expect(columnToJs(compare('<', c, { type: DataTypes.String, value: long2 }))).toEqual([true, false, true]);
    expect(columnToJs(compare('=', c, { type: DataTypes.String, value: long1 }))).toEqual([true, false, true]);
  });

  it('is_null, is_not_null and <=> are never null', () => {
    const rnd = mulberry32(7);
    for (const n of LENGTHS) {
      const xs = Array.from({ length: n }, () => randomValue(DataTypes.Integer, rnd));
      const ys = Array.from({ length: n }, () => randomValue(DataTypes.Integer, rnd));
      const a = columnFromJs(DataTypes.Integer, xs);
      const b = columnFromJs(DataTypes.Integer, ys);
      const isn = isNull(a);
      const notn = isNotNull(a);
      const ns = equalNullSafe(a, b);
      expect(isn.validity).toBeNull();
      expect(columnToJs(isn)).toEqual(xs.map((v) => v === null));
      expect(columnToJs(notn)).toEqual(xs.map((v) => v !== null));
      expect(columnToJs(ns)).toEqual(xs.map((v, i) => (v === null || ys[i] === null ? v === ys[i] : v === ys[i])));
      const nsNull = equalNullSafe(a, { type: DataTypes.Integer, value: null });
      expect(columnToJs(nsNull)).toEqual(xs.map((v) => v === null));
      for (const c of [a, b, isn, notn, ns, nsNull]) c.release();
    }
  });

  it('IN lists follow Spark null semantics', () => {
    const rnd = mulberry32(99);
    for (const type of [DataTypes.Integer, DataTypes.Double, DataTypes.String, DataTypes.Long, DataTypes.Short] as DataType[]) {
      for (const n of LENGTHS) {
        const xs = Array.from({ length: n }, () => randomValue(type, rnd));
        const a = columnFromJs(type, xs);
        const list = Array.from({ length: 3 }, () => randomValue(type, rnd)).filter((v) => v !== null) as CellValue[];
        for (const withNull of [false, true]) {
          const l = withNull ? [...list, null] : list;
          const r = inList(a, l, type);
          expectValidColumn(r, n);
          const got = columnToJs(r);
          for (let i = 0; i < n; i++) {
            const found = xs[i] !== null && list.some((v) => sparkCompare(type, v, xs[i]) === 0);
            const want = xs[i] === null ? null : found ? true : withNull ? null : false;
            expect(got[i]).toBe(want);
          }
          r.release();
        }
        a.release();
      }
    }
    const d = columnFromJs(DataTypes.Double, [NaN, -0, 1]);
    expect(columnToJs(inList(d, [NaN, 0], DataTypes.Double))).toEqual([true, true, false]);
    const i = columnFromJs(DataTypes.Integer, [1, 2, 3]);
    expect(columnToJs(inList(i, ['2', null], DataTypes.String))).toEqual([null, true, null]);
  });

  it('hot fixed-width compare loops compile to SIMD', () => {
    const body = watFunctions('compare');
    expect(body('cmp_cc_i32')).toMatch(/i32x4\.lt_s/);
    expect(body('cmp_cc_i32')).toMatch(/i8x16\.narrow_i16x8_s/);
    expect(body('cmp_cc_i64')).toMatch(/i64x2\.(lt_s|gt_s)/);
    expect(body('cmp_cc_f64')).toMatch(/f64x2\.(lt|eq)/);
    expect(body('cmp_cs_f32')).toMatch(/f32x4\./);
    expect(body('cmp_cc_i8')).toMatch(/i8x16\.eq/);
    expect(body('in_list_i32')).toMatch(/i32x4\.eq/);
    expect(body('is_null')).toMatch(/v128\.xor/);
  });
});
