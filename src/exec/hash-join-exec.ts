import { InternalError } from '../errors.js';
import { GrowableBuffer } from '../kernels/key-table.js';
import {
  ExpandCursor,
  JoinBuildTable,
  filterPairs,
  markGroups,
  markRows,
  selectByGid,
  selectByGroupMark,
  selectMarked,
} from '../kernels/join.js';
import { concatBatches, takeColumnAt } from '../kernels/take.js';
import { Batch } from '../types/batch.js';
import { type Column, nullColumn } from '../types/column.js';
import { typeEquals, typeToString } from '../types/data-type.js';
import { Schema, field, type Field } from '../types/schema.js';
import { MemoryReservation, type WasmMemory } from '../wasm/memory.js';
import { MemoryBudgetExceededError } from '../errors.js';
import { PartitionedSpill } from '../spill/partitioned-spill.js';
import { SpillMetrics } from '../spill/spill-metrics.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Join types of HashJoinExec (Spark's names; cross joins are planned as inner joins on a constant key). */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'left_semi' | 'left_anti';

/** Options of a HashJoinExec. */
export interface HashJoinOptions {
  /** Side whose rows are held in the hash table (default 'right'; the planner picks the smaller side). */
  buildSide?: 'left' | 'right';
  /**
   * Extra non-equi ON condition, evaluated on candidate pairs (a batch with the inner join's
   * schema: left fields then right fields); returns a boolean column, null counting as false.
   */
  residual?: (candidates: Batch) => Column;
}

/** Partitions of a grace hash join's first partitioning. */
const GRACE_PARTITIONS = 16;
/** Re-partitioning levels before giving up (each splits a partition at least 4 ways). */
const MAX_GRACE_LEVELS = 8;

/** Spills partition `p` of `from` again into `to` (with its own seed), then finishes `to`. */
function respill(from: PartitionedSpill, p: number, to: PartitionedSpill, metrics: SpillMetrics): void {
  metrics.addSpill();
  for (const b of from.read(p)) {
    try {
      to.add(b);
    } finally {
      b.release();
    }
  }
  to.finish();
}

/** Bytes held by a batch's buffers. */
function batchBytes(b: Batch): number {
  let s = 0;
  for (const c of b.columns) s += (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0);
  return s;
}

/**
 * Equi-join by hashing: a blocking build phase reads the build side into one batch and indexes its
 * keys (JoinBuildTable, accounted as 'HashJoin build side'); the probe side then streams batch by
 * batch: keys are looked up, expanded into candidate pairs in chunks of at most ctx.batchSize, the
 * residual (if any) filters them, and the pairs are gathered into output batches. Marks per probe
 * row and per build row give outer joins their null-extended rows (unmatched probe rows after each
 * probe batch, unmatched build rows at the end) and semi/anti joins their rows. Null keys never
 * match. Output: left fields then right fields (semi/anti: left only); fields of a side that can be
 * null-extended become nullable.
 */
