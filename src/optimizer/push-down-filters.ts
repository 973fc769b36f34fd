/**
 * Predicate pushdown (Catalyst's PushPredicateThroughNonJoin and PushPredicateThroughJoin): moves
 * filter conjuncts as close to the scans as is legal, so fewer rows flow through the plan.
 *
 * A filter's conjuncts are split into the longest deterministic prefix (candidates) and the rest,
 * which never moves. Candidates go:
 * - through Project, with the project's aliases substituted, when every project expression is
 *   deterministic and the substituted conjunct contains no aggregate call;
 * - through Sort, SubqueryAlias and Distinct unchanged;
 * - into every child of a Union, with attributes remapped by position;
 * - through Aggregate when, after substituting the aggregate's non-aggregate aliases, the conjunct
 *   only references the aggregate's input (i.e. it depends on grouping columns only) and there is at
 *   least one grouping expression;
 * - into a Join's sides (a conjunct referencing only one side goes to that side): inner/cross push
 *   both sides and fold the other conjuncts into the join condition; left, left_semi and left_anti
 *   push only left-side conjuncts; right pushes only right-side ones; full pushes nothing.
 * Join conditions are pushed too: right-only conjuncts into the right for inner/left/left_anti,
 * left-only conjuncts into the left for inner/right, both for left_semi; full never.
 * Nothing is pushed through Limit. Conjuncts that reference no attribute stay (constant folding
 * removes them). Pushed filters may land on other filters; CombineFilters merges them.
 */
import { type Expr, conjunction, referencedIds, splitConjuncts } from '../plan/expression.js';
import {
  type Aggregate,
  type Filter,
  type Join,
  type LogicalPlan,
  type Project,
  type Union,
  type Window,
  outputOf,
} from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import {
  containsAggregate,
  idSet,
  isDeterministic,
  isSubset,
  replaceAttributes,
  spanDeterministic,
  transformPlanDownSame,
} from './rewrite-utils.js';

/** The predicate-pushdown rule. */
export const pushDownFilters: Rule = {
  name: 'PushDownPredicates',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlanDownSame(plan, (node) => {
      if (node.kind === 'filter') return pushFilter(node);
      if (node.kind === 'join') return pushJoinCondition(node);
      return node;
    });
  },
};

/** `Filter(conjuncts, child)`, or `child` when there is no conjunct. */
function withFilter(child: LogicalPlan, conjuncts: readonly Expr[]): LogicalPlan {
  const condition = conjunction(conjuncts);
  return condition ? { kind: 'filter', child, condition } : child;
}

function pushFilter(filter: Filter): LogicalPlan {
  const [candidates, stay] = spanDeterministic(splitConjuncts(filter.condition));
  const movable = candidates.filter((c) => referencedIds(c).size > 0);
  if (movable.length === 0) return filter;
  const fixed = candidates.filter((c) => referencedIds(c).size === 0);
  const child = filter.child;
  switch (child.kind) {
    case 'project':
      return throughProject(filter, child, movable, [...fixed, ...stay]);
    case 'sort':
    case 'subqueryAlias':
    case 'distinct':
      return withFilter({ ...child, child: withFilter(child.child, movable) }, [...fixed, ...stay]);
    case 'union':
      return withFilter(throughUnion(child, movable), [...fixed, ...stay]);
    case 'aggregate':
      return throughAggregate(filter, child, movable, [...fixed, ...stay]);
    case 'join':
      return intoJoin(filter, child, movable, [...fixed, ...stay]);
    case 'window':
      return throughWindow(filter, child, movable, [...fixed, ...stay]);
    default:
      return filter;
  }
}

function throughProject(filter: Filter, project: Project, movable: Expr[], rest: Expr[]): LogicalPlan {
  if (!project.exprs.every(isDeterministic)) return filter;
  const aliases = new Map<number, Expr>();
  for (const e of project.exprs) if (e.kind === 'alias') aliases.set(e.id, e.child);
  const pushed: Expr[] = [];
  const kept: Expr[] = [];
  for (const c of movable) {
    const replaced = replaceAttributes(c, aliases);
    if (containsAggregate(replaced)) kept.push(c);
    else pushed.push(replaced);
  }
  if (pushed.length === 0) return filter;
  return withFilter({ ...project, child: withFilter(project.child, pushed) }, [...kept, ...rest]);
}

function throughUnion(union: Union, movable: Expr[]): LogicalPlan {
  const first = outputOf(union.children[0]!);
  const children = union.children.map((child, i) => {
    if (i === 0) return withFilter(child, movable);
    const out = outputOf(child);
    const remap = new Map<number, Expr>(first.map((a, j) => [a.id, out[j]!]));
    return withFilter(child, movable.map((c) => replaceAttributes(c, remap)));
  });
  return { ...union, children };
}

