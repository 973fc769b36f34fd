/**
 * Shared helpers of the end-to-end DataFrame suite (test/dataframe-*.test.ts): DuckDB as the oracle.
 *
 * - `setupEnv()` generates seeded random tables, inserts them into DuckDB from JS rows and has
 *   DuckDB write them to Parquet (so the input never depends on Kindling's writer). The same files
 *   are read by Kindling (`spark.read.parquet`) and by DuckDB (views over `read_parquet(...)`).
 * - `checkQuery(env, df, sql, opts)` runs the DataFrame and the SQL, converts DuckDB's values to
 *   Kindling's JavaScript representation (src/types/values.ts), and compares types, names and rows:
 *   order-insensitively unless `ordered`, exactly except for doubles (relative tolerance). It then
 *   re-runs the DataFrame with `spark.kindling.batchSize` 7 (and 1 for small inputs) and requires the
 *   same result.
 *
 * Spark semantics win where DuckDB differs: each test writes its SQL so that it computes Spark's
 * answer, and comments the difference.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuckDBInstance,
  type DuckDBConnection,
  DuckDBDecimalValue,
  DuckDBDateValue,
  DuckDBTimestampValue,
  DuckDBTimestampTZValue,
} from '@duckdb/node-api';
import { expect } from 'vitest';
import { SparkSession, type DataFrame, type Column, functions as F } from '../../src/index.js';
import type { ColumnOrLiteral } from '../../src/api/column.js';
import { typeToString } from '../../src/types/data-type.js';
import { formatDate, formatDecimal, columnToJs, type CellValue } from '../../src/types/values.js';
import { mulberry32 } from './random.js';

// ---- seeded randomness ------------------------------------------------------------------------

/** A seeded PRNG (mulberry32) with small helpers. */
export class Rng {
  private readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.rnd();
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One element of a list. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

// ---- data -------------------------------------------------------------------------------------

/** Keys of the skewed string key column `k` (besides 'hot', which holds half of the rows). */
export const KEYS: readonly string[] = [
  'a', 'b', 'c', 'Z', 'ab', 'é', 'É', 'naïve', '日本語', '🔥', 'emoji 🎉 mix', 'Ω', 'k_1', 'k%2', '', ' pad ',
  'a-much-longer-key-than-twenty-chars', ...Array.from({ length: 12 }, (_, i) => `k${i}`),
];

/** Values of the free-text column `s`: padding, multi-byte text, date and integer strings, LIKE metacharacters. */
export const STRINGS: readonly string[] = [
  'alpha', 'Beta', 'gamma ray', '  spaced  ', ' lead', 'trail ', 'é', 'Éclair', '日本語テキスト', '🔥🔥', 'mixed é 日 🔥',
  '2021-03-04', '1999-12-31', '1970-01-01', '2021-13-45', 'not a date', '42', '-7', ' 13 ', '', 'a_b', 'a%b', 'abcdefghijklmnopqrstuvwxyz',
];

/** The columns of `facts` with DuckDB's type, in order. */
export const FACT_COLUMNS: readonly (readonly [string, string])[] = [
  ['id', 'BIGINT'],
  ['k', 'VARCHAR'],
  ['g', 'INTEGER'],
  ['i', 'INTEGER'],
  ['l', 'BIGINT'],
  ['d', 'DOUBLE'],
  ['m', 'DECIMAL(15,2)'],
  ['dt', 'DATE'],
  ['ts', 'TIMESTAMP'],
  ['b', 'BOOLEAN'],
  ['s', 'VARCHAR'],
];

/** Number of rows of `facts`: three Parquet row groups of FACT_ROW_GROUP, FACT_ROW_GROUP and the rest. */
export const FACT_ROWS = 2400;
/** Rows per row group of `facts`. */
export const FACT_ROW_GROUP = 900;

type Raw = Record<string, unknown>;

function factRows(rng: Rng, n: number): Raw[] {
  const rows: Raw[] = [];
  const TWO53 = 2n ** 53n;
  for (let id = 0; rows.length < n; id++) {
    if (rows.length > 10 && rng.chance(0.03)) {
      rows.push({ ...rng.pick(rows) }); // an exact duplicate of an earlier row
      continue;
    }
    const r: Raw = { id: BigInt(id) };
    r.k = rng.chance(0.04) ? null : rng.chance(0.5) ? 'hot' : rng.pick(KEYS);
    r.g = rng.chance(0.05) ? null : rng.int(0, 9);
    r.i = rng.chance(0.05) ? null : rng.chance(0.1) ? 0 : rng.int(-1000, 1000);
    r.l = rng.chance(0.05)
      ? null
      : rng.chance(0.1)
        ? (rng.chance(0.5) ? 1n : -1n) * (TWO53 + BigInt(rng.int(1, 999)))
        : BigInt(rng.int(-1_000_000, 1_000_000));
    const dr = rng.next();
    r.d =
      dr < 0.05 ? null
      : dr < 0.08 ? NaN
      : dr < 0.11 ? -0
      : dr < 0.14 ? 0
      : dr < 0.145 ? Infinity
      : dr < 0.15 ? -Infinity
      : dr < 0.2 ? 1.5
      : Math.round((rng.next() * 2000 - 1000) * 1000) / 1000;
    r.m = rng.chance(0.05)
      ? null
      : rng.chance(0.02)
        ? BigInt(rng.int(-99_999, 99_999)) * 1_000_000_000n + BigInt(rng.int(0, 999_999_999)) // up to ~1e12 units
        : BigInt(rng.int(-100_000_000, 100_000_000)); // cents, up to 1e6 units
    r.dt = rng.chance(0.05) ? null : rng.int(-3650, 22000);
    r.ts = rng.chance(0.05) ? null : BigInt(rng.int(-500_000_000, 2_000_000_000)) * 1_000_000n + BigInt(rng.int(0, 999_999));
    r.b = rng.chance(0.1) ? null : rng.chance(0.5);
    r.s = rng.chance(0.06) ? null : rng.pick(STRINGS);
    rows.push(r);
  }
  return rows;
}

/** A SQL literal of a JS value for a DuckDB type. */
export function sqlLiteral(v: unknown, type: string): string {
  if (v === null || v === undefined) return `NULL::${type}`;
  switch (type) {
    case 'VARCHAR':
      return `'${String(v).replace(/'/g, "''")}'`;
    case 'DOUBLE': {
      const x = v as number;
      if (Number.isNaN(x)) return `'NaN'::DOUBLE`;
      if (x === Infinity) return `'Infinity'::DOUBLE`;
      if (x === -Infinity) return `'-Infinity'::DOUBLE`;
      if (Object.is(x, -0)) return `'-0.0'::DOUBLE`;
      return `${x}::DOUBLE`;
    }
    case 'DECIMAL(15,2)':
      return `'${formatDecimal(v as bigint, 2)}'::DECIMAL(15,2)`;
    case 'DATE':
      return `'${formatDate(v as number)}'::DATE`;
    case 'TIMESTAMP':
      return `make_timestamp(${String(v)}::BIGINT)`;
    default:
      return `${String(v)}::${type}`;
  }
}

async function insertRows(db: DuckDBConnection, table: string, cols: readonly (readonly [string, string])[], rows: readonly Raw[]): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${table} (${cols.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows
      .slice(i, i + 500)
      .map((r) => `(${cols.map(([n, t]) => sqlLiteral(r[n], t)).join(', ')})`)
      .join(',\n');
    await db.run(`INSERT INTO ${table} VALUES ${values}`);
  }
}

/** The columns of `dims` (the small join side). */
export const DIM_COLUMNS: readonly (readonly [string, string])[] = [
  ['k', 'VARCHAR'],
  ['g', 'INTEGER'],
  ['label', 'VARCHAR'],
  ['w', 'DOUBLE'],
];

function dimRows(rng: Rng): Raw[] {
  const keys = ['hot', 'hot', ...KEYS.filter(() => rng.chance(0.7)), 'é', 'missing-1', 'missing-日本', null, null];
  return keys.map((k, i) => ({
    k,
    g: rng.chance(0.1) ? null : rng.int(0, 12),
    label: rng.chance(0.1) ? null : rng.pick(['L', 'Ł', '標', '🎯']) + String(i),
    w: rng.chance(0.1) ? null : rng.chance(0.1) ? NaN : Math.round(rng.next() * 100_000) / 100,
  }));
}

/** Everything a test file needs. */
export interface Env {
  readonly spark: SparkSession;
  readonly db: DuckDBConnection;
  readonly instance: DuckDBInstance;
  /** A fresh temporary directory (removed by teardownEnv). */
  readonly dir: string;
  /** Parquet paths: facts (3 row groups), dims, empty (facts' schema, no rows), small (15 rows of facts in 3 files of a directory). */
  readonly paths: { facts: string; dims: string; empty: string; small: string };
  /** The DataFrame of a table, read from its Parquet path by Kindling. */
  read(name: keyof Env['paths']): Promise<DataFrame>;
}

/** setupEnv(), then the Kindling temp views `names`, each read from its table's Parquet path. */
export async function setupEnvWithViews(...names: (keyof Env['paths'])[]): Promise<Env> {
  const env = await setupEnv();
  for (const name of names) (await env.read(name)).createOrReplaceTempView(name);
  return env;
}

/**
 * Creates the DuckDB oracle, writes the tables as Parquet with DuckDB, and returns a Kindling session.
 * DuckDB views `facts`, `dims`, `empty`, `small` read the same files through `read_parquet`.
 */
export async function setupEnv(seed = 20240611): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-df-'));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run(`SET threads = 1`);
  await db.run(`SET TimeZone = 'UTC'`);
  const rng = new Rng(seed);
  await insertRows(db, 'facts_src', FACT_COLUMNS, factRows(rng, FACT_ROWS));
  await insertRows(db, 'dims_src', DIM_COLUMNS, dimRows(rng));
  const paths = {
    facts: join(dir, 'facts.parquet'),
    dims: join(dir, 'dims.parquet'),
    empty: join(dir, 'empty.parquet'),
    small: join(dir, 'small'),
  };
  // DuckDB flushes a row group only at a data-chunk boundary (2048 rows) unless each UNION ALL
  // branch ends one: three branches give three row groups, in row order (threads = 1).
  const g = FACT_ROW_GROUP;
  await db.run(
    `COPY (SELECT * FROM facts_src WHERE rowid < ${g} UNION ALL SELECT * FROM facts_src WHERE rowid >= ${g} AND rowid < ${2 * g} ` +
      `UNION ALL SELECT * FROM facts_src WHERE rowid >= ${2 * g}) TO '${paths.facts}' (FORMAT parquet, ROW_GROUP_SIZE ${g})`,
  );
  const groups = await db.runAndReadAll(`SELECT DISTINCT row_group_id FROM parquet_metadata('${paths.facts}')`);
  if (groups.getRows().length !== 3) throw new Error(`facts.parquet has ${groups.getRows().length} row groups, expected 3`);
  await db.run(`COPY (SELECT * FROM dims_src) TO '${paths.dims}' (FORMAT parquet)`);
  await db.run(`COPY (SELECT * FROM facts_src LIMIT 0) TO '${paths.empty}' (FORMAT parquet)`);
  // `small`: 15 rows with special values (NaN, -0.0, nulls), over three files of one directory.
  await db.run(`CREATE TABLE small_src AS SELECT *, row_number() OVER () AS _rn FROM (
    SELECT * FROM (SELECT * FROM facts_src WHERE rowid < 9 ORDER BY rowid)
    UNION ALL SELECT * FROM (SELECT * FROM facts_src WHERE (d IS NULL OR isnan(d) OR d = 0 OR k IS NULL) AND rowid >= 9 ORDER BY rowid LIMIT 6))`);
  mkdirSync(paths.small, { recursive: true });
  for (let p = 0; p < 3; p++) {
    await db.run(
      `COPY (SELECT * EXCLUDE (_rn) FROM small_src WHERE _rn % 3 = ${p} ORDER BY _rn) TO '${join(paths.small, `part-${p}.parquet`)}' (FORMAT parquet)`,
    );
  }
  await db.run(`CREATE VIEW facts AS SELECT * FROM read_parquet('${paths.facts}')`);
  await db.run(`CREATE VIEW dims AS SELECT * FROM read_parquet('${paths.dims}')`);
  await db.run(`CREATE VIEW empty AS SELECT * FROM read_parquet('${paths.empty}')`);
  await db.run(`CREATE VIEW small AS SELECT * FROM read_parquet('${join(paths.small, '*.parquet')}')`);
  const spark = SparkSession.builder.master('local[*]').appName('dataframe-tests').getOrCreate();
  spark.conf.set('spark.kindling.batchSize', DEFAULT_BATCH);
  return {
    spark,
    db,
    instance,
    dir,
    paths,
    read: (name) => spark.read.parquet(paths[name]),
  };
}

