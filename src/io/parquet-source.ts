import type { Schema } from '../types/schema.js';
import type { ParquetFileInfo } from './parquet-reader.js';

/** What the planner knows about a set of Parquet files before reading data: their schema and footers. */
export interface ParquetSource {
  /** The paths the user gave (files, directories, globs). */
  readonly paths: readonly string[];
  /** File columns then hive partition columns. */
  readonly schema: Schema;
  /** Every data file with its row groups' statistics. */
  readonly files: readonly ParquetFileInfo[];
}
