/**
 * Hash-partitioned spilling (the partition phase of a grace hash join): batches are split by the
 * hash of their key columns into `numPartitions` partitions, each buffered briefly and appended to
 * its own spill file, so that each partition can later be processed on its own.
 */
import { hashPartition } from '../kernels/partition.js';
import { concatBatches } from '../kernels/take.js';
import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { SpillFile } from './spill-file.js';
import type { SpillMetrics } from './spill-metrics.js';

/** Bytes held by a batch's buffers. */
export function batchBytes(b: Batch): number {
  let s = 0;
  for (const c of b.columns) s += (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0);
  return s;
}

/** One side of a join (or any input) split into hash partitions on disk. */
export class PartitionedSpill {
  private readonly files: (SpillFile | null)[];
  private readonly pending: Batch[][];
  private readonly pendingBytes: number[];
  /** Rows per partition. */
  readonly rows: number[];
  /** In-memory bytes of each partition's batches (what reading it back holds). */
  readonly bytes: number[];

  /**
   * `flushBytes`: a partition's buffered batches are written once they hold this many bytes (all
   * partitions together buffer at most numPartitions * flushBytes).
   */
  constructor(
    private readonly directory: string,
    readonly schema: Schema,
    readonly numPartitions: number,
    private readonly keyIndices: readonly number[],
    private readonly seed: number,
    private readonly flushBytes: number,
    private readonly metrics: SpillMetrics,
    private readonly label: string,
  ) {
    this.files = new Array<SpillFile | null>(numPartitions).fill(null);
    this.pending = Array.from({ length: numPartitions }, () => []);
    this.pendingBytes = new Array<number>(numPartitions).fill(0);
    this.rows = new Array<number>(numPartitions).fill(0);
    this.bytes = new Array<number>(numPartitions).fill(0);
  }

  /** Partitions a batch (borrowed) and buffers or writes its parts. */
  add(batch: Batch): void {
    if (batch.numRows === 0) return;
    const parts = hashPartition(batch, this.keyIndices, this.numPartitions, this.seed);
    try {
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p]!;
        if (part.numRows === 0) continue;
        parts[p] = part.retain(); // keep `parts` releasable as a whole below
        this.pending[p]!.push(part);
        const b = batchBytes(part);
        this.pendingBytes[p]! += b;
        this.bytes[p]! += b;
        this.rows[p]! += part.numRows;
        if (this.pendingBytes[p]! >= this.flushBytes) this.flush(p);
      }
    } finally {
      for (const part of parts) part.release();
    }
  }

  private flush(p: number): void {
    const batches = this.pending[p]!;
    if (batches.length === 0) return;
    const merged = concatBatches(this.schema, batches);
    try {
      let file = this.files[p];
      if (!file) {
        file = new SpillFile(this.directory, this.schema, this.metrics, this.label);
        this.files[p] = file;
      }
      file.write(merged);
    } finally {
      merged.release();
      for (const b of batches.splice(0)) b.release();
      this.pendingBytes[p] = 0;
    }
  }

  /** Writes everything still buffered and closes the files. */
  finish(): void {
    for (let p = 0; p < this.numPartitions; p++) {
      this.flush(p);
      this.files[p]?.finish();
    }
  }

  /** The batches of partition `p` (after finish), read back lazily. */
  *read(p: number): Generator<Batch> {
    const file = this.files[p];
    if (file) yield* file.read();
  }

  /** Deletes partition `p`'s file. */
  releasePartition(p: number): void {
    for (const b of this.pending[p]!.splice(0)) b.release();
    this.files[p]?.release();
    this.files[p] = null;
  }

  /** Deletes every file and drops buffered batches (idempotent). */
  release(): void {
    for (let p = 0; p < this.numPartitions; p++) this.releasePartition(p);
  }
}
