// Window-function kernels (Spark's WindowExec, computed over rows already sorted by
// (partition keys, order keys)): boundary detection between adjacent rows, partition and peer-group
// extents, ranking functions, lag/lead index shifts, per-row frame bounds, and frame aggregates.
//
// Every frame is given as per-row half-open bounds [lo[i], hi[i]) clipped to the row's partition.
// For every frame Kindling supports (ROWS with offsets or UNBOUNDED, RANGE with UNBOUNDED/CURRENT
// ROW or value offsets: the keys are sorted, so value bounds only move forward, and a partition's
// null keys sit at one end as their own frame) both lo and hi are non-decreasing over the whole
// sorted input (partitions are contiguous and in order), which the aggregate kernels rely on:
// - counts and integer sums: prefix sums, out = P[hi] - P[lo] (exact in wrapping int64 arithmetic);
// - float sums: an incremental sum that is recomputed when the lower bound moves (Spark's
//   SlidingWindowFunctionFrame does the same; no subtraction, so NaN/Infinity stay exact), or a
//   backward scan when every frame ends at its partition's end (Spark's UnboundedFollowing frame);
// - min/max: a monotonic deque of row indices (the sliding-window minimum, e.g. Knuth's
//   "ascending minima" / Lemire, "Streaming maximum-minimum filter using no more than three
//   comparisons per element", 2006), O(n) for all frames; the result is a row index, so the caller
//   gathers any value type with the take kernels.

// ---- boundaries between adjacent sorted rows ------------------------------------------------------

// @ts-ignore: decorator
@inline function validAt(validity: usize, i: i32): bool {
  return validity == 0 || load<u8>(validity + <usize>i) != 0;
}

// @ts-ignore: decorator
@inline function diffScalar<T>(values: usize, validity: usize, n: i32, flags: usize, from: i32): void {
  const w = <usize>sizeof<T>();
  for (let i = from; i < n; i++) {
    let d: bool;
    const va = validAt(validity, i - 1);
    const vb = validAt(validity, i);
    if (va != vb) d = true;
    else if (!va) d = false;
    else {
      const a = load<T>(values + <usize>(i - 1) * w);
      const b = load<T>(values + <usize>i * w);
      if (isFloat<T>()) d = !(a == b || (a != a && b != b)); // NaN = NaN, -0.0 = 0.0
      else d = a != b;
    }
    if (d) store<u8>(flags + <usize>i, 1);
  }
}

/**
 * flags[i] |= 1 where row i's value differs from row i-1's (nulls equal each other; NaN equals NaN;
 * -0.0 equals 0.0); flags[0] is set to 1 when n > 0. For 1-byte values (int8, boolean).
 */
export function diff_8(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n > 0) store<u8>(flags, 1);
  diffScalar<u8>(values, validity, n, flags, 1);
}

/** See diff_8 (int16). */
export function diff_16(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n > 0) store<u8>(flags, 1);
  diffScalar<u16>(values, validity, n, flags, 1);
}

/** See diff_8 (int32, date32). SIMD when there are no nulls. */
export function diff_32(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n <= 0) return;
  store<u8>(flags, 1);
  let i = 1;
  if (validity == 0) {
    for (; i + 4 <= n; i += 4) {
      const a = v128.load(values + (<usize>(i - 1) << 2));
      const b = v128.load(values + (<usize>i << 2));
      const ne = v128.not(i32x4.eq(a, b));
      if (v128.any_true(ne)) {
        const m = i32x4.bitmask(ne);
        const f = flags + <usize>i;
        if (m & 1) store<u8>(f, 1);
        if (m & 2) store<u8>(f + 1, 1);
        if (m & 4) store<u8>(f + 2, 1);
        if (m & 8) store<u8>(f + 3, 1);
      }
    }
  }
  diffScalar<u32>(values, validity, n, flags, i);
}

/** See diff_8 (int64, decimal, timestamp). SIMD when there are no nulls. */
export function diff_64(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n <= 0) return;
  store<u8>(flags, 1);
  let i = 1;
  if (validity == 0) {
    for (; i + 2 <= n; i += 2) {
      const a = v128.load(values + (<usize>(i - 1) << 3));
      const b = v128.load(values + (<usize>i << 3));
      const ne = v128.not(i64x2.eq(a, b));
      if (v128.any_true(ne)) {
        const m = i64x2.bitmask(ne);
        if (m & 1) store<u8>(flags + <usize>i, 1);
        if (m & 2) store<u8>(flags + <usize>i + 1, 1);
      }
    }
  }
  diffScalar<u64>(values, validity, n, flags, i);
}

/** See diff_8 (float32). */
export function diff_f32(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n > 0) store<u8>(flags, 1);
  diffScalar<f32>(values, validity, n, flags, 1);
}

/** See diff_8 (float64). SIMD when there are no nulls. */
export function diff_f64(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n <= 0) return;
  store<u8>(flags, 1);
  let i = 1;
  if (validity == 0) {
    for (; i + 2 <= n; i += 2) {
      const a = v128.load(values + (<usize>(i - 1) << 3));
      const b = v128.load(values + (<usize>i << 3));
      const same = v128.or(f64x2.eq(a, b), v128.and(f64x2.ne(a, a), f64x2.ne(b, b)));
      const ne = v128.not(same);
      if (v128.any_true(ne)) {
        const m = i64x2.bitmask(ne);
        if (m & 1) store<u8>(flags + <usize>i, 1);
        if (m & 2) store<u8>(flags + <usize>i + 1, 1);
      }
    }
  }
  diffScalar<f64>(values, validity, n, flags, i);
}

/** See diff_8 (utf8: offsets + bytes; strings are equal when their bytes are). */
export function diff_utf8(offsets: usize, bytes: usize, validity: usize, n: i32, flags: usize): void {
  if (n <= 0) return;
  store<u8>(flags, 1);
  for (let i = 1; i < n; i++) {
    const va = validAt(validity, i - 1);
    const vb = validAt(validity, i);
    let d: bool = false;
    if (va != vb) d = true;
    else if (va) {
      const s0 = load<i32>(offsets + (<usize>(i - 1) << 2));
      const s1 = load<i32>(offsets + (<usize>i << 2));
      const e1 = load<i32>(offsets + (<usize>(i + 1) << 2));
      const la = s1 - s0;
      const lb = e1 - s1;
      if (la != lb) d = true;
      else d = memory.compare(bytes + <usize>s0, bytes + <usize>s1, <usize>la) != 0;
    }
    if (d) store<u8>(flags + <usize>i, 1);
  }
}

/** dst[i] |= src[i] for n bytes (combining boundary flags). SIMD. */
export function or_flags(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(dst + <usize>i, v128.or(v128.load(dst + <usize>i), v128.load(src + <usize>i)));
  }
  for (; i < n; i++) store<u8>(dst + <usize>i, load<u8>(dst + <usize>i) | load<u8>(src + <usize>i));
}

