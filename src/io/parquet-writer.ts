/**
 * Parquet writing, Spark style: the output path is a directory of part files
 * (`part-00000-<uuid>.<codec>.parquet`) plus a `_SUCCESS` marker, optionally laid out in hive
 * partition directories (`col=value/`).
 *
 * Streaming: each part file is written by parquet-wasm's `transformParquetStream`, fed one Arrow
 * record batch at a time (Kindling batch -> `batchToArrow` -> Arrow IPC -> parquet-wasm) and
 * emitting bytes row group by row group, so the writer holds at most about one row group per open
 * part file, never the whole input.
 *
 * Atomicity: everything is written into a hidden sibling directory (`.<name>.kindling-tmp-<rand>`)
 * and moved into place only after the input was fully consumed. On any failure the temporary
 * directory is removed and the previous output is left as it was.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { AnalysisError, InvalidArgumentError, KindlingIOError } from '../errors.js';
import { typeEquals, typeToString } from '../types/data-type.js';
import type { Batch } from '../types/batch.js';
import { Schema } from '../types/schema.js';
import { containsIntervalType } from '../types/interval.js';
import { batchToArrow, toArrowSchema } from '../types/arrow-interop.js';
import { partitionSegment, splitByPartition } from './hive-partitions.js';

/** Spark's save modes (DataFrameWriter.mode). */
export type SaveMode = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';

/** Codecs for Parquet output; `none` and `uncompressed` are the same. `lz4` writes LZ4_RAW. */
export type ParquetCompression = 'snappy' | 'zstd' | 'gzip' | 'lz4' | 'brotli' | 'none' | 'uncompressed';

/** Options of writeParquet. */
export interface WriteParquetOptions {
  mode: SaveMode;
  /** Default snappy, like Spark. */
  compression?: ParquetCompression;
  /** Hive partition columns: stored in directory names, not in the files. */
  partitionBy?: readonly string[];
  /** Maximum rows per row group (parquet-wasm's default, 1Mi rows, when absent). */
  rowGroupSize?: number;
  /** Maximum rows per part file (unlimited when absent or 0), like spark.sql.files.maxRecordsPerFile. */
  maxRecordsPerFile?: number;
}

/** What a write did. */
export interface WriteSummary {
  /** The absolute output directory. */
  readonly path: string;
  readonly mode: SaveMode;
  /** True when mode 'ignore' found existing output and wrote nothing. */
  readonly skipped: boolean;
  readonly numRows: number;
  /** Absolute paths of the part files this write created (at their final location). */
  readonly files: readonly string[];
  readonly bytesWritten: number;
}

const CODECS: Record<ParquetCompression, { codec: pw.Compression; ext: string }> = {
  snappy: { codec: pw.Compression.SNAPPY, ext: '.snappy' },
  zstd: { codec: pw.Compression.ZSTD, ext: '.zstd' },
  gzip: { codec: pw.Compression.GZIP, ext: '.gz' },
  lz4: { codec: pw.Compression.LZ4_RAW, ext: '.lz4' },
  brotli: { codec: pw.Compression.BROTLI, ext: '.br' },
  none: { codec: pw.Compression.UNCOMPRESSED, ext: '' },
  uncompressed: { codec: pw.Compression.UNCOMPRESSED, ext: '' },
};
const MODES: readonly SaveMode[] = ['error', 'errorifexists', 'overwrite', 'append', 'ignore'];

/**
 * Writes `input` (which it consumes: every batch received is released) as a Parquet dataset
 * directory at `path`. Modes: `error`/`errorifexists` fail with KindlingIOError if `path` exists
 * (before reading any input); `ignore` does nothing then; `overwrite` replaces it (the old output
 * is moved aside and deleted only after the new one is in place); `append` adds part files to it.
 */
