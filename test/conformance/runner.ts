/**
 * Runs one Spark SQL golden file pair (inputs/X.sql, results/X.sql.out) through Kindling and
 * compares every statement's result with the block of the same SQL text (inputs and results may
 * come from different Spark commits, so blocks are matched by text, not by position).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SparkSession, RuntimeConfig, parseSchemaDDL, AnalysisError, ParseError, ExecutionError } from '../../src/index.js';
import type { DataFrame } from '../../src/index.js';
import { columnToJs, type CellValue } from '../../src/types/values.js';
import { typeToString } from '../../src/types/data-type.js';
import { type GoldenBlock, parseGolden, splitStatements, sqlKey } from './golden.js';
import { formatRow, formatSchema } from './format.js';
import { registerHarnessTables } from './tables.js';

/** How one statement ended. */
export type Outcome =
  | 'pass' // schema and rows equal
  | 'pass-error-match' // Spark and Kindling both failed with the same kind of error (parse / analysis / runtime)
  | 'pass-error' // Spark and Kindling both failed; the kinds differ or cannot be mapped
  | 'fail'
  | 'not-runnable';

/** The result of one statement. */
export interface StatementResult {
  readonly sql: string;
  readonly outcome: Outcome;
  /** For failures: the first difference or Kindling's error; for not-runnable: why. */
  readonly reason?: string;
  /** For failures: a coarse class of the reason, used to rank the main causes. */
  readonly category?: string;
}

/** The results of one file. */
export interface FileResult {
  readonly file: string;
  readonly statements: readonly StatementResult[];
}

/** Where the golden files live: `<repo>/../shared/conformance/spark-sql`. */
export function goldenRoot(repoRoot: string): string {
  return path.join(repoRoot, '..', 'shared', 'conformance', 'spark-sql');
}

type ErrorKind = 'parse' | 'analysis' | 'runtime';

function sparkErrorKind(exceptionClass: string): ErrorKind {
  if (/ParseException$/.test(exceptionClass)) return 'parse';
  if (/AnalysisException$/.test(exceptionClass)) return 'analysis';
  return 'runtime';
}

function kindlingErrorKind(e: unknown): ErrorKind | undefined {
  if (e instanceof ParseError) return 'parse';
  if (e instanceof AnalysisError) return 'analysis';
  if (e instanceof ExecutionError) return 'runtime';
  return undefined;
}

function oneLine(s: string, max = 160): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A coarse class of an error, for ranking failure causes (identifiers and positions removed). */
function errorCategory(e: unknown, sql: string): string {
  const name = e instanceof Error ? e.constructor.name : 'Error';
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  if (e instanceof ParseError && /\bvalues\b/i.test(sql)) return 'ParseError in a statement with an inline VALUES table (Kindling has no VALUES relation)';
  if (/table or view '.*' not found/.test(first)) return `${name}: table or view not found (often a failed setup statement)`;
  const generic = first
    .replace(/^syntax error at line \d+, column \d+: /, 'syntax error: ')
    .replace(/'[^']*'/g, "'…'")
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\b\d+\b/g, 'N');
  return `${name}: ${oneLine(generic, 110)}`;
}

function schemaCategory(expected: string, actual: string): string {
  const fields = (s: string): string[] => s.replace(/^struct<|>$/g, '').split(',');
  const types = (s: string): string => fields(s).map((f) => f.slice(f.lastIndexOf(':') + 1)).join(',');
  if (fields(expected).length !== fields(actual).length) return 'schema: different number of columns';
  if (types(expected) !== types(actual)) return 'schema: column types differ';
  return 'schema: column names differ (Spark naming of expressions)';
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** True if the statement has an ORDER BY outside parentheses (the harness then keeps row order). */
export function hasTopLevelOrderBy(sql: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^order\s+by\b/i.test(sql.slice(i, i + 20)) && /\W/.test(sql[i - 1] ?? ' ')) return true;
  }
  return false;
}

