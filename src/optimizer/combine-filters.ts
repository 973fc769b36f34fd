/**
 * Combines adjacent filters (Catalyst's CombineFilters): `Filter(c2, Filter(c1, x))` becomes
 * `Filter(c1 AND c2, x)`, with conjuncts of c2 already present in c1 dropped. The inner condition
 * must be deterministic: otherwise the outer conjuncts would change the rows it sees.
 */
import { conjunction, splitConjuncts } from '../plan/expression.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { dedupeExprs, isDeterministic, transformPlanUpSame } from './rewrite-utils.js';

/** The filter-combining rule. */
export const combineFilters: Rule = {
  name: 'CombineFilters',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlanUpSame(plan, (node) => {
      if (node.kind !== 'filter' || node.child.kind !== 'filter') return node;
      const inner = node.child;
      if (!isDeterministic(inner.condition)) return node;
      const merged = conjunction(dedupeExprs([...splitConjuncts(inner.condition), ...splitConjuncts(node.condition)]))!;
      return { kind: 'filter', child: inner.child, condition: merged };
    });
  },
};
