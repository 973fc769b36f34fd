/**
 * The `moments` kernels (assembly/moments.ts) and their accumulators (src/kernels/moments.ts)
 * against plain TypeScript references: central moments and co-moments per group (two-pass
 * reference), NaN and nulls, n = 0 / 1 / all-equal, large offsets where a naive sum of squares
 * cancels, chunked updates, MERGE of split states (= the one-pass state), DISTINCT aggregates,
 * count_if and bool_and/bool_or, and memory release.
 *
 * No SIMD assertion: Welford/Meng updates are a loop-carried chain per group (see the header of
 * assembly/moments.ts), so the kernels are deliberately scalar; the test checks that instead.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccumulatorSpec, type AggregateFunction, HashAggregation, groupBy } from '../src/kernels/aggregate.js';
import { CoMomentsAccumulator, MomentsAccumulator, mergeMomentStates } from '../src/kernels/moments.js';
import type { Column } from '../src/types/column.js';
import { type DataType, DataTypes } from '../src/types/data-type.js';
import { type CellValue, columnFromJs, columnToJs } from '../src/types/values.js';
import { MemoryReservation } from '../src/wasm/memory.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from '../test/helpers/random.js';

const mem = runtime().memory;
let live = 0;
beforeEach(() => {
  live = mem.liveBytes;
});
afterEach(() => {
  expect(mem.liveBytes).toBe(live);
});

const reservation = () => new MemoryReservation('HashAggregate', 1 << 30);
const F64 = DataTypes.Double;

// ---- references -------------------------------------------------------------------------------

type Num = number | null;

/** Spark's central-moment results from a two-pass computation (nulls skipped). */
function refMoment(fn: string, xs: readonly Num[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  const n = v.length;
  if (n === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of v) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  switch (fn) {
    case 'var_samp':
      return n === 1 ? null : m2 / (n - 1);
    case 'var_pop':
      return m2 / n;
    case 'stddev_samp':
      return n === 1 ? null : Math.sqrt(m2 / (n - 1));
    case 'stddev_pop':
      return Math.sqrt(m2 / n);
    case 'skewness':
      return m2 === 0 ? null : (Math.sqrt(n) * m3) / Math.sqrt(m2 * m2 * m2);
    default:
      return m2 === 0 ? null : (n * m4) / (m2 * m2) - 3;
  }
}

/** Spark's co-moment results (first argument = Y for regr_*), over rows where both are non-null. */
function refCoMoment(fn: string, ys: readonly Num[], xs: readonly Num[]): number | bigint | null {
  const pairs = ys.map((y, i) => [y, xs[i]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
  const n = pairs.length;
  if (fn === 'regr_count') return BigInt(n);
  if (n === 0) return null;
  const my = pairs.reduce((a, p) => a + p[0], 0) / n;
  const mx = pairs.reduce((a, p) => a + p[1], 0) / n;
  let c = 0;
  let syy = 0;
  let sxx = 0;
  for (const [y, x] of pairs) {
    c += (y - my) * (x - mx);
    syy += (y - my) ** 2;
    sxx += (x - mx) ** 2;
  }
  switch (fn) {
    case 'covar_samp':
      return n === 1 ? null : c / (n - 1);
    case 'covar_pop':
      return c / n;
    case 'corr':
      return n === 1 || syy * sxx === 0 ? null : c / Math.sqrt(syy * sxx); // Catalyst's Divide: x / 0 is NULL
    case 'regr_avgx':
      return mx;
    case 'regr_avgy':
      return my;
    case 'regr_sxx':
      return sxx;
    case 'regr_syy':
      return syy;
    case 'regr_sxy':
      return c;
    case 'regr_slope':
      return sxx === 0 ? null : c / sxx;
    case 'regr_intercept':
      return sxx === 0 ? null : my - (c / sxx) * mx;
    default:
      return sxx === 0 ? null : syy === 0 ? 1 : (c * c) / (sxx * syy);
  }
}

function close(actual: CellValue, expected: number | bigint | null, rel: number, what: string): void {
  if (expected === null || typeof expected === 'bigint') {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(typeof actual, what).toBe('number');
  const a = actual as number;
  if (Number.isNaN(expected)) {
    expect(a, what).toBeNaN();
    return;
  }
  if (a === expected) return;
  const tol = rel * Math.max(1, Math.abs(expected));
  if (Math.abs(a - expected) > tol) expect(a, what).toBe(expected);
}

// ---- random data -------------------------------------------------------------------------------

function randomData(seed: number, n: number, groups: number, nanRate = 0) {
  const rnd = mulberry32(seed);
  const keys: number[] = [];
  const xs: Num[] = [];
  const ys: Num[] = [];
  const offset = rnd() < 0.5 ? 0 : 1e6;
  for (let i = 0; i < n; i++) {
    // Skewed: half of the rows in group 0.
    keys.push(rnd() < 0.5 ? 0 : Math.floor(rnd() * groups));
    const pick = (): Num => (rnd() < 0.1 ? null : rnd() < nanRate ? Number.NaN : rnd() < 0.1 ? 1.5 : offset + Math.round((rnd() - 0.5) * 2e6) / 1000);
    xs.push(pick());
    ys.push(pick());
  }
  return { keys, xs, ys };
}

/** groupBy over int32 keys with `specs` (input = xs, extra = ys for two-argument functions); results per group in first-appearance order. */
function runGroupBy(keys: readonly number[], aggs: readonly { spec: AccumulatorSpec; inputs: readonly (readonly unknown[])[]; types?: DataType[] }[], chunk?: number) {
  const keyCol = columnFromJs(DataTypes.Integer, keys);
  const owned: Column[] = [keyCol];
  try {
    const list = aggs.map((a) => {
      const cols = a.inputs.map((v, i) => columnFromJs(a.types?.[i] ?? F64, v));
      owned.push(...cols);
      return { spec: a.spec, input: cols[0] ?? null, extra: cols.slice(1) };
    });
    const out = groupBy(keys.length ? [keyCol] : [], list, reservation(), chunk);
    try {
      return { keys: keys.length ? columnToJs(out.keys[0]!) : [], results: out.results.map((c) => columnToJs(c)) };
    } finally {
      for (const c of [...out.keys, ...out.results]) c.release();
    }
  } finally {
    for (const c of owned) c.release();
  }
}

const spec = (fn: AggregateFunction, extra = 0, resultType: DataType = F64, more: Partial<AccumulatorSpec> = {}): AccumulatorSpec => ({
  fn,
  inputType: F64,
  resultType,
  name: fn,
  ...(extra ? { extraInputTypes: Array.from({ length: extra }, () => F64) } : {}),
  ...more,
});

const MOMENTS: AggregateFunction[] = ['var_samp', 'var_pop', 'stddev_samp', 'stddev_pop', 'skewness', 'kurtosis'];
const COMOMENTS: AggregateFunction[] = ['covar_samp', 'covar_pop', 'corr', 'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2'];

describe('moments kernels vs a two-pass reference', () => {
  for (const [n, groups, nan] of [
    [0, 1, 0],
    [1, 1, 0],
    [7, 3, 0],
    [17, 5, 0.05],
    [1000, 40, 0],
    [1000, 1, 0.01],
    [3000, 700, 0],
  ] as const) {
    it(`n=${n}, ${groups} groups, NaN rate ${nan}`, () => {
      const { keys, xs, ys } = randomData(n * 31 + groups, n, groups, nan);
      const aggs = [
        ...MOMENTS.map((fn) => ({ spec: spec(fn), inputs: [xs] })),
        ...COMOMENTS.map((fn) => ({ spec: spec(fn, 1, fn === 'regr_count' ? DataTypes.Long : F64), inputs: [ys, xs] })),
      ];
      for (const chunk of [undefined, 7]) {
        const out = runGroupBy(keys, aggs, chunk);
        const groupRows = new Map<number, number[]>();
        keys.forEach((k, i) => {
          const rows = groupRows.get(k);
          if (rows) rows.push(i);
          else groupRows.set(k, [i]);
        });
        out.keys.forEach((k, g) => {
          const rows = groupRows.get(k as number)!;
          const gx = rows.map((r) => xs[r]!);
          const gy = rows.map((r) => ys[r]!);
          MOMENTS.forEach((fn, i) => close(out.results[i]![g]!, refMoment(fn, gx), fn === 'skewness' || fn === 'kurtosis' ? 1e-7 : 1e-9, `${fn} group ${k}`));
          COMOMENTS.forEach((fn, i) => close(out.results[MOMENTS.length + i]![g]!, refCoMoment(fn, gy, gx), fn === 'regr_intercept' ? 1e-6 : 1e-8, `${fn} group ${k}`));
        });
      }
    });
  }

  it('no rows without group keys: one null row (regr_count 0)', () => {
    const out = runGroupBy([], [...MOMENTS.map((fn) => ({ spec: spec(fn), inputs: [[]] })), { spec: spec('regr_count', 1, DataTypes.Long), inputs: [[], []] }]);
    expect(out.results.map((r) => r[0])).toEqual([...MOMENTS.map(() => null), 0n]);
  });

  it('one row, all-equal values, NaN: Spark 3 (non-legacy) nulls and NaN', () => {
    const out = runGroupBy(
      [1, 2, 2, 2, 3, 3],
      [...MOMENTS, 'corr' as const, 'regr_slope' as const, 'regr_r2' as const].map((fn) => ({ spec: spec(fn, fn === 'corr' || fn.startsWith('regr') ? 1 : 0), inputs: fn === 'corr' || fn.startsWith('regr') ? [[1, 5, 6, 7, 1, 2], [4, 5, 5, 5, Number.NaN, 1]] : [[4, 5, 5, 5, Number.NaN, 1]] })),
    );
    // group 1: one row; group 2: all equal (x = 5, 5, 5); group 3: a NaN.
    const [vs, vp, ss, sp, sk, ku, co, sl, r2] = out.results;
    expect([vs![0], vp![0], ss![0], sp![0], sk![0], ku![0], co![0], sl![0], r2![0]]).toEqual([null, 0, null, 0, null, null, null, null, null]);
    expect([vs![1], vp![1], sk![1], ku![1]]).toEqual([0, 0, null, null]);
    expect(co![1]).toBe(null); // 0 / sqrt(0) with Catalyst's Divide: NULL (window.sql.out, a constant partition)
    expect(sl![1]).toBe(null); // var_pop(x) = 0
    for (const r of out.results) expect(r[2]).toBeNaN();
  });

  it('Spark documentation examples', () => {
    // Spark computed these over several partitions and merged, so the last digit may differ from one pass.
    const one = (fn: AggregateFunction, xs: number[], want: number) => close(runGroupBy([], [{ spec: spec(fn), inputs: [xs] }]).results[0]![0]!, want, 1e-15, fn);
    one('skewness', [-10, -20, 100, 1000], 1.1135657469022013);
    one('skewness', [-1000, -100, 10, 20], -1.1135657469022011);
    one('kurtosis', [-10, -20, 100, 1000], -0.7014368047529618);
    one('kurtosis', [1, 10, 100, 10, 1], 0.19432323191698986);
    one('stddev_pop', [1, 2, 3], 0.816496580927726);
    one('var_pop', [1, 2, 3], 0.6666666666666666);
    one('stddev_samp', [1, 2, 3], 1);
  });

  it('large offsets (1e9 + x): no catastrophic cancellation', () => {
    const rnd = mulberry32(7);
    const small = Array.from({ length: 5000 }, () => Math.floor(rnd() * 100));
    const xs = small.map((x) => 1e9 + x);
    const out = runGroupBy([], [{ spec: spec('var_samp'), inputs: [xs] }, { spec: spec('covar_pop', 1), inputs: [xs, small.map((x) => 1e9 - x)] }, { spec: spec('kurtosis'), inputs: [xs] }]);
    // Welford's error grows like eps * offset / stddev (here ~1e-9 relative); the naive one is unbounded.
    close(out.results[0]![0]!, refMoment('var_samp', small), 1e-7, 'var_samp');
    close(out.results[1]![0]!, -(refMoment('var_pop', small) as number), 1e-7, 'covar_pop');
    close(out.results[2]![0]!, refMoment('kurtosis', small), 1e-6, 'kurtosis');
    // The naive formula (sum of squares - n mean^2) loses everything here.
    const n = xs.length;
    const naive = (xs.reduce((a, x) => a + x * x, 0) - xs.reduce((a, x) => a + x, 0) ** 2 / n) / (n - 1);
    expect(Math.abs(naive - (refMoment('var_samp', small) as number))).toBeGreaterThan(1);
  });
});

describe('merge of states (partial/final aggregation)', () => {
  function accumulate(acc: MomentsAccumulator | CoMomentsAccumulator, groups: number, gids: number[], xs: Num[], ys?: Num[]): void {
    acc.grow(groups);
    const g = columnFromJs(DataTypes.Integer, gids);
    const x = columnFromJs(F64, xs);
    const y = ys ? columnFromJs(F64, ys) : null;
    try {
      acc.update(x, g.valuesPtr, gids.length, groups, 0, y ? [y] : []);
    } finally {
      for (const c of [g, x, y]) c?.release();
    }
  }

  for (const fn of ['kurtosis', 'skewness', 'var_samp'] as const) {
    it(`${fn}: merging the states of a split equals the one-pass state`, () => {
      const { keys, xs } = randomData(99, 2000, 13);
      const res = reservation();
      const all = new MomentsAccumulator(mem, res, spec(fn));
      const left = new MomentsAccumulator(mem, res, spec(fn));
      const right = new MomentsAccumulator(mem, res, spec(fn));
      try {
        accumulate(all, 13, keys, xs);
        const cut = 700;
        accumulate(left, 13, keys.slice(0, cut), xs.slice(0, cut));
        // The right part's groups in reverse numbering: merge maps them back through gids.
        accumulate(right, 13, keys.slice(cut).map((k) => 12 - k), xs.slice(cut));
        const states = right.stateColumns(0, 13);
        const gids = columnFromJs(DataTypes.Integer, Array.from({ length: 13 }, (_, i) => 12 - i));
        try {
          expect(right.stateNames).toEqual(['n', 'mean', 'm2', 'm3', 'm4'].slice(0, fn === 'kurtosis' ? 5 : fn === 'skewness' ? 4 : 3));
          left.merge(states, gids.valuesPtr, 13, 13);
        } finally {
          gids.release();
          for (const c of states) c.release();
        }
        const a = all.finish(0, 13);
        const b = left.finish(0, 13);
        try {
          const av = columnToJs(a);
          columnToJs(b).forEach((v, i) => close(v, av[i] as number | null, 1e-9, `${fn} group ${i}`));
        } finally {
          a.release();
          b.release();
        }
      } finally {
        all.release();
        left.release();
        right.release();
      }
    });
  }

  it('co-moments: merging split states equals the one-pass state (identity gids = 0)', () => {
    const { keys, xs, ys } = randomData(5, 1500, 9);
    const res = reservation();
    const mk = () => new CoMomentsAccumulator(mem, res, spec('regr_intercept', 1));
    const [all, left, right] = [mk(), mk(), mk()];
    try {
      accumulate(all, 9, keys, ys, xs);
      accumulate(left, 9, keys.slice(0, 400), ys.slice(0, 400), xs.slice(0, 400));
      accumulate(right, 9, keys.slice(400), ys.slice(400), xs.slice(400));
      const states = right.stateColumns(0, 9);
      left.merge(states, 0, 9, 9);
      for (const c of states) c.release();
      const [a, b] = [all.finish(0, 9), left.finish(0, 9)];
      const av = columnToJs(a);
      columnToJs(b).forEach((v, i) => close(v, av[i] as number | null, 1e-8, `group ${i}`));
      a.release();
      b.release();
    } finally {
      for (const acc of [all, left, right]) acc.release();
    }
  });

  it("reproduces Spark's golden digits by merging Spark's two partitions (testData, local[2])", () => {
    // group-by.sql: SKEWNESS(a), KURTOSIS(a), VARIANCE(a), STDDEV(a) FROM testData; Spark splits the
    // 9-row LocalRelation into partitions of rows [0, 4) and [4, 9), aggregates each, then merges.
    const golden = { skewness: -0.2723801058145729, kurtosis: -1.5069204152249134, var_samp: 0.8095238095238094, stddev_samp: 0.8997354108424372 };
    const a: Num[] = [1, 1, 2, 2, 3, 3, null, 3, null];
    const res = reservation();
    for (const [fn, want] of Object.entries(golden)) {
      const parts = [a.slice(0, 4), a.slice(4)].map((xs) => {
        const acc = new MomentsAccumulator(mem, res, spec(fn as AggregateFunction));
        accumulate(acc, 1, xs.map(() => 0), xs);
        return acc;
      });
      const final = new MomentsAccumulator(mem, res, spec(fn as AggregateFunction));
      final.grow(1);
      for (const p of parts) {
        const states = p.stateColumns(0, 1);
        final.merge(states, 0, 1, 1);
        for (const c of states) c.release();
        p.release();
      }
      const out = final.finish(0, 1);
      expect(columnToJs(out)[0], fn).toBe(want);
      out.release();
      final.release();
    }
  });

  for (const grouped of [true, false]) {
    it(`HashAggregation.stateColumns + mergeStates (partial/final, ${grouped ? 'grouped' : 'ungrouped'}) = one pass`, () => {
      const { keys, xs, ys } = randomData(grouped ? 17 : 18, 2500, 60);
      const specs = [spec('kurtosis'), spec('stddev_samp'), spec('corr', 1), spec('regr_slope', 1), spec('regr_count', 1, DataTypes.Long)];
      const keyTypes = grouped ? [DataTypes.Integer] : [];
      const one = runGroupBy(grouped ? keys : [], specs.map((sp) => ({ spec: sp, inputs: sp.extraInputTypes ? [ys, xs] : [ys] })));
      const res = reservation();
      const final = new HashAggregation(keyTypes, specs, res);
      const owned: Column[] = [];
      try {
        // Three "tasks", each a partial aggregation of a slice of the rows, merged in reverse order.
        for (const [from, to] of [[1700, 2500], [300, 1700], [0, 300]] as const) {
          const partial = new HashAggregation(keyTypes, specs, res);
          try {
            const k = columnFromJs(DataTypes.Integer, keys.slice(from, to));
            const y = columnFromJs(F64, ys.slice(from, to));
            const x = columnFromJs(F64, xs.slice(from, to));
            owned.push(k, y, x);
            partial.update(grouped ? [k] : [], specs.map(() => y), to - from, specs.map((sp) => (sp.extraInputTypes ? [x] : undefined)));
            const groups = partial.numGroups;
            const pk = grouped ? [partial.keyColumn(0, 0, groups)] : [];
            const states = specs.map((_, i) => partial.stateColumns(i, 0, groups)!);
            owned.push(...pk, ...states.flat());
            final.mergeStates(pk, states, groups);
          } finally {
            partial.release();
          }
        }
        const groups = final.numGroups;
        const keyCol = grouped ? final.keyColumn(0, 0, groups) : null;
        if (keyCol) owned.push(keyCol);
        const fk = keyCol ? columnToJs(keyCol) : [null];
        const results = specs.map((_, i) => final.result(i, 0, groups));
        owned.push(...results);
        const byKey = new Map(fk.map((k, g) => [k, g]));
        expect(groups).toBe(one.results[0]!.length);
        (grouped ? one.keys : [null]).forEach((k, g) => {
          const h = byKey.get(k)!;
          results.forEach((col, i) => close(columnToJs(col)[h]!, one.results[i]![g] as number | bigint | null, 1e-9, `${specs[i]!.fn} key ${k}`));
        });
      } finally {
        final.release();
        for (const c of owned) c.release();
      }
    });
  }

  it('mergeMomentStates on raw arrays', () => {
    const res = reservation();
    const a = new MomentsAccumulator(mem, res, spec('var_pop'));
    const b = new MomentsAccumulator(mem, res, spec('var_pop'));
    try {
      accumulate(a, 1, [0, 0], [1, 2]);
      accumulate(b, 1, [0, 0], [3, 4]);
      const sa = a.stateColumns(0, 1);
      const sb = b.stateColumns(0, 1);
      mergeMomentStates(2, sb.map((c) => c.valuesPtr), sa.map((c) => c.valuesPtr), 0, 1);
      expect(sa.map((c) => columnToJs(c)[0])).toEqual([4, 2.5, 5]);
      for (const c of [...sa, ...sb]) c.release();
    } finally {
      a.release();
      b.release();
    }
  });
});

describe('DISTINCT, count_if, bool_and / bool_or', () => {
  it('sum/avg/var_pop/corr DISTINCT and count(DISTINCT a, b) vs a reference', () => {
    const rnd = mulberry32(3);
    const n = 3000;
    const keys = Array.from({ length: n }, () => (rnd() < 0.5 ? 0 : Math.floor(rnd() * 50)));
    const xs = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 20) / 4));
    const ys = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 3)));
    const ints = xs.map((x) => (x === null ? null : Math.round(x * 4)));
    const d = { distinct: true };
    for (const chunk of [undefined, 7]) {
      const out = runGroupBy(
        keys,
        [
          { spec: { ...spec('sum', 0, DataTypes.Long, d), inputType: DataTypes.Integer }, inputs: [ints], types: [DataTypes.Integer] },
          { spec: spec('avg', 0, F64, d), inputs: [xs] },
          { spec: spec('var_pop', 0, F64, d), inputs: [xs] },
          { spec: spec('corr', 1, F64, d), inputs: [xs, ys] },
          { spec: { ...spec('count_distinct', 1, DataTypes.Long), inputType: DataTypes.Integer, extraInputTypes: [F64] }, inputs: [ints, ys], types: [DataTypes.Integer, F64] },
        ],
        chunk,
      );
      out.keys.forEach((k, g) => {
        const rows = keys.map((kk, i) => (kk === k ? i : -1)).filter((i) => i >= 0);
        const uniq = [...new Set(rows.map((r) => xs[r]).filter((x) => x !== null))] as number[];
        const pairs = new Map<string, [number, number]>();
        for (const r of rows) if (xs[r] !== null && ys[r] !== null) pairs.set(`${xs[r]},${ys[r]}`, [xs[r]!, ys[r]!]);
        const pv = [...pairs.values()];
        expect(out.results[0]![g]).toBe(uniq.length ? BigInt(uniq.reduce((a, x) => a + x * 4, 0)) : null);
        close(out.results[1]![g]!, uniq.length ? uniq.reduce((a, b) => a + b, 0) / uniq.length : null, 1e-12, 'avg distinct');
        close(out.results[2]![g]!, refMoment('var_pop', uniq), 1e-9, 'var_pop distinct');
        close(out.results[3]![g]!, refCoMoment('corr', pv.map((p) => p[0]), pv.map((p) => p[1])) as number | null, 1e-9, 'corr distinct');
        expect(out.results[4]![g]).toBe(BigInt(pv.length));
      });
    }
  });

  it('count_if, bool_and, bool_or with nulls; bool over no rows is null', () => {
    const B = DataTypes.Boolean;
    const keys = [1, 1, 1, 2, 2, 3, 4, 4];
    const bs = [true, false, null, true, true, null, false, false];
    const aggs = (['count_if', 'bool_and', 'bool_or'] as const).map((fn) => ({
      spec: { fn, inputType: B, resultType: fn === 'count_if' ? DataTypes.Long : B, name: fn } as AccumulatorSpec,
      inputs: [bs],
      types: [B],
    }));
    for (const chunk of [undefined, 3]) {
      const out = runGroupBy(keys, aggs, chunk);
      expect(out.keys).toEqual([1, 2, 3, 4]);
      expect(out.results).toEqual([
        [1n, 2n, 0n, 0n],
        [false, true, null, false],
        [true, true, null, false],
      ]);
    }
    const none = runGroupBy([], aggs.map((a) => ({ ...a, inputs: [[]] })));
    expect(none.results.map((r) => r[0])).toEqual([0n, null, null]);
  });
});

