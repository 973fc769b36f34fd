/**
 * Generators (Spark's GenerateExec): explode, explode_outer, posexplode, posexplode_outer of an
 * array or map in a select list (planned by src/plan/generate.ts); GenerateExec runs it batch by batch: the
 * explode_plan kernel lists (parent row, child row, position) per output row, the child's columns
 * are gathered at the parent rows and the elements at the child rows.
 */
import { Batch } from '../types/batch.js';
import { Column, nullColumn } from '../types/column.js';
import { DataTypes } from '../types/data-type.js';
import { runtime } from '../wasm/runtime.js';
import { Schema, field } from '../types/schema.js';
import { type AttributeRef, exprToString } from '../plan/expression.js';
import type { Generate } from '../plan/logical-plan.js';
import { explodePlan, withExtraNulls } from '../kernels/nested.js';
import { takeBatchAt, takeColumnAt } from '../kernels/take.js';
import { type CompiledExpr, compileExpr, evaluateToColumn } from './expression-eval.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Runs a Generate node (see the module doc). */
export class GenerateExec extends PhysicalOperator {
  readonly name = 'Generate';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  private readonly compiled: CompiledExpr;

  constructor(
    readonly child: PhysicalOperator,
    readonly node: Generate,
    input: readonly AttributeRef[],
  ) {
    super();
    this.children = [child];
    this.schema = new Schema([...child.schema.fields, ...node.generatorOutput.map((a) => field(a.name, a.type, a.nullable))]);
    this.compiled = compileExpr(node.generator, input);
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    for await (const batch of this.child.execute(ctx)) {
      try {
        const list = evaluateToColumn(this.compiled, batch);
        try {
          if (list.type.kind === 'null') continue;
          yield this.explode(batch, list);
        } finally {
          list.release();
        }
      } finally {
        batch.release();
      }
    }
  }

  private explode(batch: Batch, list: Column): Batch {
    const plan = explodePlan(list, this.node.outer);
    const cols: Column[] = [];
    try {
      const n = plan.count;
      const parents = takeBatchAt(batch, plan.rows.ptr, n);
      cols.push(...parents.columns);
      const hasNulls = this.node.outer && n > 0 && runtime().module('take').count_zeros!(plan.valid.ptr, n) > 0;
      const withNulls = (c: Column): Column => (hasNulls ? withExtraNulls(c, plan.valid) : c);
      if (this.node.position) {
        cols.push(withNulls(new Column(DataTypes.Integer, n, plan.pos.retain(), null, null, 0)));
      }
      const child = list.children[0]!;
      const parts = list.type.kind === 'map' ? child.children : [child];
      for (const p of parts) {
        if (p.length === 0) {
          cols.push(nullColumn(runtime().memory, p.type, n)); // only outer null rows
          continue;
        }
        cols.push(withNulls(takeColumnAt(p, plan.child.ptr, n)));
      }
      return new Batch(this.schema, cols, n);
    } catch (e) {
      for (const c of cols) c.release();
      throw e;
    } finally {
      plan.release();
    }
  }

  describe(): string {
    const fn = `${this.node.position ? 'pos' : ''}explode${this.node.outer ? '_outer' : ''}`;
    return `${fn}(${exprToString(this.node.generator)}), [${this.node.generatorOutput.map((a) => `${a.name}#${a.id}`).join(', ')}]`;
  }
}
