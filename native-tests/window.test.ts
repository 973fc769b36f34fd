/**
 * Window kernels (assembly/window.ts via src/kernels/window.ts) against plain TypeScript references:
 * boundaries of adjacent rows for every key type (nulls, NaN, -0.0, multi-byte UTF-8), segment
 * extents, row_number/rank/dense_rank, lag/lead with defaults, frame bounds of every mode, and
 * count/sum/avg/min/max over frames. Partition layouts: random, one huge partition, all singletons,
 * empty input; ties in the order keys.
 */
import { describe, expect, it } from 'vitest';
import {
  type FrameBoundSpec,
  copyFlags,
  denseRank,
  frameAvg,
  frameBounds,
  frameCount,
  frameMinMax,
  frameSum,
  lagLead,
  markBoundaries,
  rank,
  rowNumber,
  segmentBounds,
  zeroFlags,
} from '../src/kernels/window.js';
import type { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { type CellValue, columnFromJs, columnToJs } from '../src/types/values.js';
import type { WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, expectNullCountInvariant, mulberry32, watFunctions } from './support.js';

expectNoLeaksPerTest();

const mem = () => runtime().memory;
const i32s = (b: WasmBuffer, n: number) => [...mem().i32(b.ptr, n)];
const u8s = (b: WasmBuffer, n: number) => [...mem().u8(b.ptr, n)];

/** Releases everything pushed during `body`. */
function scope<T>(body: (own: <X extends { release(): void }>(x: X) => X) => T): T {
  const held: { release(): void }[] = [];
  try {
    return body((x) => {
      held.push(x);
      return x;
    });
  } finally {
    for (const h of held) h.release();
  }
}

const LAYOUTS = ['random', 'huge', 'singletons'] as const;
const SIZES = [0, 1, 7, 17, 1000];

/** Sorted partition ids for a layout. */
function partitionIds(n: number, layout: (typeof LAYOUTS)[number], rnd: () => number): number[] {
  if (layout === 'huge') return Array.from({ length: n }, (_, i) => (i < n - 2 ? 0 : i)); // one huge partition + 2 tiny
  if (layout === 'singletons') return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.1) p++;
    out.push(p);
  }
  return out;
}

/** Spark equality of grouping values (null = null, NaN = NaN, -0.0 = 0.0). */
function same(a: CellValue, b: CellValue): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}

function refFlags(cols: CellValue[][], n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === 0 || cols.some((c) => !same(c[i - 1]!, c[i]!)) ? 1 : 0));
}

function refSegments(flags: number[]): { start: number[]; end: number[] } {
  const n = flags.length;
  const start: number[] = [];
  const end: number[] = new Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (flags[i]) s = i;
    start.push(s);
  }
  let e = n;
  for (let i = n - 1; i >= 0; i--) {
    end[i] = e;
    if (flags[i]) e = i;
  }
  return { start, end };
}

/** Values of a type that form runs (so adjacent equality is common), with nulls and special values. */
function runValues(type: DataType, n: number, rnd: () => number, nullP = 0.15): CellValue[] {
  const pool: Record<string, CellValue[]> = {
    boolean: [true, false],
    int8: [-128, 0, 5, 127],
    int16: [-30000, 0, 7],
    int32: [-5, 0, 3, 2147483647],
    int64: [-(2n ** 62n), 0n, 9n],
    float32: [NaN, -0, 0, 1.5, -Infinity],
    float64: [NaN, -0, 0, 1.5, Infinity, -2.25],
    utf8: ['', 'a', 'ab', 'é', '日本語', '🔥x', 'a-long-string-with-more-than-sixteen-bytes'],
    date32: ['1970-01-01', '1969-12-31', '2022-01-08'],
  };
  const vals = pool[type.kind]!;
  const out: CellValue[] = [];
  let cur: CellValue = null;
  for (let i = 0; i < n; i++) {
    if (i === 0 || rnd() < 0.3) cur = rnd() < nullP ? null : vals[Math.floor(rnd() * vals.length)]!;
    out.push(cur);
  }
  return out;
}

