/**
 * Kindling, three ways:
 *  - `kindling`: Spark SQL (`spark.sql(text)`) over tables held in memory: the load reads each Parquet
 *    file with `spark.read.parquet` and keeps it as a DataFrame created from its Arrow form
 *    (`spark.createDataFrame(arrowTable)`, data copied into wasm memory), registered as a temp view.
 *  - `kindling-df`: the DataFrame API (the suites' implementations) over the same in-memory tables.
 *  - `kindling-parquet`: Spark SQL over lazy views on the Parquet files: the load only registers the
 *    views (reads the footers), and every query run includes scanning and decoding the Parquet.
 * Answers are taken with `toArrow()`.
 */
import type * as arrow from 'apache-arrow';
import { SparkSession, type DataFrame } from '../../src/index.js';
import { arrowRows } from './arrow-load.js';
import { type BenchQuery, type Engine, NotApplicableError, type Row, type TablePaths, sqlOf, summarySql } from './engine.js';

type Mode = 'sql' | 'df' | 'parquet';

/** Frees the wasm memory of an in-memory DataFrame's batches (local plans only). */
function releaseLocal(df: DataFrame): void {
  const plan = df.plan as { kind: string; batches?: { release(): void }[] };
  if (plan.kind === 'local' && plan.batches) for (const b of plan.batches) b.release();
}

/** In-memory tables shared by the `kindling` and `kindling-df` engines of one run (loaded once). */
class SharedTables {
  private static current: { key: string; tables: Record<string, DataFrame>; loadMs: number; users: number } | null = null;

  static async acquire(spark: SparkSession, paths: TablePaths): Promise<{ tables: Record<string, DataFrame>; loadMs: number; shared: boolean }> {
    const key = JSON.stringify(paths);
    const cur = SharedTables.current;
    if (cur && cur.key === key) {
      cur.users++;
      return { tables: cur.tables, loadMs: cur.loadMs, shared: true };
    }
    const t0 = performance.now();
    const tables: Record<string, DataFrame> = {};
    for (const [name, path] of Object.entries(paths)) {
      const arrowTable: arrow.Table = await (await spark.read.parquet(path)).toArrow();
      tables[name] = spark.createDataFrame(arrowTable);
    }
    const loadMs = performance.now() - t0;
    SharedTables.current = { key, tables, loadMs, users: 1 };
    return { tables, loadMs, shared: false };
  }

  static release(): void {
    const cur = SharedTables.current;
    if (!cur) return;
    if (--cur.users > 0) return;
    for (const df of Object.values(cur.tables)) releaseLocal(df);
    SharedTables.current = null;
  }
}

/** A Kindling engine in one of its modes. */
export class KindlingEngine implements Engine {
  readonly name: 'kindling' | 'kindling-df' | 'kindling-parquet';
  readonly note: string;
  private spark: SparkSession | null = null;
  private tables: Record<string, DataFrame> = {};
  private holdsShared = false;

  constructor(private readonly mode: Mode) {
    this.name = mode === 'sql' ? 'kindling' : mode === 'df' ? 'kindling-df' : 'kindling-parquet';
    this.note =
      mode === 'sql'
        ? 'Kindling Spark SQL over in-memory tables (load = spark.read.parquet -> toArrow -> createDataFrame, copied into wasm memory)'
        : mode === 'df'
          ? 'Kindling DataFrame API over in-memory tables loaded like `kindling`\'s'
          : 'Kindling Spark SQL over lazy Parquet views (load = registering views; each query scans and decodes the Parquet files)';
  }

  async available(): Promise<string | null> {
    try {
      this.spark = SparkSession.builder.master('local[*]').appName(`bench-${this.name}`).getOrCreate();
      const probe = await (await this.spark.sql('SELECT 1 AS x')).collect();
      return probe.length === 1 ? null : 'Kindling probe query returned no row';
    } catch (e) {
      return `Kindling not usable (kernels built? npm run build:wasm): ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  version(): string {
    return 'workspace';
  }

  async load(paths: TablePaths): Promise<number> {
    const spark = this.session();
    if (this.mode === 'parquet') {
      const t0 = performance.now();
      for (const [name, path] of Object.entries(paths)) {
        const df = await spark.read.parquet(path);
        df.createOrReplaceTempView(name);
        this.tables[name] = df;
      }
      return performance.now() - t0;
    }
    const s = await SharedTables.acquire(spark, paths);
    this.holdsShared = true;
    this.tables = s.tables;
    for (const [name, df] of Object.entries(s.tables)) df.createOrReplaceTempView(name);
    return s.loadMs;
  }

  async run(q: BenchQuery): Promise<Row[]> {
    const spark = this.session();
    let df: DataFrame;
    if (this.mode === 'df') {
      if (!q.kindlingDf) throw new NotApplicableError('no DataFrame-API implementation');
      // The views may have been replaced by another engine's: re-register ours.
      df = q.kindlingDf(this.tables);
      if (q.summary) {
        df.createOrReplaceTempView('__bench_ans');
        df = await spark.sql(summarySql(q, 'SELECT * FROM __bench_ans'));
      }
    } else {
      const sql = sqlOf(q, this.name);
      if (sql === null) throw new NotApplicableError('no SQL text');
      for (const [name, t] of Object.entries(this.tables)) t.createOrReplaceTempView(name);
      df = await spark.sql(summarySql(q, sql));
    }
    return arrowRows(await df.toArrow());
  }

  async close(): Promise<void> {
    if (this.holdsShared) SharedTables.release();
    this.holdsShared = false;
    this.tables = {};
  }

  private session(): SparkSession {
    if (!this.spark) throw new Error(`${this.name} engine: available() was not called or failed`);
    return this.spark;
  }
}
