// Hash aggregation kernels: the group-id hash table (lib/hashtable.ts, lib/keys.ts) maps each row to
// a dense group id; the accumulators below then fold one input column into per-group state arrays
// indexed by that id (one pass per aggregate per batch), and the finishers turn state into result
// columns. States are mergeable (sum + seen flag, count, min/max + seen, sum + count for avg) so a
// partial aggregation can be added in front of a shuffle later.
//
// Seen flags (one byte per group): 0 no value yet, 1 has a value, 2 (decimal sums) overflowed int64,
// which Spark (non-ANSI) reports as null.
//
// Filtered aggregation without group keys (a WHERE fused into the aggregation, an aggregate
// FILTER): the rows of a batch that do not pass are described by a row mask (one byte per row, 0 =
// ignore), cleared in the validity the accumulators see (agg_mask_and), so every kernel skips them
// like nulls; the kernels that must tell a null from a masked-out row (first, the string states,
// count(*)) take the mask itself. (With group keys, the passing rows are gathered first: see
// src/kernels/aggregate.ts.)
export {
  ht_hash_i8, ht_hash_i16, ht_hash_i32, ht_hash_i64, ht_hash_f32, ht_hash_f64,
  ht_insert_i8, ht_insert_i16, ht_insert_i32, ht_insert_i64, ht_insert_f32, ht_insert_f64,
  ht_lookup_i8, ht_lookup_i16, ht_lookup_i32, ht_lookup_i64, ht_lookup_f32, ht_lookup_f64,
  dm_insert_i8, dm_insert_i16, dm_insert_i32, dm_insert_i64,
  dm_lookup_i8, dm_lookup_i16, dm_lookup_i32, dm_lookup_i64,
  key_range_i8, key_range_i16, key_range_i32, key_range_i64, dm_rebuild, ht_rebuild_fixed,
  ht_clear, ht_rehash_fixed, ht_rehash_enc, ht_insert_enc, ht_lookup_enc,
} from './lib/hashtable';
export { encode_keys, decode_key_strlen, decode_key_column } from './lib/keys';
import { ST_GROUPS, ST_DM_BASE, ST_DM_SIZE } from './lib/hashtable';

// ---------------------------------------------------------------------------------------------
// sum
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function sum_grouped<T, S>(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  if (validity == 0 && seen == 0) {
    // No nulls so far: the caller tracks "seen" per batch instead of per row.
    for (let i = 0; i < n; i++) {
      const a = sums + (<usize>load<i32>(gids + (<usize>i << 2)) << alignof<S>());
      store<S>(a, load<S>(a) + <S>load<T>(vals + (<usize>i << alignof<T>())));
    }
  } else if (validity == 0) {
    for (let i = 0; i < n; i++) {
      const g = <usize>load<i32>(gids + (<usize>i << 2));
      const a = sums + (g << alignof<S>());
      store<S>(a, load<S>(a) + <S>load<T>(vals + (<usize>i << alignof<T>())));
      store<u8>(seen + g, 1);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const g = <usize>load<i32>(gids + (<usize>i << 2));
      const ok = load<u8>(validity + <usize>i);
      if (ok == 0) continue;
      const a = sums + (g << alignof<S>());
      store<S>(a, load<S>(a) + <S>load<T>(vals + (<usize>i << alignof<T>())));
      store<u8>(seen + g, 1);
    }
  }
}

/**
 * sums[g] += vals[i] (int64, wrapping) and seen[g] = 1 for every non-null row i of group g = gids[i]
 * (seen may be 0 when validity is 0: the caller then knows every touched group has a value).
 */
export function agg_sum_i8(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  sum_grouped<i8, i64>(gids, vals, validity, n, sums, seen);
}
export function agg_sum_i16(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  sum_grouped<i16, i64>(gids, vals, validity, n, sums, seen);
}
export function agg_sum_i32(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  sum_grouped<i32, i64>(gids, vals, validity, n, sums, seen);
}
export function agg_sum_i64(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  sum_grouped<i64, i64>(gids, vals, validity, n, sums, seen);
}
/** sums[g] += vals[i] as double. */
export function agg_sum_f32(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  sum_grouped<f32, f64>(gids, vals, validity, n, sums, seen);
}
export function agg_sum_f64(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  sum_grouped<f64, f64>(gids, vals, validity, n, sums, seen);
}

