import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import { Schema, field } from '../types/schema.js';
import { parseTypeName } from '../types/data-type.js';
import type { Batch } from '../types/batch.js';
import { batchFromArrow, fromArrowSchema } from '../types/arrow-interop.js';
import { batchFromRows, inferSchema } from '../types/values.js';
import { newExprId, type AttributeRef } from '../plan/expression.js';
import type { ExecContext } from '../exec/operator.js';
import { runtime } from '../wasm/runtime.js';
import { DataFrame } from './dataframe.js';
import { DataFrameReader } from './reader.js';
import { RuntimeConfig, parseBytes } from './config.js';
import { Catalog } from '../sql/catalog.js';
import { runSql } from '../sql/sql.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { createPhysicalPlan, type PlannerOptions } from '../plan/physical-planner.js';
import { CacheManager, type CacheComputer, decodeBlockRelations } from '../cache/cache-manager.js';
import { coresOfMaster } from '../scheduler/master-url.js';
import { ExecutorPool } from '../executor/executor-pool.js';
import { DagScheduler, describeStages } from '../scheduler/dag-scheduler.js';
import { cacheMemoryBudget, distributionOptions, executorOperatorBudget, faultInjection, localityWaitMs, maxTaskFailures, shuffleMemoryBudget } from '../scheduler/distribution-config.js';
import { BlockManager } from '../shuffle/block-manager.js';
import { type JobReport, formatJobReport } from '../scheduler/job-report.js';

/**
 * The entry point (PySpark's SparkSession): creates DataFrames from rows, Arrow tables and Parquet
 * files, and holds the configuration. Build one with `SparkSession.builder.master('local[*]').getOrCreate()`.
 */
export class SparkSession {
  private static active: SparkSession | undefined;

  /** Executor threads (`local[N]`); 1 runs every query on the calling thread. */
  readonly cores: number;
  private pool: Promise<ExecutorPool> | undefined;
  private lastJob: JobReport | undefined;

  /** @internal */
  constructor(
    readonly conf: RuntimeConfig,
    readonly appName: string,
    readonly master: string,
  ) {
    this.cores = coresOfMaster(master);
  }

  /** A builder for the session. */
  static get builder(): SparkSessionBuilder {
    return new SparkSessionBuilder();
  }

  /** The session created last, if any. */
  static getActiveSession(): SparkSession | undefined {
    return SparkSession.active;
  }

  /** @internal */
  static setActive(s: SparkSession | undefined): void {
    SparkSession.active = s;
  }

  /** Persisted DataFrames (`df.persist()`, `df.cache()`). */
  readonly cacheManager = new CacheManager(
    () => cacheMemoryBudget(this.conf),
    () => this.conf.spillDirectory,
  );

  /** The driver's shuffle blocks (in memory within the shuffle budget, else spilled to spark.local.dir). */
  readonly blockManager = new BlockManager({
    budgetBytes: () => shuffleMemoryBudget(this.conf, this.cacheManager.bytesInMemory),
    directory: () => this.conf.spillDirectory,
  });

  /** The temporary views of this session (`createOrReplaceTempView`, `CREATE TEMP VIEW`). */
  readonly catalog: Catalog = new Catalog();

  /**
   * Runs a Spark SQL statement and returns its result as a DataFrame: the rows of a query (lazy,
   * like every DataFrame), an empty DataFrame for CREATE TEMP VIEW, and small tables for SHOW TABLES,
   * DESCRIBE and EXPLAIN. Async because ``parquet.`path` `` reads footers: `await spark.sql('SELECT ...')`.
   * Syntax errors are ParseErrors naming line and column; unknown names are AnalysisErrors.
   */
  async sql(text: string): Promise<DataFrame> {
    return runSql(this, this.catalog, text);
  }

