import { InvalidArgumentError } from '../errors.js';
import { type DataType, parseTypeName } from '../types/data-type.js';
import { type BinaryOp, type Expr, type SortOrder, newExprId, literal } from '../plan/expression.js';
import { literalExpr } from './literals.js';
import { AnalysisError, NotImplementedError } from '../errors.js';
import type { WindowFn } from '../plan/expression.js';
import { exprName } from '../plan/expression.js';
import type { WindowSpec } from './window.js';

/** A value a Column method accepts: another Column or a plain JavaScript literal. */
export type ColumnOrLiteral = Column | string | number | bigint | boolean | Date | null;

/**
 * A column expression of the DataFrame API (PySpark's `Column`). Building a Column does no work;
 * it describes a computation that a DataFrame resolves against its schema.
 */
export class Column {
  /** @internal */
  constructor(
    readonly expr: Expr,
    /** Sort direction when used in orderBy (set by asc()/desc()). */
    readonly sortOrder?: Omit<SortOrder, 'expr'>,
  ) {}

  /** An array element (0-based index, NULL when out of range) or a map value by key: `col('m').getItem('k')`. */
  getItem(key: ColumnOrLiteral): Column {
    return new Column({ kind: 'call', name: 'get_item', args: [this.expr, toExpr(key)] });
  }

  /** A struct field by name: `col('s').getField('a')`. */
  getField(name: string): Column {
    return new Column({ kind: 'call', name: 'get_field', args: [this.expr, literal(name, { kind: 'utf8' })] });
  }

  /** Names the column: `col('a').plus(1).alias('b')`. */
  alias(name: string): Column {
    return new Column({ kind: 'alias', child: this.expr, name, id: newExprId() });
  }

  /** Alias of `alias` (PySpark's `name`). */
  name(name: string): Column {
    return this.alias(name);
  }

  /** Converts to another type: a DataType or a Spark type name (`'int'`, `'decimal(10,2)'`, `'date'`). */
  cast(to: DataType | string): Column {
    return new Column({ kind: 'cast', child: this.expr, to: typeof to === 'string' ? parseTypeName(to) : to });
  }

  /** Alias of `cast`. */
  astype(to: DataType | string): Column {
    return this.cast(to);
  }

  /** `this > other`. */
  gt(other: ColumnOrLiteral): Column {
    return this.binary('>', other);
  }

  /** `this >= other`. */
  geq(other: ColumnOrLiteral): Column {
    return this.binary('>=', other);
  }

  /** `this < other`. */
  lt(other: ColumnOrLiteral): Column {
    return this.binary('<', other);
  }

  /** `this <= other`. */
  leq(other: ColumnOrLiteral): Column {
    return this.binary('<=', other);
  }

  /** `this = other` (null if either side is null). */
  equalTo(other: ColumnOrLiteral): Column {
    return this.binary('=', other);
  }

  /** Alias of `equalTo`. */
  eq(other: ColumnOrLiteral): Column {
    return this.binary('=', other);
  }

  /** `this != other`. */
  notEqual(other: ColumnOrLiteral): Column {
    return this.binary('!=', other);
  }

  /** Null-safe equality `this <=> other`: true when both are null. */
  eqNullSafe(other: ColumnOrLiteral): Column {
    return this.binary('<=>', other);
  }

  /** `this + other`. */
  plus(other: ColumnOrLiteral): Column {
    return this.binary('+', other);
  }

  /** `this - other`. */
  minus(other: ColumnOrLiteral): Column {
    return this.binary('-', other);
  }

  /** `this * other`. */
  multiply(other: ColumnOrLiteral): Column {
    return this.binary('*', other);
  }

  /** `this / other` (always fractional, like Spark; division by zero gives null). */
  divide(other: ColumnOrLiteral): Column {
    return this.binary('/', other);
  }

  /** `this % other` (sign of the dividend; by zero gives null). */
  mod(other: ColumnOrLiteral): Column {
    return this.binary('%', other);
  }

  /** Unary minus. */
  negate(): Column {
    return new Column({ kind: 'unary', op: 'negate', child: this.expr });
  }

  /** Logical AND with SQL three-valued logic. */
  and(other: ColumnOrLiteral): Column {
    return this.binary('and', other);
  }

  /** Logical OR with SQL three-valued logic. */
  or(other: ColumnOrLiteral): Column {
    return this.binary('or', other);
  }

