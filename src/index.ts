/**
 * Kindling: a Spark-style data engine for TypeScript whose hot operators run as SIMD WebAssembly.
 *
 * ```ts
 * import { SparkSession, functions as F } from 'kindling';
 * const spark = SparkSession.builder.master('local[*]').appName('etl').getOrCreate();
 * const events = await spark.read.parquet('data/watch_events.parquet');
 * await events.groupBy('video_id').agg(F.sum('watch_ms').alias('total')).orderBy(F.desc('total')).show();
 * ```
 */
export { SparkSession, SparkSessionBuilder, parseSchemaDDL } from './api/session.js';
export { DataFrame, type Row } from './api/dataframe.js';
export { GroupedData } from './api/grouped-data.js';
export { Column } from './api/column.js';
export { DataFrameReader } from './api/reader.js';
export { DataFrameWriter, type SaveMode } from './api/writer.js';
export { RuntimeConfig } from './api/config.js';
export * as functions from './api/functions.js';
export { Window, WindowSpec } from './api/window.js';
export { DataTypes, type DataType } from './types/data-type.js';
export { Schema, field, type Field } from './types/schema.js';
export { Catalog, type TempView } from './sql/catalog.js';
export { parseStatement, parseQuery, parseExpression } from './sql/parser.js';
export * from './errors.js';
