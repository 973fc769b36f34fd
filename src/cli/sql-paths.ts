/**
 * DuckDB-style file references in the CLI's SQL: `SELECT ... FROM 'data/*.parquet'` (a quoted path
 * where a table name goes, after FROM or JOIN or a comma in a FROM list). Each distinct path is
 * registered as a temporary view over `spark.read.parquet(path)` and the quoted text is replaced by
 * the view's name padded with spaces to the same length, so line/column positions in syntax errors
 * still point into the user's text (and the messages are re-rendered with the original line).
 * Spark's own ``parquet.`path` `` syntax needs no rewriting.
 */
import { tokenize, type Token } from '../sql/lexer.js';
import { syntaxError } from '../sql/errors.js';
import { ParseError } from '../errors.js';
import type { SparkSession } from '../api/session.js';

/** A quoted path found in FROM position: its raw span in the text and the path. */
interface PathRef {
  readonly start: number;
  readonly end: number;
  readonly path: string;
}

const CLAUSES = new Set(['select', 'where', 'group', 'having', 'order', 'limit', 'union', 'intersect', 'except', 'window', 'sort', 'cluster', 'distribute', 'lateral']);

/** Finds quoted paths used as relations. Returns [] when the text does not tokenize (the engine reports that). */
export function findPathReferences(sql: string): PathRef[] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return [];
  }
  const out: PathRef[] = [];
  const inFrom: boolean[] = [false];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    const depth = inFrom.length - 1;
    if (t.kind === 'op' && t.text === '(') inFrom.push(false);
    else if (t.kind === 'op' && t.text === ')') {
      if (inFrom.length > 1) inFrom.pop();
    } else if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'from' || w === 'join') inFrom[depth] = true;
      else if (CLAUSES.has(w)) inFrom[depth] = false;
    } else if (t.kind === 'string' && prev) {
      const afterKeyword = prev.kind === 'word' && /^(from|join|describe)$/i.test(prev.text);
      const afterComma = prev.kind === 'op' && prev.text === ',' && inFrom[depth] === true;
      if ((afterKeyword || afterComma) && t.text !== '') out.push({ start: t.offset, end: rawEnd(sql, t.offset), path: t.text });
    }
  }
  return out;
}

/** Offset just after the string literal starting at `start` (same escapes as the lexer). */
function rawEnd(sql: string, start: number): number {
  const q = sql[start]!;
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === '\\') j += 2;
    else if (sql[j] === q) return j + 1;
    else j++;
  }
  return sql.length;
}

/** The rewritten statement and how to translate messages back. */
export interface PreparedSql {
  readonly text: string;
  /** View name -> the path it stands for. */
  readonly views: ReadonlyMap<string, string>;
}

/**
 * Registers a view per quoted path in `sql` (reading its Parquet footers) and returns the rewritten
 * text. Views are named `_k0`, `_k1`, ... (in the session's catalog, replaced on each call).
 */
export async function prepareSql(spark: SparkSession, sql: string): Promise<PreparedSql> {
  const refs = findPathReferences(sql);
  if (refs.length === 0) return { text: sql, views: new Map() };
  const byPath = new Map<string, string>();
  const views = new Map<string, string>();
  let text = '';
  let at = 0;
  for (const r of refs) {
    let name = byPath.get(r.path);
    if (!name) {
      name = `_k${byPath.size}`;
      byPath.set(r.path, name);
      views.set(name, r.path);
      (await spark.read.parquet(r.path)).createOrReplaceTempView(name);
    }
    text += sql.slice(at, r.start) + name.padEnd(r.end - r.start, ' ');
    at = r.end;
  }
  text += sql.slice(at);
  return { text, views };
}

/**
 * Translates an engine error about the rewritten text back to the user's text: syntax errors get
 * the original line under the caret; view names in messages become the quoted paths.
 */
export function translateSqlError(e: unknown, original: string, prepared: PreparedSql): unknown {
  if (prepared.views.size === 0 || !(e instanceof Error)) return e;
  if (e instanceof ParseError && e.position) {
    const m = /^syntax error at line \d+, column \d+: (.*)$/m.exec(e.message);
    if (m) {
      const { line, column } = e.position;
      let offset = 0;
      for (let l = 1; l < line; l++) offset = original.indexOf('\n', offset) + 1;
      return syntaxError(original, offset + column - 1, line, column, m[1]!.replace(/\b_k\d+\b/g, (v) => `'${prepared.views.get(v) ?? v}'`));
    }
  }
  const message = e.message.replace(/\b_k\d+\b/g, (v) => (prepared.views.has(v) ? `'${prepared.views.get(v)}'` : v));
  if (message !== e.message) {
    const copy = Object.create(Object.getPrototypeOf(e) as object) as Error;
    Object.assign(copy, e);
    Object.defineProperty(copy, 'message', { value: message, enumerable: false, writable: true, configurable: true });
    copy.stack = e.stack;
    return copy;
  }
  return e;
}
