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
import { intervalLiteralValue } from '../types/interval.js';
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
  approx_count_distinct: 'approx_count_distinct',
  max_by: 'max_by',
  // exact percentiles (percentile_cont/disc take WITHIN GROUP; see translatePercentile)
  percentile_cont: 'percentile_cont',
  percentile_disc: 'percentile_disc',
  percentile: 'percentile_cont',
  median: 'percentile_cont',
  min_by: 'min_by',
  // nested results
  collect_list: 'collect_list',
  array_agg: 'collect_list',
  collect_set: 'collect_set',
  histogram_numeric: 'histogram_numeric',
};


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
  // EXTRACT(SECOND ...) is decimal(8,6) with the fraction (Spark), unlike second(ts).
  second: 'extract_second',
  seconds: 'extract_second',
  s: 'extract_second',
  sec: 'extract_second',
  secs: 'extract_second',
  yrs: 'year',
  mons: 'month',
  hr: 'hour',
  hrs: 'hour',
  min: 'minute',
  mins: 'minute',
  week: 'weekofyear',
  weeks: 'weekofyear',
  w: 'weekofyear',
  dayofweek_iso: 'dayofweek_iso',
  dow_iso: 'dayofweek_iso',
  yearofweek: 'yearofweek',
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
    case 'interval': {
      // a typed ANSI interval literal (src/types/interval.ts); date +/- interval and RANGE frames fold it below
      const iv = intervalLiteralValue(e.parts, `line ${e.pos.line}, column ${e.pos.column}`);
      return literal(iv.value, iv.type);
    }
    case 'binary': {
      const bothIntervals = e.left.kind === 'interval' && e.right.kind === 'interval'; // typed interval arithmetic
      if ((e.op === '+' || e.op === '-') && !bothIntervals && (e.right.kind === 'interval' || (e.op === '+' && e.left.kind === 'interval'))) {
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
      // `x LIKE NULL` is NULL (Spark), whatever x is.
      if (e.pattern.kind === 'literal' && e.pattern.value === null) return literal(null, DataTypes.Boolean);
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
      if (!fn) throw new AnalysisError(`EXTRACT: unknown field '${e.field}'; expected one of YEAR, YEAROFWEEK, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFWEEK_ISO, DOY, HOUR, MINUTE, SECOND`);
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
    if (agg === 'percentile_cont' || agg === 'percentile_disc') return translatePercentile(e, agg, hooks);
    // count(a, b, ...): rows where every argument is non-null (Spark's Count of several children).
    if (agg === 'count' && e.args.length > 1) return { kind: 'agg', fn: 'count', arg: t(e.args[0]!), extraArgs: e.args.slice(1).map(t), ignoreNulls: false };
    // approx_count_distinct(x[, rsd]): the relative standard deviation (a literal) travels as a second argument.
    if (agg === 'approx_count_distinct' && (e.args.length === 1 || e.args.length === 2)) {
      return { kind: 'agg', fn: agg, arg: t(e.args[0]!), ...(e.args[1] ? { extraArgs: [t(e.args[1])] } : {}), ignoreNulls: false };
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
    case 'date_part':
    case 'datepart': {
      // date_part('field', source) = EXTRACT(field FROM source); the field must be a string literal.
      const f = e.args[0];
      if (args.length !== 2 || !f || f.kind !== 'literal' || typeof f.value !== 'string') throw new AnalysisError(`function ${name} takes a field name literal and a date or timestamp`);
      const fn = EXTRACT_FIELDS[f.value.toLowerCase()];
      if (!fn) throw new AnalysisError(`${name}: unknown field '${f.value}'`);
      return { kind: 'call', name: fn, args: [args[1]!] };
    }
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
  let target: Expr = { kind: 'cast', child: d, to: DataTypes.Date };
  if (months !== 0) target = { kind: 'call', name: 'add_months', args: [target, literal(months, DataTypes.Integer)] };
  if (days === 0) return target;
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

/** Aggregates with a window implementation (WindowFn); `first` is first_value. */
const WINDOW_AGGREGATES: ReadonlySet<string> = new Set([
  'sum', 'count', 'count_star', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'collect_list', 'collect_set', 'approx_count_distinct',
  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop', 'skewness', 'kurtosis',
  'covar_samp', 'covar_pop', 'corr', 'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2',
]);

/** `fn(args) OVER (PARTITION BY ... ORDER BY ... frame)` -> the plan's WindowExpr (as `Column.over` builds it). */
function translateWindow(e: Extract<SqlExpr, { kind: 'call' }>, hooks: TranslateHooks): Expr {
  const t = (x: SqlExpr) => translateExpr(x, hooks);
  const over = e.over!;
  const name = e.name.toLowerCase();
  const where = `${e.name}(...) OVER (...) at line ${e.pos.line}, column ${e.pos.column}`;
  if (over.ref !== undefined) throw new AnalysisError(`window '${over.ref}' is not defined in the WINDOW clause (${where})`);
  const orderBy: SortOrder[] = over.orderBy.map((o) => ({ expr: t(o.expr), ascending: o.ascending, nullsFirst: o.nullsFirst ?? o.ascending }));
  const frame = over.frame
    ? { type: over.frame.unit, lower: frameBoundary(over.frame.start, over.frame.unit, where), upper: frameBoundary(over.frame.end, over.frame.unit, where) }
    : undefined;
  const spec = { partitionBy: over.partitionBy.map(t), orderBy, ...(frame ? { frame } : {}) };
  const ignoreNulls = e.ignoreNulls === true;
  if (e.distinct) throw new AnalysisError(`Distinct window functions are not supported: ${e.name}(DISTINCT ...) (${where})`);
  if (e.withinGroup) {
    if (name !== 'percentile_cont' && name !== 'percentile_disc') throw new AnalysisError(`${e.name} does not take WITHIN GROUP (${where})`);
    if (over.orderBy.length || over.frame) throw new AnalysisError(`Cannot specify order by or frame for '${name}'. (${where})`);
    const fraction = constantNumber(e.args[0]);
    if (e.args.length !== 1 || fraction === null || fraction < 0 || fraction > 1) throw new AnalysisError(`${name}: the percentage must be a constant between 0.0 and 1.0 (${where})`);
    return { kind: 'window', fn: name, args: [t(e.withinGroup.expr)], percentile: { fraction, descending: !e.withinGroup.ascending }, ...spec };
  }
  if (name === 'row_number' || name === 'rank' || name === 'dense_rank' || name === 'cume_dist' || name === 'percent_rank') {
    if (e.args.length) throw new AnalysisError(`${name}() takes no arguments (${where})`);
    return { kind: 'window', fn: name, args: [], ...spec };
  }
  if (name === 'ntile') {
    const k = e.args.length === 1 ? constantNumber(e.args[0]) : null;
    if (k === null || !Number.isInteger(k) || k <= 0) throw new AnalysisError(`Buckets expression must be a positive integer literal: ntile(...) (${where})`);
    return { kind: 'window', fn: 'ntile', args: [], offset: k, ...spec };
  }
  if (name === 'lag' || name === 'lead') {
    if (e.args.length < 1 || e.args.length > 3) throw new AnalysisError(`${name} takes 1 to 3 arguments (${where})`);
    const offset = e.args[1] ? constantNumber(e.args[1]) : 1;
    if (offset === null || !Number.isInteger(offset)) throw new AnalysisError(`${name}: the offset must be an integer literal (${where})`);
    return { kind: 'window', fn: name, args: [t(e.args[0]!), ...(e.args[2] ? [t(e.args[2])] : [])], offset, ...spec, ...(ignoreNulls ? { ignoreNulls } : {}) };
  }
  const valueFn = { first_value: 'first_value', any_value: 'first_value', first: 'first_value', last_value: 'last_value', last: 'last_value' }[name] as 'first_value' | 'last_value' | undefined;
  if (valueFn) {
    if (e.args.length < 1 || e.args.length > 2) throw new AnalysisError(`function ${e.name} takes 1 or 2 arguments, got ${e.args.length} (${where})`);
    const ign = e.args[1];
    if (ign && (ign.kind !== 'literal' || typeof ign.value !== 'boolean')) throw new AnalysisError(`${e.name}: the second argument (ignoreNulls) must be true or false (${where})`);
    const ignore = ignoreNulls || (ign !== undefined && ign.kind === 'literal' && ign.value === true);
    return { kind: 'window', fn: valueFn, args: [t(e.args[0]!)], ...spec, ...(ignore ? { ignoreNulls: true } : {}), ...(name !== valueFn ? { prettyName: name } : {}) };
  }
  if (name === 'nth_value') {
    if (e.args.length !== 2) throw new AnalysisError(`function nth_value takes 2 arguments, got ${e.args.length} (${where})`);
    const k = constantNumber(e.args[1]);
    if (k === null || !Number.isInteger(k) || k <= 0) throw new AnalysisError(`nth_value: the offset must be a positive integer literal (${where})`);
    return { kind: 'window', fn: 'nth_value', args: [t(e.args[0]!)], offset: k, ...spec, ...(ignoreNulls ? { ignoreNulls } : {}) };
  }
  const agg = AGGREGATES[name];
  if (agg) {
    const a = translateCall({ ...e, over: undefined }, hooks);
    if (a.kind !== 'agg') throw new AnalysisError(`${where}: expected an aggregate`);
    if (a.fn === 'count_distinct' || a.distinct) throw new AnalysisError(`Distinct window functions are not supported: ${e.name}(DISTINCT ...) (${where})`);
    if (a.fn === 'percentile_cont' || a.fn === 'percentile_disc') {
      // median(x) / percentile(x, p) over a window: whole partitions only (no ORDER BY or frame)
      if (over.orderBy.length || over.frame) throw new NotImplementedError(`${e.name} over an ordered window or a frame (${where}); only OVER (PARTITION BY ...) is supported`);
      const [p, desc] = a.extraArgs ?? [];
      const fraction = p?.kind === 'literal' ? Number(p.value) : 0.5;
      return { kind: 'window', fn: a.fn, args: [a.arg!], percentile: { fraction, descending: desc?.kind === 'literal' && desc.value === true }, ...spec, ...(a.prettyName ? { prettyName: a.prettyName } : {}) };
    }
    if (!WINDOW_AGGREGATES.has(a.fn)) throw new NotImplementedError(`${e.name} over a window (${where})`);
    return { kind: 'window', fn: a.fn as WindowFn, args: a.arg ? [a.arg, ...(a.extraArgs ?? [])] : [], ...spec, ...(a.prettyName ? { prettyName: a.prettyName } : {}) };
  }
  throw new AnalysisError(`${e.name} is not a window function (${where}); expected a ranking function, lag, lead, first_value, last_value, nth_value, percentile_cont/percentile_disc or an aggregate`);
}

/** The value of a constant numeric SQL expression (literals combined with + - * / and casts), else null. */
function constantNumber(e: SqlExpr | undefined): number | null {
  if (!e) return null;
  switch (e.kind) {
    case 'literal':
      if (typeof e.value === 'number') return e.value;
      if (typeof e.value === 'bigint') return Number(e.value);
      if (typeof e.value === 'string' && e.type.kind === 'decimal') return Number(e.value);
      return null;
    case 'unary': {
      const v = constantNumber(e.child);
      return v === null || e.op === '~' || e.op === 'not' ? null : e.op === 'negate' ? -v : v;
    }
    case 'cast':
      return constantNumber(e.child);
    case 'binary': {
      const l = constantNumber(e.left);
      const r = constantNumber(e.right);
      if (l === null || r === null) return null;
      switch (e.op) {
        case '+': return l + r;
        case '-': return l - r;
        case '*': return l * r;
        case '/': return r === 0 ? null : l / r;
        default: return null;
      }
    }
    default:
      return null;
  }
}

/** True if a constant SQL expression has an integral type (ROWS frame offsets must be int). */
function isIntConstant(e: SqlExpr): boolean {
  switch (e.kind) {
    case 'literal':
      return e.type.kind === 'int32' || e.type.kind === 'int16' || e.type.kind === 'int8';
    case 'unary':
    case 'cast':
      return e.kind === 'cast' ? e.to.kind === 'int32' : isIntConstant(e.child);
    case 'binary':
      return isIntConstant(e.left) && isIntConstant(e.right) && e.op !== '/';
    default:
      return false;
  }
}

const INTERVAL_MICROS: Partial<Record<IntervalUnit, number>> = {
  week: 7 * 86_400_000_000, day: 86_400_000_000, hour: 3_600_000_000, minute: 60_000_000, second: 1_000_000, millisecond: 1000, microsecond: 1,
};

/** Spark's text of an interval literal (`INTERVAL '1-1' YEAR TO MONTH`, `INTERVAL '23 04' DAY TO HOUR`). */
function intervalText(parts: readonly { value: number; unit: IntervalUnit }[], months: number, micros: number): string {
  const units = parts.map((p) => (p.unit === 'week' ? 'day' : p.unit === 'millisecond' || p.unit === 'microsecond' ? 'second' : p.unit));
  const neg = months < 0 || micros < 0;
  const sign = neg ? '-' : '';
  if (units.every((u) => u === 'year' || u === 'month')) {
    const m = Math.abs(months);
    const hasY = units.includes('year');
    const hasM = units.includes('month');
    if (hasY && hasM) return `INTERVAL '${sign}${Math.floor(m / 12)}-${m % 12}' YEAR TO MONTH`;
    return hasY ? `INTERVAL '${sign}${Math.floor(m / 12)}' YEAR` : `INTERVAL '${sign}${m}' MONTH`;
  }
  const order = ['day', 'hour', 'minute', 'second'];
  const idx = units.map((u) => order.indexOf(u)).filter((i) => i >= 0);
  const from = Math.min(...idx);
  const to = Math.max(...idx);
  let us = Math.abs(micros);
  const fields = [Math.floor(us / 86_400_000_000), Math.floor(us / 3_600_000_000) % 24, Math.floor(us / 60_000_000) % 60, (us % 60_000_000) / 1_000_000];
  if (from > 0) {
    // the leading field carries the larger units
    const scale = [86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000][from]!;
    fields[from] = from === 3 ? us / scale : Math.floor(us / scale);
    us = 0;
  }
  const pad = (v: number, i: number) => {
    if (i === from) return String(v);
    if (i === 3) {
      const [a, b] = String(Number(v.toFixed(6))).split('.');
      return `${a!.padStart(2, '0')}${b ? `.${b}` : ''}`;
    }
    return String(v).padStart(2, '0');
  };
  const body = fields.slice(from, to + 1).map((v, k) => pad(v, from + k));
  const text = body.map((b, k) => (k === 0 ? b : `${from + k === 1 ? ' ' : ':'}${b}`)).join('');
  const name = (i: number) => order[i]!.toUpperCase();
  return `INTERVAL '${sign}${text}' ${from === to ? name(from) : `${name(from)} TO ${name(to)}`}`;
}

function frameBoundary(b: FrameBound, unit: 'rows' | 'range', where: string): FrameBoundary {
  switch (b.kind) {
    case 'unboundedPreceding':
    case 'unboundedFollowing':
    case 'currentRow':
      return b.kind;
    default: {
      const o = b.offset;
      const sign = b.kind === 'preceding' ? -1 : 1;
      if (o.kind === 'interval') {
        if (unit === 'rows') throw new AnalysisError(`a ROWS frame offset must be an integer, got an interval (${where})`);
        let months = 0;
        let micros = 0;
        for (const p of o.parts) {
          if (p.unit === 'year') months += 12 * p.value;
          else if (p.unit === 'month') months += p.value;
          else micros += p.value * INTERVAL_MICROS[p.unit]!;
        }
        months = Math.trunc(months);
        micros = Math.round(micros);
        if (months !== 0 && micros !== 0) throw new AnalysisError(`a window frame interval mixes YEAR/MONTH with DAY/TIME fields (${where})`);
        const text = intervalText(o.parts, months, micros);
        if (months === 0 && micros === 0) return 'currentRow';
        return { kind: 'interval', months: sign * months, micros: sign * micros, text };
      }
      const v = constantNumber(o);
      if (v === null) throw new AnalysisError(`Frame bound value must be a literal (${where})`);
      if (unit === 'rows' && (!isIntConstant(o) || !Number.isInteger(v))) {
        throw new AnalysisError(`The data type of the window frame bound ${v} does not match the expected data type 'int' of a ROWS frame (${where})`);
      }
      return v === 0 ? 'currentRow' : sign * v;
    }
  }
}

/**
 * Exact percentile aggregates: `percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])`,
 * `percentile_disc(...)`, `percentile(x, p)` and `median(x)` (= percentile(x, 0.5)) become an
 * AggregateCall over (x, p, descending); p must be a constant in [0, 1].
 */
function translatePercentile(e: Extract<SqlExpr, { kind: 'call' }>, fn: 'percentile_cont' | 'percentile_disc', hooks: TranslateHooks): Expr {
  const name = e.name.toLowerCase();
  const t = (x: SqlExpr) => translateExpr(x, hooks);
  const where = `${e.name}(...) at line ${e.pos.line}, column ${e.pos.column}`;
  if (e.distinct) throw new AnalysisError(`${e.name}(DISTINCT ...) is not supported (${where})`);
  let value: SqlExpr;
  let fraction: number | null;
  let descending = false;
  if (name === 'median') {
    if (e.args.length !== 1 || e.withinGroup) throw new AnalysisError(`function median takes 1 argument (${where})`);
    value = e.args[0]!;
    fraction = 0.5;
  } else if (name === 'percentile') {
    if (e.args.length !== 2 || e.withinGroup) throw new AnalysisError(`function percentile takes 2 arguments: percentile(x, p) (${where}); arrays of percentages and frequencies are not supported`);
    value = e.args[0]!;
    fraction = constantNumber(e.args[1]);
  } else {
    if (!e.withinGroup || e.args.length !== 1) throw new AnalysisError(`${name} needs one percentage and WITHIN GROUP (ORDER BY ...) (${where})`);
    value = e.withinGroup.expr;
    fraction = constantNumber(e.args[0]);
    descending = !e.withinGroup.ascending;
  }
  if (fraction === null || !(fraction >= 0 && fraction <= 1)) throw new AnalysisError(`${e.name}: the percentage must be a constant between 0.0 and 1.0 (${where})`);
  return {
    kind: 'agg',
    fn,
    arg: t(value),
    extraArgs: [literal(fraction, DataTypes.Double), literal(descending, DataTypes.Boolean)],
    ignoreNulls: false,
    ...(name === 'median' || name === 'percentile' ? { prettyName: name } : {}),
  };
}