describe('max_by / min_by', () => {
  it('random values and orderings of several types vs a reference (NaN greatest, -0.0 = 0.0, null ord skipped, first of ties)', () => {
    const rnd = mulberry32(11);
    const n = 1500;
    const keys = Array.from({ length: n }, () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * 200)));
    const ordF = Array.from({ length: n }, () => (rnd() < 0.1 ? null : rnd() < 0.05 ? Number.NaN : rnd() < 0.1 ? -0 : rnd() < 0.1 ? 0 : Math.floor(rnd() * 50) / 2));
    const ordI = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 30) - 15));
    const vals = Array.from({ length: n }, (_, i) => (rnd() < 0.1 ? null : i));
    const I32 = DataTypes.Integer;
    // Spark's ordering: NaN above everything; -0.0 and 0.0 tie.
    const cmp = (a: number, b: number) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a === b ? 0 : a < b ? -1 : 1);
    const ref = (isMax: boolean, ords: (number | null)[], k: number) => {
      let best = -1;
      for (let i = 0; i < n; i++) {
        if (keys[i] !== k || ords[i] === null) continue;
        const c = best < 0 ? 1 : cmp(ords[i]!, ords[best]!) * (isMax ? 1 : -1);
        if (c > 0) best = i;
      }
      return best < 0 ? null : vals[best]!;
    };
    const mk = (fn: 'max_by' | 'min_by', ordType: DataType) => ({ fn, inputType: I32, resultType: I32, name: fn, extraInputTypes: [ordType] }) as AccumulatorSpec;
    for (const chunk of [undefined, 7]) {
      const out = runGroupBy(
        keys,
        [
          { spec: mk('max_by', F64), inputs: [vals, ordF], types: [I32, F64] },
          { spec: mk('min_by', F64), inputs: [vals, ordF], types: [I32, F64] },
          { spec: mk('max_by', I32), inputs: [vals, ordI], types: [I32, I32] },
          { spec: mk('min_by', DataTypes.Long), inputs: [vals, ordI.map((x) => (x === null ? null : BigInt(x)))], types: [I32, DataTypes.Long] },
        ],
        chunk,
      );
      out.keys.forEach((k, g) => {
        expect(out.results[0]![g], `max_by f64 key ${k}`).toBe(ref(true, ordF, k as number));
        expect(out.results[1]![g], `min_by f64 key ${k}`).toBe(ref(false, ordF, k as number));
        expect(out.results[2]![g], `max_by i32 key ${k}`).toBe(ref(true, ordI, k as number));
        expect(out.results[3]![g], `min_by i64 key ${k}`).toBe(ref(false, ordI, k as number));
      });
    }
  });
});

describe('compiled module', () => {
  it('exports the update, merge and finish kernels; the moment loops are scalar by design', () => {
    const wat = readFileSync(new URL('../build/moments.wat', import.meta.url), 'utf8');
    for (const name of ['mom_update', 'mom_merge', 'mom_finish', 'comom_update', 'comom_merge', 'comom_finish', 'distinct_select', 'distinct_gather']) {
      expect(wat).toContain(`(export "${name}"`);
    }
    // Sequential per group (Welford): no v128 in the update kernels (see the header of assembly/moments.ts).
    const body = wat.slice(wat.indexOf('(func $assembly/moments/mom_update'), wat.indexOf('(func $assembly/moments/mom_merge'));
    expect(body.length).toBeGreaterThan(0);
    expect(body).not.toContain('v128');
  });
});
