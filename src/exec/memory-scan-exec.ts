import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/**
 * Emits batches that are already in wasm memory (createDataFrame, cached results, tests). Each
 * execution hands out a new reference to every batch, so the scan can run any number of times.
 */
export class MemoryScanExec extends PhysicalOperator {
  readonly name = 'LocalTableScan';
  readonly children = [] as const;

  constructor(
    readonly schema: Schema,
    private readonly batches: readonly Batch[],
  ) {
    super();
  }

  async *execute(_ctx: ExecContext): AsyncGenerator<Batch> {
    for (const b of this.batches) yield b.retain();
  }

  describe(): string {
    return `[${this.schema.names.join(', ')}]`;
  }
}
