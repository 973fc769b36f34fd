/**
 * Local mode on several cores (src/scheduler, src/executor): the same queries on `local[1]` (the
 * calling thread) and `local[2]` (two executor threads: stages, shuffles, broadcasts) give the same
 * rows, whatever the batch size; stages and tasks show in the job report; failed tasks are retried
 * from their lineage (a throw, a trapped kernel, a dead thread) and a task that always fails ends
 * the job with its own error after spark.task.maxFailures attempts; executors' operator budgets
 * follow spark.executor.memory × spark.memory.fraction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataFrame, SparkSession, functions as F, Window } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import { mulberry32 } from './helpers/random.js';

let dir: string;
let serial: SparkSession;
let parallel: SparkSession;

/** A session of its own (not the process's active one), so two masters can run side by side. */
function session(master: string): SparkSession {
  return new SparkSession(new RuntimeConfig(), `local-mode ${master}`, master);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-local-mode-'));
  serial = session('local[1]');
  parallel = session('local[2]');
  const rnd = mulberry32(2026);
  const words = ['alpha', 'beta', 'γάμμα', '日本', '', 'delta'];
  const facts = Array.from({ length: 6000 }, (_, i) => ({
    id: i,
    // Skewed keys: half the rows share key 0.
    k: rnd() < 0.5 ? 0 : Math.floor(rnd() * 50),
    g: rnd() < 0.1 ? null : Math.floor(rnd() * 7),
    v: rnd() < 0.05 ? null : rnd() < 0.02 ? Number.NaN : Math.round(rnd() * 1e4) / 100,
    s: rnd() < 0.1 ? null : words[Math.floor(rnd() * words.length)]!,
  }));
  const dims = Array.from({ length: 40 }, (_, k) => ({ k, name: `dim-${k}`, w: k % 3 === 0 ? null : k * 1.5 }));
  const schema = 'id bigint, k int, g int, v double, s string';
  await serial.createDataFrame(facts, schema).write.option('rowGroupSize', 500).option('maxRecordsPerFile', 2000).parquet(join(dir, 'facts'));
  await serial.createDataFrame(dims, 'k int, name string, w double').write.parquet(join(dir, 'dims'));
});

