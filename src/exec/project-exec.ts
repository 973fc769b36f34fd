import type { Batch } from '../types/batch.js';
import { Batch as BatchClass } from '../types/batch.js';
import type { Column } from '../types/column.js';
import { Schema, field } from '../types/schema.js';
import { type AttributeRef, type Expr, exprToString } from '../plan/expression.js';
import { toAttribute } from '../plan/logical-plan.js';
import { type CompiledExpr, compileExpr, evaluateToColumn } from './expression-eval.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Computes named expressions for each input batch (Spark's ProjectExec). Column references pass through without copying. */
export class ProjectExec extends PhysicalOperator {
  readonly name = 'Project';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  private readonly compiled: CompiledExpr[];

  constructor(
    readonly child: PhysicalOperator,
    readonly exprs: readonly Expr[],
    input: readonly AttributeRef[],
  ) {
    super();
    this.children = [child];
    this.schema = new Schema(exprs.map((e) => {
      const a = toAttribute(e);
      return field(a.name, a.type, a.nullable);
    }));
    this.compiled = exprs.map((e) => compileExpr(e, input));
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    for await (const batch of this.child.execute(ctx)) {
      const columns: Column[] = [];
      try {
        for (const c of this.compiled) columns.push(evaluateToColumn(c, batch));
      } catch (e) {
        for (const c of columns) c.release();
        throw e;
      } finally {
        batch.release();
      }
      yield new BatchClass(this.schema, columns, batch.numRows);
    }
  }

  describe(): string {
    return `[${this.exprs.map(exprToString).join(', ')}]`;
  }
}
