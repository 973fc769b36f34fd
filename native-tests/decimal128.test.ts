/**
 * The int128 decimal kernels (assembly/decimal128.ts, wrappers src/kernels/decimal128.ts and the
 * shared wrappers that route wide decimals to them) against a BigInt reference: arithmetic of every
 * layout combination, rescaling casts, float/int/string casts, comparison, hashing, sort keys,
 * gather, if/else, and the aggregation states (sum, avg, min, max, first).
 */
import { describe, expect, it } from 'vitest';
import { type AccumulatorSpec, groupBy } from '../src/kernels/aggregate.js';
import { arithmetic, negate } from '../src/kernels/arith.js';
import { castColumn } from '../src/kernels/cast.js';
import { compare, inList } from '../src/kernels/compare.js';
import { abs, ceil, floor, mathResultType, round } from '../src/kernels/math.js';
import { ifElse } from '../src/kernels/conditional.js';
import { hashColumns } from '../src/kernels/hash.js';
import { takeColumn } from '../src/kernels/take.js';
import { argsort } from '../src/kernels/sort.js';
import { KeyTable } from '../src/kernels/key-table.js';
import { type DataType, DataTypes, byteWidth, decimalByteWidth } from '../src/types/data-type.js';
import { arithmeticResultType, avgResultType, sumResultType } from '../src/types/type-coercion.js';
import { type CellValue, columnFromJs, columnToJs, formatDecimal, parseDecimal } from '../src/types/values.js';
import { MemoryReservation, WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, expectNullCountInvariant, mulberry32, watFunctions } from './support.js';

expectNoLeaksPerTest();

const LENGTHS = [0, 1, 7, 17, 200];
type Dec = DataType & { kind: 'decimal' };

/** A random unscaled value of at most p digits (often near 10^p, sometimes 0 or tiny), or null. */
function randomUnscaled(p: number, rnd: () => number): bigint | null {
  if (rnd() < 0.1) return null;
  const r = rnd();
  let digits: number;
  if (r < 0.3) digits = p;
  else if (r < 0.4) digits = 1;
  else digits = 1 + Math.floor(rnd() * p);
  let v = 0n;
  for (let i = 0; i < digits; i++) v = v * 10n + BigInt(Math.floor(rnd() * 10));
  if (rnd() < 0.1) v = 10n ** BigInt(p) - 1n; // the largest value
  return rnd() < 0.5 ? -v : v;
}

function randomColumnValues(t: Dec, n: number, rnd: () => number): (string | null)[] {
  return Array.from({ length: n }, () => {
    const u = randomUnscaled(t.precision, rnd);
    return u === null ? null : formatDecimal(u, t.scale);
  });
}

/** BigInt HALF_UP division of a by b (b != 0). */
function divHalfUp(a: bigint, b: bigint): bigint {
  const neg = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  let q = x / y;
  if ((x % y) * 2n >= y) q += 1n;
  return neg ? -q : q;
}

const pow = (k: number) => 10n ** BigInt(k);

/** Spark's decimal op on unscaled values (null when the result leaves p digits or divides by 0). */
function reference(op: string, x: bigint, s1: number, y: bigint, s2: number, rt: Dec): bigint | null {
  const { precision: p, scale: s } = rt;
  let r: bigint;
  switch (op) {
    case '+':
    case '-': {
      const big = Math.max(s1, s2);
      const a = x * pow(big - s1);
      const b = y * pow(big - s2);
      r = divHalfUp(op === '+' ? a + b : a - b, pow(big - s));
      break;
    }
    case '*':
      r = divHalfUp(x * y, pow(s1 + s2 - s));
      break;
    case '/': {
      if (y === 0n) return null;
      const e = s - s1 + s2;
      r = e >= 0 ? divHalfUp(x * pow(e), y) : divHalfUp(x, y * pow(-e));
      break;
    }
    default: {
      if (y === 0n) return null;
      const big = Math.max(s1, s2);
      const a = x * pow(big - s1);
      const b = y * pow(big - s2);
      const m = a % b; // sign of a (BigInt truncates)
      r = divHalfUp(m, pow(big - s));
    }
  }
  return r >= pow(p) || r <= -pow(p) ? null : r;
}

