/**
 * Parquet reading: schema and statistics from footers only (for planning), and a streaming
 * row-group reader on top of parquet-wasm for execution.
 *
 * Data path: each requested column chunk of a row group is read from the file straight into
 * Kindling's wasm memory and decoded there by Kindling's own page decoder (parquet-chunk-decoder.ts:
 * Snappy, dictionary and PLAIN pages, definition levels, all kernels), so the data never passes
 * through JavaScript objects. Chunks in a layout that decoder does not implement (other codecs,
 * DELTA encodings, INT96, wide decimals) are read by parquet-wasm instead (only those column
 * chunks, fetched as byte ranges of a `fs.openAsBlob` Blob), cross to Arrow JS as an IPC stream and
 * are copied once into wasm memory by `columnFromArrow`. At most one row group per open reader is
 * resident at a time; batches are slices of it.
 */
import { closeSync, openAsBlob, openSync, read as readCallback } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { AnalysisError, KindlingIOError, NotImplementedError } from '../errors.js';
import { typeEquals, typeToString } from '../types/data-type.js';
import { Batch } from '../types/batch.js';
import type { Column } from '../types/column.js';
import { Schema, field, type Field } from '../types/schema.js';
import type { CellValue } from '../types/values.js';
import { columnFromArrow } from '../types/arrow-interop.js';
import { runtime } from '../wasm/runtime.js';
import { type ColumnChunkLayout, type ParquetFooter, readParquetFooter } from './parquet-footer.js';
import { chunkLayoutSupported, decodeColumnChunk } from './parquet-chunk-decoder.js';
import { sliceColumn } from '../kernels/take.js';
import { WasmBuffer } from '../wasm/memory.js';
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
  /** How each column chunk is stored (codec, physical type, page range), by column name. */
  readonly chunks: Readonly<Record<string, ColumnChunkLayout>>;
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
 * Which page decoder reads column chunks: Kindling's own (falling back per chunk to parquet-wasm),
 * parquet-wasm for all, or Kindling's only (a chunk it cannot read is a NotImplementedError; for
 * tests and diagnostics).
 */
export type PageDecoderChoice = 'kindling' | 'parquet-wasm' | 'kindling-only';

/**
 * The page decoder used when a caller does not choose: Kindling's, unless the environment variable
 * KINDLING_PARQUET_DECODER=parquet-wasm asks for parquet-wasm everywhere (an escape hatch, and the
 * A/B switch of the benchmarks).
 */
export function defaultPageDecoder(): PageDecoderChoice {
  return process.env['KINDLING_PARQUET_DECODER'] === 'parquet-wasm' ? 'parquet-wasm' : 'kindling';
}

/** Row groups of a file as the reader needs them (a ParquetFileInfo or a decoded footer). */
type RowGroupLayout = Pick<ParquetFooter['rowGroups'][number], 'numRows' | 'chunks'> & { readonly index?: number };
type RowGroupLayouts = { readonly rowGroups: readonly RowGroupLayout[] };

/**
 * An open Parquet file for reading row groups one at a time. Close it when done (it holds a file
 * descriptor and, once a chunk needed it, parquet-wasm state).
 */
