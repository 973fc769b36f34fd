/**
 * General decorrelation of subqueries (Neumann & Kemper, "Unnesting Arbitrary Queries", BTW 2015;
 * the same idea as Spark's DecorrelateInnerQuery and DuckDB's FlattenDependentJoins).
 *
 * A correlated subquery is bound to a plan `inner` whose expressions may reference attributes of an
 * `outer` plan's output (outer references: the ids are unique, so no marker is needed). Instead of
 * evaluating `inner` once per outer row, the outer references are pushed down through `inner`:
 * every operator that sees an outer reference gets the outer values as extra columns ("domain"
 * columns), either
 *  - by substitution: a filter `innerExpr = outerRef` whose input does not depend on the outer row
 *    yields only rows where the outer value equals `innerExpr`, so `innerExpr` IS the domain column
 *    (no join: the common equality-correlated case costs nothing extra), or
 *  - by a join with the domain D = DISTINCT(the referenced outer columns of `outer`) (inequality or
 *    expression correlation, correlation under aggregates, unions, joins, LATERAL select lists).
 * Operators above carry the domain columns through (projections keep them, aggregates and windows
 * group / partition by them, unions align them, joins equate them null-safely). The caller joins
 * `outer` with the result on `outer.f <=> domain.f`; the rows of `inner` for one outer row are then
 * exactly the matched rows.
 *
 * The count bug: an aggregate without GROUP BY gives one row even for empty input (count = 0). After
 * decorrelation it is grouped by the domain columns, so an outer value without input rows would get
 * no row; the domain is left-joined back and each output is its value on empty input (count -> 0,
 * other aggregates -> NULL) when no group matched. At the top of a scalar subquery the caller's left
 * join already keeps every outer row, so only a marker column is added (see `emptyFix`).
 */
import { DataTypes, typeEquals } from '../types/data-type.js';
import {
  type AttributeRef,
  type Expr,
  type SortOrder,
  conjunction,
  newExprId,
  placeholderLiteral,
  referencedIds,
  splitConjuncts,
  transformUp,
} from '../plan/expression.js';
import { type LogicalPlan, outputOf, planChildren, toAttribute } from '../plan/logical-plan.js';
import { typeOfResolved } from '../plan/typing.js';

/** A decorrelated subquery: `plan` outputs the subquery's columns, then the domain columns. */
export interface Decorrelated {
  readonly plan: LogicalPlan;
  /** Join keys: the outer attribute and the column of `plan` that holds its value. */
  readonly keys: readonly { readonly outer: AttributeRef; readonly inner: AttributeRef }[];
  /**
   * Set when the subquery's top is an aggregate without GROUP BY that was only grouped by the
   * domain (`topAggregate` mode): after a left join, a row with `mark` NULL had no input rows and
   * each output attribute (by id) must read its value on empty input.
   */
  readonly emptyFix?: { readonly mark: AttributeRef; readonly empty: ReadonlyMap<number, Expr> };
}

/** Options of `decorrelate`. */
export interface DecorrelateOptions {
  /** Leave a top aggregate without GROUP BY grouped by the domain only (the caller left-joins and applies `emptyFix`). */
  readonly topAggregate?: boolean;
}

/** The outer attributes (of `outer`'s output) that `inner` references anywhere. */
export function outerReferences(inner: LogicalPlan, outer: readonly AttributeRef[]): AttributeRef[] {
  const ids = new Set(outer.map((a) => a.id));
  const found = new Set<number>();
  const visit = (p: LogicalPlan): void => {
    const local = childOutputIds(p);
    for (const e of nodeExprs(p)) for (const id of referencedIds(e)) if (ids.has(id) && !local.has(id)) found.add(id);
    planChildren(p).forEach(visit);
  };
  visit(inner);
  return outer.filter((a) => found.has(a.id));
}

/** Decorrelates `inner` (which may reference attributes of `outer`'s output) into a plan with domain columns. */
export function decorrelate(inner: LogicalPlan, outer: LogicalPlan, opts: DecorrelateOptions = {}): Decorrelated {
  return new Decorrelator(outer).run(inner, opts);
}

