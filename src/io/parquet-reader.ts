/**
 * Parquet reading: schema and statistics from footers only (for planning), and a streaming
 * row-group reader on top of parquet-wasm for execution.
 *
 * Data path: parquet-wasm reads one row group (only the requested column chunks, fetched as byte
 * ranges of a `fs.openAsBlob` Blob, so the file is never loaded whole) into Arrow in its own wasm
 * memory; it crosses to Arrow JS as an IPC stream and is copied once into Kindling's memory by
 * `columnFromArrow`. At most one row group per open reader is resident at a time.
 */
import { openAsBlob } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { AnalysisError, KindlingIOError } from '../errors.js';
import { typeEquals, typeToString } from '../types/data-type.js';
import { Batch } from '../types/batch.js';
import type { Column } from '../types/column.js';
import { Schema, field, type Field } from '../types/schema.js';
import type { CellValue } from '../types/values.js';
import { columnFromArrow } from '../types/arrow-interop.js';
import { runtime } from '../wasm/runtime.js';
import { readParquetFooter } from './parquet-footer.js';
import { discoverPartitions } from './hive-partitions.js';
import { resolveInputFiles } from './paths.js';
import type { RowGroupStatistics } from './scan-predicate.js';

/** One row group of a Parquet file: its statistics and sizes. */
export interface RowGroupInfo extends RowGroupStatistics {
  /** Position of the row group in its file. */
  readonly index: number;
  /** Compressed bytes of its column chunks. */
  readonly compressedBytes: number;
  /** Uncompressed bytes of its column chunks. */
  readonly uncompressedBytes: number;
  /** Byte range [start, end) of each column chunk in the file, by column name. */
  readonly chunkRanges: Readonly<Record<string, readonly [number, number]>>;
}

/** What the planner knows about one data file before reading any data. */
export interface ParquetFileInfo {
  /** Absolute path. */
  readonly path: string;
  /** File size in bytes. */
  readonly byteSize: number;
  readonly numRows: number;
  /** The file's own columns (no partition columns), in file order. */
  readonly schema: Schema;
  /** Hive partition values of this file by partition column name (empty when not partitioned). */
  readonly partitionValues: Readonly<Record<string, CellValue>>;
  readonly rowGroups: readonly RowGroupInfo[];
}

const FOOTER_CONCURRENCY = 16;

/**
 * Resolves `paths` (files, directories, globs; see paths.ts) and reads every footer: the combined
 * schema (the first file's columns in its order, then hive partition columns) and per-file row
 * counts, sizes, and row-group statistics. Reads no data pages. Files must agree on column names
 * and types (order may differ); otherwise an AnalysisError names both files and the column.
 */
export async function readParquetSchema(paths: string | readonly string[]): Promise<{ schema: Schema; files: ParquetFileInfo[] }> {
  const resolved = await resolveInputFiles(paths, '.parquet');
  const footers = new Array<Awaited<ReturnType<typeof readParquetFooter>>>(resolved.length);
  for (let i = 0; i < resolved.length; i += FOOTER_CONCURRENCY) {
    const chunk = resolved.slice(i, i + FOOTER_CONCURRENCY);
    const read = await Promise.all(chunk.map((f) => readParquetFooter(f.path)));
    read.forEach((f, j) => (footers[i + j] = f));
  }
  const firstSchema = footers[0]!.schema;
  const nullable = new Map(firstSchema.fields.map((f) => [f.name, f.nullable]));
  for (let i = 1; i < footers.length; i++) {
    checkSameColumns(resolved[0]!.path, firstSchema, resolved[i]!.path, footers[i]!.schema);
    for (const f of footers[i]!.schema.fields) if (f.nullable) nullable.set(f.name, true);
  }
  const partitions = discoverPartitions(resolved);
  for (const p of partitions.fields) {
    if (firstSchema.indexOf(p.name) >= 0) {
      throw new AnalysisError(
        `partition column '${p.name}' (from directory names under ${resolved[0]!.base}) also exists as a column in ${resolved[0]!.path}`,
      );
    }
  }
  const fileFields: Field[] = firstSchema.fields.map((f) => field(f.name, f.type, nullable.get(f.name) ?? true));
  const schema = new Schema([...fileFields, ...partitions.fields]);
  const files: ParquetFileInfo[] = resolved.map((r, i) => {
    const ft = footers[i]!;
    const partitionValues: Record<string, CellValue> = {};
    partitions.fields.forEach((p, c) => (partitionValues[p.name] = partitions.values[i]![c]!));
    return {
      path: r.path,
      byteSize: ft.fileBytes,
      numRows: ft.numRows,
      schema: ft.schema,
      partitionValues,
      rowGroups: ft.rowGroups.map((rg, index) => ({ index, ...rg })),
    };
  });
  return { schema, files };
}

