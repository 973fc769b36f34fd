import { InvalidArgumentError } from '../errors.js';
import { readParquetSchema } from '../io/parquet-reader.js';
import { newExprId, type AttributeRef } from '../plan/expression.js';
import type { SparkSession } from './session.js';
import { DataFrame } from './dataframe.js';

/**
 * `spark.read`: loads files as DataFrames. Reading a footer is I/O, so the methods are async:
 * `const df = await spark.read.parquet('events/')`. Only the footers are read here (schema,
 * row counts, statistics); data is read when an action runs, pruned to the columns and row groups
 * the optimized plan needs.
 */
export class DataFrameReader {
  private readonly options = new Map<string, string>();

  /** @internal */
  constructor(private readonly session: SparkSession) {}

  /** Sets a read option (accepted for Spark compatibility; Parquet needs none today). */
  option(key: string, value: string | number | boolean): this {
    this.options.set(key, String(value));
    return this;
  }

  /** Reads the format `fmt` from `paths` (`'parquet'` only, for now). */
  async load(paths: string | readonly string[], fmt = 'parquet'): Promise<DataFrame> {
    if (fmt !== 'parquet') throw new InvalidArgumentError(`unsupported format '${fmt}': Kindling reads parquet (CSV and JSON arrive with the CLI)`);
    return this.parquet(...(typeof paths === 'string' ? [paths] : paths));
  }

  /** Parquet files: a file, several files, a directory (recursively, hive partitions discovered), or a glob. */
  async parquet(...paths: string[]): Promise<DataFrame> {
    if (paths.length === 0) throw new InvalidArgumentError('read.parquet() needs at least one path');
    const { schema, files } = await readParquetSchema(paths);
    const attributes: AttributeRef[] = schema.fields.map((f) => ({
      kind: 'attr',
      id: newExprId(),
      name: f.name,
      type: f.type,
      nullable: f.nullable,
    }));
    return new DataFrame(this.session, {
      kind: 'parquet',
      source: { paths, schema, files },
      attributes,
      predicates: [],
    });
  }
}
