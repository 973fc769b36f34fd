import { describe, expect, it } from 'vitest';
import { mergeSortedRuns } from '../src/kernels/merge.js';
import type { SortKey } from '../src/kernels/sort.js';
import type { Batch } from '../src/types/batch.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type CellValue, batchFromRows, batchToRows } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { mulberry32, sparkCompare, watFunctions } from './support.js';

const schema = new Schema([
  field('i', DataTypes.Integer),
  field('s', DataTypes.String),
  field('d', DataTypes.Double),
  field('b', DataTypes.Boolean),
  field('l', DataTypes.Long),
  field('tag', DataTypes.Integer, false),
]);

type Row = Record<string, CellValue>;
const LONG = 'é'.repeat(9); // 18 bytes: longer than the 16-byte encoded prefix
const STRINGS = ['', 'a', 'ab', 'b', '日本', '🔥', LONG, `${LONG}a`, `${LONG}b`, `${LONG}`.slice(0, 8), 'zzzzzzzzzzzzzzzzzzzz1', 'zzzzzzzzzzzzzzzzzzzz0'];

function makeRows(rnd: () => number, n: number, tagBase: number, opts: { nulls: boolean; card: number }): Row[] {
  const maybe = <T>(v: () => T): T | null => (opts.nulls && rnd() < 0.15 ? null : v());
  return Array.from({ length: n }, (_, j) => ({
    i: maybe(() => Math.floor(rnd() * opts.card) - 2),
    s: maybe(() => STRINGS[Math.floor(rnd() * Math.min(STRINGS.length, opts.card + 2))]!),
    d: maybe(() => [NaN, -0, 0, 1.5, -2, Infinity, -Infinity][Math.floor(rnd() * 7)]!),
    b: maybe(() => rnd() < 0.5),
    l: maybe(() => BigInt(Math.floor(rnd() * opts.card)) - 3n),
    tag: tagBase + j,
  }));
}

function compareRows(keys: readonly SortKey[]) {
  return (r: Row, s: Row): number => {
    for (const k of keys) {
      const f = schema.fields[k.index]!;
      const a = r[f.name]!;
      const b = s[f.name]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === k.nullsFirst ? -1 : 1;
      }
      const c = sparkCompare(f.type, a, b);
      if (c !== 0) return k.ascending ? c : -c;
    }
    return 0;
  };
}

/** Splits sorted rows into batches of random sizes (including empty ones). */
function* batchesOf(rows: Row[], rnd: () => number, maxBatch: number): Generator<Batch> {
  let i = 0;
  while (i < rows.length) {
    const n = Math.floor(rnd() * (maxBatch + 1));
    yield batchFromRows(schema, rows.slice(i, i + n));
    i += n;
  }
}

function mergeCase(seed: number, numRuns: number, keys: SortKey[], opts: { nulls: boolean; card: number; maxRun: number; maxBatch: number; outBatch: number }): void {
  const rnd = mulberry32(seed);
  const cmp = compareRows(keys);
  const runs: Row[][] = [];
  let tag = 0;
  for (let r = 0; r < numRuns; r++) {
    const n = rnd() < 0.15 ? 0 : Math.floor(rnd() * opts.maxRun);
    const rows = makeRows(rnd, n, tag, opts).sort(cmp); // Array.prototype.sort is stable
    tag += n;
    runs.push(rows);
  }
  const expected = runs.flat().sort(cmp).map((r) => r.tag);
  const got: number[] = [];
  for (const b of mergeSortedRuns(schema, keys, runs.map((rows) => batchesOf(rows, rnd, opts.maxBatch)), opts.outBatch)) {
    expect(b.numRows).toBeGreaterThan(0);
    expect(b.numRows).toBeLessThanOrEqual(opts.outBatch);
    got.push(...batchToRows(b).map((r) => r.tag as number));
    b.release();
  }
  expect(got).toEqual(expected);
}

const K = (index: number, ascending: boolean, nullsFirst: boolean): SortKey => ({ index, ascending, nullsFirst });
const KEY_SETS: SortKey[][] = [
  [K(0, true, true)],
  [K(2, true, false)],
  [K(2, false, true)],
  [K(1, true, true)],
  [K(1, false, false), K(0, true, true)],
  [K(3, true, true), K(2, false, false), K(1, true, false)],
  [K(4, false, true), K(1, false, true), K(2, true, true)],
  [K(1, true, false), K(1, false, false)],
];

describe('merge_runs / mergeSortedRuns', () => {
  it('matches a stable reference sort: multi-key, strings, nulls, desc, NaN, -0.0', () => {
    const start = runtime().memory.liveBytes;
    let seed = 1;
    for (const keys of KEY_SETS) {
      for (const numRuns of [1, 2, 3, 7, 17]) {
        mergeCase(seed++, numRuns, keys, { nulls: true, card: 6, maxRun: 120, maxBatch: 37, outBatch: 50 });
        mergeCase(seed++, numRuns, keys, { nulls: false, card: 1000, maxRun: 60, maxBatch: 15, outBatch: 7 });
      }
    }
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('handles many runs, empty runs, all-equal keys and output batch size 1', () => {
    const start = runtime().memory.liveBytes;
    mergeCase(100, 64, [K(1, true, true), K(0, false, false)], { nulls: true, card: 3, maxRun: 40, maxBatch: 9, outBatch: 64 });
    mergeCase(101, 5, [K(0, true, true)], { nulls: false, card: 1, maxRun: 50, maxBatch: 8, outBatch: 1 });
    mergeCase(102, 9, [K(2, true, true)], { nulls: true, card: 1, maxRun: 30, maxBatch: 1, outBatch: 17 });
    // Only empty runs, and no runs at all.
    expect([...mergeSortedRuns(schema, [K(0, true, true)], [batchesOf([], Math.random, 3), batchesOf([], Math.random, 3)], 10)]).toEqual([]);
    expect([...mergeSortedRuns(schema, [K(0, true, true)], [], 10)]).toEqual([]);
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('frees its state when the consumer stops early', () => {
    const start = runtime().memory.liveBytes;
    const rnd = mulberry32(7);
    const cmp = compareRows([K(0, true, true)]);
    const runs = [0, 1, 2].map((r) => makeRows(rnd, 100, r * 100, { nulls: true, card: 50 }).sort(cmp));
    const it = mergeSortedRuns(schema, [K(0, true, true)], runs.map((rows) => batchesOf(rows, rnd, 10)), 16);
    it.next().value!.release();
    it.return(undefined);
    expect(runtime().memory.liveBytes).toBe(start);
  });
});

describe('compiled kernels (build/merge.wat)', () => {
  const body = watFunctions('merge');
  it('compares key bytes 16 at a time and writes identity plans with SIMD', () => {
    expect(body('compare_bytes')).toMatch(/i8x16\.eq/);
    expect(body('compare_bytes')).toMatch(/i8x16\.bitmask/);
    expect(body('merge_plan')).toMatch(/i32x4\.add/);
  });
});
