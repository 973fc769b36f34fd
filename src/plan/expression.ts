import type { AggregateFunction } from '../types/aggregate-function.js';
import type { DataType } from '../types/data-type.js';
import type { CellValue } from '../types/values.js';

/**
 * Expressions of the logical plan, one closed union (Catalyst's Expression tree).
 *
 * Before analysis a plan may hold `unresolved` column names and `star`; the analyzer replaces them
 * with `attr` references that carry a unique id, so the optimizer can move expressions between plan
 * nodes without name clashes. Physical planning turns attribute ids into column indices.
 */
export type Expr =
  | UnresolvedColumn
  | Star
  | AttributeRef
  | Literal
  | Alias
  | Cast
  | BinaryExpr
  | UnaryExpr
  | InList
  | Like
  | CaseWhen
  | FunctionCall
  | AggregateCall
  | WindowExpr;

/** A column name not yet resolved against a schema; `qualifier` is a table alias (`t.col`). */
export interface UnresolvedColumn {
  readonly kind: 'unresolved';
  readonly name: string;
  readonly qualifier?: string;
}

/** `*` or `t.*`, expanded by the analyzer. */
export interface Star {
  readonly kind: 'star';
  readonly qualifier?: string;
}

/** A resolved reference to a column produced by a child plan node, identified by `id`. */
export interface AttributeRef {
  readonly kind: 'attr';
  readonly id: number;
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly qualifier?: string;
  /** The DataFrame whose `col()` produced this reference (to tell self-join sides apart, like Spark's dataset ids). */
  readonly origin?: number;
}

/** A constant; `value` uses the JavaScript representation of src/types/values.ts. */
export interface Literal {
  readonly kind: 'literal';
  readonly value: CellValue;
  readonly type: DataType;
}

/** Names an expression (`expr AS name`); `id` becomes the attribute id of the output column. */
export interface Alias {
  readonly kind: 'alias';
  readonly child: Expr;
  readonly name: string;
  readonly id: number;
}

/** `CAST(child AS to)`. */
export interface Cast {
  readonly kind: 'cast';
  readonly child: Expr;
  readonly to: DataType;
}

/** Binary operators: arithmetic, comparison, logic. `<=>` is Spark's null-safe equality. */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>' | 'and' | 'or';

/** A binary operation. */
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** Unary operators. */
export type UnaryOp = 'not' | 'negate' | 'isNull' | 'isNotNull';

/** A unary operation. */
export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly child: Expr;
}

/** `child IN (list...)` with literal list items. */
export interface InList {
  readonly kind: 'in';
  readonly child: Expr;
  readonly list: readonly Expr[];
}

/** `child LIKE pattern` with a literal pattern. */
export interface Like {
  readonly kind: 'like';
  readonly child: Expr;
  readonly pattern: string;
  readonly escape: string;
}

/** `CASE WHEN c1 THEN v1 ... ELSE otherwise END` (`otherwise` absent = NULL). */
export interface CaseWhen {
  readonly kind: 'case';
  readonly branches: readonly (readonly [Expr, Expr])[];
  readonly otherwise?: Expr;
}

/** A call of a scalar function from the function registry (src/plan/functions.ts), by lower-case name. */
export interface FunctionCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
}

/** Aggregate functions (the list is src/types/aggregate-function.ts, shared with the kernels). */
export type AggregateFn = AggregateFunction;

/** Aggregates that take two arguments (the second in AggregateCall.extraArgs): covar_*, corr, regr_*, max_by, min_by. */
export const TWO_ARGUMENT_AGGREGATES: ReadonlySet<AggregateFn> = new Set<AggregateFn>([
  'max_by', 'min_by', 'histogram_numeric',
  'covar_samp', 'covar_pop', 'corr', 'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2',
]);

/** An aggregate function call; only valid inside an Aggregate node's output expressions. */
export interface AggregateCall {
  readonly kind: 'agg';
  readonly fn: AggregateFn;
  readonly arg: Expr | null;
  readonly ignoreNulls: boolean;
  /** Arguments after `arg`: the second of covar/corr/regr_* (Spark's order), or b, c of count(DISTINCT a, b, c). */
  readonly extraArgs?: readonly Expr[];
  /** agg(DISTINCT ...): each distinct (non-null) argument value counts once (count(DISTINCT x) uses fn 'count_distinct'). */
  readonly distinct?: boolean;
  /** The name the user called it by, for the output name when it differs from `fn` (`stddev`, `every`, `any`, ...). */
  readonly prettyName?: string;
  /**
   * Internal (partial aggregation, scheduler/aggregate-split.ts): instead of its result, the call
   * outputs column `stateColumn` of the function's mergeable state (a non-null double; see
   * MergeableAccumulator in kernels/moments.ts). Calls on the same arguments share one accumulator.
   */
  readonly stateColumn?: number;
  /**
   * Internal (final aggregation): the arguments are the state columns of partial aggregations of
   * this function (stateColumn 0, 1, ... in order); they are merged and the result is the function's.
   */
  readonly mergeStates?: boolean;
}

