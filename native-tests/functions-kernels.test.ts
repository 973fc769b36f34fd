/**
 * The kernels behind the functions added to strings / dates / math (octet_length, reverse, repeat,
 * lpad/rpad, locate, translate, initcap; add_months, last_day, trunc, date_trunc, ISO weeks,
 * make_date, months_between, next_day; greatest_pick) against plain TypeScript references of
 * Spark's semantics, on seeded random data with nulls, multi-byte text and odd lengths.
 */
import { describe, expect, it } from 'vitest';
import { DataTypes } from '../src/types/data-type.js';
import type { Column } from '../src/types/column.js';
import { columnFromJs, columnToJs, type CellValue } from '../src/types/values.js';
import * as S from '../src/kernels/strings.js';
import * as D from '../src/kernels/dates.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32, watFunctions } from './support.js';

const LENGTHS = [0, 1, 7, 16, 17, 100];
const CHARS = ['a', 'b', 'Z', ' ', 'é', '日', '🎯', 'ß', 'x', 'ǆ'];

function randomStrings(rnd: () => number, n: number, nulls = true): (string | null)[] {
  return Array.from({ length: n }, () => {
    if (nulls && rnd() < 0.15) return null;
    const len = Math.floor(rnd() * 12);
    return Array.from({ length: len }, () => CHARS[Math.floor(rnd() * CHARS.length)]!).join('');
  });
}

/** Runs `f` on fresh columns and checks that everything is released afterwards. */
function leakFree(f: () => Column[]): void {
  const mem = runtime().memory;
  const before = mem.liveBytes;
  f().forEach((c) => c.release());
  expect(mem.liveBytes).toBe(before);
}

const cp = (s: string) => [...s];
function refPad(s: string, len: number, pad: string, left: boolean): string {
  const chars = cp(s);
  const spaces = len - chars.length;
  if (len <= 0) return '';
  if (spaces <= 0 || pad === '') return chars.slice(0, len).join('');
  const p = cp(pad);
  const fill = Array.from({ length: spaces }, (_, i) => p[i % p.length]).join('');
  return left ? fill + s : s + fill;
}
function refLocate(sub: string, str: string, pos: number): number {
  if (pos < 1) return 0;
  if (sub === '') return 1;
  const chars = cp(str);
  for (let i = pos - 1; i < chars.length; i++) if (chars.slice(i).join('').startsWith(sub)) return i + 1;
  return 0;
}
function refTranslate(s: string, from: string, to: string): string {
  const f = cp(from);
  const t = cp(to);
  const map = new Map<string, string>();
  f.forEach((c, i) => {
    if (!map.has(c)) map.set(c, i < t.length ? t[i]! : '');
  });
  return cp(s).map((c) => (map.has(c) ? map.get(c)! : c)).join('');
}

