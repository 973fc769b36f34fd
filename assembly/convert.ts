// Layout conversions at the Arrow boundary: Arrow packs booleans and validity as bits and stores
// decimals as 128-bit integers; Kindling's kernels use one byte per flag and 64-bit decimals.
// Pure functions over pointers and lengths.

import { normalize_f64_bits } from './lib/hash';
import { andValidity, countZeroBytes } from './lib/validity';

/** Expands `n` bits starting at bit `bitOffset` of `src` into bytes 0/1 at `dst`. Returns the number of 0 bits. */
export function bits_to_bytes(src: usize, bitOffset: i32, n: i32, dst: usize): i32 {
  let zeros = 0;
  let i = 0;
  if ((bitOffset & 7) == 0) {
    const base = src + (<usize>bitOffset >> 3);
    // Whole bytes: 8 flags at a time.
    for (; i + 8 <= n; i += 8) {
      const b = <u64>load<u8>(base + (<usize>i >> 3));
      // Spread the 8 bits of b into the low bit of 8 bytes (multiply-and-mask trick).
      // The multiply above spreads bits in reverse byte order; fix by selecting bits explicitly.
      let v: u64 = 0;
      v |= (b & 1);
      v |= ((b >> 1) & 1) << 8;
      v |= ((b >> 2) & 1) << 16;
      v |= ((b >> 3) & 1) << 24;
      v |= ((b >> 4) & 1) << 32;
      v |= ((b >> 5) & 1) << 40;
      v |= ((b >> 6) & 1) << 48;
      v |= ((b >> 7) & 1) << 56;
      store<u64>(dst + <usize>i, v);
      zeros += 8 - <i32>popcnt<u64>(b);
    }
  }
  for (; i < n; i++) {
    const bit = <usize>(bitOffset + i);
    const v = (load<u8>(src + (bit >> 3)) >> <u8>(bit & 7)) & 1;
    store<u8>(dst + <usize>i, v);
    zeros += 1 - <i32>v;
  }
  return zeros;
}

/** Packs `n` bytes (non-zero = 1) at `src` into bits at `dst` (LSB first, Arrow order). Returns the number of zero bytes. */
export function bytes_to_bits(src: usize, n: i32, dst: usize): i32 {
  let ones = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    let b: u32 = 0;
    for (let k = 0; k < 8; k++) b |= (load<u8>(src + <usize>(i + k)) != 0 ? 1 : 0) << k;
    store<u8>(dst + (<usize>i >> 3), <u8>b);
    ones += <i32>popcnt<u32>(b);
  }
  if (i < n) {
    let b: u32 = 0;
    for (let k = 0; i + k < n; k++) b |= (load<u8>(src + <usize>(i + k)) != 0 ? 1 : 0) << k;
    store<u8>(dst + (<usize>i >> 3), <u8>b);
    ones += <i32>popcnt<u32>(b);
  }
  return n - ones;
}

/** Counts zero bytes among `n` bytes at `src` (the null count of a validity buffer). SIMD. */
export function count_zero_bytes(src: usize, n: i32): i32 {
  return countZeroBytes(src, n);
}

/**
 * Narrows `n` little-endian 128-bit decimals at `src` to int64 at `dst`. Returns the index of the
 * first value that does not fit in 64 bits (ignoring rows whose validity byte is 0), or -1.
 */
export function decimal128_to_i64(src: usize, validity: usize, n: i32, dst: usize): i32 {
  for (let i = 0; i < n; i++) {
    const lo = load<i64>(src + (<usize>i << 4));
    const hi = load<i64>(src + (<usize>i << 4) + 8);
    store<i64>(dst + (<usize>i << 3), lo);
    if (hi != (lo >> 63) && (validity == 0 || load<u8>(validity + <usize>i) != 0)) return i;
  }
  return -1;
}

/** Widens `n` int64 values at `src` to little-endian 128-bit integers at `dst` (sign extension). */
export function i64_to_decimal128(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3));
    store<i64>(dst + (<usize>i << 4), v);
    store<i64>(dst + (<usize>i << 4) + 8, v >> 63);
  }
}

/** Fills `n` bytes at `dst` with `value`. */
export function fill_bytes(dst: usize, value: i32, n: i32): void {
  memory.fill(dst, <u8>value, <usize>n);
}

/** Copies `n` bytes from `src` to `dst` (regions may overlap). */
export function copy_bytes(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n);
}

