/**
 * The common interface of the engines of the multi-engine runner (bench/runner.ts), and the shape of a
 * benchmark query. Every engine reads the same Parquet files; `load` is timed apart from `run`.
 */
import type * as pl from 'nodejs-polars';
import type { ColumnTable } from 'arquero';
import type { DataFrame } from '../../src/index.js';

/** One result row: values by position (column names are not compared). */
export type Row = unknown[];

/** Table name -> absolute path of its Parquet file. */
export type TablePaths = Readonly<Record<string, string>>;

/** Names of the engines the runner knows, in report order. */
export const ENGINE_NAMES = ['kindling', 'kindling-df', 'kindling-parquet', 'duckdb', 'duckdb-wasm', 'polars', 'arquero', 'spark'] as const;

/** An engine name. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** A DataFrame-API implementation of a query for nodejs-polars (tables loaded eagerly; returns a lazy plan). */
export type PolarsImpl = (t: Record<string, pl.DataFrame>) => pl.LazyDataFrame;
/** An implementation for Arquero. */
export type ArqueroImpl = (t: Record<string, ColumnTable>) => ColumnTable;
/** An implementation with Kindling's DataFrame API. */
export type KindlingImpl = (t: Record<string, DataFrame>) => DataFrame;

/**
 * One query of a suite. SQL engines run `sql` (or their own variant in `sqlFor`); DataFrame engines run
 * their implementation, and an engine with neither reports the query as n/a. When `summary` is set, the
 * answer of every engine is the checksum row `count(*), sum(c) for c in summary` over the query's result
 * (the db-benchmark's way: large results are materialised and checksummed, not transferred to JS).
 */
export interface BenchQuery {
  /** Short id, e.g. 'q1'. */
  readonly id: string;
  /** One line describing the query. */
  readonly title: string;
  /** Query text for SQL engines (DuckDB and Spark SQL dialects alike), null if none. */
  readonly sql: string | null;
  /** Engine-specific SQL text (e.g. Spark's `percentile_approx`); null marks the query n/a there. */
  readonly sqlFor?: Partial<Record<EngineName, string | null>>;
  /** Whether row order is part of the answer (top-level ORDER BY that fixes the order). */
  readonly ordered: boolean;
  /**
   * When set (and `ordered` is false): the answer is compared as a multiset of rows, and these columns
   * must also appear in the oracle's order (an ORDER BY whose ties may be broken differently).
   */
  readonly orderKeys?: readonly number[];
  /** Columns summed in the checksum answer (see above); undefined: the answer is all rows. */
  readonly summary?: readonly string[];
  readonly polars?: PolarsImpl;
  readonly arquero?: ArqueroImpl;
  readonly kindlingDf?: KindlingImpl;
}

/** Raised by `Engine.run` for a query the engine has no implementation of (reported as n/a). */
export class NotApplicableError extends Error {
  override readonly name = 'NotApplicableError';
}

/** An engine under test. One instance per suite run; `close` releases everything. */
export interface Engine {
  /** The engine's name in reports. */
  readonly name: EngineName;
  /** A note printed under the report (how it loads, threads, ...). */
  readonly note: string;
  /** Null when the engine can run here, else why not (it is then skipped with this note). */
  available(): Promise<string | null>;
  /** The engine's version string (after `available`). */
  version(): string;
  /** Loads (or registers) the tables; returns the load time in milliseconds. */
  load(tables: TablePaths): Promise<number>;
  /** Runs one query to completion and returns its answer rows (see BenchQuery.summary). */
  run(query: BenchQuery): Promise<Row[]>;
  /** Releases the engine's resources. */
  close(): Promise<void>;
}

/** Options the engines are created with. */
export interface EngineOptions {
  /** Threads for engines that take a thread count (DuckDB, Spark's local[N], Polars via env at start). */
  readonly threads: number;
}

/** The SQL text an engine runs for `q`, or null when the query has none for it. */
export function sqlOf(q: BenchQuery, engine: EngineName): string | null {
  const own = q.sqlFor?.[engine];
  if (own !== undefined) return own;
  return q.sql;
}

/** Wraps a query's SQL in the checksum query when it has a summary. */
export function summarySql(q: BenchQuery, sql: string): string {
  if (!q.summary) return sql;
  const body = sql.trim().replace(/;\s*$/, '');
  const sums = q.summary.map((c) => `sum(${c}) AS ${c}`);
  return `SELECT count(*) AS n${sums.length ? ', ' + sums.join(', ') : ''} FROM (${body}) AS ans`;
}

/** Loads every table with `loadOne` in turn and returns the milliseconds it took (an Engine's load). */
export async function timedLoad(tables: TablePaths, loadOne: (name: string, path: string) => Promise<void> | void): Promise<number> {
  const t0 = performance.now();
  for (const [name, path] of Object.entries(tables)) await loadOne(name, path);
  return performance.now() - t0;
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
  return m.split('\n')[0]!.slice(0, 300);
}
