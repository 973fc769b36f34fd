/**
 * The binder: SQL AST -> analyzed LogicalPlan, built with the analyzer functions and DataFrame
 * methods the DataFrame API uses, so `spark.sql(...)` and the equivalent DataFrame code give the same
 * plan. Spark's analysis rules it follows:
 *
 * - relations: temp views, CTEs, FROM subqueries and files; a relation referenced twice gets fresh
 *   attribute ids the second time (Spark's DeduplicateRelations), under a SubqueryAlias so `t.col` works;
 * - GROUP BY ordinals and select aliases; HAVING and ORDER BY in an aggregate query resolve against the
 *   select list first, then grouping expressions and aggregate calls (added as hidden aggregate outputs
 *   and projected away); ORDER BY in a plain query may name input columns not selected (added, then
 *   projected away);
 * - UNION ALL -> Union (widened like `DataFrame.union`), UNION -> Distinct(Union), INTERSECT / EXCEPT ->
 *   Distinct(left semi / anti join on null-safe equality of every column) (ReplaceIntersectWithSemiJoin);
 * - `[NOT] IN (subquery)` and `[NOT] EXISTS` as top-level WHERE conjuncts -> left semi / anti joins,
 *   equality-correlated ones on their correlation predicates (NOT IN null-aware: `a = x OR isnull(a = x)`);
 *   uncorrelated scalar subqueries -> a cross join with a one-row aggregate; correlated scalar aggregates
 *   (`(SELECT avg(x) FROM t WHERE t.k = o.k)`) -> a left join with the aggregate grouped by the
 *   correlation keys (RewriteCorrelatedScalarSubquery);
 * - every other correlated subquery (outer references at any depth: derived tables, unions, joins,
 *   aggregates; non-equality correlation; HAVING; IN / EXISTS under OR or in the select list) and
 *   LATERAL subqueries: bound with the enclosing scopes as outer scopes, then decorrelated into joins
 *   (decorrelate.ts: DecorrelateInnerQuery-style push-down of the outer references; subquery-joins.ts:
 *   left joins, mark joins for IN / EXISTS values, semi / anti joins, lateral joins);
 * - ROLLUP / CUBE / GROUPING SETS -> a union of one aggregate per grouping set, the keys left out of a
 *   set reading as NULL (Expand + Aggregate without grouping_id);
 * - window calls in the select list -> Window nodes below the projection (projectWithWindows).
 */
import { AnalysisError, InvalidArgumentError, NotImplementedError } from '../errors.js';
import { type DataType, DataTypes, typeEquals, typeToString } from '../types/data-type.js';
import { Schema, field } from '../types/schema.js';
import { commonType } from '../types/type-coercion.js';
import { evaluateConstant } from '../exec/expression-eval.js';
import {
  type AttributeRef,
  type Expr,
  type Literal,
  type SortOrder,
  aggregateArgs,
  conjunction,
  exprExists,
  exprName,
  mapChildren,
  referencedIds as referencedIdsOf,
  newExprId,
  placeholderLiteral,
  transformUp,
} from '../plan/expression.js';
import { type JoinType, type LogicalPlan, outputOf, toAttribute } from '../plan/logical-plan.js';
import { typeOfResolved } from '../plan/typing.js';
import { castTo, checkAggregateExpressions, exprKey, projectWithWindows, resolveColumn, resolveExpr, toNamed } from '../plan/analyzer.js';
import type { SparkSession } from '../api/session.js';
import { DataFrame } from '../api/dataframe.js';
import { Column } from '../api/column.js';
import type { Catalog } from './catalog.js';
import { unknownTable } from './catalog.js';
import type { InlineTable, Query, QueryTerm, Relation, SelectCore, SelectItem, SortItem, SqlExpr, SqlJoinType } from './ast.js';
import { containsAggregate, sqlChildren, translateExpr, type TranslateHooks } from './translate.js';
import { sqlOnlyName } from './naming.js';
import { outerReferences } from './decorrelate.js';
import { type SubqueryValue, joinSubqueryValue, lateralJoin, semiJoinSubquery } from './subquery-joins.js';

/** What binding needs from the session. */
export interface BindContext {
  readonly session: SparkSession;
  readonly catalog: Catalog;
  /** Plans of file relations (``parquet.`path` ``), read before binding (reading a footer is I/O); key `format:path`. */
  readonly files: ReadonlyMap<string, LogicalPlan>;
}

/** A correlated subquery being bound: the outer columns it may see and the predicates it pulls up. */
interface Correlation {
  readonly outer: readonly AttributeRef[];
  /** True when the subquery's shape allows pulling correlated WHERE conjuncts into a join. */
  readonly allowed: boolean;
  /** Correlated conjuncts, resolved against [...outer, ...inner FROM output]. */
  readonly conds: Expr[];
  /** The FROM + uncorrelated WHERE plan, and the resolved select items over it (set when conds is non-empty). */
  fromPlan?: LogicalPlan;
  items?: Expr[];
  /** A correlated scalar subquery with an aggregate: its correlated equalities as (outer expression, inner grouping key). */
  keys?: { outer: Expr; inner: AttributeRef }[];
  /** The value of the correlated aggregate for an outer row without matches (count: 0), when not null. */
  emptyValue?: Expr;
}

type SubqueryExpr = Extract<SqlExpr, { kind: 'scalarSubquery' | 'inSubquery' | 'exists' }>;

/** Binds the queries of one statement. */
export class Binder {
  private readonly usedIds = new Set<number>();
  private readonly ctes: Map<string, LogicalPlan>[] = [];
  /**
   * Join keys hidden by USING / NATURAL joins (Spark's hidden output / metadata columns), by id: still
   * in the plan's output and reachable as `t.k` or through `t.*`, but not by `k` nor by `*`.
   */
  private readonly hidden = new Map<number, AttributeRef>();
  /** Per qualifier (lower case), the columns of the relation in their order, for `t.*` with hidden keys. */
  private readonly starOrder = new Map<string, AttributeRef[]>();
  /**
   * Scopes of the enclosing queries of a subquery bound for general decorrelation (innermost last):
   * a column name no relation of the subquery's own FROM answers to resolves there, at any depth
   * (derived tables, unions, joins inside the subquery), as an outer reference (decorrelate.ts).
   */
  private readonly outerScopes: (readonly AttributeRef[])[] = [];
  /** Outer references handed out, by id: the outer attribute under its own name. */
  private readonly outerOriginal = new Map<number, AttributeRef>();

  constructor(private readonly ctx: BindContext) {}

  /** Binds a query to an analyzed logical plan. */
  bindQuery(q: Query, corr?: Correlation): LogicalPlan {
    const scope = new Map<string, LogicalPlan>();
    this.ctes.push(scope);
    try {
      for (const cte of q.with) {
        let plan = this.bindQuery(cte.query);
        if (cte.columns) plan = renameColumns(plan, cte.columns, `WITH ${cte.name}`);
        scope.set(cte.name.toLowerCase(), plan);
      }
      let plan: LogicalPlan;
      if (q.body.kind === 'select') plan = this.bindSelect(q.body, q.orderBy, corr);
      else {
        plan = this.bindTerm(q.body);
        if (q.orderBy.length) plan = { kind: 'sort', child: plan, orders: this.outputOrders(q.orderBy, outputOf(plan)) };
      }
      const offset = q.offset ? constantInt(q.offset, 'OFFSET') : 0;
      if (q.limit || offset > 0) {
        const n = q.limit ? constantInt(q.limit, 'LIMIT') : Infinity;
        plan = { kind: 'limit', child: plan, n, ...(offset > 0 ? { offset } : {}) };
      }
      return plan;
    } finally {
      this.ctes.pop();
    }
  }

  private bindTerm(t: QueryTerm): LogicalPlan {
    switch (t.kind) {
      case 'select':
        return this.bindSelect(t, []);
      case 'nested':
        return this.bindQuery(t.query);
      case 'values':
        return this.bindInlineTable(t);
      case 'setOp': {
        const left = this.bindTerm(t.left);
        const right = this.bindTerm(t.right);
        const l = this.df(left);
        const r = this.df(right);
        if (t.op === 'union') {
          const u = l.union(r).plan;
          return t.all ? u : { kind: 'distinct', child: u };
        }
        // Widen both sides like union, then a null-safe semi/anti join on every column.
        const widened = l.union(r).plan as Extract<LogicalPlan, { kind: 'union' }>;
        const [wl, wr] = widened.children as [LogicalPlan, LogicalPlan];
        const lo = outputOf(wl);
        const ro = outputOf(wr);
        const joinType: JoinType = t.op === 'intersect' ? 'left_semi' : 'left_anti';
        if (!t.all) {
          // [DISTINCT]: distinct rows of the semi / anti join (ReplaceIntersectWithSemiJoin, ReplaceExceptWithAntiJoin).
          const cond = conjunction(lo.flatMap((a, i) => nullSafeEqualities(a, ro[i]!)))!;
          return { kind: 'distinct', child: { kind: 'join', left: wl, right: wr, joinType, condition: resolveExpr(cond, [...lo, ...ro]) } };
        }
        // ALL: the k-th copy of a row on the left is kept if the right has (INTERSECT) / has not (EXCEPT)
        // a k-th copy, so a row appearing m times on the left and n on the right is output min(m, n)
        // resp. max(m - n, 0) times (Spark's multiplicities; NULLs are equal). Copies are numbered by
        // row_number() over a partition by every column.
        const [nl, lrn] = numberDuplicates(wl);
        const [nr, rrn] = numberDuplicates(wr);
        const conds = [...lo.flatMap((a, i) => nullSafeEqualities(a, ro[i]!)), { kind: 'binary', op: '=', left: lrn, right: rrn } as Expr];
        const join: LogicalPlan = { kind: 'join', left: nl, right: nr, joinType, condition: resolveExpr(conjunction(conds)!, [...outputOf(nl), ...outputOf(nr)]) };
        return { kind: 'project', child: join, exprs: lo };
      }
    }
  }

  // ---- SELECT ---------------------------------------------------------------------------------