/** Writes src[i] - delta for `n` int32 values (rebases string offsets of a sliced Arrow array). */
export function rebase_i32(src: usize, n: i32, delta: i32, dst: usize): void {
  const d = i32x4.splat(delta);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.sub(v128.load(src + (<usize>i << 2)), d));
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), load<i32>(src + (<usize>i << 2)) - delta);
}

/** Rescales `n` int64 values: dst[i] = src[i] * mul / div (floor division), for timestamp units. */
export function rescale_i64(src: usize, n: i32, mul: i32, div: i32, dst: usize): void {
  const m = <i64>mul;
  const d = <i64>div;
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3)) * m;
    let q = v / d;
    if ((v % d != 0) && ((v < 0) != (d < 0))) q -= 1;
    store<i64>(dst + (<usize>i << 3), q);
  }
}

/** Converts `n` int64 millisecond dates to int32 days (floor). */
export function ms_to_days(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3));
    let q = v / 86400000;
    if (v % 86400000 != 0 && v < 0) q -= 1;
    store<i32>(dst + (<usize>i << 2), <i32>q);
  }
}

/** Widens `n` values of `width` bytes (1, 2 or 4), unsigned, at `src` to the next wider signed type at `dst`. */
export function widen_unsigned(src: usize, width: i32, n: i32, dst: usize): void {
  if (width == 1) for (let i = 0; i < n; i++) store<i16>(dst + (<usize>i << 1), <i16>load<u8>(src + <usize>i));
  else if (width == 2) for (let i = 0; i < n; i++) store<i32>(dst + (<usize>i << 2), <i32>load<u16>(src + (<usize>i << 1)));
  else for (let i = 0; i < n; i++) store<i64>(dst + (<usize>i << 3), <i64>load<u32>(src + (<usize>i << 2)));
}

// ---- dictionary indices and LargeUtf8 offsets (Arrow boundary) ------------------------------------

/** Four dictionary indices of type T at `p`, widened to i32x4 lanes. */
// @ts-ignore: decorator
@inline function load_index4<T>(p: usize): v128 {
  if (sizeof<T>() == 1) {
    const b = v128.load32_zero(p);
    if (isSigned<T>()) return i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(b));
    return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(b));
  }
  if (sizeof<T>() == 2) {
    if (isSigned<T>()) return v128.load16x4_s(p);
    return v128.load16x4_u(p);
  }
  return v128.load(p);
}

/** See dict_indices_to_i32; T is the index type (i8/u8/i16/u16/i32/u32/i64/u64). */
// @ts-ignore: decorator
@inline function indices_to_i32<T>(src: usize, validity: usize, n: i32, dictLen: i32, dst: usize): i32 {
  let i = 0;
  if (sizeof<T>() <= 4) {
    const zero = i32x4.splat(0);
    const m = i32x4.splat(dictLen);
    for (; i + 4 <= n; i += 4) {
      let v = load_index4<T>(src + <usize>i * sizeof<T>());
      let ok = i32x4.lt_u(v, m); // negative (or >= 2^31 unsigned) indices compare as huge
      if (validity != 0) {
        const valid = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(validity + <usize>i)));
        const isNull = i32x4.eq(valid, zero);
        v = v128.andnot(v, isNull); // null rows point at row 0
        ok = v128.or(ok, isNull);
      }
      if (!i32x4.all_true(ok)) break; // the scalar loop below finds the offending row
      v128.store(dst + (<usize>i << 2), v);
    }
  }
  for (; i < n; i++) {
    const isNull = validity != 0 && load<u8>(validity + <usize>i) == 0;
    const raw = load<T>(src + <usize>i * sizeof<T>());
    // Widen to u64 so negative and oversized indices are both >= dictLen.
    const v: u64 = isSigned<T>() ? <u64><i64>raw : <u64>raw;
    if (isNull) store<i32>(dst + (<usize>i << 2), 0);
    else if (v >= <u64>dictLen) return i;
    else store<i32>(dst + (<usize>i << 2), <i32>v);
  }
  return -1;
}

/**
 * Converts `n` Arrow dictionary indices at `src` (`width` bytes each: 1, 2, 4 or 8; `signed` 1 or 0)
 * to int32 row numbers into a dictionary of `dictLen` entries, at `dst`. Null rows (validity byte 0;
 * validity 0 = all valid) get index 0, so a gather through them stays in bounds. Returns the first
 * non-null row whose index is outside [0, dictLen), or -1. SIMD for widths up to 4 bytes.
 */