/** Ungrouped int32 sum (SIMD): sums[0] += the non-null values, seen[0] = 1 if there was one. */
export function agg_sum_all_i32(vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  let acc0 = i64x2.splat(0);
  let acc1 = i64x2.splat(0);
  let any = 0;
  let tail: i64 = 0;
  let i = 0;
  if (validity == 0) {
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(vals + (<usize>i << 2));
      acc0 = i64x2.add(acc0, i64x2.extend_low_i32x4_s(v));
      acc1 = i64x2.add(acc1, i64x2.extend_high_i32x4_s(v));
    }
    for (; i < n; i++) tail += <i64>load<i32>(vals + (<usize>i << 2));
    any = n > 0 ? 1 : 0;
  } else {
    const zero = i32x4.splat(0);
    let anyv = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const m = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(validity + <usize>i)));
      const mask = i32x4.ne(m, zero);
      anyv = v128.or(anyv, mask);
      const v = v128.and(v128.load(vals + (<usize>i << 2)), mask);
      acc0 = i64x2.add(acc0, i64x2.extend_low_i32x4_s(v));
      acc1 = i64x2.add(acc1, i64x2.extend_high_i32x4_s(v));
    }
    if (v128.any_true(anyv)) any = 1;
    for (; i < n; i++) {
      if (load<u8>(validity + <usize>i) == 0) continue;
      tail += <i64>load<i32>(vals + (<usize>i << 2));
      any = 1;
    }
  }
  const acc = i64x2.add(acc0, acc1);
  store<i64>(sums, load<i64>(sums) + i64x2.extract_lane(acc, 0) + i64x2.extract_lane(acc, 1) + tail);
  if (any) store<u8>(seen, 1);
}

// @ts-ignore: decorator
@inline function mask64(validity: usize, i: i32): v128 {
  // Two validity bytes -> an i64x2 lane mask (all ones where valid).
  const m = i64x2.extend_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(validity + <usize>i))));
  return i64x2.ne(m, i64x2.splat(0));
}

/** Ungrouped int64 sum (SIMD, wrapping). */
export function agg_sum_all_i64(vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  let acc = i64x2.splat(0);
  let anyv = i64x2.splat(0);
  let tail: i64 = 0;
  let any = 0;
  let i = 0;
  if (validity == 0) {
    for (; i + 2 <= n; i += 2) acc = i64x2.add(acc, v128.load(vals + (<usize>i << 3)));
    any = n > 0 ? 1 : 0;
  } else {
    for (; i + 2 <= n; i += 2) {
      const mask = mask64(validity, i);
      anyv = v128.or(anyv, mask);
      acc = i64x2.add(acc, v128.and(v128.load(vals + (<usize>i << 3)), mask));
    }
    if (v128.any_true(anyv)) any = 1;
  }
  for (; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    tail += load<i64>(vals + (<usize>i << 3));
    any = 1;
  }
  store<i64>(sums, load<i64>(sums) + i64x2.extract_lane(acc, 0) + i64x2.extract_lane(acc, 1) + tail);
  if (any) store<u8>(seen, 1);
}

// Lane masks from validity / row-mask bytes, which are 0 or 1 (the layout's contract): i8x16.neg
// turns them into 0x00 / 0xFF, and sign extensions widen those to 16-, 32- and 64-bit lanes (on V8
// a chain of extends is cheaper than one i8x16.shuffle per vector).

// @ts-ignore: decorator
@inline function byte_masks8(validity: usize, i: i32): v128 {
  // Eight bytes -> 0xFF where 1 (low 8 bytes of the result).
  return i8x16.neg(v128.load64_zero(validity + <usize>i));
}

// @ts-ignore: decorator
@inline function byte_masks4(validity: usize, i: i32): v128 {
  return i8x16.neg(v128.load32_zero(validity + <usize>i));
}

/**
 * Ungrouped double sum (SIMD). Without validity: two lanes of one accumulator. With a validity or
 * row mask (rows whose byte is 0 are skipped): 16 rows per step, the bytes widened to 64-bit lane
 * masks, four f64x2 accumulators for instruction-level parallelism. The summation order differs
 * from the unmasked loop's but is fixed, so results are deterministic.
 */
export function agg_sum_all_f64(vals: usize, validity: usize, n: i32, sums: usize, seen: usize): void {
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  let any = 0;
  let i = 0;
  if (validity == 0) {
    for (; i + 2 <= n; i += 2) acc = f64x2.add(acc, v128.load(vals + (<usize>i << 3)));
    any = n > 0 ? 1 : 0;
  } else {
    let acc1 = f64x2.splat(0);
    let acc2 = f64x2.splat(0);
    let acc3 = f64x2.splat(0);
    let anyv = i8x16.splat(0);
    for (; i + 16 <= n; i += 16) {
      const mb = i8x16.neg(v128.load(validity + <usize>i));
      anyv = v128.or(anyv, mb);
      const w0 = i16x8.extend_low_i8x16_s(mb);
      const w1 = i16x8.extend_high_i8x16_s(mb);
      const a = i32x4.extend_low_i16x8_s(w0);
      const b = i32x4.extend_high_i16x8_s(w0);
      const c = i32x4.extend_low_i16x8_s(w1);
      const d = i32x4.extend_high_i16x8_s(w1);
      const p = vals + (<usize>i << 3);
      acc = f64x2.add(acc, v128.and(v128.load(p), i64x2.extend_low_i32x4_s(a)));
      acc1 = f64x2.add(acc1, v128.and(v128.load(p, 16), i64x2.extend_high_i32x4_s(a)));
      acc2 = f64x2.add(acc2, v128.and(v128.load(p, 32), i64x2.extend_low_i32x4_s(b)));
      acc3 = f64x2.add(acc3, v128.and(v128.load(p, 48), i64x2.extend_high_i32x4_s(b)));
      acc = f64x2.add(acc, v128.and(v128.load(p, 64), i64x2.extend_low_i32x4_s(c)));
      acc1 = f64x2.add(acc1, v128.and(v128.load(p, 80), i64x2.extend_high_i32x4_s(c)));
      acc2 = f64x2.add(acc2, v128.and(v128.load(p, 96), i64x2.extend_low_i32x4_s(d)));
      acc3 = f64x2.add(acc3, v128.and(v128.load(p, 112), i64x2.extend_high_i32x4_s(d)));
    }
    acc = f64x2.add(f64x2.add(acc, acc1), f64x2.add(acc2, acc3));
    if (v128.any_true(anyv)) any = 1;
  }
  for (; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    tail += load<f64>(vals + (<usize>i << 3));
    any = 1;
  }
  store<f64>(sums, load<f64>(sums) + (f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail));
  if (any) store<u8>(seen, 1);
}

