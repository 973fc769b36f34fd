/**
 * CSV input and output for `kindling convert` (and `--format csv` elsewhere). Reading streams the
 * file through csv-parse, infers column types from a sample of the first rows (or takes an explicit
 * schema), and emits batches of `batchSize` rows. Unquoted empty fields are NULL; a quoted empty
 * field ("") is the empty string; writing follows the same convention, so CSV round-trips nulls.
 */
import { createReadStream } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import { Batch } from '../../types/batch.js';
import { Schema, field } from '../../types/schema.js';
import { columnFromJs } from '../../types/values.js';
import type { Column } from '../../types/column.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { inferTextType, parseTextCell } from './cells.js';
import { type BatchSource, type Sink, writeTextLines } from './source.js';

/** Options of the CSV reader. */
export interface CsvReadOptions {
  /** Field delimiter (default ','). */
  readonly delimiter?: string;
  /** First line holds column names (default true); otherwise columns are named _c0, _c1, ... like Spark. */
  readonly header?: boolean;
  /** Explicit schema (no inference); its names replace the header's. */
  readonly schema?: Schema;
  /** Rows per emitted batch. */
  readonly batchSize: number;
  /** Rows sampled for type inference (default 10 000). */
  readonly sampleRows?: number;
}

type Record_ = (string | null)[];

/** Opens a CSV file as a batch source (reads the header and the inference sample now). */
export async function readCsv(path: string, options: CsvReadOptions): Promise<BatchSource> {
  const parser = createReadStream(path).pipe(
    parse({
      delimiter: options.delimiter ?? ',',
      bom: true,
      relax_quotes: false,
      skip_empty_lines: true,
      cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value) as string,
    }),
  );
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<Record_>;
  const next = async (): Promise<Record_ | undefined> => {
    try {
      const r = await it.next();
      return r.done ? undefined : r.value;
    } catch (e) {
      throw csvFailure(path, e);
    }
  };
  const header = options.header ?? true;
  let names: string[] | undefined;
  if (header) {
    const first = await next();
    if (!first) {
      if (options.schema) return { schema: options.schema, batches: empty() };
      throw new CliError(`${path}: the CSV file is empty (expected a header line)`, ExitCode.InvalidInput);
    }
    names = first.map((n, i) => (n === null || n === '' ? `_c${i}` : n));
  }
  const sampleSize = Math.max(1, options.sampleRows ?? 10_000);
  const sample: Record_[] = [];
  while (sample.length < sampleSize) {
    const r = await next();
    if (!r) break;
    sample.push(r);
  }
  const width = names?.length ?? sample[0]?.length ?? options.schema?.length ?? 0;
  names ??= Array.from({ length: width }, (_, i) => `_c${i}`);
  let schema: Schema;
  if (options.schema) {
    if (options.schema.length !== width) {
      throw new CliError(
        `${path}: --schema has ${options.schema.length} columns but the file has ${width} (${names.join(', ')})`,
        ExitCode.InvalidInput,
      );
    }
    schema = options.schema;
  } else {
    schema = new Schema(names.map((n, i) => field(n, inferTextType(sample.map((r) => r[i] ?? null)), true)));
  }
  const firstLine = header ? 2 : 1;
  async function* batches(): AsyncGenerator<Batch> {
    let rowNo = firstLine;
    let pending: Record_[] = [];
    const flush = () => {
      const b = toBatch(pending, schema, rowNo, path);
      rowNo += pending.length;
      pending = [];
      return b;
    };
    for (const r of sample) {
      pending.push(r);
      if (pending.length >= options.batchSize) yield flush();
    }
    sample.length = 0;
    for (let r = await next(); r; r = await next()) {
      pending.push(r);
      if (pending.length >= options.batchSize) yield flush();
    }
    if (pending.length > 0) yield flush();
  }
  return { schema, batches: batches() };
}

async function* empty(): AsyncGenerator<Batch> {}

function csvFailure(path: string, e: unknown): Error {
  if (e instanceof CsvError) return new CliError(`${path}: invalid CSV: ${e.message}`, ExitCode.InvalidInput, { cause: e });
  return e as Error;
}

function toBatch(rows: readonly Record_[], schema: Schema, firstRow: number, path: string): Batch {
  const columns: Column[] = [];
  try {
    schema.fields.forEach((f, c) => {
      const values = rows.map((r, i) => {
        const s = r[c] ?? null;
        return s === null ? null : parseTextCell(f.type, s, f.name, firstRow + i, path);
      });
      columns.push(columnFromJs(f.type, values, f.name));
    });
  } catch (e) {
    for (const c of columns) c.release();
    throw e;
  }
  return new Batch(schema, columns, rows.length);
}

/** Options of the CSV writer. */
export interface CsvWriteOptions {
  readonly delimiter?: string;
  /** Write a header line (default true). */
  readonly header?: boolean;
}

/** Writes batches (consumed: each is released) as CSV text to `sink`; returns the rows written. */
export async function writeCsv(batches: AsyncIterable<Batch>, schema: Schema, sink: Sink, options: CsvWriteOptions = {}): Promise<number> {
  const d = options.delimiter ?? ',';
  const needsQuote = new RegExp(`[${d.replace(/[\\\]^-]/g, '\\$&')}"\\r\\n]|^\\s|\\s$`);
  const quote = (s: string) => (s === '' || needsQuote.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const head = options.header === false ? '' : schema.names.map(quote).join(d) + '\n';
  return writeTextLines(batches, sink, head, (cols, r) => {
    let line = '';
    for (let c = 0; c < cols.length; c++) {
      if (c > 0) line += d;
      const v = cols[c]![r];
      if (v === null || v === undefined) continue;
      line += typeof v === 'string' ? quote(v) : textOf(v);
    }
    return line;
  });
}

/** Text of a non-string cell (numbers as JavaScript prints them; NaN, Infinity spelled out). */
export function textOf(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