/** An Env and Kindling's DataFrame of each of its tables. */
export interface Tables {
  readonly env: Env;
  readonly facts: DataFrame;
  readonly dims: DataFrame;
  readonly small: DataFrame;
  readonly empty: DataFrame;
}

/** setupEnv() and every table read by Kindling: the common beforeAll of the DataFrame suites. */
export async function setupTables(seed?: number): Promise<Tables> {
  const env = await setupEnv(seed);
  return { env, facts: await env.read('facts'), dims: await env.read('dims'), small: await env.read('small'), empty: await env.read('empty') };
}

/** Closes DuckDB and removes the temporary directory. */
export async function teardownEnv(env: Env | undefined): Promise<void> {
  if (!env) return;
  env.db.closeSync();
  env.instance.closeSync();
  rmSync(env.dir, { recursive: true, force: true });
}

/** The batch size the suite runs with first (the engine's default). */
export const DEFAULT_BATCH = 65_536;

// ---- results ----------------------------------------------------------------------------------

/** A query result: column names, Spark type names, and rows as arrays in column order. */
export interface Result {
  readonly names: string[];
  readonly types: string[];
  readonly rows: CellValue[][];
}

/** Spark's type name of a DuckDB type; HUGEINT and others Spark has not must be cast in the SQL. */
export function sparkTypeOfDuck(t: string): string {
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return `decimal(${dec[1]},${dec[2]})`;
  const map: Record<string, string> = {
    BOOLEAN: 'boolean',
    TINYINT: 'tinyint',
    SMALLINT: 'smallint',
    INTEGER: 'int',
    BIGINT: 'bigint',
    FLOAT: 'float',
    DOUBLE: 'double',
    VARCHAR: 'string',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamp',
    '"NULL"': 'void',
    NULL: 'void',
  };
  return map[t] ?? `<duckdb ${t}: cast it in the SQL>`;
}

