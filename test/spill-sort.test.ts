/**
 * External sort: SortExec over a budget much smaller than its input spills sorted runs and merges
 * them back; results equal the in-memory sort (operator level, stable) and DuckDB's (DataFrame level).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame } from '../src/index.js';
import { MemoryBudgetExceededError } from '../src/errors.js';
import type { ExecContext } from '../src/exec/operator.js';
import { SortExec } from '../src/exec/sort-exec.js';
import type { SortKey } from '../src/kernels/sort.js';
import { liveSpillFiles } from '../src/spill/spill-file.js';
import { spillTotals } from '../src/spill/spill-metrics.js';
import type { Batch } from '../src/types/batch.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { type CellValue } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { type Env, FACT_COLUMNS, compareResults, duckQuery, runKindling, setupTables, teardownEnv } from './helpers/oracle.js';
import { collectRows as run, memoryScan } from './helpers/exec.js';
import { mulberry32 } from './helpers/random.js';

const { col } = F;

const schema = new Schema([
  field('k', DataTypes.Integer),
  field('s', DataTypes.String),
  field('d', DataTypes.Double),
  field('id', DataTypes.Long, false),
  field('pad', DataTypes.String),
]);

const LONG = 'é'.repeat(10);
function makeRows(n: number, seed: number): Record<string, CellValue>[] {
  const rnd = mulberry32(seed);
  const strings = ['', 'a', 'ab', `${LONG}x`, `${LONG}y`, LONG, 'zz', '日本', '🔥'];
  return Array.from({ length: n }, (_, i) => ({
    // Skew: a third of the rows share k = 0.
    k: rnd() < 0.1 ? null : rnd() < 0.33 ? 0 : Math.floor(rnd() * 50) - 25,
    s: rnd() < 0.1 ? null : strings[Math.floor(rnd() * strings.length)]!,
    d: rnd() < 0.1 ? null : [NaN, -0, 0, 1.5, -2, Infinity, rnd()][Math.floor(rnd() * 7)]!,
    id: BigInt(i),
    pad: `row ${i} ${'ü'.repeat(i % 13)}`,
  }));
}

let spillDir: string;
const ctx = (batchSize: number, budget: number, spill = true): ExecContext => ({
  runtime: runtime(),
  batchSize,
  operatorMemoryBudget: budget,
  ...(spill ? { spillDirectory: spillDir } : {}),
});

const KEYS: SortKey[][] = [
  [{ index: 0, ascending: true, nullsFirst: true }],
  [{ index: 1, ascending: false, nullsFirst: false }, { index: 2, ascending: true, nullsFirst: false }],
  [{ index: 2, ascending: false, nullsFirst: true }, { index: 0, ascending: true, nullsFirst: false }, { index: 1, ascending: true, nullsFirst: true }],
];

beforeAll(() => {
  spillDir = mkdtempSync(join(tmpdir(), 'kindling-spill-test-'));
});
afterAll(() => rmSync(spillDir, { recursive: true, force: true }));

describe('SortExec spilling (operator level)', () => {
  it('spills sorted runs under a small budget and returns exactly the in-memory (stable) order', async () => {
    const start = runtime().memory.liveBytes;
    const rows = makeRows(5000, 1);
    const { op: scan, release } = memoryScan(schema, rows, 1000);
    for (const keys of KEYS) {
      const op = new SortExec(scan, keys);
      const expected = await run(op, ctx(4096, 1 << 30, false));
      expect(op.spillMetrics.files).toBe(0);
      for (const [outSize, budget] of [[4096, 128 * 1024], [333, 512 * 1024]] as const) {
        const got = await run(op, ctx(outSize, budget));
        expect(op.spillMetrics.files).toBeGreaterThan(0);
        expect(op.spillMetrics.bytes).toBeGreaterThan(0);
        expect(op.describe()).toMatch(/spilled=\d+ files/);
        expect(got).toEqual(expected);
        expect(readdirSync(spillDir)).toEqual([]);
      }
    }
    // Many runs: a tiny budget forces several merge passes.
    const op = new SortExec(scan, KEYS[1]!);
    const expected = await run(op, ctx(4096, 1 << 30, false));
    expect(await run(op, ctx(100, 160 * 1024))).toEqual(expected);
    expect(op.spillMetrics.spills).toBeGreaterThan(8);
    release();
    expect(liveSpillFiles()).toEqual([]);
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('with enough memory it does not spill; a batch larger than the budget is cut into slices', async () => {
    const start = runtime().memory.liveBytes;
    const rows = makeRows(5000, 2);
    const { op: scan, release } = memoryScan(schema, rows, 5000);
    const op = new SortExec(scan, KEYS[2]!);
    const expected = await run(op, ctx(1000, 1 << 30, false));
    expect(await run(op, ctx(1000, 1 << 30))).toEqual(expected);
    expect(op.spillMetrics.files).toBe(0);
    expect(await run(op, ctx(1000, 200 * 1024))).toEqual(expected);
    expect(op.spillMetrics.files).toBeGreaterThan(1);
    release();
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('removes its spill files when the consumer stops early or the input fails', async () => {
    const start = runtime().memory.liveBytes;
    const { op: scan, release } = memoryScan(schema, makeRows(8000, 3), 500);
    const op = new SortExec(scan, KEYS[0]!);
    const it = op.execute(ctx(100, 128 * 1024));
    const first = await it.next();
    (first.value as Batch).release();
    expect(readdirSync(spillDir).length).toBeGreaterThan(0);
    await it.return(undefined);
    expect(readdirSync(spillDir)).toEqual([]);
    // A budget too small for the sort scratch of even one row: the clear error, and nothing left behind.
    await expect(run(op, ctx(100, 1024))).rejects.toThrow(MemoryBudgetExceededError);
    expect(readdirSync(spillDir)).toEqual([]);
    release();
    expect(liveSpillFiles()).toEqual([]);
    expect(runtime().memory.liveBytes).toBe(start);
  });
});

describe('orderBy spilling (DataFrame level, against DuckDB)', () => {
  let env: Env;
  let facts: DataFrame;
  let dfDir: string;
  beforeAll(async () => {
    ({ env, facts } = await setupTables());
    dfDir = mkdtempSync(join(tmpdir(), 'kindling-spill-df-'));
    env.spark.conf.set('spark.local.dir', dfDir);
    env.spark.conf.set('spark.kindling.operatorMemory', '160k');
  });
  afterAll(async () => {
    env.spark.conf.set('spark.kindling.operatorMemory', '2g');
    rmSync(dfDir, { recursive: true, force: true });
    await teardownEnv(env);
  });
  const COLS = FACT_COLUMNS.map(([n]) => n);
  const idx = (name: string) => COLS.indexOf(name);

  it('sorts two copies of facts (several times the budget) exactly like DuckDB', async () => {
    const big = facts.union(facts);
    const bigSql = '(SELECT * FROM facts UNION ALL SELECT * FROM facts)';
    const before = spillTotals.files;
    // One run at the default batch size (checkQuery's batch-size-7 re-run is slow and not about spilling).
    const expected = await duckQuery(env, `SELECT * FROM ${bigSql} ORDER BY s DESC NULLS LAST, k ASC NULLS FIRST, d DESC NULLS LAST, id ASC NULLS FIRST`);
    const actual = await runKindling(big.orderBy(col('s').desc(), 'k', col('d').desc(), 'id'));
    compareResults(actual, expected, { ordered: [idx('s'), idx('k'), idx('d'), idx('id')] }, 'kindling (spilling) vs duckdb');
    // Under local[N] a sort may run on executor threads (their spill counters are not this thread's).
    if (env.spark.cores <= 1) expect(spillTotals.files).toBeGreaterThan(before);
    expect(readdirSync(dfDir)).toEqual([]);
  });
});