/**
 * `l <=> r` in a form a hash join can use as keys: `l = r` when neither side is nullable, else
 * `isnull(l) = isnull(r) AND coalesce(l, c) = coalesce(r, c)` for a constant c of the type.
 */
export function nullSafeEquals(l: Expr, r: Expr): Expr {
  const eq = (a: Expr, b: Expr): Expr => ({ kind: 'binary', op: '=', left: a, right: b });
  const lt = typeOfResolved(l);
  const rt = typeOfResolved(r);
  if (!lt.nullable && !rt.nullable) return eq(l, r);
  const isNull = (a: Expr): Expr => ({ kind: 'unary', op: 'isNull', child: a });
  const z = placeholderLiteral(lt.type);
  if (z === undefined || !typeEquals(lt.type, rt.type)) return { kind: 'binary', op: '<=>', left: l, right: r };
  const fill = (a: Expr): Expr => ({ kind: 'call', name: 'coalesce', args: [a, z] });
  return conjunction([eq(isNull(l), isNull(r)), eq(fill(l), fill(r))])!;
}

/** The join condition `outer.f <=> inner.f` for every key (undefined when there are none). */
export function keyCondition(keys: Decorrelated['keys']): Expr | undefined {
  return conjunction(keys.map((k) => nullSafeEquals(k.outer, k.inner)));
}

/** The value of an aggregate output expression on empty input (count -> 0, other aggregates -> NULL). */
export function emptyValue(e: Expr): Expr {
  return transformUp(e, (x) => {
    if (x.kind !== 'agg') return x;
    if (x.fn === 'count' || x.fn === 'count_star' || x.fn === 'count_distinct') return { kind: 'literal', value: 0n, type: DataTypes.Long };
    return { kind: 'literal', value: null, type: typeOfResolved(x).type };
  });
}

/** Wraps `value` so that a row whose `mark` is NULL reads `empty` instead (the count bug). */
export function fixEmpty(value: Expr, mark: AttributeRef, empty: Expr): Expr {
  if (empty.kind === 'literal' && empty.value === null) return value;
  return { kind: 'case', branches: [[{ kind: 'unary', op: 'isNull', child: mark }, empty]], otherwise: value };
}

/** A plan pushed down to: its output includes, for each outer id in `map`, the column holding that outer value. */
interface Pushed {
  readonly plan: LogicalPlan;
  readonly map: ReadonlyMap<number, AttributeRef>;
}

class Decorrelator {
  private readonly outerAttrs: Map<number, AttributeRef>;
  private readonly refMemo = new Map<LogicalPlan, Set<number>>();

  constructor(private readonly outer: LogicalPlan) {
    this.outerAttrs = new Map(outputOf(outer).map((a) => [a.id, a]));
  }

  run(inner: LogicalPlan, opts: DecorrelateOptions): Decorrelated {
    let emptyFix: Decorrelated['emptyFix'];
    let pushed: Pushed;
    if (opts.topAggregate && inner.kind === 'aggregate' && inner.groupBy.length === 0 && this.subtreeRefs(inner).size > 0) {
      const r = this.extend(this.push(inner.child), this.nodeRefs(inner, [...inner.aggregates]));
      const keys = [...r.map.values()];
      const mark: Expr = { kind: 'alias', child: { kind: 'literal', value: true, type: DataTypes.Boolean }, name: '_present', id: newExprId() };
      const aggregates = inner.aggregates.map((a) => this.subst(inner, a, r.map));
      const empty = new Map<number, Expr>();
      // (Over the outer row: its outer references are the outer plan's own columns after the caller's join.)
      for (const a of inner.aggregates) if (a.kind === 'alias') empty.set(a.id, emptyValue(a.child));
      pushed = { plan: { kind: 'aggregate', child: r.plan, groupBy: keys, aggregates: [...aggregates, ...keys, mark] }, map: r.map };
      emptyFix = { mark: toAttribute(mark), empty };
    } else pushed = this.push(inner);
    const keys = [...pushed.map].map(([id, a]) => ({ outer: this.outerAttrs.get(id)!, inner: a }));
    return { plan: pushed.plan, keys, ...(emptyFix ? { emptyFix } : {}) };
  }

