import { InternalError } from '../errors.js';
import { type AggregateFunction, HashAggregation } from '../kernels/aggregate.js';
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
  /** Column indices of the inputs after `input`: covar/corr/regr_*'s second argument, count(DISTINCT a, b, ...)'s b, .... */
  extraInputs?: readonly number[];
  /** agg(DISTINCT ...). */
  distinct?: boolean;
  /** Partial aggregation: output this column of the function's mergeable state (AggregateCall.stateColumn). */
  stateColumn?: number;
  /** Final aggregation: the inputs are state columns to merge (AggregateCall.mergeStates). */
  mergeStates?: boolean;
}

/** Options of a HashAggregateExec. */
export interface HashAggregateOptions {
  /**
   * A filter fused into the aggregation (an aggregate FILTER clause, or a WHERE below it): evaluated
   * on every input batch, it returns a boolean column of the batch's rows (owned by the caller, who
   * releases it). Rows where it is not true (false or null, as in WHERE) are ignored entirely: they
   * create no group and no aggregate sees them, exactly as if a Filter had removed them first, but
   * without a copy of every column of the surviving rows: without group keys the aggregates apply
   * the mask themselves; with group keys only the columns the aggregation reads are gathered
   * (HashAggregation.updateWhere).
   */
  readonly filter?: (batch: Batch) => Column;
  /** The filter's text for explain(), e.g. `(v#3 > 0.5)`. */
  readonly filterText?: string;
}

/**
 * Hash aggregation: a blocking operator. The sink phase maps each input row to a dense group id
 * and folds every aggregate's input column into per-group state (HashAggregation: one kernel call
 * per aggregate per batch); the source phase emits the groups (in order of first appearance) in
 * batches of at most ctx.batchSize rows: the group columns, then one column per aggregate.
 * Without group keys it emits exactly one row, even for an empty input. All state is accounted in
 * a MemoryReservation of ctx.operatorMemoryBudget ('HashAggregate'). With `options.filter`, only
 * the rows that pass it are aggregated (see HashAggregateOptions).
 */
export class HashAggregateExec extends PhysicalOperator {
  readonly name = 'HashAggregate';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly child: PhysicalOperator,
    readonly groupBy: readonly number[],
    readonly aggregates: readonly AggregateSpec[],
    readonly options: HashAggregateOptions = {},
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
      for (const x of a.extraInputs ?? []) {
        if (!fields[x]) throw new InternalError(`HashAggregate: ${a.fn} '${a.name}' needs extra input column ${x} of the child`);
      }
      const counts = a.fn === 'count' || a.fn === 'count_star' || a.fn === 'count_distinct' || a.fn === 'count_if' || a.fn === 'regr_count';
      return field(a.name, a.resultType, !counts && a.stateColumn === undefined);
    });
    this.schema = new Schema([...keyFields, ...aggFields]);
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    const reservation = new MemoryReservation('HashAggregate', ctx.operatorMemoryBudget);
    const childFields = this.child.schema.fields;
    const specs = this.aggregates.map((a) => ({
      fn: a.fn,
      inputType: a.input === null ? null : childFields[a.input]!.type,
      resultType: a.resultType,
      ignoreNulls: a.ignoreNulls,
      name: a.name,
      ...(a.extraInputs?.length ? { extraInputTypes: a.extraInputs.map((x) => childFields[x]!.type) } : {}),
      ...(a.distinct ? { distinct: true } : {}),
      // State columns of the same function over the same inputs share one accumulator.
      ...(a.stateColumn !== undefined ? { stateColumn: a.stateColumn, stateShareKey: `${a.fn}(${[a.input, ...(a.extraInputs ?? [])].join(',')})` } : {}),
      ...(a.mergeStates ? { mergeStates: true } : {}),
    }));
    const hasExtras = this.aggregates.some((a) => a.extraInputs?.length);
    const agg = new HashAggregation(this.groupBy.map((i) => childFields[i]!.type), specs, reservation);
    const filter = this.options.filter;
    try {
      for await (const batch of this.child.execute(ctx)) {
        try {
          const keys = this.groupBy.map((i) => batch.column(i));
          const inputs = this.aggregates.map((a) => (a.input === null ? null : batch.column(a.input)));
          const extras = hasExtras ? this.aggregates.map((a) => a.extraInputs?.map((x) => batch.column(x))) : undefined;
          if (filter) {
            const mask = filter(batch);
            try {
              agg.updateWhere(keys, inputs, batch.numRows, mask, extras);
            } finally {
              mask.release();
            }
          } else {
            agg.update(keys, inputs, batch.numRows, extras);
          }
        } finally {
          batch.release();
        }
      }
      agg.releaseScratch();
      const groups = agg.numGroups;
      const size = Math.max(1, ctx.batchSize);
      for (let start = 0; start < groups; start += size) {
        const count = Math.min(size, groups - start);
        const columns: Column[] = [];
        try {
          for (let c = 0; c < this.groupBy.length; c++) columns.push(agg.keyColumn(c, start, count));
          for (let i = 0; i < this.aggregates.length; i++) columns.push(agg.result(i, start, count));
        } catch (e) {
          for (const c of columns) c.release();
          throw e;
        }
        yield new Batch(this.schema, columns, count);
      }
    } finally {
      agg.release();
    }
  }

  describe(): string {
    const names = this.child.schema.names;
    const keys = this.groupBy.map((i) => names[i]).join(', ');
    const fns = this.aggregates
      .map((a) => {
        const arg = a.input === null ? '*' : [a.input, ...(a.extraInputs ?? [])].map((x) => names[x]).join(', ');
        const plain = a.stateColumn !== undefined ? `${a.fn}_state${a.stateColumn}` : a.mergeStates ? `${a.fn}_merge` : a.fn;
        const fn = a.fn === 'count_star' ? 'count' : a.fn === 'count_distinct' ? 'count(distinct' : a.distinct ? `${a.fn}(distinct` : plain;
        return a.fn === 'count_distinct' || a.distinct ? `${fn} ${arg}) AS ${a.name}` : `${fn}(${arg}) AS ${a.name}`;
      })
      .join(', ');
    const filter = this.options.filter ? `, filter=${this.options.filterText ?? '<predicate>'}` : '';
    return `keys=[${keys}], functions=[${fns}]${filter}`;
  }
}
