import { InternalError } from '../errors.js';
import { type Accumulator, type AggregateFunction, createAccumulator } from '../kernels/aggregate.js';
import { GrowableBuffer, KeyTable } from '../kernels/key-table.js';
import { Batch } from '../types/batch.js';
import type { Column } from '../types/column.js';
import type { DataType } from '../types/data-type.js';
import { Schema, field } from '../types/schema.js';
import { MemoryReservation } from '../wasm/memory.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** One aggregate call of a HashAggregateExec. */
export interface AggregateSpec {
  fn: AggregateFunction;
  /** Column index in the child's schema; null for count_star. */
  input: number | null;
  /** Output column name. */
  name: string;
  /** Result type, decided by the planner with Spark's rules. */
  resultType: DataType;
  /** first(col, ignoreNulls). */
  ignoreNulls?: boolean;
}

/**
 * Hash aggregation: a blocking operator. The sink phase maps each input row to a dense group id
 * with a KeyTable and folds every aggregate's input column into per-group state (one kernel call
 * per aggregate per batch); the source phase emits the groups (in order of first appearance) in
 * batches of at most ctx.batchSize rows: the group columns, then one column per aggregate.
 * Without group keys it emits exactly one row, even for an empty input. All state is accounted in
 * a MemoryReservation of ctx.operatorMemoryBudget ('HashAggregate').
 */
export class HashAggregateExec extends PhysicalOperator {
  readonly name = 'HashAggregate';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    readonly groupBy: readonly number[],
    readonly aggregates: readonly AggregateSpec[],
  ) {
    super();
    this.children = [child];
    const fields = child.schema.fields;
    const keyFields = groupBy.map((i) => {
      const f = fields[i];
      if (!f) throw new InternalError(`HashAggregate: group key column ${i} is outside the child's ${fields.length} columns`);
      return f;
    });
    const aggFields = aggregates.map((a) => {
      if (a.fn === 'count_star') {
        if (a.input !== null) throw new InternalError(`HashAggregate: count(*) '${a.name}' takes no input column`);
      } else if (a.input === null || !fields[a.input]) {
        throw new InternalError(`HashAggregate: ${a.fn} '${a.name}' needs an input column of the child, got ${a.input}`);
      }
      const counts = a.fn === 'count' || a.fn === 'count_star' || a.fn === 'count_distinct';
      return field(a.name, a.resultType, !counts);
    });
    this.schema = new Schema([...keyFields, ...aggFields]);
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    const mem = ctx.runtime.memory;
    const reservation = new MemoryReservation('HashAggregate', ctx.operatorMemoryBudget);
    const ungrouped = this.groupBy.length === 0;
    const childFields = this.child.schema.fields;
    const accs: Accumulator[] = [];
    let table: KeyTable | null = null;
    const gids = new GrowableBuffer(mem, reservation, 0); // zero-filled: the group ids of an ungrouped aggregation
    try {
      for (const a of this.aggregates) {
        const inputType = a.input === null ? null : childFields[a.input]!.type;
        accs.push(createAccumulator({ fn: a.fn, inputType, resultType: a.resultType, ignoreNulls: a.ignoreNulls, name: a.name }, reservation, ungrouped));
      }
      if (ungrouped) {
        for (const acc of accs) acc.grow(1);
      } else {
        table = new KeyTable(ctx.runtime.module('aggregate'), mem, this.groupBy.map((i) => childFields[i]!.type), reservation, {
          nullsFormGroups: true,
          onGrow: (cap) => accs.forEach((acc) => acc.grow(cap)),
        });
        for (const acc of accs) acc.grow(table.groupCapacity);
      }
      for await (const batch of this.child.execute(ctx)) {
        try {
          const n = batch.numRows;
          if (n === 0) continue;
          gids.ensure(n * 4, false);
          if (table) table.insert(this.groupBy.map((i) => batch.column(i)), n, gids.ptr);
          const groups = table ? table.numGroups : 1;
          this.aggregates.forEach((a, i) => {
            accs[i]!.update(a.input === null ? null : batch.column(a.input), gids.ptr, n, groups);
          });
        } finally {
          batch.release();
        }
      }
      gids.release();
      const groups = table ? table.numGroups : 1;
      const size = Math.max(1, ctx.batchSize);
      for (let start = 0; start < groups; start += size) {
        const count = Math.min(size, groups - start);
        const columns: Column[] = [];
        try {
          for (let c = 0; c < this.groupBy.length; c++) columns.push(table!.keyColumn(c, start, count));
          for (const acc of accs) columns.push(acc.finish(start, count));
        } catch (e) {
          for (const c of columns) c.release();
          throw e;
        }
        yield new Batch(this.schema, columns, count);
      }
    } finally {
      gids.release();
      table?.release();
      for (const acc of accs) acc.release();
    }
  }

  describe(): string {
    const names = this.child.schema.names;
    const keys = this.groupBy.map((i) => names[i]).join(', ');
    const fns = this.aggregates
      .map((a) => {
        const arg = a.input === null ? '*' : names[a.input];
        const fn = a.fn === 'count_star' ? 'count' : a.fn === 'count_distinct' ? 'count(distinct' : a.fn;
        return a.fn === 'count_distinct' ? `${fn} ${arg}) AS ${a.name}` : `${fn}(${arg}) AS ${a.name}`;
      })
      .join(', ');
    return `keys=[${keys}], functions=[${fns}]`;
  }
}
