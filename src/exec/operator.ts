import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import type { KernelRuntime } from '../wasm/runtime.js';

/** What a running query gives every operator: the kernels, batch sizing, and memory budgets. */
export interface ExecContext {
  /** The WebAssembly kernels and memory of this thread. */
  readonly runtime: KernelRuntime;
  /** Target rows per batch for operators that produce batches of their own. */
  readonly batchSize: number;
  /** Bytes each blocking operator (aggregate, sort, join build) may hold at once. */
  readonly operatorMemoryBudget: number;
  /**
   * Directory for spill files (Spark's spark.local.dir). When set, sort and join build write to disk
   * and merge back instead of failing when over operatorMemoryBudget; when absent they hold
   * everything in memory and raise MemoryBudgetExceededError (the session always sets it).
   */
  readonly spillDirectory?: string;
}

/**
 * A physical operator: a node of the executable plan that streams batches.
 *
 * `execute` returns an async iterator of batches; the consumer owns each batch it receives and
 * releases it (see Batch). Streaming operators (filter, project) transform one batch at a time;
 * blocking operators (aggregate, sort, join build) have a sink phase that consumes their input and a
 * source phase that emits results. Operators never skip the release of their input batches.
 */
export abstract class PhysicalOperator {
  /** Operator name as shown in `explain()`, e.g. `HashAggregate`. */
  abstract readonly name: string;
  /** Schema of the batches this operator emits. */
  abstract readonly schema: Schema;
  /** Input operators. */
  abstract readonly children: readonly PhysicalOperator[];
  /** Runs the operator, yielding output batches. */
  abstract execute(ctx: ExecContext): AsyncGenerator<Batch>;
  /** The details shown after the name in `explain()` (keys, predicates, ...). */
  abstract describe(): string;

  /** The operator tree as indented text, Spark-style. */
  treeString(indent = 0): string {
    const pad = indent === 0 ? '' : `${' '.repeat((indent - 1) * 3)}+- `;
    const line = `${pad}${this.name}${this.describe() ? ` ${this.describe()}` : ''}`;
    return [line, ...this.children.map((c) => c.treeString(indent + 1))].join('\n');
  }
}
