/**
 * SQL expression AST -> the plan's (unresolved) Expr, the same trees the Column API builds: `a BETWEEN
 * x AND y` becomes `a >= x AND a <= y` like `Column.between`, `count(*)` becomes `count_star` like
 * `functions.count('*')`, `f(x) OVER (...)` becomes a WindowExpr like `Column.over`, and so on.
 * Subqueries are handed to a callback (the binder plans them); without one (functions.expr,
 * df.filter(text)) they are NotImplementedErrors.
 */
import { AnalysisError, NotImplementedError } from '../errors.js';
import { DataTypes } from '../types/data-type.js';
import { formatDate, parseDate } from '../types/values.js';
import { type AggregateFn, type Expr, type FrameBoundary, type SortOrder, type WindowFn, TWO_ARGUMENT_AGGREGATES, literal } from '../plan/expression.js';
import type { FrameBound, IntervalUnit, SqlExpr } from './ast.js';

/** What the translator asks the binder for: an expression standing for a subquery. */
export interface TranslateHooks {
  /** Plans a scalar / IN / EXISTS subquery and returns the expression replacing it. */
  subquery?(e: Extract<SqlExpr, { kind: 'scalarSubquery' | 'inSubquery' | 'exists' }>): Expr;
  /** Replaces a node before translation (used to build output names); undefined = translate normally. */
  rename?(e: SqlExpr): Expr | undefined;
}

/** Aggregate function names of SQL and the plan's AggregateFn they map to. */
const AGGREGATES: Record<string, AggregateFn> = {
  sum: 'sum',
  count: 'count',
  min: 'min',
  max: 'max',
  avg: 'avg',
  mean: 'avg',
  first: 'first',
  first_value: 'first',
  any_value: 'first',
  // statistics (Spark's names and aliases; the output name keeps the alias, see AGGREGATE_PRETTY_NAMES)
  stddev: 'stddev_samp',
  std: 'stddev_samp',
  stddev_samp: 'stddev_samp',
  stddev_pop: 'stddev_pop',
  variance: 'var_samp',
  var_samp: 'var_samp',
  var_pop: 'var_pop',
  skewness: 'skewness',
  kurtosis: 'kurtosis',
  covar_samp: 'covar_samp',
  covar_pop: 'covar_pop',
  corr: 'corr',
  regr_count: 'regr_count',
  regr_avgx: 'regr_avgx',
  regr_avgy: 'regr_avgy',
  regr_sxx: 'regr_sxx',
  regr_syy: 'regr_syy',
  regr_sxy: 'regr_sxy',
  regr_slope: 'regr_slope',
  regr_intercept: 'regr_intercept',
  regr_r2: 'regr_r2',
  // boolean aggregates
  every: 'bool_and',
  bool_and: 'bool_and',
  some: 'bool_or',
  any: 'bool_or',
  bool_or: 'bool_or',
  count_if: 'count_if',
  max_by: 'max_by',
  min_by: 'min_by',
};

/** Aggregates that also exist as window functions (WindowFn). */
const WINDOW_AGGREGATES: ReadonlySet<string> = new Set(['sum', 'count', 'count_star', 'avg', 'min', 'max']);

/** SQL aggregate names whose output name (Spark's prettyName) is the alias itself, not the function's name. */
const AGGREGATE_PRETTY_NAMES: ReadonlySet<string> = new Set(['stddev', 'std', 'variance', 'every', 'some', 'any']);

/** True if `name` is an aggregate function of SQL. */
export function isAggregateName(name: string): boolean {
  return AGGREGATES[name.toLowerCase()] !== undefined;
}

/** True if the SQL expression contains an aggregate call (outside subqueries and window calls). */
export function containsAggregate(e: SqlExpr): boolean {
  if (e.kind === 'call' && !e.over && isAggregateName(e.name)) return true;
  return sqlChildren(e).some(containsAggregate);
}

