/**
 * The messages between the driver and its executors. A task is a logical plan fragment (leaves:
 * a Parquet split, shuffle blocks, a broadcast) plus what to do with its output: hash-partition it
 * into a shuffle's buckets, or return it whole.
 */
import type { EncodedPlan } from '../scheduler/plan-codec.js';
import type { IpcBlock } from '../shuffle/ipc-blocks.js';

/** Where a task's output goes. */
export type TaskOutput =
  /** Hash-partitioned by the columns at `keys` into `numPartitions` blocks (one per reduce task). */
  | { readonly mode: 'shuffle'; readonly keys: readonly number[]; readonly numPartitions: number }
  /** Returned whole, as one block. */
  | { readonly mode: 'result' };

/** Session settings an executor needs to run a fragment. */
export interface TaskConf {
  readonly batchSize: number;
  readonly operatorMemoryBudget: number;
  readonly fuseFilterIntoAggregate: boolean;
  /** Where operators spill (`spark.local.dir`). */
  readonly spillDirectory?: string;
}

/** A fault to inject (tests of retries): applies to one task's first `attempts` attempts. */
export interface FaultInjection {
  readonly stage: number;
  readonly partition: number;
  /** Attempts that fail (1 = the first attempt fails, the retry succeeds; a large number = always fails). */
  readonly attempts: number;
  /** `throw`: the task throws; `kernel`: a wasm kernel traps (out-of-bounds access); `crash`: the worker thread dies. */
  readonly mode: 'throw' | 'kernel' | 'crash';
}

/** The driver's request to run one task. */
export interface TaskRequest {
  readonly type: 'task';
  readonly taskId: number;
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
  readonly plan: EncodedPlan;
  readonly output: TaskOutput;
  readonly conf: TaskConf;
  readonly fault?: FaultInjection;
}

/** Metrics of a finished task. */
export interface TaskMetrics {
  readonly rowsOut: number;
  readonly bytesOut: number;
  readonly durationMs: number;
}

/** A task's answer: its output blocks, or its error. */
export type TaskResponse =
  | { readonly type: 'done'; readonly taskId: number; readonly blocks: readonly IpcBlock[]; readonly metrics: TaskMetrics }
  | { readonly type: 'failed'; readonly taskId: number; readonly error: SerializedError };

/** An error crossing threads: its class name, message and stack. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** The fields of a MemoryBudgetExceededError, to rebuild it. */
  readonly budget?: { readonly operator: string; readonly budgetBytes: number; readonly requestedBytes: number };
}

/** Settings of every executor thread, fixed when the threads start. */
export interface ExecutorOptions {
  /** Cap of each executor's wasm memory in bytes (`spark.executor.memory`; default the wasm32 maximum, 4 GiB). */
  readonly memoryLimitBytes?: number;
  /** Bytes of decoded in-memory tables and broadcasts each executor keeps between tasks (`spark.kindling.executor.blockCache`). */
  readonly blockCacheBytes?: number;
}

/** Default of ExecutorOptions.blockCacheBytes: 1 GiB. */
export const DEFAULT_BLOCK_CACHE_BYTES = 1024 ** 3;
