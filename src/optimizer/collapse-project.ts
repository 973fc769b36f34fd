/**
 * Collapses adjacent projections and removes no-op ones (Catalyst's CollapseProject and the
 * Project part of RemoveNoopOperators).
 *
 * `Project(outer, Project(inner, x))` becomes one Project over x with the inner aliases substituted
 * into the outer expressions, but only when no inner alias would be computed more than once: every
 * inner alias must be referenced at most once by the outer list, unless it merely renames an
 * attribute or names a literal. This keeps expensive and non-deterministic expressions evaluated
 * once per row. A Project whose output is exactly its child's (same ids, names and order) is removed.
 */
import { type Expr, exprChildren } from '../plan/expression.js';
import { type LogicalPlan, type Project, outputOf } from '../plan/logical-plan.js';
import type { Rule } from './rule.js';
import { replaceAttributes, transformPlanUpSame } from './rewrite-utils.js';

/** The project-collapsing rule. */
export const collapseProject: Rule = {
  name: 'CollapseProject',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlanUpSame(plan, (node) => {
      if (node.kind !== 'project') return node;
      const collapsed = node.child.kind === 'project' ? collapse(node, node.child) : node;
      return isNoop(collapsed) ? collapsed.child : collapsed;
    });
  },
};

function collapse(outer: Project, inner: Project): Project {
  const inlined = new Map<number, Expr>();
  for (const e of inner.exprs) if (e.kind === 'alias') inlined.set(e.id, e.child);
  const uses = new Map<number, number>();
  const count = (e: Expr): void => {
    if (e.kind === 'attr') {
      if (inlined.has(e.id)) uses.set(e.id, (uses.get(e.id) ?? 0) + 1);
      return;
    }
    if (e.kind === 'alias') return count(e.child);
    exprChildren(e).forEach(count);
  };
  outer.exprs.forEach(count);
  for (const [id, n] of uses) {
    const child = inlined.get(id)!;
    if (n > 1 && child.kind !== 'attr' && child.kind !== 'literal') return outer;
  }
  const exprs = outer.exprs.map((e): Expr => {
    if (e.kind === 'attr') {
      const child = inlined.get(e.id);
      return child === undefined ? e : { kind: 'alias', child, name: e.name, id: e.id };
    }
    if (e.kind === 'alias') return { ...e, child: replaceAttributes(e.child, inlined) };
    return replaceAttributes(e, inlined);
  });
  return { kind: 'project', child: inner.child, exprs };
}

function isNoop(p: Project): boolean {
  if (!p.exprs.every((e) => e.kind === 'attr')) return false;
  const childOut = outputOf(p.child);
  return (
    childOut.length === p.exprs.length &&
    p.exprs.every((e, i) => e.kind === 'attr' && e.id === childOut[i]!.id && e.name === childOut[i]!.name)
  );
}