describe('decimal128 arithmetic vs BigInt', () => {
  const combos: [Dec, Dec][] = [
    [DataTypes.decimal(38, 0) as Dec, DataTypes.decimal(38, 0) as Dec],
    [DataTypes.decimal(38, 10) as Dec, DataTypes.decimal(20, 2) as Dec],
    [DataTypes.decimal(25, 2) as Dec, DataTypes.decimal(15, 2) as Dec],
    [DataTypes.decimal(10, 2) as Dec, DataTypes.decimal(30, 20) as Dec],
    [DataTypes.decimal(18, 5) as Dec, DataTypes.decimal(18, 0) as Dec],
    [DataTypes.decimal(38, 38) as Dec, DataTypes.decimal(19, 1) as Dec],
  ];
  for (const op of ['+', '-', '*', '/', '%'] as const) {
    it(`'${op}' of every layout combination, near 10^38, negatives, overflow, nulls`, () => {
      const rnd = mulberry32(op.charCodeAt(0));
      for (const [ta, tb] of combos) {
        const rt = arithmeticResultType(op, ta, tb) as Dec;
        for (const n of LENGTHS) {
          const av = randomColumnValues(ta, n, rnd);
          const bv = randomColumnValues(tb, n, rnd);
          if (n > 3) bv[2] = formatDecimal(0n, tb.scale); // a zero divisor
          const a = columnFromJs(ta, av);
          const b = columnFromJs(tb, bv);
          const r = arithmetic(op, a, b, rt);
          try {
            expectNullCountInvariant(r);
            expect(r.type).toEqual(rt);
            const got = columnToJs(r);
            const want = av.map((x, i) => {
              const y = bv[i];
              if (x === null || y === null || y === undefined) return null;
              const v = reference(op, parseDecimal(x, ta.scale), ta.scale, parseDecimal(y, tb.scale), tb.scale, rt);
              return v === null ? null : formatDecimal(v, rt.scale);
            });
            expect(got).toEqual(want);
          } finally {
            a.release();
            b.release();
            r.release();
          }
        }
      }
    });
  }

  it('scalar operands on either side, and negation', () => {
    const t = DataTypes.decimal(30, 4) as Dec;
    const c = columnFromJs(t, ['12345678901234567890123456.7890', '-1.0001', null, '0.0000']);
    const s = { type: DataTypes.decimal(20, 2), value: '99999999999999999.99' };
    const r1 = arithmetic('+', c, s);
    const r2 = arithmetic('-', s, c);
    const neg = negate(c);
    try {
      expect(r1.type).toEqual(DataTypes.decimal(31, 4));
      expect(columnToJs(r1)).toEqual([
        formatDecimal(parseDecimal('12345678901234567890123456.7890', 4) + parseDecimal('99999999999999999.99', 4), 4),
        '99999999999999998.9899',
        null,
        '99999999999999999.9900',
      ]);
      expect(columnToJs(r2)).toEqual([
        formatDecimal(parseDecimal('99999999999999999.99', 4) - parseDecimal('12345678901234567890123456.7890', 4), 4),
        '100000000000000000.9901',
        null,
        '99999999999999999.9900',
      ]);
      expect(columnToJs(neg)).toEqual(['-12345678901234567890123456.7890', '1.0001', null, '0.0000']);
    } finally {
      for (const x of [c, r1, r2, neg]) x.release();
    }
  });
});