/** Collects a DataFrame into golden output lines (by column position, so duplicate names work). */
async function collectLines(df: DataFrame): Promise<string[]> {
  const types = df.schema.fields.map((f) => f.type);
  const lines: string[] = [];
  for await (const batch of df.executeBatches()) {
    try {
      const cols: CellValue[][] = batch.columns.map((c) => columnToJs(c));
      for (let r = 0; r < batch.numRows; r++) lines.push(formatRow(cols.map((c) => c[r]!), types));
    } finally {
      batch.release();
    }
  }
  return lines;
}

/** The first difference between expected and actual output lines, or undefined when equal. */
function firstDifference(expected: readonly string[], actual: readonly string[]): string | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      const show = (s: string | undefined): string => (s === undefined ? '(no row)' : JSON.stringify(s));
      const count = expected.length !== actual.length ? ` (${expected.length} rows expected, ${actual.length} got)` : '';
      return `row ${i + 1}: expected ${show(expected[i])}, got ${show(actual[i])}${count}`;
    }
  }
  return undefined;
}

/**
 * Statements Kindling's SQL has no syntax for, run by the harness instead so later queries see
 * the same tables: `CREATE TABLE t (cols) USING fmt`, `INSERT INTO t VALUES ...` (the VALUES are
 * evaluated by Kindling), `DROP TABLE|VIEW [IF EXISTS] t`. They count as not runnable.
 */
class TableEmulator {
  private readonly tables = new Map<string, { ddl: string; rows: Record<string, CellValue>[] }>();

  constructor(private readonly spark: SparkSession) {}

  /** Handles the statement if it is one of the emulated forms; returns a not-runnable reason. */
  async tryRun(sql: string): Promise<string | undefined> {
    let m = /^create\s+table\s+(\w+)\s*\(([\s\S]*)\)\s*using\s+\w+$/i.exec(sql);
    if (m) {
      const name = m[1]!.toLowerCase();
      const ddl = m[2]!.trim();
      this.tables.set(name, { ddl, rows: [] });
      this.spark.createDataFrame([], parseSchemaDDL(ddl)).createOrReplaceTempView(name);
      return 'CREATE TABLE is emulated by the runner (Kindling has temporary views only)';
    }
    m = /^insert\s+into\s+(\w+)\s+(values\s*[\s\S]*)$/i.exec(sql);
    if (m && this.tables.has(m[1]!.toLowerCase())) {
      const name = m[1]!.toLowerCase();
      const t = this.tables.get(name)!;
      const schema = parseSchemaDDL(t.ddl);
      // one SELECT of casted expressions per tuple (Kindling's SQL has no VALUES relation)
      for (const tuple of splitTuples(m[2]!.replace(/^values\s*/i, ''))) {
        const exprs = splitTopLevel(tuple, ',');
        if (exprs.length !== schema.length) throw new Error(`INSERT INTO ${name}: ${exprs.length} values for ${schema.length} columns`);
        const casts = schema.fields.map((f, i) => `CAST(${exprs[i]} AS ${typeToString(f.type)}) AS ${f.name}`).join(', ');
        for (const row of await (await this.spark.sql(`SELECT ${casts}`)).collect()) t.rows.push(row);
      }
      this.spark.createDataFrame(t.rows, schema).createOrReplaceTempView(name);
      return 'INSERT INTO is emulated by the runner (the VALUES are evaluated by Kindling)';
    }
    m = /^drop\s+(table|view)\s+(if\s+exists\s+)?(\w+)$/i.exec(sql);
    if (m) {
      this.tables.delete(m[3]!.toLowerCase());
      this.spark.catalog.dropTempView(m[3]!);
      return 'DROP TABLE/VIEW is emulated by the runner';
    }
    return undefined;
  }
}

/** Splits `s` at `sep` outside parentheses and quotes; pieces trimmed. */
function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === sep && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `(1, 'a'), (2, 'b')` -> [`1, 'a'`, `2, 'b'`]. */
function splitTuples(s: string): string[] {
  return splitTopLevel(s, ',').map((t) => t.replace(/^\(([\s\S]*)\)$/, '$1'));
}

