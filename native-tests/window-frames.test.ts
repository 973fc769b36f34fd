/**
 * The window kernels added for value functions, statistical/boolean aggregates, RANGE frames with
 * value offsets and percentiles (assembly/window.ts via src/kernels/window.ts) against plain
 * TypeScript references on seeded random layouts (random partitions, one huge partition, all
 * singletons, empty input) with nulls, ties, NaN and -0.0:
 * - frameNth (first/last/nth value, RESPECT/IGNORE NULLS) and lagLeadIgnoreNulls;
 * - frameBool (bool_and / bool_or);
 * - frameStatistic (moments and co-moments): the reference folds each frame's rows in order with
 *   Spark's update, so results must be bit-identical (backward frames fold from the end);
 * - rangeFrameBounds over int64 and float64 keys (ascending/descending, nulls first/last, NaN,
 *   calendar months on dates and timestamps);
 * - partitionPercentile (percentile_cont / percentile_disc, ascending and descending).
 */
import { describe, expect, it } from 'vitest';
import {
  type Extents,
  type FrameBoundSpec,
  type RangeBoundSpec,
  copyFlags,
  frameBool,
  frameBounds,
  frameCollect,
  frameDistinctCount,
  frameNth,
  frameStatistic,
  lagLeadIgnoreNulls,
  markBoundaries,
  ntile,
  partitionPercentile,
  rankDistribution,
  rangeFrameBounds,
  segmentBounds,
  zeroFlags,
} from '../src/kernels/window.js';
import type { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { type CellValue, columnFromJs, columnToJs } from '../src/types/values.js';
import type { WasmBuffer } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { expectNoLeaksPerTest, mulberry32, watFunctions } from './support.js';

expectNoLeaksPerTest();

const i32s = (b: WasmBuffer, n: number) => [...runtime().memory.i32(b.ptr, n)];
type Own = <X extends { release(): void }>(x: X) => X;

function scope<T>(body: (own: Own) => T): T {
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
const SIZES = [0, 1, 7, 17, 300];

function partitionIds(n: number, layout: (typeof LAYOUTS)[number], rnd: () => number): number[] {
  if (layout === 'huge') return Array.from({ length: n }, (_, i) => (i < n - 2 ? 0 : i));
  if (layout === 'singletons') return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.1) p++;
    out.push(p);
  }
  return out;
}

/** Partition (and optionally peer) extents of sorted partition ids and keys, built by the kernels. */
function extents(part: number[], keys: Column | null, own: Own): { ext: Extents; ps: number[]; pe: number[]; qs: number[]; qe: number[] } {
  const n = part.length;
  const pc = own(columnFromJs(DataTypes.Integer, part));
  const flags = own(zeroFlags(n));
  markBoundaries([pc], n, flags);
  const p = segmentBounds(flags, n);
  own(p.start);
  own(p.end);
  const peerFlags = own(copyFlags(flags, n));
  if (keys) markBoundaries([keys], n, peerFlags);
  const q = segmentBounds(peerFlags, n);
  own(q.start);
  own(q.end);
  return { ext: { partStart: p.start, partEnd: p.end, peerStart: q.start, peerEnd: q.end }, ps: i32s(p.start, n), pe: i32s(p.end, n), qs: i32s(q.start, n), qe: i32s(q.end, n) };
}

const ROW_FRAMES: [FrameBoundSpec, FrameBoundSpec][] = [
  [{ mode: 'partitionStart', offset: 0 }, { mode: 'row', offset: 0 }],
  [{ mode: 'row', offset: -2 }, { mode: 'row', offset: 1 }],
  [{ mode: 'row', offset: 0 }, { mode: 'partitionEnd', offset: 0 }],
  [{ mode: 'row', offset: 2 }, { mode: 'row', offset: 4 }],
  [{ mode: 'partitionStart', offset: 0 }, { mode: 'partitionEnd', offset: 0 }],
  [{ mode: 'row', offset: -3 }, { mode: 'row', offset: -1 }],
];

