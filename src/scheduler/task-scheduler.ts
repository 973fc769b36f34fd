/**
 * Runs a stage's tasks on the executor pool with Spark's retry policy: a task whose attempt fails
 * (it threw, or its thread died) is resubmitted until it has failed `maxFailures` times
 * (`spark.task.maxFailures`, default 4); then the stage, and the job, fail with the task's own
 * error, rebuilt in its class (AnalysisError, MemoryBudgetExceededError, ...) with the attempts
 * named. Inputs are immutable (Parquet splits, shuffle blocks the driver keeps), so a retry
 * recomputes exactly the lost partition from its lineage.
 */
import * as errors from '../errors.js';
import type { ExecutorPool } from '../executor/executor-pool.js';
import type { FaultInjection, TaskConf, TaskOutput, TaskRequest, SerializedError } from '../executor/task.js';
import { type IpcBlock, blockSize } from '../shuffle/ipc-blocks.js';
import { type EncodedPlan, encodedBlocks, encodePlan } from './plan-codec.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { StageReport } from './job-report.js';

/** Options of task execution taken from the session. */
export interface TaskSchedulerOptions {
  readonly conf: TaskConf;
  readonly maxFailures: number;
  readonly fault?: FaultInjection;
  /** Draw a progress bar for long jobs on a terminal (`spark.ui.showConsoleProgress`; default true). */
  readonly showProgress?: boolean;
  /** How long a task waits for the executor that keeps its input split (`spark.locality.wait`), ms. */
  readonly localityWaitMs?: number;
}

/** Default of TaskSchedulerOptions.localityWaitMs (Spark's 3 s is tuned for network reads; here a miss costs one decode). */
export const DEFAULT_LOCALITY_WAIT_MS = 500;

/**
 * The executor each task prefers: the one its largest cacheable input block is assigned to (blocks
 * every task reads, such as broadcasts, say nothing and are skipped), so an in-memory table's split
 * or a cached partition is decoded and kept by one executor, and found there by the next query.
 */
export function preferredExecutors(plans: readonly EncodedPlan[], executors: number): (number | undefined)[] {
  const perTask = plans.map((p) => encodedBlocks(p).filter((b) => b.cacheId !== undefined));
  const readers = new Map<string, number>();
  for (const blocks of perTask) for (const id of new Set(blocks.map((b) => b.cacheId!))) readers.set(id, (readers.get(id) ?? 0) + 1);
  return perTask.map((blocks) => {
    let best: IpcBlock | undefined;
    for (const b of blocks) {
      if (plans.length > 1 && readers.get(b.cacheId!) === plans.length) continue;
      if (!best || blockSize(b) > blockSize(best)) best = b;
    }
    return best ? executorOf(best.cacheId!, executors) : undefined;
  });
}

/** The executor a cache id is assigned to: ids end in a sequence number, so consecutive splits alternate. */
function executorOf(cacheId: string, executors: number): number {
  const m = /(\d+)$/.exec(cacheId);
  let h = 0;
  if (m) h = Number(m[1]) % executors;
  else for (let i = 0; i < cacheId.length; i++) h = (h * 31 + cacheId.charCodeAt(i)) >>> 0;
  return h % executors;
}

let nextTaskId = 0;

/** Error classes a failed task's error is rebuilt as, by name. */
const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  AnalysisError: errors.AnalysisError,
  InvalidArgumentError: errors.InvalidArgumentError,
  ExecutionError: errors.ExecutionError,
  NotImplementedError: errors.NotImplementedError,
  InternalError: errors.InternalError,
  KindlingError: errors.KindlingError,
};

/** Rebuilds a task's error on the driver, keeping its class where it is one of the engine's. */
export function rebuildTaskError(e: SerializedError, where: string): Error {
  const message = `${e.message} (${where})`;
  if (e.name === 'MemoryBudgetExceededError' && e.budget) {
    const err = new errors.MemoryBudgetExceededError(e.budget.operator, e.budget.budgetBytes, e.budget.requestedBytes);
    err.message = message;
    return err;
  }
  if (e.name === 'KindlingIOError') return new errors.KindlingIOError(message);
  if (e.name === 'ParseError') return new errors.ParseError(message);
  const Cls = ERROR_CLASSES[e.name];
  if (Cls) return new Cls(message);
  const err = new errors.ExecutionError(`${e.name}: ${message}`);
  if (e.stack) err.stack = `${err.name}: ${err.message}\n  task stack:\n${e.stack}`;
  return err;
}

/**
 * Runs the tasks of one stage; resolves with each task's blocks, in task order. `accept` (optional)
 * takes each successful task's blocks as they arrive and returns the blocks to keep (the block
 * manager storing shuffle outputs, in memory or spilled); its errors fail the stage, not the task.
 */
export async function runStage(
  pool: ExecutorPool,
  stageId: number,
  fragments: (i: number) => LogicalPlan,
  numTasks: number,
  output: TaskOutput,
  options: TaskSchedulerOptions,
  report: StageReport,
  accept?: (blocks: readonly IpcBlock[]) => Promise<IpcBlock[]>,
): Promise<IpcBlock[][]> {
  const started = performance.now();
  const plans = Array.from({ length: numTasks }, (_, i) => encodePlan(fragments(i)));
  const preferred = preferredExecutors(plans, pool.size);
  const waitMs = options.localityWaitMs ?? DEFAULT_LOCALITY_WAIT_MS;
  const results = await Promise.all(
    Array.from({ length: numTasks }, async (_, partition) => {
      const plan = plans[partition]!;
      let lastError: SerializedError | undefined;
      for (let attempt = 0; attempt < options.maxFailures; attempt++) {
        const req: TaskRequest = { type: 'task', taskId: nextTaskId++, stageId, partition, attempt, plan, output, conf: options.conf, fault: options.fault };
        let blocks: readonly IpcBlock[] | undefined;
        try {
          // A retry goes wherever is free: its preferred executor may be the one that failed it.
          const res = await pool.submit(req, attempt === 0 ? { preferred: preferred[partition], waitMs } : {});
          if (res.type === 'done') {
            report.taskMs[partition] = res.metrics.durationMs;
            report.rowsOut += res.metrics.rowsOut;
            report.bytesOut += res.metrics.bytesOut;
            blocks = res.blocks;
          } else lastError = res.error;
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          lastError = { name: err.name, message: err.message, stack: err.stack };
        }
        if (blocks) return accept ? accept(blocks) : [...blocks];
        report.failedAttempts++;
      }
      throw rebuildTaskError(lastError!, `task ${partition} of stage ${stageId} failed ${options.maxFailures} times; this was the last failure`);
    }),
  );
  report.wallMs = performance.now() - started;
  return results;
}