// ---------------------------------------------------------------------------------------------
// row masks (filtered aggregation)
// ---------------------------------------------------------------------------------------------

/**
 * Prepares the row mask of a boolean predicate column (values 0/1, validity 0 = no nulls; null
 * counts as false) and returns how many rows pass. With validity, writes values AND validity as
 * 0/1 bytes to `dst`; without, `dst` is untouched (the values are the mask). SIMD.
 * Row masks, like validity and booleans, hold only the bytes 0 and 1 (the accumulators rely on it).
 */
export function agg_mask_prepare(values: usize, validity: usize, n: i32, dst: usize): i32 {
  const zero = i8x16.splat(0);
  const one = i8x16.splat(1);
  let zeros = 0;
  let i = 0;
  if (validity == 0) {
    // The values are 0/1: add them up in byte lanes, widened every 255 vectors (before a lane can wrap).
    let ones = 0;
    while (i + 16 <= n) {
      let acc = i8x16.splat(0);
      const stop = min(n - 15, i + 255 * 16);
      for (; i < stop; i += 16) acc = i8x16.add(acc, v128.load(values + <usize>i));
      const s32 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc));
      ones += i32x4.extract_lane(s32, 0) + i32x4.extract_lane(s32, 1) + i32x4.extract_lane(s32, 2) + i32x4.extract_lane(s32, 3);
    }
    for (; i < n; i++) if (load<u8>(values + <usize>i) != 0) ones++;
    return ones;
  }
  for (; i + 16 <= n; i += 16) {
    const m = v128.and(i8x16.ne(v128.load(values + <usize>i), zero), i8x16.ne(v128.load(validity + <usize>i), zero));
    v128.store(dst + <usize>i, v128.and(m, one));
    zeros += 16 - <i32>popcnt<i32>(i8x16.bitmask(m));
  }
  for (; i < n; i++) {
    const b: u8 = load<u8>(values + <usize>i) != 0 && load<u8>(validity + <usize>i) != 0 ? 1 : 0;
    store<u8>(dst + <usize>i, b);
    zeros += 1 - <i32>b;
  }
  return n - zeros;
}