export async function writeParquet(
  input: AsyncIterable<Batch>,
  schema: Schema,
  path: string,
  options: WriteParquetOptions,
): Promise<WriteSummary> {
  const mode = String(options.mode).toLowerCase() as SaveMode;
  if (!MODES.includes(mode)) throw new InvalidArgumentError(`unknown save mode '${options.mode}'; expected one of ${MODES.join(', ')}`);
  const compression = (options.compression ?? 'snappy').toLowerCase() as ParquetCompression;
  if (!(compression in CODECS)) {
    throw new InvalidArgumentError(`unknown Parquet compression '${options.compression}'; expected one of ${Object.keys(CODECS).join(', ')}`);
  }
  for (const [name, v] of [
    ['rowGroupSize', options.rowGroupSize],
    ['maxRecordsPerFile', options.maxRecordsPerFile],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || (name === 'rowGroupSize' && v === 0))) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
    }
  }
  // Spark cannot write intervals to Parquet either (UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE)
  const iv = schema.fields.find((f) => containsIntervalType(f.type));
  if (iv) throw new AnalysisError(`The Parquet datasource doesn't support the column '${iv.name}' of the type ${typeToString(iv.type)}: intervals cannot be written to Parquet (cast them to string first)`);
  const partitionBy = options.partitionBy ?? [];
  const partitionIdx = partitionBy.map((c) => schema.indexOf(schema.get(c).name));
  if (new Set(partitionIdx).size !== partitionIdx.length) throw new AnalysisError(`partitionBy lists a column twice: ${partitionBy.join(', ')}`);
  if (partitionIdx.length > 0 && partitionIdx.length === schema.length) {
    throw new AnalysisError('cannot use all columns as partition columns: at least one column must be stored in the data files');
  }
  const dataSchema = new Schema(schema.fields.filter((_, i) => !partitionIdx.includes(i)));

  const target = resolve(path);
  const existing = await statOrNull(target);
  if (existing) {
    if (mode === 'error' || mode === 'errorifexists') {
      throw new KindlingIOError(`path ${path} already exists (save mode '${mode}'); use mode 'overwrite' or 'append'`, path);
    }
    if (mode === 'ignore') return { path: target, mode, skipped: true, numRows: 0, files: [], bytesWritten: 0 };
    if (mode === 'append' && !existing.isDirectory()) {
      throw new KindlingIOError(`cannot append to ${path}: it is a file, expected a directory of part files`, path);
    }
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.kindling-tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp);
  try {
    const job = new WriteJob(tmp, dataSchema, schema, partitionIdx, partitionBy, CODECS[compression], options);
    await job.run(input);
    await writeFile(join(tmp, '_SUCCESS'), '');
    const files = await commit(tmp, target, existing !== null, mode);
    return { path: target, mode, skipped: false, numRows: job.numRows, files, bytesWritten: job.bytesWritten };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Moves the finished temporary directory into place; returns the final part-file paths. */
async function commit(tmp: string, target: string, exists: boolean, mode: SaveMode): Promise<string[]> {
  const parts = (await listFiles(tmp)).filter((f) => basename(f) !== '_SUCCESS');
  const finalPaths = parts.map((f) => join(target, relative(tmp, f)));
  if (!exists) {
    await rename(tmp, target);
    return finalPaths;
  }
  if (mode === 'overwrite') {
    const aside = join(dirname(target), `.${basename(target)}.kindling-old-${randomBytes(6).toString('hex')}`);
    await rename(target, aside);
    try {
      await rename(tmp, target);
    } catch (e) {
      await rename(aside, target);
      throw new KindlingIOError(`cannot replace ${target}: ${(e as Error).message}; the previous output was restored`, target, { cause: e });
    }
    await rm(aside, { recursive: true, force: true });
    return finalPaths;
  }
  // append: move part files in one by one; on failure, take back the ones already moved.
  const moved: string[] = [];
  try {
    for (let i = 0; i < parts.length; i++) {
      await mkdir(dirname(finalPaths[i]!), { recursive: true });
      await rename(parts[i]!, finalPaths[i]!);
      moved.push(finalPaths[i]!);
    }
    await writeFile(join(target, '_SUCCESS'), '');
  } catch (e) {
    for (const m of moved) await rm(m, { force: true });
    throw new KindlingIOError(`cannot append to ${target}: ${(e as Error).message}; the part files added so far were removed`, target, {
      cause: e,
    });
  }
  return finalPaths;
}

/** The state of one write: open part writers by partition directory, counters. */
class WriteJob {
  numRows = 0;
  bytesWritten = 0;
  private readonly jobId = randomUUID();
  private fileCounter = 0;
  private readonly open = new Map<string, PartWriter>();
  private readonly all: PartWriter[] = [];
  private readonly arrowSchema: arrow.Schema;

  constructor(
    private readonly dir: string,
    private readonly dataSchema: Schema,
    private readonly inputSchema: Schema,
    private readonly partitionIdx: readonly number[],
    private readonly partitionBy: readonly string[],
    private readonly codec: { codec: pw.Compression; ext: string },
    private readonly options: WriteParquetOptions,
  ) {
    this.arrowSchema = utcTimestamps(toArrowSchema(dataSchema));
  }

  async run(input: AsyncIterable<Batch>): Promise<void> {
    try {
      for await (const batch of input) {
        try {
          this.checkSchema(batch);
          if (this.partitionIdx.length === 0) await this.write('', batch);
          else {
            for (const slice of splitByPartition(batch, this.partitionIdx, this.dataSchema)) {
              try {
                const dir = this.partitionIdx
                  .map((c, k) => partitionSegment(this.partitionBy[k]!, this.inputSchema.fields[c]!.type, slice.values[k]!))
                  .join('/');
                await this.write(dir, slice.batch);
              } finally {
                slice.batch.release();
              }
            }
          }
        } finally {
          batch.release();
        }
      }
      for (const w of this.open.values()) await w.close();
      this.open.clear();
      // Spark writes one empty file for an empty unpartitioned dataset so the schema survives.
      if (this.all.length === 0 && this.partitionIdx.length === 0) await this.writeEmptyFile();
    } catch (e) {
      for (const w of this.all) w.abort(e);
      await Promise.allSettled(this.all.map((w) => w.done));
      throw e;
    }
    for (const w of this.all) this.bytesWritten += w.bytes;
  }

  private checkSchema(batch: Batch): void {
    const s = batch.schema;
    const ok = s.length === this.inputSchema.length && s.fields.every((f, i) => typeEquals(f.type, this.inputSchema.fields[i]!.type));
    if (!ok) {
      throw new AnalysisError(`writeParquet: a batch with schema ${s.toString()} does not match the declared schema ${this.inputSchema.toString()}`);
    }
  }

  private partName(): string {
    return `part-${String(this.fileCounter++).padStart(5, '0')}-${this.jobId}${this.codec.ext}.parquet`;
  }

  private properties(): pw.WriterProperties {
    let b = new pw.WriterPropertiesBuilder().setCompression(this.codec.codec).setCreatedBy('kindling');
    if (this.options.rowGroupSize) b = b.setMaxRowGroupSize(this.options.rowGroupSize);
    return b.build();
  }

  /** Writes one batch of data columns into the partition directory `rel`, rolling files at maxRecordsPerFile. */
  private async write(rel: string, batch: Batch): Promise<void> {
    if (batch.numRows === 0) return;
    const rb = withSchema(batchToArrow(batch), this.arrowSchema);
    const max = this.options.maxRecordsPerFile || Infinity;
    let offset = 0;
    while (offset < rb.numRows) {
      let w = this.open.get(rel);
      if (!w) {
        const dir = join(this.dir, rel);
        await mkdir(dir, { recursive: true });
        w = new PartWriter(join(dir, this.partName()), this.properties());
        this.open.set(rel, w);
        this.all.push(w);
      }
      const take = Math.min(max - w.rows, rb.numRows - offset);
      const part = offset === 0 && take === rb.numRows ? rb : rb.slice(offset, offset + take);
      await w.write(toWasmBatch(part), take);
      offset += take;
      this.numRows += take;
      if (w.rows >= max) {
        this.open.delete(rel);
        await w.close();
      }
    }
  }

  private async writeEmptyFile(): Promise<void> {
    const table = pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(this.arrowSchema), 'stream'));
    const bytes = pw.writeParquet(table, this.properties());
    await writeFile(join(this.dir, this.partName()), bytes, { flag: 'wx' });
    this.bytesWritten += bytes.length;
  }
}

