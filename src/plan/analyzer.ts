/**
 * The analyzer: turns user-built expressions (column names, `*`, literals of loose types) into
 * resolved, type-checked expressions over a child's output attributes, inserting Spark's implicit
 * casts. It runs when a DataFrame is built, so a wrong column name or type fails before any data is
 * read, with a message that names what exists.
 */
import { AnalysisError, NotImplementedError } from '../errors.js';
import { type DataType, DataTypes, isNumeric, typeEquals, typeToString } from '../types/data-type.js';
import { unknownColumn, closestMatch } from '../types/schema.js';
import { commonType } from '../types/type-coercion.js';
import { lookupFunction, literalArgs } from '../functions/registry.js';
import {
  type AttributeRef,
  type Expr,
  type AggregateCall,
  type WindowExpr,
  type WindowFrame,
  type SortOrder,
  exprName,
  exprExists,
  mapChildren,
  newExprId,
  transformUp,
  TWO_ARGUMENT_AGGREGATES,
  aggregateArgs,
} from './expression.js';
import { typeOfResolved, commonTypeOf } from './typing.js';
import { structAsNamedStruct } from '../functions/collection-functions.js';
import { extractGenerator, hasGenerator } from './generate.js';
import { coerceArithmeticNode } from './arithmetic-coercion.js';
import type { LogicalPlan } from './logical-plan.js';

/** Resolves column references in `e` against `input` and applies implicit casts. Stars are rejected here. */
export function resolveExpr(e: Expr, input: readonly AttributeRef[]): Expr {
  const resolved = transformUp(e, (x) => {
    if (x.kind === 'unresolved') return resolveColumnOrField(x.name, x.qualifier, input);
    if (x.kind === 'attr') return checkAttribute(x, input);
    if (x.kind === 'star') throw new AnalysisError(`'${exprName(x)}' is only allowed as a select item`);
    return x;
  });
  return coerce(resolved);
}

/** Checks that a resolved reference (from `df.col(...)`) belongs to `input`; returns it without its origin tag. */
function checkAttribute(a: AttributeRef, input: readonly AttributeRef[]): AttributeRef {
  const found = input.find((x) => x.id === a.id);
  if (!found) {
    throw new AnalysisError(
      `column '${a.name}' (from another DataFrame) is not an input of this operation; available columns: ` +
        `${input.map((x) => x.name).join(', ')}. For self-joins give each side an alias: df.alias('a'), col('a.${a.name}')`,
    );
  }
  return found;
}

/** Resolves a select list: expands stars and names every item (attribute or alias). */
export function resolveNamedList(exprs: readonly Expr[], input: readonly AttributeRef[]): Expr[] {
  const out: Expr[] = [];
  for (const e of exprs) {
    if (e.kind === 'star') {
      const attrs = e.qualifier ? input.filter((a) => a.qualifier?.toLowerCase() === e.qualifier!.toLowerCase()) : input;
      if (e.qualifier && attrs.length === 0) throw new AnalysisError(`cannot resolve '${e.qualifier}.*': no relation is called '${e.qualifier}'`);
      out.push(...attrs);
    } else out.push(toNamed(resolveExpr(e, input)));
  }
  return out;
}

/** Gives an expression a name: attributes stay as they are, everything else gets an alias. */
export function toNamed(e: Expr): Expr {
  if (e.kind === 'attr' || e.kind === 'alias') return e;
  // a struct field selected as is is named after the field (Spark: SELECT s.a -> a)
  if (e.kind === 'call' && e.name === 'get_field' && e.args[1]?.kind === 'literal') return { kind: 'alias', child: e, name: String(e.args[1].value), id: newExprId() };
  return { kind: 'alias', child: e, name: exprName(e), id: newExprId() };
}

/**
 * A column, or else `col.field[.field...]`: a field of a struct column (Spark's nested field access,
 * tried after the qualified reading fails), as get_field calls.
 */