function throughAggregate(filter: Filter, agg: Aggregate, movable: Expr[], rest: Expr[]): LogicalPlan {
  if (agg.groupBy.length === 0 || !agg.aggregates.every(isDeterministic)) return filter;
  // Only aliases of expressions over grouping columns are substituted; aggregate results are not.
  const aliases = new Map<number, Expr>();
  for (const e of agg.aggregates) if (e.kind === 'alias' && !containsAggregate(e.child)) aliases.set(e.id, e.child);
  const input = idSet(outputOf(agg.child));
  const pushed: Expr[] = [];
  const kept: Expr[] = [];
  for (const c of movable) {
    const replaced = replaceAttributes(c, aliases);
    if (isSubset(referencedIds(replaced), input)) pushed.push(replaced);
    else kept.push(c);
  }
  if (pushed.length === 0) return filter;
  return withFilter({ ...agg, child: withFilter(agg.child, pushed) }, [...kept, ...rest]);
}

/**
 * Spark's rule for Window: a conjunct moves below the window only when every partition expression is
 * an attribute and the conjunct references partition attributes only (it keeps or drops whole
 * partitions, so no window value changes).
 */
function throughWindow(filter: Filter, window: Window, movable: Expr[], rest: Expr[]): LogicalPlan {
  if (!window.partitionSpec.every((e) => e.kind === 'attr')) return filter;
  const keys = new Set(window.partitionSpec.map((e) => (e.kind === 'attr' ? e.id : -1)));
  const pushed = movable.filter((c) => isSubset(referencedIds(c), keys));
  if (pushed.length === 0) return filter;
  const kept = movable.filter((c) => !pushed.includes(c));
  return withFilter({ ...window, child: withFilter(window.child, pushed) }, [...kept, ...rest]);
}

/** Classifies conjuncts by the join side whose output covers their references. */
function bySide(join: Join, conjuncts: readonly Expr[]): { left: Expr[]; right: Expr[]; both: Expr[] } | undefined {
  const leftIds = idSet(outputOf(join.left));
  const rightIds = idSet(outputOf(join.right));
  // Sides sharing attribute ids (an un-deduplicated self-join) make side membership ambiguous.
  for (const id of leftIds) if (rightIds.has(id)) return undefined;
  const out = { left: [] as Expr[], right: [] as Expr[], both: [] as Expr[] };
  for (const c of conjuncts) {
    const refs = referencedIds(c);
    if (refs.size > 0 && isSubset(refs, leftIds)) out.left.push(c);
    else if (refs.size > 0 && isSubset(refs, rightIds)) out.right.push(c);
    else out.both.push(c);
  }
  return out;
}

function intoJoin(filter: Filter, join: Join, movable: Expr[], rest: Expr[]): LogicalPlan {
  const sides = bySide(join, movable);
  if (!sides) return filter;
  switch (join.joinType) {
    case 'inner':
    case 'cross': {
      const condition = conjunction([...(join.condition ? splitConjuncts(join.condition) : []), ...sides.both]);
      const joined: Join = {
        ...join,
        left: withFilter(join.left, sides.left),
        right: withFilter(join.right, sides.right),
        joinType: join.joinType === 'cross' && condition ? 'inner' : join.joinType,
        condition,
      };
      return withFilter(joined, rest);
    }
    case 'left':
    case 'left_semi':
    case 'left_anti':
      if (sides.left.length === 0) return filter;
      return withFilter({ ...join, left: withFilter(join.left, sides.left) }, [...sides.right, ...sides.both, ...rest]);
    case 'right':
      if (sides.right.length === 0) return filter;
      return withFilter({ ...join, right: withFilter(join.right, sides.right) }, [...sides.left, ...sides.both, ...rest]);
    case 'full':
      return filter;
  }
}

function pushJoinCondition(join: Join): LogicalPlan {
  if (!join.condition || join.joinType === 'full') return join;
  const conjuncts = splitConjuncts(join.condition);
  const [candidates] = spanDeterministic(conjuncts);
  const sides = bySide(join, candidates);
  if (!sides) return join;
  const t = join.joinType;
  const pushLeft = t === 'inner' || t === 'cross' || t === 'right' || t === 'left_semi' ? sides.left : [];
  const pushRight = t === 'inner' || t === 'cross' || t === 'left' || t === 'left_anti' || t === 'left_semi' ? sides.right : [];
  if (pushLeft.length === 0 && pushRight.length === 0) return join;
  const moved = new Set<Expr>([...pushLeft, ...pushRight]);
  return {
    ...join,
    left: withFilter(join.left, pushLeft),
    right: withFilter(join.right, pushRight),
    condition: conjunction(conjuncts.filter((c) => !moved.has(c))),
  };
}