/** The direct sub-expressions of a SQL expression (not descending into subqueries). */
export function sqlChildren(e: SqlExpr): SqlExpr[] {
  switch (e.kind) {
    case 'column':
    case 'star':
    case 'literal':
    case 'interval':
    case 'exists':
    case 'scalarSubquery':
      return [];
    case 'binary':
      return [e.left, e.right];
    case 'unary':
    case 'isNull':
    case 'isBool':
    case 'cast':
    case 'extract':
    case 'inSubquery':
      return [e.child];
    case 'between':
      return [e.child, e.low, e.high];
    case 'inList':
      return [e.child, ...e.list];
    case 'like':
      return [e.child, e.pattern];
    case 'case':
      return [...(e.operand ? [e.operand] : []), ...e.branches.flat(), ...(e.otherwise ? [e.otherwise] : [])];
    case 'call':
      return [...e.args];
  }
}

const EXTRACT_FIELDS: Record<string, string> = {
  year: 'year',
  years: 'year',
  y: 'year',
  yr: 'year',
  month: 'month',
  months: 'month',
  mon: 'month',
  day: 'dayofmonth',
  days: 'dayofmonth',
  d: 'dayofmonth',
  dayofweek: 'dayofweek',
  dow: 'dayofweek',
  doy: 'dayofyear',
  dayofyear: 'dayofyear',
  quarter: 'quarter',
  qtr: 'quarter',
  hour: 'hour',
  hours: 'hour',
  h: 'hour',
  minute: 'minute',
  minutes: 'minute',
  m: 'minute',
  second: 'second',
  seconds: 'second',
  s: 'second',
};

/** Translates a SQL expression into an unresolved plan expression. */
export function translateExpr(e: SqlExpr, hooks: TranslateHooks = {}): Expr {
  const renamed = hooks.rename?.(e);
  if (renamed) return renamed;
  const t = (x: SqlExpr) => translateExpr(x, hooks);
  switch (e.kind) {
    case 'column': {
      const name = e.parts[e.parts.length - 1]!;
      return e.parts.length === 1 ? { kind: 'unresolved', name } : { kind: 'unresolved', name, qualifier: e.parts.slice(0, -1).join('.') };
    }
    case 'star':
      return e.qualifier ? { kind: 'star', qualifier: e.qualifier } : { kind: 'star' };
    case 'literal':
      return literal(e.value, e.type);
    case 'interval':
      throw new AnalysisError(`an interval can only be added to or subtracted from a date here (line ${e.pos.line}, column ${e.pos.column})`);
    case 'binary': {
      if ((e.op === '+' || e.op === '-') && (e.right.kind === 'interval' || (e.op === '+' && e.left.kind === 'interval'))) {
        const [d, iv] = e.right.kind === 'interval' ? [e.left, e.right] : [e.right, e.left as Extract<SqlExpr, { kind: 'interval' }>];
        return dateInterval(t(d), d, iv, e.op === '-' ? -1 : 1);
      }
      switch (e.op) {
        case 'div':
          // Integral division: Spark's `a div b` truncates toward zero (bigint result).
          return { kind: 'cast', child: { kind: 'binary', op: '/', left: t(e.left), right: t(e.right) }, to: DataTypes.Long };
        case '||':
          return { kind: 'call', name: 'concat', args: [t(e.left), t(e.right)] };
        case '!=':
          // Spark's parser turns `a <> b` / `a != b` into Not(EqualTo(a, b)), named `(NOT (a = b))`.
          return { kind: 'unary', op: 'not', child: { kind: 'binary', op: '=', left: t(e.left), right: t(e.right) } };
        case '&':
        case '|':
        case '^':
          throw new NotImplementedError(`bitwise operator '${e.op}' (line ${e.pos.line}, column ${e.pos.column})`);
        default:
          return { kind: 'binary', op: e.op, left: t(e.left), right: t(e.right) };
      }
    }
    case 'unary':
      if (e.op === 'plus') return t(e.child);
      if (e.op === '~') throw new NotImplementedError(`bitwise NOT '~' (line ${e.pos.line}, column ${e.pos.column})`);
      return { kind: 'unary', op: e.op, child: t(e.child) };
    case 'isNull':
      return { kind: 'unary', op: e.negated ? 'isNotNull' : 'isNull', child: t(e.child) };
    case 'isBool': {
      const eq: Expr = { kind: 'binary', op: '<=>', left: t(e.child), right: literal(e.value, DataTypes.Boolean) };
      return e.negated ? { kind: 'unary', op: 'not', child: eq } : eq;
    }
    case 'between': {
      const c = t(e.child);
      const both: Expr = {
        kind: 'binary',
        op: 'and',
        left: { kind: 'binary', op: '>=', left: c, right: t(e.low) },
        right: { kind: 'binary', op: '<=', left: c, right: t(e.high) },
      };
      return e.negated ? { kind: 'unary', op: 'not', child: both } : both;
    }
    case 'inList': {
      const inx: Expr = { kind: 'in', child: t(e.child), list: e.list.map(t) };
      return e.negated ? { kind: 'unary', op: 'not', child: inx } : inx;
    }
    case 'like': {
      if (e.pattern.kind !== 'literal' || typeof e.pattern.value !== 'string') {
        throw new NotImplementedError(`LIKE with a non-literal pattern (line ${e.pos.line}, column ${e.pos.column})`);
      }
      const child = e.caseInsensitive ? ({ kind: 'call', name: 'lower', args: [t(e.child)] } as Expr) : t(e.child);
      const pattern = e.caseInsensitive ? e.pattern.value.toLowerCase() : e.pattern.value;
      const like: Expr = { kind: 'like', child, pattern, escape: e.escape ?? '\\' };
      return e.negated ? { kind: 'unary', op: 'not', child: like } : like;
    }
    case 'case': {
      const operand = e.operand ? t(e.operand) : undefined;
      const branches = e.branches.map(
        ([c, v]) => [operand ? ({ kind: 'binary', op: '=', left: operand, right: t(c) } as Expr) : t(c), t(v)] as const,
      );
      return { kind: 'case', branches, ...(e.otherwise ? { otherwise: t(e.otherwise) } : {}) };
    }
    case 'cast':
      return { kind: 'cast', child: t(e.child), to: e.to };
    case 'extract': {
      const fn = EXTRACT_FIELDS[e.field];
      if (!fn) throw new AnalysisError(`EXTRACT: unknown field '${e.field}'; expected one of YEAR, QUARTER, MONTH, DAY, DAYOFWEEK, DOY, HOUR, MINUTE, SECOND`);
      return { kind: 'call', name: fn, args: [t(e.child)] };
    }
    case 'scalarSubquery':
    case 'inSubquery':
    case 'exists': {
      if (!hooks.subquery) {
        const what = e.kind === 'scalarSubquery' ? 'a scalar subquery' : e.kind === 'exists' ? 'EXISTS (subquery)' : 'IN (subquery)';
        throw new NotImplementedError(`${what} is only supported in spark.sql() queries, not in a standalone expression`);
      }
      return hooks.subquery(e);
    }
    case 'call':
      return translateCall(e, hooks);
  }
}