  /** Outer ids referenced in `p`'s subtree. */
  private subtreeRefs(p: LogicalPlan): Set<number> {
    let s = this.refMemo.get(p);
    if (s) return s;
    s = this.nodeRefs(p, nodeExprs(p));
    for (const c of planChildren(p)) for (const id of this.subtreeRefs(c)) s.add(id);
    this.refMemo.set(p, s);
    return s;
  }

  /**
   * Outer ids referenced by expressions `es` of node `p`. An id its children produce is the node's own
   * column, not an outer reference (the outer plan's relations may also occur inside the subquery).
   */
  private nodeRefs(p: LogicalPlan, es: readonly Expr[]): Set<number> {
    const local = childOutputIds(p);
    const s = new Set<number>();
    for (const e of es) for (const id of referencedIds(e)) if (this.outerAttrs.has(id) && !local.has(id)) s.add(id);
    return s;
  }

  /** Replaces the outer references of node `p`'s expression `e` by the columns holding their values. */
  private subst(p: LogicalPlan, e: Expr, map: ReadonlyMap<number, Expr>): Expr {
    const refs = this.nodeRefs(p, [e]);
    if (refs.size === 0) return e;
    return transformUp(e, (x) => (x.kind === 'attr' && refs.has(x.id) && map.has(x.id) ? map.get(x.id)! : x));
  }

  /** DISTINCT values of the given outer columns, under fresh ids. */
  private domain(ids: readonly number[]): { plan: LogicalPlan; attrs: Map<number, AttributeRef> } {
    const exprs = ids.map((id): Expr => {
      const a = this.outerAttrs.get(id)!;
      return { kind: 'alias', child: a, name: a.name, id: newExprId() };
    });
    const attrs = new Map(ids.map((id, i) => [id, toAttribute(exprs[i]!)]));
    return { plan: { kind: 'distinct', child: { kind: 'project', child: this.outer, exprs } }, attrs };
  }

  /** Makes `r` carry every outer id of `need` (joining the domain for the missing ones). */
  private extend(r: Pushed, need: ReadonlySet<number>): Pushed {
    const missing = [...need].filter((id) => !r.map.has(id));
    if (missing.length === 0) return r;
    const have = [...r.map.keys()];
    const d = this.domain([...have, ...missing]);
    const cond = conjunction(have.map((id) => nullSafeEquals(r.map.get(id)!, d.attrs.get(id)!)));
    const plan: LogicalPlan = cond ? { kind: 'join', left: r.plan, right: d.plan, joinType: 'inner', condition: cond } : { kind: 'join', left: r.plan, right: d.plan, joinType: 'cross' };
    const map = new Map(r.map);
    for (const id of missing) map.set(id, d.attrs.get(id)!);
    return { plan, map };
  }

