/**
 * Locality of tasks (src/scheduler/task-scheduler.ts, src/executor/executor-pool.ts): a task that
 * reads a split of an in-memory table (or a cached partition) prefers the executor the split is
 * assigned to, so each executor decodes and keeps only its share and finds it there next time;
 * blocks every task reads (broadcasts) say nothing; answers stay the same with and without a wait.
 */
import { describe, expect, it } from 'vitest';
import { preferredExecutors } from '../src/scheduler/task-scheduler.js';
import { blockRelation, encodePlan } from '../src/scheduler/plan-codec.js';
import { cacheable, encodeBatches } from '../src/shuffle/ipc-blocks.js';
import { batchFromRows } from '../src/types/values.js';
import { Schema, field } from '../src/types/schema.js';
import { DataTypes } from '../src/types/data-type.js';
import { newExprId, type AttributeRef } from '../src/plan/expression.js';
import type { LogicalPlan } from '../src/plan/logical-plan.js';
import { SparkSession, functions as F } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';

const schema = new Schema([field('x', DataTypes.Integer)]);
const attrs: AttributeRef[] = [{ kind: 'attr', id: newExprId(), name: 'x', type: DataTypes.Integer, nullable: true }];

function block(rows: number, isCacheable: boolean) {
  const b = batchFromRows(schema, Array.from({ length: rows }, (_, i) => ({ x: i })));
  try {
    const encoded = encodeBatches(schema, [b]);
    return isCacheable ? cacheable(encoded) : encoded;
  } finally {
    b.release();
  }
}

describe('preferredExecutors', () => {
  it('spreads the splits of a table over the executors, ignoring blocks every task reads', () => {
    const splits = [0, 1, 2, 3].map(() => block(100, true));
    const broadcast = block(5000, true); // larger than any split, but read by every task
    const plans = splits.map((s): LogicalPlan => ({
      kind: 'union',
      children: [blockRelation(attrs, schema, [s]), blockRelation(attrs, schema, [broadcast])],
    }));
    const prefs = preferredExecutors(plans.map(encodePlan), 2);
    expect(prefs.every((p) => p === 0 || p === 1)).toBe(true);
    expect(new Set(prefs).size).toBe(2);
    expect(prefs[0]).not.toBe(prefs[1]); // consecutive splits alternate
    expect(prefs[0]).toBe(prefs[2]);
    // The same splits get the same executors next time (what keeps them decoded there).
    expect(preferredExecutors(plans.map(encodePlan), 2)).toEqual(prefs);
  });

  it('has no preference for tasks without cacheable input (shuffle reads)', () => {
    const plans = [0, 1].map((): LogicalPlan => blockRelation(attrs, schema, [block(10, false)]));
    expect(preferredExecutors(plans.map(encodePlan), 2)).toEqual([undefined, undefined]);
  });
});

describe('locality in a session', () => {
  it('gives the same rows with a locality wait and without one (spark.locality.wait=0)', async () => {
    const s = new SparkSession(new RuntimeConfig(), 'locality', 'local[2]');
    try {
      const rows = Array.from({ length: 20_000 }, (_, i) => ({ k: i % 97, v: i }));
      const df = s.createDataFrame(rows, 'k int, v bigint');
      const q = () => df.groupBy('k').agg(F.sum('v').alias('sv')).orderBy('k').collect();
      const expected = await q();
      expect(expected).toHaveLength(97);
      expect(s.lastJobReport()!.stages[0]!.numTasks).toBe(4); // 4 splits of the in-memory table
      expect(await q()).toEqual(expected);
      s.conf.set('spark.locality.wait', '0');
      expect(await q()).toEqual(expected);
      s.conf.set('spark.locality.wait', '3s');
      expect(await q()).toEqual(expected);
      s.conf.set('spark.locality.wait', 'soon');
      await expect(q()).rejects.toThrow(/spark\.locality\.wait must be a duration/);
    } finally {
      s.stop();
    }
  });
});
