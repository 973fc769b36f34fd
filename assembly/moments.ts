// Statistical aggregation kernels: per-group central moments (variance, stddev, skewness, kurtosis)
// and co-moments (covariance, correlation, linear regression), their MERGE (for partial/final
// aggregation across cores), their finishing formulas, and two helpers of DISTINCT aggregates.
//
// State layout (all f64 arrays indexed by group id, allocated by the TypeScript side):
//   moments:    n, mean, M2 [, M3 [, M4]]    M_k = sum over rows of (x - mean)^k
//   co-moments: n, meanX, meanY, C, M2X, M2Y  C = sum (x - meanX)(y - meanY)
// n is a double, as in Spark, so states are plain f64 arrays throughout.
//
// Update (one row at a time, numerically stable: no sum of squares that cancels catastrophically):
// Welford's online algorithm (B. P. Welford, "Note on a method for calculating corrected sums of
// squares and products", Technometrics 4(3), 1962) extended to M3/M4 as in X. Meng, "Simpler Online
// Updates for Arbitrary-Order Central Moments" (2015, arXiv:1510.04923), which is exactly the
// update of Spark's CentralMomentAgg; the co-moment update is the bivariate Welford update of Spark's
// Covariance / PearsonCorrelation. Merge: Chan, Golub & LeVeque, "Updating formulae and a pairwise
// algorithm for computing sample variances" (1979), with the higher-order terms of P. Pébay,
// "Formulas for robust, one-pass parallel computation of covariances and arbitrary-order
// statistical moments" (Sandia SAND2008-6212), again written as Spark's mergeExpressions so results
// match Spark operation for operation.
//
// No SIMD: each row's update depends on the previous state of its group (a loop-carried chain of
// divisions per group), and group ids are random, so there is nothing to put in lanes without
// changing the order of floating-point operations (and thus the results) relative to Spark.
//
// Null semantics: rows whose validity byte is 0 are skipped (validity 0 = all valid); NaN values
// propagate like Spark (the mean becomes NaN, so does the result).

// @ts-ignore: decorator
@inline function valid(validity: usize, i: i32): bool {
  return validity == 0 || load<u8>(validity + <usize>i) != 0;
}

// @ts-ignore: decorator
@inline function at(base: usize, g: i32): usize {
  return base + (<usize>g << 3);
}

/**
 * Folds `n` double values into the moment states of their groups. `order` is 2 (variance/stddev:
 * n, mean, M2), 3 (skewness: + M3) or 4 (kurtosis: + M3, M4); arrays above the order may be 0.
 */
export function mom_update(gids: usize, vals: usize, validity: usize, n: i32, order: i32, sn: usize, smean: usize, sm2: usize, sm3: usize, sm4: usize): void {
  for (let i = 0; i < n; i++) {
    if (!valid(validity, i)) continue;
    const g = load<i32>(gids + (<usize>i << 2));
    const x = load<f64>(vals + (<usize>i << 3));
    const pn = at(sn, g);
    const pm = at(smean, g);
    const p2 = at(sm2, g);
    const newN = load<f64>(pn) + 1.0;
    const mean = load<f64>(pm);
    const delta = x - mean;
    const deltaN = delta / newN;
    const m2 = load<f64>(p2);
    const newM2 = m2 + delta * (delta - deltaN);
    store<f64>(pn, newN);
    store<f64>(pm, mean + deltaN);
    store<f64>(p2, newM2);
    if (order >= 3) {
      const delta2 = delta * delta;
      const deltaN2 = deltaN * deltaN;
      const p3 = at(sm3, g);
      const newM3 = load<f64>(p3) - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
      store<f64>(p3, newM3);
      if (order >= 4) {
        const p4 = at(sm4, g);
        store<f64>(p4, load<f64>(p4) - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2));
      }
    }
  }
}

/**
 * Merges `count` source moment states into destination groups: source state i goes into group
 * gids[i] of the destination (gids = 0: into group i). Arrays above `order` may be 0.
 */