export function dict_indices_to_i32(src: usize, width: i32, signed: i32, validity: usize, n: i32, dictLen: i32, dst: usize): i32 {
  if (signed != 0) {
    if (width == 1) return indices_to_i32<i8>(src, validity, n, dictLen, dst);
    if (width == 2) return indices_to_i32<i16>(src, validity, n, dictLen, dst);
    if (width == 4) return indices_to_i32<i32>(src, validity, n, dictLen, dst);
    return indices_to_i32<i64>(src, validity, n, dictLen, dst);
  }
  if (width == 1) return indices_to_i32<u8>(src, validity, n, dictLen, dst);
  if (width == 2) return indices_to_i32<u16>(src, validity, n, dictLen, dst);
  if (width == 4) return indices_to_i32<u32>(src, validity, n, dictLen, dst);
  return indices_to_i32<u64>(src, validity, n, dictLen, dst);
}

/** dst[i] = a[i] & b[i] for `n` validity bytes (0/1); returns the number of zero bytes. SIMD. */
export function and_validity(a: usize, b: usize, n: i32, dst: usize): i32 {
  return andValidity(a, b, n, dst);
}

/**
 * Narrows `n` int64 offsets at `src` (Arrow LargeUtf8) to int32 offsets relative to the first one:
 * dst[i] = src[i] - src[0]. The caller checks that src[n - 1] - src[0] fits in int32. SIMD.
 */
export function narrow_offsets_i64(src: usize, n: i32, dst: usize): void {
  if (n <= 0) return;
  const first = load<i64>(src);
  const base = i64x2.splat(first);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = i64x2.sub(v128.load(src + (<usize>i << 3)), base);
    const b = i64x2.sub(v128.load(src + (<usize>i << 3), 16), base);
    v128.store(dst + (<usize>i << 2), i32x4.shuffle(a, b, 0, 2, 4, 6)); // low words of the 4 lanes
  }
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), <i32>(load<i64>(src + (<usize>i << 3)) - first));
}

// ---- grouping rows by value (hive partition splitting) ---------------------------------------------
//
// Rows are grouped by their u64 row hash (assembly/hash.ts) with an open-addressing table, then each
// row is compared with its group's first row, column by column; rows that differ (a hash collision)
// go back to "pending" and are grouped again in a further round. Row states: 0 pending, 1 grouped in
// the current round (being verified), 2 final.

/**
 * One grouping round over the pending rows (state 0) among `n`: rows whose hash, shifted right by
 * `shift` bits, is equal get one group id. New groups are numbered from `gidBase`; firsts[gid] is the
 * first row of each new group, gids[row] its group, and state[row] becomes 1. `table` holds
 * tableMask + 1 i32 slots, all -1 on entry. Returns the number of new groups.
 */
export function group_round(hashes: usize, shift: i32, state: usize, n: i32, table: usize, tableMask: i32, gidBase: i32, gids: usize, firsts: usize): i32 {
  const sh = <u64>shift;
  let next = gidBase;
  for (let i = 0; i < n; i++) {
    if (load<u8>(state + <usize>i) != 0) continue;
    const key = load<u64>(hashes + (<usize>i << 3)) >> sh;
    let slot = <i32>(key ^ (key >> 32)) & tableMask;
    let g: i32;
    for (;;) {
      g = load<i32>(table + (<usize>slot << 2));
      if (g < 0) {
        g = next++;
        store<i32>(table + (<usize>slot << 2), g);
        store<i32>(firsts + (<usize>g << 2), i);
        break;
      }
      const f = load<i32>(firsts + (<usize>g << 2));
      if (load<u64>(hashes + (<usize>f << 3)) >> sh == key) break;
      slot = (slot + 1) & tableMask;
    }
    store<i32>(gids + (<usize>i << 2), g);
    store<u8>(state + <usize>i, 1);
  }
  return next - gidBase;
}

