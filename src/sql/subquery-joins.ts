/**
 * Subqueries turned into joins after general decorrelation (decorrelate.ts), for the shapes the
 * binder's simple rewrites do not cover:
 *
 * - a scalar subquery -> `outer LEFT JOIN inner'` on the domain keys (an aggregate without GROUP BY
 *   keeps its empty-input value for outer rows without input, the count bug), other subqueries
 *   reduced to one row per key by first() (Spark requires at most one row);
 * - `[NOT] EXISTS` / `x [NOT] IN` anywhere in an expression -> a mark column from a left join with the
 *   distinct keys (Spark's ExistenceJoin, RewritePredicateSubquery), IN with SQL's three-valued result
 *   (TRUE if found; else NULL if x is NULL or the subquery has a NULL, for a non-empty subquery; else FALSE);
 * - `[NOT] EXISTS` / `x [NOT] IN` as a WHERE conjunct -> a left semi / anti join (NOT IN null-aware);
 * - `LATERAL (query)` -> a join of the left relations with the decorrelated query (Spark's LateralJoin).
 *
 * Each function returns a plan whose output is the outer plan's output (then the value column, when
 * there is one): the domain keys and helper columns are projected away.
 */
import { AnalysisError } from '../errors.js';
import { DataTypes } from '../types/data-type.js';
import { type AttributeRef, type Expr, conjunction, newExprId } from '../plan/expression.js';
import { type JoinType, type LogicalPlan, outputOf, toAttribute } from '../plan/logical-plan.js';
import { resolveExpr } from '../plan/analyzer.js';
import { type Decorrelated, decorrelate, fixEmpty, keyCondition } from './decorrelate.js';

/** The subquery whose value becomes a column. */
export type SubqueryValue =
  | { readonly kind: 'scalar'; readonly inner: LogicalPlan }
  | { readonly kind: 'exists'; readonly inner: LogicalPlan; readonly negated: boolean }
  /** `x IN (inner)`: `inner2` is a second binding of the same query (fresh ids), `x` is resolved over the outer plan. */
  | { readonly kind: 'in'; readonly inner: LogicalPlan; readonly inner2: LogicalPlan; readonly x: Expr; readonly negated: boolean };

/** The named output column of a subquery value: its id and name (the caller may have handed out the id already). */
export interface ValueColumn {
  readonly id: number;
  readonly name: string;
}

const TRUE: Expr = { kind: 'literal', value: true, type: DataTypes.Boolean };
const FALSE: Expr = { kind: 'literal', value: false, type: DataTypes.Boolean };
const NULL_BOOL: Expr = { kind: 'literal', value: null, type: DataTypes.Boolean };

/** The single column of a subquery's output, or an AnalysisError. */
export function singleColumn(plan: LogicalPlan, what: string): AttributeRef {
  const out = outputOf(plan);
  if (out.length !== 1) throw new AnalysisError(`${what} must return one column, got ${out.length} (${out.map((a) => a.name).join(', ')})`);
  return out[0]!;
}