describe('decimal128 casts', () => {
  it('rescale between widths and scales, HALF_UP, null on overflow', () => {
    const rnd = mulberry32(7);
    const types = [DataTypes.decimal(38, 0), DataTypes.decimal(38, 20), DataTypes.decimal(20, 1), DataTypes.decimal(18, 3), DataTypes.decimal(9, 9), DataTypes.decimal(25, 5)] as Dec[];
    for (const from of types) {
      for (const to of types) {
        for (const n of [0, 1, 17, 100]) {
          const vals = randomColumnValues(from, n, rnd);
          const c = columnFromJs(from, vals);
          const r = castColumn(c, to);
          try {
            expectNullCountInvariant(r);
            const want = vals.map((v) => {
              if (v === null) return null;
              const u = parseDecimal(v, from.scale);
              const w = to.scale >= from.scale ? u * pow(to.scale - from.scale) : divHalfUp(u, pow(from.scale - to.scale));
              return w >= pow(to.precision) || w <= -pow(to.precision) ? null : formatDecimal(w, to.scale);
            });
            expect(columnToJs(r)).toEqual(want);
          } finally {
            c.release();
            r.release();
          }
        }
      }
    }
  });

  it('integers, doubles and strings to and from wide decimals', () => {
    const t = DataTypes.decimal(38, 2) as Dec;
    const longs = columnFromJs(DataTypes.Long, [9223372036854775807n, -9223372036854775808n, 0n, null]);
    const fromLong = castColumn(longs, t);
    expect(columnToJs(fromLong)).toEqual(['9223372036854775807.00', '-9223372036854775808.00', '0.00', null]);
    const ints = columnFromJs(DataTypes.Integer, [5, -3, null]);
    const fromInt = castColumn(ints, DataTypes.decimal(20, 0));
    expect(columnToJs(fromInt)).toEqual(['5', '-3', null]);
    const dbl = columnFromJs(DataTypes.Double, [1.005, -2.5, 1e30, NaN, 1e40, null]);
    const fromDbl = castColumn(dbl, t);
    // Spark's Decimal(double) starts from the shortest text of the double: 1.005 -> 1.01, 1e30 -> 10^30
    const got = columnToJs(fromDbl);
    expect(got[0]).toBe('1.01');
    expect(got[1]).toBe('-2.50');
    expect(got[2]).toBe('1000000000000000000000000000000.00');
    expect(got.slice(3)).toEqual([null, null, null]);
    const wide = columnFromJs(t, ['123456789012345678901234567890.25', '-0.07', null]);
    const toDbl = castColumn(wide, DataTypes.Double);
    expect(columnToJs(toDbl)).toEqual([123456789012345678901234567890.25, -0.07, null]);
    const toLong = castColumn(wide, DataTypes.Long);
    // truncation toward zero, low 64 bits (Spark's Decimal.toLong)
    expect(columnToJs(toLong)).toEqual([BigInt.asIntN(64, 123456789012345678901234567890n), 0n, null]);
    const toStr = castColumn(wide, DataTypes.String);
    expect(columnToJs(toStr)).toEqual(['123456789012345678901234567890.25', '-0.07', null]);
    const strs = columnFromJs(DataTypes.String, [' 1.235 ', 'abc', '-1e3', '1' + '0'.repeat(37), null]);
    const fromStr = castColumn(strs, DataTypes.decimal(38, 2));
    expect(columnToJs(fromStr)).toEqual(['1.24', null, '-1000.00', null, null]);
    for (const c of [longs, fromLong, ints, fromInt, dbl, fromDbl, wide, toDbl, toLong, toStr, strs, fromStr]) c.release();
  });
});