// ---- segments --------------------------------------------------------------------------------------

/**
 * From segment-start flags (flags[0] = 1), writes start[i] = first row of i's segment and
 * end[i] = one past its last row (int32).
 */
export function segment_bounds(flags: usize, n: i32, start: usize, end: usize): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(flags + <usize>i) != 0) s = i;
    store<i32>(start + (<usize>i << 2), s);
  }
  let e = n;
  for (let i = n - 1; i >= 0; i--) {
    store<i32>(end + (<usize>i << 2), e);
    if (load<u8>(flags + <usize>i) != 0) e = i;
  }
}

// ---- ranking ---------------------------------------------------------------------------------------

/** row_number: out[i] = i - partStart[i] + 1 (int32). SIMD. */
export function row_number(partStart: usize, n: i32, out: usize): void {
  let idx = i32x4(1, 2, 3, 4);
  const four = i32x4.splat(4);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(out + (<usize>i << 2), i32x4.sub(idx, v128.load(partStart + (<usize>i << 2))));
    idx = i32x4.add(idx, four);
  }
  for (; i < n; i++) store<i32>(out + (<usize>i << 2), i + 1 - load<i32>(partStart + (<usize>i << 2)));
}

/** rank: out[i] = peerStart[i] - partStart[i] + 1 (int32). SIMD. */
export function rank(partStart: usize, peerStart: usize, n: i32, out: usize): void {
  const one = i32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, i32x4.add(i32x4.sub(v128.load(peerStart + o), v128.load(partStart + o)), one));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<i32>(out + o, load<i32>(peerStart + o) - load<i32>(partStart + o) + 1);
  }
}

/** dense_rank: the number of peer groups started so far in the row's partition (int32). */
export function dense_rank(partFlags: usize, peerFlags: usize, n: i32, out: usize): void {
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(partFlags + <usize>i) != 0) r = 0;
    if (load<u8>(peerFlags + <usize>i) != 0) r++;
    store<i32>(out + (<usize>i << 2), r);
  }
}

/**
 * lag/lead as a gather index: out[i] = i - offset when that row lies in i's partition
 * [partStart[i], partEnd[i]), else fallback + i (the caller appends a default column after the
 * value column). lag passes offset > 0, lead offset < 0. Returns the number of fallback rows.
 */
export function shift_index(partStart: usize, partEnd: usize, n: i32, offset: i32, fallback: i32, out: usize): i32 {
  let misses = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const j = i - offset;
    if (j >= load<i32>(partStart + o) && j < load<i32>(partEnd + o)) store<i32>(out + o, j);
    else {
      store<i32>(out + o, fallback + i);
      misses++;
    }
  }
  return misses;
}

// ---- frames ----------------------------------------------------------------------------------------

/** Frame bound modes of frame_bounds. */
// @ts-ignore: decorator
@inline const B_PART_START: i32 = 0;
// @ts-ignore: decorator
@inline const B_PART_END: i32 = 1;
// @ts-ignore: decorator
@inline const B_ROW: i32 = 2;
// @ts-ignore: decorator
@inline const B_PEER_START: i32 = 3;
// @ts-ignore: decorator
@inline const B_PEER_END: i32 = 4;

// @ts-ignore: decorator
@inline function boundAt(mode: i32, off: i32, i: i32, ps: i32, pe: i32, peerStart: usize, peerEnd: usize): i32 {
  if (mode == B_PART_START) return ps;
  if (mode == B_PART_END) return pe;
  if (mode == B_ROW) {
    const v = <i64>i + <i64>off; // offsets may be huge: clamp in 64 bits
    return v < <i64>ps ? ps : v > <i64>pe ? pe : <i32>v;
  }
  if (mode == B_PEER_START) return load<i32>(peerStart + (<usize>i << 2));
  return load<i32>(peerEnd + (<usize>i << 2));
}

/**
 * Per-row frame bounds [lo[i], hi[i]) clipped to the row's partition. Modes: 0 partition start,
 * 1 partition end, 2 row + offset (for the upper bound pass offset + 1: hi is exclusive),
 * 3 peer-group start, 4 peer-group end (peerStart/peerEnd may be 0 when unused). An empty frame has
 * lo == hi.
 */
export function frame_bounds(
  partStart: usize, partEnd: usize, peerStart: usize, peerEnd: usize, n: i32,
  lowMode: i32, lowOff: i32, highMode: i32, highOff: i32, lo: usize, hi: usize,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const ps = load<i32>(partStart + o);
    const pe = load<i32>(partEnd + o);
    const l = boundAt(lowMode, lowOff, i, ps, pe, peerStart, peerEnd);
    let h = boundAt(highMode, highOff, i, ps, pe, peerStart, peerEnd);
    if (h < l) h = l;
    store<i32>(lo + o, l);
    store<i32>(hi + o, h);
  }
}

/** Prefix counts of valid rows: pre[0] = 0, pre[i + 1] = pre[i] + valid(i) (int32, n + 1 entries). */
function prefixValid(validity: usize, n: i32, pre: usize): void {
  let c = 0;
  store<i32>(pre, 0);
  for (let i = 0; i < n; i++) {
    c += validAt(validity, i) ? 1 : 0;
    store<i32>(pre + (<usize>(i + 1) << 2), c);
  }
}

/**
 * count over frames: out[i] (int64) = number of valid rows in [lo[i], hi[i]) (validity 0 = count
 * rows, i.e. count(*)). `pre` is scratch of n + 1 int32. SIMD for the differences.
 */
