/**
 * Grace hash join: HashJoinExec with a build side several times its budget partitions both sides
 * into spill files and joins partition by partition; every join type (with and without a residual,
 * either build side) equals DuckDB's result, spill files are removed, and a single key whose rows
 * exceed the budget fails with a clear MemoryBudgetExceededError.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBudgetExceededError } from '../src/errors.js';
import { HashJoinExec, type JoinType } from '../src/exec/hash-join-exec.js';
import type { ExecContext } from '../src/exec/operator.js';
import { liveSpillFiles } from '../src/spill/spill-file.js';
import type { Batch } from '../src/types/batch.js';
import type { Column } from '../src/types/column.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { columnFromJs, columnToJs } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { collectValues as run, memoryScan as scan } from './helpers/exec.js';
import { mulberry32 } from './helpers/random.js';
import { functions as F, type DataFrame } from '../src/index.js';
import { spillTotals } from '../src/spill/spill-metrics.js';
import { type Env, compareResults, duckQuery, runKindling, setupTables, teardownEnv } from './helpers/oracle.js';

type Row = Record<string, unknown>;
const LEFT = new Schema([field('k', DataTypes.String), field('g', DataTypes.Integer), field('v', DataTypes.Integer), field('name', DataTypes.String)]);
const RIGHT = new Schema([field('k2', DataTypes.String), field('g2', DataTypes.Integer), field('w', DataTypes.Integer), field('label', DataTypes.String)]);
const KEYS = ['a', 'b', 'é', '日本', '🔥', '', 'naïve', 'x'.repeat(20)];

function makeRows(seed: number, n: number, names: [string, string, string, string], card: number): Row[] {
  const rnd = mulberry32(seed);
  const maybe = <T>(p: number, v: () => T) => (rnd() < p ? null : v());
  return Array.from({ length: n }, (_, i) => ({
    [names[0]]: maybe(0.05, () => KEYS[Math.floor(rnd() * KEYS.length)]!),
    // Skew: 1% of the rows share g = 0; 8% have a null key.
    [names[1]]: maybe(0.08, () => (rnd() < 0.01 ? 0 : Math.floor(rnd() * card))),
    [names[2]]: maybe(0.1, () => Math.floor(rnd() * 100)),
    [names[3]]: maybe(0.2, () => `${names[3]}-${i}-ü${'é'.repeat(i % 7)}`),
  }));
}

const leftRows = makeRows(11, 9000, ['k', 'g', 'v', 'name'], 4000);
const rightRows = makeRows(12, 7000, ['k2', 'g2', 'w', 'label'], 4000);

let spillDir: string;
const context = (batchSize: number, budget: number): ExecContext => ({ runtime: runtime(), batchSize, operatorMemoryBudget: budget, spillDirectory: spillDir });

/** Residual `left.v < right.w` (null -> null). */
function residual(candidates: Batch): Column {
  const v = columnToJs(candidates.column(2));
  const w = columnToJs(candidates.column(LEFT.length + 2));
  return columnFromJs(DataTypes.Boolean, v.map((x, i) => (x === null || w[i] === null ? null : (x as number) < (w[i] as number))));
}

const sortRows = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
const JOIN_TYPES: JoinType[] = ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti'];

function sqlFor(jt: JoinType, on: string): string {
  switch (jt) {
    case 'inner':
      return `SELECT * FROM L l JOIN R r ON ${on}`;
    case 'left':
      return `SELECT * FROM L l LEFT JOIN R r ON ${on}`;
    case 'right':
      return `SELECT * FROM L l RIGHT JOIN R r ON ${on}`;
    case 'full':
      return `SELECT * FROM L l FULL OUTER JOIN R r ON ${on}`;
    case 'left_semi':
      return `SELECT * FROM L l WHERE EXISTS (SELECT 1 FROM R r WHERE ${on})`;
    case 'left_anti':
      return `SELECT * FROM L l WHERE NOT EXISTS (SELECT 1 FROM R r WHERE ${on})`;
  }
}

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  spillDir = mkdtempSync(join(tmpdir(), 'kindling-spill-join-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
  for (const [name, schema, rows] of [['L', LEFT, leftRows], ['R', RIGHT, rightRows]] as const) {
    await db.run(`CREATE TABLE ${name} (${schema.fields.map((f) => `${f.name} ${f.type.kind === 'utf8' ? 'VARCHAR' : 'INTEGER'}`).join(', ')})`);
    for (let i = 0; i < rows.length; i += 1000) {
      await db.run(`INSERT INTO ${name} VALUES ${rows.slice(i, i + 1000).map((r) => `(${Object.values(r).map(lit).join(', ')})`).join(', ')}`);
    }
  }
});

afterAll(() => {
  db?.closeSync();
  rmSync(spillDir, { recursive: true, force: true });
});

