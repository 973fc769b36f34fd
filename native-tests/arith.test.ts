import { describe, expect, it } from 'vitest';
import { type ArithmeticOp, arithmetic, negate } from '../src/kernels/arith.js';
import { type DataType, DataTypes, typeToString } from '../src/types/data-type.js';
import { arithmeticResultType, avgResultType, commonType, sumResultType } from '../src/types/type-coercion.js';
import { type CellValue, columnFromJs, columnToJs, formatDecimal } from '../src/types/values.js';
import { AnalysisError } from '../src/errors.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNullCountInvariant, mulberry32, watFunctions } from './support.js';

const LENGTHS = [0, 1, 3, 7, 16, 17, 100, 1000];

function randomFixed(type: DataType, rnd: () => number): CellValue {
  if (rnd() < 0.15) return null;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const special = rnd() < 0.3;
  switch (type.kind) {
    case 'int8':
      return special ? pick([-128, 127, 0, -1, 1]) : Math.floor(rnd() * 256) - 128;
    case 'int16':
      return special ? pick([-32768, 32767, 0, -1, 1]) : Math.floor(rnd() * 65536) - 32768;
    case 'int32':
      return special ? pick([-2147483648, 2147483647, 0, -1, 1]) : Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    case 'int64':
      return special
        ? pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 1n])
        : BigInt.asIntN(64, (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32))) >> BigInt(Math.floor(rnd() * 64));
    case 'float32':
      return Math.fround(special ? pick([NaN, -0, 0, Infinity, -Infinity, 1, -1]) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 10));
    case 'float64':
      return special ? pick([NaN, -0, 0, Infinity, -Infinity, 1, -1, 1e308]) : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 20);
    default:
      throw new Error(type.kind);
  }
}

function wrap(type: DataType, v: number | bigint): number | bigint {
  switch (type.kind) {
    case 'int8':
      return (Number(v) << 24) >> 24;
    case 'int16':
      return (Number(v) << 16) >> 16;
    case 'int32':
      return Number(v) | 0;
    case 'int64':
      return BigInt.asIntN(64, v as bigint);
    case 'float32':
      return Math.fround(v as number);
    default:
      return v;
  }
}

function refFixed(op: ArithmeticOp, type: DataType, x: CellValue, y: CellValue): CellValue {
  if (x === null || y === null) return null;
  if (type.kind === 'int64') {
    const a = x as bigint;
    const b = y as bigint;
    if (op === '+') return wrap(type, a + b);
    if (op === '-') return wrap(type, a - b);
    if (op === '*') return wrap(type, a * b);
    if (b === 0n) return null;
    return wrap(type, op === '%' ? a % b : a / b);
  }
  const a = x as number;
  const b = y as number;
  const int = type.kind !== 'float32' && type.kind !== 'float64';
  if (op === '+') return wrap(type, a + b);
  if (op === '-') return wrap(type, a - b);
  if (op === '*') return int ? wrap(type, Number(BigInt(a) * BigInt(b) & 0xffffffffn)) : wrap(type, a * b);
  if (b === 0) return null;
  if (op === '/') return wrap(type, a / b);
  if (op === 'div') return wrap(type, Math.trunc(a / b));
  return int ? wrap(type, a % b) : wrap(type, a % b);
}

function same(got: CellValue, want: CellValue): boolean {
  if (typeof got === 'number' && typeof want === 'number') return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
  return got === want;
}

