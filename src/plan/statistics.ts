import type { LogicalPlan } from './logical-plan.js';
import { estimateCardinality } from '../optimizer/cardinality.js';

/**
 * Row-count estimate of a plan, used to choose the build side of a hash join: the cardinality
 * estimator of src/optimizer/cardinality.ts (Parquet footers and in-memory row counts, filter
 * selectivity heuristics with min/max statistics, NDV-based join estimates). Rounded up to a whole
 * row. Undefined is kept in the signature for callers; the estimator always answers.
 */
export function estimateRows(plan: LogicalPlan): number | undefined {
  const n = estimateCardinality(plan);
  return Number.isFinite(n) ? Math.ceil(n) : undefined;
}