/** Converts a DuckDB value to Kindling's JavaScript representation (see src/types/values.ts). */
export function fromDuck(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof DuckDBDecimalValue) return formatDecimal(v.value, v.scale);
  if (v instanceof DuckDBDateValue) return formatDate(v.days);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return new Date(Number(floorDiv(v.micros, 1000n)));
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  throw new Error(`fromDuck: unexpected DuckDB value ${String(v)} (${v?.constructor?.name})`);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Runs SQL on the oracle. */
export async function duckQuery(env: Env, sql: string): Promise<Result> {
  const r = await env.db.runAndReadAll(sql);
  return {
    names: r.columnNames(),
    types: r.columnTypes().map((t) => sparkTypeOfDuck(t.toString())),
    rows: r.getRows().map((row) => row.map(fromDuck)),
  };
}

/**
 * Runs a DataFrame with `collect()` (rows in column order). When output names repeat (a join on a
 * Column condition), row objects would collapse them, so the rows are read positionally instead.
 */
export async function runKindling(df: DataFrame): Promise<Result> {
  const names = df.columns;
  const types = df.schema.fields.map((f) => typeToString(f.type));
  const unique = new Set(names.map((n) => n)).size === names.length;
  if (unique) {
    const rows = await df.collect();
    return { names, types, rows: rows.map((r) => names.map((n) => r[n] ?? null)) };
  }
  const rows: CellValue[][] = [];
  for await (const batch of df.executeBatches()) {
    try {
      const cols = batch.columns.map(columnToJs);
      for (let r = 0; r < batch.numRows; r++) rows.push(cols.map((c) => c[r]!));
    } finally {
      batch.release();
    }
  }
  return { names, types, rows };
}

