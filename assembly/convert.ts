// Layout conversions at the Arrow boundary: Arrow packs booleans and validity as bits and stores
// decimals as 128-bit integers; Kindling's kernels use one byte per flag and 64-bit decimals.
// Pure functions over pointers and lengths.

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
  let zeros = 0;
  let i = 0;
  const zero = i8x16.splat(0);
  for (; i + 16 <= n; i += 16) {
    const eq = i8x16.eq(v128.load(src + <usize>i), zero);
    zeros += <i32>popcnt<i32>(i8x16.bitmask(eq));
  }
  for (; i < n; i++) if (load<u8>(src + <usize>i) == 0) zeros++;
  return zeros;
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
