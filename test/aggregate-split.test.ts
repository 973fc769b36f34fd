/**
 * Two-phase aggregation (src/scheduler/aggregate-split.ts): an Aggregate split into partial
 * aggregates over k chunks of its input, their outputs unioned, and the final aggregate over the
 * union gives exactly the one-pass result: bit-identical for avg over decimals (the internal
 * avg_sum_state / avg_merge pair), to ~1e-12 relative for doubles and 1e-9 for the statistical
 * aggregates (moment states merged with Chan et al.'s formulas). Data: nulls, NaN, skewed groups,
 * null keys, groups whose inputs are all null, decimals of several scales, partial sums beyond the
 * sum precision that come back in range, and int64 overflow (null). End to end, `local[2]` and
 * `local[1]` agree on a multi-row-group Parquet file (avg(decimal) exactly, statistics up to
 * rounding) and the job runs `Aggregate(final)`, not `Aggregate(complete)`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataFrame, SparkSession, functions as F } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import type { Aggregate, LocalRelation, LogicalPlan } from '../src/plan/logical-plan.js';
import { splitAggregate } from '../src/scheduler/aggregate-split.js';
import { batchToRows } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32 } from './helpers/random.js';

const SCHEMA = 'g int, d2 decimal(10,2), d0 decimal(5,0), d6 decimal(18,6), d4 decimal(12,4), big decimal(18,0), v double, w double, b boolean';

type RowIn = Record<string, unknown>;

/** Decimal text of an integer number of units at `scale`. */
function dec(units: bigint, scale: number): string {
  const neg = units < 0n;
  const a = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? a : `${a.slice(0, a.length - scale)}.${a.slice(a.length - scale)}`;
  return neg ? `-${text}` : text;
}

/** Random rows: skewed keys (half in group 0), null keys, all-null groups, NaN doubles. */
function randomRows(n: number, seed: number): RowIn[] {
  const rnd = mulberry32(seed);
  const units = (digits: number) => BigInt(Math.floor((rnd() * 2 - 1) * 10 ** Math.min(digits, 15)));
  return Array.from({ length: n }, () => {
    const r = rnd();
    const g = r < 0.5 ? 0 : r < 0.55 ? null : r < 0.6 ? 99 : Math.floor(rnd() * 40);
    const allNull = g === 99; // group 99: every aggregate input is null
    const nul = () => allNull || rnd() < 0.1;
    const v = nul() ? null : rnd() < 0.02 ? Number.NaN : (rnd() - 0.5) * 1e6;
    return {
      g,
      d2: nul() ? null : dec(units(10), 2),
      d0: nul() ? null : dec(units(5), 0),
      d6: nul() ? null : dec(units(15), 6),
      d4: nul() ? null : dec(units(12), 4),
      big: nul() ? null : dec(units(15) * 1000n, 0),
      v,
      // correlated with v (NaN or null sometimes, independently)
      w: nul() ? null : g === 7 ? 3 : (v === null || Number.isNaN(v) ? 0 : 0.5 * v) + (rnd() - 0.5) * 1e5 + 1e4,
      b: nul() ? null : g === 3 ? true : rnd() < 0.7,
    };
  });
}

/**
 * Rows whose `big` sums stress the sum state: group 1 goes beyond 18 digits and back
 * (9e17, 9e17, -9e17, -9e17, ...: one pass and any split give 0), group 2 leaves int64 whatever the
 * order (eleven 9e17), group 3 ends beyond 18 digits but inside int64, group 4 stays in range: all
 * exact in the int128 sum state (Spark's sum type decimal(28,0)).
 */
function overflowRows(): RowIn[] {
  const big = 900_000_000_000_000_000n;
  const rows: RowIn[] = [];
  const add = (g: number, x: bigint) => rows.push({ g, d2: '1.00', d0: '1', d6: '1.000000', d4: '1.0000', big: dec(x, 0), v: 1, w: 2, b: true });
  for (let i = 0; i < 4; i++) [big, big, -big, -big].forEach((x) => add(1, x));
  for (let i = 0; i < 11; i++) add(2, big);
  for (let i = 0; i < 2; i++) add(3, big);
  add(3, 300_000_000_000_000_000n);
  for (let i = 0; i < 7; i++) add(4, 12_345_678_901_234n - BigInt(i));
  return rows;
}

let spark: SparkSession;

beforeAll(() => {
  spark = new SparkSession(new RuntimeConfig(), 'aggregate-split', 'local[1]');
});