function resolveColumnOrField(name: string, qualifier: string | undefined, input: readonly AttributeRef[]): Expr {
  try {
    return resolveColumn(name, qualifier, input);
  } catch (e) {
    if (!(e instanceof AnalysisError) || !qualifier) throw e;
    const parts = [...qualifier.split('.'), name];
    for (let i = parts.length - 1; i >= 1; i--) {
      let base: Expr;
      try {
        base = resolveColumn(parts[i - 1]!, i > 1 ? parts.slice(0, i - 1).join('.') : undefined, input);
      } catch {
        continue;
      }
      if (typeOfResolved(base).type.kind !== 'struct') continue;
      return parts.slice(i).reduce<Expr>((acc, f) => ({ kind: 'call', name: 'get_field', args: [acc, { kind: 'literal', value: f, type: DataTypes.String }] }), base);
    }
    throw e;
  }
}

/** Resolves `name` (optionally `qualifier.name`) among `input`; ambiguity and absence are AnalysisErrors. */
export function resolveColumn(name: string, qualifier: string | undefined, input: readonly AttributeRef[]): AttributeRef {
  let q = qualifier;
  let n = name;
  if (!q && name.includes('.') && !input.some((a) => a.name === name)) {
    const dot = name.lastIndexOf('.');
    q = name.slice(0, dot);
    n = name.slice(dot + 1);
  }
  const matches = (caseSensitive: boolean) =>
    input.filter(
      (a) =>
        (caseSensitive ? a.name === n : a.name.toLowerCase() === n.toLowerCase()) &&
        (!q || a.qualifier?.toLowerCase() === q.toLowerCase()),
    );
  let found = matches(true);
  if (found.length === 0) found = matches(false);
  const unique = [...new Map(found.map((a) => [a.id, a])).values()];
  if (unique.length === 1) return unique[0]!;
  const shown = q ? `${q}.${n}` : n;
  if (unique.length > 1) {
    throw new AnalysisError(
      `reference '${shown}' is ambiguous: it could be ${unique.map((a) => (a.qualifier ? `${a.qualifier}.${a.name}` : a.name)).join(', ')}; ` +
        `qualify it with an alias (df.alias('t') and col('t.${n}'))`,
    );
  }
  const names = input.map((a) => (a.qualifier ? `${a.qualifier}.${a.name}` : a.name));
  throw unknownColumn(shown, names);
}

/** Applies Spark's implicit casts bottom-up and checks operand types. */
export function coerce(e: Expr): Expr {
  return transformUp(e, coerceNode);
}