/** All arguments of an aggregate call (`arg` then `extraArgs`). */
export function aggregateArgs(e: AggregateCall): Expr[] {
  return e.arg ? [e.arg, ...(e.extraArgs ?? [])] : [];
}

function aggregateText(e: AggregateCall, show: (x: Expr) => string): string {
  if (e.fn === 'count_star') return 'count(1)';
  // Spark names approx_count_distinct(x, rsd) `approx_count_distinct(x)` (the rsd is not a child).
  if (e.fn === 'approx_count_distinct' && e.extraArgs?.length && show === exprName) return aggregateText({ ...e, extraArgs: [] }, show);
  if ((e.fn === 'percentile_cont' || e.fn === 'percentile_disc') && e.stateColumn === undefined && !e.mergeStates) {
    // Spark's text: percentile_cont(0.25) WITHIN GROUP (ORDER BY v), median(x), percentile(x, 0.5, 1)
    const [x, p, desc] = aggregateArgs(e);
    const pv = p?.kind === 'literal' ? String(p.value) : p ? show(p) : '?';
    if (e.prettyName === 'median') return `median(${x ? show(x) : ''})`;
    if (e.prettyName === 'percentile') return `percentile(${x ? show(x) : ''}, ${pv}, 1)`;
    return `${e.fn}(${pv}) WITHIN GROUP (ORDER BY v${desc?.kind === 'literal' && desc.value === true ? ' DESC' : ''})`;
  }
  const distinct = e.fn === 'count_distinct' || e.distinct;
  const base = e.prettyName ?? (e.fn === 'count_distinct' ? 'count' : e.fn);
  const name = e.stateColumn !== undefined ? `${base}_state${e.stateColumn}` : e.mergeStates ? `${base}_merge` : base;
  return `${name}(${distinct ? 'DISTINCT ' : ''}${aggregateArgs(e).map(show).join(', ')})`;
}

// ---- window functions (begin) ----------------------------------------------------------------

/** Functions that can be computed over a window (ranking, offset and aggregate functions). */
export type WindowFn =
  | 'row_number' | 'rank' | 'dense_rank' | 'lag' | 'lead' | 'sum' | 'count' | 'count_star' | 'avg' | 'min' | 'max'
  // rank distributions (`offset` is ntile's bucket count)
  | 'cume_dist' | 'percent_rank' | 'ntile'
  // value functions (first_value/any_value/first = first_value, last = last_value; `offset` is nth_value's n)
  | 'first_value' | 'last_value' | 'nth_value'
  // aggregates: central moments, co-moments (second argument in args[1]), boolean
  | 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop' | 'skewness' | 'kurtosis'
  | 'covar_samp' | 'covar_pop' | 'corr' | 'regr_count' | 'regr_avgx' | 'regr_avgy' | 'regr_sxx' | 'regr_syy' | 'regr_sxy' | 'regr_slope' | 'regr_intercept' | 'regr_r2'
  | 'bool_and' | 'bool_or'
  // nested results / distinct counts (approx_count_distinct over windows is computed exactly)
  | 'collect_list' | 'collect_set' | 'approx_count_distinct'
  // percentile_cont / percentile_disc(fraction) WITHIN GROUP (ORDER BY args[0]) over whole partitions
  | 'percentile_cont' | 'percentile_disc';

/** Window aggregates over two arguments (the second is args[1]). */
export const TWO_ARGUMENT_WINDOW_FUNCTIONS: ReadonlySet<WindowFn> = new Set<WindowFn>([
  'covar_samp', 'covar_pop', 'corr', 'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2',
]);

/**
 * A value offset of a RANGE frame bound beyond plain numbers: an interval (Spark's year-month or
 * day-time interval literal) added to a date or timestamp order key. `text` is Spark's rendering
 * (`INTERVAL '1-1' YEAR TO MONTH`); `months` calendar months, `micros` the day-time part; both signed
 * (negative = PRECEDING).
 */
