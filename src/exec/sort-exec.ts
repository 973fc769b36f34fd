import { InternalError, InvalidArgumentError } from '../errors.js';
import { argsort, gatherBatch, identityIndices, type SortKey, sortScratchBound, sortScratchBytes, topK } from '../kernels/sort.js';
import { Batch } from '../types/batch.js';
import type { Column } from '../types/column.js';
import { concatColumns } from '../types/arrow-interop.js';
import type { Schema } from '../types/schema.js';
import { MemoryReservation, type WasmBuffer } from '../wasm/memory.js';
import { mergeSortedRuns } from '../kernels/merge.js';
import { sliceBatch } from '../kernels/take.js';
import { SpillFile } from '../spill/spill-file.js';
import { SpillMetrics } from '../spill/spill-metrics.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** Bytes held by a set of columns' buffers. */
function columnsBytes(columns: readonly Column[] | null): number {
  let bytes = 0;
  for (const c of columns ?? []) bytes += (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0);
  return bytes;
}

/**
 * Sort (Spark's SortExec; with a limit, TakeOrderedAndProject's ordering part): a blocking operator
 * that emits its child's rows ordered by `keys` (stable: equal rows keep their input order), in
 * batches of at most ctx.batchSize rows.
 *
 * Each key's `index` is a column of the child's schema. Spark's defaults are the planner's job:
 * ascending implies NULLS FIRST, descending NULLS LAST. Without a limit, every input batch is held
 * (under a MemoryReservation of ctx.operatorMemoryBudget, raising MemoryBudgetExceededError above it),
 * concatenated, argsorted and gathered. With `limit`, only the best `limit` rows are kept: each input
 * batch is merged with the running top rows and cut back to `limit`, so memory stays O(limit + batch).
 */
export class SortExec extends PhysicalOperator {
  readonly name = 'Sort';
  readonly children: readonly PhysicalOperator[];
  readonly schema: Schema;