describe('fixed-width arithmetic vs reference', () => {
  const types: DataType[] = [DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long, DataTypes.Float, DataTypes.Double];
  for (const type of types) {
    it(`${type.kind}: + - * % (and / for floats), column/scalar forms`, () => {
      const mem = runtime().memory;
      const start = mem.liveBytes;
      const rnd = mulberry32(type.kind.length * 31);
      const ops: ArithmeticOp[] = ['+', '-', '*', '%', ...(type.kind.startsWith('float') ? (['/'] as ArithmeticOp[]) : (['div'] as ArithmeticOp[]))];
      for (const n of LENGTHS) {
        const xs = Array.from({ length: n }, () => randomFixed(type, rnd));
        const ys = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? (type.kind === 'int64' ? 0n : 0) : randomFixed(type, rnd)));
        const a = columnFromJs(type, xs);
        const b = columnFromJs(type, ys);
        let s: CellValue = null;
        while (s === null) s = randomFixed(type, rnd);
        for (const op of ops) {
          const rt = op === 'div' ? type : type; // compute in the operand type
          const check = (got: CellValue[], want: (i: number) => CellValue, what: string) => {
            for (let i = 0; i < n; i++) {
              if (!same(got[i]!, want(i))) throw new Error(`${type.kind} ${what} row ${i}: ${String(xs[i])}, ${String(ys[i])}, ${String(s)}: got ${String(got[i])} want ${String(want(i))}`);
            }
          };
          const cc = arithmetic(op, a, b, rt);
          check(columnToJs(cc), (i) => refFixed(op, type, xs[i]!, ys[i]!), `${op} cc`);
          expectNullCountInvariant(cc);
          const cs = arithmetic(op, a, { type, value: s }, rt);
          check(columnToJs(cs), (i) => refFixed(op, type, xs[i]!, s), `${op} cs`);
          const sc = arithmetic(op, { type, value: s }, a, rt);
          check(columnToJs(sc), (i) => refFixed(op, type, s, xs[i]!), `${op} sc`);
          for (const c of [cc, cs, sc]) c.release();
        }
        const neg = negate(a);
        check1(columnToJs(neg), xs.map((x) => (x === null ? null : type.kind === 'int64' ? wrap(type, -(x as bigint)) : wrap(type, -(x as number)))));
        neg.release();
        a.release();
        b.release();
      }
      expect(mem.liveBytes).toBe(start);
    });
  }

  function check1(got: CellValue[], want: CellValue[]): void {
    expect(got.length).toBe(want.length);
    for (let i = 0; i < got.length; i++) if (!same(got[i]!, want[i]!)) throw new Error(`row ${i}: got ${String(got[i])} want ${String(want[i])}`);
  }

  it('integer / is double division; x / 0 and x % 0 are null', () => {
    const a = columnFromJs(DataTypes.Integer, [7, -7, 1, 0, null]);
    const b = columnFromJs(DataTypes.Integer, [2, 2, 0, 0, 1]);
    expect(columnToJs(arithmetic('/', a, b, DataTypes.Double))).toEqual([3.5, -3.5, null, null, null]);
    expect(columnToJs(arithmetic('%', a, b))).toEqual([1, -1, null, null, null]);
    expect(columnToJs(arithmetic('div', a, b))).toEqual([3n, -3n, null, null, null]);
    const d = columnFromJs(DataTypes.Double, [1, -0, NaN]);
    expect(columnToJs(arithmetic('/', d, { type: DataTypes.Double, value: 0 }))).toEqual([null, null, null]);
    expect(columnToJs(arithmetic('%', d, { type: DataTypes.Double, value: -0 }))).toEqual([null, null, null]);
    const min = columnFromJs(DataTypes.Integer, [-2147483648]);
    expect(columnToJs(arithmetic('%', min, { type: DataTypes.Integer, value: -1 }))).toEqual([0]);
    expect(columnToJs(arithmetic('*', min, { type: DataTypes.Integer, value: -1 }))).toEqual([-2147483648]);
    expect(columnToJs(arithmetic('+', min, { type: DataTypes.Long, value: -1n }))).toEqual([-2147483649n]);
  });
});

// ---- decimals ----

function randomUnscaled(p: number, rnd: () => number): bigint {
  const r = rnd();
  if (r < 0.1) return 0n;
  const max = 10n ** BigInt(p) - 1n;
  if (r < 0.2) return rnd() < 0.5 ? max : -max;
  const digits = 1 + Math.floor(rnd() * p);
  let v = 0n;
  for (let i = 0; i < digits; i++) v = v * 10n + BigInt(Math.floor(rnd() * 10));
  return rnd() < 0.5 ? -v : v;
}