  private bindSelect(core0: SelectCore, orderBy: readonly SortItem[], corr?: Correlation): LogicalPlan {
    let core = core0;
    if (core.having && !core.groupBy && this.ctx.session.conf.get('spark.sql.legacy.parser.havingWithoutGroupByAsWhere')?.toLowerCase() === 'true') {
      // Spark's legacy mode: HAVING without GROUP BY is a WHERE condition.
      const { having, ...rest } = core;
      const pos = { line: 1, column: 1 };
      core = { ...rest, where: core.where ? { kind: 'binary', op: 'and', left: core.where, right: having, pos } : having };
    }
    let plan = this.bindFrom(core.from);
    const fromOut = outputOf(plan);
    const visible = fromOut.filter((a) => !this.hidden.has(a.id));
    // Names resolve against the FROM clause's columns plus scalar subquery values, never against the
    // helper columns a correlated subquery's join brings along (its grouping keys). Hidden join keys
    // are in scope under a name no reference matches; `t.k` reaches them through the rename hook.
    const scope: AttributeRef[] = [...visible, ...fromOut.filter((a) => this.hidden.has(a.id)).map(mangleHidden)];
    const rename = this.outerHook(this.hiddenKeyHook(visible, fromOut), [...scope]);
    scope.push(...this.outerScopeAttrs());
    const semiConjuncts = new Set(core.where ? sqlConjuncts(core.where).map((c) => (c.kind === 'unary' && c.op === 'not' ? c.child : c)) : []);

    // Scalar subqueries in WHERE and SELECT: cross-joined one-row plans, referenced by attribute
    // (in an aggregate query, those of the select list are joined above the aggregate instead).
    const isAggregate = core.groupBy !== undefined || core.having !== undefined || core.items.some((i) => containsAggregate(i.expr));
    const scalars = new Map<SqlExpr, Expr>();
    // (In an aggregate query, subqueries inside aggregate arguments are joined here too, below the aggregate.)
    const scalarSources = [...(core.where ? [core.where] : []), ...(isAggregate ? core.items.flatMap((i) => aggregateArguments(i.expr)) : core.items.map((i) => i.expr))];
    for (const s of scalarSources) {
      for (const sq of collectSubqueries(s)) {
        if (sq.kind !== 'scalarSubquery' && semiConjuncts.has(sq)) continue;
        const { plan: joined, value } =
          sq.kind === 'scalarSubquery' ? this.joinScalar(plan, sq, visible) : this.joinValue(plan, sq, this.localScope(scope), sq.kind === 'inSubquery' ? resolveExpr(translateExpr(sq.child, { rename }), scope) : undefined);
        plan = joined;
        scalars.set(sq, value);
        scope.push(value as AttributeRef);
      }
    }
    const hooks: TranslateHooks = {
      rename,
      subquery: (e) => {
        const v = scalars.get(e);
        if (v) return v;
        throw new NotImplementedError(
          `${e.kind === 'exists' ? 'EXISTS (subquery)' : e.kind === 'inSubquery' ? 'IN (subquery)' : 'a scalar subquery'} at line ${e.pos.line}, column ${e.pos.column}: ` +
            'subqueries are supported in WHERE, HAVING, the select list, aggregate arguments and JOIN ... ON, not here',
        );
      },
    };

    if (core.where) {
      const filters: Expr[] = [];
      const semis: SqlExpr[] = [];
      for (const c of sqlConjuncts(core.where)) {
        const inner = c.kind === 'unary' && c.op === 'not' ? c.child : c;
        if (inner.kind === 'exists' || inner.kind === 'inSubquery') semis.push(c);
        else {
          const p = this.bindPredicate(c, scope, hooks, corr);
          if (p) filters.push(p);
        }
      }
      const cond = conjunction(filters);
      if (cond) plan = { kind: 'filter', child: plan, condition: checkFilter(resolveExpr(cond, scope)) };
      for (const s of semis) plan = this.bindSemiJoin(plan, scope, s, hooks);
    }

    const input = scope;
    if (isAggregate) return this.bindAggregate(core, orderBy, plan, scope, visible, hooks, corr, new Set(scalars.keys()));

    const items = this.namedItems(core.items, input, visible, hooks, true);
    if (corr && corr.conds.length > 0) {
      corr.fromPlan = plan;
      corr.items = items;
    }
    // Window function calls are computed by Window nodes below the projection (ExtractWindowExpressions).
    let project: LogicalPlan = projectWithWindows(plan, items);
    if (core.distinct) project = { kind: 'distinct', child: project };
    if (orderBy.length === 0) return project;

    // ORDER BY: select output first, then input columns (added to the projection, then removed).
    const out = outputOf(project);
    const missing: AttributeRef[] = [];
    const orders = orderBy.map((o): SortOrder => {
      const ord = ordinal(o.expr, out);
      const expr = ord ?? this.resolveWithFallback(translateExpr(o.expr, hooks), out, input, missing);
      if (exprExists(expr, (x) => x.kind === 'agg')) {
        throw new AnalysisError(`aggregate function in ORDER BY of a query without GROUP BY or aggregates in its select list: ${exprName(expr)}`);
      }
      if (exprExists(expr, (x) => x.kind === 'window')) {
        throw new NotImplementedError(`a window function in ORDER BY (${exprName(expr)}); select it with an alias and order by the alias`);
      }
      return sortOrder(expr, o);
    });
    if (missing.length === 0) return { kind: 'sort', child: project, orders };
    if (core.distinct) {
      throw new AnalysisError(`ORDER BY ${missing.map((m) => m.name).join(', ')}: with SELECT DISTINCT, ORDER BY may only use selected columns`);
    }
    const widened: LogicalPlan = projectWithWindows(plan, [...items, ...missing]);
    return { kind: 'project', child: { kind: 'sort', child: widened, orders }, exprs: out };
  }

  /** Select items as named expressions; `*` expands to the FROM clause's columns only. */
  private namedItems(items: readonly SelectItem[], input: readonly AttributeRef[], visible: readonly AttributeRef[], hooks: TranslateHooks, writtenCase = false): Expr[] {
    const out: Expr[] = [];
    for (const item of items) {
      if (item.expr.kind === 'star') {
        const q = item.expr.qualifier;
        let attrs = q ? visible.filter((a) => a.qualifier?.toLowerCase() === q.toLowerCase()) : visible;
        if (q) {
          // `t.*` of a USING / NATURAL join side: its columns in order, hidden keys included.
          const inScope = new Set(input.map((a) => a.id));
          const order = (this.starOrder.get(q.toLowerCase()) ?? []).filter((a) => inScope.has(a.id));
          if (order.length > attrs.length && attrs.every((a) => order.some((o) => o.id === a.id))) attrs = order;
        }
        if (q && attrs.length === 0) {
          const quals = [...new Set(visible.map((a) => a.qualifier).filter((x): x is string => !!x))];
          throw new AnalysisError(`cannot resolve '${q}.*': no relation in FROM is called '${q}' (relations: ${quals.join(', ') || '(none)'})`);
        }
        out.push(...attrs);
        continue;
      }
      const e = translateExpr(item.expr, hooks);
      // Unaliased SQL-only syntax (EXTRACT, DIV, simple CASE, ...) gets Spark's name, not its translation's.
      const name = item.alias ?? decorrelatedName(item.expr, e) ?? sqlOnlyName(item.expr);
      const resolved = resolveExpr(name !== undefined ? { kind: 'alias', child: e, name, id: newExprId() } : e, input);
      const written = item.expr.kind === 'column' ? item.expr.parts[item.expr.parts.length - 1]! : undefined;
      if (writtenCase && written !== undefined && resolved.kind === 'attr' && resolved.name !== written && !this.hidden.has(resolved.id)) {
        // Spark names a column reference as written (`SELECT COL1` of a column col1 is COL1).
        out.push({ ...resolved, name: written });
        continue;
      }
      out.push(this.unmangle(toNamed(resolved)));
    }
    if (out.length === 0) throw new AnalysisError('SELECT list is empty (no columns matched the star)');
    // A hidden join key that is selected becomes an ordinary column of this SELECT (a fresh id, so
    // an enclosing query's `*` sees it).
    return out.map((e): Expr => {
      if (e.kind === 'attr' && this.hidden.has(e.id)) return { kind: 'alias', child: e, name: this.hidden.get(e.id)!.name, id: newExprId() };
      // A selected outer reference is a column of this SELECT under the outer column's name.
      if (e.kind === 'attr' && this.outerOriginal.has(e.id)) return { kind: 'alias', child: e, name: this.outerOriginal.get(e.id)!.name, id: newExprId() };
      return e;
    });
  }

