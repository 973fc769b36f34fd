import { arrayType, structType } from '../types/nested-type.js';
import { AnalysisError, InternalError } from '../errors.js';
import { type DataType, DataTypes, isNumeric, typeToString } from '../types/data-type.js';
import { arithmeticResultType, avgResultType, commonType, sumResultType } from '../types/type-coercion.js';
import { lookupFunction, literalArgs } from '../functions/registry.js';
import { type Expr, exprName } from './expression.js';

/** The type of a resolved expression and whether it can be null. */
export interface TypeInfo {
  readonly type: DataType;
  readonly nullable: boolean;
}

/**
 * The type of an analyzed expression. The analyzer has already inserted the casts that make operand
 * types agree (see analyzer.ts), so this only reads types off the tree.
 */
export function typeOfResolved(e: Expr): TypeInfo {
  switch (e.kind) {
    case 'attr':
      return { type: e.type, nullable: e.nullable };
    case 'literal':
      return { type: e.type, nullable: e.value === null };
    case 'alias':
      return typeOfResolved(e.child);
    case 'cast': {
      const c = typeOfResolved(e.child);
      // Casts from strings (unparsable text) and into narrower decimals (overflow) yield null.
      const mayFail = c.type.kind === 'utf8' || e.to.kind === 'decimal';
      return { type: e.to, nullable: c.nullable || mayFail };
    }
    case 'binary': {
      const l = typeOfResolved(e.left);
      const r = typeOfResolved(e.right);
      switch (e.op) {
        case '+':
        case '-':
        case '*':
          return { type: arithmeticResultType(e.op, l.type, r.type), nullable: l.nullable || r.nullable || l.type.kind === 'decimal' };
        case '/':
        case '%':
          return { type: arithmeticResultType(e.op, l.type, r.type), nullable: true };
        case '<=>':
          return { type: DataTypes.Boolean, nullable: false };
        default:
          return { type: DataTypes.Boolean, nullable: l.nullable || r.nullable };
      }
    }
    case 'unary': {
      const c = typeOfResolved(e.child);
      if (e.op === 'isNull' || e.op === 'isNotNull') return { type: DataTypes.Boolean, nullable: false };
      if (e.op === 'not') return { type: DataTypes.Boolean, nullable: c.nullable };
      return c;
    }
    case 'in':
      return { type: DataTypes.Boolean, nullable: [e.child, ...e.list].some((x) => typeOfResolved(x).nullable) };
    case 'like':
      return { type: DataTypes.Boolean, nullable: typeOfResolved(e.child).nullable };
    case 'case': {
      const values = [...e.branches.map(([, v]) => v), ...(e.otherwise ? [e.otherwise] : [])].map(typeOfResolved);
      return { type: values[0]!.type, nullable: !e.otherwise || values.some((v) => v.nullable) };
    }
    case 'call': {
      const fn = lookupFunction(e.name);
      return fn.resolve(e.args.map(typeOfResolved), literalArgs(e.args)).result;
    }
    case 'agg':
      // A partial aggregation's state column (aggregate-split.ts) is a double, never null.
      // (approx_count_distinct's states are register words: bigint)
      if (e.stateColumn !== undefined) return { type: e.fn === 'approx_count_distinct' ? DataTypes.Long : DataTypes.Double, nullable: false };
      // avg_merge (aggregate-split.ts): its last argument, a typed NULL, is the original decimal input.
      if (e.fn === 'avg_merge' && e.extraArgs?.[2]) return aggregateType('avg', typeOfResolved(e.extraArgs[2]));
      return aggregateType(e.fn, e.arg ? typeOfResolved(e.arg) : undefined);
    case 'window': // window functions (see WindowExpr)
      return windowType(e.fn, e.args[0] ? typeOfResolved(e.args[0]) : undefined);
    default:
      throw new InternalError(`typeOfResolved on an unresolved expression ${exprName(e)}`);
  }
}

/** Spark's result type of a window function: ranks are int, lag/lead nullable values, aggregates as aggregateType. */
export function windowType(fn: string, arg: TypeInfo | undefined): TypeInfo {
  switch (fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      return { type: DataTypes.Integer, nullable: false };
    case 'lag':
    case 'lead':
      return { type: arg!.type, nullable: true };
    case 'percentile_cont':
    case 'percentile_disc':
      return { type: DataTypes.Double, nullable: true };
    case 'cume_dist':
    case 'percent_rank':
      return { type: DataTypes.Double, nullable: false };
    case 'ntile':
      return { type: DataTypes.Integer, nullable: false };
    default:
      return aggregateType(fn, arg);
  }
}

/** Spark's result type of an aggregate function. */
export function aggregateType(fn: string, arg: TypeInfo | undefined): TypeInfo {
  switch (fn) {
    case 'count':
    case 'count_star':
    case 'count_distinct':
    case 'count_if':
    case 'regr_count':
    case 'approx_count_distinct':
      return { type: DataTypes.Long, nullable: false };
    case 'var_samp':
    case 'var_pop':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'skewness':
    case 'kurtosis':
    case 'covar_samp':
    case 'covar_pop':
    case 'corr':
    case 'regr_avgx':
    case 'regr_avgy':
    case 'regr_sxx':
    case 'regr_syy':
    case 'regr_sxy':
    case 'regr_slope':
    case 'regr_intercept':
    case 'regr_r2':
      return { type: DataTypes.Double, nullable: true };
    case 'bool_and':
    case 'bool_or':
      return { type: DataTypes.Boolean, nullable: true };
    case 'percentile_cont':
    case 'percentile_disc':
      return { type: DataTypes.Double, nullable: true };
    case 'max_by':
    case 'min_by':
      return { type: arg!.type, nullable: true };
    case 'collect_list':
    case 'collect_set':
      return { type: arrayType(arg!.type, false), nullable: false };
    case 'histogram_numeric':
      return { type: arrayType(structType([{ name: 'x', type: arg!.type.kind === 'null' ? DataTypes.Double : arg!.type }, { name: 'y', type: DataTypes.Double }])), nullable: true };
    case 'sum':
      requireNumeric(fn, arg!.type);
      return { type: sumResultType(arg!.type), nullable: true };
    case 'avg':
      requireNumeric(fn, arg!.type);
      return { type: avgResultType(arg!.type), nullable: true };
    // Internal decimal-avg split (aggregate-split.ts): the sum state is the exact int128 sum, typed
    // decimal(38, s) (its values may exceed the sum's precision p + 10), the merge types like avg.
    case 'avg_sum_state':
      return { type: arg!.type.kind === 'decimal' ? DataTypes.decimal(38, arg!.type.scale) : arg!.type, nullable: true };
    case 'avg_merge':
      return { type: avgResultType(arg!.type), nullable: true };
    default:
      return { type: arg!.type, nullable: true };
  }
}

/** The common type of several expressions' types (CASE branches, IN lists, coalesce: Spark's union widening). */
export function commonTypeOf(types: readonly DataType[], what: string): DataType {
  let t = types[0]!;
  for (const u of types.slice(1)) {
    try {
      t = commonType(t, u, 'union');
    } catch {
      throw new AnalysisError(`${what}: cannot find a common type for ${typeToString(t)} and ${typeToString(u)}`);
    }
  }
  return t;
}

function requireNumeric(fn: string, t: DataType): void {
  if (!isNumeric(t) && t.kind !== 'null') {
    throw new AnalysisError(`function ${fn} requires a numeric argument, got ${typeToString(t)}`);
  }
}