/** dst[i] = (a[i] != 0 && b[i] != 0) as 0/1 (SIMD): a column's validity restricted to a row mask. */
export function agg_mask_and(a: usize, b: usize, n: i32, dst: usize): void {
  const zero = i8x16.splat(0);
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const m = v128.and(i8x16.ne(v128.load(a + <usize>i), zero), i8x16.ne(v128.load(b + <usize>i), zero));
    v128.store(dst + <usize>i, v128.and(m, one));
  }
  for (; i < n; i++) store<u8>(dst + <usize>i, load<u8>(a + <usize>i) != 0 && load<u8>(b + <usize>i) != 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// count
// ---------------------------------------------------------------------------------------------

/** counts[g] += 1 for every row (validity 0: count(*)) or every non-null row. */
export function agg_count(gids: usize, validity: usize, n: i32, counts: usize): void {
  if (validity == 0) {
    for (let i = 0; i < n; i++) {
      const a = counts + (<usize>load<i32>(gids + (<usize>i << 2)) << 3);
      store<i64>(a, load<i64>(a) + 1);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = counts + (<usize>load<i32>(gids + (<usize>i << 2)) << 3);
      store<i64>(a, load<i64>(a) + <i64>load<u8>(validity + <usize>i));
    }
  }
}

/** Ungrouped count: counts[0] += number of non-null rows (SIMD over the validity bytes). */
export function agg_count_all(validity: usize, n: i32, counts: usize): void {
  let valid = n;
  if (validity != 0) {
    let zeros = 0;
    let i = 0;
    const zero = i8x16.splat(0);
    for (; i + 16 <= n; i += 16) zeros += <i32>popcnt<i32>(i8x16.bitmask(i8x16.eq(v128.load(validity + <usize>i), zero)));
    for (; i < n; i++) if (load<u8>(validity + <usize>i) == 0) zeros++;
    valid = n - zeros;
  }
  store<i64>(counts, load<i64>(counts) + <i64>valid);
}

// ---------------------------------------------------------------------------------------------
// min / max (Spark's ordering: NaN is the largest double and equals itself; ties keep the first)
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function better<T>(x: T, cur: T, isMax: bool): bool {
  if (isFloat<T>()) {
    if (isMax) return cur != cur ? false : x != x ? true : x > cur;
    return x != x ? false : cur != cur ? true : x < cur;
  }
  return isMax ? x > cur : x < cur;
}

// @ts-ignore: decorator
@inline function minmax<T>(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize, isMax: bool): void {
  for (let i = 0; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    const x = load<T>(vals + (<usize>i << alignof<T>()));
    const a = state + (g << alignof<T>());
    if (load<u8>(seen + g) == 0 || better<T>(x, load<T>(a), isMax)) {
      store<T>(a, x);
      store<u8>(seen + g, 1);
    }
  }
}

/** state[g] = min/max(state[g], vals[i]) over non-null rows; seen[g] = 1. Booleans use the u8 variant. */
export function agg_min_u8(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<u8>(gids, vals, validity, n, state, seen, false); }
export function agg_max_u8(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<u8>(gids, vals, validity, n, state, seen, true); }
export function agg_min_i8(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i8>(gids, vals, validity, n, state, seen, false); }
export function agg_max_i8(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i8>(gids, vals, validity, n, state, seen, true); }
export function agg_min_i16(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i16>(gids, vals, validity, n, state, seen, false); }
export function agg_max_i16(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i16>(gids, vals, validity, n, state, seen, true); }
export function agg_min_i32(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i32>(gids, vals, validity, n, state, seen, false); }
export function agg_max_i32(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i32>(gids, vals, validity, n, state, seen, true); }
export function agg_min_i64(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i64>(gids, vals, validity, n, state, seen, false); }
export function agg_max_i64(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<i64>(gids, vals, validity, n, state, seen, true); }
export function agg_min_f32(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<f32>(gids, vals, validity, n, state, seen, false); }
export function agg_max_f32(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<f32>(gids, vals, validity, n, state, seen, true); }
export function agg_min_f64(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<f64>(gids, vals, validity, n, state, seen, false); }
export function agg_max_f64(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax<f64>(gids, vals, validity, n, state, seen, true); }

// Ungrouped min / max (SIMD) of int32, int64 and double: rows whose validity (or row-mask) byte is 0
// take a neutral value (the type's extreme; NaN for a double min, -inf for a double max), lanes are
// reduced with Spark's ordering, then folded into state[0] like the grouped kernels (seen[0] = 1).
// Ties between equal doubles (0.0 and -0.0) may resolve to either, deterministically.

// @ts-ignore: decorator
@inline function fold_state<T>(r: T, any: bool, state: usize, seen: usize, isMax: bool): void {
  if (!any) return;
  if (load<u8>(seen) == 0 || better<T>(r, load<T>(state), isMax)) {
    store<T>(state, r);
    store<u8>(seen, 1);
  }
}

// @ts-ignore: decorator
@inline function minmax_all_i32(vals: usize, validity: usize, n: i32, state: usize, seen: usize, isMax: bool): void {
  const neutral = isMax ? i32.MIN_VALUE : i32.MAX_VALUE;
  const nv = i32x4.splat(neutral);
  let acc0 = nv;
  let acc1 = nv;
  let anyv = i8x16.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = vals + (<usize>i << 2);
    let v0 = v128.load(p);
    let v1 = v128.load(p, 16);
    if (validity != 0) {
      const mb = byte_masks8(validity, i);
      anyv = v128.or(anyv, mb);
      const w = i16x8.extend_low_i8x16_s(mb);
      v0 = v128.bitselect(v0, nv, i32x4.extend_low_i16x8_s(w));
      v1 = v128.bitselect(v1, nv, i32x4.extend_high_i16x8_s(w));
    }
    acc0 = isMax ? i32x4.max_s(acc0, v0) : i32x4.min_s(acc0, v0);
    acc1 = isMax ? i32x4.max_s(acc1, v1) : i32x4.min_s(acc1, v1);
  }
  const acc = isMax ? i32x4.max_s(acc0, acc1) : i32x4.min_s(acc0, acc1);
  let r = neutral;
  const x0 = i32x4.extract_lane(acc, 0);
  const x1 = i32x4.extract_lane(acc, 1);
  const x2 = i32x4.extract_lane(acc, 2);
  const x3 = i32x4.extract_lane(acc, 3);
  if (better<i32>(x0, r, isMax)) r = x0;
  if (better<i32>(x1, r, isMax)) r = x1;
  if (better<i32>(x2, r, isMax)) r = x2;
  if (better<i32>(x3, r, isMax)) r = x3;
  let any = validity == 0 ? i >= 8 : v128.any_true(anyv);
  for (; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const x = load<i32>(vals + (<usize>i << 2));
    if (better<i32>(x, r, isMax)) r = x;
    any = true;
  }
  fold_state<i32>(r, any, state, seen, isMax);
}