function coerceNode(e: Expr): Expr {
  switch (e.kind) {
    case 'binary': {
      const lt = typeOfResolved(e.left).type;
      const rt = typeOfResolved(e.right).type;
      if (e.op === 'and' || e.op === 'or') {
        return { ...e, left: requireBoolean(e.left, e.op), right: requireBoolean(e.right, e.op) };
      }
      if (['+', '-', '*', '/', '%'].includes(e.op)) return coerceArithmeticNode(e, castTo);
      const t = comparisonType(lt, rt, e.op);
      return { ...e, left: castTo(e.left, t), right: castTo(e.right, t) };
    }
    case 'unary': {
      if (e.op === 'not') return { ...e, child: requireBoolean(e.child, 'NOT') };
      if (e.op === 'negate') {
        const t = typeOfResolved(e.child).type;
        if (!isNumeric(t) && t.kind !== 'null' && t.kind !== 'interval_ym' && t.kind !== 'interval_dt') throw new AnalysisError(`type mismatch: cannot negate ${exprName(e.child)} of type ${typeToString(t)}`);
        return t.kind === 'null' ? { ...e, child: castTo(e.child, DataTypes.Integer) } : e;
      }
      return e;
    }
    case 'in': {
      const t = commonTypeOf([e.child, ...e.list].map((x) => typeOfResolved(x).type), `IN (${exprName(e.child)})`);
      return { ...e, child: castTo(e.child, t), list: e.list.map((x) => castTo(x, t)) };
    }
    case 'like': {
      const t = typeOfResolved(e.child).type;
      if (t.kind !== 'utf8' && t.kind !== 'null') {
        throw new AnalysisError(`type mismatch: LIKE requires a string, but ${exprName(e.child)} is ${typeToString(t)}`);
      }
      return { ...e, child: castTo(e.child, DataTypes.String) };
    }
    case 'case': {
      const values = [...e.branches.map(([, v]) => v), ...(e.otherwise ? [e.otherwise] : [])];
      const t = commonTypeOf(values.map((v) => typeOfResolved(v).type), 'CASE WHEN');
      const target = t.kind === 'null' ? DataTypes.String : t;
      return {
        ...e,
        branches: e.branches.map(([c, v]) => [requireBoolean(c, 'WHEN'), castTo(v, target)] as const),
        ...(e.otherwise ? { otherwise: castTo(e.otherwise, target) } : {}),
      };
    }
    case 'call': {
      if (WINDOW_ONLY_FUNCTIONS.has(e.name.toLowerCase())) {
        throw new AnalysisError(`${e.name}() is a window function: use it with an OVER clause, e.g. F.${e.name}().over(Window.partitionBy(...).orderBy(...))`);
      }
      if (e.name.toLowerCase() === 'struct') return coerceNode(structAsNamedStruct(e)); // field names from the arguments
      const fn = lookupFunction(e.name);
      const { argTypes } = fn.resolve(e.args.map(typeOfResolved), literalArgs(e.args));
      return { ...e, args: e.args.map((a, i) => castTo(a, argTypes[i] ?? typeOfResolved(a).type)) };
    }
    case 'agg':
      return coerceAggregate(e);
    case 'window':
      return coerceWindow(e);
    case 'cast':
      // A no-op cast of a literal stays until constant folding: Spark's DecimalPrecision picks the
      // minimum precision only for a bare integral literal (`d * 2`), not for CAST(2 AS INT).
      return typeEquals(typeOfResolved(e.child).type, e.to) && e.child.kind !== 'literal' ? e.child : e;
    default:
      return e;
  }
}

/** Statistical aggregates: every argument is implicitly cast to double (Spark's ImplicitCastInputTypes(DoubleType)). */
const DOUBLE_AGGREGATES: ReadonlySet<string> = new Set([
  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop', 'skewness', 'kurtosis', 'covar_samp', 'covar_pop', 'corr',
  'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2',
]);

