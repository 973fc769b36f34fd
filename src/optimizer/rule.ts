import type { LogicalPlan } from '../plan/logical-plan.js';

/**
 * An optimizer rule (Catalyst's `Rule[LogicalPlan]`): a named rewrite of an analyzed plan that keeps
 * its result rows and the root's output attributes (names, ids, order). A rule that does not apply
 * returns the plan object it was given, unchanged.
 */
export interface Rule {
  /** Name shown by explain(extended) and in optimizer traces, e.g. `PushDownPredicates`. */
  readonly name: string;
  /** Rewrites the whole plan once. */
  apply(plan: LogicalPlan): LogicalPlan;
}
