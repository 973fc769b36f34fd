import type { LogicalPlan } from './logical-plan.js';

/**
 * Row-count estimate of a plan from Parquet footers and in-memory batches, used to choose the
 * build side of a hash join. Undefined when nothing is known. Filters are assumed to keep half of
 * their input (a crude selectivity, as in Spark's default when it has no column statistics).
 */
export function estimateRows(plan: LogicalPlan): number | undefined {
  switch (plan.kind) {
    case 'parquet':
      return plan.source.files.reduce((s, f) => s + f.numRows, 0);
    case 'local':
      return plan.batches.reduce((s, b) => s + b.numRows, 0);
    case 'filter': {
      const c = estimateRows(plan.child);
      return c === undefined ? undefined : Math.ceil(c / 2);
    }
    case 'limit': {
      const c = estimateRows(plan.child);
      return c === undefined ? plan.n : Math.min(c, plan.n);
    }
    case 'join': {
      const l = estimateRows(plan.left);
      const r = estimateRows(plan.right);
      return l === undefined || r === undefined ? undefined : Math.max(l, r);
    }
    case 'union':
      return plan.children.reduce<number | undefined>((s, c) => {
        const n = estimateRows(c);
        return s === undefined || n === undefined ? undefined : s + n;
      }, 0);
    default:
      return estimateRows(plan.child);
  }
}
