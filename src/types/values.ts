/**
 * Conversions between plain JavaScript values and columns, for createDataFrame, collect(), and
 * tests. This is the row boundary of the engine, never a hot path.
 *
 * JavaScript representation of each type (what `collect()` returns):
 * boolean -> boolean; int8/16/32, float32/64 -> number; int64 -> bigint (exact);
 * decimal -> string with exactly `scale` fractional digits (exact, e.g. "12.50");
 * utf8 -> string; date32 -> string 'YYYY-MM-DD'; timestamp -> JS Date (millisecond precision:
 * use toArrow() for microseconds); interval year to month -> number of months; interval day to
 * second -> bigint microseconds (src/types/interval.ts); null -> null.
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import { runtime } from '../wasm/runtime.js';
import { type DataType, isNestedType, typeToString } from './data-type.js';
import { type NestedValue, nestedColumnFromJs, nestedColumnToJs } from './nested-values.js';
import { Column } from './column.js';
import { Batch } from './batch.js';
import { Schema, field } from './schema.js';
import { columnFromArrow, columnToArrowData, toArrowType } from './arrow-interop.js';
import { isIntervalType } from './interval.js';
import { intervalColumnFromJs, intervalColumnToJs, intervalFromArrowValue } from './interval-columns.js';

/** A JavaScript value of a cell (nested types: arrays, Maps and plain objects, see nested-values.ts). */
export type CellValue = boolean | number | bigint | string | Date | null | NestedValue;

/** Builds a wasm-resident column from JavaScript values (see the module doc for accepted forms). */
export function columnFromJs(type: DataType, values: readonly unknown[], name = 'value'): Column {
  if (isNestedType(type)) return nestedColumnFromJs(type, values, name, columnFromJs);
  if (isIntervalType(type)) return intervalColumnFromJs(type, values, name);
  const converted = values.map((v, i) => toArrowValue(type, v, name, i));
  const vector =
    type.kind === 'timestamp'
      ? timestampVector(converted as (bigint | null)[])
      : arrow.vectorFromArray(converted, toArrowType(type) as arrow.DataType);
  return columnFromArrow(runtime(), field(name, type), vector);
}

function timestampVector(micros: readonly (bigint | null)[]): arrow.Vector {
  const data = new BigInt64Array(micros.length);
  const nullBitmap = new Uint8Array(Math.ceil(micros.length / 8));
  let nullCount = 0;
  micros.forEach((v, i) => {
    if (v === null) nullCount++;
    else {
      data[i] = v;
      nullBitmap[i >> 3]! |= 1 << (i & 7);
    }
  });
  const type = new arrow.TimestampMicrosecond();
  return new arrow.Vector([arrow.makeData({ type, length: micros.length, nullCount, nullBitmap, data })]);
}

/** Reads a column's values into JavaScript values. */
export function columnToJs(column: Column): CellValue[] {
  if (column.type.kind === 'null') return new Array<CellValue>(column.length).fill(null);
  if (isIntervalType(column.type)) return intervalColumnToJs(column as Column & { type: typeof column.type });
  if (isNestedType(column.type)) return nestedColumnToJs(column, columnToJs) as CellValue[];
  const data = columnToArrowData(column, toArrowType(column.type) as arrow.DataType);
  const vector = new arrow.Vector([data]);
  const out: CellValue[] = new Array(column.length);
  for (let i = 0; i < column.length; i++) out[i] = fromArrowValue(column.type, vector.get(i));
  return out;
}

/** Builds a batch from row objects keyed by field name. */
export function batchFromRows(schema: Schema, rows: readonly Record<string, unknown>[]): Batch {
  const columns: Column[] = [];
  for (const f of schema.fields) columns.push(columnFromJs(f.type, rows.map((r) => r[f.name] ?? null), f.name));
  return new Batch(schema, columns, rows.length);
}

/** Reads a batch into row objects keyed by field name. */
export function batchToRows(batch: Batch): Record<string, CellValue>[] {
  const cols = batch.columns.map(columnToJs);
  const names = batch.schema.names;
  const rows: Record<string, CellValue>[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row: Record<string, CellValue> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = cols[c]![r]!;
    rows[r] = row;
  }
  return rows;
}

/** Formats an unscaled decimal as text with `scale` fractional digits. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return neg ? `-${body}` : body;
}

/** Parses decimal text (or a number) to its unscaled value at `scale`, rounding half up. */
export function parseDecimal(value: string | number | bigint, scale: number): bigint {
  if (typeof value === 'bigint') return value * 10n ** BigInt(scale);
  const text = typeof value === 'number' ? value.toFixed(Math.min(scale + 2, 20)) : value.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new InvalidArgumentError(`'${value}' is not a decimal number`);
  const frac = (m[3] ?? '').padEnd(scale + 1, '0');
  let unscaled = BigInt((m[2] || '0') + frac.slice(0, scale));
  if (Number(frac[scale]) >= 5) unscaled += 1n;
  return m[1] === '-' ? -unscaled : unscaled;
}

