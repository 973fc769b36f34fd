/** Helpers for tests that drive physical operators directly. */
import { expect } from 'vitest';
import { MemoryScanExec } from '../../src/exec/memory-scan-exec.js';
import type { ExecContext, PhysicalOperator } from '../../src/exec/operator.js';
import type { Batch } from '../../src/types/batch.js';
import type { Schema } from '../../src/types/schema.js';
import { type CellValue, batchFromRows, batchToRows } from '../../src/types/values.js';

/** A MemoryScanExec over `rows` in batches of `chunk` rows; `release` frees the batches (the scan borrows them). */
export function memoryScan(schema: Schema, rows: readonly Record<string, unknown>[], chunk: number): { op: MemoryScanExec; batches: Batch[]; release: () => void } {
  const batches: Batch[] = [];
  for (let i = 0; i < rows.length; i += chunk) batches.push(batchFromRows(schema, rows.slice(i, i + chunk)));
  return { op: new MemoryScanExec(schema, batches), batches, release: () => batches.forEach((b) => b.release()) };
}

/**
 * Runs `op` to completion and returns its rows as records, checking that every batch has between 1
 * and ctx.batchSize rows; each batch is released.
 */
export async function collectRows(op: PhysicalOperator, ctx: ExecContext): Promise<Record<string, CellValue>[]> {
  const out: Record<string, CellValue>[] = [];
  for await (const b of op.execute(ctx)) {
    try {
      expect(b.numRows).toBeGreaterThan(0);
      expect(b.numRows).toBeLessThanOrEqual(ctx.batchSize);
      out.push(...batchToRows(b));
    } finally {
      b.release();
    }
  }
  return out;
}

/** collectRows, each row as the array of its values. */
export async function collectValues(op: PhysicalOperator, ctx: ExecContext): Promise<CellValue[][]> {
  return (await collectRows(op, ctx)).map((r) => Object.values(r));
}