  /** The temporary view `name` as a DataFrame (qualified by its name, like Spark's `spark.table`). */
  table(name: string): DataFrame {
    const view = this.catalog.lookup(name);
    return new DataFrame(this, { kind: 'subqueryAlias', child: view.plan, alias: name });
  }

  /** Reads files into DataFrames: `await spark.read.parquet('data/*.parquet')`. */
  get read(): DataFrameReader {
    return new DataFrameReader(this);
  }

  /**
   * A DataFrame from row objects or an Arrow table. `schema` may be a Schema, a DDL string
   * (`'id bigint, name string'`), or omitted to infer types from the rows (numbers that are all
   * integers become bigint, other numbers double, like PySpark's inference).
   */
  createDataFrame(data: readonly Record<string, unknown>[] | arrow.Table, schema?: Schema | string): DataFrame {
    let batches: Batch[];
    let s: Schema;
    if (data instanceof arrow.Table) {
      s = schema ? toSchema(schema) : fromArrowSchema(data.schema);
      batches = data.batches.map((b) => batchFromArrow(b, s));
    } else {
      s = schema ? toSchema(schema) : inferSchema(data);
      const size = this.conf.batchSize;
      batches = [];
      for (let i = 0; i < data.length; i += size) batches.push(batchFromRows(s, data.slice(i, i + size)));
      if (data.length === 0) batches = [];
    }
    const attributes: AttributeRef[] = s.fields.map((f) => ({ kind: 'attr', id: newExprId(), name: f.name, type: f.type, nullable: f.nullable }));
    return new DataFrame(this, { kind: 'local', attributes, schema: s, batches });
  }

  /** What operators get while a query runs. */
  execContext(): ExecContext {
    return { runtime: runtime(), batchSize: this.conf.batchSize, operatorMemoryBudget: this.conf.operatorMemoryBytes, spillDirectory: this.conf.spillDirectory };
  }

  /**
   * Runs an optimized plan and streams its batches: on this thread with `local`/`local[1]`, else
   * as stages of tasks on `cores` executor threads (src/scheduler).
   */
  async *executePlan(plan: LogicalPlan): AsyncGenerator<Batch> {
    if (this.cores <= 1) {
      const { plan: local, held } = decodeBlockRelations(plan);
      try {
        yield* createPhysicalPlan(local, this.plannerOptions()).execute(this.execContext());
      } finally {
        for (const b of held) b.release();
      }
      return;
    }
    const scheduler = await this.scheduler();
    try {
      yield* scheduler.execute(plan, this.execContext());
    } finally {
      this.lastJob = scheduler.lastJob;
    }
  }

  /** The stages `plan` (optimized) would run as on this session's executors; undefined with one core. */
  describeStages(plan: LogicalPlan): string | undefined {
    return this.cores > 1 ? describeStages(plan, distributionOptions(this.conf, this.cores)) : undefined;
  }

  /** @internal How persisted DataFrames get computed in this session. */
  cacheComputer(): CacheComputer {
    return {
      distributed: this.cores > 1,
      computeBlocks: async (plan) => {
        const scheduler = await this.scheduler();
        try {
          return await scheduler.partitions(plan, this.execContext());
        } finally {
          this.lastJob = scheduler.lastJob;
        }
      },
      computeBatches: async (plan) => {
        const out: Batch[] = [];
        try {
          for await (const b of this.executePlan(plan)) out.push(b);
        } catch (e) {
          for (const b of out) b.release();
          throw e;
        }
        return out;
      },
    };
  }

  private plannerOptions(): PlannerOptions {
    return { fuseFilterIntoAggregate: this.conf.fuseFilterIntoAggregate };
  }

