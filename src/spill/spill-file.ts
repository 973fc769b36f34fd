/**
 * Spill files: a stream of Batches written to local disk as Arrow IPC and read back lazily, batch by
 * batch (Spark's spill files / DataFusion's spill manager). Every batch is copied out of wasm memory
 * once (batchToArrow) and in once (batchFromArrow) at this edge.
 *
 * File format: one Arrow IPC stream (schema message, then one record batch message per batch, then
 * the end-of-stream marker), written synchronously through an Arrow stream writer whose sink appends
 * to the file, and read back by an Arrow stream reader fed 64 KiB chunks on demand, so reading back
 * holds about one batch in memory, never the file.
 *
 * Lifetime: a SpillFile is deleted by `release()` (operators call it in `finally`, so a finished,
 * failed or abandoned query removes its files) and, as a backstop, by a process 'exit' hook that
 * removes every file still registered.
 */
import { closeSync, mkdirSync, openSync, readSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { KindlingIOError } from '../errors.js';
import { batchFromArrow, batchToArrow } from '../types/arrow-interop.js';
import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { type SpillMetrics, spillTotals } from './spill-metrics.js';

/** The default spill directory (Spark's spark.local.dir): `<os tmpdir>/kindling-spill-<pid>`. */
export function defaultSpillDirectory(): string {
  return join(tmpdir(), `kindling-spill-${process.pid}`);
}

/** Paths of spill files not yet released (removed at process exit). */
const live = new Set<string>();
/** Spill directories this process created (removed at process exit when empty). */
const createdDirs = new Set<string>();
let exitHookInstalled = false;
let counter = 0;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of live) rmSync(p, { force: true });
    live.clear();
    for (const d of createdDirs) {
      try {
        rmdirSync(d);
      } catch {
        // not empty (another process's files) or already gone
      }
    }
  });
}

/** Paths of the spill files of this process that are still on disk (for tests and diagnostics). */
export function liveSpillFiles(): string[] {
  return [...live];
}

/**
 * Creates `directory` if missing (remembered for removal at exit when it ends up empty) and returns
 * a fresh path in it for a file named after `label` (used by SpillFile and the shuffle block manager).
 */
export function newSpillPath(directory: string, label: string, extension = 'arrows'): string {
  installExitHook();
  if (mkdirSync(directory, { recursive: true }) !== undefined) createdDirs.add(directory);
  return join(directory, `${label}-${process.pid}-${threadId}-${Date.now().toString(36)}-${counter++}.${extension}`);
}

/** Registers a file written outside SpillFile: removed at process exit unless `untrackSpillPath` was called. */
export function trackSpillPath(path: string): void {
  installExitHook();
  live.add(path);
}

/** Forgets a file registered by `trackSpillPath` (after the caller deleted it). */
export function untrackSpillPath(path: string): void {
  live.delete(path);
}

/** Bytes read from a spill file at a time. */
const READ_CHUNK = 1 << 16;

/** The byte sink of an Arrow IPC writer that appends synchronously to a file descriptor. */
class FdSink extends arrow.AsyncByteQueue {
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly fd: number) {
    super();
  }

  override write(value: Parameters<arrow.AsyncByteQueue['write']>[0]): void {
    const bytes = value instanceof Uint8Array ? value : arrow.util.toUint8Array(value);
    writeAll(this.fd, bytes);
    this.bytes += bytes.byteLength;
  }
}

/**
 * One spill file: written with `write` (any number of batches), closed with `finish`, then read back
 * with `read()` (any number of times, each a lazy pass). `release()` deletes it.
 */
export class SpillFile {
  /** Path of the file. */
  readonly path: string;
  private fd: number | null;
  private readonly sink: FdSink;
  private writer: arrow.RecordBatchStreamWriter | null = null;
  private reported = 0;
  private numBatches = 0;
  private rows = 0;
  private released = false;

  /**
   * Creates an empty spill file in `directory` (created if missing), for batches of `schema`.
   * `metrics` (optional) counts the file and its bytes.
   */
  constructor(
    directory: string,
    readonly schema: Schema,
    private readonly metrics?: SpillMetrics,
    label = 'spill',
  ) {
    installExitHook();
    try {
      this.path = newSpillPath(directory, label);
      this.fd = openSync(this.path, 'wx');
    } catch (e) {
      throw new KindlingIOError(`cannot create a spill file in '${directory}' (spark.local.dir): ${String(e)}`);
    }
    this.sink = new FdSink(this.fd);
    live.add(this.path);
    metrics?.addFile();
    spillTotals.addFile();
  }

  /** Bytes on disk so far. */
  get bytes(): number {
    return this.sink.bytes;
  }

  /** Batches written so far. */
  get batches(): number {
    return this.numBatches;
  }

  /** Rows written so far. */
  get numRows(): number {
    return this.rows;
  }

  /** Appends a batch (borrowed; empty batches are skipped). */
  write(batch: Batch): void {
    if (this.fd === null) throw new KindlingIOError(`spill file '${this.path}' is closed for writing`);
    if (batch.numRows === 0) return;
    const rb = batchToArrow(batch);
    if (!this.writer) {
      this.writer = new arrow.RecordBatchStreamWriter();
      this.writer.reset(this.sink, rb.schema);
    }
    this.writer.write(rb);
    this.numBatches++;
    this.rows += batch.numRows;
    this.account();
  }

  private account(): void {
    const n = this.sink.bytes - this.reported;
    this.reported = this.sink.bytes;
    this.metrics?.addBytes(n);
    spillTotals.addBytes(n);
  }

  /** Ends writing (idempotent). */
  finish(): void {
    if (this.fd !== null) {
      if (this.writer) {
        this.writer.finish();
        this.account();
      }
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /**
   * Reads the batches back in write order, one at a time (each a new batch the caller owns). The
   * file must be finished. Stopping early is fine.
   */
  *read(): Generator<Batch> {
    this.finish();
    if (this.released) throw new KindlingIOError(`spill file '${this.path}' was already released`);
    if (this.numBatches === 0) return;
    const fd = openSync(this.path, 'r');
    try {
      const size = this.sink.bytes;
      const path = this.path;
      function* chunks(): Generator<Uint8Array> {
        for (let pos = 0; pos < size; pos += READ_CHUNK) {
          const chunk = Buffer.alloc(Math.min(READ_CHUNK, size - pos));
          readExactly(fd, chunk, pos, path);
          yield chunk;
        }
      }
      const reader = arrow.RecordBatchReader.from(chunks());
      for (const rb of reader) yield batchFromArrow(rb, this.schema);
    } finally {
      closeSync(fd);
    }
  }

  /** Deletes the file (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    rmSync(this.path, { force: true });
    live.delete(this.path);
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off);
}

function readExactly(fd: number, into: Buffer, position: number, path: string): void {
  let off = 0;
  while (off < into.byteLength) {
    const n = readSync(fd, into, off, into.byteLength - off, position + off);
    if (n === 0) throw new KindlingIOError(`spill file '${path}' ended early at byte ${position + off}`);
    off += n;
  }
}
