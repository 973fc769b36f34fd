import { InvalidArgumentError } from '../errors.js';
import { defaultSpillDirectory } from '../spill/spill-file.js';

/** Default rows per batch produced by scans and blocking operators. */
export const DEFAULT_BATCH_SIZE = 65_536;
/** Default memory budget of one blocking operator (bytes). */
export const DEFAULT_OPERATOR_MEMORY = 2 * 1024 ** 3;

/**
 * Session configuration in Spark's key names (`spark.conf.set(...)`). Kindling's own keys:
 * `spark.kindling.batchSize` (rows per batch) and `spark.kindling.operatorMemory` (bytes or
 * '512m'/'2g', the budget of each blocking operator before it fails with a clear error);
 * `spark.kindling.fuseFilterIntoAggregate` (default true: a filter below an aggregation is applied
 * by the aggregation itself, as a row mask, instead of by a Filter that copies the rows that pass;
 * false plans the Filter). `spark.local.dir`: where sort and join build spill when over their budget.
 * `spark.sql.cbo.joinReorder.enabled` (default true in Kindling, false in Spark): cost-based
 * reordering of inner joins from Parquet-footer row counts (src/optimizer/reorder-joins.ts).
 */
export class RuntimeConfig {
  private readonly values = new Map<string, string>();

  /** Sets a key. */
  set(key: string, value: string | number | boolean): void {
    const v = String(value);
    if (key === 'spark.kindling.batchSize' && !(Number.isInteger(Number(v)) && Number(v) > 0)) {
      throw new InvalidArgumentError(`spark.kindling.batchSize must be a positive integer, got '${v}'`);
    }
    if (key === 'spark.kindling.operatorMemory') parseBytes(v, key);
    if (key === 'spark.sql.cbo.joinReorder.enabled' && v.toLowerCase() !== 'true' && v.toLowerCase() !== 'false') {
      throw new InvalidArgumentError(`spark.sql.cbo.joinReorder.enabled must be true or false, got '${v}'`);
    }
    if (key === 'spark.kindling.fuseFilterIntoAggregate' && v !== 'true' && v !== 'false') {
      throw new InvalidArgumentError(`spark.kindling.fuseFilterIntoAggregate must be true or false, got '${v}'`);
    }
    this.values.set(key, v);
  }

  /** Reads a key, or `fallback` when unset. */
  get(key: string, fallback?: string): string | undefined {
    return this.values.get(key) ?? fallback;
  }

  /** Rows per batch. */
  get batchSize(): number {
    return Number(this.values.get('spark.kindling.batchSize') ?? DEFAULT_BATCH_SIZE);
  }

  /** Whether the planner fuses a filter below an aggregation into it (default true). */
  get fuseFilterIntoAggregate(): boolean {
    return this.values.get('spark.kindling.fuseFilterIntoAggregate') !== 'false';
  }

  /** Directory of spill files (`spark.local.dir`; default `<os tmpdir>/kindling-spill-<pid>`). */
  get spillDirectory(): string {
    return this.values.get('spark.local.dir') ?? defaultSpillDirectory();
  }

  /** Whether the optimizer reorders inner joins by estimated cost (`spark.sql.cbo.joinReorder.enabled`; default true). */
  get joinReorderEnabled(): boolean {
    return this.values.get('spark.sql.cbo.joinReorder.enabled')?.toLowerCase() !== 'false';
  }

  /** Bytes each blocking operator may hold. */
  get operatorMemoryBytes(): number {
    const v = this.values.get('spark.kindling.operatorMemory');
    return v === undefined ? DEFAULT_OPERATOR_MEMORY : parseBytes(v, 'spark.kindling.operatorMemory');
  }
}

/** Parses '1024', '512k', '64m', '2g' into bytes. */
export function parseBytes(v: string, key: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*$/i.exec(v);
  if (!m) throw new InvalidArgumentError(`${key} must be a size such as 1048576, 512m or 2g, got '${v}'`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}