function translateCall(e: Extract<SqlExpr, { kind: 'call' }>, hooks: TranslateHooks): Expr {
  const name = e.name.toLowerCase();
  const t = (x: SqlExpr) => translateExpr(x, hooks);
  if (e.over) return translateWindow(e, hooks);
  const agg = AGGREGATES[name];
  if (agg) {
    if (e.star) {
      if (agg !== 'count') throw new AnalysisError(`${e.name}(*) is not valid; only count(*) takes '*'`);
      return { kind: 'agg', fn: 'count_star', arg: null, ignoreNulls: false };
    }
    if (e.distinct) {
      if (agg === 'count' && e.args.length === 1) return { kind: 'agg', fn: 'count_distinct', arg: t(e.args[0]!), ignoreNulls: false };
      if (agg === 'count' && e.args.length > 1) {
        return { kind: 'agg', fn: 'count_distinct', arg: t(e.args[0]!), extraArgs: e.args.slice(1).map(t), ignoreNulls: false };
      }
      if (agg === 'min' || agg === 'max') return { kind: 'agg', fn: agg, arg: t(e.args[0]!), ignoreNulls: false };
      if (agg === 'first') throw new NotImplementedError(`${e.name}(DISTINCT ...)`);
    }
    if (agg === 'first') {
      if (e.args.length < 1 || e.args.length > 2) throw new AnalysisError(`function ${e.name} takes 1 or 2 arguments, got ${e.args.length}`);
      const ign = e.args[1];
      if (ign && (ign.kind !== 'literal' || typeof ign.value !== 'boolean')) throw new AnalysisError(`${e.name}: the second argument (ignoreNulls) must be true or false`);
      return { kind: 'agg', fn: 'first', arg: t(e.args[0]!), ignoreNulls: ign ? ign.value === true : false };
    }
    const arity = TWO_ARGUMENT_AGGREGATES.has(agg) ? 2 : 1;
    if (e.args.length !== arity) throw new AnalysisError(`function ${e.name} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${e.args.length}`);
    if (arity === 2 || e.distinct || AGGREGATE_PRETTY_NAMES.has(name)) {
      return {
        kind: 'agg',
        fn: agg,
        arg: t(e.args[0]!),
        ignoreNulls: false,
        ...(arity === 2 ? { extraArgs: [t(e.args[1]!)] } : {}),
        ...(e.distinct ? { distinct: true } : {}),
        ...(AGGREGATE_PRETTY_NAMES.has(name) ? { prettyName: name } : {}),
      };
    }
    const arg = e.args[0]!;
    // count(1), count('x'): a non-null literal counts rows (like functions.count).
    if (agg === 'count' && arg.kind === 'literal' && arg.value !== null) return { kind: 'agg', fn: 'count_star', arg: null, ignoreNulls: false };
    return { kind: 'agg', fn: agg, arg: t(arg), ignoreNulls: false };
  }
  if (e.star) throw new AnalysisError(`${e.name}(*) is not valid; only count(*) takes '*'`);
  if (e.distinct) throw new AnalysisError(`DISTINCT is only allowed in aggregate functions, not in ${e.name}(...)`);
  const args = e.args.map(t);
  switch (name) {
    case 'if':
      if (args.length !== 3) throw new AnalysisError(`function if takes 3 arguments, got ${args.length}`);
      return { kind: 'case', branches: [[args[0]!, args[1]!]], otherwise: args[2]! };
    case 'nullif':
      if (args.length !== 2) throw new AnalysisError(`function nullif takes 2 arguments, got ${args.length}`);
      return { kind: 'case', branches: [[{ kind: 'binary', op: '=', left: args[0]!, right: args[1]! }, literal(null, DataTypes.Null)]], otherwise: args[0]! };
    case 'isnull':
      return { kind: 'unary', op: 'isNull', child: one(name, args) };
    case 'isnotnull':
      return { kind: 'unary', op: 'isNotNull', child: one(name, args) };
    case 'negative':
      return { kind: 'unary', op: 'negate', child: one(name, args) };
    case 'positive':
      return one(name, args);
    case 'substr':
      return { kind: 'call', name: 'substring', args };
    case 'timestamp_seconds':
      // Seconds since the epoch (fractions allowed) as a timestamp: Spark's cast of a number to timestamp.
      return { kind: 'cast', child: one(name, args), to: DataTypes.Timestamp };
    case 'extract':
      break;
  }
  return { kind: 'call', name, args };
}

