/**
 * Grace hash aggregation (SpillingAggregateExec): a group-by with far more groups than its memory
 * budget holds recomputes its input, partitions it on the group keys into spill files and
 * aggregates partition by partition; the result equals DuckDB's for ordinary, DISTINCT and
 * statistical aggregates, the spill files are gone afterwards, and without a spill directory (or
 * when one group alone is too large) the error stays a clear MemoryBudgetExceededError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame, MemoryBudgetExceededError } from '../src/index.js';
import { liveSpillFiles } from '../src/spill/spill-file.js';
import { spillTotals } from '../src/spill/spill-metrics.js';
import { HashAggregateExec } from '../src/exec/hash-aggregate-exec.js';
import { MemoryScanExec } from '../src/exec/memory-scan-exec.js';
import { SpillingAggregateExec } from '../src/exec/spilling-aggregate-exec.js';
import { DataTypes } from '../src/types/data-type.js';
import { Schema, field } from '../src/types/schema.js';
import { batchFromRows } from '../src/types/values.js';
import { runtime } from '../src/wasm/runtime.js';
import { type Env, compareResults, duckQuery, runKindling, setupTables, teardownEnv } from './helpers/oracle.js';

let env: Env;
let facts: DataFrame;

beforeAll(async () => {
  ({ env, facts } = await setupTables());
});
afterAll(() => teardownEnv(env));

/** Runs `fn` with a tiny aggregation budget. */
async function withBudget<T>(budget: string, fn: () => Promise<T>): Promise<T> {
  env.spark.conf.set('spark.kindling.operatorMemory', budget);
  try {
    return await fn();
  } finally {
    env.spark.conf.set('spark.kindling.operatorMemory', '2g');
  }
}

describe('a group-by larger than its budget spills and still equals DuckDB', () => {
  const cases: [string, () => DataFrame, string][] = [
    [
      'sum, count, min, max, avg over (id, k): every row its own group',
      () => facts.groupBy('id', 'k').agg(F.sum('d').alias('sd'), F.count('*').alias('n'), F.min('s').alias('mn'), F.max('m').alias('mx'), F.avg('i').alias('ai')),
      'SELECT id, k, sum(d) AS sd, count(*) AS n, min(s) AS mn, max(m) AS mx, avg(i) AS ai FROM facts GROUP BY id, k',
    ],
    [
      'count(DISTINCT) and stddev per string key',
      () => facts.groupBy('s').agg(F.countDistinct('i').alias('di'), F.stddev('i').alias('sd')),
      'SELECT s, count(DISTINCT i) AS di, stddev_samp(i) AS sd FROM facts GROUP BY s',
    ],
  ];
  for (const [name, df, sql] of cases) {
    it(name, async () => {
      const before = spillTotals.spills;
      const actual = await withBudget('48k', () => runKindling(df()));
      compareResults(actual, await duckQuery(env, sql), {}, `${name} (spilling) vs duckdb`);
      if (env.spark.cores === 1) expect(spillTotals.spills).toBeGreaterThan(before);
      expect(liveSpillFiles()).toEqual([]);
    });
  }
});

describe('SpillingAggregateExec on its own', () => {
  const schema = new Schema([field('g', DataTypes.Long), field('v', DataTypes.Integer)]);
  const rows = Array.from({ length: 60_000 }, (_, i) => ({ g: BigInt(i % 40_000), v: i % 13 }));

  async function run(budget: number, spillDirectory: string | undefined, data = rows): Promise<Map<string, number>> {
    const batches = [];
    for (let i = 0; i < data.length; i += 1000) batches.push(batchFromRows(schema, data.slice(i, i + 1000)));
    const scan = new MemoryScanExec(schema, batches);
    const op = new SpillingAggregateExec(new HashAggregateExec(scan, [0], [{ fn: 'sum', input: 1, name: 's', resultType: DataTypes.Long }]));
    const out = new Map<string, number>();
    try {
      for await (const b of op.execute({ runtime: runtime(), batchSize: 4096, operatorMemoryBudget: budget, spillDirectory })) {
        const g = b.column(0);
        const s = b.column(1);
        const gv = runtime().memory.i64(g.valuesPtr, b.numRows);
        const sv = runtime().memory.i64(s.valuesPtr, b.numRows);
        for (let r = 0; r < b.numRows; r++) out.set(String(gv[r]), Number(sv[r]));
        b.release();
      }
    } finally {
      for (const b of batches) b.release();
    }
    expect(op.treeString()).toContain('HashAggregate');
    return out;
  }

  it('gives the in-memory result, spilled', async () => {
    const expected = await run(1 << 30, undefined);
    const dir = (await import('node:os')).tmpdir();
    const before = spillTotals.spills;
    expect(await run(256 * 1024, dir)).toEqual(expected);
    expect(spillTotals.spills).toBeGreaterThan(before);
    expect(liveSpillFiles()).toEqual([]);
  });

  it('without a spill directory the budget error stays', async () => {
    await expect(run(256 * 1024, undefined)).rejects.toBeInstanceOf(MemoryBudgetExceededError);
  });
});
