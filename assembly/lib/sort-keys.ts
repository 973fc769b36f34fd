// Order-preserving ("normalised") sort keys: every fixed-width value maps to an unsigned integer of
// the same width whose unsigned order is Spark's SQL order, so that sorting reduces to comparing
// unsigned integers (radix digits) or byte strings (memcmp), as in DuckDB's normalised sort keys.
//
// - signed integers: flip the sign bit (two's complement -> offset binary);
// - floats: the total-order bit trick (Michael Herf, "Radix Tricks", 2001,
//   http://stereopsis.com/radix.html; also IEEE 754-2008 totalOrder): flip the sign bit of
//   non-negative values and every bit of negative ones. Before that, Spark semantics are applied:
//   -0.0 becomes 0.0 (they compare equal) and every NaN becomes the one canonical positive NaN,
//   which is larger than +Infinity and equal to every other NaN;
// - booleans (one byte 0/1) are already unsigned.

/** Flag bits shared by the encode kernels (mirrored in src/kernels/sort.ts). */
// @ts-ignore: decorator
@inline export const KEY_DESC: i32 = 1;
// @ts-ignore: decorator
@inline export const KEY_NULLS_FIRST: i32 = 2;
/** Encode into a u64 array (value at bit `offset`) instead of big-endian bytes of key rows. */
// @ts-ignore: decorator
@inline export const KEY_U64_MODE: i32 = 4;
/** The key has a leading null byte (the column has nulls). */
// @ts-ignore: decorator
@inline export const KEY_NULL_BYTE: i32 = 8;
/** U64 mode: store the key instead of OR-ing it in (the first key; dst need not be zeroed). */
// @ts-ignore: decorator
@inline export const KEY_OVERWRITE: i32 = 16;

/** All-ones mask of sizeof<T>() bytes. */
// @ts-ignore: decorator
@inline export function width_mask<T>(): u64 {
  return sizeof<T>() == 8 ? 0xFFFFFFFFFFFFFFFF : ((<u64>1) << (<u64>sizeof<T>() * 8)) - 1;
}

/** The order-preserving unsigned image of `v` (sizeof<T>() significant bytes, upper bytes zero). */
// @ts-ignore: decorator
@inline export function normalize_key<T>(v: T): u64 {
  if (isFloat<T>()) {
    if (sizeof<T>() == 8) {
      const x = <f64>v;
      let b = reinterpret<u64>(x);
      if (x != x) b = 0x7FF8000000000000;
      else if (x == 0) b = 0;
      return b ^ (<u64>(<i64>b >> 63) | 0x8000000000000000);
    } else {
      const x = <f32>v;
      let b = reinterpret<u32>(x);
      if (x != x) b = 0x7FC00000;
      else if (x == 0) b = 0;
      return <u64>(b ^ (<u32>(<i32>b >> 31) | 0x80000000));
    }
  } else if (isSigned<T>()) {
    const top: u64 = (<u64>1) << (<u64>sizeof<T>() * 8 - 1);
    return ((<u64>(<i64>v)) & width_mask<T>()) ^ top;
  } else {
    return <u64>v;
  }
}

/** Stores the low sizeof<T>() bytes of `k` at `p`, most significant byte first (memcmp order). */
// @ts-ignore: decorator
@inline export function store_be<T>(p: usize, k: u64): void {
  if (sizeof<T>() == 1) store<u8>(p, <u8>k);
  else if (sizeof<T>() == 2) store<u16>(p, bswap<u16>(<u16>k));
  else if (sizeof<T>() == 4) store<u32>(p, bswap<u32>(<u32>k));
  else store<u64>(p, bswap<u64>(k));
}
