import { InvalidArgumentError } from '../errors.js';

/**
 * Where a persisted DataFrame keeps its partitions (Spark's StorageLevel, the levels that apply to
 * one machine): `MEMORY_ONLY`, `MEMORY_AND_DISK` (memory while the session's cache budget
 * `spark.kindling.cache.memory` allows, then local disk: `spark.local.dir`), `DISK_ONLY`.
 */
export type StorageLevel = 'MEMORY_ONLY' | 'MEMORY_AND_DISK' | 'DISK_ONLY';

const LEVELS: readonly StorageLevel[] = ['MEMORY_ONLY', 'MEMORY_AND_DISK', 'DISK_ONLY'];

/** Checks a storage level name (case-insensitive). */
export function parseStorageLevel(level: string): StorageLevel {
  const l = level.toUpperCase() as StorageLevel;
  if (!LEVELS.includes(l)) throw new InvalidArgumentError(`unknown storage level '${level}'; expected one of ${LEVELS.join(', ')}`);
  return l;
}
