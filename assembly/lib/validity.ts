// Validity-byte helpers shared by kernel families (inlined into each module that imports them).
// Validity is one byte per row: 1 valid, 0 null.

/** Number of zero bytes among the 16 lanes of `v`. */
// @ts-ignore: decorator
@inline export function zeroLanes(v: v128): i32 {
  return <i32>popcnt<i32>(i8x16.bitmask(i8x16.eq(v, i8x16.splat(0))));
}

/** Counts zero bytes among `n` bytes at `p` (the null count of a validity buffer). SIMD. */
// @ts-ignore: decorator
@inline export function countZeroBytes(p: usize, n: i32): i32 {
  let zeros = 0;
  let i = 0;
  for (; i + 16 <= n; i += 16) zeros += zeroLanes(v128.load(p + <usize>i));
  for (; i < n; i++) zeros += <i32>(load<u8>(p + <usize>i) == 0);
  return zeros;
}

/** dst[i] = a[i] & b[i] for `n` validity bytes; returns the number of zero (null) results. SIMD. */
// @ts-ignore: decorator
@inline export function andValidity(a: usize, b: usize, n: i32, dst: usize): i32 {
  let zeros = 0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.and(v128.load(a + <usize>i), v128.load(b + <usize>i));
    v128.store(dst + <usize>i, v);
    zeros += zeroLanes(v);
  }
  for (; i < n; i++) {
    const v = load<u8>(a + <usize>i) & load<u8>(b + <usize>i);
    store<u8>(dst + <usize>i, v);
    zeros += <i32>(v == 0);
  }
  return zeros;
}