function randomValues(type: DataType, n: number, rnd: () => number, nulls: number): CellValue[] {
  return Array.from({ length: n }, () => {
    if (rnd() < nulls) return null;
    if (type.kind === 'utf8') return ['a', 'ß', '日本', '', 'zz'][Math.floor(rnd() * 5)]!;
    if (type.kind === 'boolean') return rnd() < 0.5;
    if (type.kind === 'float64') {
      const r = rnd();
      return r < 0.05 ? NaN : r < 0.1 ? -0 : Math.round((rnd() * 200 - 100) * 8) / 8;
    }
    return Math.floor(rnd() * 20) - 10;
  });
}

describe('value functions', () => {
  it('first / last / nth value over ROWS frames, respecting and ignoring nulls', () => {
    const rnd = mulberry32(11);
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        for (const type of [DataTypes.Integer, DataTypes.String, DataTypes.Double]) {
          scope((own) => {
            const part = partitionIds(n, lay, rnd);
            const { ext } = extents(part, null, own);
            const vals = randomValues(type, n, rnd, 0.3);
            const v = own(columnFromJs(type, vals));
            for (const [lower, upper] of ROW_FRAMES) {
              const { lo, hi } = frameBounds(ext, n, lower, upper);
              own(lo);
              own(hi);
              const L = i32s(lo, n);
              const H = i32s(hi, n);
              for (const [k, fromEnd, ign] of [[1, false, false], [1, true, false], [2, false, true], [1, true, true], [3, false, false], [1, false, true]] as const) {
                const got = columnToJs(own(frameNth(v, lo, hi, n, k, fromEnd, ign)));
                const want = L.map((l, i) => {
                  const rows = Array.from({ length: H[i]! - l }, (_, j) => vals[l + j]!).filter((x) => !ign || x !== null);
                  const j = fromEnd ? rows.length - k : k - 1;
                  return j >= 0 && j < rows.length ? rows[j]! : null;
                });
                expect(got, `${n} ${lay} ${type.kind} k=${k} fromEnd=${fromEnd} ign=${ign}`).toEqual(want);
              }
            }
          });
        }
      }
    }
  });

  it('lag / lead IGNORE NULLS', () => {
    const rnd = mulberry32(12);
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        scope((own) => {
          const part = partitionIds(n, lay, rnd);
          const { ext, ps, pe } = extents(part, null, own);
          const vals = randomValues(DataTypes.String, n, rnd, 0.4);
          const v = own(columnFromJs(DataTypes.String, vals));
          const defs = own(columnFromJs(DataTypes.String, Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `d${i}`))));
          const dv = columnToJs(defs);
          for (const off of [0, 1, 2, 3, -1, -2]) {
            const got = columnToJs(own(lagLeadIgnoreNulls(v, defs, ext, n, off)));
            const want = vals.map((x, i) => {
              if (off === 0) return x;
              const k = Math.abs(off);
              let seen = 0;
              for (let j = off > 0 ? i - 1 : i + 1; off > 0 ? j >= ps[i]! : j < pe[i]!; j += off > 0 ? -1 : 1) {
                if (vals[j] !== null && ++seen === k) return vals[j]!;
              }
              return dv[i]!;
            });
            expect(got, `${n} ${lay} offset ${off}`).toEqual(want);
          }
        });
      }
    }
  });
});

