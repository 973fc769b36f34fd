/**
 * Arrow IPC blocks: how batches cross thread boundaries (tasks' inputs and outputs, shuffle
 * blocks, broadcasts). A block is one Arrow IPC stream in a SharedArrayBuffer, so posting it to
 * another thread shares the bytes instead of copying them, and a shuffle block read by a retried
 * task is the same memory. Copies happen only at the wasm edges (out of the writer's wasm memory,
 * into the reader's), as for any Arrow data (see src/types/arrow-interop.ts).
 */
import { readFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { KindlingIOError } from '../errors.js';
import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { batchFromArrow, batchToArrow, toArrowSchema } from '../types/arrow-interop.js';
import { concatBatches } from '../kernels/take.js';

/**
 * One Arrow IPC stream (schema + record batches), in shared memory, or, once the driver's block
 * manager spilled it (src/shuffle/block-manager.ts), in a file under `spark.local.dir` that the
 * reading thread opens itself.
 */
export interface IpcBlock {
  /** The stream; empty when the block is in `file`. */
  readonly bytes: Uint8Array;
  readonly numRows: number;
  /** The file holding the stream (an Arrow IPC stream file), when the block was spilled. */
  readonly file?: string;
  /** Size of the stream in `file`, bytes. */
  readonly fileBytes?: number;
  /**
   * Set on blocks that many tasks read (in-memory tables, broadcasts, cached DataFrames): an
   * executor keeps their decoded batches (block-cache.ts) instead of decoding them per task.
   */
  readonly cacheId?: string;
}

let nextCacheId = 0;

/** The block marked as one executors may keep decoded (see IpcBlock.cacheId). */
export function cacheable(block: IpcBlock): IpcBlock {
  return block.cacheId ? block : { ...block, cacheId: `${process.pid}:${nextCacheId++}` };
}

/** Copies `bytes` into a new SharedArrayBuffer-backed array. */
export function toShared(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

/** Encodes Arrow record batches (already copied out of wasm memory) as one block. */
export function encodeRecordBatches(schema: Schema, batches: readonly arrow.RecordBatch[]): IpcBlock {
  const table = batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(toArrowSchema(schema));
  return { bytes: toShared(arrow.tableToIPC(table, 'stream')), numRows: table.numRows };
}

/** Batches below this many rows are concatenated before encoding (each IPC message has a fixed cost). */
const SMALL_BATCH_ROWS = 4096;

/** Encodes wasm-resident batches (borrowed, not released) as one block. */
export function encodeBatches(schema: Schema, batches: readonly Batch[]): IpcBlock {
  const nonEmpty = batches.filter((b) => b.numRows > 0);
  const small = nonEmpty.length > 1 && nonEmpty.every((b) => b.numRows < SMALL_BATCH_ROWS);
  if (!small) return encodeRecordBatches(schema, nonEmpty.map((b) => batchToArrow(b)));
  const merged = concatBatches(schema, nonEmpty);
  try {
    return encodeRecordBatches(schema, [batchToArrow(merged)]);
  } finally {
    merged.release();
  }
}

/**
 * Encodes `n` blocks of about equal row counts from wasm-resident batches (borrowed): rows are
 * copied out once per batch and sliced without copying into the splits.
 */
export function encodeRowSplits(schema: Schema, batches: readonly Batch[], n: number): IpcBlock[] {
  const total = batches.reduce((t, b) => t + b.numRows, 0);
  // Split i holds rows [bound(i), bound(i + 1)); some splits may be empty when total < n.
  const bound = (i: number) => Math.floor((i * total) / n);
  const splits: arrow.RecordBatch[][] = Array.from({ length: n }, () => []);
  let split = 0;
  let row = 0;
  for (const b of batches) {
    if (b.numRows === 0) continue;
    const rb = batchToArrow(b);
    for (let at = 0; at < b.numRows; ) {
      while (bound(split + 1) <= row) split++;
      const take = Math.min(b.numRows - at, bound(split + 1) - row);
      splits[split]!.push(rb.slice(at, at + take));
      at += take;
      row += take;
    }
  }
  return splits.map((rbs) => encodeRecordBatches(schema, rbs));
}

/** The bytes of a block's stream: in memory, or read from its file. */
export function blockStream(block: IpcBlock): Uint8Array {
  if (block.file === undefined) return block.bytes;
  try {
    return readFileSync(block.file);
  } catch (e) {
    throw new KindlingIOError(`cannot read the spilled block '${block.file}' (${block.numRows} rows; spark.local.dir): ${String(e)}`);
  }
}

/** Size of a block's stream in bytes, wherever it is. */
export function blockSize(block: IpcBlock): number {
  return block.file === undefined ? block.bytes.byteLength : (block.fileBytes ?? 0);
}

/** Decodes a block into wasm-resident batches of `schema` (owned by the caller); empty batches are dropped. */
export function decodeBlock(block: IpcBlock, schema: Schema): Batch[] {
  if (block.numRows === 0) return [];
  const table = arrow.tableFromIPC(blockStream(block));
  const out: Batch[] = [];
  try {
    for (const rb of table.batches) if (rb.numRows > 0) out.push(batchFromArrow(rb, schema));
  } catch (e) {
    for (const b of out) b.release();
    throw e;
  }
  return out;
}

/** Total bytes of some blocks' streams (in memory or in files). */
export function blockBytes(blocks: readonly IpcBlock[]): number {
  return blocks.reduce((s, b) => s + blockSize(b), 0);
}
