import type { Schema } from '../types/schema.js';
import type { CellValue } from '../types/values.js';

/**
 * Spark's `show()` layout: a +---+ bordered table, right-aligned cells, `NULL` for nulls, strings
 * cut to `truncate` characters (ending in "...") when truncate > 0, and a footer when rows were left out.
 * `rows` hold each row's cells by position (the caller renders them as Spark does, by a cast to string).
 */
export function formatShow(schema: Schema, rows: readonly (readonly CellValue[])[], more: boolean, truncate: number): string {
  const names = schema.names;
  const cells = rows.map((r) => names.map((_, i) => cut(cellText(r[i] ?? null), truncate)));
  const header = names.map((n) => cut(n, truncate));
  const widths = header.map((h, i) => Math.max(3, width(h), ...cells.map((c) => width(c[i]!))));
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const fmt = (vals: string[]) =>
    `|${vals.map((v, i) => (truncate > 0 ? pad(v, widths[i]!, true) : pad(v, widths[i]!, false))).join('|')}|`;
  const out = [line, fmt(header), line, ...cells.map(fmt), line];
  if (more) out.push(`only showing top ${rows.length} row${rows.length === 1 ? '' : 's'}`);
  return out.join('\n') + '\n';
}

/** How a value prints in show(). */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return 'NULL';
  // nested values as Spark's show prints them: [1, 2], {1 -> a, 2 -> b}, {1, a} for structs
  if (Array.isArray(v)) return `[${v.map((e) => cellText(e as CellValue)).join(', ')}]`;
  if (v instanceof Map) return `{${[...v.entries()].map(([k, x]) => `${cellText(k as CellValue)} -> ${cellText(x as CellValue)}`).join(', ')}}`;
  if (typeof v === 'object' && !(v instanceof Date)) return `{${Object.values(v).map((x) => cellText(x as CellValue)).join(', ')}}`;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  return String(v);
}

function cut(s: string, truncate: number): string {
  if (truncate <= 0 || s.length <= truncate) return s; // Spark compares the UTF-16 length
  const chars = [...s];
  return truncate < 4 ? chars.slice(0, truncate).join('') : `${chars.slice(0, truncate - 3).join('')}...`;
}

/** East Asian full-width characters, which Spark counts as two columns (Utils.fullWidthRegex). */
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** Display width as Spark's Utils.stringHalfWidth computes it: UTF-16 length plus one per full-width character. */
function width(s: string): number {
  return s.length + (s.match(FULL_WIDTH)?.length ?? 0);
}

function pad(s: string, w: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return left ? fill + s : s + fill;
}
