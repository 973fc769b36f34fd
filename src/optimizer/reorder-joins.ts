/**
 * Cost-based join reordering (Spark's CostBasedJoinReorder / ReorderJoin, DataFusion's join
 * selection): a tree of inner and cross joins is flattened into its relations ("leaves") and the
 * conjuncts of its join conditions, and rebuilt in the order that minimises the sum of the estimated
 * sizes of the intermediate join results (C_out), with the estimates of ./cardinality.ts.
 *
 * - Up to DP_MAX_RELATIONS relations: dynamic programming over subsets (bushy trees allowed, as in
 *   Spark's JoinReorderDP); a split of a subset must be connected by an equality between the two
 *   parts, and a cross product is only considered for a subset that has no connected split.
 * - More relations: greedy (start with the smallest relation, then repeatedly add the connected
 *   relation that gives the smallest intermediate result; a cross product only when no relation
 *   is connected).
 * - Every conjunct is placed at the lowest join that has all the relations it references; a conjunct
 *   referencing one relation becomes a Filter on it; one referencing none goes to the top join.
 * - The result replaces the original tree only when its estimated cost is lower, and a Project
 *   restores the original output column order.
 * - Only inner and cross joins are reordered. Outer, semi and anti joins, and every other operator,
 *   are barriers: they are relations of the tree above them (their inside is reordered separately).
 *   Trees with non-deterministic conditions, or whose relations share attribute ids, are left alone.
 *
 * Runs after predicate pushdown (so single-table filters sit on their relations and the
 * multi-table conjuncts are in the join conditions) and before scan pushdown and column pruning.
 * Enabled by `spark.sql.cbo.joinReorder.enabled` (default true in Kindling).
 */
import { type Expr, conjunction, referencedIds, splitConjuncts } from '../plan/expression.js';
import { type Join, type LogicalPlan, outputOf, planChildren, withChildren } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { type ColumnEstimate, type PlanEstimate, estimatePlan, filterSelectivity, joinSelectivity } from './cardinality.js';
import { isDeterministic } from './rewrite-utils.js';

/** Largest number of relations ordered by dynamic programming (3^n subset splits); greedy above. */
export const DP_MAX_RELATIONS = 10;
/** Most relations the rule handles at all (subsets are 32-bit masks). */
const MAX_RELATIONS = 30;

/** The join-reordering rule. */
export const reorderJoins: Rule = {
  name: 'ReorderJoins',
  apply(plan: LogicalPlan): LogicalPlan {
    return visit(plan);
  },
};

function isReorderable(p: LogicalPlan): p is Join {
  return p.kind === 'join' && (p.joinType === 'inner' || p.joinType === 'cross');
}

function visit(plan: LogicalPlan): LogicalPlan {
  if (isReorderable(plan)) return reorderTree(plan);
  const kids = planChildren(plan);
  if (kids.length === 0) return plan;
  const next = kids.map(visit);
  return next.every((k, i) => k === kids[i]) ? plan : withChildren(plan, next);
}

/** The original shape of a flattened tree: a leaf index or a join of two shapes. */
type Shape = { leaf: number } | { join: Join; left: Shape; right: Shape };

function flatten(plan: LogicalPlan, leaves: LogicalPlan[], conjuncts: Expr[]): Shape {
  if (isReorderable(plan)) {
    const left = flatten(plan.left, leaves, conjuncts);
    const right = flatten(plan.right, leaves, conjuncts);
    if (plan.condition) conjuncts.push(...splitConjuncts(plan.condition));
    return { join: plan, left, right };
  }
  leaves.push(plan);
  return { leaf: leaves.length - 1 };
}

function rebuildShape(shape: Shape, leaves: readonly LogicalPlan[]): LogicalPlan {
  if ('leaf' in shape) return leaves[shape.leaf]!;
  const left = rebuildShape(shape.left, leaves);
  const right = rebuildShape(shape.right, leaves);
  return left === shape.join.left && right === shape.join.right ? shape.join : { ...shape.join, left, right };
}

/** A conjunct with the relations it references (bit i = leaf i). */
interface Pred {
  readonly expr: Expr;
  readonly mask: number;
  /** For `x = y` with x and y over disjoint relation sets: the masks of each side (hash-join keys). */
  readonly sides?: readonly [number, number];
}

