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
import type { IpcBlock } from '../shuffle/ipc-blocks.js';
import { encodePlan } from './plan-codec.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { StageReport } from './job-report.js';

/** Options of task execution taken from the session. */
export interface TaskSchedulerOptions {
  readonly conf: TaskConf;
  readonly maxFailures: number;
  readonly fault?: FaultInjection;
  /** Draw a progress bar for long jobs on a terminal (`spark.ui.showConsoleProgress`; default true). */
  readonly showProgress?: boolean;
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

/** Runs the tasks of one stage; resolves with each task's blocks, in task order. */
export async function runStage(
  pool: ExecutorPool,
  stageId: number,
  fragments: (i: number) => LogicalPlan,
  numTasks: number,
  output: TaskOutput,
  options: TaskSchedulerOptions,
  report: StageReport,
): Promise<IpcBlock[][]> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: numTasks }, async (_, partition) => {
      const plan = encodePlan(fragments(partition));
      let lastError: SerializedError | undefined;
      for (let attempt = 0; attempt < options.maxFailures; attempt++) {
        const req: TaskRequest = { type: 'task', taskId: nextTaskId++, stageId, partition, attempt, plan, output, conf: options.conf, fault: options.fault };
        try {
          const res = await pool.submit(req);
          if (res.type === 'done') {
            report.taskMs[partition] = res.metrics.durationMs;
            report.rowsOut += res.metrics.rowsOut;
            report.bytesOut += res.metrics.bytesOut;
            return [...res.blocks];
          }
          lastError = res.error;
        } catch (e) {
          const err = e instanceof Error ? e : new Error(String(e));
          lastError = { name: err.name, message: err.message, stack: err.stack };
        }
        report.failedAttempts++;
      }
      throw rebuildTaskError(lastError!, `task ${partition} of stage ${stageId} failed ${options.maxFailures} times; this was the last failure`);
    }),
  );
  report.wallMs = performance.now() - started;
  return results;
}