/** Arity, implicit casts and type errors of the statistical and boolean aggregates (and DISTINCT arguments). */
function coerceAggregateArgs(e: AggregateCall): AggregateCall {
  const args = aggregateArgs(e);
  const name = e.prettyName ?? e.fn;
  // count(a, b, ...) counts rows where all are non-null; approx_count_distinct(x, rsd) has a second (literal) argument.
  const variadic = e.fn === 'count_distinct' || e.fn === 'count' || (e.fn === 'approx_count_distinct' && args.length <= 2);
  const percentile = e.fn === 'percentile_cont' || e.fn === 'percentile_disc'; // (x, p, descending)
  const expected = TWO_ARGUMENT_AGGREGATES.has(e.fn) ? 2 : percentile ? 3 : variadic ? args.length : 1;
  if (e.arg && args.length !== expected) throw new AnalysisError(`function ${name} takes ${expected} argument${expected === 1 ? '' : 's'}, got ${args.length}: ${exprName(e)}`);
  for (const a of args) {
    if (exprExists(a, (x) => x.kind === 'agg')) throw new AnalysisError(`aggregate function calls cannot be nested: ${exprName(e)}`);
  }
  let cast: (a: Expr, i: number) => Expr;
  if (percentile) {
    cast = (a, i) => {
      if (i > 0) return i === 1 ? castTo(a, DataTypes.Double) : a;
      const t = typeOfResolved(a).type;
      if (!isNumeric(t) && t.kind !== 'null') throw new AnalysisError(`type mismatch: ${exprName(e)} requires a numeric ordering, but ${exprName(a)} is ${typeToString(t)}`);
      return castTo(a, DataTypes.Double);
    };
  } else if (DOUBLE_AGGREGATES.has(e.fn)) {
    cast = (a, i) => {
      const t = typeOfResolved(a).type;
      if (!isNumeric(t) && t.kind !== 'utf8' && t.kind !== 'null') {
        throw new AnalysisError(`type mismatch: ${exprName(e)}: argument ${i + 1} requires a numeric (double) value, but ${exprName(a)} is ${typeToString(t)}`);
      }
      return castTo(a, DataTypes.Double);
    };
  } else if (e.fn === 'max_by' || e.fn === 'min_by') {
    cast = (a, i) => {
      const t = typeOfResolved(a).type;
      if (t.kind === 'utf8') throw new NotImplementedError(`${exprName(e)}: string ${i === 0 ? 'values' : 'orderings'} in ${e.fn} (fixed-width types only)`);
      return a;
    };
  } else if (e.fn === 'bool_and' || e.fn === 'bool_or' || e.fn === 'count_if') {
    cast = (a, i) => {
      const t = typeOfResolved(a).type;
      // Spark's ImplicitCastInputTypes(BooleanType): null and strings ('true', 'false') cast; numbers are an error.
      if (t.kind === 'null' || t.kind === 'utf8') return castTo(a, DataTypes.Boolean);
      if (t.kind !== 'boolean') throw new AnalysisError(`type mismatch: ${exprName(e)}: argument ${i + 1} requires a boolean value, but ${exprName(a)} is ${typeToString(t)}`);
      return a;
    };
  } else return e;
  const [first, ...rest] = args.map(cast);
  return { ...e, arg: first ?? null, ...(rest.length ? { extraArgs: rest } : {}) };
}

function coerceAggregate(call: AggregateCall): Expr {
  const e = coerceAggregateArgs(call);
  if (!e.arg) return e;
  const t = typeOfResolved(e.arg).type;
  if ((e.fn === 'sum' || e.fn === 'avg') && t.kind === 'utf8') return { ...e, arg: castTo(e.arg, DataTypes.Double) };
  if ((e.fn === 'sum' || e.fn === 'avg') && t.kind === 'null') return { ...e, arg: castTo(e.arg, DataTypes.Double) };
  if ((e.fn === 'sum' || e.fn === 'avg') && !isNumeric(t)) {
    throw new AnalysisError(`type mismatch: ${e.fn}(${exprName(e.arg)}) requires a numeric argument, got ${typeToString(t)}`);
  }
  if (exprExists(e.arg, (x) => x.kind === 'agg')) {
    throw new AnalysisError(`aggregate function calls cannot be nested: ${exprName(e)}`);
  }
  return e;
}

function comparisonType(lt: DataType, rt: DataType, op: string): DataType {
  if (lt.kind === 'null') return rt.kind === 'null' ? DataTypes.Boolean : rt;
  if (rt.kind === 'null') return lt;
  try {
    return commonType(lt, rt);
  } catch {
    throw new AnalysisError(`type mismatch: cannot compare ${typeToString(lt)} with ${typeToString(rt)} using '${op}'`);
  }
}

function requireBoolean(e: Expr, what: string): Expr {
  const t = typeOfResolved(e).type;
  if (t.kind === 'boolean') return e;
  if (t.kind === 'null') return castTo(e, DataTypes.Boolean);
  throw new AnalysisError(`type mismatch: ${what} requires a boolean operand, but ${exprName(e)} is ${typeToString(t)}`);
}

