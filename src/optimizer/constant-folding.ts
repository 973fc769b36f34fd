/**
 * Constant folding and boolean simplification (Catalyst's ConstantFolding, BooleanSimplification,
 * SimplifyConditionals and PruneFilters).
 *
 * - A sub-expression that references no attribute, contains no aggregate call and is deterministic
 *   is evaluated once by the engine and replaced by a literal. If evaluation fails (e.g. a division
 *   by zero under ANSI mode inside a CASE branch that is never taken) the expression is left as it
 *   is, so the error can only surface at run time, for rows that really evaluate it.
 * - `true AND x` -> x, `false AND x` -> false, `x OR true` -> true, `false OR x` -> x (both sides),
 *   `NOT NOT x` -> x; these hold under three-valued logic (`null AND false` is false).
 * - CASE: branches whose condition is literally false/null are dropped; a first branch whose
 *   condition is literally true becomes the result.
 * - `Filter true` is removed; `Filter false` / `Filter null` becomes an empty LocalRelation with the
 *   filter's output attributes.
 */
import { evaluateConstant } from '../exec/expression-eval.js';
import type { CaseWhen, Expr, Literal } from '../plan/expression.js';
import { type LogicalPlan, type LocalRelation, outputOf, schemaOf } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import {
  booleanLiteral,
  isBooleanLiteral,
  isDeterministic,
  mapNodeExpressions,
  transformExprUp,
  transformPlanUpSame,
} from './rewrite-utils.js';

/** Evaluates an expression without attribute references to a literal of the expression's type. */
export type ConstantEvaluator = (expr: Expr) => Literal;

/** The constant-folding rule; `evaluate` defaults to the engine's `evaluateConstant` (tests inject a fake). */
export function constantFolding(evaluate: ConstantEvaluator = evaluateConstant): Rule {
  const foldExpr = (e: Expr): Expr => transformExprUp(e, (x) => simplify(fold(x, evaluate)));
  return {
    name: 'ConstantFolding',
    apply(plan: LogicalPlan): LogicalPlan {
      return transformPlanUpSame(plan, (node) => pruneFilter(mapNodeExpressions(node, foldExpr)));
    },
  };
}

/** Folds `e` when all its children are already literals (children are folded first, bottom-up). */
function fold(e: Expr, evaluate: ConstantEvaluator): Expr {
  switch (e.kind) {
    case 'attr':
    case 'literal':
    case 'alias':
    case 'agg':
    case 'unresolved':
    case 'star':
      return e;
    default:
      break;
  }
  if (e.kind === 'case') {
    // Fold only when every part is constant; partial simplification is done by `simplify`.
    if (!e.branches.every(([c, v]) => c.kind === 'literal' && v.kind === 'literal')) return e;
    if (e.otherwise && e.otherwise.kind !== 'literal') return e;
  } else if (!childrenAreLiterals(e)) {
    return e;
  }
  if (!isDeterministic(e)) return e;
  try {
    return evaluate(e);
  } catch {
    return e;
  }
}

function childrenAreLiterals(e: Expr): boolean {
  switch (e.kind) {
    case 'cast':
    case 'unary':
    case 'like':
      return e.child.kind === 'literal';
    case 'binary':
      return e.left.kind === 'literal' && e.right.kind === 'literal';
    case 'in':
      return e.child.kind === 'literal' && e.list.every((x) => x.kind === 'literal');
    case 'call':
      return e.args.every((x) => x.kind === 'literal');
    default:
      return false;
  }
}

/** Boolean and CASE simplification of one node whose children are already simplified. */
function simplify(e: Expr): Expr {
  if (e.kind === 'binary' && e.op === 'and') {
    if (isBooleanLiteral(e.left, false) || isBooleanLiteral(e.right, false)) return booleanLiteral(false);
    if (isBooleanLiteral(e.left, true)) return e.right;
    if (isBooleanLiteral(e.right, true)) return e.left;
    return e;
  }
  if (e.kind === 'binary' && e.op === 'or') {
    if (isBooleanLiteral(e.left, true) || isBooleanLiteral(e.right, true)) return booleanLiteral(true);
    if (isBooleanLiteral(e.left, false)) return e.right;
    if (isBooleanLiteral(e.right, false)) return e.left;
    return e;
  }
  if (e.kind === 'unary' && e.op === 'not' && e.child.kind === 'unary' && e.child.op === 'not') return e.child.child;
  if (e.kind === 'case') return simplifyCase(e);
  return e;
}

function simplifyCase(e: CaseWhen): Expr {
  const neverTaken = (c: Expr) => c.kind === 'literal' && (c.value === false || c.value === null);
  const branches = e.branches.filter(([c]) => !neverTaken(c));
  const first = branches[0];
  if (first && isBooleanLiteral(first[0], true)) return first[1];
  if (branches.length === e.branches.length) return e;
  if (branches.length === 0 && e.otherwise) return e.otherwise;
  // With no branch and no ELSE the result is NULL of the CASE's type: keep one never-taken branch to carry the type.
  if (branches.length === 0) return e.branches.length === 1 ? e : { ...e, branches: [e.branches[0]!] };
  return { ...e, branches };
}

/** `Filter true` -> child; `Filter false/null` -> an empty relation with the same output. */
function pruneFilter(plan: LogicalPlan): LogicalPlan {
  if (plan.kind !== 'filter' || plan.condition.kind !== 'literal') return plan;
  if (plan.condition.value === true) return plan.child;
  if (plan.condition.value === false || plan.condition.value === null) {
    const empty: LocalRelation = { kind: 'local', attributes: outputOf(plan), schema: schemaOf(plan), batches: [] };
    return empty;
  }
  return plan;
}