export function frame_count(validity: usize, lo: usize, hi: usize, n: i32, pre: usize, out: usize): void {
  prefixValid(validity, n, pre);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const l0 = load<i32>(pre + (<usize>load<i32>(lo + o) << 2));
    const l1 = load<i32>(pre + (<usize>load<i32>(lo + o + 4) << 2));
    const h0 = load<i32>(pre + (<usize>load<i32>(hi + o) << 2));
    const h1 = load<i32>(pre + (<usize>load<i32>(hi + o + 4) << 2));
    v128.store(out + (<usize>i << 3), i64x2.sub(i64x2(<i64>h0, <i64>h1), i64x2(<i64>l0, <i64>l1)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<i64>(out + (<usize>i << 3), <i64>(load<i32>(pre + (<usize>load<i32>(hi + o) << 2)) - load<i32>(pre + (<usize>load<i32>(lo + o) << 2))));
  }
}

/**
 * sum of int64 values over frames via prefix sums (exact, wrapping like Spark's non-ANSI long sum).
 * Writes out[i] (int64), cnt[i] (int32: valid rows in the frame; the sum is null when 0).
 * Scratch: pre (n + 1 int64), preCount (n + 1 int32).
 */
export function frame_sum_i64(values: usize, validity: usize, lo: usize, hi: usize, n: i32, pre: usize, preCount: usize, out: usize, cnt: usize): void {
  prefixValid(validity, n, preCount);
  let s: i64 = 0;
  store<i64>(pre, 0);
  for (let i = 0; i < n; i++) {
    if (validAt(validity, i)) s += load<i64>(values + (<usize>i << 3));
    store<i64>(pre + (<usize>(i + 1) << 3), s);
  }
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const l0 = <usize>load<i32>(lo + o);
    const l1 = <usize>load<i32>(lo + o + 4);
    const h0 = <usize>load<i32>(hi + o);
    const h1 = <usize>load<i32>(hi + o + 4);
    const hv = i64x2(load<i64>(pre + (h0 << 3)), load<i64>(pre + (h1 << 3)));
    const lv = i64x2(load<i64>(pre + (l0 << 3)), load<i64>(pre + (l1 << 3)));
    v128.store(out + (<usize>i << 3), i64x2.sub(hv, lv));
    store<i32>(cnt + o, load<i32>(preCount + (h0 << 2)) - load<i32>(preCount + (l0 << 2)));
    store<i32>(cnt + o + 4, load<i32>(preCount + (h1 << 2)) - load<i32>(preCount + (l1 << 2)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const l = <usize>load<i32>(lo + o);
    const h = <usize>load<i32>(hi + o);
    store<i64>(out + (<usize>i << 3), load<i64>(pre + (h << 3)) - load<i64>(pre + (l << 3)));
    store<i32>(cnt + o, load<i32>(preCount + (h << 2)) - load<i32>(preCount + (l << 2)));
  }
}

/**
 * sum of float64 values over frames, without subtraction: forward, the running sum of [curLo, curHi)
 * is extended to hi[i] and recomputed from lo[i] when the lower bound moves (Spark's sliding frame);
 * with `backward` (every frame ends at its partition's end), rows are visited from the last and the
 * sum is extended down to lo[i], restarting when hi changes. Writes out[i] and cnt[i] as frame_sum_i64.
 */
export function frame_sum_f64(values: usize, validity: usize, lo: usize, hi: usize, n: i32, backward: i32, out: usize, cnt: usize): void {
  let s: f64 = 0;
  let c = 0;
  if (backward == 0) {
    let curLo = 0;
    let curHi = 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      if (l != curLo) {
        s = 0;
        c = 0;
        curLo = l;
        curHi = l;
      }
      for (; curHi < h; curHi++) {
        if (validAt(validity, curHi)) {
          s += load<f64>(values + (<usize>curHi << 3));
          c++;
        }
      }
      store<f64>(out + (<usize>i << 3), s);
      store<i32>(cnt + o, c);
    }
  } else {
    let curLo = n;
    let curHi = n;
    for (let i = n - 1; i >= 0; i--) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      if (h != curHi) {
        s = 0;
        c = 0;
        curLo = h;
        curHi = h;
      }
      while (curLo > l) {
        curLo--;
        if (validAt(validity, curLo)) {
          s += load<f64>(values + (<usize>curLo << 3));
          c++;
        }
      }
      store<f64>(out + (<usize>i << 3), s);
      store<i32>(cnt + o, c);
    }
  }
}

/** avg from a sum and a count: out[i] = sum[i] / cnt[i] (float64; int64 sums when `intSum`). */
export function avg_f64(sum: usize, intSum: i32, cnt: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const c = load<i32>(cnt + (<usize>i << 2));
    const s: f64 = intSum != 0 ? <f64>load<i64>(sum + (<usize>i << 3)) : load<f64>(sum + (<usize>i << 3));
    store<f64>(out + (<usize>i << 3), c > 0 ? s / <f64>c : 0);
  }
}

/**
 * avg of decimals: out[i] = sum[i] * 10^scaleUp / cnt[i] rounded half away from zero (Spark's
 * HALF_UP), computed as q * 10^k + round(r * 10^k / cnt) with sum = q * cnt + r so that only the
 * result can overflow.
 */
export function avg_decimal(sum: usize, cnt: usize, n: i32, scaleUp: i32, out: usize): void {
  let p: i64 = 1;
  for (let k = 0; k < scaleUp; k++) p *= 10;
  for (let i = 0; i < n; i++) {
    const c = <i64>load<i32>(cnt + (<usize>i << 2));
    if (c <= 0) {
      store<i64>(out + (<usize>i << 3), 0);
      continue;
    }
    const s = load<i64>(sum + (<usize>i << 3));
    const q = s / c;
    const r = s % c; // same sign as s
    const num = r * p;
    let f = num / c;
    const rem = num % c;
    const twice = (rem < 0 ? -rem : rem) * 2;
    if (twice >= c) f += num < 0 ? -1 : 1;
    store<i64>(out + (<usize>i << 3), q * p + f);
  }
}

/** Frames that are empty (cnt == 0) become null: writes validity bytes, returns the null count. */
export function count_to_validity(cnt: usize, n: i32, validity: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v: u8 = load<i32>(cnt + (<usize>i << 2)) > 0 ? 1 : 0;
    store<u8>(validity + <usize>i, v);
    nulls += 1 - <i32>v;
  }
  return nulls;
}

// ---- min / max -------------------------------------------------------------------------------------

// `a` beats `b` for max (isMax) or min, in Spark's order (NaN greatest). Ties do not beat.
// @ts-ignore: decorator
@inline function beats<T>(a: T, b: T, isMax: bool): bool {
  if (isFloat<T>()) {
    const an = a != a;
    const bn = b != b;
    if (an || bn) return isMax ? an && !bn : bn && !an;
  }
  return isMax ? a > b : a < b;
}

// @ts-ignore: decorator
@inline function argBest<T>(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: bool, dq: usize, nullIndex: i32, out: usize): i32 {
  const w = <usize>sizeof<T>();
  let head = 0; // deque = dq[head .. tail)
  let tail = 0;
  let curHi = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = load<i32>(lo + o);
    const h = load<i32>(hi + o);
    for (; curHi < h; curHi++) {
      if (!validAt(validity, curHi)) continue;
      const v = load<T>(values + <usize>curHi * w);
      // Keep the deque's values strictly better than the newcomer from the front to the back.
      while (tail > head && !beats<T>(load<T>(values + <usize>load<i32>(dq + (<usize>(tail - 1) << 2)) * w), v, isMax)) tail--;
      store<i32>(dq + (<usize>tail << 2), curHi);
      tail++;
    }
    while (tail > head && load<i32>(dq + (<usize>head << 2)) < l) head++;
    if (tail > head) store<i32>(out + o, load<i32>(dq + (<usize>head << 2)));
    else {
      store<i32>(out + o, nullIndex);
      nulls++;
    }
  }
  return nulls;
}

/**
 * min/max over frames as a row index: out[i] = index of the best valid row of [lo[i], hi[i]), or
 * `nullIndex` when the frame has no valid row (returns how many). `dq` is scratch of n int32.
 * For 1-byte values (boolean as unsigned, int8 through arg_best_i8).
 */