// ---- comparison -------------------------------------------------------------------------------

/** Tolerances for doubles. */
export interface Tolerance {
  readonly rel: number;
  readonly abs: number;
}

const DEFAULT_TOL: Tolerance = { rel: 1e-9, abs: 1e-9 };

/** Equality of two cells: exact for everything but numbers (NaN = NaN, -0 = 0, relative tolerance). */
export function cellsEqual(a: CellValue, b: CellValue, tol: Tolerance = DEFAULT_TOL): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
    return Math.abs(a - b) <= tol.abs + tol.rel * Math.max(Math.abs(a), Math.abs(b));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** A sort key of a cell: equal (or tolerance-equal, to 9 significant digits) cells get equal keys. */
function cellKey(v: CellValue): string {
  if (v === null) return '0';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '1NaN';
    return `1${v === 0 ? '0' : Number.isFinite(v) ? v.toPrecision(9) : String(v)}`;
  }
  if (typeof v === 'bigint') return `2${v}`;
  if (typeof v === 'boolean') return `3${v}`;
  if (v instanceof Date) return `4${v.getTime()}`;
  return `5${v}`;
}

/** Rows in a canonical order (by a per-row key computed once), for order-insensitive comparison. */
export function canonical(rows: readonly CellValue[][]): CellValue[][] {
  const keyed = rows.map((r) => ({ r, k: r.map(cellKey).join('\u0000') }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.r);
}

/** How a cell prints in a failure diff (doubles with 12 significant digits; types visible). */
export function showCell(v: CellValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? `${Object.is(v, -0) ? '-0' : v}` : v.toPrecision(12);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Asserts two row lists are equal in order (with the double tolerance), with a readable diff when not. */
export function expectRowsEqual(actual: readonly CellValue[][], expected: readonly CellValue[][], tol: Tolerance = DEFAULT_TOL, what = 'rows'): void {
  const same =
    actual.length === expected.length &&
    actual.every((r, i) => r.length === expected[i]!.length && r.every((c, j) => cellsEqual(c, expected[i]![j]!, tol)));
  if (same) return;
  const fmt = (rows: readonly CellValue[][]) => rows.map((r) => r.map(showCell).join(' | '));
  // Show only the neighbourhood of the first difference to keep failures readable.
  let first = 0;
  while (
    first < Math.min(actual.length, expected.length) &&
    actual[first]!.every((c, j) => cellsEqual(c, expected[first]![j]!, tol))
  )
    first++;
  const from = Math.max(0, first - 2);
  expect(
    { what, rowCount: actual.length, firstDifferenceAt: first, rows: fmt(actual.slice(from, first + 8)) },
    `${what} differ`,
  ).toEqual({ what, rowCount: expected.length, firstDifferenceAt: first, rows: fmt(expected.slice(from, first + 8)) });
  // Equal as printed but not within tolerance (should not happen): fail plainly.
  throw new Error(`${what} differ at row ${first}`);
}

/** Options of checkQuery. */
export interface CheckOptions {
  /**
   * The query orders its result. `true`: the full rows must come in DuckDB's order (use when the
   * sort keys determine every column). A list of column indices: those key columns must come in
   * DuckDB's order row by row, and the rows as a whole must be the same multiset (ties may differ).
   */
  readonly ordered?: boolean | readonly number[];
  /** Also run with batch size 1 (for small inputs). */
  readonly small?: boolean;
  /** Double tolerance. */
  readonly tol?: Tolerance;
  /** Expected output names when they differ from DuckDB's (e.g. Spark's generated names). */
  readonly names?: readonly string[];
  /** Expected Spark types when DuckDB cannot produce them (e.g. decimals of a precision it widens). */
  readonly types?: readonly string[];
}

/** Compares a Kindling result with the expected (DuckDB) result under `opts`. */
export function compareResults(actual: Result, expected: Result, opts: CheckOptions, what: string): void {
  expect(actual.names, `${what}: column names`).toEqual(opts.names ? [...opts.names] : expected.names);
  expect(actual.types, `${what}: column types`).toEqual(opts.types ? [...opts.types] : expected.types);
  const tol = opts.tol ?? DEFAULT_TOL;
  if (opts.ordered === true) {
    expectRowsEqual(actual.rows, expected.rows, tol, `${what}: ordered rows`);
    return;
  }
  if (Array.isArray(opts.ordered)) {
    const keys = opts.ordered as readonly number[];
    const proj = (rows: readonly CellValue[][]) => rows.map((r) => keys.map((k) => r[k]!));
    expectRowsEqual(proj(actual.rows), proj(expected.rows), tol, `${what}: sort keys in order`);
  }
  expectRowsEqual(canonical(actual.rows), canonical(expected.rows), tol, `${what}: rows (any order)`);
}

/** Runs `fn` with `spark.kindling.batchSize` set to `size`, restoring the default afterwards. */
export async function withBatchSize<T>(env: Env, size: number, fn: () => Promise<T>): Promise<T> {
  env.spark.conf.set('spark.kindling.batchSize', size);
  try {
    return await fn();
  } finally {
    env.spark.conf.set('spark.kindling.batchSize', DEFAULT_BATCH);
  }
}

/**
 * The oracle check: the DataFrame's result equals the SQL's (see CheckOptions), and stays the same
 * with batch size 7 (and 1 when `small`). Returns Kindling's result for further assertions.
 */
export async function checkQuery(env: Env, df: DataFrame, sql: string, opts: CheckOptions = {}): Promise<Result> {
  const expected = await duckQuery(env, sql);
  const actual = await runKindling(df);
  compareResults(actual, expected, opts, 'kindling vs duckdb');
  for (const size of opts.small ? [7, 1] : [7]) {
    const again = await withBatchSize(env, size, () => runKindling(df));
    // Identical to the first run; doubles may differ only by summation order inside an aggregate.
    compareResults(again, actual, { ...opts, names: undefined, types: undefined, tol: { rel: 1e-12, abs: 1e-12 } }, `batchSize ${size} vs default`);
  }
  return actual;
}

/** Asserts the DataFrame's result equals literal expected rows (for answers DuckDB cannot give). */
export async function checkRows(env: Env, df: DataFrame, expected: Result, opts: CheckOptions = {}): Promise<Result> {
  const actual = await runKindling(df);
  compareResults(actual, expected, opts, 'kindling vs expected');
  const again = await withBatchSize(env, 7, () => runKindling(df));
  compareResults(again, actual, { ...opts, names: undefined, types: undefined }, 'batchSize 7 vs default');
  return actual;
}

// ---- random queries ---------------------------------------------------------------------------

/** A random predicate over `facts` as a Kindling Column and the equivalent DuckDB SQL. */
export function randomPredicate(rng: Rng, depth = 2): { col: Column; sql: string } {
  if (depth > 0 && rng.chance(0.45)) {
    const a = randomPredicate(rng, depth - 1);
    const r = rng.next();
    if (r < 0.15) return { col: a.col.not(), sql: `(NOT ${a.sql})` };
    const b = randomPredicate(rng, depth - 1);
    return r < 0.6 ? { col: a.col.and(b.col), sql: `(${a.sql} AND ${b.sql})` } : { col: a.col.or(b.col), sql: `(${a.sql} OR ${b.sql})` };
  }
  const [name, type] = rng.pick(FACT_COLUMNS.filter(([n]) => n !== 'id'));
  const value = (): { js: ColumnOrLiteral; sql: string } => {
    switch (type) {
      case 'INTEGER': {
        const v = name === 'g' ? rng.int(0, 9) : rng.int(-1000, 1000);
        return { js: v, sql: String(v) };
      }
      case 'BIGINT': {
        const v = rng.chance(0.3) ? (rng.chance(0.5) ? 1n : -1n) * (2n ** 53n + BigInt(rng.int(0, 999))) : BigInt(rng.int(-1_000_000, 1_000_000));
        return { js: v, sql: String(v) };
      }
      case 'DOUBLE': {
        const v = rng.chance(0.1) ? NaN : rng.chance(0.1) ? 1.5 : Math.round((rng.next() * 2000 - 1000) * 10) / 10;
        return { js: v, sql: sqlLiteral(v, 'DOUBLE') };
      }
      case 'DECIMAL(15,2)': {
        const v = formatDecimal(BigInt(rng.int(-100_000_000, 100_000_000)), 2);
        return { js: v, sql: v }; // Spark compares string with decimal as double
      }
      case 'DATE': {
        const v = formatDate(rng.int(-3650, 22000));
        return { js: v, sql: `DATE '${v}'` };
      }
      case 'TIMESTAMP': {
        const ms = rng.int(-500_000_000, 2_000_000_000) * 1000;
        const d = new Date(ms);
        return { js: d, sql: `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'` };
      }
      case 'BOOLEAN': {
        const v = rng.chance(0.5);
        return { js: v, sql: String(v) };
      }
      default: {
        const v = rng.pick(name === 'k' ? [...KEYS, 'hot'] : STRINGS);
        return { js: v, sql: sqlLiteral(v, 'VARCHAR') };
      }
    }
  };
  const c = F.col(name);
  const r = rng.next();
  if (r < 0.08) return { col: c.isNull(), sql: `(${name} IS NULL)` };
  if (r < 0.16) return { col: c.isNotNull(), sql: `(${name} IS NOT NULL)` };
  if (r < 0.28) {
    const vs = [value(), value(), value()];
    const withNull = rng.chance(0.3);
    return {
      col: c.isin(...vs.map((v) => v.js), ...(withNull ? [null] : [])),
      sql: `(${name} IN (${[...vs.map((v) => v.sql), ...(withNull ? ['NULL'] : [])].join(', ')}))`,
    };
  }
  if (r < 0.36 && type !== 'BOOLEAN') {
    const a = value();
    const b = value();
    return { col: c.between(a.js, b.js), sql: `(${name} BETWEEN ${a.sql} AND ${b.sql})` };
  }
  const ops = [['gt', '>'], ['geq', '>='], ['lt', '<'], ['leq', '<='], ['eq', '='], ['notEqual', '<>'], ['eqNullSafe', 'IS NOT DISTINCT FROM']] as const;
  const [m, op] = rng.pick(ops);
  const v = value();
  return { col: c[m](v.js), sql: `(${name} ${op} ${v.sql})` };
}