  private bindAggregate(
    core: SelectCore,
    orderBy: readonly SortItem[],
    child: LogicalPlan,
    input: readonly AttributeRef[],
    visible: readonly AttributeRef[],
    hooks0: TranslateHooks,
    corr: Correlation | undefined,
    belowAggregate: ReadonlySet<SqlExpr> = new Set(),
  ): LogicalPlan {
    if (corr && corr.conds.length > 0) return this.bindCorrelatedAggregate(core, child, input, visible, hooks0, corr);
    // grouping(x), grouping_id(...) and grouping__id: marker literals, replaced per grouping set.
    const markers: GroupingMarker[] = [];
    const hooks: TranslateHooks = { ...hooks0, rename: (x) => groupingMarker(x, markers) ?? hooks0.rename?.(x) };
    // Select items with window calls over an aggregate (`rank() OVER (ORDER BY sum(v))`) or scalar
    // subqueries are computed by a projection above the aggregate.
    const isPostItem = core.items.map((i) => hasWindowCall(i.expr) || collectSubqueries(i.expr).some((sq) => !belowAggregate.has(sq)));
    const hasPostItems = isPostItem.some(Boolean);
    if (hasPostItems && (core.distinct || core.items.some((i) => i.expr.kind === 'star'))) {
      throw new NotImplementedError('window functions or scalar subqueries in an aggregate query with SELECT DISTINCT or *');
    }
    const translatedItem = (i: number) => (core.items[i]!.expr.kind === 'star' ? undefined : translateExpr(core.items[i]!.expr, hooks));
    // spark.sql.groupByOrdinal=false: `GROUP BY 1` groups by the constant 1.
    const ordinals = this.ctx.session.conf.get('spark.sql.groupByOrdinal')?.toLowerCase() !== 'false';
    const resolveGroupItem = (g: SqlExpr): Expr => {
      if (ordinals && g.kind === 'literal' && typeof g.value === 'number' && g.type.kind === 'int32') {
        const n = g.value;
        const item = core.items[n - 1];
        if (!item || n < 1) throw new AnalysisError(`GROUP BY position ${n} is not in the select list (which has ${core.items.length} items)`);
        if (isPostItem[n - 1]) throw new AnalysisError(`GROUP BY position ${n} refers to a window function or a subquery`);
        const e = translatedItem(n - 1);
        if (!e) throw new AnalysisError(`GROUP BY position ${n} refers to '*', which cannot be grouped by position`);
        if (containsAggregate(item.expr)) {
          throw new AnalysisError(`GROUP BY position ${n} refers to an aggregate function (${exprName(e)})`);
        }
        return resolveExpr(e, input);
      }
      const e = translateExpr(g, hooks);
      try {
        return resolveExpr(e, input);
      } catch (err) {
        // Spark's group-by-alias: a name that is not a column may be a select alias.
        if (g.kind === 'column' && g.parts.length === 1) {
          const i = core.items.findIndex((it) => it.alias?.toLowerCase() === g.parts[0]!.toLowerCase());
          if (i >= 0 && !containsAggregate(core.items[i]!.expr) && !isPostItem[i]) return resolveExpr(translatedItem(i)!, input);
        }
        throw err;
      }
    };
    const groupBy: Expr[] = (core.groupBy?.exprs ?? []).map(resolveGroupItem);
    const sets = groupingSets(core, groupBy, resolveGroupItem);
    const groupKeys = groupBy.map(exprKey);
    const markerBits = (): number[][] =>
      markers.map((m) =>
        (m.args ?? []).map((a) => {
          const i = groupKeys.indexOf(exprKey(resolveExpr(translateExpr(a, hooks0), input)));
          if (i < 0) throw new AnalysisError(`the argument ${exprName(translateExpr(a))} of ${m.fn}() must be a grouping expression`);
          return i;
        }),
      );
    let markerArgs: number[][] | undefined; // computed once every marker is known (after HAVING and ORDER BY)
    const argsOf = () => (markerArgs ??= markerBits().map((ix, k) => (markers[k]!.args ? ix : groupBy.map((_, i) => i))));    for (const g of groupBy) {
      if (exprExists(g, (x) => x.kind === 'agg')) throw new AnalysisError(`aggregate functions are not allowed in GROUP BY: ${exprName(g)}`);
    }
    const aggregates = this.namedItems(core.items.filter((_, i) => !isPostItem[i]), input, visible, hooks);
    // Outer references (of a subquery bound for decorrelation) are constants per outer row, like grouping columns.
    const outerRefs = input.filter((a) => this.outerOriginal.has(a.id) && a.name !== this.outerOriginal.get(a.id)!.name);
    if (outerRefs.length > 0) checkOuterAggregates(aggregates, new Set(outerRefs.map((a) => a.id)));
    checkAggregateExpressions([...groupBy, ...outerRefs], aggregates);
    const visibleCount = aggregates.length;
    const state: AggState = { input, groupBy, aggregates, visibleCount, extra: [...outerRefs] };
    let having: Expr | undefined;
    // Scalar subqueries in HAVING are cross-joined onto the aggregate's output (q11-style); correlated
    // ones and IN / EXISTS are joined by general decorrelation (on grouping columns).
    const havingScalars: { apply: (p: LogicalPlan) => LogicalPlan }[] = [];
    const aggregateSubquery = (sq: SubqueryExpr, havingPart: boolean): Expr => {
      const general = () => {
        const x = sq.kind === 'inSubquery' ? this.resolveInAggregate(translateExpr(sq.child, hooks), state, havingPart) : undefined;
        const r = this.aggregateSubquery(sq, state, x);
        havingScalars.push({ apply: r.apply });
        state.extra.push(r.value);
        return r.value;
      };
      if (sq.kind !== 'scalarSubquery') return general();
      return this.withGeneralFallback(() => {
        const { plan: one, value } = this.scalarPlan(sq, []);
        havingScalars.push({ apply: (p) => ({ kind: 'join', left: p, right: one, joinType: 'cross' }) });
        state.extra.push(...outputOf(one));
        return value;
      }, general);
    };
    if (core.having) {
      const scalarValues = new Map<SqlExpr, Expr>();
      for (const sq of collectSubqueries(core.having)) scalarValues.set(sq, aggregateSubquery(sq, true));
      const havingHooks: TranslateHooks = { rename: hooks.rename, subquery: (e) => scalarValues.get(e)! };
      having = checkFilter(this.resolveInAggregate(translateExpr(core.having, havingHooks), state, true));
    }
    // Scalar subqueries of the select list: joined onto the aggregate like HAVING's.
    const itemScalars = new Map<SqlExpr, Expr>();
    for (const item of core.items) {
      for (const sq of collectSubqueries(item.expr)) if (!belowAggregate.has(sq)) itemScalars.set(sq, aggregateSubquery(sq, false));
    }
    const postHooks: TranslateHooks = { rename: hooks.rename, subquery: (e) => itemScalars.get(e) ?? hooks.subquery!(e) };
    // The select list in order: aggregate outputs, and the other items resolved over the aggregate's output.
    let next = 0;
    const finalList: Expr[] = core.items.map((item, i): Expr => {
      if (!isPostItem[i]) return toAttribute(aggregates[next++]!);
      const e = this.resolveInAggregate(translateExpr(item.expr, postHooks), state);
      const name = item.alias ?? decorrelatedName(item.expr, e) ?? sqlOnlyName(item.expr);
      return name !== undefined ? { kind: 'alias', child: e, name, id: newExprId() } : toNamed(e);
    });
    const finalOut = finalList.map(toAttribute);
    let orders: SortOrder[] = [];
    if (orderBy.length) {
      const out = hasPostItems ? finalOut : aggregates.slice(0, visibleCount).map(toAttribute);
      orders = orderBy.map((o) => {
        const name = o.expr.kind === 'column' && o.expr.parts.length === 1 ? o.expr.parts[0]!.toLowerCase() : undefined;
        const windowAlias = hasPostItems && name !== undefined ? finalOut.find((a, i) => isPostItem[i] && a.name.toLowerCase() === name) : undefined;
        return sortOrder(ordinal(o.expr, out) ?? windowAlias ?? this.resolveInAggregate(translateExpr(o.expr, hooks), state), o);
      });
    }
    checkAggregateExpressions([...groupBy, ...outerRefs], aggregates);
    if (markers.length > 0 && !sets) throw new AnalysisError('grouping() / grouping_id() / grouping__id can only be used with GROUPING SETS, CUBE or ROLLUP');
    let plan: LogicalPlan = sets
      ? expandGroupingSets(child, groupBy, aggregates, sets, (lit, set) => groupingValue(lit, set, markers, argsOf()))
      : { kind: 'aggregate', child, groupBy, aggregates };
    for (const h of havingScalars) plan = h.apply(plan);
    const out = aggregates.slice(0, visibleCount).map(toAttribute);
    const hidden = aggregates.length > visibleCount || havingScalars.length > 0;
    if (having) plan = { kind: 'filter', child: plan, condition: having };
    if (hasPostItems) {
      const ids = new Set(finalOut.map((a) => a.id));
      const carried = outputOf(plan).filter((a) => !ids.has(a.id));
      plan = projectWithWindows(plan, [...finalList, ...carried]);
      if (orders.length) plan = { kind: 'sort', child: plan, orders };
      return carried.length ? { kind: 'project', child: plan, exprs: finalOut } : plan;
    }
    if (core.distinct) {
      if (hidden && orders.length) throw new AnalysisError('with SELECT DISTINCT, ORDER BY may only use selected columns');
      if (hidden) plan = { kind: 'project', child: plan, exprs: out };
      plan = { kind: 'distinct', child: plan };
      return orders.length ? { kind: 'sort', child: plan, orders } : plan;
    }
    if (orders.length) plan = { kind: 'sort', child: plan, orders };
    return hidden ? { kind: 'project', child: plan, exprs: out } : plan;
  }

  /**
   * Resolves a HAVING / ORDER BY expression of an aggregate query: names first against the select
   * list, then grouping expressions and aggregate calls against the input, the latter added to the
   * aggregate's outputs as hidden columns.
   */
  private resolveInAggregate(e: Expr, st: AggState, having = false): Expr {
    const visibleOut = () => st.aggregates.slice(0, st.visibleCount).map(toAttribute);
    const rewrite = (x: Expr): Expr => {
      if (x.kind === 'agg') return aggOutput(resolveExpr(x, st.input), st);
      if (x.kind === 'literal') return isGroupingMarker(x) ? aggOutput(x, st) : x;
      if (x.kind === 'unresolved' && having) {
        // In HAVING a grouping column wins over a select alias of the same name (Spark).
        let r: Expr | undefined;
        try {
          r = resolveExpr(x, st.input);
        } catch {
          r = undefined;
        }
        if (r && st.groupBy.some((g) => exprKey(g) === exprKey(r))) return aggOutput(r, st);
      }
      if (x.kind === 'unresolved') {
        const a = tryResolveColumn(x, visibleOut());
        if (a) return a;
      }
      if (!exprExists(x, (y) => y.kind === 'agg')) {
        let r: Expr | undefined;
        try {
          r = resolveExpr(x, st.input);
        } catch (err) {
          if (x.kind === 'unresolved') resolveColumn(x.name, x.qualifier, [...visibleOut(), ...st.input]);
          if (isAmbiguity(err)) throw err;
        }
        if (r) {
          const k = exprKey(r);
          if (st.groupBy.some((g) => exprKey(g) === k)) return aggOutput(r, st);
          if (x.kind === 'unresolved') {
            throw new AnalysisError(
              `column '${exprName(r)}' is neither grouped nor aggregated; add it to GROUP BY or wrap it in an aggregate function such as first(${exprName(r)})`,
            );
          }
        }
      }
      return mapChildren(x, rewrite);
    };
    return resolveExpr(rewrite(e), [...st.aggregates.map(toAttribute), ...st.extra]);
  }