export function arg_best_u8(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<u8>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}
/** See arg_best_u8 (int8). */
export function arg_best_i8(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<i8>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}
/** See arg_best_u8 (int16). */
export function arg_best_i16(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<i16>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}
/** See arg_best_u8 (int32, date32). */
export function arg_best_i32(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<i32>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}
/** See arg_best_u8 (int64, decimal, timestamp). */
export function arg_best_i64(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<i64>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}
/** See arg_best_u8 (float32; NaN greatest). */
export function arg_best_f32(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<f32>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}
/** See arg_best_u8 (float64; NaN greatest). */
export function arg_best_f64(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  return argBest<f64>(values, validity, lo, hi, n, isMax != 0, dq, nullIndex, out);
}

// @ts-ignore: decorator
@inline function strCmp(offsets: usize, bytes: usize, a: i32, b: i32): i32 {
  const sa = load<i32>(offsets + (<usize>a << 2));
  const la = load<i32>(offsets + (<usize>(a + 1) << 2)) - sa;
  const sb = load<i32>(offsets + (<usize>b << 2));
  const lb = load<i32>(offsets + (<usize>(b + 1) << 2)) - sb;
  const m = la < lb ? la : lb;
  const c = memory.compare(bytes + <usize>sa, bytes + <usize>sb, <usize>m);
  return c != 0 ? c : la - lb;
}

/** See arg_best_u8 (utf8, ordered by UTF-8 bytes like Spark's UTF8String.binaryCompare). */
export function arg_best_utf8(offsets: usize, bytes: usize, validity: usize, lo: usize, hi: usize, n: i32, isMax: i32, dq: usize, nullIndex: i32, out: usize): i32 {
  let head = 0;
  let tail = 0;
  let curHi = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = load<i32>(lo + o);
    const h = load<i32>(hi + o);
    for (; curHi < h; curHi++) {
      if (!validAt(validity, curHi)) continue;
      while (tail > head) {
        const c = strCmp(offsets, bytes, load<i32>(dq + (<usize>(tail - 1) << 2)), curHi);
        const backBeats = isMax != 0 ? c > 0 : c < 0;
        if (backBeats) break;
        tail--;
      }
      store<i32>(dq + (<usize>tail << 2), curHi);
      tail++;
    }
    while (tail > head && load<i32>(dq + (<usize>head << 2)) < l) head++;
    if (tail > head) store<i32>(out + o, load<i32>(dq + (<usize>head << 2)));
    else {
      store<i32>(out + o, nullIndex);
      nulls++;
    }
  }
  return nulls;
}

// ---- nth value: first_value / last_value / nth_value / lag, lead IGNORE NULLS -------------------

/**
 * Row indices of the k-th row of each frame [lo[i], hi[i]) (k >= 1), counted from the frame's start
 * or (fromEnd) from its end; with `ignoreNulls` only valid rows count. Frames without a k-th row get
 * `nullIndex` (returns how many). Scratch: pre (n + 1 int32) and pos (n int32; only with ignoreNulls).
 * Without ignoreNulls the index is pure arithmetic on the bounds (SIMD, 4 rows a step); with it,
 * the prefix counts of valid rows and the positions of valid rows give the k-th valid row of any
 * frame in O(1): pos[pre[lo] + k - 1] (from the start) or pos[pre[hi] - k] (from the end).
 */
export function nth_index(validity: usize, lo: usize, hi: usize, n: i32, k: i32, fromEnd: i32, ignoreNulls: i32, pre: usize, pos: usize, nullIndex: i32, out: usize): i32 {
  let misses = 0;
  if (ignoreNulls == 0 || validity == 0) {
    let i = 0;
    const kv = i32x4.splat(k);
    const km1 = i32x4.splat(k - 1);
    const nv = i32x4.splat(nullIndex);
    const one = i32x4.splat(1);
    let missV = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const l = v128.load(lo + o);
      const h = v128.load(hi + o);
      // from the start: lo + k - 1 when < hi; from the end: hi - k when >= lo
      const idx = fromEnd != 0 ? i32x4.sub(h, kv) : i32x4.add(l, km1);
      const ok = fromEnd != 0 ? i32x4.ge_s(idx, l) : i32x4.lt_s(idx, h);
      v128.store(out + o, v128.bitselect(idx, nv, ok));
      missV = i32x4.add(missV, v128.andnot(one, ok));
    }
    misses = i32x4.extract_lane(missV, 0) + i32x4.extract_lane(missV, 1) + i32x4.extract_lane(missV, 2) + i32x4.extract_lane(missV, 3);
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      const idx = fromEnd != 0 ? h - k : l + k - 1;
      const ok = fromEnd != 0 ? idx >= l : idx < h;
      store<i32>(out + o, ok ? idx : nullIndex);
      if (!ok) misses++;
    }
    return misses;
  }
  let c = 0;
  store<i32>(pre, 0);
  for (let i = 0; i < n; i++) {
    if (validAt(validity, i)) {
      store<i32>(pos + (<usize>c << 2), i);
      c++;
    }
    store<i32>(pre + (<usize>(i + 1) << 2), c);
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const c0 = load<i32>(pre + (<usize>load<i32>(lo + o) << 2));
    const c1 = load<i32>(pre + (<usize>load<i32>(hi + o) << 2));
    const j = fromEnd != 0 ? c1 - k : c0 + k - 1;
    if (j >= c0 && j < c1) store<i32>(out + o, load<i32>(pos + (<usize>j << 2)));
    else {
      store<i32>(out + o, nullIndex);
      misses++;
    }
  }
  return misses;
}

// ---- boolean aggregates over frames: bool_and / every, bool_or / some / any ----------------------

/**
 * bool_and (isAnd) / bool_or over frames from prefix counts of valid rows and of true rows:
 * and = (trues == valid), or = (trues > 0); null when the frame has no valid row. Writes out (u8)
 * and outValid (u8); returns the null count. Scratch: pre, preTrue (n + 1 int32 each).
 */
export function frame_bool(values: usize, validity: usize, lo: usize, hi: usize, n: i32, isAnd: i32, pre: usize, preTrue: usize, out: usize, outValid: usize): i32 {
  let c = 0;
  let t = 0;
  store<i32>(pre, 0);
  store<i32>(preTrue, 0);
  for (let i = 0; i < n; i++) {
    const v = validAt(validity, i);
    c += v ? 1 : 0;
    t += v && load<u8>(values + <usize>i) != 0 ? 1 : 0;
    store<i32>(pre + (<usize>(i + 1) << 2), c);
    store<i32>(preTrue + (<usize>(i + 1) << 2), t);
  }
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = <usize>load<i32>(lo + o) << 2;
    const h = <usize>load<i32>(hi + o) << 2;
    const cv = load<i32>(pre + h) - load<i32>(pre + l);
    const tv = load<i32>(preTrue + h) - load<i32>(preTrue + l);
    const r: u8 = isAnd != 0 ? (tv == cv ? 1 : 0) : (tv > 0 ? 1 : 0);
    store<u8>(out + <usize>i, cv > 0 ? r : 0);
    store<u8>(outValid + <usize>i, cv > 0 ? 1 : 0);
    nulls += cv > 0 ? 0 : 1;
  }
  return nulls;
}