describe('boundaries and segments', () => {
  it('markBoundaries matches adjacent Spark equality for every key type; segments and combined keys', () => {
    const rnd = mulberry32(11);
    const types: DataType[] = [DataTypes.Boolean, DataTypes.Byte, DataTypes.Short, DataTypes.Integer, DataTypes.Long, DataTypes.Float, DataTypes.Double, DataTypes.String, DataTypes.Date];
    for (const n of SIZES) {
      for (const t of types) {
        for (const withNulls of [true, false]) {
          scope((own) => {
            const vals = runValues(t, n, rnd, withNulls ? 0.15 : 0);
            const c = own(columnFromJs(t, vals));
            const other = runValues(DataTypes.Integer, n, rnd);
            const c2 = own(columnFromJs(DataTypes.Integer, other));
            const flags = own(zeroFlags(n));
            markBoundaries([c], n, flags);
            expect(u8s(flags, n), `${t.kind} n=${n}`).toEqual(refFlags([vals], n));
            const both = own(copyFlags(flags, n));
            markBoundaries([c2], n, both);
            expect(u8s(both, n)).toEqual(refFlags([vals, other], n));
            const seg = segmentBounds(both, n);
            own(seg.start);
            own(seg.end);
            const ref = refSegments(refFlags([vals, other], n));
            expect(i32s(seg.start, n)).toEqual(ref.start);
            expect(i32s(seg.end, n)).toEqual(ref.end);
          });
        }
      }
    }
  });

  it('boundary and ranking kernels compile to SIMD', () => {
    const fn = watFunctions('window');
    for (const name of ['diff_32', 'diff_64', 'diff_f64', 'or_flags', 'row_number', 'rank', 'frame_count', 'frame_sum_i64']) {
      expect(fn(name), name).toMatch(/v128|i32x4|i64x2|f64x2/);
    }
  });
});

/** Random sorted layout: partition ids and order keys (with ties), plus flags and extents built by the kernels. */
function layout(n: number, kind: (typeof LAYOUTS)[number], rnd: () => number, own: <X extends { release(): void }>(x: X) => X) {
  const part = partitionIds(n, kind, rnd);
  const order: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const prev = i > 0 && part[i] === part[i - 1] ? order[i - 1]! : null;
    order.push(i > 0 && part[i] === part[i - 1] && rnd() < 0.4 ? prev : rnd() < 0.1 && (i === 0 || part[i] !== part[i - 1] || order[i - 1] === null) ? null : (prev ?? 0) + 1 + Math.floor(rnd() * 3));
  }
  const pc = own(columnFromJs(DataTypes.Integer, part));
  const oc = own(columnFromJs(DataTypes.Integer, order));
  const partFlags = own(zeroFlags(n));
  markBoundaries([pc], n, partFlags);
  const peerFlags = own(copyFlags(partFlags, n));
  markBoundaries([oc], n, peerFlags);
  const ps = segmentBounds(partFlags, n);
  const pr = segmentBounds(peerFlags, n);
  [ps.start, ps.end, pr.start, pr.end].forEach(own);
  const refPart = refSegments(refFlags([part], n));
  const refPeer = refSegments(refFlags([part, order], n));
  return { part, order, partFlags, peerFlags, ext: { partStart: ps.start, partEnd: ps.end, peerStart: pr.start, peerEnd: pr.end }, refPart, refPeer };
}

describe('ranking and offsets', () => {
  it('row_number, rank, dense_rank, lag/lead against references', () => {
    const rnd = mulberry32(5);
    for (const n of SIZES) {
      for (const kind of LAYOUTS) {
        scope((own) => {
          const L = layout(n, kind, rnd, own);
          const rn = own(rowNumber(L.ext.partStart, n));
          const rk = own(rank(L.ext.partStart, L.ext.peerStart, n));
          const dr = own(denseRank(L.partFlags, L.peerFlags, n));
          const refRn: number[] = [];
          const refRk: number[] = [];
          const refDr: number[] = [];
          for (let i = 0; i < n; i++) {
            refRn.push(i - L.refPart.start[i]! + 1);
            refRk.push(L.refPeer.start[i]! - L.refPart.start[i]! + 1);
            let d = 0;
            for (let j = L.refPart.start[i]!; j <= i; j++) if (j === L.refPart.start[i] || L.refPeer.start[j] === j) d++;
            refDr.push(d);
          }
          expect(columnToJs(rn)).toEqual(refRn);
          expect(columnToJs(rk)).toEqual(refRk);
          expect(columnToJs(dr)).toEqual(refDr);
          for (const type of [DataTypes.Integer, DataTypes.String, DataTypes.Double]) {
            const vals = runValues(type, n, rnd);
            const defs = runValues(type, n, rnd);
            const v = own(columnFromJs(type, vals));
            const d = own(columnFromJs(type, defs));
            for (const off of [1, 2, -1, -3, 0, 5000]) {
              const got = own(lagLead(v, d, L.ext.partStart, L.ext.partEnd, n, off));
              expectNullCountInvariant(got);
              const want = vals.map((_, i) => {
                const j = i - off;
                return j >= L.refPart.start[i]! && j < L.refPart.end[i]! ? vals[j]! : defs[i]!;
              });
              expect(columnToJs(got), `off ${off}`).toEqual(want);
            }
          }
        });
      }
    }
  });
});

