/**
 * Hash partitioning of batches (kernels: assembly/partition.ts), the shape of DataFusion's
 * BatchPartitioner: hash the key columns with the engine's fixed-seed hash, count rows per
 * partition, build per-partition index lists (stable), then gather each partition's rows.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Batch } from '../types/batch.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { HASH_BYTES, hashColumnInto, hashColumns } from './hash.js';
import { emptyBatch, takeBatchAt } from './take.js';

/** Row indices grouped by partition: partition p's rows are indices[offsets[p] .. offsets[p + 1]). */
export interface PartitionedIndices {
  /** numRows int32 row indices, ascending within each partition; the caller releases it. */
  readonly indices: WasmBuffer;
  /** numPartitions + 1 boundaries into `indices`. */
  readonly offsets: readonly number[];
}

/**
 * Groups the rows of a hash buffer (numRows u64 hashes, see hashColumns) into `numPartitions`
 * partitions: partition = (high 32 bits of the hash * numPartitions) >> 32.
 */
export function partitionIndices(hashes: WasmBuffer, numRows: number, numPartitions: number): PartitionedIndices {
  checkPartitions(numPartitions);
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('partition');
  const indices = WasmBuffer.allocate(mem, Math.max(1, numRows) * 4);
  try {
    const offsets = rt.withScratch(numPartitions * 4, (cursors) => {
      k.partition_counts!(hashes.ptr, numRows, numPartitions, cursors);
      const view = mem.i32(cursors, numPartitions);
      const bounds: number[] = new Array<number>(numPartitions + 1);
      let sum = 0;
      for (let p = 0; p < numPartitions; p++) {
        bounds[p] = sum;
        sum += view[p]!;
        view[p] = bounds[p]!;
      }
      bounds[numPartitions] = sum;
      k.partition_scatter!(hashes.ptr, numRows, numPartitions, cursors, indices.ptr);
      return bounds;
    });
    return { indices, offsets };
  } catch (e) {
    indices.release();
    throw e;
  }
}

/**
 * Splits `batch` into `numPartitions` batches by the hash of the columns at `keyIndices`: one output
 * batch per partition (possibly empty), rows in their input order. Equal keys land in the same
 * partition. A partition holding every row is the input batch itself, retained. `seed` 0 (default)
 * uses the engine's hash (hashColumns); another seed folds the key columns' hashes into the seed
 * instead, an independent partitioning for recursive re-partitioning (grace hash join).
 */
export function hashPartition(batch: Batch, keyIndices: readonly number[], numPartitions: number, seed = 0): Batch[] {
  checkPartitions(numPartitions);
  for (const i of keyIndices) {
    if (!Number.isInteger(i) || i < 0 || i >= batch.columns.length) {
      throw new InvalidArgumentError(`hash partitioning: key column index ${i} is outside a batch of ${batch.columns.length} columns`);
    }
  }
  if (numPartitions === 1) return [batch.retain()];
  const n = batch.numRows;
  const hashes = seed === 0 ? hashColumns(keyIndices.map((i) => batch.columns[i]!), n) : seededHashes(batch, keyIndices, seed);
  let parts: PartitionedIndices;
  try {
    parts = partitionIndices(hashes, n, numPartitions);
  } finally {
    hashes.release();
  }
  const out: Batch[] = [];
  try {
    for (let p = 0; p < numPartitions; p++) {
      const start = parts.offsets[p]!;
      const count = parts.offsets[p + 1]! - start;
      if (count === n && n > 0) out.push(batch.retain()); // stable order: the indices are 0..n-1
      else if (count === 0) out.push(emptyBatch(batch.schema));
      else out.push(takeBatchAt(batch, parts.indices.ptr + start * 4, count));
    }
  } catch (e) {
    for (const b of out) b.release();
    throw e;
  } finally {
    parts.indices.release();
  }
  return out;
}

function checkPartitions(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 0x7fffffff) {
    throw new InvalidArgumentError(`the number of partitions must be a positive integer, got ${numPartitions}`);
  }
}

/** Row hashes of the key columns folded into `seed` (hash_combine(seed, h(col0)), then each next column). */
function seededHashes(batch: Batch, keyIndices: readonly number[], seed: number): WasmBuffer {
  const rt = runtime();
  const n = batch.numRows;
  const out = WasmBuffer.allocate(rt.memory, Math.max(1, n) * HASH_BYTES);
  try {
    rt.memory.i64(out.ptr, n).fill(BigInt(seed) * 0x9e3779b97f4a7c15n & 0x7fffffffffffffffn);
    for (const i of keyIndices) hashColumnInto(batch.columns[i]!, out.ptr, true);
  } catch (e) {
    out.release();
    throw e;
  }
  return out;
}