afterAll(() => {
  spark.stop();
});

function findAggregate(plan: LogicalPlan): Aggregate {
  if (plan.kind === 'aggregate') return plan;
  const child = (plan as { child?: LogicalPlan }).child;
  if (!child) throw new Error(`no Aggregate in plan ${plan.kind}`);
  return findAggregate(child);
}

function findLocal(plan: LogicalPlan): LocalRelation {
  if (plan.kind === 'local') return plan;
  const child = (plan as { child?: LogicalPlan }).child;
  if (!child) throw new Error(`no LocalRelation in plan ${plan.kind}`);
  return findLocal(child);
}

async function run(plan: LogicalPlan): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const b of spark.executePlan(plan)) {
    try {
      rows.push(...batchToRows(b));
    } finally {
      b.release();
    }
  }
  return rows;
}

/** Rows keyed by their group-key columns, sorted. */
function byKey(rows: readonly Record<string, unknown>[], keys: readonly string[]): [string, Record<string, unknown>][] {
  return rows.map((r) => [JSON.stringify(keys.map((k) => r[k])), r] as [string, Record<string, unknown>]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Doubles to `rel` relative (absolute below 1); anything else (decimals as exact text, counts, nulls) exactly.
 * The statistics allow 1e-9: merged moments round differently, and derived values such as
 * regr_intercept (avg(y) - slope * avg(x)) cancel digits.
 */
function expectClose(actual: unknown, expected: unknown, where: string, rel = 1e-12): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected)) return void expect(actual, where).toBeNaN();
    const tol = rel * Math.max(1, Math.abs(expected));
    expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
    return;
  }
  expect(actual, where).toStrictEqual(expected);
}

/**
 * Runs `query` over `rows` in one pass and split over `k` chunks; compares exactly except doubles.
 * Returns the one-pass rows.
 */
async function compareSplit(rows: readonly RowIn[], k: number | readonly (readonly RowIn[])[], query: (df: DataFrame) => DataFrame, keys: readonly string[], rel = 1e-12): Promise<Record<string, unknown>[]> {
  const df = spark.createDataFrame(rows, SCHEMA);
  const q = query(df);
  const expected = await q.collect();
  const agg = findAggregate(q.plan);
  const split = splitAggregate(agg);
  expect(split, 'the aggregate must be splittable').not.toBeNull();
  const source = findLocal(df.plan);
  // Chunks of uneven sizes (possibly empty), each a LocalRelation with the source's attributes.
  let pieces: (readonly RowIn[])[];
  if (typeof k === 'number') {
    const bounds = [0, ...Array.from({ length: k - 1 }, (_, i) => Math.floor(((i + 1) * rows.length) / k) - (i % 2)), rows.length].map((b) => Math.max(0, Math.min(rows.length, b)));
    pieces = Array.from({ length: k }, (_, i) => rows.slice(bounds[i]!, bounds[i + 1]!));
  } else {
    pieces = [...k];
  }
  const chunks: LogicalPlan[] = [];
  for (const piece of pieces) {
    const part = spark.createDataFrame(piece, SCHEMA);
    const rel = findLocal(part.plan);
    chunks.push(split!.partial({ ...source, batches: rel.batches }));
  }
  const union: LogicalPlan = { kind: 'union', children: chunks };
  const actual = await run(split!.final(union));
  expect(actual.length).toBe(expected.length);
  const a = byKey(actual, keys);
  const e = byKey(expected, keys);
  e.forEach(([key, row], i) => {
    expect(a[i]![0]).toBe(key);
    for (const [name, value] of Object.entries(row)) expectClose(a[i]![1][name], value, `group ${key}, ${name}`, rel);
  });
  return expected;
}

const avgAll = (df: DataFrame, by: string[]) =>
  (by.length ? df.groupBy(...by) : df.groupBy()).agg(
    F.avg('d2').alias('a2'),
    F.avg('d0').alias('a0'),
    F.avg('d6').alias('a6'),
    F.avg('d4').alias('a4'),
    F.avg('big').alias('abig'),
    F.avg('v').alias('av'),
    F.sum('d2').alias('s2'),
    F.count('d2').alias('c2'),
    F.count('*').alias('n'),
  );