describe('decimal128 compare, hash, sort keys, gather, if/else', () => {
  it('comparison across widths and scales', () => {
    const rnd = mulberry32(11);
    const ta = DataTypes.decimal(30, 3) as Dec;
    const tb = DataTypes.decimal(12, 1) as Dec;
    for (const n of LENGTHS) {
      const av = randomColumnValues(ta, n, rnd);
      const bv = randomColumnValues(tb, n, rnd);
      if (n > 1) av[1] = bv[1] === null ? null : formatDecimal(parseDecimal(bv[1], 1) * 100n, 3); // equal values
      const a = columnFromJs(ta, av);
      const b = columnFromJs(tb, bv);
      for (const op of ['=', '<', '>=', '!='] as const) {
        const r = compare(op, a, b);
        const want = av.map((x, i) => {
          const y = bv[i];
          if (x === null || y === null || y === undefined) return null;
          const c = parseDecimal(x, 3) - parseDecimal(y, 1) * 100n;
          return op === '=' ? c === 0n : op === '<' ? c < 0n : op === '>=' ? c >= 0n : c !== 0n;
        });
        expect(columnToJs(r)).toEqual(want);
        r.release();
      }
      a.release();
      b.release();
    }
  });

  it('comparison is exact even where no common decimal type holds both sides', () => {
    const a = columnFromJs(DataTypes.decimal(38, 0), ['9'.repeat(38), '-' + '9'.repeat(38), '0', '2']);
    const b = columnFromJs(DataTypes.decimal(38, 30), ['1.5', '1.5', '0.000000000000000000000000000001', '2.000000000000000000000000000000']);
    const gt = compare('>', a, b);
    const eq = compare('=', a, b);
    expect(columnToJs(gt)).toEqual([true, false, false, false]);
    expect(columnToJs(eq)).toEqual([false, false, false, true]);
    for (const c of [a, b, gt, eq]) c.release();
  });

  it('hash: equal values hash equally, int64-range values hash like bigint', () => {
    const t = DataTypes.decimal(25, 0);
    const vals = ['5', '-5', '123456789012345678901234', '123456789012345678901234', null];
    const c = columnFromJs(t, vals);
    const longs = columnFromJs(DataTypes.Long, [5n, -5n, 1n, 1n, null]);
    const mem = runtime().memory;
    const h1 = hashColumns([c], vals.length);
    const h2 = hashColumns([longs], vals.length);
    const a = mem.u8(h1.ptr, 40).slice();
    const b = mem.u8(h2.ptr, 40).slice();
    const word = (x: Uint8Array, i: number) => Buffer.from(x.subarray(8 * i, 8 * i + 8)).toString('hex');
    expect(word(a, 0)).toBe(word(b, 0));
    expect(word(a, 1)).toBe(word(b, 1));
    expect(word(a, 2)).toBe(word(a, 3));
    expect(word(a, 2)).not.toBe(word(a, 0));
    expect(word(a, 4)).toBe(word(b, 4));
    for (const x of [h1, h2]) x.release();
    c.release();
    longs.release();
  });

  it('gather and if/else move 16-byte values', () => {
    const t = DataTypes.decimal(38, 5);
    const vals = ['1.00000', null, '-99999999999999999999999999999999.99999', '0.00001'];
    const c = columnFromJs(t, vals);
    const mem = runtime().memory;
    const idx = WasmBuffer.allocate(mem, 16);
    mem.i32(idx.ptr, 4).set([3, 2, 1, 2]);
    const taken = takeColumn(c, idx, 4);
    expect(columnToJs(taken)).toEqual([vals[3], vals[2], null, vals[2]]);
    const cond = columnFromJs(DataTypes.Boolean, [true, false, null, true]);
    const chosen = ifElse(cond, c, taken);
    expect(columnToJs(chosen)).toEqual([vals[0], vals[2], null, vals[3]]);
    for (const x of [c, taken, cond, chosen]) x.release();
    idx.release();
  });
});

describe('decimal128 math: abs, floor, ceil, round; IN lists', () => {
  it('against BigInt, with Spark result types', () => {
    const rnd = mulberry32(51);
    const t = DataTypes.decimal(38, 4) as Dec;
    const floorDiv = (a: bigint, b: bigint) => (a < 0n && a % b !== 0n ? a / b - 1n : a / b);
    for (const n of [0, 1, 17, 200]) {
      const vals = randomColumnValues(t, n, rnd);
      const c = columnFromJs(t, vals);
      const u = vals.map((v) => (v === null ? null : parseDecimal(v, 4)));
      const check = (r: ReturnType<typeof abs>, want: (x: bigint) => bigint, rt: Dec) => {
        expect(r.type).toEqual(rt);
        expectNullCountInvariant(r);
        expect(columnToJs(r)).toEqual(u.map((x) => {
          if (x === null) return null;
          const w = want(x);
          return w >= pow(rt.precision) || w <= -pow(rt.precision) ? null : formatDecimal(w, rt.scale);
        }));
        r.release();
      };
      check(abs(c), (x) => (x < 0n ? -x : x), t);
      check(floor(c), (x) => floorDiv(x, 10000n), mathResultType('floor', t) as Dec);
      check(ceil(c), (x) => -floorDiv(-x, 10000n), mathResultType('ceil', t) as Dec);
      for (const digits of [2, 0, -3]) {
        const rt = mathResultType('round', t, digits) as Dec;
        check(round(c, digits), (x) => divHalfUp(x, pow(4 - digits)) * pow(rt.scale - digits), rt);
      }
      const list = [vals[0] ?? '1.0000', '-5.0000', null];
      const r = inList(c, list);
      expect(columnToJs(r)).toEqual(vals.map((v) => (v === null ? null : v === list[0] || v === '-5.0000' ? true : null)));
      r.release();
      c.release();
    }
  });
});

