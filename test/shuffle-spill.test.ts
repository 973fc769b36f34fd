/**
 * Shuffle blocks that spill (src/shuffle/block-manager.ts) on local[2]: with a 64 KiB shuffle budget
 * the driver writes map outputs as Arrow IPC files under spark.local.dir and the reduce tasks read
 * them; a group-by with many groups and a shuffle hash join give DuckDB's answer; a retried map or
 * reduce task after spilling still gives it; every file is gone when the job ends, failed jobs
 * included. Also the memory settings (spark.driver.memory, spark.memory.fraction, ...).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SparkSession } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import { liveSpillFiles } from '../src/spill/spill-file.js';
import { BlockManager } from '../src/shuffle/block-manager.js';
import { decodeBlock, encodeBatches } from '../src/shuffle/ipc-blocks.js';
import { batchFromRows, columnToJs } from '../src/types/values.js';
import { Schema, field } from '../src/types/schema.js';
import { DataTypes } from '../src/types/data-type.js';
import {
  cacheMemoryBudget,
  driverMemoryBytes,
  executorOperatorBudget,
  shuffleMemoryBudget,
} from '../src/scheduler/distribution-config.js';
import { type Env, compareResults, duckQuery, runKindling } from './helpers/oracle.js';

let dir: string;
let localDir: string;
let spark: SparkSession;
let instance: DuckDBInstance;
let db: DuckDBConnection;
let env: Env;

const TABLES: Record<string, string> = {
  // 120k rows, 40k groups: each map task's partial aggregate is far above 64 KiB.
  t: `SELECT i AS id, CAST((i * 7919) % 40000 AS INTEGER) AS k, CAST(i % 1000 AS DOUBLE) / 10 AS v, 's' || (i % 333) AS s FROM range(120000) t(i)`,
  u: `SELECT CAST(i AS INTEGER) AS k, 'name' || (i % 500) AS name FROM range(0, 40000, 3) t(i)`,
};

const GROUP_BY = 'SELECT k, count(*) AS n, sum(v) AS sv, min(s) AS ms FROM t GROUP BY k';
const JOIN = 'SELECT name, count(*) AS n, sum(v) AS sv, max(id) AS mx FROM t JOIN u ON t.k = u.k GROUP BY name';

/** Files of the test's spark.local.dir. */
const filesLeft = () => readdirSync(localDir);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-shuffle-spill-'));
  localDir = join(dir, 'local');
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run('SET threads = 1');
  spark = new SparkSession(new RuntimeConfig(), 'shuffle-spill', 'local[2]');
  spark.conf.set('spark.local.dir', localDir);
  spark.conf.set('spark.kindling.shuffle.memory', '64k');
  spark.conf.set('spark.sql.autoBroadcastJoinThreshold', -1);
  spark.conf.set('spark.sql.shuffle.partitions', 4);
  spark.conf.set('spark.ui.showConsoleProgress', 'false');
  for (const [name, sql] of Object.entries(TABLES)) {
    const path = join(dir, `${name}.parquet`);
    await db.run(`COPY (${sql}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
    await db.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet('${path}')`);
    (await spark.read.parquet(path)).createOrReplaceTempView(name);
  }
  env = { spark, db, instance, dir, paths: { facts: '', dims: '', empty: '', small: '' }, read: () => Promise.reject(new Error('unused')) };
});