export class HashJoinExec extends PhysicalOperator {
  readonly name = 'HashJoin';
  readonly schema: Schema;
  readonly children: readonly PhysicalOperator[];
  readonly buildSide: 'left' | 'right';
  /** Schema of the residual's candidate batches: left then right fields as they are. */
  private readonly pairSchema: Schema;

  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly leftKeys: readonly number[],
    readonly rightKeys: readonly number[],
    readonly joinType: JoinType,
    private readonly options: HashJoinOptions = {},
  ) {
    super();
    this.children = [left, right];
    this.buildSide = options.buildSide ?? 'right';
    if (leftKeys.length !== rightKeys.length || leftKeys.length === 0) {
      throw new InternalError(`HashJoin needs the same non-zero number of keys on both sides, got ${leftKeys.length} and ${rightKeys.length}`);
    }
    leftKeys.forEach((li, i) => {
      const lf = left.schema.fields[li];
      const rf = right.schema.fields[rightKeys[i]!];
      if (!lf || !rf) throw new InternalError(`HashJoin key ${i} refers to a missing column (${li}, ${rightKeys[i]})`);
      if (!typeEquals(lf.type, rf.type)) {
        throw new InternalError(`HashJoin key ${i}: ${lf.name} is ${typeToString(lf.type)} but ${rf.name} is ${typeToString(rf.type)}; the planner must cast them to one type`);
      }
    });
    const nullable = (fs: readonly Field[], yes: boolean) => fs.map((f) => (yes ? field(f.name, f.type, true) : f));
    const lf = left.schema.fields;
    const rf = right.schema.fields;
    this.pairSchema = new Schema([...lf, ...rf]);
    switch (joinType) {
      case 'left_semi':
      case 'left_anti':
        this.schema = left.schema;
        break;
      default:
        this.schema = new Schema([
          ...nullable(lf, joinType === 'right' || joinType === 'full'),
          ...nullable(rf, joinType === 'left' || joinType === 'full'),
        ]);
    }
  }

  /** What the latest execution spilled (files, bytes, partitionings). */
  get spillMetrics(): SpillMetrics {
    return this.metrics;
  }

  private metrics = new SpillMetrics();

  /**
   * Runs the join. The build side is collected under the budget; when it does not fit (or its hash
   * table does not) and ctx.spillDirectory is set, the join turns into a grace hash join (Spark's
   * and DuckDB's fallback; Shapiro, "Join processing in database systems with large main memories",
   * 1986): both sides are hash-partitioned on the join keys into spill files and joined partition by
   * partition, re-partitioning with another hash seed any partition whose build side is still too
   * large. Every join type stays correct because rows with equal keys share a partition (rows with a
   * null key go wherever their hash sends them, never match, and are null-extended or kept by their
   * partition's join like any unmatched row). Without ctx.spillDirectory, going over the budget
   * raises MemoryBudgetExceededError.
   */
  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    const metrics = new SpillMetrics();
    this.metrics = metrics;
    const budget = ctx.operatorMemoryBudget;
    const buildLeft = this.buildSide === 'left';
    const buildOp = buildLeft ? this.left : this.right;
    const reservation = new MemoryReservation('HashJoin build side', budget);
    const collected: Batch[] = [];
    let overflow = false;
    let build: Batch | null = null;
    const buildIt = buildOp.execute(ctx)[Symbol.asyncIterator]();
    try {
      // ---- build: collect under the budget ----
      for (;;) {
        const next = await buildIt.next();
        if (next.done) break;
        const b = next.value;
        if (ctx.spillDirectory !== undefined && reservation.bytes + batchBytes(b) > budget) {
          collected.push(b);
          overflow = true;
          break;
        }
        collected.push(b);
        reservation.grow(batchBytes(b));
      }
      if (!overflow) {
        build = concatBatches(buildOp.schema, collected);
        for (const b of collected.splice(0)) b.release();
        reservation.resize(batchBytes(build));
        const probeOp = buildLeft ? this.right : this.left;
        const inMemory = this.joinBuilt(ctx, build, reservation, probeOp.execute(ctx));
        let emitted = false;
        try {
          for await (const out of inMemory) {
            emitted = true;
            yield out;
          }
          return;
        } catch (e) {
          // The hash table did not fit: spill instead, unless rows were already emitted.
          if (ctx.spillDirectory === undefined || emitted || !(e instanceof MemoryBudgetExceededError)) throw e;
        }
        collected.push(build);
        build = null;
      }
      // ---- grace hash join ----
      yield* this.graceJoin(ctx, ctx.spillDirectory!, metrics, collected, buildIt);
    } finally {
      for (const b of collected) b.release();
      build?.release();
      await buildIt.return?.(undefined);
      reservation.resize(0);
    }
  }

  /**
   * The grace hash join: partitions the build side (the `held` batches, taken over and removed from
   * the array, then the rest of `rest`) and the probe side into spill files, then joins partition by
   * partition.
   */
  private async *graceJoin(ctx: ExecContext, directory: string, metrics: SpillMetrics, held: Batch[], rest: AsyncIterator<Batch>): AsyncGenerator<Batch> {
    const budget = ctx.operatorMemoryBudget;
    const buildLeft = this.buildSide === 'left';
    const buildOp = buildLeft ? this.left : this.right;
    const probeOp = buildLeft ? this.right : this.left;
    const buildKeys = buildLeft ? this.leftKeys : this.rightKeys;
    const probeKeys = buildLeft ? this.rightKeys : this.leftKeys;
    const P = GRACE_PARTITIONS;
    const flush = Math.max(4096, Math.floor(budget / (4 * P)));
    const buildParts = new PartitionedSpill(directory, buildOp.schema, P, buildKeys, 0, flush, metrics, 'join-build');
    const probeParts = new PartitionedSpill(directory, probeOp.schema, P, probeKeys, 0, flush, metrics, 'join-probe');
    try {
      metrics.addSpill();
      for (const b of held.splice(0)) {
        try {
          buildParts.add(b);
        } finally {
          b.release();
        }
      }
      for (;;) {
        const next = await rest.next();
        if (next.done) break;
        try {
          buildParts.add(next.value);
        } finally {
          next.value.release();
        }
      }
      buildParts.finish();
      metrics.addSpill();
      for await (const b of probeOp.execute(ctx)) {
        try {
          probeParts.add(b);
        } finally {
          b.release();
        }
      }
      probeParts.finish();
      for (let p = 0; p < P; p++) {
        yield* this.joinPartition(ctx, directory, metrics, buildParts, probeParts, p, 0);
        buildParts.releasePartition(p);
        probeParts.releasePartition(p);
      }
    } finally {
      buildParts.release();
      probeParts.release();
    }
  }

  /**
   * Joins partition `p` of two partitioned sides in memory, or, when its build side does not fit,
   * re-partitions both with the next hash seed and recurses. A partition that cannot be split (its
   * build rows all share one key) raises MemoryBudgetExceededError.
   */
  private async *joinPartition(ctx: ExecContext, directory: string, metrics: SpillMetrics, buildParts: PartitionedSpill, probeParts: PartitionedSpill, p: number, level: number): AsyncGenerator<Batch> {
    const budget = ctx.operatorMemoryBudget;
    const buildLeft = this.buildSide === 'left';
    const buildKeys = buildLeft ? this.leftKeys : this.rightKeys;
    const probeKeys = buildLeft ? this.rightKeys : this.leftKeys;
    const rows = buildParts.rows[p]!;
    const bytes = buildParts.bytes[p]!;
    let tableError: MemoryBudgetExceededError | null = null;
    if (bytes <= budget) {
      const reservation = new MemoryReservation('HashJoin build side', budget);
      const batches: Batch[] = [];
      let build: Batch | null = null;
      let emitted = false;
      try {
        for (const b of buildParts.read(p)) {
          batches.push(b);
          reservation.grow(batchBytes(b));
        }
        build = concatBatches(buildParts.schema, batches);
        for (const b of batches.splice(0)) b.release();
        reservation.resize(batchBytes(build));
        for await (const out of this.joinBuilt(ctx, build, reservation, probeParts.read(p))) {
          emitted = true;
          yield out;
        }
        return;
      } catch (e) {
        if (emitted || !(e instanceof MemoryBudgetExceededError)) throw e;
        tableError = e;
      } finally {
        for (const b of batches) b.release();
        build?.release();
        reservation.resize(0);
      }
    }
    // Too large: split with another seed.
    const keyNames = buildKeys.map((i) => (buildLeft ? this.left : this.right).schema.fields[i]!.name).join(', ');
    const P = Math.min(64, Math.max(4, 2 * Math.ceil(bytes / budget)));
    const flush = Math.max(4096, Math.floor(budget / (4 * P)));
    const seed = level + 1;
    const subBuild = new PartitionedSpill(directory, buildParts.schema, P, buildKeys, seed, flush, metrics, 'join-build');
    const subProbe = new PartitionedSpill(directory, probeParts.schema, P, probeKeys, seed, flush, metrics, 'join-probe');
    try {
      respill(buildParts, p, subBuild, metrics);
      if (subBuild.rows.some((r) => r === rows) || level + 1 > MAX_GRACE_LEVELS) {
        if (tableError) {
          throw new MemoryBudgetExceededError(
            'HashJoin build side',
            budget,
            tableError.requestedBytes,
            `the hash table of a partition of ${rows} build rows (join key ${keyNames}) does not fit even though its rows do; raise spark.kindling.operatorMemory`,
          );
        }
        throw new MemoryBudgetExceededError(
          'HashJoin build side',
          budget,
          bytes,
          `${rows} build rows (${bytes} bytes) share one value of the join key (${keyNames}), so spilling cannot split them; ` +
            `raise spark.kindling.operatorMemory above the size of the largest key's rows`,
        );
      }
      buildParts.releasePartition(p);
      respill(probeParts, p, subProbe, metrics);
      probeParts.releasePartition(p);
      for (let q = 0; q < P; q++) {
        yield* this.joinPartition(ctx, directory, metrics, subBuild, subProbe, q, level + 1);
        subBuild.releasePartition(q);
        subProbe.releasePartition(q);
      }
    } finally {
      subBuild.release();
      subProbe.release();
    }
  }

  /**
   * The in-memory hash join of one build batch (borrowed) with a stream of probe batches (each
   * released here): indexes the build keys (accounted in `reservation`), probes, and emits matches
   * and the rows outer/semi/anti joins call for. Nothing is emitted before the table is built.
   */
  private async *joinBuilt(ctx: ExecContext, build: Batch, reservation: MemoryReservation, probeInput: AsyncIterable<Batch> | Iterable<Batch>): AsyncGenerator<Batch> {
    const mem = ctx.runtime.memory;
    const size = Math.max(1, ctx.batchSize);
    const jt = this.joinType;
    const buildLeft = this.buildSide === 'left';
    const buildKeys = buildLeft ? this.leftKeys : this.rightKeys;
    const probeKeys = buildLeft ? this.rightKeys : this.leftKeys;
    const semiAnti = jt === 'left_semi' || jt === 'left_anti';
    const wantMatched = jt === 'left_semi';
    // Which side's unmatched rows are null-extended.
    const preservesLeft = jt === 'left' || jt === 'full';
    const preservesRight = jt === 'right' || jt === 'full';
    const probeOuter = buildLeft ? preservesRight : preservesLeft;
    const buildOuter = buildLeft ? preservesLeft : preservesRight;
    const residual = this.options.residual;

    const scratch = new MemoryReservation('HashJoin probe side', Number.MAX_SAFE_INTEGER);
    let table: JoinBuildTable | null = null;
    const cursor = new ExpandCursor(mem);
    const probeGids = new GrowableBuffer(mem, scratch, null);
    const pairProbe = new GrowableBuffer(mem, scratch, null);
    const pairBuild = new GrowableBuffer(mem, scratch, null);
    const probeMarks = new GrowableBuffer(mem, scratch, null);
    const selected = new GrowableBuffer(mem, scratch, null);
    const buildMarks = new GrowableBuffer(mem, reservation, null);
    try {
      // ---- build ----
      const B = build.numRows;
      table = new JoinBuildTable(buildKeys.map((i) => build.column(i)), B, reservation);
      // Marks on build rows (outer joins, semi/anti with a residual) or on build key ids (semi/anti without).
      const markBuildRows = buildOuter || (semiAnti && buildLeft && residual !== undefined);
      const markBuildGroups = semiAnti && buildLeft && residual === undefined;
      if (markBuildRows) {
        buildMarks.ensure(Math.max(1, B), false);
        buildMarks.fillPrefix(0, B);
      } else if (markBuildGroups) {
        buildMarks.ensure(Math.max(1, table.numGroups), false);
        buildMarks.fillPrefix(0, table.numGroups);
      }
      pairProbe.ensure(size * 4, false);
      pairBuild.ensure(size * 4, false);

      // ---- probe ----
      for await (const p of probeInput) {
        try {
          const n = p.numRows;
          if (n === 0) continue;
          probeGids.ensure(n * 4, false);
          table.probe(probeKeys.map((i) => p.column(i)), n, probeGids.ptr);
          if (semiAnti && !buildLeft && !residual) {
            // Left semi/anti probing with the left side: a row matches when its key exists.
            selected.ensure(n * 4, false);
            const count = selectByGid(probeGids.ptr, n, wantMatched, selected.ptr);
            yield* this.emitRows(mem, p, selected.ptr, count, size, null);
            continue;
          }
          if (markBuildGroups) {
            markGroups(probeGids.ptr, n, buildMarks.ptr);
            continue;
          }
          // Probe rows are marked only when a residual decides matches; otherwise an id >= 0 is a match.
          const markProbe = residual !== undefined && (probeOuter || (semiAnti && !buildLeft));
          if (markProbe) {
            probeMarks.ensure(n, false);
            probeMarks.fillPrefix(0, n);
          }
          const emitPairs = !semiAnti;
          cursor.reset();
          for (;;) {
            let cnt = table.expand(probeGids.ptr, n, cursor, size, pairProbe.ptr, pairBuild.ptr);
            if (cnt === 0) break;
            if (residual) cnt = this.applyResidual(residual, p, build, pairProbe.ptr, pairBuild.ptr, cnt, buildLeft);
            if (cnt === 0) continue;
            if (markProbe) markRows(pairProbe.ptr, cnt, probeMarks.ptr);
            if (markBuildRows) markRows(pairBuild.ptr, cnt, buildMarks.ptr);
            if (emitPairs) yield this.gatherPairs(p, build, pairProbe.ptr, pairBuild.ptr, cnt, buildLeft, this.schema);
          }
          if (probeOuter || (semiAnti && !buildLeft)) {
            selected.ensure(n * 4, false);
            const want = semiAnti ? wantMatched : false;
            const count = residual || semiAnti ? selectMarked(probeMarks.ptr, n, want, selected.ptr) : selectByGid(probeGids.ptr, n, false, selected.ptr);
            yield* this.emitRows(mem, p, selected.ptr, count, size, semiAnti ? null : buildLeft ? 'left' : 'right');
          }
        } finally {
          p.release();
        }
      }

      // ---- build rows that the probe side decides about ----
      if (buildOuter || (semiAnti && buildLeft)) {
        selected.ensure(Math.max(1, B) * 4, false);
        let count: number;
        if (markBuildGroups) count = selectByGroupMark(table.rowGroupsPtr, B, buildMarks.ptr, wantMatched, selected.ptr);
        else count = selectMarked(buildMarks.ptr, B, semiAnti ? wantMatched : false, selected.ptr);
        yield* this.emitRows(mem, build, selected.ptr, count, size, semiAnti ? null : buildLeft ? 'right' : 'left');
      }
    } finally {
      table?.release();
      cursor.release();
      for (const b of [probeGids, pairProbe, pairBuild, probeMarks, selected, buildMarks]) b.release();
    }
  }

  /** Evaluates the residual on candidate pairs and compacts them to the passing ones; returns their number. */
  private applyResidual(residual: (b: Batch) => Column, probe: Batch, build: Batch, probeIdx: number, buildIdx: number, cnt: number, buildLeft: boolean): number {
    const candidates = this.gatherPairs(probe, build, probeIdx, buildIdx, cnt, buildLeft, this.pairSchema);
    try {
      const mask = residual(candidates);
      try {
        if (mask.length !== cnt) throw new InternalError(`HashJoin residual returned ${mask.length} rows for ${cnt} candidates`);
        return filterPairs(probeIdx, buildIdx, cnt, mask);
      } finally {
        mask.release();
      }
    } finally {
      candidates.release();
    }
  }

  /** Gathers pairs into a batch of `schema` (left columns, then right columns). */
  private gatherPairs(probe: Batch, build: Batch, probeIdx: number, buildIdx: number, cnt: number, buildLeft: boolean, schema: Schema): Batch {
    const columns: Column[] = [];
    try {
      const [l, li, r, ri] = buildLeft ? [build, buildIdx, probe, probeIdx] : [probe, probeIdx, build, buildIdx];
      for (const c of l.columns) columns.push(takeColumnAt(c, li, cnt));
      for (const c of r.columns) columns.push(takeColumnAt(c, ri, cnt));
    } catch (e) {
      for (const c of columns) c.release();
      throw e;
    }
    return new Batch(schema, columns, cnt);
  }

  /**
   * Emits the selected rows of `source` (`count` indices at `idx`) in batches of at most `size`:
   * alone (semi/anti: `nullSide` null) or next to null columns for the other side, `nullSide`.
   */
  private *emitRows(mem: WasmMemory, source: Batch, idx: number, count: number, size: number, nullSide: 'left' | 'right' | null): Generator<Batch> {
    const nullFields = nullSide === 'left' ? this.left.schema.fields : nullSide === 'right' ? this.right.schema.fields : [];
    for (let start = 0; start < count; start += size) {
      const m = Math.min(size, count - start);
      const rows: Column[] = [];
      const nulls: Column[] = [];
      try {
        for (const c of source.columns) rows.push(takeColumnAt(c, idx + start * 4, m));
        for (const f of nullFields) nulls.push(nullColumn(mem, f.type, m));
      } catch (e) {
        for (const c of [...rows, ...nulls]) c.release();
        throw e;
      }
      yield new Batch(this.schema, nullSide === 'left' ? [...nulls, ...rows] : [...rows, ...nulls], m);
    }
  }

  describe(): string {
    const ln = this.left.schema.names;
    const rn = this.right.schema.names;
    const keys = this.leftKeys.map((l, i) => `${ln[l]} = ${rn[this.rightKeys[i]!]}`).join(', ');
    const spilled = this.metrics.describe();
    return `${this.joinType}, [${keys}], build=${this.buildSide}${this.options.residual ? ', residual' : ''}${spilled ? `, ${spilled}` : ''}`;
  }
}