  /** Logical NOT. */
  not(): Column {
    return new Column({ kind: 'unary', op: 'not', child: this.expr });
  }

  /** True where the value is null. */
  isNull(): Column {
    return new Column({ kind: 'unary', op: 'isNull', child: this.expr });
  }

  /** True where the value is not null. */
  isNotNull(): Column {
    return new Column({ kind: 'unary', op: 'isNotNull', child: this.expr });
  }

  /** `this IN (values...)`; accepts values or one array. */
  isin(...values: (ColumnOrLiteral | readonly ColumnOrLiteral[])[]): Column {
    const flat = values.flat() as ColumnOrLiteral[];
    return new Column({ kind: 'in', child: this.expr, list: flat.map(toExpr) });
  }

  /** `lower <= this AND this <= upper`. */
  between(lower: ColumnOrLiteral, upper: ColumnOrLiteral): Column {
    return this.geq(lower).and(this.leq(upper));
  }

  /** SQL LIKE with `%` and `_` (escape character `\`). */
  like(pattern: string): Column {
    return new Column({ kind: 'like', child: this.expr, pattern, escape: '\\' });
  }

  /** True where the string starts with `prefix`. */
  startsWith(prefix: string): Column {
    return this.like(`${escapeLike(prefix)}%`);
  }

  /** True where the string ends with `suffix`. */
  endsWith(suffix: string): Column {
    return this.like(`%${escapeLike(suffix)}`);
  }

  /** True where the string contains `text`. */
  contains(text: string): Column {
    return this.like(`%${escapeLike(text)}%`);
  }

  /** Substring by 1-based position and length (characters). */
  substr(pos: number, len: number): Column {
    return new Column({ kind: 'call', name: 'substring', args: [this.expr, literal(pos, { kind: 'int32' }), literal(len, { kind: 'int32' })] });
  }

  /** Ascending order, nulls first (Spark's default). */
  asc(): Column {
    return new Column(this.expr, { ascending: true, nullsFirst: true });
  }

  /** Ascending order, nulls first. */
  ascNullsFirst(): Column {
    return new Column(this.expr, { ascending: true, nullsFirst: true });
  }

  /** Ascending order, nulls last. */
  ascNullsLast(): Column {
    return new Column(this.expr, { ascending: true, nullsFirst: false });
  }

  /** Descending order, nulls last (Spark's default). */
  desc(): Column {
    return new Column(this.expr, { ascending: false, nullsFirst: false });
  }

  /** Descending order, nulls first. */
  descNullsFirst(): Column {
    return new Column(this.expr, { ascending: false, nullsFirst: true });
  }

  /** Descending order, nulls last. */
  descNullsLast(): Column {
    return new Column(this.expr, { ascending: false, nullsFirst: false });
  }

  /** Continues a `when(...)` chain: another condition and value. */
  when(condition: Column, value: ColumnOrLiteral): Column {
    if (this.expr.kind !== 'case' || this.expr.otherwise) {
      throw new InvalidArgumentError('when() can only follow functions.when(...) or another when(), before otherwise()');
    }
    return new Column({ ...this.expr, branches: [...this.expr.branches, [condition.expr, toExpr(value)]] });
  }

  /** Ends a `when(...)` chain with the value for rows no condition matched. */
  otherwise(value: ColumnOrLiteral): Column {
    if (this.expr.kind !== 'case' || this.expr.otherwise) {
      throw new InvalidArgumentError('otherwise() can only follow functions.when(...) or when(), once');
    }
    return new Column({ ...this.expr, otherwise: toExpr(value) });
  }