export function mom_merge(gids: usize, count: i32, order: i32, an: usize, amean: usize, am2: usize, am3: usize, am4: usize, dn: usize, dmean: usize, dm2: usize, dm3: usize, dm4: usize): void {
  for (let i = 0; i < count; i++) {
    const g = gids == 0 ? i : load<i32>(gids + (<usize>i << 2));
    const n2 = load<f64>(at(an, i));
    if (n2 == 0.0) continue;
    const pn = at(dn, g);
    const pm = at(dmean, g);
    const p2 = at(dm2, g);
    const n1 = load<f64>(pn);
    const newN = n1 + n2;
    const mean1 = load<f64>(pm);
    const delta = load<f64>(at(amean, i)) - mean1;
    const deltaN = newN == 0.0 ? 0.0 : delta / newN;
    const m2a = load<f64>(p2);
    const m2b = load<f64>(at(am2, i));
    store<f64>(pn, newN);
    store<f64>(pm, mean1 + deltaN * n2);
    store<f64>(p2, m2a + m2b + delta * deltaN * n1 * n2);
    if (order >= 3) {
      const p3 = at(dm3, g);
      const m3a = load<f64>(p3);
      const m3b = load<f64>(at(am3, i));
      store<f64>(p3, m3a + m3b + deltaN * deltaN * delta * n1 * n2 * (n1 - n2) + 3.0 * deltaN * (n1 * m2b - n2 * m2a));
      if (order >= 4) {
        const p4 = at(dm4, g);
        store<f64>(
          p4,
          load<f64>(p4) + load<f64>(at(am4, i)) +
            deltaN * deltaN * deltaN * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
            6.0 * deltaN * deltaN * (n1 * n1 * m2b + n2 * n2 * m2a) +
            4.0 * deltaN * (n1 * m3b - n2 * m3a),
        );
      }
    }
  }
}

/** Result codes of mom_finish. */
// 0 var_samp, 1 var_pop, 2 stddev_samp, 3 stddev_pop, 4 skewness, 5 kurtosis

/**
 * Writes function `fn`'s result for groups [start, start + count) into `out` (f64) and validity
 * bytes into `validity`; returns the number of nulls. Spark 3 semantics with
 * spark.sql.legacy.statisticalAggregate=false: no rows -> null; sample variants of one row -> null;
 * skewness/kurtosis with M2 = 0 -> null.
 */
export function mom_finish(fn: i32, start: i32, count: i32, sn: usize, sm2: usize, sm3: usize, sm4: usize, out: usize, validity: usize): i32 {
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = start + j;
    const n = load<f64>(at(sn, g));
    const m2 = load<f64>(at(sm2, g));
    let r: f64 = 0;
    let ok = n != 0.0;
    if (ok) {
      switch (fn) {
        case 0: ok = n != 1.0; r = m2 / (n - 1.0); break;
        case 1: r = m2 / n; break;
        case 2: ok = n != 1.0; r = Math.sqrt(m2 / (n - 1.0)); break;
        case 3: r = Math.sqrt(m2 / n); break;
        case 4: ok = m2 != 0.0; r = Math.sqrt(n) * load<f64>(at(sm3, g)) / Math.sqrt(m2 * m2 * m2); break;
        default: ok = m2 != 0.0; r = n * load<f64>(at(sm4, g)) / (m2 * m2) - 3.0; break;
      }
    }
    store<f64>(out + (<usize>j << 3), ok ? r : 0.0);
    store<u8>(validity + <usize>j, ok ? 1 : 0);
    nulls += ok ? 0 : 1;
  }
  return nulls;
}

/** Folds `n` (x, y) pairs into the co-moment states of their groups; rows where x or y is null are skipped. */
export function comom_update(gids: usize, xs: usize, xvalid: usize, ys: usize, yvalid: usize, n: i32, sn: usize, sxavg: usize, syavg: usize, sck: usize, sxmk: usize, symk: usize): void {
  for (let i = 0; i < n; i++) {
    if (!valid(xvalid, i) || !valid(yvalid, i)) continue;
    const g = load<i32>(gids + (<usize>i << 2));
    const x = load<f64>(xs + (<usize>i << 3));
    const y = load<f64>(ys + (<usize>i << 3));
    const pn = at(sn, g);
    const px = at(sxavg, g);
    const py = at(syavg, g);
    const newN = load<f64>(pn) + 1.0;
    const xAvg = load<f64>(px);
    const yAvg = load<f64>(py);
    const dx = x - xAvg;
    const dy = y - yAvg;
    const newXAvg = xAvg + dx / newN;
    const newYAvg = yAvg + dy / newN;
    store<f64>(pn, newN);
    store<f64>(px, newXAvg);
    store<f64>(py, newYAvg);
    const pc = at(sck, g);
    store<f64>(pc, load<f64>(pc) + dx * (y - newYAvg));
    const pxm = at(sxmk, g);
    store<f64>(pxm, load<f64>(pxm) + dx * (x - newXAvg));
    const pym = at(symk, g);
    store<f64>(pym, load<f64>(pym) + dy * (y - newYAvg));
  }
}