function roundHalfUpDiv(n: bigint, d: bigint): bigint {
  const neg = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  if ((an % ad) * 2n >= ad) q += 1n;
  return neg ? -q : q;
}

function refDecimal(op: ArithmeticOp, x: bigint, s1: number, y: bigint, s2: number, p: number, s: number): bigint | null {
  const t = (k: number) => 10n ** BigInt(k);
  const S = Math.max(s1, s2);
  let v: bigint;
  switch (op) {
    case '+':
      v = roundHalfUpDiv(x * t(S - s1) + y * t(S - s2), t(S - s));
      break;
    case '-':
      v = roundHalfUpDiv(x * t(S - s1) - y * t(S - s2), t(S - s));
      break;
    case '*':
      v = roundHalfUpDiv(x * y, t(s1 + s2 - s));
      break;
    case '/':
      if (y === 0n) return null;
      v = roundHalfUpDiv(x * t(s2 + s), y * t(s1));
      break;
    default:
      if (y === 0n) return null;
      v = roundHalfUpDiv((x * t(S - s1)) % (y * t(S - s2)), t(S - s));
  }
  return (v < 0n ? -v : v) >= t(p) ? null : v;
}

describe('decimal arithmetic vs BigInt reference', () => {
  const pairs: [DataType, DataType][] = [
    [DataTypes.decimal(10, 2), DataTypes.decimal(10, 2)],
    [DataTypes.decimal(10, 2), DataTypes.decimal(12, 4)],
    [DataTypes.decimal(18, 0), DataTypes.decimal(18, 18)],
    [DataTypes.decimal(18, 6), DataTypes.decimal(9, 3)],
    [DataTypes.decimal(5, 5), DataTypes.decimal(18, 1)],
    [DataTypes.decimal(17, 9), DataTypes.decimal(17, 8)],
  ];
  for (const [ta, tb] of pairs) {
    it(`${typeToString(ta)} op ${typeToString(tb)}`, () => {
      const mem = runtime().memory;
      const start = mem.liveBytes;
      const rnd = mulberry32(ta.kind.length + (ta as { precision: number }).precision * 7 + (tb as { scale: number }).scale);
      const { precision: p1, scale: s1 } = ta as { precision: number; scale: number };
      const { precision: p2, scale: s2 } = tb as { precision: number; scale: number };
      for (const n of [0, 1, 17, 300]) {
        const xs = Array.from({ length: n }, () => (rnd() < 0.1 ? null : randomUnscaled(p1, rnd)));
        const ys = Array.from({ length: n }, () => (rnd() < 0.1 ? null : randomUnscaled(p2, rnd)));
        const a = columnFromJs(ta, xs.map((v) => (v === null ? null : formatDecimal(v, s1))));
        const b = columnFromJs(tb, ys.map((v) => (v === null ? null : formatDecimal(v, s2))));
        const sv = randomUnscaled(p2, rnd) || 1n;
        for (const op of ['+', '-', '*', '/', '%'] as ArithmeticOp[]) {
          const rt = arithmeticResultType(op, ta, tb) as { precision: number; scale: number; kind: 'decimal' };
          expect(rt.kind).toBe('decimal');
          const check = (col: ReturnType<typeof arithmetic>, want: (i: number) => bigint | null, what: string) => {
            expect(col.type).toEqual(rt);
            const got = columnToJs(col);
            for (let i = 0; i < n; i++) {
              const w = want(i);
              const ws = w === null ? null : formatDecimal(w, rt.scale);
              if (got[i] !== ws) throw new Error(`${what} ${typeToString(rt)} row ${i}: ${String(xs[i])} ${op} ${String(ys[i])} got ${String(got[i])} want ${String(ws)}`);
            }
            expect(col.nullCount).toBe(got.filter((v) => v === null).length);
            col.release();
          };
          check(arithmetic(op, a, b), (i) => (xs[i] === null || ys[i] === null ? null : refDecimal(op, xs[i]!, s1, ys[i]!, s2, rt.precision, rt.scale)), 'cc');
          check(
            arithmetic(op, a, { type: tb, value: formatDecimal(sv, s2) }),
            (i) => (xs[i] === null ? null : refDecimal(op, xs[i]!, s1, sv, s2, rt.precision, rt.scale)),
            'cs',
          );
        }
        a.release();
        b.release();
      }
      expect(mem.liveBytes).toBe(start);
    });
  }

  it('integral with decimal, overflow to null, scalar on the left', () => {
    const ints = columnFromJs(DataTypes.Integer, [3, -7, null, 2147483647]);
    const dec = { type: DataTypes.decimal(5, 2), value: '1.25' };
    const r = arithmetic('*', dec, ints);
    expect(r.type).toEqual(DataTypes.decimal(16, 2));
    expect(columnToJs(r)).toEqual(['3.75', '-8.75', null, '2684354558.75']);
    // Spark: decimal(18,0) + decimal(18,0) is decimal(19,0) (an int128 column); 38 digits overflow to null.
    const big = columnFromJs(DataTypes.decimal(18, 0), ['999999999999999999', '1']);
    const sum = arithmetic('+', big, big);
    expect(sum.type).toEqual(DataTypes.decimal(19, 0));
    expect(columnToJs(sum)).toEqual(['1999999999999999998', '2']);
    const max38 = columnFromJs(DataTypes.decimal(38, 0), ['9'.repeat(38), '1']);
    const sum38 = arithmetic('+', max38, max38);
    expect(sum38.type).toEqual(DataTypes.decimal(38, 0));
    expect(columnToJs(sum38)).toEqual([null, '2']);
    expect(sum38.nullCount).toBe(1);
    const q = arithmetic('/', columnFromJs(DataTypes.decimal(10, 2), ['1.00', '2.00', '-1.00', '5.00']), columnFromJs(DataTypes.decimal(10, 2), ['3.00', '3.00', '3.00', '0.00']));
    expect(q.type).toEqual(DataTypes.decimal(23, 13));
    expect(columnToJs(q)).toEqual(['0.3333333333333', '0.6666666666667', '-0.3333333333333', null]);
    for (const c of [big, sum, max38, sum38, q]) c.release();
  });
});