// ---- central moments and co-moments over frames --------------------------------------------------
// Per-row states (the layout of assembly/moments.ts: n, mean, M2, M3, M4 / n, xavg, yavg, ck, xmk,
// ymk, one f64 per row) that moments' mom_finish / comom_finish turn into results. A frame's state is
// the fold of its valid rows in row order with Spark's update (Welford / Meng, see moments.ts), so
// results equal Spark's operation for operation: the fold is extended while the lower bound stays
// (running and whole-partition frames: O(n)), and restarted at a new lower bound (sliding frames,
// as Spark's SlidingWindowFunctionFrame recomputes). With `backward` (every frame ends at its
// partition's end) rows are folded from the end instead (O(n), equal to Spark's in-order
// recomputation up to rounding).

// @ts-ignore: decorator
@inline function momAdd(x: f64, order: i32, st: usize): void {
  // st: n, mean, m2, m3, m4 as consecutive f64 locals in scratch
  const newN = load<f64>(st) + 1.0;
  const mean = load<f64>(st, 8);
  const delta = x - mean;
  const deltaN = delta / newN;
  const newM2 = load<f64>(st, 16) + delta * (delta - deltaN);
  store<f64>(st, newN);
  store<f64>(st, mean + deltaN, 8);
  store<f64>(st, newM2, 16);
  if (order >= 3) {
    const delta2 = delta * delta;
    const deltaN2 = deltaN * deltaN;
    const newM3 = load<f64>(st, 24) - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
    store<f64>(st, newM3, 24);
    if (order >= 4) {
      store<f64>(st, load<f64>(st, 32) - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 + delta * (delta * delta2 - deltaN * deltaN2), 32);
    }
  }
}

// @ts-ignore: decorator
@inline function momReset(st: usize): void {
  memory.fill(st, 0, 40);
}

// @ts-ignore: decorator
@inline function momStore(st: usize, i: i32, sn: usize, smean: usize, sm2: usize, sm3: usize, sm4: usize, order: i32): void {
  const o = <usize>i << 3;
  store<f64>(sn + o, load<f64>(st));
  store<f64>(smean + o, load<f64>(st, 8));
  store<f64>(sm2 + o, load<f64>(st, 16));
  if (order >= 3) store<f64>(sm3 + o, load<f64>(st, 24));
  if (order >= 4) store<f64>(sm4 + o, load<f64>(st, 32));
}

/**
 * Moment states of every frame (order 2, 3 or 4; arrays above the order may be 0). `st` is 40 bytes
 * of scratch. See the section comment for the evaluation order.
 */
export function frame_moments(vals: usize, validity: usize, lo: usize, hi: usize, n: i32, order: i32, backward: i32, st: usize, sn: usize, smean: usize, sm2: usize, sm3: usize, sm4: usize): void {
  momReset(st);
  if (backward == 0) {
    let curLo = -1;
    let curHi = 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      if (l != curLo || h < curHi) {
        momReset(st);
        curLo = l;
        curHi = l;
      }
      for (; curHi < h; curHi++) if (validAt(validity, curHi)) momAdd(load<f64>(vals + (<usize>curHi << 3)), order, st);
      momStore(st, i, sn, smean, sm2, sm3, sm4, order);
    }
  } else {
    let curLo = n;
    let curHi = -1;
    for (let i = n - 1; i >= 0; i--) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      if (h != curHi || l > curLo) {
        momReset(st);
        curLo = h;
        curHi = h;
      }
      while (curLo > l) {
        curLo--;
        if (validAt(validity, curLo)) momAdd(load<f64>(vals + (<usize>curLo << 3)), order, st);
      }
      momStore(st, i, sn, smean, sm2, sm3, sm4, order);
    }
  }
}

// @ts-ignore: decorator
@inline function comAdd(x: f64, y: f64, st: usize): void {
  // st: n, xavg, yavg, ck, xmk, ymk (Spark's Covariance / PearsonCorrelation update)
  const newN = load<f64>(st) + 1.0;
  const xAvg = load<f64>(st, 8);
  const yAvg = load<f64>(st, 16);
  const dx = x - xAvg;
  const dy = y - yAvg;
  const newXAvg = xAvg + dx / newN;
  const newYAvg = yAvg + dy / newN;
  store<f64>(st, newN);
  store<f64>(st, newXAvg, 8);
  store<f64>(st, newYAvg, 16);
  store<f64>(st, load<f64>(st, 24) + dx * (y - newYAvg), 24);
  store<f64>(st, load<f64>(st, 32) + dx * (x - newXAvg), 32);
  store<f64>(st, load<f64>(st, 40) + dy * (y - newYAvg), 40);
}

// @ts-ignore: decorator
@inline function comStore(st: usize, i: i32, sn: usize, sx: usize, sy: usize, sck: usize, sxm: usize, sym: usize): void {
  const o = <usize>i << 3;
  store<f64>(sn + o, load<f64>(st));
  store<f64>(sx + o, load<f64>(st, 8));
  store<f64>(sy + o, load<f64>(st, 16));
  store<f64>(sck + o, load<f64>(st, 24));
  store<f64>(sxm + o, load<f64>(st, 32));
  store<f64>(sym + o, load<f64>(st, 40));
}

/** Co-moment states of every frame (rows where x or y is null are skipped); `st` is 48 bytes of scratch. */
export function frame_comoments(xs: usize, xvalid: usize, ys: usize, yvalid: usize, lo: usize, hi: usize, n: i32, backward: i32, st: usize, sn: usize, sx: usize, sy: usize, sck: usize, sxm: usize, sym: usize): void {
  memory.fill(st, 0, 48);
  if (backward == 0) {
    let curLo = -1;
    let curHi = 0;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      if (l != curLo || h < curHi) {
        memory.fill(st, 0, 48);
        curLo = l;
        curHi = l;
      }
      for (; curHi < h; curHi++) {
        if (validAt(xvalid, curHi) && validAt(yvalid, curHi)) comAdd(load<f64>(xs + (<usize>curHi << 3)), load<f64>(ys + (<usize>curHi << 3)), st);
      }
      comStore(st, i, sn, sx, sy, sck, sxm, sym);
    }
  } else {
    let curLo = n;
    let curHi = -1;
    for (let i = n - 1; i >= 0; i--) {
      const o = <usize>i << 2;
      const l = load<i32>(lo + o);
      const h = load<i32>(hi + o);
      if (h != curHi || l > curLo) {
        memory.fill(st, 0, 48);
        curLo = h;
        curHi = h;
      }
      while (curLo > l) {
        curLo--;
        if (validAt(xvalid, curLo) && validAt(yvalid, curLo)) comAdd(load<f64>(xs + (<usize>curLo << 3)), load<f64>(ys + (<usize>curLo << 3)), st);
      }
      comStore(st, i, sn, sx, sy, sck, sxm, sym);
    }
  }
}

