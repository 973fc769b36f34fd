/**
 * The Arquero peer (arquero v7, a columnar JavaScript dataframe library). Tables wrap the same typed
 * arrays the other engines copy; building them is excluded from timing like every engine's load.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

export { aq };

/** Wraps typed-array columns as an Arquero table (no copy). */
export function arqueroTable(columns: Record<string, Int32Array | Float64Array | BigInt64Array>): ColumnTable {
  return aq.table(columns);
}

/** `SELECT k, sum(v) GROUP BY k` over a table with columns k and v, ordered by k (the 100-row sort is in JS). */
export function groupBySum(t: ColumnTable): { keys: Int32Array; sums: Float64Array } {
  const g = t.groupby('k').rollup({ s: aq.op.sum('v') });
  const ks = g.array('k') as ArrayLike<number>;
  const ss = g.array('s') as ArrayLike<number>;
  const order = Array.from({ length: ks.length }, (_, i) => i).sort((a, b) => ks[a]! - ks[b]!);
  return { keys: Int32Array.from(order, (i) => ks[i]!), sums: Float64Array.from(order, (i) => ss[i]!) };
}

/** `sum(v) where v > 0.5` over a table with column v. */
export function filterSum(t: ColumnTable): number {
  const r = t.filter((d: { v: number }) => d.v > 0.5).rollup({ s: aq.op.sum('v') });
  return Number(r.get('s', 0));
}

/** Row indices of a table with column x in ascending order of x (an argsort). */
export function argsort(t: ColumnTable): Uint32Array {
  return t.orderby('x').indices();
}
