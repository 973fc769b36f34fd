import { InternalError, InvalidArgumentError } from '../errors.js';
import { argsort, gatherBatch, identityIndices, type SortKey, sortScratchBytes, topK } from '../kernels/sort.js';
import { Batch } from '../types/batch.js';
import type { Column } from '../types/column.js';
import { concatColumns } from '../types/arrow-interop.js';
import type { Schema } from '../types/schema.js';
import { MemoryReservation, type WasmBuffer } from '../wasm/memory.js';
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
    return `[${keys}]${this.limit !== undefined ? `, limit=${this.limit}` : ''}`;
  }

  execute(ctx: ExecContext): AsyncGenerator<Batch> {
    return this.limit === undefined ? this.executeFull(ctx) : this.executeTopK(ctx, this.limit);
  }

  private async *executeFull(ctx: ExecContext): AsyncGenerator<Batch> {
    const reservation = new MemoryReservation('Sort', ctx.operatorMemoryBudget);
    const batches: Batch[] = [];
    let columns: Column[] = [];
    let indices: WasmBuffer | null = null;
    try {
      // Sink: hold every input batch.
      let numRows = 0;
      for await (const b of this.child.execute(ctx)) {
        batches.push(b);
        reservation.grow(columnsBytes(b.columns));
        numRows += b.numRows;
      }
      if (numRows === 0) return;
      // One set of columns (a copy when there are several batches, held next to them briefly).
      if (batches.length === 1) columns = batches[0]!.columns.map((c) => c.retain());
      else {
        reservation.grow(reservation.bytes);
        for (let i = 0; i < this.schema.length; i++) {
          columns.push(concatColumns(ctx.runtime, this.schema.fields[i]!.type, batches.map((b) => b.columns[i]!)));
        }
      }
      for (const b of batches.splice(0)) b.release();
      reservation.resize(columnsBytes(columns));
      const scratch = sortScratchBytes(columns, this.keys, numRows) + numRows * 4;
      reservation.grow(scratch);
      indices = argsort(columns, this.keys, numRows);
      // Source: gather the sorted rows batch by batch.
      const sorted = new Batch(this.schema, columns, numRows);
      for (let start = 0; start < numRows; start += ctx.batchSize) {
        yield gatherBatch(sorted, indices, start, Math.min(ctx.batchSize, numRows - start));
      }
    } finally {
      for (const b of batches) b.release();
      for (const c of columns) c.release();
      indices?.release();
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
