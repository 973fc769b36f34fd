// Column hashing: one u64 hash per row, written to `out` or folded into it (multi-column keys).
//
// Every hash is the engine's one hash (assembly/lib/hash.ts), so aggregation, joins and shuffles
// agree on a key wherever it is hashed:
// - fixed-width values are hashed from their 64-bit normalised form: integers sign-extended (an
//   int32 key and an int64 key with the same value hash equally), floats widened to f64 and
//   normalised (-0.0 -> 0.0, every NaN -> one NaN); booleans as the integer 0/1;
// - strings with hash_bytes over their UTF-8 bytes;
// - nulls hash to NULL_HASH.
// `combine == 0` writes out[i] = h; `combine != 0` writes out[i] = hash_combine(out[i], h).
//
// The fixed-width loops run hash_u64 / hash_combine on i64x2 lanes, four rows per iteration; the
// vector code is the lane-wise transcription of lib/hash.ts (tests check it bit for bit against a
// reference of the scalar functions, which also hash the tail rows).

import { hash_u64, hash_f64 as hash_f64_value, hash_bytes, hash_combine, NULL_HASH, HASH_SEED, PRIME64_1, PRIME64_2, PRIME64_3, PRIME64_4, PRIME64_5 } from './lib/hash';

// ---- vector transcription of lib/hash.ts ---------------------------------------------------------

// @ts-ignore: decorator
@inline function rotl_v(x: v128, r: i32): v128 {
  return v128.or(i64x2.shl(x, r), i64x2.shr_u(x, 64 - r));
}

// @ts-ignore: decorator
@inline function avalanche_v(h: v128): v128 {
  h = v128.xor(h, i64x2.shr_u(h, 33));
  h = i64x2.mul(h, i64x2.splat(<i64>PRIME64_2));
  h = v128.xor(h, i64x2.shr_u(h, 29));
  h = i64x2.mul(h, i64x2.splat(<i64>PRIME64_3));
  return v128.xor(h, i64x2.shr_u(h, 32));
}

/** hash_u64 on both lanes. */
// @ts-ignore: decorator
@inline function hash_u64_v(v: v128): v128 {
  let k = i64x2.mul(v, i64x2.splat(<i64>PRIME64_2));
  k = i64x2.mul(rotl_v(k, 31), i64x2.splat(<i64>PRIME64_1));
  let h = v128.xor(i64x2.splat(<i64>(HASH_SEED + PRIME64_5 + 8)), k);
  h = i64x2.add(i64x2.mul(rotl_v(h, 27), i64x2.splat(<i64>PRIME64_1)), i64x2.splat(<i64>PRIME64_4));
  return avalanche_v(h);
}

/** hash_combine on both lanes. */
// @ts-ignore: decorator
@inline function combine_v(acc: v128, h: v128): v128 {
  const x = v128.xor(rotl_v(acc, 23), h);
  return avalanche_v(i64x2.add(i64x2.mul(x, i64x2.splat(<i64>PRIME64_1)), i64x2.splat(<i64>PRIME64_4)));
}

/** normalize_f64_bits on both lanes: -0.0 -> 0.0, every NaN -> 0x7FF8000000000000. */
// @ts-ignore: decorator
@inline function normalize_f64_v(v: v128): v128 {
  const nan = f64x2.ne(v, v);
  const zero = f64x2.eq(v, f64x2.splat(0.0));
  return v128.bitselect(i64x2.splat(0x7FF8000000000000), v128.andnot(v, zero), nan);
}

// ---- fixed-width kernel --------------------------------------------------------------------------

/** Loads rows i..i+1 (lo) or i+2..i+3 (hi) as 64-bit normalised lanes. */
// @ts-ignore: decorator
@inline function load_pair<T>(values: usize, i: i32, hi: bool): v128 {
  const p = values + (<usize>i) * sizeof<T>() + (hi ? 2 * sizeof<T>() : 0);
  if (isFloat<T>()) {
    if (sizeof<T>() == 8) return normalize_f64_v(v128.load(p));
    return normalize_f64_v(f64x2.promote_low_f32x4(v128.load64_zero(p)));
  }
  // Every load reads exactly the two rows' bytes (no over-read past the buffer's end).
  if (sizeof<T>() == 8) return v128.load(p);
  if (sizeof<T>() == 4) return v128.load32x2_s(p);
  if (sizeof<T>() == 2) return i64x2.extend_low_i32x4_s(i32x4.extend_low_i16x8_s(v128.load32_zero(p)));
  // one byte: int8 (signed) and booleans (u8, 0/1)
  if (isSigned<T>()) return i64x2.extend_low_i32x4_s(i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load16_splat(p))));
  return i64x2.extend_low_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load16_splat(p))));
}

