/**
 * DuckDB through @duckdb/node-api: the oracle of every answer, and an engine under test. Tables are
 * loaded with `CREATE TABLE t AS SELECT * FROM read_parquet(path)` (the load time); queries then run
 * in memory. `--threads` sets DuckDB's `threads`.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { type BenchQuery, type Engine, type EngineOptions, NotApplicableError, type Row, type TablePaths, sqlOf, summarySql, timedLoad } from './engine.js';

/** Quotes a string as a SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The DuckDB (node) engine. */
export class DuckDbEngine implements Engine {
  readonly name = 'duckdb' as const;
  readonly note: string;
  private instance: DuckDBInstance | null = null;
  private conn: DuckDBConnection | null = null;
  private ver = 'unknown';

  constructor(private readonly opts: EngineOptions) {
    this.note = `@duckdb/node-api, threads = ${opts.threads}; tables created from read_parquet (load), queries in memory; results read with getRowsJson`;
  }

  async available(): Promise<string | null> {
    try {
      this.instance = await DuckDBInstance.create(':memory:', { threads: String(this.opts.threads) });
      this.conn = await this.instance.connect();
      const r = await this.conn.runAndReadAll('SELECT version()');
      this.ver = String(r.getRowsJson()[0]?.[0] ?? 'unknown');
      return null;
    } catch (e) {
      return `@duckdb/node-api not usable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  version(): string {
    return this.ver;
  }

  async load(tables: TablePaths): Promise<number> {
    const conn = this.connection();
    return timedLoad(tables, async (name, path) => {
      await conn.run(`CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_parquet(${sqlString(path)})`);
    });
  }

  async run(q: BenchQuery): Promise<Row[]> {
    const sql = sqlOf(q, 'duckdb');
    if (sql === null) throw new NotApplicableError('no SQL text');
    const r = await this.connection().runAndReadAll(summarySql(q, sql));
    return r.getRowsJson() as Row[];
  }

  /** Runs a statement (used by the suites to prepare data). */
  async exec(sql: string): Promise<Row[]> {
    const r = await this.connection().runAndReadAll(sql);
    return r.getRowsJson() as Row[];
  }

  async close(): Promise<void> {
    this.conn?.closeSync();
    this.instance?.closeSync();
    this.conn = null;
    this.instance = null;
  }

  private connection(): DuckDBConnection {
    if (!this.conn) throw new Error('duckdb engine: available() was not called or failed');
    return this.conn;
  }
}
