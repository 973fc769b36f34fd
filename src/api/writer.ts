import { InvalidArgumentError } from '../errors.js';
import { writeParquet, type WriteSummary } from '../io/parquet-writer.js';
import type { DataFrame } from './dataframe.js';

/** Save modes, Spark's names. */
export type SaveMode = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';

const MODES: readonly SaveMode[] = ['error', 'errorifexists', 'overwrite', 'append', 'ignore'];
const CODECS = ['snappy', 'zstd', 'gzip', 'lz4', 'brotli', 'none', 'uncompressed'] as const;
type Codec = (typeof CODECS)[number];

/**
 * `df.write`: saves a DataFrame. Like Spark, the output path is a directory of part files. Writes
 * are atomic: files go to a temporary directory that is renamed into place only when every part is
 * written, so a failed job leaves earlier output untouched.
 */
export class DataFrameWriter {
  private saveMode: SaveMode = 'error';
  private readonly options = new Map<string, string>();
  private partitionColumns: string[] = [];

  /** @internal */
  constructor(private readonly df: DataFrame) {}

  /** What to do when the path exists: error (default), overwrite, append, ignore. */
  mode(mode: string): this {
    const m = mode.toLowerCase() as SaveMode;
    if (!MODES.includes(m)) throw new InvalidArgumentError(`unknown save mode '${mode}'; expected one of ${MODES.join(', ')}`);
    this.saveMode = m;
    return this;
  }

  /** Sets an option: `compression` (snappy, zstd, gzip, lz4, brotli, none), `rowGroupSize`, `maxRecordsPerFile`. */
  option(key: string, value: string | number): this {
    const k = key.toLowerCase();
    const v = String(value);
    if (k === 'compression' && !CODECS.includes(v.toLowerCase() as Codec)) {
      throw new InvalidArgumentError(`unknown compression '${v}'; expected one of ${CODECS.join(', ')}`);
    }
    if ((k === 'rowgroupsize' || k === 'maxrecordsperfile') && !(Number.isInteger(Number(v)) && Number(v) > 0)) {
      throw new InvalidArgumentError(`option ${key} must be a positive integer, got '${v}'`);
    }
    this.options.set(k, v);
    return this;
  }

  /** Writes a hive-style `col=value/` directory per distinct value of these columns. */
  partitionBy(...cols: string[]): this {
    const names = this.df.columns.map((c) => c.toLowerCase());
    for (const c of cols) {
      if (!names.includes(c.toLowerCase())) {
        throw new InvalidArgumentError(`partitionBy column '${c}' does not exist; available columns: ${this.df.columns.join(', ')}`);
      }
    }
    this.partitionColumns = cols;
    return this;
  }

  /** Writes Parquet part files into the directory `path`. */
  async parquet(path: string): Promise<WriteSummary> {
    const rowGroupSize = this.options.get('rowgroupsize');
    const maxRecords = this.options.get('maxrecordsperfile');
    return writeParquet(this.df.executeBatches(), this.df.schema, path, {
      mode: this.saveMode,
      compression: (this.options.get('compression')?.toLowerCase() ?? 'snappy') as Codec,
      partitionBy: this.partitionColumns,
      ...(rowGroupSize ? { rowGroupSize: Number(rowGroupSize) } : {}),
      ...(maxRecords ? { maxRecordsPerFile: Number(maxRecords) } : {}),
    });
  }
}
