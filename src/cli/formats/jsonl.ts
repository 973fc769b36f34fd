/**
 * JSON lines (one object per line) input and output. Reading infers the schema from a sample of
 * the first lines (or takes an explicit one): integral numbers become int or bigint, other numbers
 * double, booleans boolean, strings string, except strings that are all dates or timestamps;
 * nested values are kept as their JSON text. Writing emits one object per row with every column
 * (null as `null`); bigint and decimal values are written as exact JSON numbers, timestamps as
 * ISO-8601 text with microseconds, NaN and infinities as strings.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Batch } from '../../types/batch.js';
import { type DataType, DataTypes } from '../../types/data-type.js';
import { Schema, field } from '../../types/schema.js';
import { columnFromJs } from '../../types/values.js';
import type { Column } from '../../types/column.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { inferTextType, parseTextCell } from './cells.js';
import { type BatchSource, type Sink, writeTextLines } from './source.js';

/** Options of the JSON-lines reader. */
export interface JsonlReadOptions {
  readonly schema?: Schema;
  readonly batchSize: number;
  /** Lines sampled for inference (default 10 000). */
  readonly sampleRows?: number;
}

type Obj = Record<string, unknown>;

/** Opens a JSON-lines file as a batch source (reads the inference sample now). */
export async function readJsonl(path: string, options: JsonlReadOptions): Promise<BatchSource> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })[Symbol.asyncIterator]();
  let lineNo = 0;
  const next = async (): Promise<{ obj: Obj; line: number } | undefined> => {
    for (;;) {
      const r = await lines.next();
      if (r.done) return undefined;
      lineNo++;
      const text = r.value.trim();
      if (text === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new CliError(`${path}: line ${lineNo}: invalid JSON: ${(e as Error).message}`, ExitCode.InvalidInput);
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        throw new CliError(`${path}: line ${lineNo}: expected a JSON object per line`, ExitCode.InvalidInput);
      }
      return { obj: v as Obj, line: lineNo };
    }
  };
  const sampleSize = Math.max(1, options.sampleRows ?? 10_000);
  const sample: { obj: Obj; line: number }[] = [];
  while (sample.length < sampleSize) {
    const r = await next();
    if (!r) break;
    sample.push(r);
  }
  const schema = options.schema ?? inferJsonSchema(sample.map((s) => s.obj));
  async function* batches(): AsyncGenerator<Batch> {
    let pending: { obj: Obj; line: number }[] = [];
    for (const r of sample) {
      pending.push(r);
      if (pending.length >= options.batchSize) {
        yield toBatch(pending, schema, path);
        pending = [];
      }
    }
    sample.length = 0;
    for (let r = await next(); r; r = await next()) {
      pending.push(r);
      if (pending.length >= options.batchSize) {
        yield toBatch(pending, schema, path);
        pending = [];
      }
    }
    if (pending.length > 0) yield toBatch(pending, schema, path);
  }
  return { schema, batches: batches() };
}

/** Infers a schema from sample objects (keys in order of first appearance). */
export function inferJsonSchema(objs: readonly Obj[]): Schema {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const o of objs) for (const k of Object.keys(o)) if (!seen.has(k)) (seen.add(k), names.push(k));
  return new Schema(names.map((n) => field(n, inferJsonType(objs.map((o) => o[n])), true)));
}

function inferJsonType(values: readonly unknown[]): DataType {
  let nums = 0;
  let ints = 0;
  let int32 = true;
  let bools = 0;
  let strs = 0;
  let other = 0;
  const strings: string[] = [];
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      nums++;
      if (Number.isInteger(v)) {
        ints++;
        if (v < -2147483648 || v > 2147483647) int32 = false;
      }
    } else if (typeof v === 'boolean') bools++;
    else if (typeof v === 'string') {
      strs++;
      strings.push(v);
    } else other++;
  }
  const kinds = [nums, bools, strs, other].filter((k) => k > 0).length;
  if (kinds === 0 || kinds > 1 || other > 0) return DataTypes.String;
  if (nums > 0) return ints === nums ? (int32 ? DataTypes.Integer : DataTypes.Long) : DataTypes.Double;
  if (bools > 0) return DataTypes.Boolean;
  const t = inferTextType(strings);
  return t.kind === 'date32' || t.kind === 'timestamp' ? t : DataTypes.String;
}

function jsonCell(type: DataType, v: unknown, column: string, line: number, path: string): unknown {
  if (v === null || v === undefined) return null;
  if (type.kind === 'utf8') return typeof v === 'string' ? v : JSON.stringify(v);
  if (typeof v === 'string') return parseTextCell(type, v, column, line, path);
  if (typeof v === 'number' || typeof v === 'boolean') return parseTextCell(type, String(v), column, line, path);
  return parseTextCell(type, JSON.stringify(v), column, line, path);
}

function toBatch(rows: readonly { obj: Obj; line: number }[], schema: Schema, path: string): Batch {
  const columns: Column[] = [];
  try {
    for (const f of schema.fields) {
      columns.push(columnFromJs(f.type, rows.map((r) => jsonCell(f.type, r.obj[f.name], f.name, r.line, path)), f.name));
    }
  } catch (e) {
    for (const c of columns) c.release();
    throw e;
  }
  return new Batch(schema, columns, rows.length);
}

/** Writes batches (consumed) as JSON lines to `sink`; returns the rows written. */
export async function writeJsonl(batches: AsyncIterable<Batch>, schema: Schema, sink: Sink): Promise<number> {
  const keys = schema.names.map((n) => JSON.stringify(n) + ':');
  const exact = schema.fields.map((f) => f.type.kind === 'int64' || f.type.kind === 'decimal');
  return writeTextLines(batches, sink, '', (cols, r) => {
    let line = '{';
    for (let c = 0; c < cols.length; c++) {
      if (c > 0) line += ',';
      line += keys[c]! + jsonValue(cols[c]![r], exact[c]!);
    }
    return line + '}';
  });
}

function jsonValue(v: unknown, exactNumber: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (exactNumber && typeof v === 'string') return v; // decimal text is a valid JSON number
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  return JSON.stringify(v);
}