  /**
   * Applies a window function (`row_number()`, `rank()`, `dense_rank()`, `lag`, `lead`,
   * `first_value`, `last_value`, `nth_value`) or an aggregate (`sum`, `avg`, `min`, `max`, `count`,
   * `first`, the statistical and boolean aggregates) over a window: `F.sum('x').over(Window.partitionBy('k'))`.
   */
  over(window: WindowSpec): Column {
    const e = this.expr;
    const spec = { partitionBy: window.partitionSpec, orderBy: window.orderSpec, ...(window.frame ? { frame: window.frame } : {}) };
    if (e.kind === 'window') return new Column({ ...e, ...spec });
    if (e.kind === 'agg') {
      // Spark: "Distinct window functions are not supported"
      if (e.fn === 'count_distinct' || e.distinct) throw new AnalysisError(`Distinct window functions are not supported: ${exprName(e)}`);
      if (e.fn === 'first') return new Column({ kind: 'window', fn: 'first_value', args: [e.arg!], ...spec, ...(e.ignoreNulls ? { ignoreNulls: true } : {}) });
      if (e.fn === 'percentile_cont' || e.fn === 'percentile_disc') {
        // median / percentile over a window: whole partitions (Spark rejects an ORDER BY for percentile_cont/disc)
        if (spec.orderBy.length || spec.frame) throw new NotImplementedError(`${exprName(e)} over an ordered window or a frame is not supported; use Window.partitionBy(...) only`);
        const [p, desc] = e.extraArgs ?? [];
        const fraction = p?.kind === 'literal' ? Number(p.value) : 0.5;
        return new Column({ kind: 'window', fn: e.fn, args: [e.arg!], percentile: { fraction, descending: desc?.kind === 'literal' && desc.value === true }, ...spec, ...(e.prettyName ? { prettyName: e.prettyName } : {}) });
      }
      if (!WINDOW_AGGREGATE_FNS.has(e.fn)) throw new NotImplementedError(`${exprName(e)} over a window is not supported`);
      return new Column({ kind: 'window', fn: e.fn as WindowFn, args: e.arg ? [e.arg, ...(e.extraArgs ?? [])] : [], ...spec, ...(e.prettyName ? { prettyName: e.prettyName } : {}) });
    }
    if (e.kind === 'call') {
      const name = e.name.toLowerCase();
      const flag = (x: Expr | undefined) => x !== undefined && x.kind === 'literal' && x.value === true;
      if (name === 'row_number' || name === 'rank' || name === 'dense_rank' || name === 'cume_dist' || name === 'percent_rank') return new Column({ kind: 'window', fn: name, args: [], ...spec });
      if (name === 'ntile') {
        const k = e.args[0];
        return new Column({ kind: 'window', fn: 'ntile', args: [], offset: k && k.kind === 'literal' ? Number(k.value) : 1, ...spec });
      }
      if (name === 'lag' || name === 'lead') {
        const off = e.args[1];
        const offset = off && off.kind === 'literal' ? Number(off.value) : 1;
        return new Column({ kind: 'window', fn: name, args: [e.args[0]!, ...(e.args[2] ? [e.args[2]] : [])], offset, ...spec, ...(flag(e.args[3]) ? { ignoreNulls: true } : {}) });
      }
      if (name === 'first_value' || name === 'last_value') {
        return new Column({ kind: 'window', fn: name, args: [e.args[0]!], ...spec, ...(flag(e.args[1]) ? { ignoreNulls: true } : {}) });
      }
      if (name === 'nth_value') {
        const k = e.args[1];
        const offset = k && k.kind === 'literal' ? Number(k.value) : 1;
        return new Column({ kind: 'window', fn: 'nth_value', args: [e.args[0]!], offset, ...spec, ...(flag(e.args[2]) ? { ignoreNulls: true } : {}) });
      }
    }
    throw new AnalysisError(`over() needs a window function (row_number, rank, dense_rank, lag, lead) or an aggregate (sum, avg, min, max, count), got ${exprName(e)}`);
  }

  private binary(op: BinaryOp, other: ColumnOrLiteral): Column {
    return new Column({ kind: 'binary', op, left: this.expr, right: toExpr(other) });
  }
}

/** Aggregates that run over windows (WindowFn names). */
const WINDOW_AGGREGATE_FNS: ReadonlySet<string> = new Set([
  'sum', 'count', 'count_star', 'avg', 'min', 'max', 'bool_and', 'bool_or', 'collect_list', 'collect_set', 'approx_count_distinct',
  'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop', 'skewness', 'kurtosis',
  'covar_samp', 'covar_pop', 'corr', 'regr_count', 'regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_slope', 'regr_intercept', 'regr_r2',
]);

/** The expression of a Column or a literal value. */
export function toExpr(v: ColumnOrLiteral): Expr {
  return v instanceof Column ? v.expr : literalExpr(v);
}

/** A column by name, or an existing Column. */
export function toColumn(c: Column | string): Column {
  if (c instanceof Column) return c;
  if (c === '*') return new Column({ kind: 'star' });
  if (c.endsWith('.*')) return new Column({ kind: 'star', qualifier: c.slice(0, -2) });
  return new Column({ kind: 'unresolved', name: c });
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
