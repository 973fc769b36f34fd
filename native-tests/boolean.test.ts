import { describe, expect, it } from 'vitest';
import { and, combineValidity, not, or } from '../src/kernels/boolean.js';
import { DataTypes } from '../src/types/data-type.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNullCountInvariant, mulberry32, watFunctions } from './support.js';

type B = boolean | null;
const kleeneAnd = (a: B, b: B): B => (a === false || b === false ? false : a === null || b === null ? null : true);
const kleeneOr = (a: B, b: B): B => (a === true || b === true ? true : a === null || b === null ? null : false);
const LENGTHS = [0, 1, 7, 15, 16, 17, 31, 100, 1000];

describe('boolean kernels (Kleene logic)', () => {
  it('and / or / not match the three-valued truth tables on random data', () => {
    const mem = runtime().memory;
    const start = mem.liveBytes;
    const rnd = mulberry32(1);
    for (const n of LENGTHS) {
      for (const nullRate of [0, 0.3, 1]) {
        const gen = (): B[] => Array.from({ length: n }, () => (rnd() < nullRate ? null : rnd() < 0.5));
        const xs = gen();
        const ys = nullRate === 0.3 && n > 3 ? xs.map(() => (rnd() < 0.5 ? true : false)) : gen(); // one side without nulls
        const a = columnFromJs(DataTypes.Boolean, xs);
        const b = columnFromJs(DataTypes.Boolean, ys);
        const r1 = and(a, b);
        const r2 = or(a, b);
        const r3 = not(a);
        expect(columnToJs(r1)).toEqual(xs.map((x, i) => kleeneAnd(x, ys[i]!)));
        expect(columnToJs(r2)).toEqual(xs.map((x, i) => kleeneOr(x, ys[i]!)));
        expect(columnToJs(r3)).toEqual(xs.map((x) => (x === null ? null : !x)));
        for (const r of [r1, r2, r3]) {
          expectNullCountInvariant(r);
        }
        for (const s of [true, false, null]) {
          const ra = and(a, { type: DataTypes.Boolean, value: s });
          const ro = or({ type: DataTypes.Boolean, value: s }, a);
          expect(columnToJs(ra)).toEqual(xs.map((x) => kleeneAnd(x, s)));
          expect(columnToJs(ro)).toEqual(xs.map((x) => kleeneOr(s, x)));
          ra.release();
          ro.release();
        }
        for (const c of [a, b, r1, r2, r3]) c.release();
      }
    }
    expect(mem.liveBytes).toBe(start);
  });

  it('ignores values hidden under null rows', () => {
    // A null row whose value byte is 1 must not make AND true or OR true.
    const a = columnFromJs(DataTypes.Boolean, [true, null, null, false]);
    const mem = runtime().memory;
    mem.u8(a.valuesPtr, 4).set([1, 1, 0, 0]);
    const b = columnFromJs(DataTypes.Boolean, [null, true, false, null]);
    mem.u8(b.valuesPtr, 4).set([1, 1, 0, 1]);
    expect(columnToJs(and(a, b))).toEqual([null, null, false, false]);
    expect(columnToJs(or(a, b))).toEqual([true, true, null, null]);
  });

  it('combineValidity shares a single validity and ANDs several', () => {
    const a = columnFromJs(DataTypes.Integer, [1, null, 3, 4, 5]);
    const b = columnFromJs(DataTypes.Integer, [1, 2, null, 4, 5]);
    const c = columnFromJs(DataTypes.Integer, [1, 2, 3, 4, null]);
    const none = columnFromJs(DataTypes.Integer, [1, 2, 3, 4, 5]);
    expect(combineValidity([none, none]).validity).toBeNull();
    const one = combineValidity([a, none]);
    expect(one.validity).toBe(a.validity);
    expect(one.nullCount).toBe(1);
    one.validity!.release();
    const three = combineValidity([a, b, c]);
    expect(three.nullCount).toBe(3);
    expect([...three.validity!.bytes().slice(0, 5)]).toEqual([1, 0, 0, 1, 0]);
    three.validity!.release();
  });

  it('hot loops compile to SIMD', () => {
    const body = watFunctions('boolean');
    for (const f of ['and_kleene', 'or_kleene', 'not_bool', 'validity_and']) expect(body(f)).toMatch(/v128\.(and|or|xor|load)/);
    expect(body('and_kleene')).toMatch(/v128\.andnot/);
    expect(body('validity_and')).toMatch(/i8x16\.bitmask/);
  });
});
