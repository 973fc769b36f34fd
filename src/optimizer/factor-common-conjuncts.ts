/**
 * Factors conjuncts common to every branch of a disjunction out of it (the `(a AND b) OR (a AND c)`
 * case of Catalyst's BooleanSimplification):
 *
 * - `(a AND b) OR (a AND c)`        -> `a AND (b OR c)`
 * - `(a AND b) OR (a AND c) OR (a)` -> `a` (absorption: a branch left with nothing is `true`)
 *
 * Disjunctions are taken n-ary (nested ORs are flattened), so a conjunct shared by all three branches
 * of TPC-H q19 comes out in one step and its join key `p_partkey = l_partkey` becomes a top-level
 * conjunct that predicate pushdown and the physical planner see. Both identities hold under SQL
 * three-valued logic (AND distributes over OR in Kleene logic). Conjuncts are matched by exprKey's
 * structural equality with the operands of commutative operators put in a canonical order (like
 * Spark's semanticEquals), so `p = l` and `l = p` match; the first branch's spelling is kept.
 * A disjunction containing anything non-deterministic is left as it is: factoring changes how many
 * times (and for which rows) an expression is evaluated.
 */
import type { Expr } from '../plan/expression.js';
import { conjunction, exprChildren, mapChildren, splitConjuncts } from '../plan/expression.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { exprKey, isDeterministic, mapNodeExpressions, transformPlanUpSame } from './rewrite-utils.js';

/** The common-conjunct factoring rule. */
export const factorCommonConjuncts: Rule = {
  name: 'FactorCommonConjuncts',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlanUpSame(plan, (node) => mapNodeExpressions(node, factorExpr));
  },
};

/** Rewrites every disjunction in `e` (returns `e` itself when nothing changes). */
export function factorExpr(e: Expr): Expr {
  if (e.kind === 'binary' && e.op === 'or') return factorDisjunction(e);
  let changed = false;
  const rebuilt = mapChildren(e, (c) => {
    const n = factorExpr(c);
    if (n !== c) changed = true;
    return n;
  });
  return changed ? rebuilt : e;
}

const COMMUTATIVE: ReadonlySet<string> = new Set(['=', '<=>', '!=', '+', '*', 'and', 'or']);

/** exprKey with the operands of commutative binary operators in a canonical (sorted) order. */
export function canonicalKey(e: Expr): string {
  if (e.kind === 'binary' && COMMUTATIVE.has(e.op)) {
    const [l, r] = [canonicalKey(e.left), canonicalKey(e.right)].sort();
    return `binary[${e.op}](${l},${r})`;
  }
  if (e.kind === 'attr' || e.kind === 'literal') return exprKey(e);
  const children = exprChildren(e);
  if (children.length === 0) return exprKey(e);
  // Replace the children part of exprKey's text by the canonical keys of the children.
  const full = exprKey(e);
  const head = full.slice(0, full.length - 2 - children.map(exprKey).join(',').length);
  return `${head}(${children.map(canonicalKey).join(',')})`;
}

/** Flattens nested ORs into their branches, left to right. */
function splitDisjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'or' ? [...splitDisjuncts(e.left), ...splitDisjuncts(e.right)] : [e];
}

function disjunction(parts: readonly Expr[]): Expr {
  return parts.reduce((acc, p) => ({ kind: 'binary', op: 'or', left: acc, right: p }));
}

function factorDisjunction(e: Expr): Expr {
  const original = splitDisjuncts(e);
  let branchesChanged = false;
  const branches = original.map((b) => {
    const n = factorExpr(b);
    if (n !== b) branchesChanged = true;
    return n;
  });
  const rebuiltOr = (): Expr => (branchesChanged ? disjunction(branches) : e);
  if (!branches.every(isDeterministic)) return rebuiltOr();

  const conjuncts = branches.map(splitConjuncts);
  const keys = conjuncts.map((cs) => cs.map(canonicalKey));
  const keySets = keys.map((ks) => new Set(ks));
  // Common conjuncts in the order of the first branch, each once.
  const common: Expr[] = [];
  const commonKeys = new Set<string>();
  conjuncts[0]!.forEach((c, i) => {
    const k = keys[0]![i]!;
    if (!commonKeys.has(k) && keySets.every((s) => s.has(k))) {
      commonKeys.add(k);
      common.push(c);
    }
  });
  if (common.length === 0) return rebuiltOr();

  const rests: Expr[] = [];
  for (let b = 0; b < conjuncts.length; b++) {
    const rest = conjunction(conjuncts[b]!.filter((_, i) => !commonKeys.has(keys[b]![i]!)));
    // A branch made only of common conjuncts is `true` once they are factored out: `a OR (a AND c)` = `a`.
    if (!rest) return conjunction(common)!;
    rests.push(rest);
  }
  // Branches equal after factoring collapse (`x OR x` = `x`).
  const seen = new Set<string>();
  const distinct = rests.filter((r) => {
    const k = canonicalKey(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return conjunction([...common, distinct.length === 1 ? distinct[0]! : disjunction(distinct)])!;
}