/** Wraps `e` in a cast to `t` unless it already has that type (literals are cast at fold time). */
export function castTo(e: Expr, t: DataType): Expr {
  const from = typeOfResolved(e).type;
  if (typeEquals(from, t)) return e;
  if (e.kind === 'literal' && e.value === null) return { kind: 'literal', value: null, type: t };
  return { kind: 'cast', child: e, to: t };
}

/** Checks that an aggregate's output expressions only use grouping expressions outside aggregate calls. */
export function checkAggregateExpressions(groupBy: readonly Expr[], aggregates: readonly Expr[]): void {
  const groupKeys = groupBy.map(exprKey);
  const check = (e: Expr): void => {
    if (e.kind === 'agg') return;
    if (groupKeys.includes(exprKey(e))) return;
    if (e.kind === 'attr') {
      const suggestion = closestMatch(e.name, groupBy.map(exprName));
      throw new AnalysisError(
        `column '${e.name}' is neither grouped nor aggregated; add it to groupBy or wrap it in an aggregate function such as first(${e.name})` +
          (suggestion ? ` (grouping columns: ${groupBy.map(exprName).join(', ')})` : ''),
      );
    }
    mapChildren(e, (c) => {
      check(c);
      return c;
    });
  };
  for (const a of aggregates) check(a.kind === 'alias' ? a.child : a);
}

/** A structural key of an expression that ignores aliases' ids (for matching grouping expressions). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e.kind === 'alias' ? e.child : e, (k, v) => (k === 'qualifier' || k === 'nullable' || k === 'origin' ? undefined : typeof v === 'bigint' ? `${v}n` : v));
}

// ---- window functions (begin) ------------------------------------------------------------------

/** Names of functions that exist only as window functions (they need `.over(...)`). */
export const WINDOW_ONLY_FUNCTIONS: ReadonlySet<string> = new Set(['row_number', 'rank', 'dense_rank', 'lag', 'lead', 'cume_dist', 'percent_rank', 'ntile', 'nth_value']);

const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'cume_dist', 'percent_rank', 'ntile']);

/**
 * Checks a resolved window expression and completes it (Spark's ResolveWindowFrame and
 * ResolveWindowOrder): ranking and lag/lead need an ORDER BY and take no frame; aggregates get
 * Spark's default frame (RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW with an ORDER BY, the
 * whole partition without) and the aggregates' implicit casts; lag/lead's default is cast to the
 * value's type. RANGE frames with value offsets are not implemented.
 */
