import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { sliceBatch } from '../kernels/take.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Emits the first `n` rows of its input (after skipping `offset`) and stops pulling from the child as soon as it has them. */
export class LimitExec extends PhysicalOperator {
  readonly name = 'GlobalLimit';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    readonly n: number,
    readonly offset = 0,
  ) {
    super();
    this.children = [child];
    this.schema = child.schema;
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    let toSkip = this.offset;
    let remaining = this.n;
    if (remaining <= 0) return;
    // Leaving the for-await early calls the child's return(), which stops upstream work.
    for await (const batch of this.child.execute(ctx)) {
      const skip = Math.min(toSkip, batch.numRows);
      toSkip -= skip;
      const take = Math.min(remaining, batch.numRows - skip);
      if (take <= 0) {
        batch.release();
        continue;
      }
      let out: Batch;
      if (skip === 0 && take === batch.numRows) out = batch;
      else {
        try {
          out = sliceBatch(batch, skip, take);
        } finally {
          batch.release();
        }
      }
      remaining -= take;
      yield out;
      if (remaining === 0) return;
    }
  }

  describe(): string {
    return this.offset ? `${this.n} OFFSET ${this.offset}` : `${this.n}`;
  }
}