export interface FrameInterval {
  readonly kind: 'interval';
  readonly months: number;
  readonly micros: number;
  readonly text: string;
}

/**
 * One end of a window frame: UNBOUNDED PRECEDING/FOLLOWING, CURRENT ROW, or an offset from the
 * current row, negative = PRECEDING, positive = FOLLOWING: rows (ROWS frames, integers) or a value
 * distance from the row's order key (RANGE frames: a number in the key's units, or an interval).
 */
export type FrameBoundary = 'unboundedPreceding' | 'currentRow' | 'unboundedFollowing' | number | FrameInterval;

/** A window frame (`ROWS|RANGE BETWEEN lower AND upper`). */
export interface WindowFrame {
  readonly type: 'rows' | 'range';
  readonly lower: FrameBoundary;
  readonly upper: FrameBoundary;
}

/**
 * A window function call `fn(args) OVER (PARTITION BY ... ORDER BY ... frame)` (Catalyst's
 * WindowExpression). `args`: the value for aggregates and lag/lead, then lag/lead's default value.
 * `offset` is lag/lead's row offset. `frame` undefined = Spark's default (RANGE UNBOUNDED PRECEDING
 * AND CURRENT ROW with an ORDER BY, the whole partition without); the analyzer fills it in.
 * Only valid in a Window plan node (the DataFrame API extracts them from select/withColumn).
 */
export interface WindowExpr {
  readonly kind: 'window';
  readonly fn: WindowFn;
  readonly args: readonly Expr[];
  readonly offset?: number;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortOrder[];
  readonly frame?: WindowFrame;
  /** first_value / last_value / nth_value / lag / lead: IGNORE NULLS. */
  readonly ignoreNulls?: boolean;
  /** The name the user called the function by when it differs from `fn` (`every`, `stddev`, `any_value`, ...). */
  readonly prettyName?: string;
  /** percentile_cont / percentile_disc: the fraction and WITHIN GROUP's direction. */
  readonly percentile?: { readonly fraction: number; readonly descending: boolean };
}

/** Text of a frame (`ROWS BETWEEN 1 PRECEDING AND CURRENT ROW`). */
export function frameToString(f: WindowFrame): string {
  const b = (x: FrameBoundary) =>
    x === 'unboundedPreceding' ? 'UNBOUNDED PRECEDING' : x === 'unboundedFollowing' ? 'UNBOUNDED FOLLOWING' : x === 'currentRow' ? 'CURRENT ROW'
      : typeof x === 'object' ? `${x.text} ${x.months < 0 || x.micros < 0 ? 'PRECEDING' : 'FOLLOWING'}`
        : x < 0 ? `${-x} PRECEDING` : `${x} FOLLOWING`;
  return `${f.type.toUpperCase()} BETWEEN ${b(f.lower)} AND ${b(f.upper)}`;
}