describe('aggregates over frames', () => {
  it('bool_and / bool_or', () => {
    const rnd = mulberry32(13);
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        scope((own) => {
          const { ext } = extents(partitionIds(n, lay, rnd), null, own);
          const vals = randomValues(DataTypes.Boolean, n, rnd, 0.3);
          const v = own(columnFromJs(DataTypes.Boolean, vals));
          for (const [lower, upper] of ROW_FRAMES) {
            const { lo, hi } = frameBounds(ext, n, lower, upper);
            own(lo);
            own(hi);
            const L = i32s(lo, n);
            const H = i32s(hi, n);
            for (const isAnd of [true, false]) {
              const got = columnToJs(own(frameBool(v, lo, hi, n, isAnd)));
              const want = L.map((l, i) => {
                const xs = vals.slice(l, H[i]).filter((x) => x !== null) as boolean[];
                return xs.length === 0 ? null : isAnd ? xs.every(Boolean) : xs.some(Boolean);
              });
              expect(got).toEqual(want);
            }
          }
        });
      }
    }
  });

  /** Spark's CentralMomentAgg update and finishing formulas, as plain TypeScript. */
  function refMoment(fn: string, xs: number[]): number | null {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of xs) {
      const newN = n + 1;
      const delta = x - mean;
      const deltaN = delta / newN;
      const newM2 = m2 + delta * (delta - deltaN);
      const delta2 = delta * delta;
      const deltaN2 = deltaN * deltaN;
      const newM3 = m3 - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
      m4 = m4 - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2);
      m3 = newM3;
      m2 = newM2;
      mean += deltaN;
      n = newN;
    }
    if (n === 0) return null;
    switch (fn) {
      case 'var_samp': return n === 1 ? null : m2 / (n - 1);
      case 'var_pop': return m2 / n;
      case 'stddev_samp': return n === 1 ? null : Math.sqrt(m2 / (n - 1));
      case 'stddev_pop': return Math.sqrt(m2 / n);
      case 'skewness': return m2 === 0 ? null : (Math.sqrt(n) * m3) / Math.sqrt(m2 * m2 * m2);
      default: return m2 === 0 ? null : (n * m4) / (m2 * m2) - 3.0;
    }
  }

  function refCoMoment(fn: string, ps: [number, number][]): number | null {
    let n = 0;
    let xa = 0;
    let ya = 0;
    let ck = 0;
    let xm = 0;
    let ym = 0;
    for (const [x, y] of ps) {
      const newN = n + 1;
      const dx = x - xa;
      const dy = y - ya;
      const nx = xa + dx / newN;
      const ny = ya + dy / newN;
      ck += dx * (y - ny);
      xm += dx * (x - nx);
      ym += dy * (y - ny);
      xa = nx;
      ya = ny;
      n = newN;
    }
    if (n === 0) return null;
    if (fn === 'covar_pop') return ck / n;
    if (fn === 'covar_samp') return n === 1 ? null : ck / (n - 1);
    return n === 1 || Math.sqrt(xm * ym) === 0 ? null : ck / Math.sqrt(xm * ym); // corr (Spark: x / 0 is null)
  }

  it('central moments and co-moments fold each frame in Spark order (bit-identical)', () => {
    const rnd = mulberry32(14);
    const same = (a: CellValue, b: number | null) => (b === null ? a === null : typeof a === 'number' && (Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b))));
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        scope((own) => {
          const { ext } = extents(partitionIds(n, lay, rnd), null, own);
          const xs = randomValues(DataTypes.Double, n, rnd, 0.2) as (number | null)[];
          const ys = randomValues(DataTypes.Double, n, rnd, 0.2) as (number | null)[];
          const x = own(columnFromJs(DataTypes.Double, xs));
          const y = own(columnFromJs(DataTypes.Double, ys));
          for (const [lower, upper] of ROW_FRAMES) {
            const { lo, hi } = frameBounds(ext, n, lower, upper);
            own(lo);
            own(hi);
            const L = i32s(lo, n);
            const H = i32s(hi, n);
            const backward = upper.mode === 'partitionEnd' && lower.mode !== 'partitionStart';
            const rows = (i: number) => {
              const idx = Array.from({ length: H[i]! - L[i]! }, (_, j) => L[i]! + j);
              return backward ? idx.reverse() : idx;
            };
            for (const fn of ['var_samp', 'var_pop', 'stddev_samp', 'stddev_pop', 'skewness', 'kurtosis']) {
              const got = columnToJs(own(frameStatistic(fn, x, null, lo, hi, n, backward)));
              got.forEach((g, i) => {
                const want = refMoment(fn, rows(i).map((j) => xs[j]!).filter((v) => v !== null));
                expect(same(g, want), `${fn} row ${i}: ${String(g)} vs ${String(want)} (${n} ${lay} ${lower.mode}${lower.offset}..${upper.mode}${upper.offset})`).toBe(true);
              });
            }
            for (const fn of ['covar_pop', 'covar_samp', 'corr']) {
              const got = columnToJs(own(frameStatistic(fn, x, y, lo, hi, n, backward)));
              got.forEach((g, i) => {
                const pairs = rows(i).filter((j) => xs[j] !== null && ys[j] !== null).map((j) => [xs[j]!, ys[j]!] as [number, number]);
                const want = refCoMoment(fn, pairs);
                expect(same(g, want), `${fn} row ${i}: ${String(g)} vs ${String(want)}`).toBe(true);
              });
            }
          }
        });
      }
    }
  });
});