type Bound = FrameBoundSpec;
const FRAMES: [Bound, Bound][] = [
  [{ mode: 'partitionStart', offset: 0 }, { mode: 'peerEnd', offset: 0 }], // Spark's default with ORDER BY
  [{ mode: 'partitionStart', offset: 0 }, { mode: 'partitionEnd', offset: 0 }],
  [{ mode: 'row', offset: -2 }, { mode: 'row', offset: 1 }],
  [{ mode: 'row', offset: -3 }, { mode: 'row', offset: -1 }],
  [{ mode: 'row', offset: 1 }, { mode: 'row', offset: 4 }],
  [{ mode: 'partitionStart', offset: 0 }, { mode: 'row', offset: 0 }],
  [{ mode: 'row', offset: 0 }, { mode: 'partitionEnd', offset: 0 }],
  [{ mode: 'row', offset: -1 }, { mode: 'partitionEnd', offset: 0 }],
  [{ mode: 'peerStart', offset: 0 }, { mode: 'partitionEnd', offset: 0 }],
  [{ mode: 'peerStart', offset: 0 }, { mode: 'peerEnd', offset: 0 }],
  [{ mode: 'row', offset: -(2 ** 40) }, { mode: 'row', offset: 2 ** 40 }],
];

function refBound(b: Bound, i: number, upper: boolean, L: ReturnType<typeof layout>): number {
  const ps = L.refPart.start[i]!;
  const pe = L.refPart.end[i]!;
  switch (b.mode) {
    case 'partitionStart':
      return ps;
    case 'partitionEnd':
      return pe;
    case 'peerStart':
      return L.refPeer.start[i]!;
    case 'peerEnd':
      return L.refPeer.end[i]!;
    default:
      return Math.min(pe, Math.max(ps, i + b.offset + (upper ? 1 : 0)));
  }
}

/** Spark ordering for min/max of test values: NaN greatest, strings by UTF-8 bytes. */
function cmp(a: CellValue, b: CellValue): number {
  if (typeof a === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b as string));
  if (typeof a === 'bigint') return a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0;
  if (typeof a === 'boolean') return Number(a) - Number(b);
  const x = a as number;
  const y = b as number;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

const close = (a: CellValue, b: CellValue) =>
  typeof a === 'number' && typeof b === 'number' ? Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) : a === b;