function checkSameColumns(pathA: string, a: Schema, pathB: string, b: Schema): void {
  for (const fa of a.fields) {
    const fb = b.fields.find((f) => f.name === fa.name);
    if (!fb) {
      throw new AnalysisError(`Parquet files have different schemas: column '${fa.name}' is in ${pathA} but not in ${pathB}`);
    }
    if (!typeEquals(fa.type, fb.type)) {
      throw new AnalysisError(
        `Parquet files have different schemas: column '${fa.name}' is ${typeToString(fa.type)} in ${pathA} but ${typeToString(fb.type)} in ${pathB}`,
      );
    }
  }
  for (const fb of b.fields) {
    if (!a.fields.some((f) => f.name === fb.name)) {
      throw new AnalysisError(`Parquet files have different schemas: column '${fb.name}' is in ${pathB} but not in ${pathA}`);
    }
  }
}

/**
 * An open Parquet file for reading row groups one at a time. Close it when done (it holds
 * parquet-wasm state; the file itself is read lazily through a Blob).
 */
export class ParquetFileReader {
  private constructor(
    readonly path: string,
    private file: pw.ParquetFile | null,
    private readonly ranges: Array<readonly [number, number]>,
  ) {}

  /** Opens `path` (only its footer is read). */
  static async open(path: string): Promise<ParquetFileReader> {
    try {
      const blob = await openAsBlob(path);
      // parquet-wasm only calls `size` and `slice(start, end)` on its handle (then `arrayBuffer()`
      // on the slice), so a thin wrapper can record which byte ranges were actually fetched.
      const ranges: Array<readonly [number, number]> = [];
      const handle = {
        size: blob.size,
        type: blob.type,
        slice(start?: number, end?: number, contentType?: string): Blob {
          ranges.push([start ?? 0, Math.min(end ?? blob.size, blob.size)]);
          return blob.slice(start, end, contentType);
        },
      };
      return new ParquetFileReader(path, await pw.ParquetFile.fromFile(handle as unknown as Blob), ranges);
    } catch (e) {
      throw new KindlingIOError(`cannot open Parquet file ${path}: ${describeError(e)}`, path, { cause: e });
    }
  }

  /** The byte ranges [start, end) fetched from the file so far (footer and column chunks). */
  get fetchedRanges(): readonly (readonly [number, number])[] {
    return this.ranges;
  }

  /** Bytes fetched from the file so far. */
  get bytesFetched(): number {
    return this.ranges.reduce((s, [a, b]) => s + (b - a), 0);
  }

  /**
   * Reads row group `index`, decoding only the columns of `fields` (matched by name in the file),
   * and yields Kindling batches of at most `batchSize` rows with exactly `fields` as schema.
   */
  async *readRowGroup(index: number, fields: readonly Field[], batchSize: number): AsyncGenerator<Batch> {
    if (!this.file) throw new KindlingIOError(`Parquet file ${this.path} is closed`, this.path);
    const schema = new Schema(fields);
    let ipc: Uint8Array;
    try {
      const table = await this.file.read({ rowGroups: [index], columns: fields.map((f) => f.name), batchSize });
      ipc = table.intoIPCStream();
    } catch (e) {
      throw new KindlingIOError(`cannot read row group ${index} of ${this.path}: ${describeError(e)}`, this.path, { cause: e });
    }
    const table = arrow.tableFromIPC(ipc);
    const rt = runtime();
    for (const rb of table.batches) {
      const columns: Column[] = [];
      try {
        for (const f of fields) {
          const child = rb.getChild(f.name);
          if (!child) throw new KindlingIOError(`row group ${index} of ${this.path} has no column '${f.name}'`, this.path);
          columns.push(columnFromArrow(rt, f, child));
        }
      } catch (e) {
        for (const c of columns) c.release();
        throw e;
      }
      yield new Batch(schema, columns, rb.numRows);
    }
  }

  /** Releases parquet-wasm's state for this file. */
  close(): void {
    this.file?.free();
    this.file = null;
  }
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
