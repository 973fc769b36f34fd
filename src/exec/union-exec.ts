import type { Batch } from '../types/batch.js';
import { Batch as BatchClass } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Concatenates its children's batches (UNION ALL by position); the children's schemas agree in types. */
export class UnionExec extends PhysicalOperator {
  readonly name = 'Union';

  constructor(
    readonly schema: Schema,
    readonly children: readonly PhysicalOperator[],
  ) {
    super();
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    for (const child of this.children) {
      for await (const batch of child.execute(ctx)) {
        // Re-label the batch with the union's schema (names and nullability of the first child).
        yield new BatchClass(this.schema, batch.columns, batch.numRows);
      }
    }
  }

  describe(): string {
    return '';
  }
}