afterAll(() => {
  spark?.stop();
  db?.closeSync();
  instance?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const TOL = { tol: { rel: 1e-9, abs: 1e-9 } };

/** Runs `sql` on Kindling and DuckDB and compares; returns the files the block manager wrote. */
async function check(sql: string): Promise<number> {
  const before = spark.blockManager.metrics.filesWritten;
  const actual = await runKindling(await spark.sql(sql));
  compareResults(actual, await duckQuery(env, sql), TOL, sql);
  expect(actual.rows.length).toBeGreaterThan(100);
  return spark.blockManager.metrics.filesWritten - before;
}

/** Nothing of the shuffle is left: no memory held, no file on disk, none registered. */
function expectNothingLeft(): void {
  const m = spark.blockManager.metrics;
  expect(m.memoryBytes).toBe(0);
  expect(m.liveFiles).toBe(0);
  expect(filesLeft()).toEqual([]);
  expect(liveSpillFiles().filter((f) => f.startsWith(localDir))).toEqual([]);
}

describe('shuffle blocks over a 64 KiB budget', () => {
  it('a group-by with 40k groups spills its map outputs, gives DuckDB’s answer, and removes the files', async () => {
    const written = await check(GROUP_BY);
    expect(written).toBeGreaterThan(0);
    expect(spark.blockManager.metrics.peakMemoryBytes).toBeLessThanOrEqual(64 * 1024);
    expect(spark.lastJobReport()!.stages.map((s) => s.kind)).toEqual(['shuffle map', 'result']);
    expectNothingLeft();
  });

  it('a shuffle hash join (then an aggregate) spills both sides and gives DuckDB’s answer', async () => {
    const written = await check(JOIN);
    expect(written).toBeGreaterThan(0);
    expect(spark.lastJobReport()!.stages.some((s) => s.label.includes('ShuffledHashJoin'))).toBe(true);
    expectNothingLeft();
  });

  for (const [what, fault] of [
    ['a reduce task that dies after its input was spilled', { stage: 1, partition: 0, attempts: 1, mode: 'crash' }],
    ['a reduce task that throws', { stage: 1, partition: 2, attempts: 1, mode: 'throw' }],
    ['a map task that throws (its output recomputed)', { stage: 0, partition: 1, attempts: 1, mode: 'throw' }],
  ] as const) {
    it(`${what} is retried and the answer is right`, async () => {
      spark.conf.set('spark.kindling.test.faultInjection', JSON.stringify(fault));
      try {
        expect(await check(GROUP_BY)).toBeGreaterThan(0);
      } finally {
        spark.conf.set('spark.kindling.test.faultInjection', '');
      }
      expect(spark.lastJobReport()!.stages[fault.stage]!.failedAttempts).toBe(1);
      expectNothingLeft();
    });
  }

  for (const stage of [0, 1]) {
    it(`a job that fails in stage ${stage} leaves no file behind`, async () => {
      spark.conf.set('spark.kindling.test.faultInjection', JSON.stringify({ stage, partition: 0, attempts: 100, mode: 'throw' }));
      spark.conf.set('spark.task.maxFailures', 2);
      try {
        await expect(async () => (await spark.sql(JOIN)).collect()).rejects.toThrow(/injected task failure/);
      } finally {
        spark.conf.set('spark.kindling.test.faultInjection', '');
        spark.conf.set('spark.task.maxFailures', 4);
      }
      // Tasks of the failed job may still run; a query after them runs when they are done.
      expect(await check(GROUP_BY)).toBeGreaterThan(0);
      expectNothingLeft();
    });
  }

  it('blocks stay in memory (no file) when they fit', async () => {
    spark.conf.set('spark.kindling.shuffle.memory', '1g');
    try {
      expect(await check(GROUP_BY)).toBe(0);
      expect(spark.blockManager.metrics.peakMemoryBytes).toBeGreaterThan(64 * 1024);
    } finally {
      spark.conf.set('spark.kindling.shuffle.memory', '64k');
    }
    expectNothingLeft();
  });
});

describe('the block manager', () => {
  const schema = new Schema([field('x', DataTypes.Integer), field('s', DataTypes.String)]);
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ x: i, s: `ü${i}` }));

  it('keeps blocks that fit, spills the others to files read back by decodeBlock, and frees all on release', async () => {
    const d = mkdtempSync(join(tmpdir(), 'kindling-bm-'));
    try {
      const batch = batchFromRows(schema, rows(2000));
      const block = encodeBatches(schema, [batch]);
      batch.release();
      const bm = new BlockManager({ budgetBytes: () => block.bytes.byteLength * 1.5, directory: () => d });
      const scope = bm.scope();
      const a = await scope.put(block);
      const b = await scope.put(block);
      expect(a).toBe(block); // fits
      expect(b.file).toBeDefined(); // the second does not
      expect(b.bytes.byteLength).toBe(0);
      expect(b.fileBytes).toBe(block.bytes.byteLength);
      expect(readdirSync(d)).toHaveLength(1);
      const decoded = decodeBlock(b, schema);
      expect(columnToJs(decoded[0]!.column(0))).toEqual(rows(2000).map((r) => r.x));
      for (const x of decoded) x.release();
      expect(bm.metrics).toMatchObject({ memoryBytes: block.bytes.byteLength, filesWritten: 1, liveFiles: 1 });
      scope.release();
      expect(bm.metrics).toMatchObject({ memoryBytes: 0, liveFiles: 0 });
      expect(readdirSync(d)).toEqual([]);
      // A put after release (a late task of a failed job) keeps nothing.
      await scope.put(block);
      expect(bm.metrics).toMatchObject({ memoryBytes: 0, liveFiles: 0 });
      expect(() => decodeBlock(b, schema)).toThrow(/cannot read the spilled block/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('memory settings', () => {
  it('derive the budgets from spark.driver.memory, spark.memory.fraction and spark.memory.storageFraction', () => {
    const conf = new RuntimeConfig();
    expect(driverMemoryBytes(conf)).toBeGreaterThanOrEqual(512 * 1024 ** 2);
    conf.set('spark.driver.memory', '1g');
    expect(cacheMemoryBudget(conf)).toBe(Math.floor(Math.floor(1024 ** 3 * 0.6) * 0.5));
    expect(shuffleMemoryBudget(conf, 0)).toBe(Math.floor(1024 ** 3 * 0.6));
    // Cached data takes from the shuffle budget, but only up to storage's share.
    expect(shuffleMemoryBudget(conf, 100)).toBe(Math.floor(1024 ** 3 * 0.6) - 100);
    expect(shuffleMemoryBudget(conf, 1024 ** 3)).toBe(Math.floor(1024 ** 3 * 0.6) - Math.floor(Math.floor(1024 ** 3 * 0.6) * 0.5));
    conf.set('spark.memory.fraction', '0.5');
    conf.set('spark.memory.storageFraction', '0.25');
    expect(cacheMemoryBudget(conf)).toBe(Math.floor(1024 ** 3 * 0.5 * 0.25));
    conf.set('spark.kindling.cache.memory', '10m');
    expect(cacheMemoryBudget(conf)).toBe(10 * 1024 ** 2);
    conf.set('spark.kindling.shuffle.memory', '64k');
    expect(shuffleMemoryBudget(conf, 0)).toBe(65536);
  });

  it('give executors’ operators executor memory × fraction unless spark.kindling.operatorMemory is set', () => {
    const conf = new RuntimeConfig();
    expect(executorOperatorBudget(conf)).toBe(Math.floor(4 * 1024 ** 3 * 0.6));
    conf.set('spark.executor.memory', '1g');
    conf.set('spark.memory.fraction', '0.5');
    expect(executorOperatorBudget(conf)).toBe(512 * 1024 ** 2);
    conf.set('spark.kindling.operatorMemory', '3m');
    expect(executorOperatorBudget(conf)).toBe(3 * 1024 ** 2);
  });

  it('reject fractions outside [0, 1]', () => {
    const conf = new RuntimeConfig();
    conf.set('spark.memory.fraction', '1.5');
    expect(() => executorOperatorBudget(conf)).toThrow(/spark\.memory\.fraction must be a number in \(0, 1\]/);
    conf.set('spark.memory.fraction', '0');
    expect(() => shuffleMemoryBudget(conf, 0)).toThrow(/spark\.memory\.fraction/);
  });
});