afterAll(() => {
  serial.stop();
  parallel.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Canonical text of a result, order-insensitive unless `ordered`. Doubles are compared to 12
 * significant digits: partial aggregation adds them up in another order (as Spark's does).
 */
async function rowsOf(df: DataFrame, ordered: boolean): Promise<string[]> {
  const cell = (_: string, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isInteger(v) ? (Number.isNaN(v) ? 'NaN' : Number(v.toPrecision(12))) : v;
  const rows = (await df.collect()).map((r) => JSON.stringify(r, cell));
  return ordered ? rows : rows.sort();
}

type Query = (s: SparkSession) => Promise<DataFrame>;

const facts = (s: SparkSession) => s.read.parquet(join(dir, 'facts'));
const dims = (s: SparkSession) => s.read.parquet(join(dir, 'dims'));

const QUERIES: Record<string, { q: Query; ordered?: boolean }> = {
  'filter and project': { q: async (s) => (await facts(s)).filter(F.col('v').gt(50)).select('id', F.upper(F.col('s')).alias('u')) },
  'group by with sum, count, avg, min, max': {
    q: async (s) => (await facts(s)).groupBy('k', 'g').agg(F.sum('v').alias('sv'), F.count('v').alias('cv'), F.count('*').alias('n'), F.avg('v').alias('av'), F.min('s').alias('mn'), F.max('v').alias('mx')),
  },
  'global aggregate': { q: async (s) => (await facts(s)).agg(F.sum('id').alias('si'), F.avg('v').alias('av'), F.count('*').alias('n')) },
  'count distinct (raw rows shuffled)': { q: async (s) => (await facts(s)).groupBy('g').agg(F.countDistinct('s').alias('ds'), F.sum('k').alias('sk')) },
  distinct: { q: async (s) => (await facts(s)).select('k', 'g').distinct() },
  'broadcast join': { q: async (s) => (await facts(s)).join(await dims(s), 'k', 'left').select('id', 'name', 'w') },
  'union all then aggregate': {
    q: async (s) => {
      const f = await facts(s);
      return f.select('k', 'v').union(f.filter(F.col('g').eq(1)).select('k', 'v')).groupBy('k').agg(F.sum('v').alias('sv'), F.count('*').alias('n'));
    },
  },
  'window partitioned by a key': {
    q: async (s) => {
      const w = Window.partitionBy('k').orderBy('id');
      return (await facts(s)).select('id', 'k', F.row_number().over(w).alias('rn'), F.sum('v').over(w).alias('running'));
    },
  },
  'order by then limit (top-k per task)': { q: async (s) => (await facts(s)).orderBy(F.col('v').desc(), F.col('id')).limit(25), ordered: true },
  'order by everything': { q: async (s) => (await facts(s)).select('id', 's').orderBy('s', 'id'), ordered: true },
};

describe('local[2] gives the rows local[1] gives', () => {
  for (const [name, { q, ordered }] of Object.entries(QUERIES)) {
    it(name, async () => {
      const expected = await rowsOf(await q(serial), ordered ?? false);
      for (const batch of [65536, 7]) {
        parallel.conf.set('spark.kindling.batchSize', batch);
        expect(await rowsOf(await q(parallel), ordered ?? false), `batch size ${batch}`).toEqual(expected);
      }
      parallel.conf.set('spark.kindling.batchSize', 65536);
    });
  }

  it('a shuffle hash join when broadcasting is disabled, for every join type', async () => {
    parallel.conf.set('spark.sql.autoBroadcastJoinThreshold', -1);
    try {
      for (const how of ['inner', 'left', 'right', 'full', 'left_semi', 'left_anti'] as const) {
        const q: Query = async (s) => (await facts(s)).join((await dims(s)).filter(F.col('k').lt(30)), 'k', how);
        expect(await rowsOf(await q(parallel), false), how).toEqual(await rowsOf(await q(serial), false));
        const stages = parallel.lastJobReport()!.stages.map((st) => st.label);
        expect(stages.some((l) => l.includes('ShuffledHashJoin')), how).toBe(true);
      }
    } finally {
      parallel.conf.set('spark.sql.autoBroadcastJoinThreshold', '10m');
    }
  });
});

describe('the job report', () => {
  it('shows the stages of an aggregation: scan tasks by row group, a shuffle, the final aggregate', async () => {
    parallel.conf.set('spark.sql.shuffle.partitions', 3);
    try {
      await (await facts(parallel)).groupBy('k').count().collect();
    } finally {
      parallel.conf.set('spark.sql.shuffle.partitions', 4);
    }
    const job = parallel.lastJobReport()!;
    expect(job.executors).toBe(2);
    expect(job.stages.map((s) => s.kind)).toEqual(['shuffle map', 'result']);
    const [map, reduce] = job.stages;
    expect(map!.numTasks).toBe(4); // 12 row groups in 3 files, split for 2 executors x 2
    expect(map!.label).toContain('Aggregate(partial)');
    expect(reduce!.numTasks).toBe(3);
    expect(reduce!.rowsOut).toBe(50);
    expect(map!.taskMs.filter((t) => t >= 0)).toHaveLength(4);
    expect(String(job)).toContain('Exchange hashpartitioning(1 keys, 3)');
  });
});

describe('retries', () => {
  const q: Query = async (s) => (await facts(s)).groupBy('g').agg(F.sum('v').alias('sv'), F.count('*').alias('n'));
  let expected: string[];
  beforeAll(async () => {
    expected = await rowsOf(await q(serial), false);
  });

  for (const mode of ['throw', 'kernel', 'crash'] as const) {
    it(`a task that fails once (${mode}) is retried and the job succeeds`, async () => {
      parallel.conf.set('spark.kindling.test.faultInjection', JSON.stringify({ stage: 0, partition: 1, attempts: 1, mode }));
      try {
        expect(await rowsOf(await q(parallel), false)).toEqual(expected);
      } finally {
        parallel.conf.set('spark.kindling.test.faultInjection', '');
      }
      const stage = parallel.lastJobReport()!.stages[0]!;
      expect(stage.failedAttempts).toBe(1);
    });
  }

  it('a task that always fails ends the job with its error after spark.task.maxFailures attempts', async () => {
    parallel.conf.set('spark.kindling.test.faultInjection', JSON.stringify({ stage: 0, partition: 0, attempts: 100, mode: 'throw' }));
    parallel.conf.set('spark.task.maxFailures', 3);
    try {
      await expect(async () => (await q(parallel)).collect()).rejects.toThrow(/injected task failure .*task 0 of stage 0 failed 3 times/);
    } finally {
      parallel.conf.set('spark.kindling.test.faultInjection', '');
      parallel.conf.set('spark.task.maxFailures', 4);
    }
    expect(parallel.lastJobReport()!.stages[0]!.failedAttempts).toBe(3);
    // The executors are still usable afterwards.
    expect(await rowsOf(await q(parallel), false)).toEqual(expected);
  });

  it("a task's memory budget error keeps its class", async () => {
    parallel.conf.set('spark.kindling.operatorMemory', '1k');
    parallel.conf.set('spark.task.maxFailures', 1);
    try {
      await expect((await facts(parallel)).groupBy('id').count().collect()).rejects.toMatchObject({ name: 'MemoryBudgetExceededError', operator: 'HashAggregate' });
    } finally {
      parallel.conf.set('spark.kindling.operatorMemory', '2g');
      parallel.conf.set('spark.task.maxFailures', 4);
    }
  });
});

describe('persist / cache / unpersist', () => {
  for (const master of ['local[1]', 'local[2]'] as const) {
    for (const level of ['MEMORY_ONLY', 'MEMORY_AND_DISK', 'DISK_ONLY'] as const) {
      it(`${master} ${level}: computed once, read back by derived DataFrames, dropped by unpersist`, async () => {
        const s = master === 'local[1]' ? serial : parallel;
        const copy = join(dir, `cached-${master.replace(/\W/g, "")}-${level}`);
        // A copy of the facts that the test can delete: reads after that must come from the cache.
        await (await facts(s)).write.parquet(copy);
        const base = (await s.read.parquet(copy)).filter(F.col('v').gt(10)).select('id', 'k', 'v');
        const expected = await rowsOf(base.groupBy('k').agg(F.sum('v').alias('sv')), false);
        base.persist(level);
        expect(base.storageLevel).toBe(level);
        expect(await base.count()).toBeGreaterThan(1000); // computes and keeps it
        if (level === 'DISK_ONLY') expect(s.cacheManager.bytesInMemory).toBe(0);
        else expect(s.cacheManager.bytesInMemory).toBeGreaterThan(0);
        rmSync(copy, { recursive: true, force: true });
        expect(await rowsOf(base.groupBy('k').agg(F.sum('v').alias('sv')), false)).toEqual(expected);
        expect(base.explainString()).toContain('LocalTableScan');
        base.unpersist();
        expect(base.storageLevel).toBeUndefined();
        expect(s.cacheManager.bytesInMemory).toBe(0);
        await expect(base.count()).rejects.toThrow(/cannot open Parquet file/);
      });
    }
  }
});

describe('executor memory', () => {
  it('spark.executor.memory caps each executor thread’s wasm memory, and the job fails with a clear error', async () => {
    const s = new SparkSession(new RuntimeConfig(), 'executor-memory', 'local[2]');
    s.conf.set('spark.executor.memory', '65m');
    // Operators' budget above the cap (else executor memory × spark.memory.fraction makes them spill).
    s.conf.set('spark.kindling.operatorMemory', '2g');
    s.conf.set('spark.task.maxFailures', 1);
    try {
      const f = await facts(s);
      // Grouping a 6000 x 6000 cross product by both ids needs far more than the 1 MiB above the initial 64 MiB.
      const pairs = f.crossJoin(f.select(F.col('id').alias('id2'))).groupBy('id', 'id2').count();
      await expect(pairs.collect()).rejects.toThrow(/WasmOutOfMemoryError.*spark\.executor\.memory/s);
    } finally {
      s.stop();
    }
  });
});

describe('spark.memory.fraction', () => {
  it('an executor’s operators get spark.executor.memory × spark.memory.fraction', async () => {
    const s = new SparkSession(new RuntimeConfig(), 'memory-fraction', 'local[2]');
    s.conf.set('spark.executor.memory', '100m');
    s.conf.set('spark.memory.fraction', '0.00001');
    s.conf.set('spark.task.maxFailures', 1);
    try {
      const budget = Math.floor(100 * 1024 ** 2 * 0.00001);
      await expect((await facts(s)).groupBy('id').count().collect()).rejects.toMatchObject({ name: 'MemoryBudgetExceededError', operator: 'HashAggregate', budgetBytes: budget });
      // An explicit operator budget wins.
      s.conf.set('spark.kindling.operatorMemory', '64m');
      expect(await (await facts(s)).groupBy('id').count().count()).toBe(6000);
    } finally {
      s.stop();
    }
  });
});

describe('spark.default.parallelism', () => {
  it('caps the tasks of a scan', async () => {
    const s = session('local[2]');
    try {
      s.conf.set('spark.default.parallelism', 3);
      await (await facts(s)).filter(F.col('k').eq(1)).collect();
      expect(s.lastJobReport()!.stages[0]!.numTasks).toBe(3);
      s.conf.set('spark.default.parallelism', 12);
      await (await facts(s)).filter(F.col('k').eq(1)).collect();
      expect(s.lastJobReport()!.stages[0]!.numTasks).toBe(12); // one per row group
    } finally {
      s.stop();
    }
  });
});
