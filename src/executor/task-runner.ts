/**
 * Runs one task on the current thread: decodes the fragment, plans it with the single-threaded
 * physical planner, pulls its batches, and either scatters them into shuffle buckets with the
 * hash-partitioning kernel or gathers them into one result block. The executor's worker calls this;
 * it has no state between tasks beyond the thread's kernel runtime.
 */
import type * as arrow from 'apache-arrow';
import { ExecutionError, MemoryBudgetExceededError } from '../errors.js';
import { createPhysicalPlan } from '../plan/physical-planner.js';
import { setTaskPartitionIndex } from '../functions/conditional-functions.js';
import { hashPartition } from '../kernels/partition.js';
import { batchToArrow } from '../types/arrow-interop.js';
import { concatBatches } from '../kernels/take.js';
import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { runtime } from '../wasm/runtime.js';
import { type BlockDecoder, decodePlan } from '../scheduler/plan-codec.js';
import { type IpcBlock, blockBytes, encodeRecordBatches } from '../shuffle/ipc-blocks.js';
import type { TaskRequest, TaskResponse } from './task.js';

/** Raised by fault injection (tests): a task failure the scheduler must retry. */
export class InjectedFaultError extends ExecutionError {}

/** Runs `req` and returns its response (errors are returned, not thrown); `blocks` decodes its input blocks (the executor's cache). */
export async function runTask(req: TaskRequest, crash: () => never, blocks?: BlockDecoder): Promise<TaskResponse> {
  const started = performance.now();
  try {
    const out = await execute(req, crash, blocks);
    const metrics = {
      rowsOut: out.reduce((s, b) => s + b.numRows, 0),
      bytesOut: blockBytes(out),
      durationMs: performance.now() - started,
    };
    return { type: 'done', taskId: req.taskId, blocks: out, metrics };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const budget = err instanceof MemoryBudgetExceededError ? { operator: err.operator, budgetBytes: err.budgetBytes, requestedBytes: err.requestedBytes } : undefined;
    return { type: 'failed', taskId: req.taskId, error: { name: err.name, message: err.message, stack: err.stack, budget } };
  }
}

async function execute(req: TaskRequest, crash: () => never, blocks?: BlockDecoder): Promise<IpcBlock[]> {
  const fault = req.fault && req.fault.stage === req.stageId && req.fault.partition === req.partition && req.attempt < req.fault.attempts ? req.fault : undefined;
  const { plan, batches } = decodePlan(req.plan, blocks);
  try {
    // rand(seed) / randn(seed) seed their generators with seed + partition index, as Spark does.
    setTaskPartitionIndex(req.partition);
    let physical: ReturnType<typeof createPhysicalPlan>;
    try {
      physical = createPhysicalPlan(plan, { fuseFilterIntoAggregate: req.conf.fuseFilterIntoAggregate });
    } finally {
      setTaskPartitionIndex(0);
    }
    const ctx = { runtime: runtime(), batchSize: req.conf.batchSize, operatorMemoryBudget: req.conf.operatorMemoryBudget, spillDirectory: req.conf.spillDirectory };
    const output = req.output;
    const buckets = new OutputBuckets(physical.schema, output.mode === 'shuffle' ? output.numPartitions : 1);
    try {
      for await (const batch of physical.execute(ctx)) {
        try {
          if (fault) injectFault(fault.mode, crash); // mid-task: after the first batch was computed
          if (batch.numRows === 0) continue;
          if (output.mode === 'result') {
            buckets.add(0, batch.retain());
            continue;
          }
          hashPartition(batch, output.keys, output.numPartitions).forEach((part, i) => buckets.add(i, part));
        } finally {
          batch.release();
        }
      }
      if (fault) injectFault(fault.mode, crash);
      return buckets.finish();
    } finally {
      buckets.release();
    }
  } finally {
    for (const b of batches) b.release();
  }
}

function injectFault(mode: 'throw' | 'kernel' | 'crash', crash: () => never): void {
  if (mode === 'crash') crash();
  if (mode === 'kernel') {
    // A real trap: a kernel reading far beyond the end of linear memory.
    const rt = runtime();
    const beyond = rt.memory.memory.buffer.byteLength + 65536;
    rt.module('hash').hash_i64!(beyond, 0, 1024, beyond, 0);
  }
  throw new InjectedFaultError('injected task failure (spark.kindling.test.faultInjection)');
}

/** Rows a bucket gathers in wasm memory before they are copied out as one Arrow record batch. */
const BUCKET_FLUSH_ROWS = 65_536;

/**
 * A task's output per partition: small batches (a shuffle scatters every batch into many pieces)
 * are concatenated in wasm memory and copied out as record batches of up to BUCKET_FLUSH_ROWS rows,
 * so the blocks hold few, large IPC messages.
 */
class OutputBuckets {
  private readonly pending: Batch[][];
  private readonly pendingRows: number[];
  private readonly done: arrow.RecordBatch[][];

  constructor(
    private readonly schema: Schema,
    n: number,
  ) {
    this.pending = Array.from({ length: n }, () => []);
    this.pendingRows = new Array<number>(n).fill(0);
    this.done = Array.from({ length: n }, () => []);
  }

  /** Takes ownership of `batch` as rows of partition `i`. */
  add(i: number, batch: Batch): void {
    if (batch.numRows === 0) {
      batch.release();
      return;
    }
    this.pending[i]!.push(batch);
    this.pendingRows[i]! += batch.numRows;
    if (this.pendingRows[i]! >= BUCKET_FLUSH_ROWS) this.flush(i);
  }

  /** One block per partition. */
  finish(): IpcBlock[] {
    this.pending.forEach((_, i) => this.flush(i));
    return this.done.map((rbs) => encodeRecordBatches(this.schema, rbs));
  }

  release(): void {
    for (const list of this.pending) for (const b of list.splice(0)) b.release();
  }

  private flush(i: number): void {
    const list = this.pending[i]!;
    if (list.length === 0) return;
    const merged = concatBatches(this.schema, list);
    try {
      this.done[i]!.push(batchToArrow(merged));
    } finally {
      merged.release();
      for (const b of list.splice(0)) b.release();
      this.pendingRows[i] = 0;
    }
  }
}