/** Merges `count` source co-moment states into destination groups (gids as in mom_merge). */
export function comom_merge(gids: usize, count: i32, an: usize, axavg: usize, ayavg: usize, ack: usize, axmk: usize, aymk: usize, dn: usize, dxavg: usize, dyavg: usize, dck: usize, dxmk: usize, dymk: usize): void {
  for (let i = 0; i < count; i++) {
    const g = gids == 0 ? i : load<i32>(gids + (<usize>i << 2));
    const n2 = load<f64>(at(an, i));
    if (n2 == 0.0) continue;
    const pn = at(dn, g);
    const px = at(dxavg, g);
    const py = at(dyavg, g);
    const n1 = load<f64>(pn);
    const newN = n1 + n2;
    const x1 = load<f64>(px);
    const y1 = load<f64>(py);
    const dx = load<f64>(at(axavg, i)) - x1;
    const dy = load<f64>(at(ayavg, i)) - y1;
    const dxN = newN == 0.0 ? 0.0 : dx / newN;
    const dyN = newN == 0.0 ? 0.0 : dy / newN;
    store<f64>(pn, newN);
    store<f64>(px, x1 + dxN * n2);
    store<f64>(py, y1 + dyN * n2);
    const pc = at(dck, g);
    store<f64>(pc, load<f64>(pc) + load<f64>(at(ack, i)) + dx * dyN * n1 * n2);
    const pxm = at(dxmk, g);
    store<f64>(pxm, load<f64>(pxm) + load<f64>(at(axmk, i)) + dx * dxN * n1 * n2);
    const pym = at(dymk, g);
    store<f64>(pym, load<f64>(pym) + load<f64>(at(aymk, i)) + dy * dyN * n1 * n2);
  }
}

// Result codes of comom_finish. The kernel's x is the aggregate's FIRST argument and y its second;
// for regr_*(Y, X) that makes x the dependent variable Y and y the independent variable X.
// 0 covar_samp, 1 covar_pop, 2 corr, 3 regr_avgx, 4 regr_avgy, 5 regr_sxx, 6 regr_syy, 7 regr_sxy,
// 8 regr_slope, 9 regr_intercept, 10 regr_r2, 11 regr_count (writes i64, never null)

/** Writes co-moment function `fn`'s result for groups [start, start + count); returns the number of nulls. */
export function comom_finish(fn: i32, start: i32, count: i32, sn: usize, sxavg: usize, syavg: usize, sck: usize, sxmk: usize, symk: usize, out: usize, validity: usize): i32 {
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = start + j;
    const n = load<f64>(at(sn, g));
    if (fn == 11) {
      store<i64>(out + (<usize>j << 3), <i64>n);
      store<u8>(validity + <usize>j, 1);
      continue;
    }
    const ck = load<f64>(at(sck, g));
    // Kernel x = regr's Y (dependent), kernel y = regr's X (independent).
    const mY = load<f64>(at(sxmk, g));
    const mX = load<f64>(at(symk, g));
    let r: f64 = 0;
    let ok = n != 0.0;
    if (ok) {
      switch (fn) {
        case 0: ok = n != 1.0; r = ck / (n - 1.0); break;
        case 1: r = ck / n; break;
        // Spark's PearsonCorrelation divides with Catalyst's Divide: a zero divisor gives NULL.
        case 2: ok = n != 1.0 && mY * mX != 0.0; r = ck / Math.sqrt(mY * mX); break;
        case 3: r = load<f64>(at(syavg, g)); break;
        case 4: r = load<f64>(at(sxavg, g)); break;
        case 5: r = mX; break;
        case 6: r = mY; break;
        case 7: r = ck; break;
        case 8: ok = mX != 0.0; r = ck / mX; break;
        case 9: ok = mX != 0.0; r = load<f64>(at(sxavg, g)) - ck / mX * load<f64>(at(syavg, g)); break;
        default:
          // regr_r2 (Spark's RegrR2 = PearsonCorrelation(Y, X)): null if var(X) = 0, 1 if var(Y) = 0.
          if (mX == 0.0) ok = false;
          else r = mY == 0.0 ? 1.0 : ck * ck / mX / mY;
          break;
      }
    }
    store<f64>(out + (<usize>j << 3), ok ? r : 0.0);
    store<u8>(validity + <usize>j, ok ? 1 : 0);
    nulls += ok ? 0 : 1;
  }
  return nulls;
}

// ---------------------------------------------------------------------------------------------
// DISTINCT aggregates: a key table over (group id, args...) gives each row a pair id; ids of new
// pairs are assigned in row order from `before`, so a row is the first of its pair exactly when its
// id equals the next unseen id (as in aggregate.ts's agg_count_distinct).
// ---------------------------------------------------------------------------------------------

/**
 * Selects the rows whose pair is new (first occurrence): writes their row indices to `outIdx` and
 * their group ids to `outGids`; rows with pair id -1 (masked out) are skipped. Returns the count.
 */