  /**
   * A correlated scalar subquery with aggregates (`(SELECT avg(x) FROM t WHERE t.k = outer.k)`):
   * the correlated equalities' inner sides become grouping keys, output after the value, and the
   * caller left-joins the result on the outer sides (Spark's RewriteCorrelatedScalarSubquery).
   */
  private bindCorrelatedAggregate(
    core: SelectCore,
    child: LogicalPlan,
    input: readonly AttributeRef[],
    visible: readonly AttributeRef[],
    hooks: TranslateHooks,
    corr: Correlation,
  ): LogicalPlan {
    // Spark (CheckAnalysis): GROUP BY in a correlated scalar subquery may only name the inner sides
    // of its correlated equalities, so there is still at most one row per outer row.
    if (core.distinct || (core.having && !core.groupBy) || (core.groupBy && core.groupBy.kind !== 'exprs')) {
      throw new NotImplementedError('a correlated scalar subquery with DISTINCT, grouping sets, or HAVING without GROUP BY');
    }
    const innerIds = new Set(input.map((a) => a.id));
    const outerIds = new Set(corr.outer.map((a) => a.id));
    const keys: { outer: Expr; inner: Expr }[] = [];
    for (const c of corr.conds) {
      const sides = c.kind === 'binary' && c.op === '=' ? [c.left, c.right] : undefined;
      const only = (e: Expr, ids: Set<number>) => { const r = referencedIdsOf(e); return r.size > 0 && [...r].every((i) => ids.has(i)); };
      if (sides && only(sides[0]!, innerIds) && only(sides[1]!, outerIds)) keys.push({ inner: sides[0]!, outer: sides[1]! });
      else if (sides && only(sides[1]!, innerIds) && only(sides[0]!, outerIds)) keys.push({ inner: sides[1]!, outer: sides[0]! });
      else throw new NotImplementedError(`a correlated scalar subquery whose correlation ${exprName(c)} is not an equality between an inner and an outer expression`);
    }
    const items = this.namedItems(core.items, input, visible, hooks);
    if (items.length !== 1) throw new AnalysisError(`a scalar subquery must return one column, got ${items.length}`);
    const groupBy = keys.map((k) => k.inner);
    for (const g of core.groupBy?.exprs ?? []) {
      const r = resolveExpr(translateExpr(g, hooks), input);
      if (!groupBy.some((k) => exprKey(k) === exprKey(r))) {
        throw new AnalysisError(
          `a correlated scalar subquery may only group by the inner sides of its correlated equalities, not by ${exprName(r)} (it could return more than one row)`,
        );
      }
    }
    const keyOutputs = groupBy.map((g): Expr => ({ kind: 'alias', child: g, name: exprName(g), id: newExprId() }));
    checkAggregateExpressions(groupBy, items);
    corr.keys = keys.map((k, i) => ({ outer: k.outer, inner: toAttribute(keyOutputs[i]!) }));
    // The count bug: an outer row without matches gets no group, so count must read 0, not NULL.
    // With GROUP BY an outer row without matches has no group at all: the value is NULL.
    const item = items[0]!.kind === 'alias' ? (items[0] as { child: Expr }).child : items[0]!;
    if (!core.groupBy && item.kind === 'agg' && item.fn.startsWith('count')) corr.emptyValue = { kind: 'literal', value: 0n, type: DataTypes.Long };
    const aggregates = [...items, ...keyOutputs];
    if (!core.having) return { kind: 'aggregate', child, groupBy, aggregates };
    // HAVING filters the groups; its aggregates are computed as extra (ignored) outputs.
    const state: AggState = { input, groupBy, aggregates, visibleCount: 1, extra: [] };
    const having = checkFilter(this.resolveInAggregate(translateExpr(core.having, hooks), state));
    return { kind: 'filter', child: { kind: 'aggregate', child, groupBy, aggregates }, condition: having };
  }

  /** Resolves column leaves against `primary`, falling back to `secondary` (recording those in `missing`). */
  private resolveWithFallback(e: Expr, primary: readonly AttributeRef[], secondary: readonly AttributeRef[], missing: AttributeRef[]): Expr {
    const leaves = transformUp(e, (x) => {
      if (x.kind === 'attr' && !primary.some((p) => p.id === x.id)) {
        // A hidden join key (`ORDER BY t.k`): carried through the projection like an input column.
        const b = secondary.find((s) => s.id === x.id);
        if (b && !missing.some((m) => m.id === b.id)) missing.push(b);
        return b ?? x;
      }
      if (x.kind !== 'unresolved') return x;
      const a = tryResolveColumn(x, primary);
      if (a) return a;
      const b = resolveColumn(x.name, x.qualifier, secondary);
      if (!primary.some((p) => p.id === b.id) && !missing.some((m) => m.id === b.id)) missing.push(b);
      return b;
    });
    return resolveExpr(leaves, [...primary, ...missing]);
  }

  /** A WHERE conjunct: resolved against the plan, or (inside a correlated subquery) pulled up as a correlation predicate. */
  private bindPredicate(c: SqlExpr, input: readonly AttributeRef[], hooks: TranslateHooks, corr: Correlation | undefined): Expr | undefined {
    const e = translateExpr(c, hooks);
    if (!corr) return e;
    let outerRefs = 0;
    const leaves = transformUp(e, (x) => {
      if (x.kind !== 'unresolved') return x;
      const a = tryResolveColumn(x, input);
      if (a) return a;
      const o = tryResolveColumn(x, corr.outer);
      if (!o) return resolveColumn(x.name, x.qualifier, input); // the unknown-column error
      outerRefs++;
      return o;
    });
    if (outerRefs === 0) return leaves;
    if (!corr.allowed) {
      throw new NotImplementedError(
        `correlated subquery (the condition ${exprName(e)} refers to the outer query): only [NOT] EXISTS and [NOT] IN subqueries without aggregation, ` +
          `correlated through AND-ed WHERE conditions, are supported`,
      );
    }
    corr.conds.push(resolveExpr(leaves, [...corr.outer, ...input]));
    return undefined;
  }

  /** `[NOT] EXISTS (q)` / `x [NOT] IN (q)` as a WHERE conjunct -> a left semi / anti join. */
  private bindSemiJoin(plan: LogicalPlan, outer: readonly AttributeRef[], c: SqlExpr, hooks: TranslateHooks): LogicalPlan {
    const negatedOuter = c.kind === 'unary' && c.op === 'not';
    const sq = (negatedOuter ? (c as { child: SqlExpr }).child : c) as Extract<SqlExpr, { kind: 'exists' | 'inSubquery' }>;
    const negated = negatedOuter !== sq.negated;
    return this.withGeneralFallback(
      () => this.bindSimpleSemiJoin(plan, outer, sq, negated, hooks),
      () => {
        const inner = this.bindCorrelated(sq.query, this.localScope(outer));
        const x = sq.kind === 'inSubquery' ? resolveExpr(translateExpr(sq.child, hooks), outer) : undefined;
        return semiJoinSubquery(plan, inner, negated, x, outer);
      },
    );
  }

  /** The binder's own semi / anti join rewrite (equality correlation in the subquery's top WHERE only). */
  private bindSimpleSemiJoin(plan: LogicalPlan, outer: readonly AttributeRef[], sq: Extract<SqlExpr, { kind: 'exists' | 'inSubquery' }>, negated: boolean, hooks: TranslateHooks): LogicalPlan {
    const corr: Correlation = { outer, allowed: isSimpleSubquery(sq.query), conds: [] };
    const sub = this.bindQuery(sq.query, corr);
    const joinType: JoinType = negated ? 'left_anti' : 'left_semi';
    const correlated = corr.conds.length > 0;
    const right = correlated ? corr.fromPlan! : sub;
    const rout = outputOf(right);
    const conds: Expr[] = [...corr.conds];
    if (sq.kind === 'inSubquery') {
      const values = correlated ? corr.items! : outputOf(sub);
      if (values.length !== 1) throw new AnalysisError(`IN (subquery) needs a subquery with exactly one column, got ${values.length} (${values.map(exprName).join(', ')})`);
      const v = values[0]!;
      const value = v.kind === 'alias' ? v.child : v;
      const child = resolveExpr(translateExpr(sq.child, hooks), outer);
      const eq = resolveExpr({ kind: 'binary', op: '=', left: child, right: value }, [...outer, ...rout]);
      // NOT IN is null-aware: a null on either side makes the row unknown, so it is dropped.
      conds.unshift(negated ? { kind: 'binary', op: 'or', left: eq, right: { kind: 'unary', op: 'isNull', child: eq } } : eq);
    }
    return { kind: 'join', left: plan, right, joinType, ...(conds.length ? { condition: conjunction(conds)! } : {}) };
  }

  /** Joins a scalar subquery onto `plan` (cross join, or left join on its correlation keys); returns its value. */
  private joinScalar(plan: LogicalPlan, sq: Extract<SqlExpr, { kind: 'scalarSubquery' }>, visible: readonly AttributeRef[]): { plan: LogicalPlan; value: Expr } {
    return this.withGeneralFallback(
      () => this.joinSimpleScalar(plan, sq, visible),
      () => this.joinValue(plan, sq, visible),
    );
  }

  /** The binder's own scalar subquery rewrite (uncorrelated, or equality-correlated aggregates). */
  private joinSimpleScalar(plan: LogicalPlan, sq: Extract<SqlExpr, { kind: 'scalarSubquery' }>, visible: readonly AttributeRef[]): { plan: LogicalPlan; value: Expr } {
    const { plan: one, value, keys, emptyValue } = this.scalarPlan(sq, visible);
    if (!keys) return { plan: { kind: 'join', left: plan, right: one, joinType: 'cross' }, value };
    const lout = outputOf(plan);
    const rout = outputOf(one);
    const cond = conjunction(keys.map((k): Expr => ({ kind: 'binary', op: '=', left: k.outer, right: k.inner })))!;
    const joined: LogicalPlan = { kind: 'join', left: plan, right: one, joinType: 'left', condition: resolveExpr(cond, [...lout, ...rout]) };
    if (!emptyValue) return { plan: joined, value };
    // Named like the subquery's column so the select list's generated name stays the same.
    const filled: Expr = { kind: 'alias', child: { kind: 'call', name: 'coalesce', args: [value, emptyValue] }, name: value.name, id: newExprId() };
    const withFill: LogicalPlan = { kind: 'project', child: joined, exprs: [...outputOf(joined), resolveExpr(filled, outputOf(joined))] };
    return { plan: withFill, value: toAttribute(outputOf(withFill).at(-1)!) };
  }

  /** The plan of a scalar subquery: one row (uncorrelated) or one row per correlation key. */
  private scalarPlan(
    sq: Extract<SqlExpr, { kind: 'scalarSubquery' }>,
    visible: readonly AttributeRef[],
  ): { plan: LogicalPlan; value: AttributeRef; keys?: { outer: Expr; inner: AttributeRef }[]; emptyValue?: Expr } {
    const q = sq.query;
    const allowed = q.with.length === 0 && !q.limit && !q.offset && q.body.kind === 'select' && q.body.items.some((i) => containsAggregate(i.expr));
    const corr: Correlation = { outer: visible, allowed, conds: [] };
    const sub = this.bindQuery(q, corr);
    const out = outputOf(sub);
    if (corr.keys) return { plan: sub, value: out[0]!, keys: corr.keys, ...(corr.emptyValue ? { emptyValue: corr.emptyValue } : {}) };
    if (out.length !== 1) {
      throw new AnalysisError(`a scalar subquery must return one column, got ${out.length} (${out.map((a) => a.name).join(', ')}) at line ${sq.pos.line}, column ${sq.pos.column}`);
    }
    let one = sub;
    if (!isOneRowAggregate(sub)) {
      // At most one row is expected (Spark fails at run time otherwise); first() keeps one row, null when empty.
      const a = out[0]!;
      one = { kind: 'aggregate', child: sub, groupBy: [], aggregates: [{ kind: 'alias', child: { kind: 'agg', fn: 'first', arg: a, ignoreNulls: false }, name: a.name, id: newExprId() }] };
    }
    return { plan: one, value: outputOf(one)[0]! };
  }

