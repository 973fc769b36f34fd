import { AnalysisError, InvalidArgumentError } from '../errors.js';
import { isNumeric } from '../types/data-type.js';
import { type Expr, exprExists, exprName } from '../plan/expression.js';
import { outputOf } from '../plan/logical-plan.js';
import { resolveExpr, resolveNamedList, checkAggregateExpressions, toNamed } from '../plan/analyzer.js';
import type { DataFrame } from './dataframe.js';
import { DataFrame as DataFrameClass } from './dataframe.js';
import { type Column, toColumn } from './column.js';
import * as F from './functions.js';

/** The result of `groupBy(...)`: aggregate it with `agg(...)` or a shortcut (`count`, `sum`, ...). */
export class GroupedData {
  /** @internal */
  constructor(
    private readonly df: DataFrame,
    private readonly keys: readonly Column[],
  ) {}

  /**
   * Computes aggregates per group. The output has the grouping columns first, then one column per
   * expression, like Spark. Accepts Columns, or an object `{ column: 'sum' | 'avg' | ... }`.
   */
  agg(...exprs: (Column | Record<string, string>)[]): DataFrame {
    const cols: Column[] = exprs.flatMap((x) =>
      isColumn(x) ? [x] : Object.entries(x).map(([c, fn]) => aggregateByName(fn, c)),
    );
    if (cols.length === 0) throw new InvalidArgumentError('agg() needs at least one aggregate expression');
    const input = outputOf(this.df.plan);
    const groupBy = this.keys.map((k) => resolveExpr(this.df.remapAttributes(k.expr), input));
    for (const g of groupBy) {
      if (exprExists(g, (x) => x.kind === 'agg')) throw new AnalysisError(`aggregate functions are not allowed in groupBy: ${exprName(g)}`);
    }
    const aggs = resolveNamedList(cols.map((c) => this.df.remapAttributes(c.expr)), input);
    if (aggs.some((a) => exprExists(a, (x) => x.kind === 'window'))) {
      throw new AnalysisError('window functions are not allowed in groupBy().agg(); apply them with select() or withColumn() on the aggregated DataFrame');
    }
    checkAggregateExpressions(groupBy, aggs);
    const aggregates: Expr[] = [...groupBy.map(toNamed), ...aggs];
    return new DataFrameClass(this.df.sparkSession, { kind: 'aggregate', child: this.df.plan, groupBy, aggregates }, this.df.attrRemap);
  }

  /** Number of rows per group, in a column `count`. */
  count(): DataFrame {
    return this.agg(F.count('*').alias('count'));
  }

  /** Sum of each given column (all numeric columns if none given). */
  sum(...cols: string[]): DataFrame {
    return this.shortcut('sum', cols);
  }

  /** Mean of each given column (all numeric columns if none given). */
  avg(...cols: string[]): DataFrame {
    return this.shortcut('avg', cols);
  }

  /** Alias of `avg`. */
  mean(...cols: string[]): DataFrame {
    return this.shortcut('avg', cols);
  }

  /** Minimum of each given column (all numeric columns if none given). */
  min(...cols: string[]): DataFrame {
    return this.shortcut('min', cols);
  }

  /** Maximum of each given column (all numeric columns if none given). */
  max(...cols: string[]): DataFrame {
    return this.shortcut('max', cols);
  }

  private shortcut(fn: string, cols: string[]): DataFrame {
    const names = cols.length ? cols : this.numericColumns();
    return this.agg(...names.map((c) => aggregateByName(fn, c)));
  }

  private numericColumns(): string[] {
    const keyNames = new Set(this.keys.map((k) => exprName(k.expr).toLowerCase()));
    return outputOf(this.df.plan)
      .filter((a) => isNumeric(a.type) && !keyNames.has(a.name.toLowerCase()))
      .map((a) => a.name);
  }
}

function isColumn(x: unknown): x is Column {
  return typeof x === 'object' && x !== null && 'expr' in x;
}

/** Aggregates of one column that `agg({ column: name })` accepts besides sum/avg/min/max/count/first. */
const ONE_COLUMN_AGGREGATES: Readonly<Record<string, (c: Column) => Column>> = {
  stddev: F.stddev,
  std: F.stddev_samp,
  stddev_samp: F.stddev_samp,
  stddev_pop: F.stddev_pop,
  variance: F.variance,
  var_samp: F.var_samp,
  var_pop: F.var_pop,
  skewness: F.skewness,
  kurtosis: F.kurtosis,
  bool_and: F.bool_and,
  every: F.every,
  bool_or: F.bool_or,
  some: F.some,
  count_if: F.count_if,
  count_distinct: (c) => F.countDistinct(c),
};

function aggregateByName(fn: string, column: string): Column {
  const c = toColumn(column);
  switch (fn.toLowerCase()) {
    case 'sum':
      return F.sum(c).alias(`sum(${column})`);
    case 'avg':
    case 'mean':
      return F.avg(c).alias(`avg(${column})`);
    case 'min':
      return F.min(c).alias(`min(${column})`);
    case 'max':
      return F.max(c).alias(`max(${column})`);
    case 'count':
      return F.count(c).alias(`count(${column})`);
    case 'first':
      return F.first(c).alias(`first(${column})`);
    default: {
      // The one-column statistical and boolean aggregates, by their Spark names (`{ x: 'stddev' }`).
      const name = fn.toLowerCase();
      const f = ONE_COLUMN_AGGREGATES[name];
      if (f) return f(c).alias(`${name}(${column})`);
      throw new InvalidArgumentError(`unknown aggregate function '${fn}'; expected sum, avg, mean, min, max, count, first, ${Object.keys(ONE_COLUMN_AGGREGATES).join(', ')}`);
    }
  }
}