// ---- RANGE frames with value offsets ---------------------------------------------------------------
// Rows are sorted by one order key; within a partition its null rows are contiguous at one end and
// form their own peer group (Spark: a null current row's value bounds select exactly the null rows).
// A non-null row's bound with offset d is found by binary search among the partition's non-null rows:
// ascending, lower = first row with key >= key + d, upper (exclusive) = first row with key > key + d;
// descending, the same with the order reversed (key - d, <=, <). Floats compare in Spark's total
// order (NaN greatest and equal to NaN, so a NaN row's frame is the NaN rows). Calendar months
// (YEAR TO MONTH intervals) are added to dates (days) or timestamps (micros, UTC) with the day of
// month clamped, as Spark's add_months.

/** Days since 1970-01-01 -> (year, month 1..12, day) packed as y * 10000 + m * 100 + d (H. Hinnant's civil_from_days). */
function civilFromDays(z0: i64): i64 {
  const z = z0 + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (m <= 2 ? y + 1 : y) * 10000 + m * 100 + d;
}

/** (year, month 1..12, day) -> days since 1970-01-01 (H. Hinnant's days_from_civil). */
function daysFromCivil(y0: i64, m: i64, d: i64): i64 {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = (153 * mp + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

function addMonthsDays(day: i64, months: i64): i64 {
  if (months == 0) return day;
  const c = civilFromDays(day);
  const y = c / 10000;
  const m = (c / 100) % 100;
  const d = c % 100;
  let total = y * 12 + (m - 1) + months;
  let ny = total / 12;
  let nm = total % 12;
  if (nm < 0) {
    nm += 12;
    ny -= 1;
  }
  const first = daysFromCivil(ny, nm + 1, 1);
  const last = daysFromCivil(nm == 11 ? ny + 1 : ny, nm == 11 ? 1 : nm + 2, 1) - first;
  return first + (d < last ? d : last) - 1;
}

// @ts-ignore: decorator
@inline const MICROS_PER_DAY: i64 = 86400000000;

// @ts-ignore: decorator
@inline function targetI64(key: i64, months: i64, off: i64, unit: i32): i64 {
  if (months == 0) return key + off;
  if (unit == 1) return addMonthsDays(key, months) + off; // date: days
  let days = key / MICROS_PER_DAY;
  let rem = key % MICROS_PER_DAY;
  if (rem < 0) {
    rem += MICROS_PER_DAY;
    days -= 1;
  }
  return addMonthsDays(days, months) * MICROS_PER_DAY + rem + off;
}

// Spark's total order for floats: NaN greatest, NaN = NaN.
// @ts-ignore: decorator
@inline function ltTotal<T>(a: T, b: T): bool {
  if (isFloat<T>()) {
    if (b != b) return a == a;
    if (a != a) return false;
  }
  return a < b;
}

// First index j in [from, to) whose key is not "before" t: ascending, key >= t (strict: key > t);
// descending, key <= t (strict: key < t).
// @ts-ignore: decorator
@inline function searchKey<T>(keys: usize, from: i32, to: i32, t: T, desc: bool, strict: bool): i32 {
  const w = <usize>sizeof<T>();
  let a = from;
  let b = to;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const k = load<T>(keys + <usize>mid * w);
    // before(k): ascending k < t (strict: k <= t); descending k > t (strict: k >= t)
    let before: bool;
    if (!desc) before = strict ? !ltTotal<T>(t, k) : ltTotal<T>(k, t);
    else before = strict ? !ltTotal<T>(k, t) : ltTotal<T>(t, k);
    if (before) a = mid + 1;
    else b = mid;
  }
  return a;
}

// @ts-ignore: decorator
@inline function rangeBounds<T>(
  keys: usize, validity: usize, partStart: usize, partEnd: usize, peerStart: usize, peerEnd: usize, n: i32, desc: bool,
  lowMode: i32, lowOff: f64, lowMonths: i32, highMode: i32, highOff: f64, highMonths: i32, unit: i32, lo: usize, hi: usize,
): void {
  let nnS = 0;
  let nnE = 0;
  let curPart = -1;
  const w = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const ps = load<i32>(partStart + o);
    const pe = load<i32>(partEnd + o);
    if (ps != curPart) {
      // the partition's non-null rows [nnS, nnE): nulls are contiguous at one end
      curPart = ps;
      nnS = ps;
      while (nnS < pe && !validAt(validity, nnS)) nnS++;
      nnE = pe;
      while (nnE > nnS && !validAt(validity, nnE - 1)) nnE--;
    }
    const valid = validAt(validity, i);
    let l: i32;
    let h: i32;
    if (lowMode == 0) l = ps;
    else if (lowMode == 3 || (lowMode == 5 && !valid)) l = load<i32>(peerStart + o);
    else {
      const key = load<T>(keys + <usize>i * w);
      let t: T;
      if (isFloat<T>()) t = <T>(desc ? <f64>key - lowOff : <f64>key + lowOff);
      else t = <T>targetI64(<i64>key, desc ? -<i64>lowMonths : <i64>lowMonths, desc ? -<i64>lowOff : <i64>lowOff, unit);
      l = searchKey<T>(keys, nnS, nnE, t, desc, false);
    }
    if (highMode == 1) h = pe;
    else if (highMode == 4 || (highMode == 5 && !valid)) h = load<i32>(peerEnd + o);
    else {
      const key = load<T>(keys + <usize>i * w);
      let t: T;
      if (isFloat<T>()) t = <T>(desc ? <f64>key - highOff : <f64>key + highOff);
      else t = <T>targetI64(<i64>key, desc ? -<i64>highMonths : <i64>highMonths, desc ? -<i64>highOff : <i64>highOff, unit);
      h = searchKey<T>(keys, nnS, nnE, t, desc, true);
    }
    if (h < l) h = l;
    store<i32>(lo + o, l);
    store<i32>(hi + o, h);
  }
}

/**
 * Per-row bounds [lo, hi) of a RANGE frame over one order key (int64 values: integers, decimals
 * unscaled, dates in days (unit 1), timestamps in micros (unit 2)). Modes: 0 partition start,
 * 1 partition end, 3 peer start, 4 peer end, 5 value offset (`off`, signed: negative = PRECEDING,
 * plus `months` calendar months for dates/timestamps). peerStart/peerEnd are required.
 */
export function range_bounds_i64(
  keys: usize, validity: usize, partStart: usize, partEnd: usize, peerStart: usize, peerEnd: usize, n: i32, desc: i32,
  lowMode: i32, lowOff: f64, lowMonths: i32, highMode: i32, highOff: f64, highMonths: i32, unit: i32, lo: usize, hi: usize,
): void {
  rangeBounds<i64>(keys, validity, partStart, partEnd, peerStart, peerEnd, n, desc != 0, lowMode, lowOff, lowMonths, highMode, highOff, highMonths, unit, lo, hi);
}

