// The names of the aggregate functions: one list shared by the logical plan (src/plan/expression.ts)
// and the hash aggregation kernels (src/kernels/aggregate.ts, src/kernels/moments.ts).

/** Central-moment aggregate functions (one double input). */
export type MomentFunction = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop' | 'skewness' | 'kurtosis';

/** Co-moment aggregate functions (two double inputs; regr_* take (Y, X) = (dependent, independent)). */
export type CoMomentFunction =
  | 'covar_samp'
  | 'covar_pop'
  | 'corr'
  | 'regr_avgx'
  | 'regr_avgy'
  | 'regr_sxx'
  | 'regr_syy'
  | 'regr_sxy'
  | 'regr_slope'
  | 'regr_intercept'
  | 'regr_r2'
  | 'regr_count';

/** The aggregate functions of the engine (plan and kernels). */
export type AggregateFunction =
  | 'sum'
  | 'count'
  | 'count_star'
  | 'min'
  | 'max'
  | 'avg'
  | 'count_distinct'
  | 'first'
  // statistics: double result, input cast to double (Spark's CentralMomentAgg / Covariance / regr_*);
  // one double input ...
  | MomentFunction
  // ... or two (the second in AccumulatorSpec.extraInputTypes / AggregateCall.extraArgs)
  | CoMomentFunction
  // boolean aggregates (boolean input): bool_and / bool_or are min / max of booleans, as in Spark
  | 'bool_and'
  | 'bool_or'
  | 'count_if'
  // max_by(x, ord) / min_by(x, ord): x of the row with the largest / smallest ord
  | 'max_by'
  | 'min_by'
  // nested results (src/kernels/collect-aggregate.ts): collect_list / array_agg, collect_set ->
  // array<x>; histogram_numeric(x, nb) -> array<struct<x, y: double>>
  | 'collect_list'
  | 'collect_set'
  | 'histogram_numeric'
  // approx_count_distinct(x[, rsd]): Spark's HyperLogLog++ (src/kernels/hll.ts)
  | 'approx_count_distinct'
  // exact percentiles (src/kernels/percentile.ts): percentile_cont / percentile_disc(p) WITHIN GROUP
  // (ORDER BY x [DESC]), percentile(x, p), median(x); extra arguments: p (double), descending (boolean)
  | 'percentile_cont'
  | 'percentile_disc'
  // internal (scheduler/aggregate-split.ts), not in the SQL / DataFrame API: the partial state and
  // the merge of avg over a decimal (avg_sum_state(x): the raw unscaled int64 sum, typed as x,
  // AvgSumStateAccumulator; avg_merge(sum_state, count_state, overflowed): finishes exactly like
  // avg(x), AvgMergeAccumulator)
  | 'avg_sum_state'
  | 'avg_merge';