function one(name: string, args: readonly Expr[]): Expr {
  if (args.length !== 1) throw new AnalysisError(`function ${name} takes 1 argument, got ${args.length}`);
  return args[0]!;
}

/**
 * `date +/- INTERVAL ...`. A literal date is computed now (TPC-H's `date '1998-12-01' - interval '90'
 * day`); a date column with whole days becomes date_add/date_sub. Months and years need add_months,
 * which the engine does not have yet.
 */
function dateInterval(d: Expr, src: SqlExpr, iv: Extract<SqlExpr, { kind: 'interval' }>, sign: 1 | -1): Expr {
  let months = 0;
  let days = 0;
  const dayUnits: Partial<Record<IntervalUnit, number>> = { day: 1, week: 7 };
  for (const p of iv.parts) {
    if (p.unit === 'year') months += 12 * p.value;
    else if (p.unit === 'month') months += p.value;
    else if (dayUnits[p.unit] !== undefined) days += p.value * dayUnits[p.unit]!;
    else throw new NotImplementedError(`interval unit ${p.unit.toUpperCase()} in date arithmetic (line ${iv.pos.line}, column ${iv.pos.column}): only YEAR, MONTH, WEEK and DAY are supported`);
  }
  if (!Number.isInteger(months) || !Number.isInteger(days)) throw new AnalysisError(`interval values in date arithmetic must be whole numbers (line ${iv.pos.line}, column ${iv.pos.column})`);
  months *= sign;
  days *= sign;
  if (src.kind === 'literal' && src.type.kind === 'date32' && typeof src.value === 'string') {
    let day = parseDate(src.value);
    if (months !== 0) day = addMonths(day, months);
    return literal(formatDate(day + days), DataTypes.Date);
  }
  if (months !== 0) throw new NotImplementedError(`adding a YEAR/MONTH interval to a date column (add_months is not implemented yet; line ${iv.pos.line}, column ${iv.pos.column})`);
  const target: Expr = { kind: 'cast', child: d, to: DataTypes.Date };
  return { kind: 'call', name: days < 0 ? 'date_sub' : 'date_add', args: [target, literal(Math.abs(days), DataTypes.Integer)] };
}