  private push(p: LogicalPlan): Pushed {
    if (this.subtreeRefs(p).size === 0) return { plan: p, map: new Map() };
    switch (p.kind) {
      case 'filter':
        return this.pushFilter(p);
      case 'project': {
        const r = this.extend(this.push(p.child), this.nodeRefs(p, p.exprs));
        const exprs = p.exprs.map((e) => this.subst(p, e, r.map));
        const ids = new Set(exprs.map((e) => toAttribute(e).id));
        return { plan: { kind: 'project', child: r.plan, exprs: [...exprs, ...[...r.map.values()].filter((a) => !ids.has(a.id))] }, map: r.map };
      }
      case 'aggregate': {
        const r = this.extend(this.push(p.child), this.nodeRefs(p, [...p.groupBy, ...p.aggregates]));
        const keys = [...r.map.values()];
        const groupBy = p.groupBy.map((e) => this.subst(p, e, r.map));
        const aggregates = p.aggregates.map((e) => this.subst(p, e, r.map));
        if (p.groupBy.length > 0) return { plan: { kind: 'aggregate', child: r.plan, groupBy: [...groupBy, ...keys], aggregates: [...aggregates, ...keys] }, map: r.map };
        // The count bug: every domain value needs its row, the empty-input one when no group matched.
        const fresh = aggregates.map((a): Expr => (a.kind === 'alias' ? { ...a, id: newExprId() } : a));
        const mark: Expr = { kind: 'alias', child: { kind: 'literal', value: true, type: DataTypes.Boolean }, name: '_present', id: newExprId() };
        const agg: LogicalPlan = { kind: 'aggregate', child: r.plan, groupBy: keys, aggregates: [...fresh, ...keys, mark] };
        const ids = [...r.map.keys()];
        const d = this.domain(ids);
        const cond = conjunction(ids.map((id) => nullSafeEquals(d.attrs.get(id)!, r.map.get(id)!)))!;
        const joined: LogicalPlan = { kind: 'join', left: d.plan, right: agg, joinType: 'left', condition: cond };
        const markAttr = toAttribute(mark);
        const exprs = aggregates.map((a, i): Expr => {
          const v = toAttribute(fresh[i]!);
          const orig = p.aggregates[i]!;
          if (a.kind !== 'alias' || orig.kind !== 'alias') return v;
          // The empty-input value reads the outer values from the domain side (the aggregate side is NULL there).
          return { kind: 'alias', child: fixEmpty(v, markAttr, emptyValue(this.subst(p, orig.child, d.attrs))), name: a.name, id: a.id };
        });
        return { plan: { kind: 'project', child: joined, exprs: [...exprs, ...d.attrs.values()] }, map: d.attrs };
      }
      case 'join':
        return this.pushJoin(p);
      case 'union': {
        const need = this.subtreeRefs(p);
        const order = [...need];
        const children = p.children.map((c): LogicalPlan => {
          const r = this.extend(this.push(c), need);
          const orig = outputOf(c);
          const out = outputOf(r.plan);
          const byId = new Map(out.map((a) => [a.id, a]));
          return { kind: 'project', child: r.plan, exprs: [...orig.map((a) => byId.get(a.id) ?? a), ...order.map((id) => r.map.get(id)!)] };
        });
        const first = outputOf(children[0]!);
        const n = outputOf(p.children[0]!).length;
        return { plan: { kind: 'union', children }, map: new Map(order.map((id, i) => [id, first[n + i]!])) };
      }
      case 'distinct': {
        const r = this.push(p.child);
        return { plan: { kind: 'distinct', child: r.plan }, map: r.map };
      }
      case 'sort': {
        const r = this.extend(this.push(p.child), this.nodeRefs(p, p.orders.map((o) => o.expr)));
        return { plan: { kind: 'sort', child: r.plan, orders: p.orders.map((o) => ({ ...o, expr: this.subst(p, o.expr, r.map) })) }, map: r.map };
      }
      case 'subqueryAlias': {
        const r = this.push(p.child);
        const out = new Map(outputOf({ ...p, child: r.plan }).map((a) => [a.id, a]));
        return { plan: { ...p, child: r.plan }, map: new Map([...r.map].map(([id, a]) => [id, out.get(a.id) ?? a])) };
      }
      case 'window': {
        const r = this.extend(this.push(p.child), this.nodeRefs(p, [...p.windowExprs, ...p.partitionSpec, ...p.orderSpec.map((o) => o.expr)]));
        const keys = [...r.map.values()];
        const orderSpec: SortOrder[] = p.orderSpec.map((o) => ({ ...o, expr: this.subst(p, o.expr, r.map) }));
        const partitionSpec = [...p.partitionSpec.map((e) => this.subst(p, e, r.map)), ...keys];
        const windowExprs = p.windowExprs.map((e) =>
          transformUp(this.subst(p, e, r.map), (x) => (x.kind === 'window' ? { ...x, partitionBy: partitionSpec, orderBy: orderSpec } : x)),
        );
        return { plan: { kind: 'window', child: r.plan, windowExprs, partitionSpec, orderSpec }, map: r.map };
      }
      case 'limit': {
        // ORDER BY a column not selected: Limit(Project(Sort(..))) -> Project(Limit(Sort(..))) (a limit commutes with a projection).
        if (p.child.kind === 'project' && p.child.child.kind === 'sort') {
          return this.push({ kind: 'project', child: { ...p, child: p.child.child }, exprs: p.child.exprs });
        }
        // LIMIT per outer row: row_number() over the domain columns (in the order of a Sort below), then a filter.
        const sort = p.child.kind === 'sort' ? p.child : undefined;
        const r = this.extend(this.push(sort ? sort.child : p.child), this.nodeRefs(p, sort ? sort.orders.map((o) => o.expr) : []));
        const keys = [...r.map.values()];
        const orderBy: SortOrder[] = sort ? sort.orders.map((o) => ({ ...o, expr: this.subst(p, o.expr, r.map) })) : [];
        const rn: Expr = { kind: 'alias', child: { kind: 'window', fn: 'row_number', args: [], partitionBy: keys, orderBy }, name: '_rn', id: newExprId() };
        const win: LogicalPlan = { kind: 'window', child: r.plan, windowExprs: [rn], partitionSpec: keys, orderSpec: orderBy };
        const rnAttr = toAttribute(rn);
        const lo = p.offset ?? 0;
        const conds: Expr[] = [];
        if (lo > 0) conds.push({ kind: 'binary', op: '>', left: rnAttr, right: { kind: 'literal', value: lo, type: DataTypes.Integer } });
        if (Number.isFinite(p.n)) conds.push({ kind: 'binary', op: '<=', left: rnAttr, right: { kind: 'literal', value: lo + p.n, type: DataTypes.Integer } });
        const filtered: LogicalPlan = conds.length ? { kind: 'filter', child: win, condition: conjunction(conds)! } : win;
        const out = outputOf(r.plan);
        const sorted: LogicalPlan = { kind: 'project', child: filtered, exprs: out };
        return { plan: sort ? { kind: 'sort', child: sorted, orders: orderBy } : sorted, map: r.map };
      }
      case 'generate': {
        // explode(...) per row: the domain columns ride along with the child's columns.
        const r = this.extend(this.push(p.child), this.nodeRefs(p, [p.generator]));
        return { plan: { ...p, child: r.plan, generator: this.subst(p, p.generator, r.map) }, map: r.map };
      }
      case 'parquet':
      case 'local':
        return { plan: p, map: new Map() };
    }
  }