/** `outer` with one more column `out`: the value of the subquery (correlated or not). */
export function joinSubqueryValue(outer: LogicalPlan, sq: SubqueryValue, out: ValueColumn): LogicalPlan {
  const outerOut = outputOf(outer);
  const finish = (plan: LogicalPlan, value: Expr): LogicalPlan => {
    const all = outputOf(plan);
    const keep = outerOut.map((a) => all.find((b) => b.id === a.id) ?? a);
    return { kind: 'project', child: plan, exprs: [...keep, { kind: 'alias', child: value, name: out.name, id: out.id }] };
  };
  if (sq.kind === 'scalar') {
    const v = singleColumn(sq.inner, 'a scalar subquery');
    const d = decorrelate(sq.inner, outer, { topAggregate: true });
    if (d.emptyFix) {
      const joined = leftJoin(outer, d);
      return finish(joined, fixEmpty(v, d.emptyFix.mark, d.emptyFix.empty.get(v.id) ?? { kind: 'literal', value: null, type: v.type }));
    }
    // At most one row per key (Spark fails at run time for more): first() of each group.
    const first: Expr = { kind: 'alias', child: { kind: 'agg', fn: 'first', arg: v, ignoreNulls: false }, name: v.name, id: newExprId() };
    const innerKeys = d.keys.map((k) => k.inner);
    const one: LogicalPlan = { kind: 'aggregate', child: d.plan, groupBy: innerKeys, aggregates: [first, ...innerKeys] };
    const joined = d.keys.length ? leftJoin(outer, { ...d, plan: one }) : ({ kind: 'join', left: outer, right: one, joinType: 'cross' } as LogicalPlan);
    return finish(joined, toAttribute(first));
  }
  if (sq.kind === 'exists') {
    const { plan, found } = existsMark(outer, sq.inner);
    return finish(plan, sq.negated ? { kind: 'unary', op: 'not', child: found } : found);
  }
  // x IN (q): the outer side gets x as a column, q is filtered on `value = x` (correlated through x).
  const xAttrOuter = sq.x.kind === 'attr' ? sq.x : undefined;
  const withX: LogicalPlan = xAttrOuter ? outer : { kind: 'project', child: outer, exprs: [...outerOut, { kind: 'alias', child: sq.x, name: '_in_value', id: newExprId() }] };
  const xAttr = xAttrOuter ?? outputOf(withX).at(-1)!;
  const v = singleColumn(sq.inner, 'IN (subquery)');
  const matching: LogicalPlan = { kind: 'filter', child: sq.inner, condition: resolveExpr({ kind: 'binary', op: '=', left: v, right: xAttr }, [v, xAttr]) };
  const { plan: marked, found } = existsMark(withX, matching);
  // Row and non-null counts of q per outer row (0 for an empty q).
  const v2 = singleColumn(sq.inner2, 'IN (subquery)');
  const n: Expr = { kind: 'alias', child: { kind: 'agg', fn: 'count_star', arg: null, ignoreNulls: false }, name: '_in_n', id: newExprId() };
  const nn: Expr = { kind: 'alias', child: { kind: 'agg', fn: 'count', arg: v2, ignoreNulls: false }, name: '_in_nn', id: newExprId() };
  const counts: LogicalPlan = { kind: 'aggregate', child: sq.inner2, groupBy: [], aggregates: [n, nn] };
  const dc = decorrelate(counts, outer, { topAggregate: true });
  let plan: LogicalPlan;
  let nv: Expr = toAttribute(n);
  let nnv: Expr = toAttribute(nn);
  if (dc.keys.length === 0) plan = { kind: 'join', left: marked, right: counts, joinType: 'cross' };
  else {
    plan = leftJoin(marked, dc);
    const zero: Expr = { kind: 'literal', value: 0n, type: DataTypes.Long };
    if (dc.emptyFix) {
      nv = fixEmpty(nv, dc.emptyFix.mark, zero);
      nnv = fixEmpty(nnv, dc.emptyFix.mark, zero);
    }
  }
  const zero: Expr = { kind: 'literal', value: 0n, type: DataTypes.Long };
  const value: Expr = {
    kind: 'case',
    branches: [
      [found, TRUE],
      [{ kind: 'binary', op: '=', left: nv, right: zero }, FALSE],
      [{ kind: 'binary', op: 'or', left: { kind: 'unary', op: 'isNull', child: xAttr }, right: { kind: 'binary', op: '<', left: nnv, right: nv } }, NULL_BOOL],
    ],
    otherwise: FALSE,
  };
  return finish(plan, sq.negated ? { kind: 'unary', op: 'not', child: value } : value);
}

