/**
 * Spark's golden-file text of result values (SQLQueryTestSuite prints `HiveResult.hiveResultString`):
 * NULL as `NULL`, doubles and floats like Java's `Double.toString` / `Float.toString`, decimals with
 * their scale, dates as `yyyy-MM-dd`, and the schema as `struct<name:type,...>`.
 */
import type { DataType } from '../../src/types/data-type.js';
import { typeToString } from '../../src/types/data-type.js';
import type { Schema } from '../../src/types/schema.js';
import { formatInterval } from '../../src/types/interval.js';
import type { CellValue } from '../../src/types/values.js';

/** `struct<a:int,b:string>` of a schema, as the `-- !query schema` line prints it. */
export function formatSchema(schema: Schema): string {
  return `struct<${schema.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
}

/** Shortest decimal digits that read back to `v` under `same` (JS gives them for doubles). */
function shortestDigits(v: number, same: (x: number) => boolean): string {
  for (let p = 1; p <= 17; p++) {
    const s = v.toPrecision(p);
    if (same(Number(s))) return Number(s).toExponential();
  }
  return v.toExponential();
}

/**
 * Java's `Double.toString` (or `Float.toString` with `float32`): `1.0`, `0.001`, `1.0E7`,
 * `1.234E-4`, `NaN`, `Infinity`, `-0.0`. Uses the shortest round-tripping digits (JDK 19+).
 */
export function javaFloatString(v: number, float32 = false): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const exp = float32 ? shortestDigits(v, (x) => Math.fround(x) === v) : v.toExponential();
  // exp is like "-1.2345e+7": mantissa digits and a decimal exponent
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? '');
  const e = Number(m[4]);
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    let intPart: string;
    let frac: string;
    if (e >= 0) {
      intPart = digits.slice(0, e + 1).padEnd(e + 1, '0');
      frac = digits.slice(e + 1);
    } else {
      intPart = '0';
      frac = '0'.repeat(-e - 1) + digits;
    }
    return `${sign}${intPart}.${frac || '0'}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${e}`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * A value inside an array, map or struct as HiveResult prints it: strings double-quoted, null as
 * `null`, arrays `[a,b]`, maps `{k:v}`, structs `{"name":v}`.
 */
function formatNested(v: unknown, type: DataType): string {
  if (v === null || v === undefined) return 'null';
  switch (type.kind) {
    case 'utf8':
      return `"${String(v)}"`;
    case 'array':
      return `[${(v as unknown[]).map((e) => formatNested(e, type.element)).join(',')}]`;
    case 'map':
      return `{${[...(v as Map<unknown, unknown>).entries()].map(([k, x]) => `${formatNested(k, type.key)}:${formatNested(x, type.value)}`).join(',')}}`;
    case 'struct':
      return `{${type.fields.map((f) => `"${f.name}":${formatNested((v as Record<string, unknown>)[f.name], f.type)}`).join(',')}}`;
    default:
      return formatValue(v as CellValue, type);
  }
}

/** One value as Spark's golden files print it. */
export function formatValue(v: CellValue, type: DataType): string {
  if (v === null || v === undefined) return 'NULL';
  switch (type.kind) {
    case 'array':
    case 'map':
    case 'struct':
      return formatNested(v, type);
    case 'interval_ym':
    case 'interval_dt':
      // HiveResult prints intervals in HIVE style: `1-2`, `12 20:04:00.000000000`
      return formatInterval(v as number | bigint, type, 'hive');
    case 'float32':
      return javaFloatString(Number(v), true);
    case 'float64':
      return javaFloatString(Number(v));
    case 'timestamp': {
      const d = v instanceof Date ? v : new Date(String(v));
      const s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      const ms = d.getUTCMilliseconds();
      return ms ? `${s}.${pad(ms, 3).replace(/0+$/, '')}` : s;
    }
    default:
      return String(v);
  }
}

/** A row as a golden output line: values separated by TAB. */
export function formatRow(values: readonly CellValue[], types: readonly DataType[]): string {
  return values.map((v, i) => formatValue(v, types[i]!)).join('\t');
}