  // ---- general decorrelation (decorrelate.ts, subquery-joins.ts) -------------------------------

  /**
   * Runs the binder's own rewrite of a subquery; where it does not apply (a correlation it cannot
   * pull up: outer references below the top WHERE, non-equality correlation, ...) binds the subquery
   * for general decorrelation instead. Inside such a subquery, nested subqueries always use the latter.
   */
  private withGeneralFallback<T>(simple: () => T, general: () => T): T {
    if (this.outerScopes.length > 0) return general();
    try {
      return simple();
    } catch (err) {
      const retry = err instanceof NotImplementedError || (err instanceof AnalysisError && /does not exist/.test(err.message));
      if (!retry) throw err;
      try {
        return general();
      } catch (err2) {
        // The simple rewrite's message names the first problem; keep it unless the general one is more specific.
        if (err2 instanceof AnalysisError && !/does not exist/.test(err2.message)) throw err2;
        throw err;
      }
    }
  }

  /** Binds `q` with `outer` as the innermost enclosing scope (its plan may hold outer references). */
  private bindCorrelated(q: Query, outer: readonly AttributeRef[]): LogicalPlan {
    this.outerScopes.push(outer);
    try {
      return this.bindQuery(q);
    } finally {
      this.outerScopes.pop();
    }
  }

  /** A subquery's value (scalar, EXISTS mark or IN's three-valued result) as a new last column of `plan`. */
  private joinValue(plan: LogicalPlan, sq: SubqueryExpr, outer: readonly AttributeRef[], x?: Expr, id = newExprId()): { plan: LogicalPlan; value: AttributeRef } {
    const spec = this.subqueryValue(sq, outer, x);
    const joined = joinSubqueryValue(plan, spec, { id, name: valueName(sq, spec, outer) });
    return { plan: joined, value: toAttribute(outputOf(joined).at(-1)!) };
  }

  private subqueryValue(sq: SubqueryExpr, outer: readonly AttributeRef[], x?: Expr): SubqueryValue {
    const bind = () => this.bindCorrelated(sq.query, outer);
    if (sq.kind === 'scalarSubquery') return { kind: 'scalar', inner: bind() };
    if (sq.kind === 'exists') return { kind: 'exists', inner: bind(), negated: sq.negated };
    return { kind: 'in', inner: bind(), inner2: bind(), x: x!, negated: sq.negated };
  }

  /**
   * A subquery of HAVING or of an aggregate query's select list, decorrelated: its outer references
   * must be grouping columns (added to the aggregate's outputs); the value is a column joined onto
   * the aggregate by `apply`.
   */
  private aggregateSubquery(sq: SubqueryExpr, st: AggState, x: Expr | undefined): { apply: (p: LogicalPlan) => LogicalPlan; value: AttributeRef } {
    const outer = this.localScope(st.input);
    const spec = this.subqueryValue(sq, outer, x);
    const refs = outerReferences(spec.inner, outer);
    for (const r of refs) {
      if (!st.groupBy.some((g) => exprKey(g) === exprKey(r))) {
        throw new AnalysisError(`the subquery at line ${sq.pos.line}, column ${sq.pos.column} refers to column '${r.name}' of the outer query, which is neither grouped nor aggregated; add it to GROUP BY`);
      }
      aggOutput(r, st);
    }
    const id = newExprId();
    const name = valueName(sq, spec, outer);
    const type = spec.kind === 'scalar' ? outputOf(spec.inner)[0]!.type : DataTypes.Boolean;
    return { apply: (p) => joinSubqueryValue(p, spec, { id, name }), value: { kind: 'attr', id, name, type, nullable: true } };
  }

  /** A rename hook resolving a column no local column answers to in the enclosing scopes (an outer reference). */
  private outerHook(inner: TranslateHooks['rename'], local: readonly AttributeRef[]): TranslateHooks['rename'] {
    if (this.outerScopes.length === 0) return inner;
    const scopes = [...this.outerScopes];
    return (x) => {
      const r = inner?.(x);
      if (r) return r;
      if (x.kind !== 'column') return undefined;
      const u: Extract<Expr, { kind: 'unresolved' }> = x.parts.length === 1 ? { kind: 'unresolved', name: x.parts[0]! } : { kind: 'unresolved', name: x.parts.at(-1)!, qualifier: x.parts.slice(0, -1).join('.') };
      if (tryResolveColumn(u, local)) return undefined;
      for (let i = scopes.length - 1; i >= 0; i--) {
        const a = tryResolveColumn(u, scopes[i]!);
        if (a) return this.outerRef(a);
      }
      return undefined;
    };
  }

  /** An outer reference: the outer attribute under Spark's display name `outer(t.c)`, which no column reference matches. */
  private outerRef(a: AttributeRef): AttributeRef {
    const orig = this.outerOriginal.get(a.id) ?? a;
    this.outerOriginal.set(a.id, orig);
    return { ...orig, name: `outer(${orig.qualifier ? `${orig.qualifier}.` : ''}${orig.name})` };
  }