// @ts-ignore: decorator
@inline function minmax_all_i64(vals: usize, validity: usize, n: i32, state: usize, seen: usize, isMax: bool): void {
  const neutral = isMax ? i64.MIN_VALUE : i64.MAX_VALUE;
  const nv = i64x2.splat(neutral);
  let acc0 = nv;
  let acc1 = nv;
  let anyv = i8x16.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = vals + (<usize>i << 3);
    let v0 = v128.load(p);
    let v1 = v128.load(p, 16);
    if (validity != 0) {
      const mb = byte_masks4(validity, i);
      anyv = v128.or(anyv, mb);
      const w = i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(mb));
      v0 = v128.bitselect(v0, nv, i64x2.extend_low_i32x4_s(w));
      v1 = v128.bitselect(v1, nv, i64x2.extend_high_i32x4_s(w));
    }
    acc0 = v128.bitselect(v0, acc0, isMax ? i64x2.gt_s(v0, acc0) : i64x2.lt_s(v0, acc0));
    acc1 = v128.bitselect(v1, acc1, isMax ? i64x2.gt_s(v1, acc1) : i64x2.lt_s(v1, acc1));
  }
  let r = neutral;
  const x0 = i64x2.extract_lane(acc0, 0);
  const x1 = i64x2.extract_lane(acc0, 1);
  const x2 = i64x2.extract_lane(acc1, 0);
  const x3 = i64x2.extract_lane(acc1, 1);
  if (better<i64>(x0, r, isMax)) r = x0;
  if (better<i64>(x1, r, isMax)) r = x1;
  if (better<i64>(x2, r, isMax)) r = x2;
  if (better<i64>(x3, r, isMax)) r = x3;
  let any = validity == 0 ? i >= 4 : v128.any_true(anyv);
  for (; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const x = load<i64>(vals + (<usize>i << 3));
    if (better<i64>(x, r, isMax)) r = x;
    any = true;
  }
  fold_state<i64>(r, any, state, seen, isMax);
}

// @ts-ignore: decorator
@inline function take_f64(x: v128, acc: v128, isMax: bool): v128 {
  // Lanes where x is better than acc in Spark's order (NaN largest):
  // min: x is not NaN and !(x >= acc); max: acc is not NaN and !(x <= acc).
  if (isMax) return v128.andnot(f64x2.eq(acc, acc), f64x2.le(x, acc));
  return v128.andnot(f64x2.eq(x, x), f64x2.ge(x, acc));
}

// @ts-ignore: decorator
@inline function minmax_all_f64(vals: usize, validity: usize, n: i32, state: usize, seen: usize, isMax: bool): void {
  const neutral: f64 = isMax ? -Infinity : NaN;
  const nv = f64x2.splat(neutral);
  let acc0 = nv;
  let acc1 = nv;
  let anyv = i8x16.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = vals + (<usize>i << 3);
    let v0 = v128.load(p);
    let v1 = v128.load(p, 16);
    if (validity != 0) {
      const mb = byte_masks4(validity, i);
      anyv = v128.or(anyv, mb);
      const w = i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(mb));
      v0 = v128.bitselect(v0, nv, i64x2.extend_low_i32x4_s(w));
      v1 = v128.bitselect(v1, nv, i64x2.extend_high_i32x4_s(w));
    }
    acc0 = v128.bitselect(v0, acc0, take_f64(v0, acc0, isMax));
    acc1 = v128.bitselect(v1, acc1, take_f64(v1, acc1, isMax));
  }
  let r = neutral;
  const x0 = f64x2.extract_lane(acc0, 0);
  const x1 = f64x2.extract_lane(acc0, 1);
  const x2 = f64x2.extract_lane(acc1, 0);
  const x3 = f64x2.extract_lane(acc1, 1);
  if (better<f64>(x0, r, isMax)) r = x0;
  if (better<f64>(x1, r, isMax)) r = x1;
  if (better<f64>(x2, r, isMax)) r = x2;
  if (better<f64>(x3, r, isMax)) r = x3;
  let any = validity == 0 ? i >= 4 : v128.any_true(anyv);
  for (; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const x = load<f64>(vals + (<usize>i << 3));
    if (better<f64>(x, r, isMax)) r = x;
    any = true;
  }
  fold_state<f64>(r, any, state, seen, isMax);
}

/** Ungrouped min/max into state[0] / seen[0] over rows whose validity (or row-mask) byte is non-zero (validity 0: all). */
export function agg_min_all_i32(vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax_all_i32(vals, validity, n, state, seen, false); }
export function agg_max_all_i32(vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax_all_i32(vals, validity, n, state, seen, true); }
export function agg_min_all_i64(vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax_all_i64(vals, validity, n, state, seen, false); }
export function agg_max_all_i64(vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax_all_i64(vals, validity, n, state, seen, true); }
export function agg_min_all_f64(vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax_all_f64(vals, validity, n, state, seen, false); }
export function agg_max_all_f64(vals: usize, validity: usize, n: i32, state: usize, seen: usize): void { minmax_all_f64(vals, validity, n, state, seen, true); }