  /** A scheduler over this session's executors (started on first use) with the current settings. */
  private async scheduler(): Promise<DagScheduler> {
    // Executor settings are read once, when the threads start (as Spark's are at application start).
    const executorMemory = this.conf.get('spark.executor.memory');
    const blockCache = this.conf.get('spark.kindling.executor.blockCache');
    this.pool ??= ExecutorPool.create(this.cores, {
      memoryLimitBytes: executorMemory ? parseBytes(executorMemory, 'spark.executor.memory') : undefined,
      blockCacheBytes: blockCache ? parseBytes(blockCache, 'spark.kindling.executor.blockCache') : undefined,
    });
    const ctx = this.execContext();
    const planner = this.plannerOptions();
    return new DagScheduler(
      await this.pool,
      distributionOptions(this.conf, this.cores),
      {
        conf: { batchSize: ctx.batchSize, operatorMemoryBudget: executorOperatorBudget(this.conf), fuseFilterIntoAggregate: planner.fuseFilterIntoAggregate !== false, spillDirectory: ctx.spillDirectory },
        maxFailures: maxTaskFailures(this.conf),
        fault: faultInjection(this.conf),
        showProgress: this.conf.get('spark.ui.showConsoleProgress') !== 'false',
        localityWaitMs: localityWaitMs(this.conf),
      },
      planner,
      this.blockManager,
    );
  }

  /**
   * What the last distributed job did, stage by stage (tasks, retries, task times, rows and bytes
   * out): the summary Spark's UI shows. Undefined before the first job and with `local[1]`.
   */
  lastJobReport(): (JobReport & { toString(): string }) | undefined {
    const job = this.lastJob;
    return job && { ...job, toString: () => formatJobReport(job) };
  }

  /** Ends the session: stops its executor threads (the kernels' memory stays for the process). */
  stop(): void {
    if (SparkSession.active === this) SparkSession.setActive(undefined);
    this.cacheManager.clear();
    const pool = this.pool;
    this.pool = undefined;
    void pool?.then((p) => p.close(), () => undefined);
  }
}

/** Fluent builder of a SparkSession (`master`, `appName`, `config`, `getOrCreate`). */
export class SparkSessionBuilder {
  private masterUrl = 'local[*]';
  private name = 'kindling';
  private readonly settings = new Map<string, string>();

  /**
   * `local` (one thread), `local[N]` (N executor threads) or `local[*]` (one per core). The
   * environment variable KINDLING_MASTER, when set, overrides it for every session (the test
   * matrix runs the whole suite with `local[2]` that way).
   */
  master(url: string): this {
    coresOfMaster(url);
    this.masterUrl = url;
    return this;
  }

  /** The application's name. */
  appName(name: string): this {
    this.name = name;
    return this;
  }

  /** Sets a configuration value (Spark's names; see RuntimeConfig). */
  config(key: string, value: string | number | boolean): this {
    this.settings.set(key, String(value));
    return this;
  }

  /** Returns the active session with these settings applied, or creates one. */
  getOrCreate(): SparkSession {
    const active = SparkSession.getActiveSession();
    if (active) {
      for (const [k, v] of this.settings) active.conf.set(k, v);
      return active;
    }
    const conf = new RuntimeConfig();
    for (const [k, v] of this.settings) conf.set(k, v);
    const s = new SparkSession(conf, this.name, process.env.KINDLING_MASTER || this.masterUrl);
    SparkSession.setActive(s);
    return s;
  }
}

/** Parses a DDL schema string: `'id bigint, name string, price decimal(10,2)'`. */
export function parseSchemaDDL(ddl: string): Schema {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of ddl) {
    if (ch === '(' || ch === '<') depth++;
    if (ch === ')' || ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return new Schema(
    parts.map((p) => {
      const m = /^\s*`?([^`\s:]+)`?\s*:?\s+(.+?)\s*(not\s+null)?\s*$/i.exec(p);
      if (!m) throw new InvalidArgumentError(`cannot parse schema field '${p.trim()}'; expected 'name type' as in 'id bigint, name string'`);
      return field(m[1]!, parseTypeName(m[2]!), !m[3]);
    }),
  );
}

function toSchema(s: Schema | string): Schema {
  return typeof s === 'string' ? parseSchemaDDL(s) : s;
}