/** See range_bounds_i64 (float64 keys, Spark's total order; offsets in the key's units). */
export function range_bounds_f64(
  keys: usize, validity: usize, partStart: usize, partEnd: usize, peerStart: usize, peerEnd: usize, n: i32, desc: i32,
  lowMode: i32, lowOff: f64, lowMonths: i32, highMode: i32, highOff: f64, highMonths: i32, unit: i32, lo: usize, hi: usize,
): void {
  rangeBounds<f64>(keys, validity, partStart, partEnd, peerStart, peerEnd, n, desc != 0, lowMode, lowOff, lowMonths, highMode, highOff, highMonths, unit, lo, hi);
}

// ---- percentile_cont / percentile_disc over whole partitions -------------------------------------

/**
 * The `p` percentile of the `c` ascending doubles at base[start ..): percentile_disc (`discrete`)
 * takes the value at ceil(p * c) - 1, percentile_cont interpolates linearly between the values at
 * floor and ceil of p * (c - 1) (Spark's Percentile); `desc` reads the run from its end.
 */
@inline
function percentileOfSorted(base: usize, start: i32, c: i32, p: f64, discrete: i32, desc: i32): f64 {
  if (discrete != 0) {
    let k = <i32>Math.ceil(p * <f64>c) - 1;
    if (k < 0) k = 0;
    if (k > c - 1) k = c - 1;
    return sortedAt(base, start, c, k, desc);
  }
  const pos = p * <f64>(c - 1);
  const lower = Math.floor(pos);
  const higher = Math.ceil(pos);
  const lv = sortedAt(base, start, c, <i32>lower, desc);
  if (higher == lower) return lv;
  const hv = sortedAt(base, start, c, <i32>higher, desc);
  return hv == lv ? lv : (higher - pos) * lv + (pos - lower) * hv;
}

/** The k-th of the `c` doubles at base[start ..), counted from the end when `desc`. */
@inline
function sortedAt(base: usize, start: i32, c: i32, k: i32, desc: i32): f64 {
  return load<f64>(base + (<usize>(start + (desc != 0 ? c - 1 - k : k)) << 3));
}

/**
 * Spark's percentile_cont (discrete 0) / percentile_disc (discrete 1) of each partition. `sorted`
 * holds each partition's values sorted ascending with nulls last (f64; `sortedValid` their validity),
 * at the same rows as the partitions ([partStart[i], partEnd[i])). With `desc` the order is reversed
 * (index k of the descending order is index c - 1 - k of the ascending one). cont: position
 * p * (c - 1), linear interpolation (higher - pos) * lowerValue + (pos - lower) * higherValue as
 * Spark's Percentile; disc: index max(0, ceil(p * c) - 1). Null for partitions without values.
 * Writes out (f64) and outValid; returns the null count.
 */
export function percentile_frame(sorted: usize, sortedValid: usize, partStart: usize, partEnd: usize, n: i32, p: f64, discrete: i32, desc: i32, out: usize, outValid: usize): i32 {
  let nulls = 0;
  let i = 0;
  while (i < n) {
    const ps = load<i32>(partStart + (<usize>i << 2));
    const pe = load<i32>(partEnd + (<usize>i << 2));
    let c = 0;
    while (ps + c < pe && validAt(sortedValid, ps + c)) c++;
    let r: f64 = 0;
    if (c > 0) {
      r = percentileOfSorted(sorted, ps, c, p, discrete, desc);
    }
    for (let j = ps; j < pe; j++) {
      store<f64>(out + (<usize>j << 3), r);
      store<u8>(outValid + <usize>j, c > 0 ? 1 : 0);
    }
    if (c == 0) nulls += pe - ps;
    i = pe;
  }
  return nulls;
}

/** Segment ids from start flags: out[i] = (number of flags set in [0, i]) - 1 (int32). */
export function segment_ids(flags: usize, n: i32, out: usize): void {
  let id = -1;
  for (let i = 0; i < n; i++) {
    id += <i32>load<u8>(flags + <usize>i);
    store<i32>(out + (<usize>i << 2), id);
  }
}

/** Replaces negative entries (misses of nth_index with nullIndex -1) by base + row: the row's default. */
export function fill_misses(idx: usize, n: i32, base: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    if (load<i32>(idx + o) < 0) store<i32>(idx + o, base + i);
  }
}

/** out[i] = i (int32), SIMD. */
export function iota(out: usize, n: i32): void {
  let i = 0;
  let v = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  for (; i + 4 <= n; i += 4) {
    v128.store(out + (<usize>i << 2), v);
    v = i32x4.add(v, four);
  }
  for (; i < n; i++) store<i32>(out + (<usize>i << 2), i);
}

// ---- cume_dist / percent_rank / ntile ---------------------------------------------------------------

/**
 * Rank distributions from the extents (f64 out): cume_dist (which 0) = rows up to the end of the
 * row's peer group / partition rows; percent_rank (which 1) = (rank - 1) / (partition rows - 1), 0 for
 * one-row partitions. Two rows a step in f64x2 lanes.
 */
export function rank_dist(partStart: usize, partEnd: usize, peerStart: usize, peerEnd: usize, n: i32, which: i32, out: usize): void {
  let i = 0;
  const one = f64x2.splat(1.0);
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const ps = f64x2.convert_low_i32x4_s(v128.load64_zero(partStart + o));
    const pe = f64x2.convert_low_i32x4_s(v128.load64_zero(partEnd + o));
    let r: v128;
    if (which == 0) {
      const qe = f64x2.convert_low_i32x4_s(v128.load64_zero(peerEnd + o));
      r = f64x2.div(f64x2.sub(qe, ps), f64x2.sub(pe, ps));
    } else {
      const qs = f64x2.convert_low_i32x4_s(v128.load64_zero(peerStart + o));
      const den = f64x2.sub(f64x2.sub(pe, ps), one);
      const q = f64x2.div(f64x2.sub(qs, ps), den);
      r = v128.bitselect(q, f64x2.splat(0.0), f64x2.gt(den, f64x2.splat(0.0)));
    }
    v128.store(out + (<usize>i << 3), r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const ps = <f64>load<i32>(partStart + o);
    const pe = <f64>load<i32>(partEnd + o);
    let r: f64;
    if (which == 0) r = (<f64>load<i32>(peerEnd + o) - ps) / (pe - ps);
    else r = pe - ps > 1 ? (<f64>load<i32>(peerStart + o) - ps) / (pe - ps - 1.0) : 0.0;
    store<f64>(out + (<usize>i << 3), r);
  }
}

/**
 * ntile(k) (int32 out) as Spark's NTile: a partition of m rows is cut into k buckets of m / k rows,
 * the first m % k of them one row larger; buckets are numbered from 1.
 */