/** Runs `name` (e.g. `group-by` or `postgreSQL/join`) and returns every statement's result. */
export async function runGoldenFile(root: string, name: string): Promise<FileResult> {
  const input = readFileSync(path.join(root, 'inputs', `${name}.sql`), 'utf8');
  const blocks = parseGolden(readFileSync(path.join(root, 'results', `${name}.sql.out`), 'utf8'));
  const byKey = new Map<string, GoldenBlock[]>();
  for (const b of blocks) {
    const k = sqlKey(b.sql);
    byKey.set(k, [...(byKey.get(k) ?? []), b]);
  }
  const seen = new Map<string, number>();
  const master = process.env['KINDLING_CONFORMANCE_MASTER'] ?? 'local';
  const spark = new SparkSession(new RuntimeConfig(), `conformance-${name}`, master);
  if (process.env['KINDLING_CONFORMANCE_PARALLELISM']) spark.conf.set('spark.default.parallelism', process.env['KINDLING_CONFORMANCE_PARALLELISM']);
  registerHarnessTables(spark, input, path.join(root, 'test-data', 'postgresql'));
  const emulator = new TableEmulator(spark);
  const results: StatementResult[] = [];
  for (const stmt of splitStatements(input)) {
    const key = sqlKey(stmt.sql);
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    const candidates = byKey.get(key) ?? [];
    const golden = candidates[Math.min(nth, candidates.length - 1)];
    const notRunnable = (reason: string): void => void results.push({ sql: stmt.sql, outcome: 'not-runnable', reason });
    try {
      const emulated = await emulator.tryRun(stmt.sql);
      if (emulated) {
        notRunnable(emulated);
        continue;
      }
    } catch (e) {
      notRunnable(`emulation failed: ${oneLine(errorText(e))}`);
      continue;
    }
    if (/^set\s/i.test(stmt.sql)) {
      // Applied (later statements may depend on it, as in Spark) but not counted: there is nothing to compare.
      try {
        await spark.sql(stmt.sql);
        notRunnable('SET of session configuration (applied, not compared)');
      } catch (e) {
        notRunnable(`SET of session configuration failed: ${oneLine(errorText(e))}`);
      }
      continue;
    }
    let df: DataFrame | undefined;
    let lines: string[] | undefined;
    let failure: unknown;
    try {
      df = await spark.sql(stmt.sql);
      lines = await collectLines(df);
    } catch (e) {
      failure = e;
    }
    if (!golden) {
      notRunnable('no block with this SQL text in the result file (input and result differ)');
      continue;
    }
    if (golden.error) {
      if (failure === undefined) {
        results.push({ sql: stmt.sql, outcome: 'fail', reason: `expected ${golden.error.errorClass ?? golden.error.exceptionClass}, got a result`, category: 'expected an error, got a result' });
      } else {
        // an unknown table after a failed setup statement is no match for Spark's (other) analysis error
        const missingTable = /table or view '.*' not found/.test(errorText(failure)) && !/TABLE_OR_VIEW_NOT_FOUND|Table or view not found/.test(golden.error.message);
        const same = !missingTable && kindlingErrorKind(failure) === sparkErrorKind(golden.error.exceptionClass);
        results.push({ sql: stmt.sql, outcome: same ? 'pass-error-match' : 'pass-error' });
      }
      continue;
    }
    if (failure !== undefined) {
      results.push({ sql: stmt.sql, outcome: 'fail', reason: `error: ${oneLine(errorText(failure))}`, category: errorCategory(failure, stmt.sql) });
      continue;
    }
    const schema = formatSchema(df!.schema);
    // A command (CREATE VIEW ...) returns no result set: Spark prints struct<>, Kindling an empty schema.
    if (schema !== golden.schema) {
      results.push({ sql: stmt.sql, outcome: 'fail', reason: `schema: expected ${golden.schema}, got ${schema}`, category: schemaCategory(golden.schema, schema) });
      continue;
    }
    const ordered = hasTopLevelOrderBy(stmt.sql);
    const expected = ordered ? [...golden.output] : [...golden.output].sort();
    const actual = ordered ? lines! : [...lines!].sort();
    const diff = firstDifference(expected, actual);
    results.push(diff ? { sql: stmt.sql, outcome: 'fail', reason: diff, category: 'rows differ' } : { sql: stmt.sql, outcome: 'pass' });
  }
  return { file: name, statements: results };
}