function windowText(e: WindowExpr, show: (x: Expr) => string): string {
  const rest = e.fn === 'lag' || e.fn === 'lead' ? [String(e.offset ?? 1), ...e.args.slice(1).map(show)]
    : e.fn === 'nth_value' ? [String(e.offset ?? 1)]
      : e.fn === 'ntile' ? [] 
      : TWO_ARGUMENT_WINDOW_FUNCTIONS.has(e.fn) ? e.args.slice(1).map(show) : [];
  const args = e.fn === 'count_star' ? '1' : e.fn === 'ntile' ? String(e.offset ?? 1) : e.percentile ? String(e.percentile.fraction) : [...e.args.slice(0, 1).map(show), ...rest].join(', ');
  const parts: string[] = [];
  if (e.partitionBy.length) parts.push(`PARTITION BY ${e.partitionBy.map(show).join(', ')}`);
  if (e.orderBy.length) parts.push(`ORDER BY ${e.orderBy.map((o) => `${show(o.expr)} ${o.ascending ? 'ASC' : 'DESC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`);
  if (e.frame) parts.push(frameToString(e.frame));
  else if (e.fn === 'row_number' || e.fn === 'rank' || e.fn === 'dense_rank' || e.fn === 'percent_rank' || e.fn === 'ntile') parts.push('ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
  else if (e.fn === 'cume_dist') parts.push('RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
  else if (e.fn === 'lag' || e.fn === 'lead') {
    const k = (e.fn === 'lag' ? -1 : 1) * (e.offset ?? 1);
    parts.push(`ROWS BETWEEN ${k} FOLLOWING AND ${k} FOLLOWING`); // Spark's spelling of lag/lead's frame
  }
  const within = e.percentile ? ` WITHIN GROUP (ORDER BY v${e.percentile.descending ? ' DESC' : ''})` : ''; // Spark's text
  const ignore = e.ignoreNulls && (e.fn === 'lag' || e.fn === 'lead' || e.fn === 'nth_value') ? ' ignore nulls' : '';
  return `${e.prettyName ?? (e.fn === 'count_star' ? 'count' : e.fn)}(${args})${ignore}${within} OVER (${parts.join(' ')})`;
}

// ---- window functions (end) ------------------------------------------------------------------

/** A sort key of an orderBy. */
export interface SortOrder {
  readonly expr: Expr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

let nextId = 1;

/** A fresh attribute id, unique within this thread. */
export function newExprId(): number {
  return nextId++;
}

/**
 * Makes every later newExprId() greater than `id`: an executor thread calls it with the largest id
 * of a plan it received from the driver, so ids the executor's planner creates never collide
 * with the driver's.
 */
export function reserveExprIdsThrough(id: number): void {
  if (nextId <= id) nextId = id + 1;
}

/** The direct children of an expression. */
export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'unresolved':
    case 'star':
    case 'attr':
    case 'literal':
      return [];
    case 'alias':
    case 'cast':
    case 'unary':
    case 'like':
      return [e.child];
    case 'binary':
      return [e.left, e.right];
    case 'in':
      return [e.child, ...e.list];
    case 'case':
      return [...e.branches.flatMap(([c, v]) => [c, v]), ...(e.otherwise ? [e.otherwise] : [])];
    case 'call':
      return e.args;
    case 'agg':
      return aggregateArgs(e);
    case 'window':
      return [...e.args, ...e.partitionBy, ...e.orderBy.map((o) => o.expr)];
  }
}

/** Rebuilds `e` with its children replaced by `f(child)` (bottom-up transforms use this). */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'unresolved':
    case 'star':
    case 'attr':
    case 'literal':
      return e;
    case 'alias':
      return { ...e, child: f(e.child) };
    case 'cast':
      return { ...e, child: f(e.child) };
    case 'unary':
      return { ...e, child: f(e.child) };
    case 'like':
      return { ...e, child: f(e.child) };
    case 'binary':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'in':
      return { ...e, child: f(e.child), list: e.list.map(f) };
    case 'case':
      return {
        ...e,
        branches: e.branches.map(([c, v]) => [f(c), f(v)] as const),
        ...(e.otherwise ? { otherwise: f(e.otherwise) } : {}),
      };
    case 'call':
      return { ...e, args: e.args.map(f) };
    case 'agg':
      return { ...e, arg: e.arg ? f(e.arg) : null, ...(e.extraArgs ? { extraArgs: e.extraArgs.map(f) } : {}) };
    case 'window':
      return { ...e, args: e.args.map(f), partitionBy: e.partitionBy.map(f), orderBy: e.orderBy.map((o) => ({ ...o, expr: f(o.expr) })) };
  }
}

/** Applies `f` to every node bottom-up (children first). */
export function transformUp(e: Expr, f: (e: Expr) => Expr): Expr {
  return f(mapChildren(e, (c) => transformUp(c, f)));
}

/** True if `pred` holds for `e` or any descendant. */
export function exprExists(e: Expr, pred: (e: Expr) => boolean): boolean {
  return pred(e) || exprChildren(e).some((c) => exprExists(c, pred));
}

/** The attribute ids an expression references. */
export function referencedIds(e: Expr, into: Set<number> = new Set()): Set<number> {
  if (e.kind === 'attr') into.add(e.id);
  for (const c of exprChildren(e)) referencedIds(c, into);
  return into;
}

/** The output name Spark would give an expression (`(a + 1)`, `sum(x)`, ...). */
export function exprName(e: Expr): string {
  switch (e.kind) {
    case 'unresolved':
      return e.name;
    case 'star':
      return e.qualifier ? `${e.qualifier}.*` : '*';
    case 'attr':
      return e.name;
    case 'literal':
      return e.value === null ? 'NULL' : typeof e.value === 'string' ? e.value : String(e.value);
    case 'alias':
      return e.name;
    case 'cast':
      return exprName(e.child);
    case 'binary': {
      const op = e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : e.op;
      return `(${exprName(e.left)} ${op} ${exprName(e.right)})`;
    }
    case 'unary':
      return e.op === 'not'
        ? `(NOT ${exprName(e.child)})`
        : e.op === 'negate'
          ? `(- ${exprName(e.child)})`
          : `(${exprName(e.child)} IS ${e.op === 'isNull' ? 'NULL' : 'NOT NULL'})`;
    case 'in':
      return `(${exprName(e.child)} IN (${e.list.map(exprName).join(', ')}))`;
    case 'like':
      return `${exprName(e.child)} LIKE ${e.pattern}`;
    case 'case':
      return `CASE ${e.branches.map(([c, v]) => `WHEN ${exprName(c)} THEN ${exprName(v)}`).join(' ')}${e.otherwise ? ` ELSE ${exprName(e.otherwise)}` : ''} END`;
    case 'call':
      // a struct field (col.field) reads as Spark prints it, `s.a`
      if (e.name === 'get_field' && e.args[1]?.kind === 'literal') return `${exprName(e.args[0]!)}.${String(e.args[1].value)}`;
      // struct(a, b) rewritten to named_struct by the analyzer keeps its name (see structAsNamedStruct)
      if ((e as { display?: string }).display === 'struct') return `struct(${e.args.filter((_, i) => i % 2 === 1).map(exprName).join(', ')})`;
      return `${e.name}(${e.args.map(exprName).join(', ')})`;
    case 'agg':
      return aggregateText(e, exprName);
    case 'window':
      return windowText(e, exprName);
  }
}

/** Compact text of an expression for plan output: attributes print as `name#id`. */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'attr':
      return `${e.name}#${e.id}`;
    case 'literal':
      return e.value === null ? 'null' : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'alias':
      return `${exprToString(e.child)} AS ${e.name}#${e.id}`;
    case 'cast':
      return `cast(${exprToString(e.child)} as ${typeLabel(e.to)})`;
    case 'binary':
      return `(${exprToString(e.left)} ${e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : e.op} ${exprToString(e.right)})`;
    case 'unary':
      return e.op === 'not'
        ? `NOT ${exprToString(e.child)}`
        : e.op === 'negate'
          ? `-${exprToString(e.child)}`
          : `${e.op}(${exprToString(e.child)})`;
    case 'in':
      return `${exprToString(e.child)} IN (${e.list.map(exprToString).join(',')})`;
    case 'like':
      return `${exprToString(e.child)} LIKE '${e.pattern}'`;
    case 'case':
      return `CASE ${e.branches.map(([c, v]) => `WHEN ${exprToString(c)} THEN ${exprToString(v)}`).join(' ')}${e.otherwise ? ` ELSE ${exprToString(e.otherwise)}` : ''} END`;
    case 'call':
      return `${e.name}(${e.args.map(exprToString).join(', ')})`;
    case 'agg':
      return aggregateText(e, exprToString);
    case 'window':
      return windowText(e, exprToString);
    default:
      return exprName(e);
  }
}