describe('RANGE frames with value offsets', () => {
  /** Spark's total order of floats: NaN greatest. */
  const cmp = (a: number, b: number) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);

  function addMonthsDays(day: number, months: number): number {
    const d = new Date(day * 86_400_000);
    const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
    const y = Math.floor(total / 12);
    const m = total - y * 12;
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / 86_400_000);
  }

  for (const keyType of ['int64', 'float64', 'date', 'timestamp'] as const) {
    it(`${keyType} keys, ascending and descending, nulls first and last`, () => {
      const rnd = mulberry32(15);
      for (const n of SIZES) {
        for (const lay of LAYOUTS) {
          for (const [desc, nullsFirst] of [[false, true], [true, false], [false, false], [true, true]] as const) {
            scope((own) => {
              const part = partitionIds(n, lay, rnd);
              // keys sorted within partitions in the requested order
              const raw: (number | null)[] = part.map(() => {
                if (rnd() < 0.15) return null;
                if (keyType === 'float64') return rnd() < 0.08 ? NaN : rnd() < 0.05 ? -0 : Math.floor(rnd() * 40) / 4;
                if (keyType === 'timestamp') return Math.floor(rnd() * 4000) * 21_600_000_000; // quarter days, ~3 years
                return Math.floor(rnd() * 1200) - 100; // days / integers
              });
              const keys: (number | null)[] = [];
              for (let s = 0; s < n; ) {
                let e = s;
                while (e < n && part[e] === part[s]) e++;
                const seg = raw.slice(s, e).sort((a, b) => {
                  if (a === null || b === null) return a === b ? 0 : (a === null) === nullsFirst ? -1 : 1;
                  return desc ? cmp(b, a) : cmp(a, b);
                });
                keys.push(...seg);
                s = e;
              }
              const type: DataType = keyType === 'float64' ? DataTypes.Double : DataTypes.Long;
              const k = own(columnFromJs(type, keyType === 'float64' ? keys : keys.map((x) => (x === null ? null : BigInt(x)))));
              const { ext, ps, pe, qs, qe } = extents(part, k, own);
              const unit = keyType === 'date' ? 'date' : keyType === 'timestamp' ? 'timestamp' : 'none';
              const monthsOk = keyType === 'date' || keyType === 'timestamp';
              const specs: [RangeBoundSpec, RangeBoundSpec][] = [
                [{ mode: 'value', offset: -5, months: 0 }, { mode: 'value', offset: 3, months: 0 }],
                [{ mode: 'peerStart', offset: 0, months: 0 }, { mode: 'value', offset: keyType === 'float64' ? 2.5 : 7, months: 0 }],
                [{ mode: 'partitionStart', offset: 0, months: 0 }, { mode: 'value', offset: -2, months: 0 }],
                [{ mode: 'value', offset: 1, months: 0 }, { mode: 'partitionEnd', offset: 0, months: 0 }],
                ...(monthsOk
                  ? ([
                      [{ mode: 'value', offset: 0, months: -13 }, { mode: 'peerEnd', offset: 0, months: 0 }],
                      [{ mode: 'value', offset: keyType === 'timestamp' ? -3_600_000_000 : -1, months: 1 }, { mode: 'value', offset: 0, months: 14 }],
                    ] as [RangeBoundSpec, RangeBoundSpec][])
                  : []),
              ];
              const target = (x: number, b: RangeBoundSpec) => {
                const sgn = desc ? -1 : 1;
                if (b.months === 0) return x + sgn * b.offset;
                if (keyType === 'date') return addMonthsDays(x, sgn * b.months) + sgn * b.offset;
                const day = Math.floor(x / 86_400_000_000);
                return addMonthsDays(day, sgn * b.months) * 86_400_000_000 + (x - day * 86_400_000_000) + sgn * b.offset;
              };
              for (const [lower, upper] of specs) {
                const { lo, hi } = rangeFrameBounds(k, ext, n, desc, lower, upper, unit);
                own(lo);
                own(hi);
                const want = keys.map((x, i) => {
                  const inPart = Array.from({ length: pe[i]! - ps[i]! }, (_, j) => ps[i]! + j);
                  const nonNull = inPart.filter((j) => keys[j] !== null);
                  const bound = (b: RangeBoundSpec, isLower: boolean): number => {
                    if (b.mode === 'partitionStart') return ps[i]!;
                    if (b.mode === 'partitionEnd') return pe[i]!;
                    if (b.mode === 'peerStart' || (b.mode === 'value' && x === null && isLower)) return qs[i]!;
                    if (b.mode === 'peerEnd' || (b.mode === 'value' && x === null)) return qe[i]!;
                    const t = target(x!, b);
                    // before(j): the row sorts before the bound
                    const before = (j: number) => {
                      const c = desc ? cmp(t, keys[j]!) : cmp(keys[j]!, t);
                      return isLower ? c < 0 : c <= 0;
                    };
                    const first = nonNull.find((j) => !before(j));
                    return first ?? (nonNull.length ? nonNull[nonNull.length - 1]! + 1 : ps[i]!);
                  };
                  const l = bound(lower, true);
                  const h = Math.max(l, bound(upper, false));
                  return [l, h];
                });
                expect(i32s(lo, n).map((l, i) => [l, i32s(hi, n)[i]!]), `${keyType} ${n} ${lay} desc=${desc} nullsFirst=${nullsFirst} ${JSON.stringify([lower, upper])}`).toEqual(want);
              }
            });
          }
        }
      }
    });
  }
});