export class ParquetFileReader {
  /** Column chunks decoded by Kindling's page decoder so far. */
  chunksDecodedByKindling = 0;
  /** Column chunks decoded by parquet-wasm so far (layouts Kindling's decoder does not implement). */
  chunksDecodedByParquetWasm = 0;
  private pwFile: pw.ParquetFile | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private layouts: Map<number, RowGroupLayout> | undefined,
    private readonly ranges: Array<readonly [number, number]>,
    private readonly pageDecoder: PageDecoderChoice,
  ) {}

  /**
   * Opens `path`. `info` (what the planner already read from the footer) spares reading the footer
   * again; without it the footer is read on the first row group.
   */
  static async open(path: string, info?: RowGroupLayouts, options: { pageDecoder?: PageDecoderChoice } = {}): Promise<ParquetFileReader> {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new KindlingIOError(`cannot open Parquet file ${path}: ${describeError(e)}`, path, { cause: e });
    }
    return new ParquetFileReader(path, fd, info?.rowGroups.every((rg) => rg.chunks !== undefined) ? byIndex(info) : undefined, [], options.pageDecoder ?? defaultPageDecoder());
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
    if (this.closed) throw new KindlingIOError(`Parquet file ${this.path} is closed`, this.path);
    this.layouts ??= byIndex(await readParquetFooter(this.path));
    const group = this.layouts.get(index);
    if (!group) throw new KindlingIOError(`${this.path} has no row group ${index}`, this.path);
    const numRows = group.numRows;
    const schema = new Schema(fields);
    const columns = new Map<string, Column>();
    try {
      const viaParquetWasm: Field[] = [];
      for (const f of fields) {
        const col = this.pageDecoder !== 'parquet-wasm' ? await this.readChunkNatively(index, f, numRows) : undefined;
        if (col) {
          columns.set(f.name, col);
          this.chunksDecodedByKindling++;
        } else if (this.pageDecoder === 'kindling-only') {
          throw new NotImplementedError(`${this.path}: row group ${index}, column '${f.name}' uses a layout Kindling's page decoder does not read`);
        } else viaParquetWasm.push(f);
      }
      if (viaParquetWasm.length > 0) {
        await this.readChunksWithParquetWasm(index, viaParquetWasm, numRows, columns);
        this.chunksDecodedByParquetWasm += viaParquetWasm.length;
      }
      const ordered = fields.map((f) => columns.get(f.name)!);
      if (numRows <= batchSize) {
        columns.clear();
        yield new Batch(schema, ordered, numRows);
        return;
      }
      for (let at = 0; at < numRows; at += batchSize) {
        const len = Math.min(batchSize, numRows - at);
        const part: Column[] = [];
        try {
          for (const c of ordered) part.push(sliceColumn(c, at, len));
        } catch (e) {
          for (const c of part) c.release();
          throw e;
        }
        yield new Batch(schema, part, len);
      }
    } finally {
      for (const c of columns.values()) c.release();
    }
  }

  /** Reads and decodes one column chunk with Kindling's page decoder; undefined when it cannot. */
  private async readChunkNatively(index: number, f: Field, numRows: number): Promise<Column | undefined> {
    const layout = this.layouts!.get(index)!.chunks[f.name];
    if (!layout || !chunkLayoutSupported(layout, f.type)) return undefined;
    const rt = runtime();
    const length = layout.end - layout.start;
    const bytes = WasmBuffer.allocate(rt.memory, length + 8);
    try {
      const got = await readInto(this.fd, rt.memory.u8(bytes.ptr, length), layout.start);
      this.ranges.push([layout.start, layout.start + got]);
      if (got !== length) {
        throw new KindlingIOError(
          `${this.path} is truncated: row group ${index}, column '${f.name}' needs bytes ${layout.start}-${layout.end}, the file ends first`,
          this.path,
        );
      }
      return decodeColumnChunk(rt, bytes, length, layout, f, numRows, { path: this.path, rowGroup: index });
    } finally {
      bytes.release();
    }
  }

  /** Reads the chunks of `fields` of row group `index` with parquet-wasm into `out` (one column each). */
  private async readChunksWithParquetWasm(index: number, fields: readonly Field[], numRows: number, out: Map<string, Column>): Promise<void> {
    const file = await this.parquetWasm();
    let ipc: Uint8Array;
    try {
      const table = await file.read({ rowGroups: [index], columns: fields.map((f) => f.name), batchSize: Math.max(1, numRows) });
      ipc = table.intoIPCStream();
    } catch (e) {
      throw new KindlingIOError(`cannot read row group ${index} of ${this.path}: ${describeError(e)}`, this.path, { cause: e });
    }
    const table = arrow.tableFromIPC(ipc);
    const rt = runtime();
    for (const f of fields) {
      const child = table.getChild(f.name);
      if (!child) throw new KindlingIOError(`row group ${index} of ${this.path} has no column '${f.name}'`, this.path);
      if (child.length !== numRows) {
        throw new KindlingIOError(`row group ${index} of ${this.path}: column '${f.name}' has ${child.length} rows, the footer says ${numRows}`, this.path);
      }
      out.set(f.name, columnFromArrow(rt, f, child));
    }
  }

  private async parquetWasm(): Promise<pw.ParquetFile> {
    if (this.pwFile) return this.pwFile;
    try {
      const blob = await openAsBlob(this.path);
      // parquet-wasm only calls `size` and `slice(start, end)` on its handle (then `arrayBuffer()`
      // on the slice), so a thin wrapper can record which byte ranges were actually fetched.
      const ranges = this.ranges;
      const handle = {
        size: blob.size,
        type: blob.type,
        slice(start?: number, end?: number, contentType?: string): Blob {
          ranges.push([start ?? 0, Math.min(end ?? blob.size, blob.size)]);
          return blob.slice(start, end, contentType);
        },
      };
      this.pwFile = await pw.ParquetFile.fromFile(handle as unknown as Blob);
      return this.pwFile;
    } catch (e) {
      throw new KindlingIOError(`cannot open Parquet file ${this.path}: ${describeError(e)}`, this.path, { cause: e });
    }
  }

  /** Releases the file descriptor and parquet-wasm's state for this file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pwFile?.free();
    this.pwFile = null;
    closeSync(this.fd);
  }
}

/** Row groups by their index in the file (a planner's list may hold a subset, each with its index). */
function byIndex(info: RowGroupLayouts): Map<number, RowGroupLayout> {
  return new Map(info.rowGroups.map((rg, i) => [rg.index ?? i, rg]));
}

/** Reads up to `into.length` bytes at `position` of `fd` into `into`; returns the bytes read (short only at end of file). */
function readInto(fd: number, into: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (): void => {
      readCallback(fd, into, done, into.length - done, position + done, (err, n) => {
        if (err) return reject(err);
        done += n;
        if (n === 0 || done === into.length) resolve(done);
        else step();
      });
    };
    step();
  });
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
