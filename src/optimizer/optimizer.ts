/**
 * The rule-based logical optimizer (Catalyst's RuleExecutor). Rules are grouped in batches; a batch
 * runs its rules in order, once or repeatedly until the plan stops changing (a fixed point), with an
 * iteration cap so a pair of rules that undo each other cannot loop forever (the plan reached at the
 * cap is used). Plans given to the optimizer are analyzed; the root's output never changes.
 *
 * Batches:
 * 1. Operator optimization (fixed point): ConstantFolding, FactorCommonConjuncts, CombineFilters,
 *    CollapseProject, PushDownPredicates, LimitPushDown.
 * 2. Join reorder (once): ReorderJoins (cost-based order of inner-join trees; off with
 *    `joinReorder: false`, i.e. `spark.sql.cbo.joinReorder.enabled=false`).
 * 3. Scan pushdown (once): PushFiltersIntoScan.
 * 4. Column pruning (fixed point): ColumnPruning, CollapseProject (removes projections that
 *    pruning made no-ops).
 */
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { type ConstantEvaluator, constantFolding } from './constant-folding.js';
import { factorCommonConjuncts } from './factor-common-conjuncts.js';
import { combineFilters } from './combine-filters.js';
import { collapseProject } from './collapse-project.js';
import { pushDownFilters } from './push-down-filters.js';
import { limitPushdown } from './limit-pushdown.js';
import { pushFiltersIntoScan } from './push-filters-into-scan.js';
import { pruneColumns } from './prune-columns.js';
import { reorderJoins } from './reorder-joins.js';
import { planEquals } from './rewrite-utils.js';

/** A named group of rules run once or to a fixed point. */
export interface RuleBatch {
  readonly name: string;
  readonly strategy: 'once' | 'fixedPoint';
  readonly rules: readonly Rule[];
}

/** Options of `optimize` / `optimizeWithTrace`. */
export interface OptimizerOptions {
  /** Constant evaluator for ConstantFolding (default: the engine's `evaluateConstant`). */
  readonly evaluate?: ConstantEvaluator;
  /** Iteration cap of fixed-point batches (default DEFAULT_MAX_ITERATIONS). */
  readonly maxIterations?: number;
  /** Cost-based join reordering (`spark.sql.cbo.joinReorder.enabled`; default true). */
  readonly joinReorder?: boolean;
}

/** One rule application that changed the plan. */
export interface AppliedRule {
  readonly batch: string;
  /** 1-based iteration of the batch. */
  readonly iteration: number;
  readonly rule: string;
}

/** The optimized plan and how it was reached. */
export interface OptimizerTrace {
  readonly plan: LogicalPlan;
  /** Every rule application that changed the plan, in order. */
  readonly applied: readonly AppliedRule[];
  /** Distinct names of the rules that changed the plan, in order of first effect (for explain(extended)). */
  readonly rulesApplied: readonly string[];
  /** Names of fixed-point batches stopped by the iteration cap rather than by reaching a fixed point. */
  readonly cappedBatches: readonly string[];
}

/** Iteration cap of fixed-point batches (Spark's spark.sql.optimizer.maxIterations default). */
export const DEFAULT_MAX_ITERATIONS = 100;

/** The optimizer's batches, with ConstantFolding using `evaluate` when given (ReorderJoins unless `joinReorder` is false). */
export function defaultBatches(evaluate?: ConstantEvaluator, joinReorder = true): RuleBatch[] {
  return [
    {
      name: 'Operator optimization',
      strategy: 'fixedPoint',
      rules: [constantFolding(evaluate), factorCommonConjuncts, combineFilters, collapseProject, pushDownFilters, limitPushdown],
    },
    ...(joinReorder ? [{ name: 'Join reorder', strategy: 'once' as const, rules: [reorderJoins] }] : []),
    { name: 'Scan pushdown', strategy: 'once', rules: [pushFiltersIntoScan] },
    { name: 'Column pruning', strategy: 'fixedPoint', rules: [pruneColumns, collapseProject] },
  ];
}

/** Optimizes an analyzed plan. */
export function optimize(plan: LogicalPlan, options: OptimizerOptions = {}): LogicalPlan {
  return optimizeWithTrace(plan, options).plan;
}

/** Optimizes an analyzed plan and reports which rules changed it. */
export function optimizeWithTrace(plan: LogicalPlan, options: OptimizerOptions = {}): OptimizerTrace {
  return executeBatches(plan, defaultBatches(options.evaluate, options.joinReorder ?? true), options.maxIterations);
}

/** Runs `batches` over `plan` (exported for tests and for callers with their own rule sets). */
export function executeBatches(
  plan: LogicalPlan,
  batches: readonly RuleBatch[],
  maxIterations: number = DEFAULT_MAX_ITERATIONS,
): OptimizerTrace {
  const applied: AppliedRule[] = [];
  const cappedBatches: string[] = [];
  let current = plan;
  for (const batch of batches) {
    const limit = batch.strategy === 'once' ? 1 : Math.max(1, maxIterations);
    let iteration = 0;
    let changed = true;
    while (changed && iteration < limit) {
      iteration++;
      changed = false;
      for (const rule of batch.rules) {
        const next = rule.apply(current);
        if (next !== current && !planEquals(next, current)) {
          applied.push({ batch: batch.name, iteration, rule: rule.name });
          current = next;
          changed = true;
        }
      }
    }
    if (changed && batch.strategy === 'fixedPoint') cappedBatches.push(batch.name);
  }
  return { plan: current, applied, rulesApplied: [...new Set(applied.map((a) => a.rule))], cappedBatches };
}

/** Names of all rules the optimizer runs, in batch order (for explain). */
export function optimizerRuleNames(): string[] {
  return [...new Set(defaultBatches().flatMap((b) => b.rules.map((r) => r.name)))];
}