function reorderTree(root: Join): LogicalPlan {
  const original: LogicalPlan[] = [];
  const conjuncts: Expr[] = [];
  const shape = flatten(root, original, conjuncts);
  const leaves = original.map(visit);
  const keep = () => rebuildShape(shape, leaves);
  const n = leaves.length;
  if (n < 3 || n > MAX_RELATIONS || !conjuncts.every(isDeterministic)) return keep();

  // Which relation produces each attribute id.
  const owner = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (const a of outputOf(leaves[i]!)) {
      if (owner.has(a.id)) return keep(); // ambiguous (a self-join without fresh ids)
      owner.set(a.id, i);
    }
  }
  const maskOf = (e: Expr): number | undefined => {
    let m = 0;
    for (const id of referencedIds(e)) {
      const o = owner.get(id);
      if (o === undefined) return undefined;
      m |= 1 << o;
    }
    return m;
  };
  const preds: Pred[] = [];
  for (const c of conjuncts) {
    const mask = maskOf(c);
    if (mask === undefined) return keep();
    let sides: [number, number] | undefined;
    if (c.kind === 'binary' && c.op === '=') {
      const l = maskOf(c.left);
      const r = maskOf(c.right);
      if (l && r && (l & r) === 0) sides = [l, r];
    }
    preds.push(sides ? { expr: c, mask, sides } : { expr: c, mask });
  }

  // Single-relation conjuncts become filters on their relation (normally none: pushdown ran first).
  const filtered = leaves.map((leaf, i) => {
    const own = preds.filter((p) => p.mask === 1 << i).map((p) => p.expr);
    const cond = conjunction(own);
    return cond ? ({ kind: 'filter', child: leaf, condition: cond } as LogicalPlan) : leaf;
  });
  const multi = preds.filter((p) => popcount(p.mask) >= 2);
  const est = new Estimator(filtered, multi);

  const originalCost = shapeCost(shape, est);
  const full = (1 << n) - 1;
  const best = n <= DP_MAX_RELATIONS ? dynamicProgramming(n, multi, est) : greedy(n, multi, est);
  const plan = best.get(full)!;
  if (!(plan.cost < originalCost * (1 - 1e-9))) return keep();

  const constants = preds.filter((p) => p.mask === 0).map((p) => p.expr);
  const build = (mask: number, top: boolean): LogicalPlan => {
    const node = best.get(mask)!;
    if (node.left === undefined || node.right === undefined) return filtered[Math.log2(mask)]!;
    // Larger estimated side on the left (probe), smaller on the right (build): the usual layout.
    const [lm, rm] = est.rows(node.left) >= est.rows(node.right) ? [node.left, node.right] : [node.right, node.left];
    const here = multi.filter((p) => (p.mask & mask) === p.mask && (p.mask & lm) !== p.mask && (p.mask & rm) !== p.mask);
    const condition = conjunction([...here.map((p) => p.expr), ...(top ? constants : [])]);
    const join: Join = condition
      ? { kind: 'join', left: build(lm, false), right: build(rm, false), joinType: 'inner', condition }
      : { kind: 'join', left: build(lm, false), right: build(rm, false), joinType: 'cross' };
    return join;
  };
  const rebuilt = build(full, true);
  const want = outputOf(root);
  const got = outputOf(rebuilt);
  if (want.length === got.length && want.every((a, i) => a.id === got[i]!.id)) return rebuilt;
  return { kind: 'project', child: rebuilt, exprs: want };
}

/** Estimated rows of every subset of relations, consistent whatever the join order. */
class Estimator {
  private readonly leafRows: number[];
  private readonly memo = new Map<number, number>();
  /** Selectivity of each group of conjuncts with the same relation mask. */
  private readonly groups: { mask: number; sel: number }[] = [];

  constructor(leaves: readonly LogicalPlan[], preds: readonly Pred[]) {
    const estimates = leaves.map(estimatePlan);
    this.leafRows = estimates.map((e) => Math.max(e.rows, 1e-3));
    const columns = new Map<number, ColumnEstimate>();
    for (const e of estimates) for (const [id, c] of e.columns) columns.set(id, c);
    const all: PlanEstimate = { rows: this.leafRows.reduce((a, b) => a * b, 1), columns };
    const byMask = new Map<number, Expr[]>();
    for (const p of preds) byMask.set(p.mask, [...(byMask.get(p.mask) ?? []), p.expr]);
    for (const [mask, exprs] of byMask) {
      // Two-relation groups get the equi-join rules (NDVs, composite-key floor); wider ones the filter heuristics.
      const sel = popcount(mask) === 2 ? joinSelectivity(exprs, all) : exprs.reduce((s, e) => s * filterSelectivity(e, all), 1);
      this.groups.push({ mask, sel });
    }
  }