describe('decimal128 sort keys and grouping keys', () => {
  it('argsort orders int128 values (asc/desc, nulls first/last), ties by row', () => {
    const rnd = mulberry32(31);
    const t = DataTypes.decimal(38, 3) as Dec;
    for (const n of [0, 1, 7, 17, 300]) {
      const vals = randomColumnValues(t, n, rnd);
      if (n > 4) vals[3] = vals[1]!; // a tie
      const c = columnFromJs(t, vals);
      for (const ascending of [true, false]) {
        for (const nullsFirst of [true, false]) {
          const idx = argsort([c], [{ index: 0, ascending, nullsFirst }], n);
          const got = Array.from(runtime().memory.i32(idx.ptr, n));
          const want = Array.from({ length: n }, (_, i) => i).sort((x, y) => {
            const a = vals[x]!;
            const b = vals[y]!;
            if (a === null || b === null) {
              if (a === b) return x - y;
              return (a === null) === nullsFirst ? -1 : 1;
            }
            const d = parseDecimal(a, 3) - parseDecimal(b, 3);
            const cmp = d < 0n ? -1 : d > 0n ? 1 : 0;
            return (ascending ? cmp : -cmp) || x - y;
          });
          expect(got).toEqual(want);
          idx.release();
        }
      }
      c.release();
    }
  });

  it('a key table groups int128 keys (alone and with another key), nulls as one group', () => {
    const rnd = mulberry32(41);
    const t = DataTypes.decimal(30, 0) as Dec;
    const pool = ['1', '-1', '123456789012345678901234567890'.slice(0, 30), '18446744073709551616', '0', null];
    for (const n of [0, 1, 17, 500]) {
      const vals = Array.from({ length: n }, () => pool[Math.floor(rnd() * pool.length)]!);
      const other = Array.from({ length: n }, () => Math.floor(rnd() * 2));
      const c = columnFromJs(t, vals);
      const o = columnFromJs(DataTypes.Integer, other);
      for (const keys of [[c], [c, o]]) {
        const res = new MemoryReservation('HashAggregate', 1 << 30);
        const table = new KeyTable(runtime().module('aggregate'), runtime().memory, keys.map((k) => k.type), res, { nullsFormGroups: true });
        const gids = WasmBuffer.allocate(runtime().memory, Math.max(1, n) * 4);
        table.insert(keys, n, gids.ptr);
        const got = Array.from(runtime().memory.i32(gids.ptr, n));
        const seen = new Map<string, number>();
        const want = vals.map((v, i) => {
          const key = keys.length === 1 ? String(v) : `${String(v)}|${other[i]}`;
          if (!seen.has(key)) seen.set(key, seen.size);
          return seen.get(key)!;
        });
        expect(got).toEqual(want);
        const back = table.keyColumn(0, 0, table.numGroups);
        expect(columnToJs(back)).toEqual([...seen.keys()].map((k) => (k.split('|')[0] === 'null' ? null : k.split('|')[0])));
        back.release();
        gids.release();
        table.release();
      }
      c.release();
      o.release();
    }
  });
});

describe('decimal128 kernels compile to SIMD where it pays', () => {
  it('ungrouped sum and the gather use v128', () => {
    const wat = watFunctions('decimal128');
    expect(wat('agg_sum_all_128')).toMatch(/i64x2\.add/);
    expect(wat('take_128')).toMatch(/v128\.load/);
  });
});

it('byte width helper: 8 up to 18 digits, 16 beyond', () => {
  expect(decimalByteWidth(18)).toBe(8);
  expect(decimalByteWidth(19)).toBe(16);
  expect(byteWidth(DataTypes.decimal(38, 10))).toBe(16);
  expect(() => DataTypes.decimal(39, 0)).toThrow(/between 1 and 38/);
  void ({} as CellValue);
});

