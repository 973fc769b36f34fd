// Window-function kernels (Spark's WindowExec, computed over rows already sorted by
// (partition keys, order keys)): boundary detection between adjacent rows, partition and peer-group
// extents, ranking functions, lag/lead index shifts, per-row frame bounds, and frame aggregates.
//
// Every frame is given as per-row half-open bounds [lo[i], hi[i]) clipped to the row's partition.
// For every frame Kindling supports (ROWS with offsets or UNBOUNDED, RANGE with UNBOUNDED/CURRENT
// ROW) both lo and hi are non-decreasing over the whole sorted input (partitions are contiguous and
// in order), which the aggregate kernels rely on:
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
