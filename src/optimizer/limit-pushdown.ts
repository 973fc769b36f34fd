/**
 * Limit pushdown (Catalyst's CombineLimits and part of LimitPushDown):
 * `Limit(n, Limit(m, x))` -> `Limit(min(n, m), x)`, and `Limit(n, Project(x))` ->
 * `Project(Limit(n, x))` (a projection maps rows one to one, so it can run on the first n rows only).
 * A Limit over a Sort stays where it is: the physical planner turns the pair into a top-k.
 */
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { transformPlanDownSame } from './rewrite-utils.js';

/** The limit-pushdown rule. */
export const limitPushdown: Rule = {
  name: 'LimitPushDown',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlanDownSame(plan, pushLimit);
  },
};

function pushLimit(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'limit') return node;
  const child = node.child;
  if (child.kind === 'limit' && !node.offset && !child.offset) return pushLimit({ kind: 'limit', child: child.child, n: Math.min(node.n, child.n) });
  if (child.kind === 'project') return { ...child, child: { ...node, child: child.child } };
  return node;
}