export function ntile(partStart: usize, partEnd: usize, n: i32, k: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const ps = load<i32>(partStart + o);
    const m = load<i32>(partEnd + o) - ps;
    const j = i - ps;
    const size = m / k;
    const rem = m % k;
    const big = rem * (size + 1);
    store<i32>(out + o, j < big ? j / (size + 1) + 1 : rem + (j - big) / size + 1);
  }
}

// ---- percentile_cont / percentile_disc / median as grouped aggregates ------------------------------

/**
 * Appends the valid rows of `vals` (f64) with their group ids (`gids` = 0: every row in group 0) to
 * outGids / outVals starting at index `at`; returns the new length.
 */
export function pct_append(gids: usize, vals: usize, validity: usize, n: i32, outGids: usize, outVals: usize, at: i32): i32 {
  let m = at;
  for (let i = 0; i < n; i++) {
    if (!validAt(validity, i)) continue;
    store<i32>(outGids + (<usize>m << 2), gids == 0 ? 0 : load<i32>(gids + (<usize>i << 2)));
    store<f64>(outVals + (<usize>m << 3), load<f64>(vals + (<usize>i << 3)));
    m++;
  }
  return m;
}

/**
 * Percentiles of groups [start, start + count) from (gid, value) pairs sorted by group id, then value
 * ascending (m pairs): the formulas of percentile_frame. Groups without values are null. Writes out
 * (f64) and outValid (u8) indexed by group - start; returns the null count.
 */
export function group_percentile(gids: usize, vals: usize, m: i32, start: i32, count: i32, p: f64, discrete: i32, desc: i32, out: usize, outValid: usize): i32 {
  memory.fill(outValid, 0, <usize>count);
  let nulls = count;
  let i = 0;
  while (i < m) {
    const g = load<i32>(gids + (<usize>i << 2));
    let e = i;
    while (e < m && load<i32>(gids + (<usize>e << 2)) == g) e++;
    if (g >= start && g < start + count) {
      const c = e - i;
      const r = percentileOfSorted(vals, i, c, p, discrete, desc);
      store<f64>(out + (<usize>(g - start) << 3), r);
      store<u8>(outValid + <usize>(g - start), 1);
      nulls--;
    }
    i = e;
  }
  return nulls;
}

// ---- collect_list / collect_set / approx_count_distinct over frames -------------------------------
// `prev` (collect_set, distinct counts): prev[j] = the previous row with the same value (any
// partition; -1 for none), from value ids. A frame [lo, hi) holds row j as a first occurrence exactly
// when j is valid and prev[j] < lo.

/** prev[j] = last row before j with ids[j] (-1 for none); `last` is scratch of numIds int32. */
export function prev_equal(ids: usize, validity: usize, n: i32, last: usize, numIds: i32, prev: usize): void {
  memory.fill(last, 0xff, <usize>numIds << 2);
  for (let j = 0; j < n; j++) {
    if (!validAt(validity, j)) {
      store<i32>(prev + (<usize>j << 2), -1);
      continue;
    }
    const p = last + (<usize>load<i32>(ids + (<usize>j << 2)) << 2);
    store<i32>(prev + (<usize>j << 2), load<i32>(p));
    store<i32>(p, j);
  }
}

/**
 * Offsets (n + 1 int32) of the per-row lists of frames [lo, hi): the valid rows (prev = 0) or the
 * first occurrences (prev given); returns the total. `pre` is scratch of n + 1 int32.
 */
export function frame_list_offsets(validity: usize, prev: usize, lo: usize, hi: usize, n: i32, pre: usize, offsets: usize): i32 {
  prefixValid(validity, n, pre);
  let total = 0;
  store<i32>(offsets, 0);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = load<i32>(lo + o);
    const h = load<i32>(hi + o);
    if (prev == 0) total += load<i32>(pre + (<usize>h << 2)) - load<i32>(pre + (<usize>l << 2));
    else for (let j = l; j < h; j++) if (validAt(validity, j) && load<i32>(prev + (<usize>j << 2)) < l) total++;
    store<i32>(offsets + (<usize>(i + 1) << 2), total);
  }
  return total;
}

/** The row indices of the lists of frame_list_offsets, in row order (out: total int32). */
export function frame_list_rows(validity: usize, prev: usize, lo: usize, hi: usize, n: i32, out: usize): void {
  let k = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = load<i32>(lo + o);
    const h = load<i32>(hi + o);
    for (let j = l; j < h; j++) {
      if (!validAt(validity, j)) continue;
      if (prev != 0 && load<i32>(prev + (<usize>j << 2)) >= l) continue;
      store<i32>(out + (<usize>k << 2), j);
      k++;
    }
  }
}

/**
 * Distinct valid values of each frame [lo, hi) (int64 out), for frames whose hi never decreases:
 * the offline distinct-elements-in-range method with a Fenwick tree (P. M. Fenwick, "A new data
 * structure for cumulative frequency tables", 1994): while rows up to hi are added, only each
 * value's last occurrence keeps a 1, so the count is the tree's sum over [lo, hi). O(n log n).
 * `bit` is scratch of n + 1 int32.
 */
export function frame_distinct_count(validity: usize, prev: usize, lo: usize, hi: usize, n: i32, bit: usize, out: usize): void {
  memory.fill(bit, 0, <usize>(n + 1) << 2);
  let curHi = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const l = load<i32>(lo + o);
    const h = load<i32>(hi + o);
    for (; curHi < h; curHi++) {
      if (!validAt(validity, curHi)) continue;
      for (let x = curHi + 1; x <= n; x += x & -x) store<i32>(bit + (<usize>x << 2), load<i32>(bit + (<usize>x << 2)) + 1);
      const p = load<i32>(prev + (<usize>curHi << 2));
      if (p >= 0) for (let x = p + 1; x <= n; x += x & -x) store<i32>(bit + (<usize>x << 2), load<i32>(bit + (<usize>x << 2)) - 1);
    }
    let s = 0;
    for (let x = h; x > 0; x -= x & -x) s += load<i32>(bit + (<usize>x << 2));
    for (let x = l; x > 0; x -= x & -x) s -= load<i32>(bit + (<usize>x << 2));
    store<i64>(out + (<usize>i << 3), <i64>s);
  }
}

/**
 * corr's division by zero: Spark's ck / sqrt(xMk * yMk) is Catalyst's Divide, NULL for a zero divisor
 * (constant x or y), where moments' comom_finish leaves 0/0 = NaN. Clears validity there; returns
 * the number of rows it nulled.
 */
export function corr_zero_to_null(xmk: usize, ymk: usize, n: i32, valid: usize): i32 {
  let nulled = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    if (load<u8>(valid + <usize>i) != 0 && Math.sqrt(load<f64>(xmk + o) * load<f64>(ymk + o)) == 0.0) {
      store<u8>(valid + <usize>i, 0);
      nulled++;
    }
  }
  return nulled;
}