// ---------------------------------------------------------------------------------------------
// first (Spark's first(col, ignoreNulls)); set flags: 0 unset, 1 a value, 2 a null
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function first<T>(gids: usize, vals: usize, validity: usize, n: i32, state: usize, set: usize, ignoreNulls: i32, mask: usize): void {
  for (let i = 0; i < n; i++) {
    if (mask != 0 && load<u8>(mask + <usize>i) == 0) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    if (load<u8>(set + g) != 0) continue;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      if (ignoreNulls == 0) store<u8>(set + g, 2);
      continue;
    }
    store<T>(state + (g << alignof<T>()), load<T>(vals + (<usize>i << alignof<T>())));
    store<u8>(set + g, 1);
  }
}

/** The first row's value per group (any type of that width); with ignoreNulls the first non-null. Rows whose `mask` byte is 0 are skipped (mask 0: none). */
export function agg_first_w1(gids: usize, vals: usize, validity: usize, n: i32, state: usize, set: usize, ignoreNulls: i32, mask: usize): void { first<u8>(gids, vals, validity, n, state, set, ignoreNulls, mask); }
export function agg_first_w2(gids: usize, vals: usize, validity: usize, n: i32, state: usize, set: usize, ignoreNulls: i32, mask: usize): void { first<u16>(gids, vals, validity, n, state, set, ignoreNulls, mask); }
export function agg_first_w4(gids: usize, vals: usize, validity: usize, n: i32, state: usize, set: usize, ignoreNulls: i32, mask: usize): void { first<u32>(gids, vals, validity, n, state, set, ignoreNulls, mask); }
export function agg_first_w8(gids: usize, vals: usize, validity: usize, n: i32, state: usize, set: usize, ignoreNulls: i32, mask: usize): void { first<u64>(gids, vals, validity, n, state, set, ignoreNulls, mask); }