/**
 * One part file being written: a pull-based ReadableStream of parquet-wasm record batches feeds
 * `transformParquetStream`, whose output bytes are appended to the file as they come. `write`
 * waits while more than one batch is queued (backpressure).
 */
class PartWriter {
  rows = 0;
  bytes = 0;
  readonly done: Promise<void>;
  private readonly queue: pw.RecordBatch[] = [];
  private closed = false;
  private finished = false;
  private controller: ReadableStreamDefaultController<pw.RecordBatch> | null = null;
  private wakePull: (() => void) | null = null;
  private wakeWriter: (() => void) | null = null;

  constructor(
    readonly path: string,
    properties: pw.WriterProperties,
  ) {
    const stream = new ReadableStream<pw.RecordBatch>(
      {
        start: (c) => {
          this.controller = c;
        },
        pull: async (c) => {
          while (this.queue.length === 0 && !this.closed) await new Promise<void>((r) => (this.wakePull = r));
          const next = this.queue.shift();
          this.wakeWriter?.();
          if (next) c.enqueue(next);
          else if (this.closed) c.close();
        },
      },
      { highWaterMark: 0 },
    );
    this.done = this.pump(stream, properties).finally(() => {
      this.finished = true;
      this.wakeWriter?.();
    });
    this.done.catch(() => undefined); // observed through write/close
  }

