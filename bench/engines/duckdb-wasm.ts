/**
 * DuckDB-Wasm (blocking Node build, eh bundle, one thread). Tables are given to it as Arrow IPC
 * streams read from the Parquet files with parquet-wasm: in Node, DuckDB-Wasm tries to download its
 * Parquet extension on first use and hangs on an offline machine, so read_parquet is never used.
 * The load time covers parquet-wasm's read plus the IPC insert.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as arrow from 'apache-arrow';
import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { arrowRows, parquetToIpc } from './arrow-load.js';
import { type BenchQuery, type Engine, NotApplicableError, type Row, type TablePaths, sqlOf, summarySql } from './engine.js';

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
      const { createDuckDB, NODE_RUNTIME, VoidLogger } = await import('@duckdb/duckdb-wasm/blocking');
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
      const db = await createDuckDB(
        {
          mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
          eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: '' },
        },
        new VoidLogger(),
        NODE_RUNTIME,
      );
      await db.instantiate(() => {});
      db.open({ maximumThreads: 1 });
      const conn = db.connect();
      conn.query('SET autoload_known_extensions = false');
      conn.query('SET autoinstall_known_extensions = false');
      this.ver = String(conn.query('SELECT version() AS v').getChild('v')?.get(0) ?? 'unknown');
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
    const t0 = performance.now();
    for (const [name, path] of Object.entries(tables)) {
      conn.query(`DROP TABLE IF EXISTS ${name}`);
      conn.insertArrowFromIPCStream(await parquetToIpc(path), { name, create: true });
    }
    return performance.now() - t0;
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