  private pushFilter(p: Extract<LogicalPlan, { kind: 'filter' }>): Pushed {
    const r = this.push(p.child);
    const refs = this.nodeRefs(p, [p.condition]);
    // Substitution: a conjunct `innerExpr = outerRef` (innerExpr not depending on the outer row) makes
    // innerExpr the column holding that outer value.
    const substituted = new Map<number, Expr>();
    for (const c of splitConjuncts(p.condition)) {
      if (c.kind !== 'binary' || c.op !== '=') continue;
      for (const [o, e] of [[c.left, c.right], [c.right, c.left]] as const) {
        if (o.kind !== 'attr' || !refs.has(o.id) || r.map.has(o.id) || substituted.has(o.id)) continue;
        if (this.nodeRefs(p, [e]).size > 0 || referencedIds(e).size === 0) continue;
        if (!typeEquals(typeOfResolved(e).type, o.type)) continue;
        substituted.set(o.id, e);
      }
    }
    const rest = new Set([...refs].filter((id) => !substituted.has(id)));
    const ext = this.extend(r, new Set([...rest, ...[...r.map.keys()]]));
    const map = new Map<number, Expr>([...ext.map, ...substituted]);
    const filter: LogicalPlan = { kind: 'filter', child: ext.plan, condition: this.subst(p, p.condition, map) };
    if (substituted.size === 0) return { plan: filter, map: ext.map };
    const aliases = [...substituted].map(([id, e]): [number, Expr] => [id, { kind: 'alias', child: e, name: this.outerAttrs.get(id)!.name, id: newExprId() }]);
    const plan: LogicalPlan = { kind: 'project', child: filter, exprs: [...outputOf(ext.plan), ...aliases.map(([, a]) => a)] };
    const out = new Map(ext.map);
    for (const [id, a] of aliases) out.set(id, toAttribute(a));
    return { plan, map: out };
  }