export function distinct_select(gids: usize, pairIds: usize, n: i32, before: i32, outIdx: usize, outGids: usize): i32 {
  let next = before;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const p = load<i32>(pairIds + (<usize>i << 2));
    if (p != next) continue;
    next++;
    store<i32>(outIdx + (<usize>k << 2), i);
    store<i32>(outGids + (<usize>k << 2), load<i32>(gids + (<usize>i << 2)));
    k++;
  }
  return k;
}

/** Gathers `count` values of `width` bytes (1, 2, 4 or 8) at row indices `idx` into `out`. */
export function distinct_gather(vals: usize, width: i32, idx: usize, count: i32, out: usize): void {
  if (width == 8) {
    for (let k = 0; k < count; k++) store<u64>(out + (<usize>k << 3), load<u64>(vals + (<usize>load<i32>(idx + (<usize>k << 2)) << 3)));
  } else if (width == 4) {
    for (let k = 0; k < count; k++) store<u32>(out + (<usize>k << 2), load<u32>(vals + (<usize>load<i32>(idx + (<usize>k << 2)) << 2)));
  } else if (width == 2) {
    for (let k = 0; k < count; k++) store<u16>(out + (<usize>k << 1), load<u16>(vals + (<usize>load<i32>(idx + (<usize>k << 2)) << 1)));
  } else {
    for (let k = 0; k < count; k++) store<u8>(out + <usize>k, load<u8>(vals + <usize>load<i32>(idx + (<usize>k << 2))));
  }
}

// ---------------------------------------------------------------------------------------------
// max_by(x, ord) / min_by(x, ord): per group the best ord so far (8-byte slot), the x of its row
// (8-byte slot, `width` bytes used) and flags. Rows whose ord is null are skipped; a strictly
// better ord replaces the value (even by a null x), so ties keep the first row, as Spark's MaxBy
// (`ord > maxOrd`). Ord order is Spark's: NaN greatest, -0.0 = 0.0.
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function ord_better<T>(x: T, cur: T, isMax: bool): bool {
  if (isFloat<T>()) {
    const xn = isNaN(x);
    const cn = isNaN(cur);
    if (isMax) return xn ? !cn : !cn && x > cur;
    return xn ? false : cn || x < cur;
  }
  return isMax ? x > cur : x < cur;
}

// @ts-ignore: decorator
@inline function by_update<T>(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void {
  for (let i = 0; i < n; i++) {
    if (!valid(ordValid, i)) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    const o = load<T>(ords + (<usize>i << alignof<T>()));
    if (load<u8>(seen + g) != 0 && !ord_better<T>(o, load<T>(stOrd + (g << 3)), isMax)) continue;
    store<u8>(seen + g, 1);
    store<T>(stOrd + (g << 3), o);
    store<u8>(stValValid + g, valid(valValid, i) ? 1 : 0);
    const dst = stVal + (g << 3);
    if (width == 8) store<u64>(dst, load<u64>(vals + (<usize>i << 3)));
    else if (width == 4) store<u32>(dst, load<u32>(vals + (<usize>i << 2)));
    else if (width == 2) store<u16>(dst, load<u16>(vals + (<usize>i << 1)));
    else store<u8>(dst, load<u8>(vals + <usize>i));
  }
}

export function by_update_i8(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<i8>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }
export function by_update_u8(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<u8>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }
export function by_update_i16(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<i16>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }
export function by_update_i32(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<i32>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }
export function by_update_i64(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<i64>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }
export function by_update_f32(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<f32>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }
export function by_update_f64(gids: usize, ords: usize, ordValid: usize, vals: usize, valValid: usize, width: i32, n: i32, isMax: bool, stOrd: usize, stVal: usize, stValValid: usize, seen: usize): void { by_update<f64>(gids, ords, ordValid, vals, valValid, width, n, isMax, stOrd, stVal, stValValid, seen); }

/** Copies groups [start, start + count) of max_by/min_by state into a `width`-byte column; returns the number of nulls. */
export function by_finish(width: i32, start: i32, count: i32, stVal: usize, stValValid: usize, seen: usize, out: usize, validity: usize): i32 {
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = <usize>(start + j);
    const ok = load<u8>(seen + g) != 0 && load<u8>(stValValid + g) != 0;
    const src = stVal + (g << 3);
    const dst = out + <usize>j * <usize>width;
    if (width == 8) store<u64>(dst, ok ? load<u64>(src) : 0);
    else if (width == 4) store<u32>(dst, ok ? load<u32>(src) : 0);
    else if (width == 2) store<u16>(dst, ok ? load<u16>(src) : 0);
    else store<u8>(dst, ok ? load<u8>(src) : 0);
    store<u8>(validity + <usize>j, ok ? 1 : 0);
    nulls += ok ? 0 : 1;
  }
  return nulls;
}