// ---------------------------------------------------------------------------------------------
// avg of non-decimal numbers: double sum + count (Spark casts the input to double)
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function avg<T>(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void {
  for (let i = 0; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    store<f64>(sums + (g << 3), load<f64>(sums + (g << 3)) + <f64>load<T>(vals + (<usize>i << alignof<T>())));
    store<i64>(counts + (g << 3), load<i64>(counts + (g << 3)) + 1);
  }
}

/** sums[g] += double(vals[i]), counts[g] += 1 over non-null rows. */
export function agg_avg_i8(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void { avg<i8>(gids, vals, validity, n, sums, counts); }
export function agg_avg_i16(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void { avg<i16>(gids, vals, validity, n, sums, counts); }
export function agg_avg_i32(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void { avg<i32>(gids, vals, validity, n, sums, counts); }
export function agg_avg_i64(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void { avg<i64>(gids, vals, validity, n, sums, counts); }
export function agg_avg_f32(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void { avg<f32>(gids, vals, validity, n, sums, counts); }
export function agg_avg_f64(gids: usize, vals: usize, validity: usize, n: i32, sums: usize, counts: usize): void { avg<f64>(gids, vals, validity, n, sums, counts); }

// ---------------------------------------------------------------------------------------------
// count(distinct): a second table on (group id, value) assigns pair ids in order of first sight
// ---------------------------------------------------------------------------------------------

/** counts[gids[i]] += 1 for every row whose pair id is new (ids >= `before` appear in order); -1 rows are skipped. */
export function agg_count_distinct(gids: usize, pairIds: usize, n: i32, before: i32, counts: usize): void {
  let next = before;
  for (let i = 0; i < n; i++) {
    const p = load<i32>(pairIds + (<usize>i << 2));
    if (p != next) continue;
    next++;
    const a = counts + (<usize>load<i32>(gids + (<usize>i << 2)) << 3);
    store<i64>(a, load<i64>(a) + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// strings: min / max / first keep each group's current bytes in an arena, refs[g] = {off, len, cap}
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function str_compare(a: usize, alen: i32, b: usize, blen: i32): i32 {
  const n = alen < blen ? alen : blen;
  for (let i = 0; i < n; i++) {
    const x = <i32>load<u8>(a + <usize>i);
    const y = <i32>load<u8>(b + <usize>i);
    if (x != y) return x - y;
  }
  return alen - blen;
}

// @ts-ignore: decorator
@inline function str_put(ref: usize, arena: usize, arenaCap: i32, usedPtr: usize, p: usize, len: i32): bool {
  // Stores the string into the group's slot (in place when it fits); false when the arena is full.
  if (len <= load<i32>(ref, 8)) {
    memory.copy(arena + <usize>load<i32>(ref), p, <usize>len);
    store<i32>(ref, len, 4);
    return true;
  }
  const used = load<i32>(usedPtr);
  if (used + len > arenaCap) return false;
  memory.copy(arena + <usize>used, p, <usize>len);
  store<i32>(ref, used);
  store<i32>(ref, len, 4);
  store<i32>(ref, len, 8);
  store<i32>(usedPtr, used + len);
  return true;
}

/**
 * String min (mode 0), max (mode 1) or first (mode 2, 3 = first ignoring nulls) from row `start`.
 * `flags` are the seen / set flags, `usedPtr` an i32 holding the arena bytes in use; rows whose
 * `mask` byte is 0 are skipped (mask 0: none). Returns n, or
 * the first row not processed because the arena is full.
 */
export function agg_str(
  gids: usize, offs: usize, bytes: usize, validity: usize, n: i32, start: i32,
  refs: usize, flags: usize, arena: usize, arenaCap: i32, usedPtr: usize, mode: i32, mask: usize,
): i32 {
  for (let i = start; i < n; i++) {
    if (mask != 0 && load<u8>(mask + <usize>i) == 0) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    const flag = load<u8>(flags + g);
    if (mode >= 2 && flag != 0) continue;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      if (mode == 2) store<u8>(flags + g, 2);
      continue;
    }
    const s = load<i32>(offs + (<usize>i << 2));
    const len = load<i32>(offs + (<usize>i << 2), 4) - s;
    const p = bytes + <usize>s;
    const ref = refs + g * 12;
    if (flag != 0 && mode < 2) {
      const c = str_compare(p, len, arena + <usize>load<i32>(ref), load<i32>(ref, 4));
      if (mode == 0 ? c >= 0 : c <= 0) continue;
    }
    if (!str_put(ref, arena, arenaCap, usedPtr, p, len)) return i;
    store<u8>(flags + g, 1);
  }
  return n;
}

/** Copies the live bytes of `groups` string states into a new arena (cap = len); returns the bytes used. */
export function agg_str_compact(refs: usize, groups: i32, oldArena: usize, newArena: usize): i32 {
  let used = 0;
  for (let g = 0; g < groups; g++) {
    const ref = refs + <usize>g * 12;
    const len = load<i32>(ref, 4);
    memory.copy(newArena + <usize>used, oldArena + <usize>load<i32>(ref), <usize>len);
    store<i32>(ref, used);
    store<i32>(ref, len, 8);
    used += len;
  }
  return used;
}

// ---------------------------------------------------------------------------------------------
// finishing: state -> result columns for groups [start, start + count)
// ---------------------------------------------------------------------------------------------

/** dst[j] = flags[start+j] == 1 (SIMD); returns the number of zeros written (the null count). */
export function fin_validity(flags: usize, start: i32, count: i32, dst: usize): i32 {
  const src = flags + <usize>start;
  const one = i8x16.splat(1);
  let nulls = 0;
  let j = 0;
  for (; j + 16 <= count; j += 16) {
    const eq = i8x16.eq(v128.load(src + <usize>j), one);
    v128.store(dst + <usize>j, v128.and(eq, one));
    nulls += 16 - <i32>popcnt<i32>(i8x16.bitmask(eq));
  }
  for (; j < count; j++) {
    const v: u8 = load<u8>(src + <usize>j) == 1 ? 1 : 0;
    store<u8>(dst + <usize>j, v);
    nulls += 1 - <i32>v;
  }
  return nulls;
}

/** Group keys of the fixed layout (normalised u64 per group) narrowed to `width` bytes; float32 is demoted from double. */
export function fin_keys(keys: usize, start: i32, count: i32, width: i32, isFloat32: i32, dst: usize): void {
  const src = keys + (<usize>start << 3);
  for (let j = 0; j < count; j++) {
    const k = load<u64>(src + (<usize>j << 3));
    if (width == 8) store<u64>(dst + (<usize>j << 3), k);
    else if (isFloat32 != 0) store<f32>(dst + (<usize>j << 2), <f32>reinterpret<f64>(k));
    else if (width == 4) store<u32>(dst + (<usize>j << 2), <u32>k);
    else if (width == 2) store<u16>(dst + (<usize>j << 1), <u16>k);
    else store<u8>(dst + <usize>j, <u8>k);
  }
}

/** avg = sums / counts as double; count 0 -> null. Returns the null count. */
export function fin_avg_f64(sums: usize, counts: usize, start: i32, count: i32, dst: usize, dstValid: usize): i32 {
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = <usize>(start + j);
    const c = load<i64>(counts + (g << 3));
    const ok: u8 = c != 0 ? 1 : 0;
    store<f64>(dst + (<usize>j << 3), ok ? load<f64>(sums + (g << 3)) / <f64>c : 0);
    store<u8>(dstValid + <usize>j, ok);
    nulls += 1 - <i32>ok;
  }
  return nulls;
}

/** Total bytes of the string states of groups [start, start+count) whose flag is 1. */
export function fin_str_len(refs: usize, flags: usize, start: i32, count: i32): i32 {
  let total = 0;
  for (let j = 0; j < count; j++) {
    const g = <usize>(start + j);
    if (load<u8>(flags + g) == 1) total += load<i32>(refs + g * 12, 4);
  }
  return total;
}

/** Writes the string states of groups [start, start+count) as a utf8 column; returns the null count. */
export function fin_str(refs: usize, arena: usize, flags: usize, start: i32, count: i32, dstOffs: usize, dstBytes: usize, dstValid: usize): i32 {
  let pos = 0;
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = <usize>(start + j);
    store<i32>(dstOffs + (<usize>j << 2), pos);
    const ok: u8 = load<u8>(flags + g) == 1 ? 1 : 0;
    store<u8>(dstValid + <usize>j, ok);
    nulls += 1 - <i32>ok;
    if (ok) {
      const ref = refs + g * 12;
      const len = load<i32>(ref, 4);
      memory.copy(dstBytes + <usize>pos, arena + <usize>load<i32>(ref), <usize>len);
      pos += len;
    }
  }
  store<i32>(dstOffs + (<usize>count << 2), pos);
  return nulls;
}

// ---------------------------------------------------------------------------------------------
// fused direct-mapped group-by + sum: the hot case (one int32/date key without nulls in direct
// mode, a sum over a column without nulls) in one pass, saving the group-id round trip through
// memory. Same state layout and stop protocol as dm_insert (lib/hashtable.ts); the sum is the
// sum accumulator's array (no seen flags: the caller tracks them per batch).
// ---------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function dm_sum<V, S>(
  state: usize, dmap: usize, keys: usize, kvals: usize, n: i32, start: i32, gids: usize, limit: i32, vals: usize, sums: usize,
): i32 {
  let groups = load<i32>(state + ST_GROUPS);
  const base = <i32>load<i64>(state + ST_DM_BASE); // the window lies inside the int32 range
  const size = <u32>load<i32>(state + ST_DM_SIZE);
  let i = start;
  while (i < n) {
    for (; i + 4 <= n; i += 4) {
      const p = kvals + (<usize>i << 2);
      const d0 = <u32>(load<i32>(p) - base);
      const d1 = <u32>(load<i32>(p, 4) - base);
      const d2 = <u32>(load<i32>(p, 8) - base);
      const d3 = <u32>(load<i32>(p, 12) - base);
      if ((d0 >= size) | (d1 >= size) | (d2 >= size) | (d3 >= size)) break;
      const g0 = load<i32>(dmap + (<usize>d0 << 2));
      const g1 = load<i32>(dmap + (<usize>d1 << 2));
      const g2 = load<i32>(dmap + (<usize>d2 << 2));
      const g3 = load<i32>(dmap + (<usize>d3 << 2));
      if ((g0 | g1 | g2 | g3) < 0) break;
      const q = gids + (<usize>i << 2);
      store<i32>(q, g0);
      store<i32>(q, g1, 4);
      store<i32>(q, g2, 8);
      store<i32>(q, g3, 12);
      const v = vals + (<usize>i << alignof<V>());
      const a0 = sums + (<usize>g0 << alignof<S>());
      store<S>(a0, load<S>(a0) + <S>load<V>(v));
      const a1 = sums + (<usize>g1 << alignof<S>());
      store<S>(a1, load<S>(a1) + <S>load<V>(v, sizeof<V>()));
      const a2 = sums + (<usize>g2 << alignof<S>());
      store<S>(a2, load<S>(a2) + <S>load<V>(v, 2 * sizeof<V>()));
      const a3 = sums + (<usize>g3 << alignof<S>());
      store<S>(a3, load<S>(a3) + <S>load<V>(v, 3 * sizeof<V>()));
    }
    const stop = i + 4 < n ? i + 4 : n;
    for (; i < stop; i++) {
      const k = load<i32>(kvals + (<usize>i << 2));
      const d = <u32>(k - base);
      if (d >= size) {
        store<i32>(state + ST_GROUPS, groups);
        return i;
      }
      const a = dmap + (<usize>d << 2);
      let g = load<i32>(a);
      if (g < 0) {
        if (groups >= limit) {
          store<i32>(state + ST_GROUPS, groups);
          return i;
        }
        g = groups++;
        store<i32>(a, g);
        store<u64>(keys + (<usize>g << 3), <u64><i64>k);
      }
      store<i32>(gids + (<usize>i << 2), g);
      const s = sums + (<usize>g << alignof<S>());
      store<S>(s, load<S>(s) + <S>load<V>(vals + (<usize>i << alignof<V>())));
    }
  }
  store<i32>(state + ST_GROUPS, groups);
  return n;
}

/**
 * dm_insert_i32 fused with sum(vals) into `sums` (double for f64 values, int64 for integers) for
 * rows [start, n) without nulls; returns n or the first row not processed (window or group limit).
 */
export function dm_sum_i32_f64(state: usize, dmap: usize, keys: usize, kvals: usize, n: i32, start: i32, gids: usize, limit: i32, vals: usize, sums: usize): i32 {
  return dm_sum<f64, f64>(state, dmap, keys, kvals, n, start, gids, limit, vals, sums);
}
export function dm_sum_i32_i32(state: usize, dmap: usize, keys: usize, kvals: usize, n: i32, start: i32, gids: usize, limit: i32, vals: usize, sums: usize): i32 {
  return dm_sum<i32, i64>(state, dmap, keys, kvals, n, start, gids, limit, vals, sums);
}
export function dm_sum_i32_i64(state: usize, dmap: usize, keys: usize, kvals: usize, n: i32, start: i32, gids: usize, limit: i32, vals: usize, sums: usize): i32 {
  return dm_sum<i64, i64>(state, dmap, keys, kvals, n, start, gids, limit, vals, sums);
}