  /** Every attribute of the enclosing scopes as an outer reference (so resolution accepts them by id). */
  private outerScopeAttrs(): AttributeRef[] {
    const seen = new Set<number>();
    const out: AttributeRef[] = [];
    for (let i = this.outerScopes.length - 1; i >= 0; i--) {
      for (const a of this.outerScopes[i]!) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        out.push(this.outerRef(a));
      }
    }
    return out;
  }

  /** A select's scope without the outer references of enclosing queries. */
  private localScope(scope: readonly AttributeRef[]): AttributeRef[] {
    return scope.filter((a) => !(this.outerOriginal.has(a.id) && a.name !== this.outerOriginal.get(a.id)!.name));
  }

  /** `left [INNER|LEFT|CROSS] JOIN LATERAL (query) alias [ON cond]` (or `left, LATERAL (...)`). */
  private bindLateral(left: LogicalPlan, r: Extract<Relation, { kind: 'subquery' }>, how: SqlJoinType, on?: SqlExpr): LogicalPlan {
    if (how !== 'inner' && how !== 'left' && how !== 'cross') {
      const name = { right: 'RIGHT OUTER', full: 'FULL OUTER', left_semi: 'LEFT SEMI', left_anti: 'LEFT ANTI' }[how];
      throw new AnalysisError(
        `[INVALID_LATERAL_JOIN_TYPE] The ${name} JOIN with LATERAL correlation is not allowed because an OUTER subquery cannot correlate to its join partner. ` +
          'Remove the LATERAL correlation or use an INNER JOIN, or LEFT OUTER JOIN instead.',
      );
    }
    const lout = outputOf(left);
    const lvis = lout.filter((a) => !this.hidden.has(a.id));
    let inner = this.bindCorrelated(r.query, lvis);
    if (r.columns) inner = renameColumns(inner, r.columns, `subquery ${r.alias ?? ''}`);
    if (r.alias) inner = { kind: 'subqueryAlias', child: inner, alias: r.alias };
    const rvis = outputOf(inner);
    const onExpr = on ? (out: readonly AttributeRef[]) => checkFilter(resolveExpr(translateExpr(on, { rename: this.hiddenKeyHook([...lvis, ...rvis], [...lout, ...rvis], true) }), out)) : undefined;
    return lateralJoin(left, inner, how, onExpr);
  }

  // ---- FROM -----------------------------------------------------------------------------------

  private bindFrom(rels: readonly Relation[]): LogicalPlan {
    if (rels.length === 0) {
      // SELECT without FROM: one row, no columns.
      return this.ctx.session.createDataFrame([{}], new Schema([])).plan;
    }
    let plan = this.bindRelation(rels[0]!);
    for (const r of rels.slice(1)) {
      if (r.kind === 'subquery' && r.lateral) plan = this.bindLateral(plan, r, 'cross');
      else plan = this.df(plan).join(this.df(this.bindRelation(r)), undefined, 'cross').plan;
    }
    return plan;
  }

  private bindRelation(r: Relation): LogicalPlan {
    switch (r.kind) {
      case 'table': {
        const name = r.name.join('.');
        const cte = r.name.length === 1 ? this.findCte(name) : undefined;
        if (cte) return this.reference(cte, r.alias ?? r.name[0]!, r.columns);
        const view = this.ctx.catalog.find(name);
        if (!view) throw unknownTable(name, [...this.cteNames(), ...this.ctx.catalog.listTables()]);
        return this.reference(view.plan, r.alias ?? r.name[r.name.length - 1]!, r.columns);
      }
      case 'file': {
        const plan = this.ctx.files.get(`${r.format}:${r.path}`);
        if (!plan) throw new NotImplementedError(`reading ${r.format} files in SQL (only parquet.\`path\` is supported)`);
        return this.reference(plan, r.alias ?? r.path, r.columns);
      }
      case 'values':
        return this.bindInlineTable(r);
      case 'tableFunction':
        return this.bindTableFunction(r);
      case 'subquery': {
        let plan = this.bindQuery(r.query);
        if (r.columns) plan = renameColumns(plan, r.columns, `subquery ${r.alias ?? ''}`);
        return r.alias ? { kind: 'subqueryAlias', child: plan, alias: r.alias } : plan;
      }
      case 'join': {
        if (r.right.kind === 'subquery' && r.right.lateral) return this.bindLateral(this.bindRelation(r.left), r.right, r.joinType, r.on);
        const left = this.df(this.bindRelation(r.left));
        const right = this.df(this.bindRelation(r.right));
        const how = r.joinType;
        const lvis = outputOf(left.plan).filter((a) => !this.hidden.has(a.id));
        const rvis = outputOf(right.plan).filter((a) => !this.hidden.has(a.id));
        if (r.natural) {
          const rn = new Set(rvis.map((c) => c.name.toLowerCase()));
          const common = [...new Set(lvis.map((c) => c.name).filter((c) => rn.has(c.toLowerCase())))];
          return common.length ? this.usingJoin(left.plan, right.plan, common, how) : left.join(right, undefined, how === 'inner' ? 'cross' : how).plan;
        }
        if (r.using) return this.usingJoin(left.plan, right.plan, r.using, how);
        if (r.on) {
          const all = [...outputOf(left.plan), ...outputOf(right.plan)];
          if (exprContainsSubquery(r.on)) return this.joinOnSubqueries(left.plan, right.plan, r.on, how, this.hiddenKeyHook([...lvis, ...rvis], all, true));
          if (this.outerScopes.length > 0) {
            // Inside a subquery bound for decorrelation the ON condition may reference the outer query.
            const cond = translateExpr(r.on, { rename: this.outerHook(this.hiddenKeyHook([...lvis, ...rvis], all, true), all) });
            if (exprExists(cond, (x) => x.kind === 'attr' && this.outerOriginal.has(x.id))) {
              const condition = checkFilter(resolveExpr(cond, [...all, ...this.outerScopeAttrs()]));
              return { kind: 'join', left: left.plan, right: right.plan, joinType: how === 'cross' ? 'inner' : how, condition };
            }
          }
          return left.join(right, new Column(translateExpr(r.on, { rename: this.hiddenKeyHook([...lvis, ...rvis], all, true) })), how).plan;
        }
        // Spark allows every join type without a condition (the condition is then TRUE).
        return left.join(right, undefined, how === 'inner' ? 'cross' : how).plan;
      }
    }
  }

  /**
   * An inline table `VALUES (...), (...)` as a LocalRelation (Spark's ResolveInlineTables): every
   * item must be a constant, evaluated once; a column's type is the union-widened common type of its
   * values (all NULL -> void), its nullability whether any value is null; columns are named
   * col1, col2, ... unless `AS t(a, b)` names them.
   */
  private bindInlineTable(t: InlineTable): LogicalPlan {
    const width = t.rows[0]?.length ?? 0;
    const where = `at line ${t.pos.line}, column ${t.pos.column}`;
    const values: Literal[][] = t.rows.map((row, r) => {
      if (row.length !== width) {
        throw new AnalysisError(`VALUES ${where}: row ${r + 1} has ${row.length} values but the first row has ${width}; every row of an inline table must have the same number of values`);
      }
      return row.map((item, c) => {
        if (collectSubqueries(item).length > 0) {
          throw new AnalysisError(`VALUES ${where}: row ${r + 1}, column ${c + 1} must be a constant expression, not a subquery`);
        }
        let e: Expr;
        try {
          e = resolveExpr(translateExpr(item), []);
        } catch (err) {
          if (err instanceof AnalysisError) {
            throw new AnalysisError(`VALUES ${where}: row ${r + 1}, column ${c + 1} must be a constant expression (${err.message})`);
          }
          throw err;
        }
        if (exprExists(e, (x) => x.kind === 'agg' || x.kind === 'window' || x.kind === 'attr')) {
          throw new AnalysisError(`VALUES ${where}: row ${r + 1}, column ${c + 1} must be a constant expression, got ${exprName(e)}`);
        }
        return evaluateConstant(e);
      });
    });
    const types: DataType[] = Array.from({ length: width }, (_, c) =>
      values.reduce<DataType>((acc, row) => commonType(acc, row[c]!.type, 'union'), DataTypes.Null),
    );
    const names = types.map((_, c) => `col${c + 1}`);
    const schema = new Schema(types.map((ty, c) => field(names[c]!, ty, values.some((row) => row[c]!.value === null))));
    const rows = values.map((row) => {
      const obj: Record<string, unknown> = {};
      row.forEach((v, c) => {
        obj[names[c]!] = typeEquals(v.type, types[c]!) || v.value === null ? v.value : evaluateConstant(castTo(v, types[c]!)).value;
      });
      return obj;
    });
    let plan = this.ctx.session.createDataFrame(rows, schema).plan;
    for (const a of outputOf(plan)) this.usedIds.add(a.id);
    if (t.columns) plan = renameColumns(plan, t.columns, `VALUES ${t.alias ?? ''}`.trimEnd());
    return t.alias ? { kind: 'subqueryAlias', child: plan, alias: t.alias } : plan;
  }

  /**
   * A join whose ON condition has uncorrelated subqueries (Spark allows them there). Each becomes a
   * column on one side before the join, so every join type keeps its semantics: a scalar subquery or
   * EXISTS is a one-row plan cross-joined onto the left; `x [NOT] IN (q)` marks the side `x` comes
   * from by a left join with q's distinct values plus q's row and non-null counts, giving IN's
   * three-valued result (false for an empty q, true if found, NULL if x or some value of q is NULL,
   * else false). The helper columns are projected away after the join.
   */
  private joinOnSubqueries(left: LogicalPlan, right: LogicalPlan, on: SqlExpr, how: SqlJoinType, rename: TranslateHooks['rename']): LogicalPlan {
    const lout = outputOf(left);
    const rout = outputOf(right);
    let lp = left;
    let rp = right;
    const alias = (child: Expr, name: string): Expr => ({ kind: 'alias', child, name, id: newExprId() });
    const subquery = (sq: SubqueryExpr): Expr => {
      const where = `at line ${sq.pos.line}, column ${sq.pos.column}`;
      if (sq.kind === 'scalarSubquery') {
        const { plan: one, value } = this.scalarPlan(sq, []);
        lp = { kind: 'join', left: lp, right: one, joinType: 'cross' };
        return value;
      }
      if (sq.kind === 'exists') {
        const sub = this.bindQuery(sq.query);
        const flag = alias({ kind: 'binary', op: '>', left: { kind: 'agg', fn: 'count_star', arg: null, ignoreNulls: false }, right: { kind: 'literal', value: 0n, type: DataTypes.Long } }, '_exists');
        const one: LogicalPlan = { kind: 'aggregate', child: sub, groupBy: [], aggregates: [resolveExpr(flag, outputOf(sub))] };
        lp = { kind: 'join', left: lp, right: one, joinType: 'cross' };
        const v = outputOf(one)[0]!;
        return sq.negated ? { kind: 'unary', op: 'not', child: v } : v;
      }
      const x = translateExpr(sq.child, { rename });
      let onLeft: boolean;
      let xr: Expr;
      try {
        xr = resolveExpr(x, lout);
        onLeft = true;
      } catch {
        try {
          xr = resolveExpr(x, rout);
          onLeft = false;
        } catch {
          throw new NotImplementedError(`IN (subquery) in a JOIN condition ${where} whose left-hand value uses columns of both sides (or unknown columns)`);
        }
      }
      const sub = this.bindQuery(sq.query);
      const vals = outputOf(sub);
      if (vals.length !== 1) throw new AnalysisError(`IN (subquery) ${where} needs a subquery with exactly one column, got ${vals.length}`);
      const v = vals[0]!;
      const found = alias({ kind: 'literal', value: true, type: DataTypes.Boolean }, '_in_found');
      const distinct: LogicalPlan = { kind: 'distinct', child: { kind: 'project', child: sub, exprs: [v, found] } };
      const dOut = outputOf(distinct);
      const sub2 = this.bindQuery(sq.query);
      const v2 = outputOf(sub2)[0]!;
      const counts: LogicalPlan = {
        kind: 'aggregate',
        child: sub2,
        groupBy: [],
        aggregates: [alias({ kind: 'agg', fn: 'count_star', arg: null, ignoreNulls: false }, '_in_n'), alias({ kind: 'agg', fn: 'count', arg: v2, ignoreNulls: false }, '_in_nn')],
      };
      const side = onLeft ? lp : rp;
      const sideOut = outputOf(side);
      const eq = resolveExpr({ kind: 'binary', op: '=', left: xr, right: dOut[0]! }, [...sideOut, ...dOut]);
      const marked: LogicalPlan = { kind: 'join', left: { kind: 'join', left: side, right: distinct, joinType: 'left', condition: eq }, right: counts, joinType: 'cross' };
      if (onLeft) lp = marked;
      else rp = marked;
      const [n, nn] = outputOf(counts) as [AttributeRef, AttributeRef];
      const zero: Expr = { kind: 'literal', value: 0n, type: DataTypes.Long };
      const nul: Expr = { kind: 'literal', value: null, type: DataTypes.Boolean };
      const value: Expr = {
        kind: 'case',
        branches: [
          [{ kind: 'binary', op: '=', left: n, right: zero }, { kind: 'literal', value: false, type: DataTypes.Boolean }],
          [{ kind: 'unary', op: 'isNotNull', child: dOut[1]! }, { kind: 'literal', value: true, type: DataTypes.Boolean }],
          [{ kind: 'binary', op: 'or', left: { kind: 'unary', op: 'isNull', child: xr }, right: { kind: 'binary', op: '<', left: nn, right: n } }, nul],
        ],
        otherwise: { kind: 'literal', value: false, type: DataTypes.Boolean },
      };
      return sq.negated ? { kind: 'unary', op: 'not', child: value } : value;
    };
    const cond = translateExpr(on, { rename, subquery });
    const joined = this.df(lp).join(this.df(rp), new Column(cond), how === 'inner' ? 'inner' : how).plan;
    const keep = how === 'left_semi' || how === 'left_anti' ? lout : [...lout, ...rout];
    return { kind: 'project', child: joined, exprs: keep };
  }

  /**
   * `left JOIN right USING (k, ...)` (and NATURAL JOIN), Spark's semantics: the output is the join
   * keys once (the left's; the right's for RIGHT JOIN; coalesced for FULL JOIN), then the other
   * columns of each side; both sides' own key columns stay reachable as `l.k` / `r.k` and through
   * `l.*` / `r.*` as hidden columns (Spark's hidden output of a USING join).
   */
  private usingJoin(left: LogicalPlan, right: LogicalPlan, names: readonly string[], how: SqlJoinType): LogicalPlan {
    const lout = outputOf(left);
    const rout = outputOf(right);
    const lvis = lout.filter((a) => !this.hidden.has(a.id));
    const rvis = rout.filter((a) => !this.hidden.has(a.id));
    const side = (n: string, attrs: readonly AttributeRef[], which: string): AttributeRef => {
      try {
        return resolveColumn(n, undefined, attrs);
      } catch (err) {
        if (err instanceof AnalysisError) throw new AnalysisError(`USING column '${n}' cannot be resolved on the ${which} side of the join (${err.message})`);
        throw err;
      }
    };
    const lKeys = names.map((n) => side(n, lvis, 'left'));
    const rKeys = names.map((n) => side(n, rvis, 'right'));
    const joinType: JoinType = how === 'cross' ? 'inner' : how;
    const cond = conjunction(lKeys.map((l, i): Expr => ({ kind: 'binary', op: '=', left: l, right: rKeys[i]! })))!;
    const joined: LogicalPlan = { kind: 'join', left, right, joinType, condition: resolveExpr(cond, [...lout, ...rout]) };
    for (const attrs of [lout, rout]) {
      for (const a of attrs) {
        const q = a.qualifier?.toLowerCase();
        if (q !== undefined && !this.starOrder.has(q)) this.starOrder.set(q, attrs.filter((b) => b.qualifier?.toLowerCase() === q));
      }
    }
    if (joinType === 'left_semi' || joinType === 'left_anti') return joined;
    const keyExprs: Expr[] = lKeys.map((l, i) => {
      const r = rKeys[i]!;
      if (joinType === 'right') return r;
      if (joinType === 'full') {
        const t = typeEquals(l.type, r.type) ? l.type : commonType(l.type, r.type);
        return { kind: 'alias', child: { kind: 'call', name: 'coalesce', args: [castTo(l, t), castTo(r, t)] }, name: l.name, id: newExprId() };
      }
      return l;
    });
    const keyIds = new Set([...lKeys, ...rKeys].map((a) => a.id));
    const shown = [...keyExprs.map(toNamed), ...lvis.filter((a) => !keyIds.has(a.id)), ...rvis.filter((a) => !keyIds.has(a.id))];
    const shownIds = new Set(shown.map((e) => toAttribute(e).id));
    const newHidden = [...lKeys, ...rKeys].filter((a, i, all) => !shownIds.has(a.id) && all.findIndex((b) => b.id === a.id) === i);
    for (const a of newHidden) this.hidden.set(a.id, a);
    const oldHidden = [...lout, ...rout].filter((a) => this.hidden.has(a.id) && !newHidden.some((b) => b.id === a.id));
    return { kind: 'project', child: joined, exprs: [...shown, ...oldHidden, ...newHidden] };
  }

  /** A rename hook resolving `t.k` to a hidden USING-join key when no visible column answers to it. */
  private hiddenKeyHook(visible: readonly AttributeRef[], all: readonly AttributeRef[], resolveVisible = false): TranslateHooks['rename'] {
    const hidden = all.filter((a) => this.hidden.has(a.id));
    if (hidden.length === 0) return undefined;
    return (x) => {
      if (x.kind !== 'column') return undefined;
      if (x.parts.length === 1) {
        // (ON conditions, resolved over every column of both sides) a plain name means a visible column.
        if (!resolveVisible) return undefined;
        try {
          return resolveColumn(x.parts[0]!, undefined, visible);
        } catch {
          return undefined;
        }
      }
      const q = x.parts.slice(0, -1).join('.').toLowerCase();
      const n = x.parts[x.parts.length - 1]!.toLowerCase();
      if (visible.some((a) => a.qualifier?.toLowerCase() === q && a.name.toLowerCase() === n)) return undefined;
      const found = hidden.filter((a) => a.qualifier?.toLowerCase() === q && a.name.toLowerCase() === n);
      return found.length === 1 ? this.hidden.get(found[0]!.id) : undefined;
    };
  }

  /** Hidden join keys in `e` under their own names again (the scope holds them under a mangled one). */
  private unmangle(e: Expr): Expr {
    if (this.hidden.size === 0) return e;
    return transformUp(e, (x) => (x.kind === 'attr' && this.hidden.has(x.id) ? { ...x, name: this.hidden.get(x.id)!.name } : x));
  }

  /**
   * A table-valued function in FROM. Only Spark's `range([start,] end [, step [, numPartitions]])`:
   * one non-null bigint column `id` from start (inclusive, default 0) to end (exclusive) by step
   * (default 1, must not be 0); the arguments must be constant integers.
   */
  private bindTableFunction(r: Extract<Relation, { kind: 'tableFunction' }>): LogicalPlan {
    const name = r.name.toLowerCase();
    if (name !== 'range') {
      throw new AnalysisError(`unknown table-valued function '${r.name}' at line ${r.pos.line}, column ${r.pos.column}; only range(...) is supported`);
    }
    if (r.args.length < 1 || r.args.length > 4) throw new AnalysisError(`range takes 1 to 4 arguments, got ${r.args.length}`);
    const args = r.args.map((a, i): bigint => {
      const e = resolveExpr(translateExpr(a), []);
      const v = exprExists(e, (x) => x.kind === 'attr' || x.kind === 'agg' || x.kind === 'window') ? undefined : evaluateConstant(e).value;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'bigint') return v;
      throw new AnalysisError(`range: argument ${i + 1} (${exprName(e)}) must be a constant integer`);
    });
    const [start, end, step] = args.length === 1 ? [0n, args[0]!, 1n] : [args[0]!, args[1]!, args[2] ?? 1n];
    if (step === 0n) throw new InvalidArgumentError('range: the step must not be 0');
    const count = step > 0n ? (end > start ? (end - start + step - 1n) / step : 0n) : start > end ? (start - end - step - 1n) / -step : 0n;
    if (count > 10_000_000n) throw new NotImplementedError(`range with ${count} rows (at most 10,000,000 rows are generated in memory)`);
    const rows = Array.from({ length: Number(count) }, (_, i) => ({ id: start + BigInt(i) * step }));
    let plan = this.ctx.session.createDataFrame(rows, new Schema([field('id', DataTypes.Long, false)])).plan;
    for (const a of outputOf(plan)) this.usedIds.add(a.id);
    if (r.columns) plan = renameColumns(plan, r.columns, `range ${r.alias ?? ''}`.trimEnd());
    return { kind: 'subqueryAlias', child: plan, alias: r.alias ?? 'range' };
  }

  /**
   * A named relation in FROM: fresh ids if its columns are already used in this statement, the
   * column aliases of `t (a, b, ...)` if given, then a SubqueryAlias.
   */
  private reference(plan: LogicalPlan, alias: string, columns?: readonly string[]): LogicalPlan {
    const out = outputOf(plan);
    let p = plan;
    if (out.some((a) => this.usedIds.has(a.id))) {
      p = { kind: 'project', child: plan, exprs: out.map((a): Expr => ({ kind: 'alias', child: a, name: a.name, id: newExprId() })) };
    }
    if (columns) p = renameColumns(p, columns, `relation ${alias}`);
    for (const a of outputOf(p)) this.usedIds.add(a.id);
    return { kind: 'subqueryAlias', child: p, alias };
  }

  private findCte(name: string): LogicalPlan | undefined {
    for (let i = this.ctes.length - 1; i >= 0; i--) {
      const p = this.ctes[i]!.get(name.toLowerCase());
      if (p) return p;
    }
    return undefined;
  }

  private cteNames(): string[] {
    return this.ctes.flatMap((m) => [...m.keys()]);
  }

  /** ORDER BY of a set operation / the output of a query: output names and ordinals only. */
  private outputOrders(items: readonly SortItem[], out: readonly AttributeRef[]): SortOrder[] {
    return items.map((o) => sortOrder(ordinal(o.expr, out) ?? resolveExpr(translateExpr(o.expr), out), o));
  }

  private df(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.ctx.session, plan);
  }
}