function coerceWindow(e: WindowExpr): Expr {
  const what = exprName(e);
  for (const a of e.args) {
    if (exprExists(a, (x) => x.kind === 'window')) throw new AnalysisError(`window functions cannot be nested: ${what}`);
    if (exprExists(a, (x) => x.kind === 'agg')) throw new AnalysisError(`aggregate functions are not allowed inside a window function's arguments: ${what}`);
  }
  for (const p of [...e.partitionBy, ...e.orderBy.map((o) => o.expr)]) {
    if (exprExists(p, (x) => x.kind === 'window' || x.kind === 'agg')) {
      throw new AnalysisError(`window and aggregate functions are not allowed in a window's PARTITION BY / ORDER BY: ${what}`);
    }
  }
  if (RANKING.has(e.fn) || e.fn === 'lag' || e.fn === 'lead') {
    if (e.orderBy.length === 0) {
      throw new AnalysisError(`window function ${e.fn}() requires the window to be ordered: add orderBy, e.g. Window.partitionBy(...).orderBy(...)`);
    }
    if (e.frame) throw new AnalysisError(`cannot specify a window frame for the ${e.fn} function (${what})`);
    if (e.fn === 'lag' || e.fn === 'lead') {
      const valueType = typeOfResolved(e.args[0]!).type;
      const def = e.args[1] ?? { kind: 'literal', value: null, type: valueType };
      return { ...e, args: [e.args[0]!, castTo(def, valueType)] };
    }
    return e;
  }
  if (e.fn === 'percentile_cont' || e.fn === 'percentile_disc') {
    // Spark: no ORDER BY or frame in the window; the frame is the whole partition.
    if (e.orderBy.length || e.frame) throw new AnalysisError(`Cannot specify order by or frame for '${e.fn}'. (${what})`);
    const t = typeOfResolved(e.args[0]!).type;
    if (!isNumeric(t) && t.kind !== 'null') throw new AnalysisError(`type mismatch: ${what} requires a numeric WITHIN GROUP ordering, got ${typeToString(t)}`);
    return { ...e, args: [castTo(e.args[0]!, DataTypes.Double)], frame: { type: 'rows', lower: 'unboundedPreceding', upper: 'unboundedFollowing' } };
  }
  const frame: WindowFrame = e.frame ?? (e.orderBy.length > 0
    ? { type: 'range', lower: 'unboundedPreceding', upper: 'currentRow' }
    : { type: 'rows', lower: 'unboundedPreceding', upper: 'unboundedFollowing' });
  const checked = checkFrame(frame, e.orderBy, what);
  let args = e.args;
  if ((e.fn === 'sum' || e.fn === 'avg') && args[0]) {
    const t = typeOfResolved(args[0]).type;
    // Spark's implicit casts: strings and nulls to double; avg(timestamp) averages seconds (timestamp -> double)
    if (t.kind === 'utf8' || t.kind === 'null' || (e.fn === 'avg' && t.kind === 'timestamp')) args = [castTo(args[0], DataTypes.Double)];
    else if (!isNumeric(t)) throw new AnalysisError(`type mismatch: ${e.fn}(${exprName(args[0])}) requires a numeric argument, got ${typeToString(t)}`);
  } else if (DOUBLE_AGGREGATES.has(e.fn) || e.fn === 'bool_and' || e.fn === 'bool_or') {
    // the hash aggregate's implicit casts (double for statistics, boolean for bool_and/bool_or)
    const c = coerceAggregateArgs({ kind: 'agg', fn: e.fn as AggregateCall['fn'], arg: args[0] ?? null, ...(args.length > 1 ? { extraArgs: args.slice(1) } : {}), ignoreNulls: false, ...(e.prettyName ? { prettyName: e.prettyName } : {}) });
    args = aggregateArgs(c);
  }
  return { ...e, args, frame: checked };
}

/** Whole numbers of the key's units for a RANGE offset over an integral key (Spark casts the bound to the key's type). */
function castOffset(b: WindowFrame['lower'], t: DataType): WindowFrame['lower'] {
  if (typeof b !== 'number') return b;
  if (t.kind === 'int8' || t.kind === 'int16' || t.kind === 'int32' || t.kind === 'int64' || t.kind === 'date32') {
    const v = Math.trunc(b);
    return v === 0 ? 'currentRow' : v;
  }
  return b;
}

/**
 * Spark's frame checks (WindowSpecDefinition.checkInputDataTypes / SpecifiedWindowFrame): bound
 * order, RANGE frames need an ORDER BY unless unbounded on both sides, value offsets need exactly
 * one order key of a type the offset fits (numbers for numeric keys and whole days for dates,
 * intervals for timestamps, YEAR TO MONTH intervals for dates). Returns the frame with numeric
 * offsets cast to the key's type.
 */