describe('HashJoinExec grace hash join (spilling)', () => {
  const ls = () => scan(LEFT, leftRows, 1000);
  const rs = () => scan(RIGHT, rightRows, 700);

  for (const jt of JOIN_TYPES) {
    it(`${jt}: equals DuckDB with a build side larger than the budget (both build sides, with and without residual)`, async () => {
      const mem = runtime().memory;
      const start = mem.liveBytes;
      const l = ls();
      const r = rs();
      try {
        const cases = [
          { keys: [[1], [1]], buildSide: 'right', res: false, on: 'l.g = r.g2' },
          { keys: [[1, 0], [1, 0]], buildSide: 'left', res: true, on: 'l.g = r.g2 AND l.k = r.k2 AND l.v < r.w' },
        ] as const;
        for (const c of cases) {
          const expected = sortRows((await db.runAndReadAll(sqlFor(jt, c.on))).getRows() as unknown[][]);
          expect(expected.length).toBeGreaterThan(0);
          const op = new HashJoinExec(l.op, r.op, c.keys[0], c.keys[1], jt, c.res ? { buildSide: c.buildSide, residual } : { buildSide: c.buildSide });
          const got = await run(op, context(512, 128 * 1024));
          expect(op.spillMetrics.files, `${jt} ${c.on}`).toBeGreaterThan(0);
          expect(op.describe()).toMatch(/spilled=\d+ files/);
          expect(sortRows(got), `${jt} ${c.on}`).toEqual(expected);
          expect(readdirSync(spillDir)).toEqual([]);
        }
      } finally {
        l.release();
        r.release();
      }
      expect(liveSpillFiles()).toEqual([]);
      expect(mem.liveBytes).toBe(start);
    });
  }

  it('re-partitions partitions that are still too large (tiny budget) and stays correct', async () => {
    const start = runtime().memory.liveBytes;
    const l = ls();
    const r = rs();
    for (const jt of ['full', 'left_anti'] as const) {
      const op = new HashJoinExec(l.op, r.op, [1], [1], jt, { buildSide: 'right' });
      const got = await run(op, context(300, 48 * 1024));
      expect(op.spillMetrics.spills).toBeGreaterThan(2); // the first partitioning of each side, then more
      expect(sortRows(got)).toEqual(sortRows((await db.runAndReadAll(sqlFor(jt, 'l.g = r.g2'))).getRows() as unknown[][]));
    }
    l.release();
    r.release();
    expect(readdirSync(spillDir)).toEqual([]);
    expect(runtime().memory.liveBytes).toBe(start);
  });

  it('with enough memory nothing is spilled', async () => {
    const l = ls();
    const r = rs();
    const op = new HashJoinExec(l.op, r.op, [1], [1], 'full');
    const got = await run(op, context(1024, 1 << 30));
    expect(op.spillMetrics.files).toBe(0);
    expect(sortRows(got)).toEqual(sortRows((await db.runAndReadAll(sqlFor('full', 'l.g = r.g2'))).getRows() as unknown[][]));
    l.release();
    r.release();
  });

  it('fails clearly when one key alone exceeds the budget, and cleans up', async () => {
    const start = runtime().memory.liveBytes;
    const hot = Array.from({ length: 6000 }, (_, i) => ({ k2: 'hot', g2: 7, w: i, label: `label ${i} ${'ü'.repeat(10)}` }));
    const l = ls();
    const r = scan(RIGHT, [...rightRows.slice(0, 2000), ...hot], 500);
    const op = new HashJoinExec(l.op, r.op, [1], [1], 'inner');
    const err = await run(op, context(256, 64 * 1024)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryBudgetExceededError);
    expect(String((err as Error).message)).toMatch(/HashJoin build side needs .* budget is 64\.0 KiB; \d+ build rows .* share one value of the join key \(g2\)/);
    expect(readdirSync(spillDir)).toEqual([]);
    expect(liveSpillFiles()).toEqual([]);
    // Stopping early also removes the files.
    const r2 = rs();
    const op2 = new HashJoinExec(l.op, r2.op, [1], [1], 'inner');
    const it2 = op2.execute(context(64, 128 * 1024));
    (await it2.next()).value!.release();
    expect(readdirSync(spillDir).length).toBeGreaterThan(0);
    await it2.return(undefined);
    expect(readdirSync(spillDir)).toEqual([]);
    l.release();
    r.release();
    r2.release();
    expect(runtime().memory.liveBytes).toBe(start);
  });
});

describe('joins spilling (DataFrame level, against DuckDB)', () => {
  let env: Env;
  let facts: DataFrame;
  let dfDir: string;
  beforeAll(async () => {
    ({ env, facts } = await setupTables());
    dfDir = mkdtempSync(join(tmpdir(), 'kindling-spill-dfj-'));
    env.spark.conf.set('spark.local.dir', dfDir);
    env.spark.conf.set('spark.kindling.operatorMemory', '64k');
  });
  afterAll(async () => {
    env.spark.conf.set('spark.kindling.operatorMemory', '2g');
    rmSync(dfDir, { recursive: true, force: true });
    await teardownEnv(env);
  });

  it('a self-join of facts on id + 1 (full outer, and anti) equals DuckDB', async () => {
    const before = spillTotals.files;
    const { col } = F;
    const a = facts.alias('a');
    const b = facts.alias('b');
    // Every column of the build side, so that it is several times the budget.
    const full = a.join(b, col('a.id').plus(1).eq(col('b.id')), 'full').select(col('a.id').alias('aid'), 'b.*');
    compareResults(
      await runKindling(full),
      await duckQuery(env, 'SELECT a.id AS aid, b.* FROM facts a FULL JOIN facts b ON a.id + 1 = b.id'),
      {},
      'full join (spilling) vs duckdb',
    );
    const anti = a.join(b, col('a.id').eq(col('b.id').plus(3)).and(col('a.k').eq(col('b.k'))), 'left_anti');
    compareResults(await runKindling(anti), await duckQuery(env, 'SELECT a.* FROM facts a ANTI JOIN facts b ON a.id = b.id + 3 AND a.k = b.k'), {}, 'anti join (spilling) vs duckdb');
    // Joins run on executor threads under local[N] (their spill counters are not this thread's).
    if (env.spark.cores <= 1) expect(spillTotals.files).toBeGreaterThan(before);
    expect(readdirSync(dfDir)).toEqual([]);
  });
});