describe('frames', () => {
  it('frame bounds and count/sum/avg/min/max over frames against references', () => {
    const rnd = mulberry32(99);
    for (const n of [0, 1, 7, 17, 300]) {
      for (const kind of LAYOUTS) {
        scope((own) => {
          const L = layout(n, kind, rnd, own);
          const ints = Array.from({ length: n }, () => (rnd() < 0.2 ? null : BigInt(Math.floor(rnd() * 2000) - 1000)));
          const dbls = Array.from({ length: n }, () => (rnd() < 0.2 ? null : rnd() < 0.05 ? [NaN, Infinity, -Infinity, -0][Math.floor(rnd() * 4)]! : Math.round(rnd() * 1000) / 8));
          const decs = ints.map((v) => (v === null ? null : (Number(v) / 100).toFixed(2)));
          const strs = runValues(DataTypes.String, n, rnd);
          const bools = runValues(DataTypes.Boolean, n, rnd);
          const i64 = own(columnFromJs(DataTypes.Long, ints));
          const f64 = own(columnFromJs(DataTypes.Double, dbls));
          const dec = own(columnFromJs(DataTypes.decimal(15, 2), decs));
          const utf = own(columnFromJs(DataTypes.String, strs));
          const bln = own(columnFromJs(DataTypes.Boolean, bools));
          for (const [lower, upper] of FRAMES) {
            const what = `n=${n} ${kind} ${JSON.stringify([lower, upper])}`;
            const { lo, hi } = frameBounds(L.ext, n, lower, upper);
            own(lo);
            own(hi);
            const refLo: number[] = [];
            const refHi: number[] = [];
            for (let i = 0; i < n; i++) {
              const l = refBound(lower, i, false, L);
              refLo.push(l);
              refHi.push(Math.max(l, refBound(upper, i, true, L)));
            }
            expect(i32s(lo, n), what).toEqual(refLo);
            expect(i32s(hi, n), what).toEqual(refHi);
            const frameVals = <T,>(vals: T[], i: number) => vals.slice(refLo[i], refHi[i]).filter((v) => v !== null) as Exclude<T, null>[];
            const backward = upper.mode === 'partitionEnd' && lower.mode !== 'partitionStart';
            // count
            expect(columnToJs(own(frameCount(null, lo, hi, n))), what).toEqual(refLo.map((l, i) => BigInt(refHi[i]! - l)));
            expect(columnToJs(own(frameCount(f64, lo, hi, n))), what).toEqual(refLo.map((_, i) => BigInt(frameVals(dbls, i).length)));
            // sums
            const si = own(frameSum(i64, DataTypes.Long, lo, hi, n, backward));
            expectNullCountInvariant(si);
            expect(columnToJs(si), what).toEqual(refLo.map((_, i) => (frameVals(ints, i).length ? frameVals(ints, i).reduce((a, b) => a + b, 0n) : null)));
            const sd = columnToJs(own(frameSum(f64, DataTypes.Double, lo, hi, n, backward)));
            const ad = columnToJs(own(frameAvg(f64, DataTypes.Double, lo, hi, n, backward)));
            const ai = columnToJs(own(frameAvg(i64, DataTypes.Double, lo, hi, n, backward)));
            const sdc = columnToJs(own(frameSum(dec, DataTypes.decimal(18, 2), lo, hi, n, backward)));
            const adc = columnToJs(own(frameAvg(dec, DataTypes.decimal(18, 6), lo, hi, n, backward)));
            const bad: string[] = [];
            for (let i = 0; i < n; i++) {
              const fv = frameVals(dbls, i);
              const s = fv.length ? fv.reduce((a, b) => a + b, 0) : null;
              if (!close(sd[i]!, s)) bad.push(`sum double row ${i}: ${sd[i]} vs ${s}`);
              if (!close(ad[i]!, s === null ? null : s / fv.length)) bad.push(`avg double row ${i}`);
              const iv = frameVals(ints, i);
              if (!close(ai[i]!, iv.length ? Number(iv.reduce((a, b) => a + b, 0n)) / iv.length : null)) bad.push(`avg int row ${i}`);
              const cents = iv.reduce((a, b) => a + b, 0n);
              if (sdc[i] !== (iv.length ? formatCents(cents, 2) : null)) bad.push(`sum decimal row ${i}`);
              // avg decimal: cents * 10^4 / count, rounded half up (away from zero)
              let want: string | null = null;
              if (iv.length) {
                const num = cents * 10000n;
                const c = BigInt(iv.length);
                let q = num / c;
                const r = num % c;
                if ((r < 0n ? -r : r) * 2n >= c) q += num < 0n ? -1n : 1n;
                want = formatCents(q, 6);
              }
              if (adc[i] !== want) bad.push(`avg decimal row ${i}: ${adc[i]} vs ${want}`);
            }
            expect(bad.slice(0, 5), what).toEqual([]);
            // min / max
            for (const [col, vals] of [[f64, dbls], [i64, ints], [utf, strs], [bln, bools], [dec, decs]] as [Column, CellValue[]][]) {
              for (const isMax of [false, true]) {
                const got = own(frameMinMax(col, lo, hi, n, isMax));
                expectNullCountInvariant(got);
                const want = refLo.map((_, i) => {
                  const fv = frameVals(vals, i);
                  if (!fv.length) return null;
                  const num = col === dec ? fv.map((v) => Number(v)) : fv;
                  let best = 0;
                  for (let j = 1; j < num.length; j++) if (isMax ? cmp(num[j]!, num[best]!) > 0 : cmp(num[j]!, num[best]!) < 0) best = j;
                  return fv[best]!;
                });
                const g = columnToJs(got);
                const wrong = g.flatMap((x, i) => (close(x, want[i]!) ? [] : [`row ${i}: ${String(x)} vs ${String(want[i])}`]));
                expect(wrong.slice(0, 5), `${what} ${isMax ? 'max' : 'min'} ${col.type.kind}`).toEqual([]);
              }
            }
          }
        });
      }
    }
  });
});

function formatCents(v: bigint, scale: number): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, -scale)}.${s.slice(-scale)}`;
}