  private pushJoin(p: Extract<LogicalPlan, { kind: 'join' }>): Pushed {
    if ((p.joinType === 'inner' || p.joinType === 'cross') && p.condition) {
      // Correlated conjuncts of an inner join's ON are a filter above it (so `inner = outer` substitutes).
      const parts = splitConjuncts(p.condition);
      const correlated = parts.filter((c) => this.nodeRefs(p, [c]).size > 0);
      if (correlated.length > 0) {
        const rest = conjunction(parts.filter((c) => !correlated.includes(c)));
        const join: LogicalPlan = rest ? { ...p, joinType: 'inner', condition: rest } : { kind: 'join', left: p.left, right: p.right, joinType: 'cross' };
        return this.pushFilter({ kind: 'filter', child: join, condition: conjunction(correlated)! });
      }
    }
    let l = this.push(p.left);
    let r = this.push(p.right);
    const condRefs = p.condition ? this.nodeRefs(p, [p.condition]) : new Set<number>();
    const keysOf = (x: Pushed) => new Set(x.map.keys());
    const union = (...sets: ReadonlySet<number>[]) => new Set(sets.flatMap((s) => [...s]));
    const eqs: Expr[] = [];
    let map: Map<number, AttributeRef>;
    switch (p.joinType) {
      case 'inner':
      case 'cross': {
        const missing = [...condRefs].filter((id) => !l.map.has(id) && !r.map.has(id));
        if (missing.length) l = this.extend(l, union(keysOf(l), new Set(missing)));
        map = new Map(r.map);
        for (const [id, a] of l.map) {
          if (r.map.has(id)) eqs.push(nullSafeEquals(a, r.map.get(id)!));
          map.set(id, a);
        }
        break;
      }
      case 'left':
      case 'left_semi':
      case 'left_anti': {
        l = this.extend(l, union(keysOf(l), keysOf(r), condRefs));
        for (const [id, a] of r.map) eqs.push(nullSafeEquals(l.map.get(id)!, a));
        map = new Map(l.map);
        break;
      }
      case 'right': {
        r = this.extend(r, union(keysOf(l), keysOf(r), condRefs));
        for (const [id, a] of l.map) eqs.push(nullSafeEquals(a, r.map.get(id)!));
        map = new Map(r.map);
        break;
      }
      case 'full': {
        const all = union(keysOf(l), keysOf(r), condRefs);
        l = this.extend(l, all);
        r = this.extend(r, all);
        const condMap = new Map(l.map);
        for (const [id, a] of l.map) eqs.push(nullSafeEquals(a, r.map.get(id)!));
        const cond = conjunction([...(p.condition ? [this.subst(p, p.condition, condMap)] : []), ...eqs]);
        const joined: LogicalPlan = { kind: 'join', left: l.plan, right: r.plan, joinType: 'full', ...(cond ? { condition: cond } : {}) };
        const coalesced = [...l.map].map(([id, a]): [number, Expr] => [id, { kind: 'alias', child: { kind: 'call', name: 'coalesce', args: [a, r.map.get(id)!] }, name: a.name, id: newExprId() }]);
        const exprs = [...outputOf(p.left), ...outputOf(p.right)].map((a) => outputOf(joined).find((b) => b.id === a.id) ?? a);
        return {
          plan: { kind: 'project', child: joined, exprs: [...exprs, ...coalesced.map(([, e]) => e)] },
          map: new Map(coalesced.map(([id, e]) => [id, toAttribute(e)])),
        };
      }
    }
    const cond = conjunction([...(p.condition ? [this.subst(p, p.condition, map)] : []), ...eqs]);
    const joinType = p.joinType === 'cross' && cond ? 'inner' : p.joinType;
    return { plan: { kind: 'join', left: l.plan, right: r.plan, joinType, ...(cond ? { condition: cond } : {}) }, map };
  }
}

/** The ids of the outputs of a node's children (what its expressions may reference locally). */
function childOutputIds(p: LogicalPlan): Set<number> {
  return new Set(planChildren(p).flatMap((c) => outputOf(c).map((a) => a.id)));
}

/** The expressions of one plan node (not of its children). */
function nodeExprs(p: LogicalPlan): Expr[] {
  switch (p.kind) {
    case 'project':
      return [...p.exprs];
    case 'filter':
      return [p.condition];
    case 'aggregate':
      return [...p.groupBy, ...p.aggregates];
    case 'join':
      return p.condition ? [p.condition] : [];
    case 'sort':
      return p.orders.map((o) => o.expr);
    case 'window':
      return [...p.windowExprs, ...p.partitionSpec, ...p.orderSpec.map((o) => o.expr)];
    case 'generate':
      return [p.generator];
    default:
      return [];
  }
}

