import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { filterBatch } from '../kernels/take.js';
import { type AttributeRef, type Expr, exprToString } from '../plan/expression.js';
import { type CompiledExpr, compileExpr, evaluateToColumn } from './expression-eval.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/**
 * Keeps the rows whose predicate is true (null counts as false). The predicate runs as kernels and
 * yields a selection; a batch whose rows all pass goes through untouched, an empty result is skipped.
 */
export class FilterExec extends PhysicalOperator {
  readonly name = 'Filter';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  private readonly compiled: CompiledExpr;

  constructor(
    readonly child: PhysicalOperator,
    readonly condition: Expr,
    input: readonly AttributeRef[],
  ) {
    super();
    this.children = [child];
    this.schema = child.schema;
    this.compiled = compileExpr(condition, input);
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    for await (const batch of this.child.execute(ctx)) {
      let out: Batch;
      try {
        const mask = evaluateToColumn(this.compiled, batch);
        try {
          out = filterBatch(batch, mask);
        } finally {
          mask.release();
        }
      } finally {
        batch.release();
      }
      if (out.numRows === 0) out.release();
      else yield out;
    }
  }

  describe(): string {
    return exprToString(this.condition);
  }
}
