/**
 * Column statistics of in-memory relations (createDataFrame, VALUES, gathered results): per column
 * the null count (kept by every Column) and, for integer, date, timestamp, compact decimal and
 * double columns, min and max computed with the ungrouped SIMD min/max kernels of the `aggregate`
 * family (one pass per column, ~GB/s). They play the part Parquet footers play for files in
 * src/optimizer/cardinality.ts (an NDV bound of max - min + 1 for integers and dates, range
 * selectivity from [min, max]). Computed once per set of batches (memoized on the batches array,
 * which a relation shares with its copies) the first time the estimator asks.
 */
import type { Batch } from '../types/batch.js';
import type { DataType } from '../types/data-type.js';
import { byteWidth } from '../types/data-type.js';
import { runtime } from '../wasm/runtime.js';

/** What is known about one column of an in-memory relation. */
export interface LocalColumnStatistics {
  readonly nullCount: number;
  /** Numeric min/max (dates as days, timestamps as microseconds, decimals scaled), when computed. */
  readonly min?: number;
  readonly max?: number;
}

const memo = new WeakMap<readonly Batch[], readonly LocalColumnStatistics[]>();

/** Statistics of every column of `batches` (all of one schema with `types`), by column index. */
export function localColumnStatistics(batches: readonly Batch[], types: readonly DataType[]): readonly LocalColumnStatistics[] {
  let stats = memo.get(batches);
  if (!stats) {
    stats = types.map((t, i) => columnStatistics(batches, i, t));
    memo.set(batches, stats);
  }
  return stats;
}

/** The kernel suffix and reader of a type with an ungrouped min/max kernel, if it has one. */
function kernelOf(type: DataType): { suffix: 'i32' | 'i64' | 'f64'; scale: number } | undefined {
  switch (type.kind) {
    case 'int32':
    case 'date32':
      return { suffix: 'i32', scale: 1 };
    case 'int64':
    case 'timestamp':
      return { suffix: 'i64', scale: 1 };
    case 'float64':
      return { suffix: 'f64', scale: 1 };
    case 'decimal':
      return byteWidth(type) === 8 ? { suffix: 'i64', scale: 10 ** type.scale } : undefined;
    default:
      return undefined;
  }
}

function columnStatistics(batches: readonly Batch[], index: number, type: DataType): LocalColumnStatistics {
  let nullCount = 0;
  for (const b of batches) nullCount += b.columns[index]!.nullCount;
  const k = kernelOf(type);
  if (!k || batches.length === 0) return { nullCount };
  const rt = runtime();
  const exports = rt.module('aggregate');
  const minK = exports[`agg_min_all_${k.suffix}`];
  const maxK = exports[`agg_max_all_${k.suffix}`];
  if (!minK || !maxK) return { nullCount };
  // Scratch: min state (8 bytes), max state (8 bytes), min seen, max seen.
  return rt.withScratch(24, (ptr) => {
    rt.memory.u8(ptr, 24).fill(0);
    for (const b of batches) {
      const c = b.columns[index]!;
      if (b.numRows === 0 || c.nullCount === b.numRows || !c.values) continue;
      minK(c.valuesPtr, c.validityPtr, b.numRows, ptr, ptr + 16);
      maxK(c.valuesPtr, c.validityPtr, b.numRows, ptr + 8, ptr + 17);
    }
    const seen = rt.memory.u8(ptr + 16, 2);
    if (seen[0] === 0 || seen[1] === 0) return { nullCount };
    let min: number;
    let max: number;
    if (k.suffix === 'i32') {
      const v = rt.memory.i32(ptr, 3); // min at 0, max at byte 8
      min = v[0]!;
      max = v[2]!;
    } else if (k.suffix === 'f64') {
      const v = rt.memory.f64(ptr, 2);
      min = v[0]!;
      max = v[1]!;
    } else {
      const v = rt.memory.i64(ptr, 2);
      min = Number(v[0]!) / k.scale;
      max = Number(v[1]!) / k.scale;
    }
    // NaN is the largest double in Spark's order: a range that reaches it says nothing useful.
    if (!Number.isFinite(min) || !Number.isFinite(max)) return { nullCount };
    return { nullCount, min, max };
  });
}