/** Spark's add_months on days since the epoch: the day of month is clamped to the target month's length. */
function addMonths(day: number, months: number): number {
  const dt = new Date(day * 86_400_000);
  const total = dt.getUTCFullYear() * 12 + dt.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(y, m, Math.min(dt.getUTCDate(), last)) / 86_400_000);
}

/** `fn(args) OVER (PARTITION BY ... ORDER BY ... frame)` -> the plan's WindowExpr (as `Column.over` builds it). */
function translateWindow(e: Extract<SqlExpr, { kind: 'call' }>, hooks: TranslateHooks): Expr {
  const t = (x: SqlExpr) => translateExpr(x, hooks);
  const over = e.over!;
  const name = e.name.toLowerCase();
  const where = `${e.name}(...) OVER (...) at line ${e.pos.line}, column ${e.pos.column}`;
  if (over.ref !== undefined) throw new AnalysisError(`window '${over.ref}' is not defined in the WINDOW clause (${where})`);
  const orderBy: SortOrder[] = over.orderBy.map((o) => ({ expr: t(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst ?? o.ascending }));
  const spec = {
    partitionBy: over.partitionBy.map(t),
    orderBy,
    ...(over.frame ? { frame: { type: over.frame.unit, lower: frameBoundary(over.frame.start, where), upper: frameBoundary(over.frame.end, where) } } : {}),
  };
  if (e.distinct) throw new NotImplementedError(`DISTINCT in a window function (${where})`);
  if (name === 'row_number' || name === 'rank' || name === 'dense_rank') {
    if (e.args.length) throw new AnalysisError(`${name}() takes no arguments (${where})`);
    return { kind: 'window', fn: name, args: [], ...spec };
  }
  if (name === 'lag' || name === 'lead') {
    if (e.args.length < 1 || e.args.length > 3) throw new AnalysisError(`${name} takes 1 to 3 arguments (${where})`);
    const off = e.args[1];
    if (off && (off.kind !== 'literal' || typeof off.value !== 'number')) throw new AnalysisError(`${name}: the offset must be an integer literal (${where})`);
    const offset = off ? Number((off as { value: number }).value) : 1;
    return { kind: 'window', fn: name, args: [t(e.args[0]!), ...(e.args[2] ? [t(e.args[2])] : [])], offset, ...spec };
  }
  const agg = AGGREGATES[name];
  if (agg && agg !== 'first') {
    const a = translateCall({ ...e, over: undefined }, hooks);
    if (a.kind !== 'agg') throw new AnalysisError(`${where}: expected an aggregate`);
    if (a.fn === 'count_distinct') throw new NotImplementedError(`count(DISTINCT ...) over a window (${where})`);
    if (!WINDOW_AGGREGATES.has(a.fn) || a.distinct) throw new NotImplementedError(`${e.name}${a.distinct ? '(DISTINCT ...)' : ''} over a window (${where}); window aggregates are sum, avg, min, max and count`);
    return { kind: 'window', fn: a.fn as WindowFn, args: a.arg ? [a.arg] : [], ...spec };
  }
  throw new AnalysisError(`${e.name} is not a window function (${where}); expected row_number, rank, dense_rank, lag, lead, sum, avg, min, max or count`);
}

function frameBoundary(b: FrameBound, where: string): FrameBoundary {
  switch (b.kind) {
    case 'unboundedPreceding':
    case 'unboundedFollowing':
    case 'currentRow':
      return b.kind;
    default: {
      const o = b.offset;
      if (o.kind !== 'literal' || typeof o.value !== 'number' || !Number.isInteger(o.value)) {
        throw new NotImplementedError(`window frame offsets other than integer literals (${where})`);
      }
      return b.kind === 'preceding' ? -o.value : o.value;
    }
  }
}
