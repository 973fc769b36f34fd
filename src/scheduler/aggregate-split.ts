/**
 * Two-phase aggregation (Spark's partial/final HashAggregate): each map task aggregates its own
 * rows into partial states, the shuffle brings every group's states to one reduce task, and the
 * reduce task merges them. Only aggregates whose state merges with another aggregate are split:
 * sum (sum of sums), count and count(*) (sum of counts), min, max, first, avg over non-decimal
 * input (a double sum and a count, divided at the end, as Spark's Average buffer) and avg over
 * decimal input (an int128 unscaled sum and a count, merged by the internal avg_merge, see
 * splitDecimalAvg), count_if (sum of counts), bool_and / bool_or, and the statistical aggregates
 * (their mergeable moment states, see splitMergeable). Anything else (DISTINCT aggregates,
 * max_by / min_by, ...) returns null, and the caller shuffles the raw rows instead, which is
 * correct for every aggregate.
 */
import { DataTypes, typeEquals } from '../types/data-type.js';
import { type AggregateCall, type Alias, type AttributeRef, type Expr, mapChildren, newExprId } from '../plan/expression.js';
import type { Aggregate, LogicalPlan } from '../plan/logical-plan.js';
import { toAttribute } from '../plan/logical-plan.js';
import { exprKey } from '../plan/analyzer.js';
import { typeOfResolved } from '../plan/typing.js';
import { mergeableStateNames } from '../kernels/moments.js';
import { DEFAULT_RSD, hllPrecision, hllWords } from '../kernels/hll.js';

/** An aggregate split into its map side and its reduce side. */
export interface AggregateSplit {
  /** The partial aggregate over one task's input. */
  partial(child: LogicalPlan): LogicalPlan;
  /** The partial aggregate's output: the group keys (the first `numKeys`), then partial states. */
  readonly partialOutput: readonly AttributeRef[];
  readonly numKeys: number;
  /** The final aggregate over one shuffle partition of partial states; its output is the original's. */
  final(states: LogicalPlan): LogicalPlan;
}

/** How one aggregate call is computed from partial states. */
interface CallSplit {
  readonly partials: readonly AggregateCall[];
  readonly merge: (states: readonly AttributeRef[]) => Expr;
}

function call(fn: AggregateCall['fn'], arg: Expr | null, ignoreNulls = false): AggregateCall {
  return { kind: 'agg', fn, arg, ignoreNulls };
}

function alias(child: Expr, name: string, id = newExprId()): Alias {
  return { kind: 'alias', child, name, id };
}

function castIfNeeded(e: Expr, target: Expr): Expr {
  const want = typeOfResolved(target).type;
  return typeEquals(typeOfResolved(e).type, want) ? e : { kind: 'cast', child: e, to: want };
}

/**
 * avg over decimal(p, s): partial avg_sum_state(x) (the exact int128 unscaled sum AvgAccumulator
 * keeps, typed decimal(38, s); null when empty or when it overflowed int128) and count(x); final
 * avg_merge(sum_state, count_state, overflowed, NULL of x's type) adds them up and finishes exactly
 * like avg(x): the precision-(p + 10, at most 38) check applies to the total sum, so a partial sum
 * beyond it that later comes back in range (negative values) gives the same result as one pass. A
 * partial whose sum overflowed is flagged (sum state null, count > 0): its group's result is null.
 */
function splitDecimalAvg(arg: Expr): CallSplit {
  return {
    partials: [call('avg_sum_state', arg), call('count', arg)],
    merge: ([sum, count]) => {
      const overflowed: Expr = {
        kind: 'binary',
        op: 'and',
        left: { kind: 'unary', op: 'isNull', child: sum! },
        right: { kind: 'binary', op: '>', left: count!, right: { kind: 'literal', value: 0n, type: DataTypes.Long } },
      };
      // The fourth argument, a typed NULL, carries the input's decimal(p, s): the result type and the
      // sum precision check (p + 10) depend on p, which the int128 sum state's type does not keep.
      const inputType: Expr = { kind: 'literal', value: null, type: typeOfResolved(arg).type };
      return { kind: 'agg', fn: 'avg_merge', arg: sum!, extraArgs: [count!, overflowed, inputType], ignoreNulls: false };
    },
  };
}

/**
 * The statistical aggregates (var/stddev/skewness/kurtosis, covar/corr/regr_*): the partial side
 * outputs the function's mergeable state (MergeableAccumulator in kernels/moments.ts) as one call
 * per state column (`stateColumn` j: n, mean, m2, ... as non-null doubles; HashAggregation computes
 * them with one shared accumulator), the final side merges them with Chan et al.'s parallel
 * formulas (`mergeStates`) and finishes as the original function. Doubles merged in another order
 * than one pass: equal up to rounding (as Spark's partial aggregation).
 */
/**
 * approx_count_distinct(x[, rsd]): the partial side outputs the HLL++ register words (bigint state
 * columns, Spark's buffer layout), the final side merges them register-wise (kernels/hll.ts). The
 * rsd must be a literal (it fixes the number of words); otherwise raw rows are shuffled.
 */