/** Days since epoch -> 'YYYY-MM-DD'. */
export function formatDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' (or a Date) -> days since epoch. */
export function parseDate(value: string | Date): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(`${value.trim()}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`'${String(value)}' is not a date (expected YYYY-MM-DD)`);
  return Math.floor(ms / 86_400_000);
}

function toArrowValue(type: DataType, v: unknown, name: string, row: number): unknown {
  if (v === null || v === undefined) return null;
  const bad = () =>
    new InvalidArgumentError(`column '${name}', row ${row}: ${JSON.stringify(String(v))} (${typeof v}) is not a ${typeToString(type)} value`);
  switch (type.kind) {
    case 'boolean':
      if (typeof v !== 'boolean') throw bad();
      return v;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      throw bad();
    case 'int64':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      throw bad();
    case 'decimal': {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') throw bad();
      const u = parseDecimal(v, type.scale);
      // 128-bit two's complement words (low, high): exact for every precision up to 38.
      return new Uint32Array(BigInt64Array.from([BigInt.asIntN(64, u), u >> 64n]).buffer);
    }
    case 'utf8':
      if (typeof v !== 'string') throw bad();
      return v;
    case 'date32':
      if (typeof v !== 'string' && !(v instanceof Date)) throw bad();
      return new Date(parseDate(v) * 86_400_000);
    case 'timestamp':
      if (v instanceof Date) return BigInt(v.getTime()) * 1000n;
      if (typeof v === 'bigint') return v;
      if (typeof v === 'string') {
        const ms = Date.parse(v);
        if (Number.isNaN(ms)) throw bad();
        return BigInt(ms) * 1000n;
      }
      throw bad();
    case 'interval_ym':
    case 'interval_dt':
      // Arrow's IntervalYearMonth setter takes [years, months]; durations are bigints
      if (type.kind === 'interval_ym' && typeof v === 'number') return Int32Array.of(Math.trunc(v / 12), v % 12);
      if (typeof v === 'bigint' || typeof v === 'number') return type.kind === 'interval_dt' ? BigInt(v) : v;
      throw bad();
    case 'null':
      return null;
  }
}

function fromArrowValue(type: DataType, v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'decimal': {
      const words = v as Uint32Array;
      const w64 = new BigInt64Array(words.buffer, words.byteOffset, 2);
      return formatDecimal((w64[1]! << 64n) | BigInt.asUintN(64, w64[0]!), type.scale);
    }
    case 'date32':
      return formatDate(Math.floor(Number(v) / 86_400_000));
    case 'timestamp': {
      // Floor (not truncate) to milliseconds, so instants before 1970 do not move forward
      // (Arrow's get() gives fractional milliseconds; `new Date` would truncate them toward zero).
      if (typeof v !== 'bigint') return new Date(Math.floor(Number(v)));
      const ms = v / 1000n;
      return new Date(Number(v % 1000n < 0n ? ms - 1n : ms));
    }
    case 'int64':
      return v as bigint;
    case 'interval_ym':
    case 'interval_dt':
      return intervalFromArrowValue(type, v);
    default:
      return v as CellValue;
  }
}

/** Infers a schema from row objects: numbers -> double (int if all integral), bigint -> bigint, strings, booleans, Dates -> timestamp. */
export function inferSchema(rows: readonly Record<string, unknown>[]): Schema {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  return new Schema(
    names.map((n) => {
      let t: DataType | undefined;
      let allInt = true;
      for (const r of rows) {
        const v = r[n];
        if (v === null || v === undefined) continue;
        if (typeof v === 'number') {
          if (!Number.isInteger(v) || Math.abs(v) > 2147483647) allInt = false;
          t = { kind: 'float64' };
        } else if (typeof v === 'bigint') t = { kind: 'int64' };
        else if (typeof v === 'string') t = { kind: 'utf8' };
        else if (typeof v === 'boolean') t = { kind: 'boolean' };
        else if (v instanceof Date) t = { kind: 'timestamp' };
        else throw new InvalidArgumentError(`cannot infer a type for column '${n}' from value ${String(v)}; pass a schema`);
      }
      if (t?.kind === 'float64' && allInt) t = { kind: 'int64' };
      return field(n, t ?? { kind: 'null' }, true);
    }),
  );
}
