/**
 * The DuckDB-Wasm peer: the blocking Node build of @duckdb/duckdb-wasm (dist/duckdb-node-blocking.cjs)
 * with its exception-handling ("eh") wasm bundle, one thread, extension autoload/autoinstall off.
 *
 * Tables arrive as Arrow IPC streams (`insertArrowFromIPCStream`), never as Parquet: on an offline
 * machine DuckDB-Wasm would try to download its Parquet extension and hang. Loading happens before
 * timing starts; queries run synchronously.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as arrow from 'apache-arrow';
import { createDuckDB, NODE_RUNTIME, VoidLogger } from '@duckdb/duckdb-wasm/blocking';
import type { DuckDBConnection, DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';

/** A column of the result of a query, as plain values. */
export type ResultColumn = ArrayLike<unknown> & { readonly length: number };

/** A DuckDB-Wasm database and its one connection, as {@link openDuckDbWasm} returns them. */
export interface DuckDbWasmHandle {
  readonly db: DuckDBBindings;
  readonly conn: DuckDBConnection;
  /** DuckDB's version string, e.g. v1.4.3. */
  readonly version: string;
}

/**
 * Instantiates DuckDB-Wasm (the blocking Node build with the eh bundle, about 1.5 s), opens it with
 * one thread, connects, turns extension autoloading/autoinstalling off, runs `extraSql` and reads
 * the version.
 */
export async function openDuckDbWasm(extraSql: readonly string[] = []): Promise<DuckDbWasmHandle> {
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
  for (const sql of extraSql) conn.query(sql);
  const version = String(conn.query('SELECT version() AS v').getChild('v')?.get(0) ?? 'unknown');
  return { db, conn, version };
}

/** One DuckDB-Wasm database with one connection. */
export class DuckDbPeer {
  private constructor(
    private readonly db: DuckDBBindings,
    private readonly conn: DuckDBConnection,
    /** DuckDB's version string, e.g. v1.4.3. */
    readonly version: string,
  ) {}

  /** Instantiates DuckDB-Wasm (about 1.5 s), single-threaded, with extension autoloading disabled. */
  static async open(): Promise<DuckDbPeer> {
    const { db, conn, version } = await openDuckDbWasm(['SET threads = 1']);
    return new DuckDbPeer(db, conn, version);
  }

  /** Creates table `name` from typed-array columns (via an Arrow IPC stream). */
  load(name: string, columns: Record<string, Int32Array | Float64Array | BigInt64Array>): void {
    this.drop(name);
    const table = arrow.tableFromArrays(columns);
    this.conn.insertArrowFromIPCStream(arrow.tableToIPC(table, 'stream'), { name, create: true });
  }

  /** Drops table `name` if it exists. */
  drop(name: string): void {
    this.conn.query(`DROP TABLE IF EXISTS ${name}`);
  }

  /** Runs `sql` and returns its columns by name, as Arrow vectors' arrays. */
  query(sql: string): Record<string, ResultColumn> {
    const t = this.conn.query(sql);
    const out: Record<string, ResultColumn> = {};
    for (const f of t.schema.fields) {
      const v = t.getChild(f.name);
      if (v) out[f.name] = v.toArray() as ResultColumn;
    }
    return out;
  }

  /** Runs a query returning one row with one numeric column and returns that number. */
  scalar(sql: string): number {
    const cols = Object.values(this.query(sql));
    const v = cols[0]?.[0];
    return typeof v === 'bigint' ? Number(v) : Number(v);
  }

  /** Closes the connection and the database. */
  close(): void {
    this.conn.close();
    this.db.reset();
  }
}