interface AggState {
  readonly input: readonly AttributeRef[];
  readonly groupBy: readonly Expr[];
  readonly aggregates: Expr[];
  readonly visibleCount: number;
  /** Other attributes a HAVING may use (scalar subquery values joined onto the aggregate). */
  readonly extra: AttributeRef[];
}

/** The aggregate output computing `r` (an existing one with the same expression, or a new hidden one). */
function aggOutput(r: Expr, st: AggState): AttributeRef {
  const k = exprKey(r);
  const found = st.aggregates.find((a) => exprKey(a) === k);
  if (found) return toAttribute(found);
  const named = toNamed(r);
  st.aggregates.push(named);
  return toAttribute(named);
}

function tryResolveColumn(x: Extract<Expr, { kind: 'unresolved' }>, attrs: readonly AttributeRef[]): AttributeRef | undefined {
  try {
    return resolveColumn(x.name, x.qualifier, attrs);
  } catch (err) {
    if (isAmbiguity(err)) throw err;
    return undefined;
  }
}

function isAmbiguity(err: unknown): boolean {
  return err instanceof AnalysisError && err.message.includes('ambiguous');
}

function sortOrder(expr: Expr, o: SortItem): SortOrder {
  return { expr, ascending: o.ascending, nullsFirst: o.nullsFirst ?? o.ascending };
}

/** `ORDER BY 2`: the output attribute at that (1-based) position; undefined if not an integer literal. */
function ordinal(e: SqlExpr, out: readonly AttributeRef[]): Expr | undefined {
  if (e.kind !== 'literal' || e.type.kind !== 'int32' || typeof e.value !== 'number') return undefined;
  const a = out[e.value - 1];
  if (!a || e.value < 1) throw new AnalysisError(`ORDER BY position ${e.value} is not in the select list (which has ${out.length} items)`);
  return a;
}

function checkFilter(cond: Expr): Expr {
  if (exprExists(cond, (x) => x.kind === 'agg')) throw new AnalysisError(`aggregate functions are not allowed in WHERE: ${exprName(cond)}; use HAVING`);
  if (exprExists(cond, (x) => x.kind === 'window')) {
    throw new AnalysisError(`window functions are not allowed in WHERE / HAVING: ${exprName(cond)}; compute them in a subquery and filter outside`);
  }
  const typed = castTo(cond, DataTypes.Boolean);
  if (typed.kind === 'cast' && typed.child === cond) throw new AnalysisError(`filter condition ${exprName(cond)} must be boolean`);
  return typed;
}

/**
 * The value of a LIMIT / OFFSET expression, Spark's rules (CheckAnalysis, INVALID_LIMIT_LIKE_EXPRESSION):
 * a foldable expression of type int that is neither null nor negative.
 */
function constantInt(e: SqlExpr, what: string): number {
  let r: Expr;
  try {
    r = resolveExpr(translateExpr(e), []);
  } catch (err) {
    if (err instanceof AnalysisError || err instanceof NotImplementedError) throw new AnalysisError(`the ${what} expression must be a constant (${err.message})`);
    throw err;
  }
  if (exprExists(r, (x) => x.kind === 'attr' || x.kind === 'agg' || x.kind === 'window')) {
    throw new AnalysisError(`the ${what} expression ${exprName(r)} must be a constant`);
  }
  const t = typeOfResolved(r).type;
  if (t.kind !== 'int32') throw new AnalysisError(`the ${what} expression ${exprName(r)} must be of type int, got ${typeToString(t)}`);
  const v = evaluateConstant(r).value;
  if (v === null) throw new AnalysisError(`the ${what} expression ${exprName(r)} must not be null`);
  if (typeof v !== 'number' || v < 0) throw new AnalysisError(`the ${what} expression ${exprName(r)} must be non-negative, got ${String(v)}`);
  return v;
}

/** Spark's name of a decorrelated subquery's value (`scalarsubquery(k)`, `exists(k)`: the outer columns it uses); no column reference matches it. */
function valueName(sq: SubqueryExpr, spec: SubqueryValue, outer: readonly AttributeRef[]): string {
  const refs = outerReferences(spec.inner, outer).map((a) => a.name).join(', ');
  return sq.kind === 'exists' ? `exists(${refs})` : sq.kind === 'inSubquery' ? `in(listquery(${refs}))` : `scalarsubquery(${refs})`;
}