/** Hash of one value as lib/hash.ts defines it. */
// @ts-ignore: decorator
@inline function hash_scalar<T>(values: usize, i: i32): u64 {
  const v = load<T>(values + (<usize>i) * sizeof<T>());
  if (isFloat<T>()) return hash_f64_value(<f64>v);
  if (isSigned<T>()) return hash_u64(<u64>(<i64>v));
  return hash_u64(<u64>v);
}

// @ts-ignore: decorator
@inline function hash_fixed<T>(values: usize, validity: usize, n: i32, out: usize, combine: bool): void {
  const nullv = i64x2.splat(<i64>NULL_HASH);
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let h0 = hash_u64_v(load_pair<T>(values, i, false));
    let h1 = hash_u64_v(load_pair<T>(values, i, true));
    if (validity != 0) {
      // 4 validity bytes -> i32 lanes -> all-ones where null -> two i64x2 masks.
      const vb = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(validity + <usize>i)));
      const isNull = i32x4.eq(vb, zero);
      h0 = v128.bitselect(nullv, h0, i64x2.extend_low_i32x4_s(isNull));
      h1 = v128.bitselect(nullv, h1, i64x2.extend_high_i32x4_s(isNull));
    }
    const o = out + (<usize>i << 3);
    if (combine) {
      h0 = combine_v(v128.load(o), h0);
      h1 = combine_v(v128.load(o, 16), h1);
    }
    v128.store(o, h0);
    v128.store(o, h1, 16);
  }
  for (; i < n; i++) {
    const h = validity != 0 && load<u8>(validity + <usize>i) == 0 ? NULL_HASH : hash_scalar<T>(values, i);
    const o = out + (<usize>i << 3);
    store<u64>(o, combine ? hash_combine(load<u64>(o), h) : h);
  }
}

/** Hashes `n` int8 values (validity: one byte per row, 0 = all valid) into the u64s at `out`. */
export function hash_i8(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<i8>(values, validity, n, out, true);
  else hash_fixed<i8>(values, validity, n, out, false);
}

/** Hashes `n` boolean bytes (0/1) like the integers 0/1. */
export function hash_bool(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<u8>(values, validity, n, out, true);
  else hash_fixed<u8>(values, validity, n, out, false);
}

/** Hashes `n` int16 values. */
export function hash_i16(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<i16>(values, validity, n, out, true);
  else hash_fixed<i16>(values, validity, n, out, false);
}

/** Hashes `n` int32 values (also date32). */
export function hash_i32(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<i32>(values, validity, n, out, true);
  else hash_fixed<i32>(values, validity, n, out, false);
}

/** Hashes `n` int64 values (also decimal unscaled values and timestamps). */
export function hash_i64(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<i64>(values, validity, n, out, true);
  else hash_fixed<i64>(values, validity, n, out, false);
}

/** Hashes `n` float32 values as their f64 widening (normalised). */
export function hash_f32(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<f32>(values, validity, n, out, true);
  else hash_fixed<f32>(values, validity, n, out, false);
}

/** Hashes `n` float64 values (normalised: -0.0 = 0.0, NaN = NaN). */
export function hash_f64(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  if (combine != 0) hash_fixed<f64>(values, validity, n, out, true);
  else hash_fixed<f64>(values, validity, n, out, false);
}

// ---- strings and nulls ---------------------------------------------------------------------------

/** Hashes `n` strings (int32 offsets, n + 1 entries, and UTF-8 bytes) with hash_bytes. */
export function hash_utf8(offsets: usize, bytes: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  for (let i = 0; i < n; i++) {
    let h: u64;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) h = NULL_HASH;
    else {
      const start = load<i32>(offsets + (<usize>i << 2));
      const end = load<i32>(offsets + (<usize>i << 2), 4);
      h = hash_bytes(bytes + <usize>start, end - start);
    }
    const o = out + (<usize>i << 3);
    store<u64>(o, combine != 0 ? hash_combine(load<u64>(o), h) : h);
  }
}

/** Hashes `n` nulls (a column of the null type): every row is NULL_HASH. */
export function hash_nulls(n: i32, out: usize, combine: i32): void {
  for (let i = 0; i < n; i++) {
    const o = out + (<usize>i << 3);
    store<u64>(o, combine != 0 ? hash_combine(load<u64>(o), NULL_HASH) : NULL_HASH);
  }
}