  constructor(
    readonly child: PhysicalOperator,
    readonly keys: readonly SortKey[],
    readonly limit?: number,
  ) {
    super();
    this.children = [child];
    this.schema = child.schema;
    for (const k of keys) {
      if (!Number.isInteger(k.index) || k.index < 0 || k.index >= child.schema.length) {
        throw new InternalError(`Sort: key column ${k.index} is outside the child's ${child.schema.length} columns`);
      }
    }
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new InvalidArgumentError(`Sort: limit must be a non-negative integer, got ${limit}`);
    }
  }

  describe(): string {
    const keys = this.keys
      .map((k) => `${this.schema.fields[k.index]!.name} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`)
      .join(', ');
    const spilled = this.metrics.describe();
    return `[${keys}]${this.limit !== undefined ? `, limit=${this.limit}` : ''}${spilled ? `, ${spilled}` : ''}`;
  }

  /** What the latest execution spilled (files, bytes, runs). */
  get spillMetrics(): SpillMetrics {
    return this.metrics;
  }

  private metrics = new SpillMetrics();

  execute(ctx: ExecContext): AsyncGenerator<Batch> {
    if (this.limit !== undefined) return this.executeTopK(ctx, this.limit);
    return ctx.spillDirectory === undefined ? this.executeFull(ctx) : this.executeExternal(ctx, ctx.spillDirectory);
  }

  /**
   * External sort (spilling): input batches are held while an in-memory sort of them fits the budget
   * (the same accounting as executeFull: the held columns plus their concatenated copy, or plus the
   * argsort scratch); when the next batch would not fit, the held rows are sorted and written to a
   * spill file as one sorted run (in batches of runBatchRows), and their memory is released. Without
   * any run, the rows are sorted in memory exactly as executeFull does. Otherwise the rest becomes
   * the last run and the runs are merged by the merge kernels (mergeSortedRuns), in several passes
   * of at most `fanIn` runs when there are many. Runs are numbered in input order and the merge
   * breaks ties by run number, so the sort stays stable.
   */
  private async *executeExternal(ctx: ExecContext, directory: string): AsyncGenerator<Batch> {
    const budget = ctx.operatorMemoryBudget;
    const metrics = new SpillMetrics();
    this.metrics = metrics;
    const reservation = new MemoryReservation('Sort', budget);
    const held: Batch[] = [];
    let heldBytes = 0;
    let heldScratch = 0; // per-row part of the sort scratch of the held rows
    let heldFixed = 0; // its fixed part
    let runs: SpillFile[] = [];
    let runBatchRows = 0;
    let merged: Generator<Batch> | null = null;
    /**
     * What sorting `rows` rows of `bytes` column bytes in memory reserves (see sortInMemory): the
     * held columns and their concatenated copy, then the copy (at most one validity byte per row and
     * column more than the parts) and the sort scratch.
     */
    const ncols = this.schema.length;
    const need = (bytes: number, rows: number, scratch: number) => Math.max(2 * bytes, bytes + rows * ncols + 64 + scratch);
    let heldRows = 0;
    const releaseHeld = () => {
      for (const b of held.splice(0)) b.release();
      heldBytes = 0;
      heldRows = 0;
      heldScratch = 0;
      heldFixed = 0;
      reservation.resize(0);
    };
    const spillHeld = () => {
      const rows = held.reduce((s, b) => s + b.numRows, 0);
      if (runBatchRows === 0) {
        // Runs are read back one batch per run at a time: small enough for a merge of >= 8 runs.
        const rowBytes = Math.max(1, heldBytes / Math.max(1, rows));
        runBatchRows = Math.max(1, Math.min(1 << 16, Math.floor(budget / (8 * rowBytes))));
      }
      const file = new SpillFile(directory, this.schema, metrics, 'sort-run');
      runs.push(file);
      metrics.addSpill();
      for (const out of this.sortInMemory(ctx, held, reservation, runBatchRows)) {
        try {
          file.write(out);
        } finally {
          out.release();
        }
      }
      file.finish();
      releaseHeld();
    };
    try {
      for await (const input of this.child.execute(ctx)) {
        // A batch too large to sort alone is cut into slices that fit.
        const pieces: Batch[] = [];
        try {
          if (input.numRows === 0) continue;
          const bytes = columnsBytes(input.columns);
          const bound = sortScratchBound(input.columns, this.keys, input.numRows);
          const scratch = bound.fixed + (bound.perRow + 4) * input.numRows;
          const total = need(bytes, input.numRows, scratch);
          const parts = total <= budget ? 1 : Math.ceil(total / budget) * 2;
          if (parts === 1) pieces.push(input.retain());
          else {
            if (parts > input.numRows) reservation.grow(total); // even one row does not fit: throws
            const step = Math.ceil(input.numRows / parts);
            for (let at = 0; at < input.numRows; at += step) pieces.push(sliceBatch(input, at, Math.min(step, input.numRows - at)));
          }
        } finally {
          input.release();
        }
        try {
          while (pieces.length > 0) {
            const b = pieces[0]!;
            const bytes = columnsBytes(b.columns);
            const bound = sortScratchBound(b.columns, this.keys, b.numRows);
            const scratch = (bound.perRow + 4) * b.numRows;
            const fixed = Math.max(heldFixed, bound.fixed);
            if (held.length > 0 && need(heldBytes + bytes, heldRows + b.numRows, heldScratch + scratch + fixed) > budget) spillHeld();
            held.push(pieces.shift()!);
            heldBytes += bytes;
            heldRows += b.numRows;
            heldScratch += scratch;
            heldFixed = Math.max(heldFixed, bound.fixed);
            reservation.resize(heldBytes);
          }
        } finally {
          for (const p of pieces) p.release();
        }
      }
      if (runs.length === 0) {
        // Everything fits: the in-memory sort.
        if (held.length === 0) return;
        const batches = held.splice(0);
        heldBytes = 0;
        yield* this.sortInMemory(ctx, batches, reservation, ctx.batchSize);
        return;
      }
      if (held.length > 0) spillHeld();
      // Merge passes: at most fanIn runs at a time (consecutive runs, so ties keep input order).
      const runBytes = Math.max(1, ...runs.map((r) => r.bytes / Math.max(1, r.batches)));
      const fanIn = Math.max(2, Math.min(64, Math.floor(budget / (4 * runBytes))));
      while (runs.length > fanIn) {
        const next: SpillFile[] = [];
        for (let i = 0; i < runs.length; i += fanIn) {
          const group = runs.slice(i, i + fanIn);
          if (group.length === 1) {
            next.push(group[0]!);
            continue;
          }
          const file = new SpillFile(directory, this.schema, metrics, 'sort-run');
          next.push(file);
          metrics.addSpill();
          for (const out of mergeSortedRuns(this.schema, this.keys, group.map((r) => r.read()), runBatchRows)) {
            try {
              file.write(out);
            } finally {
              out.release();
            }
          }
          file.finish();
          for (const r of group) r.release();
        }
        runs = next;
      }
      merged = mergeSortedRuns(this.schema, this.keys, runs.map((r) => r.read()), ctx.batchSize);
      yield* merged;
    } finally {
      merged?.return(undefined);
      for (const b of held) b.release();
      reservation.resize(0);
      for (const r of runs) r.release();
    }
  }

  /**
   * Sorts `batches` (taken over: released as soon as their rows are copied) in memory under the
   * reservation and yields the sorted rows in batches of at most `outRows`.
   */
  private *sortInMemory(ctx: ExecContext, batches: Batch[], reservation: MemoryReservation, outRows: number): Generator<Batch> {
    let columns: Column[] = [];
    let indices: WasmBuffer | null = null;
    try {
      const numRows = batches.reduce((s, b) => s + b.numRows, 0);
      if (numRows === 0) return;
      reservation.resize(batches.reduce((s, b) => s + columnsBytes(b.columns), 0));
      if (batches.length === 1) columns = batches[0]!.columns.map((c) => c.retain());
      else {
        reservation.grow(reservation.bytes);
        for (let i = 0; i < this.schema.length; i++) {
          columns.push(concatColumns(ctx.runtime, this.schema.fields[i]!.type, batches.map((b) => b.columns[i]!)));
        }
      }
      for (const b of batches.splice(0)) b.release();
      reservation.resize(columnsBytes(columns));
      reservation.grow(sortScratchBytes(columns, this.keys, numRows) + numRows * 4);
      indices = argsort(columns, this.keys, numRows);
      const sorted = new Batch(this.schema, columns, numRows);
      for (let start = 0; start < numRows; start += outRows) {
        yield gatherBatch(sorted, indices, start, Math.min(outRows, numRows - start));
      }
    } finally {
      for (const b of batches.splice(0)) b.release();
      for (const c of columns) c.release();
      indices?.release();
      reservation.resize(0);
    }
  }

  private async *executeFull(ctx: ExecContext): AsyncGenerator<Batch> {
    const reservation = new MemoryReservation('Sort', ctx.operatorMemoryBudget);
    const batches: Batch[] = [];
    try {
      // Sink: hold every input batch; then sort them in memory and gather batch by batch.
      for await (const b of this.child.execute(ctx)) {
        batches.push(b);
        reservation.grow(columnsBytes(b.columns));
      }
      yield* this.sortInMemory(ctx, batches, reservation, ctx.batchSize);
    } finally {
      for (const b of batches.splice(0)) b.release();
      reservation.resize(0);
    }
  }

  private async *executeTopK(ctx: ExecContext, limit: number): AsyncGenerator<Batch> {
    if (limit === 0) return;
    const reservation = new MemoryReservation('Sort', ctx.operatorMemoryBudget);
    let top: Batch | null = null; // the best rows so far, in order
    let indices: WasmBuffer | null = null;
    try {
      for await (const b of this.child.execute(ctx)) {
        let combined: Batch | null = null;
        try {
          if (b.numRows === 0) continue;
          reservation.resize(columnsBytes(top?.columns ?? null) + columnsBytes(b.columns));
          if (top) {
            // Running top first: it holds earlier rows, so ties keep their input order.
            reservation.grow(reservation.bytes);
            const parts: Column[] = [];
            try {
              for (let i = 0; i < this.schema.length; i++) {
                parts.push(concatColumns(ctx.runtime, this.schema.fields[i]!.type, [top.columns[i]!, b.columns[i]!]));
              }
            } catch (e) {
              for (const c of parts) c.release();
              throw e;
            }
            combined = new Batch(this.schema, parts, top.numRows + b.numRows);
          } else combined = b.retain();
          reservation.grow(sortScratchBytes(combined.columns, this.keys, combined.numRows, limit) + combined.numRows * 4);
          const best = topK(combined.columns, this.keys, combined.numRows, limit);
          indices = best.indices;
          const next = gatherBatch(combined, best.indices, 0, best.count);
          top?.release();
          top = next;
        } finally {
          indices?.release();
          indices = null;
          combined?.release();
          b.release();
        }
      }
      if (!top) return;
      reservation.resize(columnsBytes(top.columns));
      if (top.numRows <= ctx.batchSize) {
        const out = top;
        top = null;
        yield out;
        return;
      }
      indices = identityIndices(top.numRows);
      for (let start = 0; start < top.numRows; start += ctx.batchSize) {
        yield gatherBatch(top, indices, start, Math.min(ctx.batchSize, top.numRows - start));
      }
    } finally {
      top?.release();
      indices?.release();
      reservation.resize(0);
    }
  }
}
