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
import { RuntimeConfig } from './config.js';
import { Catalog } from '../sql/catalog.js';
import { runSql } from '../sql/sql.js';

/**
 * The entry point (PySpark's SparkSession): creates DataFrames from rows, Arrow tables and Parquet
 * files, and holds the configuration. Build one with `SparkSession.builder.master('local[*]').getOrCreate()`.
 */
export class SparkSession {
  private static active: SparkSession | undefined;

  /** @internal */
  constructor(
    readonly conf: RuntimeConfig,
    readonly appName: string,
    readonly master: string,
  ) {}

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
    return { runtime: runtime(), batchSize: this.conf.batchSize, operatorMemoryBudget: this.conf.operatorMemoryBytes };
  }

  /** Ends the session (the kernels' memory stays for the process; cached data is dropped). */
  stop(): void {
    if (SparkSession.active === this) SparkSession.setActive(undefined);
  }
}

/** Fluent builder of a SparkSession (`master`, `appName`, `config`, `getOrCreate`). */
export class SparkSessionBuilder {
  private masterUrl = 'local[*]';
  private name = 'kindling';
  private readonly settings = new Map<string, string>();

  /** `local`, `local[N]` or `local[*]`. Local mode runs on this thread today (see the README's limits). */
  master(url: string): this {
    if (!/^local(\[(\*|\d+)\])?$/.test(url)) {
      throw new InvalidArgumentError(`unsupported master '${url}': expected local, local[N] or local[*] (Spark Connect is planned)`);
    }
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
    const s = new SparkSession(conf, this.name, this.masterUrl);
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
    if (ch === '(') depth++;
    if (ch === ')') depth--;
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