describe('percentiles over partitions', () => {
  it('percentile_cont / percentile_disc, ascending and descending', () => {
    const rnd = mulberry32(16);
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        scope((own) => {
          const part = partitionIds(n, lay, rnd);
          const vals: (number | null)[] = [];
          for (let s = 0; s < n; ) {
            let e = s;
            while (e < n && part[e] === part[s]) e++;
            const seg = Array.from({ length: e - s }, () => (rnd() < 0.2 ? null : Math.floor(rnd() * 50) / 2));
            vals.push(...(seg.filter((v) => v !== null) as number[]).sort((a, b) => a - b), ...seg.filter((v) => v === null));
            s = e;
          }
          const { ext, ps, pe } = extents(part, null, own);
          const v = own(columnFromJs(DataTypes.Double, vals));
          for (const p of [0, 0.1, 0.25, 0.5, 0.75, 1]) {
            for (const [discrete, desc] of [[false, false], [true, false], [false, true], [true, true]] as const) {
              const got = columnToJs(own(partitionPercentile(v, ext, n, p, discrete, desc)));
              const want = vals.map((_, i) => {
                const asc = vals.slice(ps[i], pe[i]).filter((x) => x !== null) as number[];
                const xs = desc ? [...asc].reverse() : asc;
                const c = xs.length;
                if (c === 0) return null;
                if (discrete) return xs[Math.min(c - 1, Math.max(0, Math.ceil(p * c) - 1))]!;
                const pos = p * (c - 1);
                const lo = Math.floor(pos);
                const hi = Math.ceil(pos);
                return lo === hi || xs[lo] === xs[hi] ? xs[lo]! : (hi - pos) * xs[lo]! + (pos - lo) * xs[hi]!;
              });
              expect(got, `${n} ${lay} p=${p} discrete=${discrete} desc=${desc}`).toEqual(want);
            }
          }
        });
      }
    }
  });

  it('index kernels compile to SIMD', () => {
    const fn = watFunctions('window');
    for (const name of ['nth_index', 'iota', 'rank_dist']) expect(fn(name), name).toMatch(/v128|i32x4|f64x2/);
  });
});