function typeLabel(t: DataType): string {
  return t.kind === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.kind;
}

/** Splits a predicate into its AND-ed parts. */
export function splitConjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'and' ? [...splitConjuncts(e.left), ...splitConjuncts(e.right)] : [e];
}

/** Joins predicates with AND (undefined for an empty list). */
export function conjunction(parts: readonly Expr[]): Expr | undefined {
  return parts.reduce<Expr | undefined>((acc, p) => (acc ? { kind: 'binary', op: 'and', left: acc, right: p } : p), undefined);
}

/** A literal expression. */
export function literal(value: CellValue, type: DataType): Literal {
  return { kind: 'literal', value, type };
}

/**
 * Some constant of type `t`, or undefined for types without a simple literal (nested types): it
 * stands in for NULL next to an IS NULL key, so null-safe equality can become two plain equalities.
 */
export function placeholderLiteral(t: DataType): Literal | undefined {
  const lit = (value: Literal['value']): Literal => ({ kind: 'literal', value, type: t });
  switch (t.kind) {
    case 'boolean':
      return lit(false);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return lit(0);
    case 'int64':
      return lit(0n);
    case 'decimal':
      return lit('0');
    case 'utf8':
      return lit('');
    case 'date32':
      return lit('1970-01-01');
    case 'timestamp':
      return lit(new Date(0));
    default:
      return undefined;
  }
}
