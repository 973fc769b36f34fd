/**
 * Output of the CLI: choosing the format and layout from the path, refusing to replace existing
 * output without `--overwrite`, and writing atomically. Every output is first written under a
 * hidden temporary name in the target's directory (`.<name>.kindling-tmp-<random>`) and renamed
 * into place only when complete, so an interrupted or failed run leaves nothing half-written (the
 * CLI also removes such temporaries when it is interrupted by SIGINT/SIGTERM).
 *
 * Layouts: a path ending in '/', an existing directory, or `--partition-by` means a Spark-style
 * Parquet directory (the engine's writer); otherwise ONE file whose format comes from the
 * extension (.parquet, .csv, .json/.jsonl/.ndjson, .arrow/.feather, .arrows/.ipc) or `--format`.
 * A single Parquet file is streamed by the engine's writer into a temporary directory (row group
 * by row group, never the whole table in memory) and its one part file is renamed to the target.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { rmSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeParquet, type ParquetCompression } from '../io/parquet-writer.js';
import type { Schema } from '../types/schema.js';
import { parseList, parsePositiveInt } from './context.js';
import { CliError, ExitCode, usageError } from './exit-codes.js';
import { fileSink, stdoutSink, type BatchSource, type Sink } from './formats/source.js';
import { writeCsv } from './formats/csv.js';
import { writeJsonl } from './formats/jsonl.js';
import { writeArrowIpc } from './formats/arrow-ipc.js';
import type { Batch } from '../types/batch.js';

/** File formats the CLI writes. `arrows` is the Arrow IPC stream format, `arrow` the file format. */
export type OutputFormat = 'parquet' | 'csv' | 'jsonl' | 'arrow' | 'arrows';

/** File formats the CLI reads. */
export type InputFormat = 'parquet' | 'csv' | 'jsonl' | 'arrow';

const EXTENSIONS: Record<string, OutputFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'jsonl',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.arrows': 'arrows',
  '.ipc': 'arrows',
};

/** The format a file name implies by its extension (compression suffixes are not understood). */
export function formatOfPath(path: string): OutputFormat | undefined {
  const m = /(\.[A-Za-z0-9]+)$/.exec(path.replace(/[\\/]+$/, ''));
  return m ? EXTENSIONS[m[1]!.toLowerCase()] : undefined;
}

/** Parses a `--format`/`--to`/`--from` value. */
export function parseFormatName(name: string): OutputFormat {
  const n = name.toLowerCase();
  const f = ({ parquet: 'parquet', csv: 'csv', json: 'jsonl', jsonl: 'jsonl', ndjson: 'jsonl', arrow: 'arrow', feather: 'arrow', ipc: 'arrows', arrows: 'arrows' } as const)[
    n as 'parquet'
  ];
  if (!f) throw usageError(`unknown format '${name}'; expected parquet, csv, json (JSON lines), arrow (IPC file) or arrows (IPC stream)`);
  return f;
}

/**
 * Default rows per Parquet row group of CLI output (DuckDB's default). The Parquet writer buffers
 * the current row group's encoded pages, so this bounds its memory; the engine's own default
 * (1Mi rows) would hold up to a million rows per open file.
 */
export const DEFAULT_ROW_GROUP_ROWS = 122_880;

/** Options for writeOutput. */
export interface OutputOptions {
  readonly overwrite: boolean;
  /** Add part files to an existing Parquet directory (Spark's append mode). */
  readonly append?: boolean;
  /** Overrides the format implied by the extension. */
  readonly format?: OutputFormat;
  readonly compression?: string;
  readonly rowGroupSize?: number;
  readonly partitionBy?: readonly string[];
  /** CSV delimiter. */
  readonly delimiter?: string;
}

/** The output flags shared by the writing commands (convert, transform), as given on the command line. */
export interface OutputFlags {
  readonly overwrite?: boolean;
  readonly append?: boolean;
  readonly compression?: string;
  readonly rowGroupSize?: string;
  readonly partitionBy?: string;
}

/** OutputOptions from the shared output flags, the format flag (`--to` / `--format`) and extra options. */
export function outputOptions(flags: OutputFlags, format: string | undefined, extra: Partial<OutputOptions> = {}): OutputOptions {
  return {
    overwrite: flags.overwrite ?? false,
    append: flags.append ?? false,
    ...(format ? { format: parseFormatName(format) } : {}),
    ...(flags.compression ? { compression: flags.compression } : {}),
    ...(flags.rowGroupSize ? { rowGroupSize: parsePositiveInt(flags.rowGroupSize, '--row-group-size') } : {}),
    ...(flags.partitionBy ? { partitionBy: parseList(flags.partitionBy) } : {}),
    ...extra,
  };
}

/** What a write produced. */
export interface OutputSummary {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly files: number;
}

// ---- interruption cleanup ----------------------------------------------------------------------

const activeTargets = new Set<string>();

/** Removes temporaries of outputs still being written (called on SIGINT/SIGTERM, synchronously). */
export function removeTemporaries(): void {
  for (const target of activeTargets) {
    const dir = dirname(target);
    const marker = `${basename(target)}.kindling-tmp-`;
    try {
      for (const name of readdirSync(dir)) if (name.includes(marker)) rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // the directory may be gone
    }
  }
}

function temporaryPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.kindling-tmp-${randomBytes(6).toString('hex')}`);
}

async function statOrNull(p: string) {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/** Fails with exit code 7 when `path` exists and --overwrite was not given. */
export async function checkOutputFree(path: string, overwrite: boolean): Promise<void> {
  if (!overwrite && (await statOrNull(resolve(path)))) {
    throw new CliError(`output ${path} already exists; pass --overwrite to replace it`, ExitCode.OutputExists);
  }
}

/** Decides layout and format of an output path, without touching the file system beyond a stat. */
export async function planOutput(path: string, options: OutputOptions): Promise<{ dir: boolean; format: OutputFormat }> {
  const existing = await statOrNull(resolve(path));
  const dir = /[\\/]$/.test(path) || (options.partitionBy?.length ?? 0) > 0 || (existing?.isDirectory() ?? false);
  const format = options.format ?? formatOfPath(path) ?? (dir ? 'parquet' : undefined);
  if (!format) {
    throw usageError(
      `cannot tell the output format of '${path}': use an extension (.parquet, .csv, .jsonl, .json, .arrow, .arrows), ` +
        `a trailing '/' for a Parquet directory, or --format`,
    );
  }
  if (dir && format !== 'parquet') throw usageError(`a directory output ('${path}') is written as Parquet only, not ${format}`);
  return { dir, format };
}

/**
 * Writes `source` to `path` (see the module doc), consuming its batches. Checks `--overwrite`
 * before reading any input.
 */
export async function writeOutput(source: BatchSource, path: string, options: OutputOptions): Promise<OutputSummary> {
  const { dir, format } = await planOutput(path, options);
  if (options.append && (!dir || format !== 'parquet')) throw usageError(`--append needs a Parquet directory output ('${path}' is a ${format} file)`);
  if (options.append && options.overwrite) throw usageError('--append and --overwrite exclude each other');
  if (!options.append) await checkOutputFree(path, options.overwrite);
  const target = resolve(path);
  activeTargets.add(target);
  try {
    if (format === 'parquet') {
      const parquetOptions = {
        compression: (options.compression ?? 'snappy') as ParquetCompression,
        rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_ROWS,
      };
      if (dir) {
        const s = await writeParquet(source.batches, source.schema, target, {
          mode: options.append ? 'append' : options.overwrite ? 'overwrite' : 'error',
          partitionBy: options.partitionBy ?? [],
          ...parquetOptions,
        });
        return { path: target, rows: s.numRows, bytes: s.bytesWritten, files: s.files.length };
      }
      return await writeSingleParquet(source, target, parquetOptions);
    }
    await mkdir(dirname(target), { recursive: true });
    const tmp = temporaryPath(target);
    const fh = await open(tmp, 'wx');
    let rows: number;
    try {
      try {
        rows = await writeFormatted(source.batches, source.schema, fileSink(fh), format, options);
      } finally {
        await fh.close();
      }
      await replaceWith(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { path: target, rows, bytes: (await stat(target)).size, files: 1 };
  } finally {
    activeTargets.delete(target);
  }
}

/** Writes text/Arrow formats to any sink (a file or stdout); returns the rows written. */
export async function writeFormatted(batches: AsyncIterable<Batch>, schema: Schema, sink: Sink, format: OutputFormat, options: { delimiter?: string } = {}): Promise<number> {
  switch (format) {
    case 'csv':
      return writeCsv(batches, schema, sink, options.delimiter ? { delimiter: options.delimiter } : {});
    case 'jsonl':
      return writeJsonl(batches, schema, sink);
    case 'arrow':
      return writeArrowIpc(batches, schema, sink, false);
    case 'arrows':
      return writeArrowIpc(batches, schema, sink, true);
    case 'parquet':
      throw usageError('Parquet output needs a file or directory path (-o)');
  }
}

/** Writes to stdout in a text format. */
export async function writeToStdout(batches: AsyncIterable<Batch>, schema: Schema, format: OutputFormat, options: { delimiter?: string } = {}): Promise<number> {
  if (format === 'arrow' || format === 'arrows' || format === 'parquet') {
    if (process.stdout.isTTY) throw usageError(`refusing to write binary ${format} data to a terminal; use -o FILE`);
  }
  return writeFormatted(batches, schema, stdoutSink(), format, options);
}

async function writeSingleParquet(
  source: BatchSource,
  target: string,
  options: { compression: ParquetCompression; rowGroupSize?: number },
): Promise<OutputSummary> {
  await mkdir(dirname(target), { recursive: true });
  const tmpDir = temporaryPath(target);
  try {
    const s = await writeParquet(source.batches, source.schema, tmpDir, { mode: 'error', ...options });
    const parts = (await readdir(tmpDir)).filter((n) => n.endsWith('.parquet'));
    if (parts.length !== 1) throw new CliError(`internal: expected one Parquet part file, the writer made ${parts.length}`, ExitCode.Failure);
    await replaceWith(join(tmpDir, parts[0]!), target);
    return { path: target, rows: s.numRows, bytes: s.bytesWritten, files: 1 };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** Renames a finished temporary file over `target` (a directory in the way is moved aside first). */
async function replaceWith(tmp: string, target: string): Promise<void> {
  const existing = await statOrNull(target);
  if (existing?.isDirectory()) {
    const aside = join(dirname(target), `.${basename(target)}.kindling-old-${randomBytes(6).toString('hex')}`);
    await rename(target, aside);
    try {
      await rename(tmp, target);
    } catch (e) {
      await rename(aside, target);
      throw e;
    }
    await rm(aside, { recursive: true, force: true });
    return;
  }
  await rename(tmp, target);
}