describe('splitAggregate: avg over decimals', () => {
  it('avg(decimal) splits into avg_sum_state + count and avg_merge', async () => {
    const df = spark.createDataFrame(randomRows(50, 1), SCHEMA);
    const split = splitAggregate(findAggregate(df.groupBy('g').agg(F.avg('d2').alias('a')).plan))!;
    expect(split).not.toBeNull();
    const json = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(json(split.final({ kind: 'union', children: [] }))).toContain('"avg_merge"');
    expect(json(split.partial(findLocal(df.plan)))).toContain('"avg_sum_state"');
  });

  for (const [n, k, seed] of [
    [1000, 2, 11],
    [3000, 5, 12],
    [777, 7, 13],
    [40, 9, 14],
    [1, 3, 15],
    [0, 2, 16],
  ] as const) {
    it(`grouped, ${n} rows in ${k} chunks: bit-identical to one pass`, async () => {
      const live = runtime().memory.liveBytes;
      await compareSplit(randomRows(n, seed), k, (df) => avgAll(df, ['g']), ['g']);
      expect(runtime().memory.liveBytes).toBeLessThanOrEqual(live + 1024 * 1024);
    });
    it(`ungrouped, ${n} rows in ${k} chunks: bit-identical to one pass`, async () => {
      await compareSplit(randomRows(n, seed + 100), k, (df) => avgAll(df, []), []);
    });
  }

  it('expressions over avg(decimal) and the group key', async () => {
    await compareSplit(randomRows(2000, 21), 4, (df) => df.groupBy('g').agg(F.avg('d2').plus(F.avg('d4')).alias('x'), F.avg(F.col('d0').multiply(F.col('d0'))).alias('sq')), ['g']);
  });

  for (const k of [1, 2, 3, 6, 13]) {
    it(`sums beyond the sum precision and int64 overflow (${k} chunks)`, async () => {
      const expected = await compareSplit(overflowRows(), k, (df) => df.groupBy('g').agg(F.avg('big').alias('a'), F.avg('d2').alias('b')), ['g']);
      const a = Object.fromEntries(expected.map((r) => [r['g'], r['a']]));
      expect(a[1]).toBe('0.0000'); // beyond 18 digits and back: in range
      // Spark: avg(decimal(18,0)) sums in decimal(28,0) (an int128 state): beyond int64 is still exact
      expect(a[2]).not.toBeNull();
      expect(a[3]).not.toBeNull();
      expect(a[4]).not.toBeNull();
    });
  }
});

/** Every statistical aggregate, count_if and the boolean aggregates. */
const stats = (df: DataFrame, by: string[]) =>
  (by.length ? df.groupBy(...by) : df.groupBy()).agg(
    F.var_samp('v').alias('vs'),
    F.var_pop('v').alias('vp'),
    F.stddev('v').alias('sd'),
    F.stddev_pop('w').alias('sdp'),
    F.variance('w').alias('vw'),
    F.skewness('v').alias('sk'),
    F.kurtosis('w').alias('ku'),
    F.covar_samp('v', 'w').alias('cs'),
    F.covar_pop('v', 'w').alias('cp'),
    F.corr('v', 'w').alias('co'),
    F.regr_count('w', 'v').alias('rc'),
    F.regr_avgx('w', 'v').alias('rax'),
    F.regr_avgy('w', 'v').alias('ray'),
    F.regr_sxx('w', 'v').alias('rsxx'),
    F.regr_syy('w', 'v').alias('rsyy'),
    F.regr_sxy('w', 'v').alias('rsxy'),
    F.regr_slope('w', 'v').alias('rsl'),
    F.regr_intercept('w', 'v').alias('ri'),
    F.regr_r2('w', 'v').alias('r2'),
    F.count_if('b').alias('ci'),
    F.bool_and('b').alias('ba'),
    F.bool_or('b').alias('bo'),
    F.avg('d4').alias('a4'),
  );

describe('splitAggregate: statistical aggregates (mergeable moment states)', () => {
  for (const [n, k, seed] of [
    [2000, 2, 31],
    [3000, 6, 32],
    [333, 11, 33],
    [5, 3, 34],
    [0, 2, 35],
  ] as const) {
    it(`grouped, ${n} rows in ${k} chunks: equal to one pass`, async () => {
      const live = runtime().memory.liveBytes;
      await compareSplit(randomRows(n, seed), k, (df) => stats(df, ['g']), ['g'], 1e-9);
      expect(runtime().memory.liveBytes).toBeLessThanOrEqual(live + 1024 * 1024);
    });
    it(`ungrouped, ${n} rows in ${k} chunks: equal to one pass`, async () => {
      await compareSplit(randomRows(n, seed + 100).filter((r) => !Number.isNaN(r['v'])), k, (df) => stats(df, []), [], 1e-9);
    });
  }

  it('partial: one call per state column, one shared accumulator; final: a merge per call', async () => {
    const df = spark.createDataFrame(randomRows(10, 1), SCHEMA);
    const split = splitAggregate(findAggregate(df.groupBy('g').agg(F.kurtosis('v').alias('k'), F.corr('v', 'w').alias('c')).plan))!;
    expect(split.partialOutput.length).toBe(1 + 5 + 6);
    const json = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(json(split.final({ kind: 'union', children: [] })).match(/"mergeStates":true/g)?.length).toBe(2);
  });
});