/**
 * Spark resolves an aggregate over outer references only (`sum(outer.x)` in a subquery) as an
 * aggregate of the outer query, which the subquery cannot compute: CheckAnalysis rejects it.
 */
function checkOuterAggregates(aggregates: readonly Expr[], outerIds: ReadonlySet<number>): void {
  for (const item of aggregates) {
    const bad = exprExists(item, (x) => {
      if (x.kind !== 'agg') return false;
      const ids = new Set<number>();
      for (const a of aggregateArgs(x)) referencedIdsOf(a, ids);
      return ids.size > 0 && [...ids].every((id) => outerIds.has(id));
    });
    if (bad) {
      const text = item.kind === 'alias' ? `${exprName(item.child)} AS ${item.name}` : exprName(item);
      throw new AnalysisError(`[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_REFERENCE] Expressions referencing the outer query are not supported outside of WHERE/HAVING clauses: "${text}"`);
    }
  }
}

/** A select item that is a decorrelated scalar subquery: its value's name (`scalarsubquery(x)`, naming the outer columns). */
function decorrelatedName(item: SqlExpr, e: Expr): string | undefined {
  return item.kind === 'scalarSubquery' && e.kind === 'attr' && e.name.startsWith('scalarsubquery(') ? e.name : undefined;
}

/** The AND-ed parts of a SQL condition. */
function sqlConjuncts(e: SqlExpr): SqlExpr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...sqlConjuncts(e.left), ...sqlConjuncts(e.right)] : [e];
}

/** Subquery expressions in `e` (not inside other subqueries). */
function collectSubqueries(e: SqlExpr, out: SubqueryExpr[] = []): SubqueryExpr[] {
  if (e.kind === 'scalarSubquery' || e.kind === 'exists' || e.kind === 'inSubquery') out.push(e);
  for (const c of sqlChildren(e)) collectSubqueries(c, out);
  return out;
}

/**
 * The grouping sets of ROLLUP / CUBE / GROUPING SETS as index lists into `groupBy`; undefined for a
 * plain GROUP BY.
 */
function groupingSets(core: SelectCore, groupBy: readonly Expr[], resolve: (g: SqlExpr) => Expr): number[][] | undefined {
  const g = core.groupBy;
  if (!g || g.kind === 'exprs') return undefined;
  const n = groupBy.length;
  if (g.kind === 'rollup') return Array.from({ length: n + 1 }, (_, k) => Array.from({ length: n - k }, (_, i) => i));
  if (g.kind === 'cube') {
    if (n > 12) throw new AnalysisError(`CUBE over ${n} expressions would make ${2 ** n} grouping sets; at most 12 expressions are allowed`);
    return Array.from({ length: 2 ** n }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => (m & (1 << (n - 1 - i))) === 0));
  }
  if (g.kind !== 'groupingSets') return undefined;
  const keys = groupBy.map(exprKey);
  return g.sets.map((set) => set.map((e) => keys.indexOf(exprKey(resolve(e)))));
}

/**
 * GROUP BY with grouping sets as a union of one aggregate per set, where the grouping expressions
 * left out of a set read as NULL in the select list (Spark's Expand + Aggregate, without grouping_id).
 */
function expandGroupingSets(
  child: LogicalPlan,
  groupBy: readonly Expr[],
  aggregates: readonly Expr[],
  sets: readonly number[][],
  marker: (lit: Literal, set: readonly number[]) => Expr | undefined,
): LogicalPlan {
  const children = sets.map((set): LogicalPlan => {
    const dropped = groupBy.filter((_, i) => !set.includes(i)).map(exprKey);
    const kept = set.map((i) => exprKey(groupBy[i]!));
    const nullOut = (e: Expr): Expr => {
      if (e.kind === 'agg') return e;
      if (e.kind === 'literal') return marker(e, set) ?? e;
      const k = exprKey(e);
      if (kept.includes(k)) return e; // a grouping expression of this set, whole (`a + b` with b dropped elsewhere)
      if (dropped.includes(k)) return { kind: 'literal', value: null, type: typeOfResolved(e).type };
      return mapChildren(e, nullOut);
    };
    const aggs = aggregates.map((a): Expr => {
      if (a.kind === 'alias') return { ...a, child: nullOut(a.child) };
      const replaced = nullOut(a);
      return replaced === a ? a : { kind: 'alias', child: replaced, name: (a as AttributeRef).name, id: (a as AttributeRef).id };
    });
    return { kind: 'aggregate', child, groupBy: set.map((i) => groupBy[i]!), aggregates: aggs };
  });
  return children.length === 1 ? children[0]! : { kind: 'union', children };
}

/** A grouping() / grouping_id() / grouping__id call of an aggregate query; `args` undefined = every grouping expression. */
interface GroupingMarker {
  readonly fn: 'grouping' | 'grouping_id';
  readonly args?: readonly SqlExpr[];
}

const MARKER_PREFIX = '\u0000grouping#';

function isGroupingMarker(e: Expr): e is Literal {
  return e.kind === 'literal' && typeof e.value === 'string' && e.value.startsWith(MARKER_PREFIX);
}

/** The marker literal standing for a grouping function call (registered in `markers`), or undefined. */
function groupingMarker(x: SqlExpr, markers: GroupingMarker[]): Expr | undefined {
  let m: GroupingMarker | undefined;
  if (x.kind === 'call' && !x.over && !x.distinct) {
    const name = x.name.toLowerCase();
    if (name === 'grouping') {
      if (x.args.length !== 1) throw new AnalysisError(`grouping() takes exactly one argument, got ${x.args.length}`);
      m = { fn: 'grouping', args: x.args };
    } else if (name === 'grouping_id') m = { fn: 'grouping_id', ...(x.args.length ? { args: x.args } : {}) };
  } else if (x.kind === 'column' && x.parts.length === 1 && x.parts[0]!.toLowerCase() === 'grouping__id') m = { fn: 'grouping_id' };
  if (!m) return undefined;
  markers.push(m);
  return { kind: 'literal', value: `${MARKER_PREFIX}${markers.length - 1}`, type: m.fn === 'grouping' ? DataTypes.Byte : DataTypes.Long };
}

/** Spark's grouping(x) (1 when x is aggregated away in this set) and grouping_id (those bits, first argument highest). */
function groupingValue(lit: Literal, set: readonly number[], markers: readonly GroupingMarker[], args: readonly number[][]): Expr | undefined {
  if (!isGroupingMarker(lit)) return undefined;
  const k = Number((lit.value as string).slice(MARKER_PREFIX.length));
  const ix = args[k]!;
  const bits = ix.map((i) => (set.includes(i) ? 0 : 1));
  if (markers[k]!.fn === 'grouping') return { kind: 'literal', value: bits[0]!, type: DataTypes.Byte };
  return { kind: 'literal', value: BigInt(bits.reduce((acc: number, b) => acc * 2 + b, 0)), type: DataTypes.Long };
}

/** The arguments of the aggregate calls in `e` (subqueries there are computed below the aggregate). */
function aggregateArguments(e: SqlExpr): SqlExpr[] {
  if (e.kind === 'call' && !e.over && containsAggregate(e) && !e.args.some(containsAggregate)) return [...e.args];
  return sqlChildren(e).flatMap(aggregateArguments);
}

function hasWindowCall(e: SqlExpr): boolean {
  return (e.kind === 'call' && e.over !== undefined) || sqlChildren(e).some(hasWindowCall);
}

function exprContainsSubquery(e: SqlExpr): boolean {
  return collectSubqueries(e).length > 0;
}

/** A subquery whose correlated WHERE conjuncts can become join conditions: one SELECT without aggregation or limits. */
function isSimpleSubquery(q: Query): boolean {
  const b = q.body;
  return q.with.length === 0 && !q.limit && !q.offset && b.kind === 'select' && !b.groupBy && !b.having && !b.items.some((i) => containsAggregate(i.expr));
}

function isOneRowAggregate(plan: LogicalPlan): boolean {
  if (plan.kind === 'aggregate') return plan.groupBy.length === 0;
  if (plan.kind === 'project' || plan.kind === 'subqueryAlias' || plan.kind === 'sort') return isOneRowAggregate(plan.child);
  return false;
}

/**
 * `l <=> r` as equalities a hash join can use as keys: `l = r` when neither side is nullable, else
 * `isnull(l) = isnull(r) AND coalesce(l, c) = coalesce(r, c)` with a constant c of the type.
 */
function nullSafeEqualities(l: AttributeRef, r: AttributeRef): Expr[] {
  const eq = (a: Expr, b: Expr): Expr => ({ kind: 'binary', op: '=', left: a, right: b });
  if (!l.nullable && !r.nullable) return [eq(l, r)];
  const isNull = (a: Expr): Expr => ({ kind: 'unary', op: 'isNull', child: a });
  if (l.type.kind === 'null' || r.type.kind === 'null') return [eq(isNull(l), isNull(r))];
  const z = placeholderLiteral(l.type);
  if (z === undefined || !typeEquals(l.type, r.type)) return [{ kind: 'binary', op: '<=>', left: l, right: r }];
  const fill = (a: Expr): Expr => ({ kind: 'call', name: 'coalesce', args: [a, z] });
  return [eq(isNull(l), isNull(r)), eq(fill(l), fill(r))];
}

/** `plan` with a column numbering the copies of each distinct row 1, 2, ... (row_number over all columns). */
function numberDuplicates(plan: LogicalPlan): [LogicalPlan, AttributeRef] {
  const out = outputOf(plan);
  const rn: Expr = { kind: 'alias', child: { kind: 'window', fn: 'row_number', args: [], partitionBy: out, orderBy: [] }, name: '_copy', id: newExprId() };
  return [{ kind: 'window', child: plan, windowExprs: [rn], partitionSpec: out, orderSpec: [] }, toAttribute(rn)];
}

/** A hidden join key as it appears in a SELECT's scope: a name no column reference matches. */
function mangleHidden(a: AttributeRef): AttributeRef {
  return { ...a, name: `${a.name}#hidden` };
}

/** Renames a plan's columns (`WITH t(a, b) AS ...`, `(subquery) AS t(a, b)`). */
export function renameColumns(plan: LogicalPlan, names: readonly string[], what: string): LogicalPlan {
  const out = outputOf(plan);
  if (out.length !== names.length) {
    throw new AnalysisError(`${what}: ${names.length} column names given for ${out.length} columns (${out.map((a) => a.name).join(', ')})`);
  }
  return { kind: 'project', child: plan, exprs: out.map((a, i): Expr => ({ kind: 'alias', child: a, name: names[i]!, id: newExprId() })) };
}
