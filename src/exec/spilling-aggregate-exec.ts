import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { MemoryBudgetExceededError } from '../errors.js';
import { PartitionedSpill } from '../spill/partitioned-spill.js';
import { SpillMetrics, spillTotals } from '../spill/spill-metrics.js';
import { HashAggregateExec } from './hash-aggregate-exec.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Partitions of each grace pass. */
const GRACE_PARTITIONS = 16;
/** Re-partitioning passes (each with another hash seed) before a partition is declared unsplittable. */
const MAX_GRACE_LEVELS = 6;

/**
 * Hash aggregation that spills (a grace hash aggregation). It runs the in-memory HashAggregateExec
 * first; only if that exceeds its memory budget (which can only happen while it consumes its input,
 * before it emits anything) and a spill directory is configured, it recomputes its input from the
 * child (lineage: scans re-read their files), hash-partitions the rows on the group keys into
 * spill files, and aggregates each partition on its own: every group's rows are in one partition,
 * so any aggregate (DISTINCT, max_by, statistics) stays exact. A partition still too large is
 * re-partitioned with another hash seed; one group too large for the budget fails with
 * MemoryBudgetExceededError naming it. Without group keys the state is one row per aggregate and
 * is never split.
 *
 * In explain() it shows as the HashAggregate it wraps, with `spilled=` once it has spilled.
 */
export class SpillingAggregateExec extends PhysicalOperator {
  readonly name: string;
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  /** Spill files and bytes of the last execution. */
  readonly spillMetrics = new SpillMetrics();

  constructor(readonly inner: HashAggregateExec) {
    super();
    this.name = inner.name;
    this.schema = inner.schema;
    this.children = inner.children;
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    this.spillMetrics.reset();
    if (!ctx.spillDirectory || this.inner.groupBy.length === 0) {
      yield* this.inner.execute(ctx);
      return;
    }
    const attempt = this.inner.execute(ctx);
    let first: IteratorResult<Batch>;
    try {
      first = await attempt.next();
    } catch (e) {
      if (!(e instanceof MemoryBudgetExceededError)) throw e;
      yield* this.grace(ctx, ctx.spillDirectory, this.inner.child.execute(ctx), 0);
      return;
    }
    try {
      for (let r = first; !r.done; r = await attempt.next()) yield r.value;
    } finally {
      await attempt.return(undefined);
    }
  }

  /** Partitions `input` (consumed) on the group keys and aggregates partition by partition. */
  private async *grace(ctx: ExecContext, directory: string, input: AsyncIterable<Batch> | Iterable<Batch>, level: number): AsyncGenerator<Batch> {
    const { child, groupBy, aggregates, options } = this.inner;
    const flushBytes = Math.max(64 * 1024, Math.floor(ctx.operatorMemoryBudget / (2 * GRACE_PARTITIONS)));
    const parts = new PartitionedSpill(directory, child.schema, GRACE_PARTITIONS, groupBy, level, flushBytes, this.spillMetrics, 'aggregate');
    this.spillMetrics.addSpill();
    spillTotals.addSpill();
    try {
      for await (const batch of input) {
        try {
          parts.add(batch);
        } finally {
          batch.release();
        }
      }
      parts.finish();
      for (let p = 0; p < GRACE_PARTITIONS; p++) {
        if (parts.rows[p] === 0) continue;
        const agg = new HashAggregateExec(new SpilledPartitionExec(child.schema, () => parts.read(p)), groupBy, aggregates, options);
        const it = agg.execute(ctx);
        let first: IteratorResult<Batch>;
        try {
          first = await it.next();
        } catch (e) {
          if (!(e instanceof MemoryBudgetExceededError)) throw e;
          if (level + 1 >= MAX_GRACE_LEVELS) {
            throw new MemoryBudgetExceededError(
              e.operator,
              e.budgetBytes,
              e.requestedBytes,
              `after ${MAX_GRACE_LEVELS} rounds of hash partitioning on the group keys, ${parts.rows[p]} rows of one partition still do not fit: ` +
                `a few groups hold more state than the budget allows (raise spark.kindling.operatorMemory)`,
            );
          }
          yield* this.grace(ctx, directory, parts.read(p), level + 1);
          parts.releasePartition(p);
          continue;
        }
        try {
          for (let r = first; !r.done; r = await it.next()) yield r.value;
        } finally {
          await it.return(undefined);
        }
        parts.releasePartition(p);
      }
    } finally {
      parts.release();
    }
  }

  describe(): string {
    const spilled = this.spillMetrics.describe();
    return `${this.inner.describe()}${spilled ? `, ${spilled}` : ''}`;
  }
}

/** Replays one spilled partition's batches (a leaf under the per-partition aggregation). */
class SpilledPartitionExec extends PhysicalOperator {
  readonly name = 'SpilledPartition';
  readonly children = [] as const;

  constructor(
    readonly schema: Schema,
    private readonly batches: () => Iterable<Batch>,
  ) {
    super();
  }

  async *execute(): AsyncGenerator<Batch> {
    yield* this.batches();
  }

  describe(): string {
    return '';
  }
}