function checkFrame(f: WindowFrame, orderBy: readonly SortOrder[], what: string): WindowFrame {
  const num = (b: WindowFrame['lower']) =>
    b === 'unboundedPreceding' ? -Infinity : b === 'unboundedFollowing' ? Infinity : b === 'currentRow' ? 0 : typeof b === 'number' ? b : b.months * 31 * 86_400_000_000 + b.micros;
  if (f.lower === 'unboundedFollowing') throw new AnalysisError(`Window frame upper bound does not follow the lower bound 'unboundedfollowing' (${what})`);
  if (f.upper === 'unboundedPreceding') throw new AnalysisError(`Window frame lower bound does not follow the upper bound 'unboundedpreceding' (${what})`);
  if (num(f.lower) > num(f.upper)) throw new AnalysisError(`The lower bound of a window frame must be less than or equal to the upper bound (${what})`);
  if (f.type !== 'range') return f;
  const isValue = (b: WindowFrame['lower']) => typeof b === 'number' || typeof b === 'object';
  if (orderBy.length === 0 && !(f.lower === 'unboundedPreceding' && f.upper === 'unboundedFollowing') && (isValue(f.lower) || isValue(f.upper))) {
    throw new AnalysisError(`A range window frame cannot be used in an unordered window specification (${what})`);
  }
  if (!isValue(f.lower) && !isValue(f.upper)) return f;
  if (orderBy.length > 1) throw new AnalysisError(`A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions (${what})`);
  const t = typeOfResolved(orderBy[0]!.expr).type;
  for (const b of [f.lower, f.upper]) {
    if (typeof b === 'object') {
      const ok = t.kind === 'timestamp' || (t.kind === 'date32' && b.micros === 0);
      if (!ok) throw new AnalysisError(`The data type '${typeToString(t)}' used in the order specification does not match the data type of the interval ${b.text} used in the range frame (${what})`);
    } else if (typeof b === 'number') {
      const ok = isNumeric(t) || (t.kind === 'date32' && Number.isInteger(b));
      if (!ok) throw new AnalysisError(`The data type '${typeToString(t)}' used in the order specification does not match the data type of the offset ${b} used in the range frame (${what})`);
    }
  }
  return { ...f, lower: castOffset(f.lower, t), upper: castOffset(f.upper, t) };
}

/**
 * Spark's ExtractWindowExpressions for a projection: when `exprs` (resolved and named) contain
 * window function calls, each distinct call is computed by a Window node below the projection (one
 * Window node per distinct PARTITION BY / ORDER BY, stacked) and replaced by a reference to its
 * column. Without window calls this is just Project(exprs, child).
 */
export function projectWithWindows(child: LogicalPlan, exprs: readonly Expr[]): LogicalPlan {
  if (hasGenerator(exprs)) {
    const g = extractGenerator(child, exprs); // explode & co. below the projection (plan/generate.ts)
    return projectWithWindows(g.plan, g.exprs);
  }
  const hasWindow = (e: Expr) => exprExists(e, (x) => x.kind === 'window');
  if (!exprs.some(hasWindow)) return { kind: 'project', child, exprs };
  const callKeys = new Map<string, AttributeRef>();
  const groups = new Map<string, { partitionSpec: readonly Expr[]; orderSpec: readonly SortOrder[]; windowExprs: Expr[] }>();
  const rewritten = exprs.map((top) =>
    transformUp(top, (x) => {
      if (x.kind !== 'window') return x;
      const key = exprKey(x);
      let attr = callKeys.get(key);
      if (!attr) {
        const t = typeOfResolved(x);
        const alias: Expr = { kind: 'alias', child: x, name: exprName(x), id: newExprId() };
        attr = { kind: 'attr', id: alias.id, name: alias.name, type: t.type, nullable: t.nullable };
        callKeys.set(key, attr);
        const specKey = exprKey({ kind: 'call', name: 'spec', args: [...x.partitionBy, ...x.orderBy.map((o): Expr => ({ kind: 'call', name: `${o.ascending}${o.nullsFirst}`, args: [o.expr] }))] });
        let g = groups.get(specKey);
        if (!g) groups.set(specKey, (g = { partitionSpec: x.partitionBy, orderSpec: x.orderBy, windowExprs: [] }));
        g.windowExprs.push(alias);
      }
      return attr;
    }),
  );
  let plan = child;
  for (const g of groups.values()) plan = { kind: 'window', child: plan, ...g };
  return { kind: 'project', child: plan, exprs: rewritten };
}

// ---- window functions (end) --------------------------------------------------------------------