describe('string kernels', () => {
  it('octet_length / bit_length / reverse / repeat against references', () => {
    const rnd = mulberry32(21);
    for (const n of LENGTHS) {
      const vals = randomStrings(rnd, n);
      const times = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 6) - 1));
      const bytes = (s: string) => new TextEncoder().encode(s).byteLength;
      const c = columnFromJs(DataTypes.String, vals);
      expect(columnToJs(S.octetLength(c))).toEqual(vals.map((v) => (v === null ? null : bytes(v))));
      expect(columnToJs(S.bitLength(c))).toEqual(vals.map((v) => (v === null ? null : 8 * bytes(v))));
      expect(columnToJs(S.reverse(c))).toEqual(vals.map((v) => (v === null ? null : cp(v).reverse().join(''))));
      const t = columnFromJs(DataTypes.Integer, times);
      expect(columnToJs(S.repeat(c, t))).toEqual(vals.map((v, i) => (v === null || times[i] === null ? null : v.repeat(Math.max(0, times[i]!)))));
      c.release();
      t.release();
    }
  });

  it('reverse of long ASCII rows (SIMD path) and of a slice with a non-zero first offset', () => {
    const s = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3);
    const c = columnFromJs(DataTypes.String, [s, 'ab', '', s.slice(5)]);
    expect(columnToJs(S.reverse(c))).toEqual([s, 'ab', '', s.slice(5)].map((v) => [...v].reverse().join('')));
    const part = S.substring(c, 2);
    expect(columnToJs(S.reverse(part))).toEqual(columnToJs(part).map((v) => [...(v as string)].reverse().join('')));
    c.release();
    part.release();
  });

  it('lpad / rpad by characters (cut, pad, empty pad, len <= 0) with multi-byte pads', () => {
    const rnd = mulberry32(22);
    for (const n of LENGTHS) {
      const vals = randomStrings(rnd, n);
      const lens = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 14) - 2));
      const c = columnFromJs(DataTypes.String, vals);
      const l = columnFromJs(DataTypes.Integer, lens);
      for (const pad of [' ', '*', 'xy', 'é日🎯', '']) {
        for (const left of [true, false]) {
          const out = S.pad(c, l, pad, left);
          expect(columnToJs(out), `pad '${pad}' ${left}`).toEqual(vals.map((v, i) => (v === null || lens[i] === null ? null : refPad(v, lens[i]!, pad, left))));
          out.release();
        }
      }
      c.release();
      l.release();
    }
  });

  it('locate / instr: character positions, pos < 1, null pos gives 0, empty substring', () => {
    const rnd = mulberry32(23);
    for (const n of LENGTHS) {
      const strs = randomStrings(rnd, n);
      const subs = Array.from({ length: n }, () => (rnd() < 0.1 ? null : rnd() < 0.2 ? '' : CHARS[Math.floor(rnd() * CHARS.length)]! + (rnd() < 0.3 ? 'a' : '')));
      const pos = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 8) - 1));
      const s = columnFromJs(DataTypes.String, strs);
      const u = columnFromJs(DataTypes.String, subs);
      const p = columnFromJs(DataTypes.Integer, pos);
      const ref = (i: number, q: number | null) => (strs[i] === null || subs[i] === null ? null : q === null ? 0 : refLocate(subs[i]!, strs[i]!, q));
      expect(columnToJs(S.locate(u, s))).toEqual(strs.map((_, i) => ref(i, 1)));
      expect(columnToJs(S.locate(u, s, p))).toEqual(strs.map((_, i) => ref(i, pos[i]!)));
      [s, u, p].forEach((x) => x.release());
    }
  });

  it('translate (first mapping wins, deletion, multi-byte on both sides)', () => {
    const rnd = mulberry32(24);
    for (const n of LENGTHS) {
      const vals = randomStrings(rnd, n);
      const c = columnFromJs(DataTypes.String, vals);
      for (const [from, to] of [['ab', 'x'], ['é日', '🎯a'], ['aa', 'xy'], ['', 'q'], ['ß ', '']]) {
        const out = S.translate(c, from!, to!);
        expect(columnToJs(out)).toEqual(vals.map((v) => (v === null ? null : refTranslate(v, from!, to!))));
        out.release();
      }
      c.release();
    }
  });

  it('initcap: ASCII kernel and Unicode rows', () => {
    const rnd = mulberry32(25);
    const ascii = Array.from({ length: 40 }, () => Array.from({ length: Math.floor(rnd() * 10) }, () => 'aBz -_'[Math.floor(rnd() * 6)]).join(''));
    const ref = (s: string) => s.toLowerCase().replace(/(^| )([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
    const c = columnFromJs(DataTypes.String, [...ascii, null]);
    expect(columnToJs(S.initcap(c))).toEqual([...ascii.map(ref), null]);
    c.release();
    const u = columnFromJs(DataTypes.String, ['élan vital', 'ǆemal', 'ß x', 'HELLO wORLD', '日本 語']);
    expect(columnToJs(S.initcap(u))).toEqual(['Élan Vital', 'ǅemal', 'Ss X', 'Hello World', '日本 語']);
    u.release();
  });

  it('releases every intermediate buffer', () => {
    leakFree(() => {
      const c = columnFromJs(DataTypes.String, ['aé', null, '日本語', '']);
      const t = columnFromJs(DataTypes.Integer, [2, 3, null, 1]);
      const outs = [S.reverse(c), S.repeat(c, t), S.pad(c, t, 'xé', true), S.translate(c, 'a日', 'b'), S.locate(c, c, t), S.initcap(c), S.octetLength(c)];
      return [c, t, ...outs];
    });
  });

  it('hot loops compile to SIMD', () => {
    const body = watFunctions('strings');
    expect(body('utf8_octet_length')).toContain('i32x4.sub');
    expect(body('utf8_reverse')).toContain('i8x16.shuffle');
    expect(watFunctions('math')('greatest_pick')).toContain('v128.and');
  });
});

const DAY = 86_400_000;
const ymd = (d: number) => new Date(d * DAY);
const days = (y: number, m: number, d: number) => Math.floor(Date.UTC(y, m, d) / DAY);

describe('date kernels', () => {
  const rnd = mulberry32(31);
  const dayVals = (n: number) => Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 80000) - 30000));
  const dates = (v: (number | null)[]) => columnFromJs(DataTypes.Date, v.map((d) => (d === null ? null : ymd(d))));
  const asDays = (js: CellValue[]) => js.map((v) => (v === null ? null : Math.round(Date.parse(`${v as string}T00:00:00Z`) / DAY)));

  it('add_months (clamped to the month end), last_day, trunc, ISO week', () => {
    for (const n of LENGTHS) {
      const v = dayVals(n);
      const months = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 61) - 30));
      const c = dates(v);
      const m = columnFromJs(DataTypes.Integer, months);
      const refAdd = (d: number, k: number) => {
        const x = ymd(d);
        const t = x.getUTCFullYear() * 12 + x.getUTCMonth() + k;
        const y = Math.floor(t / 12);
        const mo = t - y * 12;
        return days(y, mo, Math.min(x.getUTCDate(), new Date(Date.UTC(y, mo + 1, 0)).getUTCDate()));
      };
      expect(asDays(columnToJs(D.addMonths(c, m)))).toEqual(v.map((d, i) => (d === null || months[i] === null ? null : refAdd(d, months[i]!))));
      expect(asDays(columnToJs(D.lastDay(c)))).toEqual(v.map((d) => (d === null ? null : days(ymd(d).getUTCFullYear(), ymd(d).getUTCMonth() + 1, 0))));
      const trunc = (d: number, f: string) => {
        const x = ymd(d);
        if (f === 'year') return days(x.getUTCFullYear(), 0, 1);
        if (f === 'quarter') return days(x.getUTCFullYear(), Math.floor(x.getUTCMonth() / 3) * 3, 1);
        if (f === 'month') return days(x.getUTCFullYear(), x.getUTCMonth(), 1);
        return d - ((x.getUTCDay() + 6) % 7);
      };
      for (const f of ['year', 'quarter', 'month', 'week']) {
        expect(asDays(columnToJs(D.truncDate(c, f.toUpperCase()))), f).toEqual(v.map((d) => (d === null ? null : trunc(d, f))));
      }
      expect(columnToJs(D.truncDate(c, 'DD'))).toEqual(v.map(() => null));
      const isoWeek = (d: number) => {
        const thursday = d - ((ymd(d).getUTCDay() + 6) % 7) + 3;
        return Math.floor((thursday - days(ymd(thursday).getUTCFullYear(), 0, 1)) / 7) + 1;
      };
      expect(columnToJs(D.weekofyear(c))).toEqual(v.map((d) => (d === null ? null : isoWeek(d))));
      c.release();
      m.release();
    }
  });

  it('date_trunc of timestamps (UTC, before and after the epoch)', () => {
    const ts = [0n, -1n, 1709212455123456n, -86_400_000_001n, 253402300799999999n, null];
    const c = columnFromJs(DataTypes.Timestamp, ts);
    const us = (js: CellValue[]) => js.map((v) => (v === null ? null : BigInt((v as Date).getTime()) * 1000n));
    const floorTo = (x: bigint, unit: bigint) => ((x % unit) + unit) % unit;
    for (const [f, unit] of [['HOUR', 3_600_000_000n], ['MINUTE', 60_000_000n], ['SECOND', 1_000_000n], ['DAY', 86_400_000_000n]] as const) {
      const out = columnToJs(D.truncTimestamp(c, f));
      expect(out.map((v) => (v === null ? null : BigInt((v as Date).getTime()) * 1000n)), f).toEqual(ts.map((x) => (x === null ? null : x - floorTo(x, unit))));
    }
    expect(us(columnToJs(D.truncTimestamp(c, 'YEAR'))).slice(0, 3)).toEqual([0n, -31536000000000n, 1704067200000000n]);
    expect(columnToJs(D.truncTimestamp(c, 'bogus'))).toEqual(ts.map(() => null));
    // EXTRACT(SECOND ...): seconds with microseconds as decimal(8,6), floor within the minute.
    const sec = D.extractSecond(c);
    expect(sec.type).toEqual(DataTypes.decimal(8, 6));
    expect(columnToJs(sec)).toEqual(ts.map((x) => (x === null ? null : (Number(((x % 60_000_000n) + 60_000_000n) % 60_000_000n) / 1e6).toFixed(6))));
    sec.release();
    c.release();
  });

  it('make_date (invalid -> null), months_between (Spark examples), next_day', () => {
    const y = columnFromJs(DataTypes.Integer, [2024, 2023, 2024, null, 1, 2000]);
    const m = columnFromJs(DataTypes.Integer, [2, 2, 13, 1, 1, 12]);
    const d = columnFromJs(DataTypes.Integer, [29, 29, 1, 1, 1, 31]);
    expect(columnToJs(D.makeDate(y, m, d))).toEqual(['2024-02-29', null, null, null, '0001-01-01', '2000-12-31']);
    [y, m, d].forEach((c) => c.release());
    const a = columnFromJs(DataTypes.Timestamp, [new Date('1997-02-28T10:30:00Z'), new Date('2024-03-31T00:00:00Z'), new Date('2024-03-15T00:00:00Z'), new Date('2024-01-01T00:00:00Z'), null]);
    const b = columnFromJs(DataTypes.Timestamp, [new Date('1996-10-30T00:00:00Z'), new Date('2024-02-29T00:00:00Z'), new Date('2024-02-15T00:00:00Z'), new Date('2024-03-15T00:00:00Z'), new Date(0)]);
    expect(columnToJs(D.monthsBetween(a, b))).toEqual([3.94959677, 1, 1, -2.4516129, null]);
    expect(columnToJs(D.monthsBetween(a, b, false))[0]).toBe(3.9495967741935485);
    a.release();
    b.release();
    const v = dayVals(50);
    const c = dates(v);
    for (const [name, dow] of [['MO', 1], ['Thursday', 4], ['fri', 5], ['sun', 0]] as const) {
      const want = v.map((x) => {
        if (x === null) return null;
        const k = (dow - ymd(x).getUTCDay() + 7) % 7 || 7;
        return x + k;
      });
      expect(asDays(columnToJs(D.nextDay(c, name))), name).toEqual(want);
    }
    expect(columnToJs(D.nextDay(c, 'xx'))).toEqual(v.map(() => null));
    c.release();
  });
});