describe('rank distributions', () => {
  it('cume_dist, percent_rank and ntile against references', () => {
    const rnd = mulberry32(17);
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        scope((own) => {
          const part = partitionIds(n, lay, rnd);
          const keys: number[] = [];
          for (let i = 0; i < n; i++) keys.push(i > 0 && part[i] === part[i - 1] ? keys[i - 1]! + (rnd() < 0.4 ? 0 : 1) : 0);
          const k = own(columnFromJs(DataTypes.Integer, keys));
          const { ext, ps, pe, qs, qe } = extents(part, k, own);
          expect(columnToJs(own(rankDistribution(ext, n, 'cume_dist')))).toEqual(keys.map((_, i) => (qe[i]! - ps[i]!) / (pe[i]! - ps[i]!)));
          expect(columnToJs(own(rankDistribution(ext, n, 'percent_rank')))).toEqual(keys.map((_, i) => (pe[i]! - ps[i]! > 1 ? (qs[i]! - ps[i]!) / (pe[i]! - ps[i]! - 1) : 0)));
          for (const b of [1, 2, 3, 7, 1000]) {
            // Spark's NTile: bucket sizes differ by at most one, larger buckets first
            const want = keys.map((_, i) => {
              const m = pe[i]! - ps[i]!;
              const sizes = Array.from({ length: b }, (_, t) => Math.floor(m / b) + (t < m % b ? 1 : 0));
              let j = i - ps[i]!;
              let t = 0;
              while (j >= sizes[t]!) j -= sizes[t++]!;
              return t + 1;
            });
            expect(columnToJs(own(ntile(ext.partStart, ext.partEnd, n, b))), `${n} ${lay} ntile(${b})`).toEqual(want);
          }
        });
      }
    }
  });
});

describe('lists and distinct counts over frames', () => {
  it('collect_list, collect_set (first occurrences) and distinct counts (NaN = NaN, -0.0 = 0.0)', () => {
    const rnd = mulberry32(18);
    const key = (x: CellValue) => (typeof x === 'number' ? (Number.isNaN(x) ? 'NaN' : String(x === 0 ? 0 : x)) : String(x));
    for (const n of SIZES) {
      for (const lay of LAYOUTS) {
        for (const type of [DataTypes.Double, DataTypes.String]) {
          scope((own) => {
            const { ext } = extents(partitionIds(n, lay, rnd), null, own);
            const vals = randomValues(type, n, rnd, 0.25).map((x) => (typeof x === 'number' ? Math.trunc(x / 25) : x) as CellValue);
            if (type.kind === 'float64') for (let i = 0; i < n; i += 9) vals[i] = i % 2 ? NaN : -0;
            const v = own(columnFromJs(type, vals));
            const arr: DataType = { kind: 'array', element: type, containsNull: false };
            for (const [lower, upper] of ROW_FRAMES) {
              const { lo, hi } = frameBounds(ext, n, lower, upper);
              own(lo);
              own(hi);
              const L = i32s(lo, n);
              const H = i32s(hi, n);
              const frames = L.map((l, i) => vals.slice(l, H[i]).filter((x) => x !== null));
              expect(columnToJs(own(frameCollect(v, arr, lo, hi, n, false)))).toEqual(frames);
              const sets = frames.map((f) => {
                const seen = new Set<string>();
                return f.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
              });
              expect(columnToJs(own(frameCollect(v, arr, lo, hi, n, true)))).toEqual(sets);
              expect(columnToJs(own(frameDistinctCount(v, lo, hi, n)))).toEqual(sets.map((x) => BigInt(x.length)));
            }
          });
        }
      }
    }
  });
});