/** Null-aware equality of rows r and f of a column (validity 0 = all valid); values compared by `eq`. */
// @ts-ignore: decorator
@inline function verify_rows<T>(vals: usize, validity: usize, gids: usize, firsts: usize, state: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    if (load<u8>(state + <usize>i) != 1) continue;
    const f = load<i32>(firsts + (<usize>load<i32>(gids + (<usize>i << 2)) << 2));
    let same: bool;
    const vi = validity == 0 || load<u8>(validity + <usize>i) != 0;
    const vf = validity == 0 || load<u8>(validity + <usize>f) != 0;
    if (!vi || !vf) same = vi == vf;
    else {
      const a = load<T>(vals + <usize>i * sizeof<T>());
      const b = load<T>(vals + <usize>f * sizeof<T>());
      if (isFloat<T>()) same = normalize_f64_bits(<f64>a) == normalize_f64_bits(<f64>b);
      else same = a == b;
    }
    if (!same) store<u8>(state + <usize>i, 0);
  }
}

/**
 * Verification of one fixed-width key column for the rows of the current round (state 1): a row
 * whose value differs from its group's first row goes back to pending (state 0). `kind`: 1, 2, 4, 8
 * (integer bytes, compared bitwise), 5 float32, 9 float64 (NaN = NaN, -0.0 = 0.0, like the hash).
 */
export function group_verify_fixed(vals: usize, validity: usize, kind: i32, gids: usize, firsts: usize, state: usize, n: i32): void {
  if (kind == 1) verify_rows<u8>(vals, validity, gids, firsts, state, n);
  else if (kind == 2) verify_rows<u16>(vals, validity, gids, firsts, state, n);
  else if (kind == 4) verify_rows<u32>(vals, validity, gids, firsts, state, n);
  else if (kind == 8) verify_rows<u64>(vals, validity, gids, firsts, state, n);
  else if (kind == 5) verify_rows<f32>(vals, validity, gids, firsts, state, n);
  else verify_rows<f64>(vals, validity, gids, firsts, state, n);
}

/** group_verify_fixed for a utf8 key column (int32 offsets + bytes): byte-wise equality. */
export function group_verify_utf8(offsets: usize, bytes: usize, validity: usize, gids: usize, firsts: usize, state: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    if (load<u8>(state + <usize>i) != 1) continue;
    const f = load<i32>(firsts + (<usize>load<i32>(gids + (<usize>i << 2)) << 2));
    let same: bool;
    const vi = validity == 0 || load<u8>(validity + <usize>i) != 0;
    const vf = validity == 0 || load<u8>(validity + <usize>f) != 0;
    if (!vi || !vf) same = vi == vf;
    else {
      const si = load<i32>(offsets + (<usize>i << 2));
      const len = load<i32>(offsets + (<usize>i << 2), 4) - si;
      const sf = load<i32>(offsets + (<usize>f << 2));
      same = len == load<i32>(offsets + (<usize>f << 2), 4) - sf && memory.compare(bytes + <usize>si, bytes + <usize>sf, <usize>len) == 0;
    }
    if (!same) store<u8>(state + <usize>i, 0);
  }
}

/** Ends a round: rows still in state 1 become final (2). Returns the number of pending rows (state 0). */
export function group_commit(state: usize, n: i32): i32 {
  let pending = 0;
  let i = 0;
  const one = i8x16.splat(1);
  const zero = i8x16.splat(0);
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(state + <usize>i);
    v128.store(state + <usize>i, i8x16.add(v, v128.and(i8x16.eq(v, one), one))); // 1 -> 2
    pending += <i32>popcnt<i32>(i8x16.bitmask(i8x16.eq(v, zero)));
  }
  for (; i < n; i++) {
    const s = load<u8>(state + <usize>i);
    if (s == 1) store<u8>(state + <usize>i, 2);
    else if (s == 0) pending++;
  }
  return pending;
}

/** Rows per group: counts (i32[numGroups]) is overwritten with the number of rows of each of the `n` group ids. */
export function group_counts(gids: usize, n: i32, numGroups: i32, counts: usize): void {
  memory.fill(counts, 0, <usize>numGroups << 2);
  for (let i = 0; i < n; i++) {
    const c = counts + (<usize>load<i32>(gids + (<usize>i << 2)) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
}

/**
 * Stable counting-sort scatter: writes each row index i < n to out at its group's cursor
 * (cursors: i32[numGroups], the groups' start positions; advanced in place).
 */
export function group_scatter(gids: usize, n: i32, cursors: usize, out: usize): void {
  for (let i = 0; i < n; i++) {
    const c = cursors + (<usize>load<i32>(gids + (<usize>i << 2)) << 2);
    const pos = load<i32>(c);
    store<i32>(out + (<usize>pos << 2), i);
    store<i32>(c, pos + 1);
  }
}