describe('splitAggregate: a partial whose sum leaves int64', () => {
  it('stays exact (int128 sum states), like one pass and like Spark', async () => {
    const big = 900_000_000_000_000_000n;
    const row = (g: number, x: bigint): RowIn => ({ g, d2: '1.00', d0: '1', d6: '1.000000', d4: '1.0000', big: dec(x, 0), v: 1, w: 2, b: false });
    const overflowing = Array.from({ length: 11 }, () => row(5, big));
    const fine = [row(5, 1n), row(6, 2n)];
    const expected = await compareSplit([...overflowing, ...fine], [overflowing, [], fine], (df) => df.groupBy('g').agg(F.avg('big').alias('a')), ['g']);
    expect(expected.find((r) => r['g'] === 5)!['a']).toBe('825000000000000000.0833');
    expect(expected.find((r) => r['g'] === 6)!['a']).toBe('2.0000');
    await compareSplit([...fine, ...overflowing], [fine, overflowing], (df) => df.agg(F.avg('big').alias('a'), F.avg('d2').alias('b')), []);
  });
});

describe('local[2] vs local[1] on Parquet', () => {
  let dir: string;
  let serial: SparkSession;
  let parallel: SparkSession;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kindling-aggregate-split-'));
    serial = new SparkSession(new RuntimeConfig(), 'split serial', 'local[1]');
    parallel = new SparkSession(new RuntimeConfig(), 'split parallel', 'local[2]');
    await serial.createDataFrame([...randomRows(6000, 77), ...overflowRows()], SCHEMA).write.option('rowGroupSize', 500).option('maxRecordsPerFile', 2000).parquet(join(dir, 't'));
  });

  afterAll(() => {
    serial.stop();
    parallel.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const query = async (s: SparkSession, grouped: boolean) => {
    const df = await s.read.parquet(join(dir, 't'));
    return (grouped ? df.groupBy('g') : df.groupBy()).agg(F.avg('d2').alias('a2'), F.avg('d6').alias('a6'), F.avg('big').alias('abig'), F.avg('d0').alias('a0'), F.count('*').alias('n'));
  };

  const sortedRows = async (df: DataFrame) => (await df.collect()).map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();

  it('statistical aggregates: same rows up to rounding, final aggregate after a partial one', async () => {
    const q = async (s: SparkSession) => stats((await s.read.parquet(join(dir, 't'))).filter(F.col('g').isNotNull()), ['g']);
    const one = await (await q(serial)).collect();
    const two = await (await q(parallel)).collect();
    const labels = parallel.lastJobReport()!.stages.map((s) => s.label);
    expect(labels.some((l) => l.includes('Aggregate(final)'))).toBe(true);
    expect(labels.some((l) => l.includes('Aggregate(complete)'))).toBe(false);
    expect(two.length).toBe(one.length);
    const e = byKey(one, ['g']);
    const a = byKey(two, ['g']);
    e.forEach(([key, row], i) => {
      expect(a[i]![0]).toBe(key);
      for (const [name, value] of Object.entries(row)) expectClose(a[i]![1][name], value, `group ${key}, ${name}`, 1e-9);
    });
  });

  for (const grouped of [true, false]) {
    it(`avg(decimal) ${grouped ? 'grouped' : 'ungrouped'}: same rows, final aggregate after a partial one`, async () => {
      const one = await sortedRows(await query(serial, grouped));
      const two = await sortedRows(await query(parallel, grouped));
      expect(two).toStrictEqual(one);
      const labels = parallel.lastJobReport()!.stages.map((s) => s.label);
      expect(labels.some((l) => l.includes('Aggregate(final)'))).toBe(true);
      expect(labels.some((l) => l.includes('Aggregate(complete)'))).toBe(false);
      expect(labels.some((l) => l.includes('Aggregate(partial)'))).toBe(true);
    });
  }
});