  private async pump(stream: ReadableStream<pw.RecordBatch>, properties: pw.WriterProperties): Promise<void> {
    const fh = await open(this.path, 'wx');
    try {
      const out = (await pw.transformParquetStream(stream, properties)) as ReadableStream<Uint8Array>;
      const reader = out.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await fh.write(value);
        this.bytes += value.byteLength;
      }
    } catch (e) {
      throw new KindlingIOError(`cannot write Parquet file ${this.path}: ${e instanceof Error ? e.message : String(e)}`, this.path, { cause: e });
    } finally {
      await fh.close();
    }
  }

  /** Queues one batch (taking ownership of it) and waits until the queue has room. */
  async write(rb: pw.RecordBatch, rows: number): Promise<void> {
    if (this.finished) {
      rb.free();
      await this.done;
      throw new KindlingIOError(`Parquet writer for ${this.path} stopped early`, this.path);
    }
    this.queue.push(rb);
    this.rows += rows;
    this.wakePull?.();
    while (this.queue.length > 1 && !this.finished) await new Promise<void>((r) => (this.wakeWriter = r));
    if (this.finished && this.queue.length > 0) await this.done;
  }

  /** Ends the file and waits until it is fully written. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakePull?.();
    await this.done;
  }

  /** Stops writing: the stream errors, queued batches are freed (the file is discarded by the caller). */
  abort(reason: unknown): void {
    if (this.finished) return;
    this.closed = true;
    for (const rb of this.queue.splice(0)) rb.free();
    try {
      this.controller?.error(reason);
    } catch {
      // already closed
    }
    this.wakePull?.();
  }
}

/** Kindling timestamps are instants (Spark's TimestampType): written as UTC-adjusted TIMESTAMP(MICROS). */
function utcTimestamps(schema: arrow.Schema): arrow.Schema {
  return new arrow.Schema(
    schema.fields.map((f) =>
      f.type.typeId === arrow.Type.Timestamp ? new arrow.Field(f.name, new arrow.TimestampMicrosecond('UTC'), f.nullable) : f,
    ),
  );
}

/** Re-labels a record batch with an equivalent schema (timestamp time zone only; no data copied). */
function withSchema(rb: arrow.RecordBatch, schema: arrow.Schema): arrow.RecordBatch {
  const children = rb.data.children.map((d, i) => (d.type.typeId === arrow.Type.Timestamp ? d.clone(schema.fields[i]!.type) : d));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: rb.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

/** Arrow JS record batch -> parquet-wasm record batch (through an IPC stream). */
function toWasmBatch(rb: arrow.RecordBatch): pw.RecordBatch {
  const table = pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table([rb]), 'stream'));
  try {
    const b = table.recordBatch(0);
    if (!b) throw new KindlingIOError('internal: parquet-wasm lost a record batch in the IPC bridge');
    return b;
  } finally {
    table.free();
  }
}

async function statOrNull(p: string) {
  try {
    return await stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KindlingIOError(`cannot access ${p}: ${(e as Error).message}`, p, { cause: e });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out.sort();
}

