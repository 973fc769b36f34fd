/**
 * Projection pruning (Catalyst's ColumnPruning): computes, from the root down, the attribute ids
 * each node must produce and drops everything else.
 *
 * - A ParquetRelation reads only the needed columns (`columns`, in source order). When none is
 *   needed (e.g. `count(*)`), it keeps the narrowest column so row counts survive.
 * - Projects and Aggregates below the root drop unused output expressions (keeping at least one).
 * - The children of Joins and Aggregates that still produce unneeded columns (a LocalRelation, a
 *   Filter over one, a Distinct, ...) get a narrowing Project, so less data is materialized.
 * - Union children are narrowed by position (each child keeps the same positions).
 * - Distinct needs all its input columns; LocalRelations are left as they are.
 * The root's output is never changed: same names, ids and order.
 */
import type { AttributeRef, Expr } from '../plan/expression.js';
import {
  type LogicalPlan,
  type ParquetRelation,
  type Project,
  outputOf,
  planChildren,
  withChildren,
} from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { cheapestAttribute, idSet, namedId, referencesOf, planEquals } from './rewrite-utils.js';

/** The column-pruning rule. */
export const pruneColumns: Rule = {
  name: 'ColumnPruning',
  apply(plan: LogicalPlan): LogicalPlan {
    const rootOut = outputOf(plan);
    const pruned = prune(plan, idSet(rootOut));
    if (pruned === plan) return plan;
    const out = outputOf(pruned);
    const same = out.length === rootOut.length && out.every((a, i) => a.id === rootOut[i]!.id && a.name === rootOut[i]!.name);
    const result: LogicalPlan = same ? pruned : { kind: 'project', child: pruned, exprs: rootOut };
    return planEquals(result, plan) ? plan : result;
  },
};

/**
 * Returns `plan` rewritten so that its output contains every id in `required`, in the original
 * relative order, and as few others as the node allows.
 */
function prune(plan: LogicalPlan, required: ReadonlySet<number>): LogicalPlan {
  switch (plan.kind) {
    case 'parquet':
      return pruneScan(plan, required);
    case 'local':
      return plan;
    case 'project': {
      const exprs = keepNamed(plan.exprs, required);
      const child = prune(plan.child, referencesOf(exprs));
      return exprs === plan.exprs && child === plan.child ? plan : { ...plan, exprs, child };
    }
    case 'aggregate': {
      const aggregates = keepNamed(plan.aggregates, required);
      const need = referencesOf([...plan.groupBy, ...aggregates]);
      const child = narrow(prune(plan.child, need), need);
      return aggregates === plan.aggregates && child === plan.child ? plan : { ...plan, aggregates, child };
    }
    case 'generate': {
      // Generate keeps its generated columns; the child keeps what passes through and what the generator reads.
      const childIds = idSet(outputOf(plan.child));
      const need = referencesOf([plan.generator], new Set([...required].filter((id) => childIds.has(id))));
      const child = narrow(prune(plan.child, need), need);
      return child === plan.child ? plan : { ...plan, child };
    }
    case 'window': {
      // Window: drop unused window columns (the whole node when none is used); keep what they read.
      const windowExprs = plan.windowExprs.filter((e) => required.has(namedId(e)!));
      const childIds = idSet(outputOf(plan.child));
      const passThrough = new Set([...required].filter((id) => childIds.has(id)));
      if (windowExprs.length === 0) return prune(plan.child, passThrough);
      const need = referencesOf([...windowExprs, ...plan.partitionSpec, ...plan.orderSpec.map((o) => o.expr)], passThrough);
      const child = narrow(prune(plan.child, need), need);
      return windowExprs.length === plan.windowExprs.length && child === plan.child ? plan : { ...plan, windowExprs, child };
    }
    case 'filter':
      return withChild(plan, prune(plan.child, referencesOf([plan.condition], new Set(required))));
    case 'sort':
      return withChild(plan, prune(plan.child, referencesOf(plan.orders.map((o) => o.expr), new Set(required))));
    case 'limit':
    case 'subqueryAlias':
      return withChild(plan, prune(plan.child, required));
    case 'distinct':
      return withChild(plan, prune(plan.child, idSet(outputOf(plan.child))));
    case 'join': {
      const need = plan.condition ? referencesOf([plan.condition], new Set(required)) : new Set(required);
      const leftNeed = intersect(need, idSet(outputOf(plan.left)));
      const rightNeed = intersect(need, idSet(outputOf(plan.right)));
      const left = narrow(prune(plan.left, leftNeed), leftNeed);
      const right = narrow(prune(plan.right, rightNeed), rightNeed);
      return left === plan.left && right === plan.right ? plan : { ...plan, left, right };
    }
    case 'union': {
      const first = outputOf(plan.children[0]!);
      let positions = first.flatMap((a, i) => (required.has(a.id) ? [i] : []));
      if (positions.length === first.length) {
        const children = plan.children.map((c) => prune(c, idSet(outputOf(c))));
        return children.every((c, i) => c === plan.children[i]) ? plan : { ...plan, children };
      }
      if (positions.length === 0) positions = [0];
      const children = plan.children.map((c) => {
        const out = outputOf(c);
        const keep = positions.map((i) => out[i]!);
        const pruned = prune(c, idSet(keep));
        const got = outputOf(pruned);
        const exact = got.length === keep.length && got.every((a, i) => a.id === keep[i]!.id);
        return exact ? pruned : project(pruned, keep);
      });
      return children.every((c, i) => c === plan.children[i]) ? plan : { ...plan, children };
    }
  }
}

function withChild(plan: LogicalPlan, child: LogicalPlan): LogicalPlan {
  return child === planChildren(plan)[0] ? plan : withChildren(plan, [child]);
}

function intersect(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  return new Set([...a].filter((x) => b.has(x)));
}

/** The named expressions whose output id is required (at least one is kept: a node needs a column). */
function keepNamed(exprs: readonly Expr[], required: ReadonlySet<number>): readonly Expr[] {
  const kept = exprs.filter((e) => required.has(namedId(e)!));
  if (kept.length === exprs.length) return exprs;
  if (kept.length > 0) return kept;
  const cheapest = cheapestAttribute(exprs.filter((e): e is AttributeRef => e.kind === 'attr'));
  return [cheapest ?? exprs[0]!];
}

function pruneScan(scan: ParquetRelation, required: ReadonlySet<number>): ParquetRelation {
  const current = outputOf(scan);
  if (current.length === 0) return scan;
  let keep = scan.attributes.filter((a) => required.has(a.id));
  if (keep.length === 0) keep = [cheapestAttribute(current) ?? scan.attributes[0]!];
  if (keep.length === current.length) return scan;
  return { ...scan, columns: keep.map((a) => a.name) };
}

/**
 * Puts a Project over an already pruned `plan` when it still produces columns outside `required`
 * (keeping at least one). Scans, Projects and Aggregates prune themselves and are returned as is.
 */
function narrow(plan: LogicalPlan, required: ReadonlySet<number>): LogicalPlan {
  if (plan.kind === 'parquet' || plan.kind === 'project' || plan.kind === 'aggregate') return plan;
  const out = outputOf(plan);
  const keep = out.filter((a) => required.has(a.id));
  if (keep.length === out.length || (keep.length === 0 && out.length <= 1)) return plan;
  return project(plan, keep.length ? keep : [cheapestAttribute(out)!]);
}

function project(child: LogicalPlan, attrs: readonly AttributeRef[]): Project {
  return { kind: 'project', child, exprs: attrs };
}