describe('type coercion rules', () => {
  const D = DataTypes;
  it('arithmetic result types', () => {
    expect(arithmeticResultType('+', D.Integer, D.Integer)).toEqual(D.Integer);
    expect(arithmeticResultType('+', D.Integer, D.Long)).toEqual(D.Long);
    expect(arithmeticResultType('*', D.Byte, D.Byte)).toEqual(D.Byte);
    expect(arithmeticResultType('/', D.Integer, D.Integer)).toEqual(D.Double);
    expect(arithmeticResultType('+', D.Integer, D.Double)).toEqual(D.Double);
    expect(arithmeticResultType('+', D.Float, D.Long)).toEqual(D.Float);
    expect(arithmeticResultType('/', D.Float, D.Float)).toEqual(D.Double);
    expect(arithmeticResultType('div', D.Integer, D.Integer)).toEqual(D.Long);
    expect(arithmeticResultType('+', D.String, D.Integer)).toEqual(D.Double);
    expect(arithmeticResultType('+', D.Null, D.Integer)).toEqual(D.Integer);
    expect(arithmeticResultType('+', D.decimal(10, 2), D.decimal(12, 4))).toEqual(D.decimal(13, 4));
    expect(arithmeticResultType('*', D.decimal(10, 2), D.decimal(5, 1))).toEqual(D.decimal(16, 3));
    expect(arithmeticResultType('/', D.decimal(10, 2), D.decimal(10, 2))).toEqual(D.decimal(23, 13));
    expect(arithmeticResultType('/', D.decimal(10, 2), D.decimal(5, 3))).toEqual(D.decimal(19, 8));
    expect(arithmeticResultType('/', D.decimal(38, 10), D.decimal(38, 10))).toEqual(D.decimal(38, 6));
    expect(arithmeticResultType('+', D.Long, D.decimal(10, 2))).toEqual(D.decimal(23, 2));
    expect(arithmeticResultType('*', D.decimal(38, 2), D.decimal(10, 0))).toEqual(D.decimal(38, 2));
    expect(arithmeticResultType('%', D.decimal(10, 2), D.decimal(5, 3))).toEqual(D.decimal(5, 3));
    expect(arithmeticResultType('+', D.Integer, D.decimal(5, 2))).toEqual(D.decimal(13, 2));
    expect(arithmeticResultType('*', D.decimal(18, 18), D.decimal(18, 18))).toEqual(D.decimal(37, 36));
    expect(arithmeticResultType('*', D.decimal(20, 18), D.decimal(20, 18))).toEqual(D.decimal(38, 33));
    expect(arithmeticResultType('+', D.decimal(10, 2), D.Double)).toEqual(D.Double);
    expect(() => arithmeticResultType('+', D.Boolean, D.Integer)).toThrow(AnalysisError);
    expect(() => arithmeticResultType('+', D.Date, D.Integer)).toThrow(/date.*int/);
  });

  it('common types for comparison and union', () => {
    expect(commonType(D.Integer, D.Long)).toEqual(D.Long);
    expect(commonType(D.Short, D.Float)).toEqual(D.Float);
    expect(commonType(D.Long, D.Double)).toEqual(D.Double);
    expect(commonType(D.Integer, D.decimal(5, 2))).toEqual(D.decimal(12, 2));
    expect(commonType(D.decimal(10, 2), D.decimal(12, 4))).toEqual(D.decimal(12, 4));
    expect(commonType(D.decimal(10, 2), D.Float)).toEqual(D.Double);
    expect(commonType(D.Date, D.Timestamp)).toEqual(D.Timestamp);
    expect(commonType(D.String, D.Date)).toEqual(D.Date);
    expect(commonType(D.Timestamp, D.String)).toEqual(D.Timestamp);
    expect(commonType(D.String, D.Integer)).toEqual(D.Integer);
    expect(commonType(D.String, D.decimal(5, 2))).toEqual(D.Double);
    expect(commonType(D.Null, D.String)).toEqual(D.String);
    expect(commonType(D.String, D.Integer, 'union')).toEqual(D.String);
    expect(() => commonType(D.Boolean, D.Integer)).toThrow(/boolean.*int/);
    expect(() => commonType(D.Boolean, D.String, 'union')).toThrow(AnalysisError);
  });

  it('sum and avg result types', () => {
    expect(sumResultType(D.Integer)).toEqual(D.Long);
    expect(sumResultType(D.Float)).toEqual(D.Double);
    expect(sumResultType(D.decimal(10, 2))).toEqual(D.decimal(20, 2));
    expect(sumResultType(D.decimal(15, 2))).toEqual(D.decimal(25, 2));
    expect(sumResultType(D.decimal(38, 0))).toEqual(D.decimal(38, 0));
    expect(sumResultType(D.decimal(5, 2))).toEqual(D.decimal(15, 2));
    expect(avgResultType(D.decimal(10, 2))).toEqual(D.decimal(14, 6));
    expect(avgResultType(D.decimal(16, 15))).toEqual(D.decimal(20, 19));
    expect(avgResultType(D.decimal(38, 36))).toEqual(D.decimal(38, 38));
    expect(avgResultType(D.Long)).toEqual(D.Double);
  });
});

describe('SIMD', () => {
  it('hot add/sub/mul loops compile to SIMD', () => {
    const body = watFunctions('arith');
    expect(body('add_i32')).toMatch(/i32x4\.add/);
    expect(body('mul_i64')).toMatch(/i64x2\.mul/);
    expect(body('sub_f64')).toMatch(/f64x2\.sub/);
    expect(body('neg_i32')).toMatch(/i32x4\.neg/);
  });
});