describe('decimal128 aggregation (sum, avg, min, max, first) vs BigInt', () => {
  const inputs = [DataTypes.decimal(15, 2), DataTypes.decimal(30, 4), DataTypes.decimal(38, 0), DataTypes.decimal(5, 5)] as Dec[];
  for (const t of inputs) {
    it(`decimal(${t.precision},${t.scale}) grouped and ungrouped`, () => {
      const rnd = mulberry32(t.precision * 100 + t.scale);
      for (const n of [0, 1, 7, 17, 1000]) {
        for (const grouped of [false, true]) {
          const vals = randomColumnValues(t, n, rnd);
          const keys = Array.from({ length: n }, () => Math.floor(rnd() * 5));
          const keyCol = columnFromJs(DataTypes.Integer, keys);
          const input = columnFromJs(t, vals);
          const sumT = sumResultType(t) as Dec;
          const avgT = avgResultType(t) as Dec;
          const specs: AccumulatorSpec[] = [
            { fn: 'sum', inputType: t, resultType: sumT, name: 's' },
            { fn: 'avg', inputType: t, resultType: avgT, name: 'a' },
            { fn: 'min', inputType: t, resultType: t, name: 'mn' },
            { fn: 'max', inputType: t, resultType: t, name: 'mx' },
            { fn: 'first', inputType: t, resultType: t, name: 'f', ignoreNulls: true },
          ];
          const res = new MemoryReservation('HashAggregate', 1 << 30);
          const out = groupBy(grouped ? [keyCol] : [], specs.map((spec) => ({ spec, input })), res, 64);
          try {
            // reference groups in order of first appearance
            const order: number[] = [];
            const rows = new Map<number, number[]>();
            for (let i = 0; i < n; i++) {
              const g = grouped ? keys[i]! : 0;
              if (!rows.has(g)) {
                rows.set(g, []);
                order.push(g);
              }
              rows.get(g)!.push(i);
            }
            if (!grouped && n === 0) {
              order.push(0);
              rows.set(0, []);
            }
            const want = order.map((g) => {
              const xs = rows.get(g)!.map((i) => vals[i]).filter((v): v is string => v !== null).map((v) => parseDecimal(v, t.scale));
              if (xs.length === 0) return [null, null, null, null, null];
              const total = xs.reduce((a, b) => a + b, 0n);
              const sum = total >= pow(sumT.precision) || total <= -pow(sumT.precision) ? null : formatDecimal(total, sumT.scale);
              const avgU = divHalfUp(total * pow(avgT.scale - t.scale), BigInt(xs.length));
              const avg = avgU >= pow(avgT.precision) || avgU <= -pow(avgT.precision) ? null : formatDecimal(avgU, avgT.scale);
              const mn = xs.reduce((a, b) => (b < a ? b : a));
              const mx = xs.reduce((a, b) => (b > a ? b : a));
              return [sum, avg, formatDecimal(mn, t.scale), formatDecimal(mx, t.scale), formatDecimal(xs[0]!, t.scale)];
            });
            out.results.forEach((c, j) => {
              expectNullCountInvariant(c);
              expect(c.type).toEqual(specs[j]!.resultType);
              expect(columnToJs(c), `${specs[j]!.fn} n=${n} grouped=${grouped}`).toEqual(want.map((w) => w[j]));
            });
          } finally {
            for (const c of [...out.keys, ...out.results]) c.release();
            keyCol.release();
            input.release();
          }
        }
      }
    });
  }

  it('sums of 38-digit values overflow to null, exactly', () => {
    const t = DataTypes.decimal(38, 0) as Dec;
    const big = '9'.repeat(38);
    const input = columnFromJs(t, [big, big, '-1', null]);
    const res = new MemoryReservation('HashAggregate', 1 << 30);
    const out = groupBy([], [{ spec: { fn: 'sum', inputType: t, resultType: t, name: 's' }, input }], res);
    expect(columnToJs(out.results[0]!)).toEqual([null]);
    for (const c of [...out.keys, ...out.results]) c.release();
    input.release();
  });
});
