/**
 * Cell-level conversions of the CLI's text formats (CSV, JSON lines): type inference over a
 * sample of text values, parsing text into the JavaScript values `columnFromJs` accepts, and
 * rendering columns as text. This is the row boundary of the engine (like values.ts): per-row
 * JavaScript is expected here and nowhere else.
 */
import { type DataType, DataTypes, typeToString } from '../../types/data-type.js';
import type { Column } from '../../types/column.js';
import { columnToJs } from '../../types/values.js';
import { runtime } from '../../wasm/runtime.js';
import { CliError, ExitCode } from '../exit-codes.js';

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:NaN|Infinity|inf)$/i;
const BOOL_RE = /^(?:true|false)$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const INT32_MAX = 2147483647n;
const INT64_MAX = 9223372036854775807n;

/**
 * The narrowest type that holds every non-null text value of a sample, in the order Spark's CSV
 * inference tries: int, bigint, double, boolean, date, timestamp, string. No values -> string.
 */
export function inferTextType(values: Iterable<string | null>): DataType {
  let int = true;
  let big = true;
  let dbl = true;
  let bool = true;
  let date = true;
  let ts = true;
  let any = false;
  for (const v of values) {
    if (v === null) continue;
    any = true;
    const s = v.trim();
    if (int && !(INT_RE.test(s) && absBig(s) <= INT32_MAX)) int = false;
    if (big && !(INT_RE.test(s) && absBig(s) <= INT64_MAX)) big = false;
    if (dbl && !FLOAT_RE.test(s)) dbl = false;
    if (bool && !BOOL_RE.test(s)) bool = false;
    if (date && parseDateDays(s) === null) date = false;
    if (ts && parseTimestampMicros(s) === null) ts = false;
    if (!int && !big && !dbl && !bool && !date && !ts) return DataTypes.String;
  }
  if (!any) return DataTypes.String;
  if (int) return DataTypes.Integer;
  if (big) return DataTypes.Long;
  if (dbl) return DataTypes.Double;
  if (bool) return DataTypes.Boolean;
  if (date) return DataTypes.Date;
  if (ts) return DataTypes.Timestamp;
  return DataTypes.String;
}

function absBig(s: string): bigint {
  const b = BigInt(s);
  return b < 0n ? -b - 1n : b; // -2^31 and -2^63 still fit
}

/** 'YYYY-MM-DD' -> days since epoch, or null when not a valid date. */
export function parseDateDays(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null;
  return Math.floor(ms / 86_400_000);
}

/**
 * ISO-8601 timestamps (`2024-01-31T10:00:00.123456Z`, a space instead of T, optional seconds,
 * fraction up to 9 digits kept to microseconds, optional zone; no zone means UTC) and plain dates
 * (midnight UTC) -> microseconds since epoch, or null when the text is not a timestamp.
 */
export function parseTimestampMicros(s: string): bigint | null {
  const days = parseDateDays(s);
  if (days !== null) return BigInt(days) * 86_400_000_000n;
  const m = TS_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  if (parseDateDays(`${y}-${mo}-${d}`) === null || Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59) return null;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0));
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    ms += z[1] === '+' ? -offset : offset;
  }
  const micros = BigInt((frac ?? '').padEnd(6, '0').slice(0, 6) || '0');
  return BigInt(ms) * 1000n + micros;
}

/** Microseconds since epoch -> `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (fraction without trailing zeros). */
export function formatTimestampMicros(micros: bigint): string {
  let secs = micros / 1_000_000n;
  let frac = micros % 1_000_000n;
  if (frac < 0n) {
    frac += 1_000_000n;
    secs -= 1n;
  }
  const iso = new Date(Number(secs) * 1000).toISOString().replace(/\.000Z$/, '');
  return frac === 0n ? `${iso}Z` : `${iso}.${frac.toString().padStart(6, '0').replace(/0+$/, '')}Z`;
}

/**
 * Parses one text cell into what `columnFromJs(type, ...)` accepts; null stays null. Raises a
 * CliError (invalid input, exit 4) naming the column and the row when the text does not fit.
 */
export function parseTextCell(type: DataType, s: string, column: string, row: number, source: string): unknown {
  const bad = (): CliError =>
    new CliError(
      `${source}: row ${row}, column '${column}': '${s.length > 40 ? s.slice(0, 40) + '...' : s}' is not a ${typeToString(type)} value ` +
        `(the type was inferred from a sample; pass --schema to set it)`,
      ExitCode.InvalidInput,
    );
  const t = s.trim();
  switch (type.kind) {
    case 'utf8':
      return s;
    case 'int8':
    case 'int16':
    case 'int32': {
      if (!INT_RE.test(t)) throw bad();
      const n = Number(t);
      const lim = type.kind === 'int8' ? 128 : type.kind === 'int16' ? 32768 : 2147483648;
      if (n < -lim || n >= lim) throw bad();
      return n;
    }
    case 'int64': {
      if (!INT_RE.test(t) || absBig(t) > INT64_MAX) throw bad();
      return BigInt(t);
    }
    case 'float32':
    case 'float64': {
      if (!FLOAT_RE.test(t)) throw bad();
      if (/inf/i.test(t) && !/infinity/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
      return Number(t);
    }
    case 'decimal':
      if (!/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(t)) throw bad();
      return t;
    case 'boolean':
      if (!BOOL_RE.test(t)) throw bad();
      return t.toLowerCase() === 'true';
    case 'date32': {
      if (parseDateDays(t) === null) throw bad();
      return t;
    }
    case 'timestamp': {
      const v = parseTimestampMicros(t);
      if (v === null) throw bad();
      return v;
    }
    case 'null':
      return null;
  }
}

/**
 * A column as JavaScript values for the text writers: like `columnToJs`, except timestamps, which
 * come back as exact ISO-8601 text with microseconds (columnToJs keeps milliseconds only).
 */
export function columnCells(c: Column): unknown[] {
  if (c.type.kind !== 'timestamp') return columnToJs(c);
  const mem = runtime().memory;
  const values = new BigInt64Array(mem.u8(c.valuesPtr, c.length * 8).slice().buffer);
  const valid = c.validity && c.nullCount > 0 ? mem.u8(c.validityPtr, c.length).slice() : null;
  const out = new Array<unknown>(c.length);
  for (let i = 0; i < c.length; i++) out[i] = !valid || valid[i] ? formatTimestampMicros(values[i]!) : null;
  return out;
}