  rows(mask: number): number {
    let r = this.memo.get(mask);
    if (r === undefined) {
      r = 1;
      for (let i = 0; i < this.leafRows.length; i++) if (mask & (1 << i)) r *= this.leafRows[i]!;
      for (const g of this.groups) if ((g.mask & mask) === g.mask) r *= g.sel;
      r = Math.max(r, 1e-3);
      this.memo.set(mask, r);
    }
    return r;
  }
}

/** A planned subset: its cost (sum of intermediate join sizes) and the split it was joined from. */
interface Planned {
  readonly cost: number;
  readonly left?: number;
  readonly right?: number;
  /** Whether the subset was joined without any cross product (its join graph is connected). */
  readonly connected: boolean;
}

function shapeCost(shape: Shape, est: Estimator): number {
  const walk = (s: Shape): { mask: number; cost: number } => {
    if ('leaf' in s) return { mask: 1 << s.leaf, cost: 0 };
    const l = walk(s.left);
    const r = walk(s.right);
    const mask = l.mask | r.mask;
    return { mask, cost: l.cost + r.cost + est.rows(mask) };
  };
  return walk(shape).cost;
}

function connected(a: number, b: number, preds: readonly Pred[]): boolean {
  for (const p of preds) {
    if (!p.sides) continue;
    const [l, r] = p.sides;
    if (((l & a) === l && (r & b) === r) || ((l & b) === l && (r & a) === r)) return true;
  }
  return false;
}

function dynamicProgramming(n: number, preds: readonly Pred[], est: Estimator): Map<number, Planned> {
  const best = new Map<number, Planned>();
  for (let i = 0; i < n; i++) best.set(1 << i, { cost: 0, connected: true });
  const full = (1 << n) - 1;
  for (let s = 1; s <= full; s++) {
    if (popcount(s) < 2) continue;
    const rows = est.rows(s);
    let choice: Planned | undefined;
    for (const allowCross of [false, true]) {
      for (let a = (s - 1) & s; a > 0; a = (a - 1) & s) {
        const b = s ^ a;
        if (a < b) continue; // each unordered split once
        const pa = best.get(a)!;
        const pb = best.get(b)!;
        // Connected pass: both parts free of cross products and an equality between them.
        if (!allowCross && !(pa.connected && pb.connected && connected(a, b, preds))) continue;
        const cost = pa.cost + pb.cost + rows;
        if (!choice || cost < choice.cost) choice = { cost, left: a, right: b, connected: !allowCross };
      }
      if (choice) break;
    }
    best.set(s, choice!);
  }
  return best;
}

function greedy(n: number, preds: readonly Pred[], est: Estimator): Map<number, Planned> {
  const best = new Map<number, Planned>();
  for (let i = 0; i < n; i++) best.set(1 << i, { cost: 0, connected: true });
  let remaining = Array.from({ length: n }, (_, i) => i);
  const smallest = (ids: number[]) => ids.reduce((m, i) => (est.rows(1 << i) < est.rows(1 << m) ? i : m));
  let cur = 1 << smallest(remaining);
  remaining = remaining.filter((i) => 1 << i !== cur);
  let cost = 0;
  while (remaining.length > 0) {
    const linked = remaining.filter((i) => connected(cur, 1 << i, preds));
    const pool = linked.length > 0 ? linked : remaining;
    const next = pool.reduce((m, i) => (est.rows(cur | (1 << i)) < est.rows(cur | (1 << m)) ? i : m));
    const mask = cur | (1 << next);
    cost += est.rows(mask);
    best.set(mask, { cost, left: cur, right: 1 << next, connected: linked.length > 0 && best.get(cur)!.connected });
    cur = mask;
    remaining = remaining.filter((i) => i !== next);
  }
  return best;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v; v &= v - 1) c++;
  return c;
}