/** `outer` left-joined with a mark of whether `inner` has rows for the outer row; `found` is a non-null boolean. */
function existsMark(outer: LogicalPlan, inner: LogicalPlan): { plan: LogicalPlan; found: Expr } {
  const d = decorrelate(inner, outer);
  const mark: Expr = { kind: 'alias', child: TRUE, name: '_exists', id: newExprId() };
  const markAttr = toAttribute(mark);
  if (d.keys.length === 0) {
    // Uncorrelated: one row telling whether the subquery has any row.
    const one: Expr = { kind: 'alias', child: { kind: 'binary', op: '>', left: { kind: 'agg', fn: 'count_star', arg: null, ignoreNulls: false }, right: { kind: 'literal', value: 0n, type: DataTypes.Long } }, name: '_exists', id: newExprId() };
    const agg: LogicalPlan = { kind: 'aggregate', child: { kind: 'limit', child: d.plan, n: 1 }, groupBy: [], aggregates: [one] };
    return { plan: { kind: 'join', left: outer, right: agg, joinType: 'cross' }, found: toAttribute(one) };
  }
  const keys = d.keys.map((k) => k.inner);
  const distinct: LogicalPlan = { kind: 'distinct', child: { kind: 'project', child: d.plan, exprs: [...keys, mark] } };
  return { plan: leftJoin(outer, { ...d, plan: distinct }), found: { kind: 'unary', op: 'isNotNull', child: markAttr } };
}

function leftJoin(outer: LogicalPlan, d: Decorrelated): LogicalPlan {
  return { kind: 'join', left: outer, right: d.plan, joinType: 'left', condition: keyCondition(d.keys)! };
}

/**
 * `[NOT] EXISTS (inner)` or `x [NOT] IN (inner)` as a WHERE conjunct: a left semi / anti join on the
 * domain keys (and `x = value`; NOT IN null-aware: `x = value OR isnull(x = value)`).
 */
export function semiJoinSubquery(outer: LogicalPlan, inner: LogicalPlan, negated: boolean, x?: Expr, scope: readonly AttributeRef[] = []): LogicalPlan {
  const d = decorrelate(inner, outer);
  const conds: Expr[] = [];
  if (x) {
    const v = singleColumn(inner, 'IN (subquery)');
    const eq = resolveExpr({ kind: 'binary', op: '=', left: x, right: v }, [...outputOf(outer), ...outputOf(d.plan), ...scope.filter((a) => !outputOf(outer).some((b) => b.id === a.id))]);
    conds.push(negated ? { kind: 'binary', op: 'or', left: eq, right: { kind: 'unary', op: 'isNull', child: eq } } : eq);
  }
  const kc = keyCondition(d.keys);
  if (kc) conds.push(kc);
  const joinType: JoinType = negated ? 'left_anti' : 'left_semi';
  const cond = conjunction(conds);
  return { kind: 'join', left: outer, right: d.plan, joinType, ...(cond ? { condition: cond } : {}) };
}

/**
 * `outer [LEFT|INNER|CROSS] JOIN LATERAL (inner) [ON on]`: the join of `outer` with the decorrelated
 * `inner` on the domain keys (and `on`, resolved over both outputs); output `outer`'s then `inner`'s columns.
 */
export function lateralJoin(outer: LogicalPlan, inner: LogicalPlan, joinType: 'inner' | 'left' | 'cross', on?: (out: readonly AttributeRef[]) => Expr): LogicalPlan {
  const d = decorrelate(inner, outer);
  const innerOut = outputOf(inner);
  const cond = conjunction([...(on ? [on([...outputOf(outer), ...innerOut])] : []), ...(d.keys.length ? [keyCondition(d.keys)!] : [])]);
  const type: JoinType = joinType === 'cross' ? (cond ? 'inner' : 'cross') : joinType;
  const joined: LogicalPlan = { kind: 'join', left: outer, right: d.plan, joinType: type, ...(cond ? { condition: cond } : {}) };
  const all = outputOf(joined);
  const byId = new Map(all.map((a) => [a.id, a]));
  return { kind: 'project', child: joined, exprs: [...outputOf(outer), ...innerOut].map((a) => byId.get(a.id) ?? a) };
}
