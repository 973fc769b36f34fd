/**
 * The session settings of distributed execution, in Spark's names: `spark.default.parallelism`
 * (at most this many tasks per scan; default twice the cores), `spark.sql.shuffle.partitions`
 * (reduce tasks per shuffle; default twice the cores), `spark.sql.autoBroadcastJoinThreshold`
 * (bytes, '10m' style, -1 disables; default 10 MiB), `spark.task.maxFailures` (attempts per task;
 * default 4), `spark.locality.wait` (how long a task waits for the executor that keeps its
 * in-memory input split decoded: '500ms', '3s', or ms; default 500 ms, Spark's is 3 s), and for
 * tests `spark.kindling.test.faultInjection` (JSON of a FaultInjection).
 *
 * Memory, in Spark's unified-memory terms (one machine):
 * - `spark.driver.memory`: the driver's budget for the data it holds (shuffle map outputs, cached
 *   DataFrames); default a quarter of the machine's memory (os.totalmem()), at least 512 MiB.
 * - `spark.executor.memory`: the cap of each executor thread's wasm memory (default the wasm32
 *   maximum, 4 GiB).
 * - `spark.memory.fraction` (default 0.6): the share of either usable for execution + storage.
 *   An executor's blocking operators (sort, aggregation, join build) each get executor memory ×
 *   fraction unless `spark.kindling.operatorMemory` sets their budget explicitly.
 * - `spark.memory.storageFraction` (default 0.5): the share of the driver's unified memory
 *   (driver memory × fraction) kept for cached DataFrames (`spark.kindling.cache.memory`, when set,
 *   overrides it). Shuffle blocks may use the rest, plus whatever storage does not use (Spark's
 *   execution borrowing free storage memory); past that they spill to `spark.local.dir`.
 * - `spark.kindling.shuffle.memory`: an explicit shuffle budget in bytes (tests, tuning).
 */
import { totalmem } from 'node:os';
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

/** Default of spark.memory.fraction (Spark's). */
export const DEFAULT_MEMORY_FRACTION = 0.6;
/** Default of spark.memory.storageFraction (Spark's). */
export const DEFAULT_STORAGE_FRACTION = 0.5;
/** The wasm32 ceiling: what an executor has when spark.executor.memory is unset. */
export const WASM32_MAX_BYTES = 4 * 1024 ** 3;

/** `spark.driver.memory` in bytes; default a quarter of the machine's memory, at least 512 MiB. */
export function driverMemoryBytes(conf: RuntimeConfig): number {
  const v = conf.get('spark.driver.memory');
  return v === undefined ? Math.max(512 * 1024 ** 2, Math.floor(totalmem() / 4)) : parseBytes(v, 'spark.driver.memory');
}

/** `spark.executor.memory` in bytes, if set. */
export function executorMemoryBytes(conf: RuntimeConfig): number | undefined {
  const v = conf.get('spark.executor.memory');
  return v === undefined ? undefined : parseBytes(v, 'spark.executor.memory');
}

/** `spark.memory.fraction`. */
export function memoryFraction(conf: RuntimeConfig): number {
  return fraction(conf, 'spark.memory.fraction', DEFAULT_MEMORY_FRACTION, false);
}

/** `spark.memory.storageFraction`. */
export function storageFraction(conf: RuntimeConfig): number {
  return fraction(conf, 'spark.memory.storageFraction', DEFAULT_STORAGE_FRACTION, true);
}

/** The driver's unified memory (execution + storage): driver memory × fraction. */
export function driverUnifiedMemory(conf: RuntimeConfig): number {
  return Math.floor(driverMemoryBytes(conf) * memoryFraction(conf));
}

/** Bytes cached DataFrames may keep in memory: `spark.kindling.cache.memory`, else unified × storageFraction. */
export function cacheMemoryBudget(conf: RuntimeConfig): number {
  const v = conf.get('spark.kindling.cache.memory');
  return v !== undefined ? parseBytes(v, 'spark.kindling.cache.memory') : Math.floor(driverUnifiedMemory(conf) * storageFraction(conf));
}

/**
 * Bytes of shuffle blocks the driver holds in memory before spilling them: `spark.kindling.shuffle.memory`,
 * else the unified memory less what cached DataFrames hold (`cachedBytes`), of which at most
 * unified × storageFraction counts (storage beyond its share does not squeeze shuffles out).
 */
export function shuffleMemoryBudget(conf: RuntimeConfig, cachedBytes: number): number {
  const v = conf.get('spark.kindling.shuffle.memory');
  if (v !== undefined) return parseBytes(v, 'spark.kindling.shuffle.memory');
  const unified = driverUnifiedMemory(conf);
  return Math.max(0, unified - Math.min(cachedBytes, Math.floor(unified * storageFraction(conf))));
}

/**
 * The budget of each blocking operator on an executor: `spark.kindling.operatorMemory` when set,
 * else executor memory (`spark.executor.memory`, default the wasm32 maximum) × `spark.memory.fraction`.
 */
export function executorOperatorBudget(conf: RuntimeConfig): number {
  const v = conf.get('spark.kindling.operatorMemory');
  if (v !== undefined) return parseBytes(v, 'spark.kindling.operatorMemory');
  return Math.floor((executorMemoryBytes(conf) ?? WASM32_MAX_BYTES) * memoryFraction(conf));
}

function fraction(conf: RuntimeConfig, key: string, fallback: number, zeroOk: boolean): number {
  const v = conf.get(key);
  if (v === undefined) return fallback;
  const f = Number(v);
  if (!Number.isFinite(f) || f > 1 || f < 0 || (!zeroOk && f === 0)) {
    throw new InvalidArgumentError(`${key} must be a number in ${zeroOk ? '[0, 1]' : '(0, 1]'}, got '${v}'`);
  }
  return f;
}

/** `spark.locality.wait` in ms (undefined: the scheduler's default). */
export function localityWaitMs(conf: RuntimeConfig): number | undefined {
  const v = conf.get('spark.locality.wait');
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(v);
  if (!m) throw new InvalidArgumentError(`spark.locality.wait must be a duration such as 500ms, 3s or 0, got '${v}'`);
  const unit = (m[2] ?? 'ms').toLowerCase();
  return Number(m[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
}
