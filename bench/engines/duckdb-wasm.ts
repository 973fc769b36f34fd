/**
 * DuckDB-Wasm (blocking Node build, eh bundle, one thread). Tables are given to it as Arrow IPC
 * streams read from the Parquet files with parquet-wasm: in Node, DuckDB-Wasm tries to download its
 * Parquet extension on first use and hangs on an offline machine, so read_parquet is never used.
 * The load time covers parquet-wasm's read plus the IPC insert.
 */
import type * as arrow from 'apache-arrow';
import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { arrowRows, parquetToIpc } from './arrow-load.js';
import { type BenchQuery, type Engine, NotApplicableError, type Row, type TablePaths, sqlOf, summarySql, timedLoad } from './engine.js';

/** The DuckDB-Wasm engine. */
export class DuckDbWasmEngine implements Engine {
  readonly name = 'duckdb-wasm' as const;
  readonly note =
    '@duckdb/duckdb-wasm blocking Node build, 1 thread; tables inserted as Arrow IPC read with parquet-wasm (its Parquet extension would be downloaded: offline it hangs); extension autoload off';
  private db: DuckDBBindings | null = null;
  private conn: DuckDBConnection | null = null;
  private ver = 'unknown';

  async available(): Promise<string | null> {
    try {
      // Imported here so that a missing package makes the engine unavailable instead of failing the import.
      const { openDuckDbWasm } = await import('../peers/duckdb-wasm.js');
      const { db, conn, version } = await openDuckDbWasm();
      this.ver = version;
      this.db = db;
      this.conn = conn;
      return null;
    } catch (e) {
      return `@duckdb/duckdb-wasm not usable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  version(): string {
    return this.ver;
  }

  async load(tables: TablePaths): Promise<number> {
    const conn = this.connection();
    return timedLoad(tables, async (name, path) => {
      conn.query(`DROP TABLE IF EXISTS ${name}`);
      conn.insertArrowFromIPCStream(await parquetToIpc(path), { name, create: true });
    });
  }

  async run(q: BenchQuery): Promise<Row[]> {
    const sql = sqlOf(q, 'duckdb-wasm');
    if (sql === null) throw new NotApplicableError('no SQL text');
    // DuckDB-Wasm bundles its own apache-arrow build: same structure, different class identity.
    return arrowRows(this.connection().query(summarySql(q, sql)) as unknown as arrow.Table);
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.db?.reset();
    this.conn = null;
    this.db = null;
  }

  private connection(): DuckDBConnection {
    if (!this.conn) throw new Error('duckdb-wasm engine: available() was not called or failed');
    return this.conn;
  }
}
