/**
 * The session settings of distributed execution, in Spark's names: `spark.default.parallelism`
 * (at most this many tasks per scan; default twice the cores), `spark.sql.shuffle.partitions`
 * (reduce tasks per shuffle; default twice the cores), `spark.sql.autoBroadcastJoinThreshold`
 * (bytes, '10m' style, -1 disables; default 10 MiB), `spark.task.maxFailures` (attempts per task;
 * default 4), and for tests `spark.kindling.test.faultInjection` (JSON of a FaultInjection).
 */
import { InvalidArgumentError } from '../errors.js';
import { parseBytes, type RuntimeConfig } from '../api/config.js';
import type { FaultInjection } from '../executor/task.js';
import type { DistributionOptions } from './stage-planner.js';

/** Spark's default broadcast threshold: 10 MiB. */
export const DEFAULT_BROADCAST_THRESHOLD = 10 * 1024 * 1024;

/** Sizes of distributed plans for a session with `cores` executors. */
export function distributionOptions(conf: RuntimeConfig, cores: number): DistributionOptions {
  const partitions = conf.get('spark.sql.shuffle.partitions');
  const shufflePartitions = partitions === undefined ? 2 * cores : positiveInt(partitions, 'spark.sql.shuffle.partitions');
  const threshold = conf.get('spark.sql.autoBroadcastJoinThreshold');
  const broadcastThreshold = threshold === undefined ? DEFAULT_BROADCAST_THRESHOLD : threshold.trim() === '-1' ? -1 : parseBytes(threshold, 'spark.sql.autoBroadcastJoinThreshold');
  const parallelism = conf.get('spark.default.parallelism');
  return { parallelism: parallelism === undefined ? 2 * cores : positiveInt(parallelism, 'spark.default.parallelism'), shufflePartitions, broadcastThreshold };
}

/** `spark.task.maxFailures`. */
export function maxTaskFailures(conf: RuntimeConfig): number {
  const v = conf.get('spark.task.maxFailures');
  return v === undefined ? 4 : positiveInt(v, 'spark.task.maxFailures');
}

/** The fault to inject, if a test set one. */
export function faultInjection(conf: RuntimeConfig): FaultInjection | undefined {
  const v = conf.get('spark.kindling.test.faultInjection');
  if (v === undefined || v === '') return undefined;
  try {
    const f = JSON.parse(v) as FaultInjection;
    if (!['throw', 'kernel', 'crash'].includes(f.mode)) throw new Error(`mode must be throw, kernel or crash`);
    return f;
  } catch (e) {
    throw new InvalidArgumentError(`spark.kindling.test.faultInjection must be JSON like {"stage":0,"partition":0,"attempts":1,"mode":"throw"}: ${(e as Error).message}`);
  }
}

function positiveInt(v: string, key: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${key} must be a positive integer, got '${v}'`);
  return n;
}