function splitApproxCountDistinct(c: AggregateCall): CallSplit | null {
  const rsd = c.extraArgs?.[0];
  if (rsd && (rsd.kind !== 'literal' || rsd.value === null)) return null;
  const p = hllPrecision(rsd ? Number(rsd.value) : DEFAULT_RSD);
  return splitMergeable(c, hllWords(p));
}

function splitMergeable(c: AggregateCall, numStates: number): CallSplit {
  const { prettyName: _pretty, ...plain } = c;
  return {
    partials: Array.from({ length: numStates }, (_, j): AggregateCall => ({ ...plain, stateColumn: j })),
    merge: (states) => ({ kind: 'agg', fn: c.fn, arg: states[0]!, extraArgs: states.slice(1), ignoreNulls: false, mergeStates: true }),
  };
}

function splitCall(c: AggregateCall): CallSplit | null {
  const same = (fn: AggregateCall['fn']): CallSplit => ({
    partials: [c],
    merge: ([s]) => castIfNeeded(call(fn, s!, c.ignoreNulls), c),
  });
  // agg(DISTINCT ...) and count(DISTINCT a, b) states are not mergeable by these rules (added by the aggregates helper).
  if (c.distinct) return null;
  const stateNames = mergeableStateNames(c.fn);
  if (stateNames) return splitMergeable(c, stateNames.length);
  if (c.fn === 'approx_count_distinct') return splitApproxCountDistinct(c);
  if (c.extraArgs?.length) return null;
  switch (c.fn) {
    case 'count_if':
      return { partials: [c], merge: ([s]) => castIfNeeded(call('sum', s!), c) };
    case 'bool_and':
    case 'bool_or':
      return same(c.fn);
    case 'sum':
      return same('sum');
    case 'min':
    case 'max':
    case 'first':
      return same(c.fn);
    case 'count':
    case 'count_star':
      return { partials: [c], merge: ([s]) => castIfNeeded(call('sum', s!), c) };
    case 'avg': {
      if (!c.arg) return null;
      if (typeOfResolved(c.arg).type.kind === 'decimal') return splitDecimalAvg(c.arg);
      const asDouble: Expr = { kind: 'cast', child: c.arg, to: DataTypes.Double };
      return {
        partials: [call('sum', asDouble), call('count', c.arg)],
        merge: ([sum, count]) =>
          castIfNeeded({ kind: 'binary', op: '/', left: call('sum', sum!), right: { kind: 'cast', child: call('sum', count!), to: DataTypes.Double } }, c),
      };
    }
    default:
      return null;
  }
}

/** Splits `agg` into partial and final phases, or returns null when one of its calls cannot be merged. */
export function splitAggregate(agg: Aggregate): AggregateSplit | null {
  const calls = new Map<string, { call: AggregateCall; split: CallSplit }>();
  let mergeable = true;
  const collect = (e: Expr): Expr => {
    if (e.kind === 'agg') {
      const key = exprKey(e);
      if (!calls.has(key)) {
        const split = splitCall(e);
        if (!split) mergeable = false;
        else calls.set(key, { call: e, split });
      }
      return e;
    }
    return mapChildren(e, collect);
  };
  agg.aggregates.forEach(collect);
  if (!mergeable) return null;

  const keyAliases = agg.groupBy.map((g, i) => alias(g, `_key${i}`));
  const keyAttrs = keyAliases.map(toAttribute);
  const stateAliases: Alias[] = [];
  const stateAttrsOf = new Map<string, AttributeRef[]>();
  for (const [key, { split }] of calls) {
    const aliases = split.partials.map((p, j) => alias(p, `_state${stateAliases.length + j}`));
    stateAliases.push(...aliases);
    stateAttrsOf.set(key, aliases.map(toAttribute));
  }
  const partialOutput = [...keyAttrs, ...stateAliases.map(toAttribute)];
  const groupKeys = agg.groupBy.map(exprKey);

  const rewrite = (e: Expr): Expr => {
    if (e.kind === 'agg') {
      const key = exprKey(e);
      return calls.get(key)!.split.merge(stateAttrsOf.get(key)!);
    }
    const g = groupKeys.indexOf(exprKey(e));
    if (g >= 0) return keyAttrs[g]!;
    return mapChildren(e, rewrite);
  };
  const finalOutputs = agg.aggregates.map((e): Expr => {
    const out = toAttribute(e);
    const body = rewrite(e.kind === 'alias' ? e.child : e);
    return body.kind === 'attr' && body.id === out.id ? body : alias(body, out.name, out.id);
  });

  return {
    partial: (child) => ({ kind: 'aggregate', child, groupBy: agg.groupBy, aggregates: [...keyAliases, ...stateAliases] }),
    partialOutput,
    numKeys: keyAttrs.length,
    final: (states) => ({ kind: 'aggregate', child: states, groupBy: keyAttrs, aggregates: finalOutputs }),
  };
}
