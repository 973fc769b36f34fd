// Parquet page decoding: raw Snappy decompression, the RLE / bit-packing hybrid (definition levels
// and dictionary indices), PLAIN byte arrays, big-endian fixed-length decimals, and the scatter of
// densely stored non-null values to their row positions. Pure functions over pointers and lengths;
// every read is bounds-checked against the length it is given, so a corrupt page returns an error
// code (negative) instead of reading or writing outside its buffers.
//
// Formats: https://github.com/google/snappy/blob/main/format_description.txt and
// https://parquet.apache.org/docs/file-format/data-pages/encodings/ (RLE_DICTIONARY, RLE hybrid).

/** Error codes returned by the decoders (all negative). */
const E_TRUNCATED: i32 = -1; // input ended before the expected data
const E_OVERFLOW: i32 = -2; // output would exceed its capacity / declared size
const E_BAD_OFFSET: i32 = -3; // a Snappy copy points before the start of the output

/** Reads a ULEB128 varint at `p` (< end); returns it and stores the new position in `posOut`. -1 when truncated. */
function varint(p: usize, end: usize, posOut: usize): i64 {
  let result: u64 = 0;
  let shift: u64 = 0;
  while (p < end) {
    const b = <u64>load<u8>(p);
    p++;
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      store<usize>(posOut, p);
      return <i64>result;
    }
    shift += 7;
    if (shift > 35) return -1;
  }
  return -1;
}

/** The uncompressed length a raw Snappy block declares (its leading varint), or -1 if truncated. */
export function snappy_uncompressed_length(src: usize, srcLen: i32): i32 {
  const scratch = memory.data(8);
  const v = varint(src, src + <usize>srcLen, scratch);
  return v < 0 || v > 0x7fffffff ? -1 : <i32>v;
}

/**
 * Decompresses a raw Snappy block of `srcLen` bytes into `dst` (capacity `dstCap`). Returns the
 * decompressed length, or a negative error code for corrupt input.
 */
export function snappy_decompress(src: usize, srcLen: i32, dst: usize, dstCap: i32): i32 {
  const end = src + <usize>srcLen;
  const pos = memory.data(8);
  const total = varint(src, end, pos);
  if (total < 0) return E_TRUNCATED;
  if (total > <i64>dstCap) return E_OVERFLOW;
  let p = load<usize>(pos);
  const outEnd = dst + <usize>total;
  let o = dst;
  while (p < end) {
    const tag = <u32>load<u8>(p);
    p++;
    const kind = tag & 3;
    if (kind == 0) {
      // Literal: length-1 in the upper 6 bits, or in 1..4 following bytes.
      let len = <usize>(tag >> 2);
      if (len >= 60) {
        const extra = len - 59;
        if (p + extra > end) return E_TRUNCATED;
        len = 0;
        for (let i: usize = 0; i < extra; i++) len |= <usize>load<u8>(p + i) << (8 * i);
        p += extra;
      }
      len += 1;
      if (p + len > end) return E_TRUNCATED;
      if (o + len > outEnd) return E_OVERFLOW;
      memory.copy(o, p, len);
      o += len;
      p += len;
      continue;
    }
    let len: usize;
    let offset: usize;
    if (kind == 1) {
      if (p >= end) return E_TRUNCATED;
      len = <usize>(((tag >> 2) & 7) + 4);
      offset = (<usize>(tag >> 5) << 8) | <usize>load<u8>(p);
      p += 1;
    } else if (kind == 2) {
      if (p + 2 > end) return E_TRUNCATED;
      len = <usize>((tag >> 2) + 1);
      offset = <usize>load<u16>(p);
      p += 2;
    } else {
      if (p + 4 > end) return E_TRUNCATED;
      len = <usize>((tag >> 2) + 1);
      offset = <usize>load<u32>(p);
      p += 4;
    }
    if (offset == 0 || offset > o - dst) return E_BAD_OFFSET;
    if (o + len > outEnd) return E_OVERFLOW;
    const from = o - offset;
    if (offset >= len) {
      memory.copy(o, from, len);
    } else if (offset >= 8) {
      // Overlapping by at least 8 bytes: 8-byte steps stay ahead of the bytes they read.
      let i: usize = 0;
      for (; i + 8 <= len; i += 8) store<u64>(o + i, load<u64>(from + i));
      for (; i < len; i++) store<u8>(o + i, load<u8>(from + i));
    } else {
      // A short repeating pattern (run-length style): byte by byte.
      for (let i: usize = 0; i < len; i++) store<u8>(o + i, load<u8>(from + i));
    }
    o += len;
  }
  return o == outEnd ? <i32>total : E_TRUNCATED;
}

/** Unpacks `count` values of `bitWidth` (<= 32) bits, LSB first, starting at bit 0 of `p`, into int32s at `dst`. `p` must have `count * bitWidth / 8` readable bytes. */
@inline
function unpackGroupsI32(p: usize, end: usize, bitWidth: i32, count: i32, dst: usize): void {
  const mask: u64 = bitWidth == 32 ? 0xffffffff : ((<u64>1 << <u64>bitWidth) - 1);
  let bit: usize = 0;
  let i = 0;
  // Fast path: an unaligned 8-byte load covers any value of <= 32 bits at any bit offset.
  for (; i < count; i++) {
    const at = p + (bit >> 3);
    if (at + 8 > end) break;
    store<i32>(dst + (<usize>i << 2), <i32>((load<u64>(at) >> <u64>(bit & 7)) & mask));
    bit += <usize>bitWidth;
  }
  for (; i < count; i++) {
    let v: u64 = 0;
    for (let b = 0; b < bitWidth; b++) {
      const bb = bit + <usize>b;
      v |= <u64>((load<u8>(p + (bb >> 3)) >> <u8>(bb & 7)) & 1) << <u64>b;
    }
    store<i32>(dst + (<usize>i << 2), <i32>v);
    bit += <usize>bitWidth;
  }
}

/**
 * Decodes `n` values of the RLE / bit-packing hybrid (no length prefix) with `bitWidth` (0..32)
 * from `src` (`srcLen` bytes) into int32s at `dst`. Returns the number of bytes consumed, or a
 * negative error code. Bit-packed runs hold multiples of 8 values; extra values are dropped.
 */
export function rle_hybrid_decode_i32(src: usize, srcLen: i32, bitWidth: i32, n: i32, dst: usize): i32 {
  if (bitWidth < 0 || bitWidth > 32) return E_OVERFLOW;
  const end = src + <usize>srcLen;
  const pos = memory.data(8);
  let p = src;
  let done = 0;
  const byteWidth = <usize>((bitWidth + 7) >> 3);
  while (done < n) {
    const h = varint(p, end, pos);
    if (h < 0) return E_TRUNCATED;
    p = load<usize>(pos);
    if ((h & 1) == 0) {
      // RLE run: count, then the value in ceil(bitWidth / 8) bytes.
      const run = <i32>(h >> 1);
      if (p + byteWidth > end) return E_TRUNCATED;
      let v: u32 = 0;
      for (let i: usize = 0; i < byteWidth; i++) v |= <u32>load<u8>(p + i) << (8 * <u32>i);
      p += byteWidth;
      const take = min(run, n - done);
      const splat = i32x4.splat(<i32>v);
      let o = dst + (<usize>done << 2);
      let i = 0;
      for (; i + 4 <= take; i += 4) {
        v128.store(o, splat);
        o += 16;
      }
      for (; i < take; i++) {
        store<i32>(o, <i32>v);
        o += 4;
      }
      done += take;
    } else {
      const groups = <i32>(h >> 1);
      const bytes = <usize>groups * <usize>bitWidth;
      if (p + bytes > end) return E_TRUNCATED;
      const values = min(groups * 8, n - done);
      if (bitWidth == 0) {
        memory.fill(dst + (<usize>done << 2), 0, <usize>values << 2);
      } else {
        unpackGroupsI32(p, end, bitWidth, values, dst + (<usize>done << 2));
      }
      p += bytes;
      done += values;
    }
  }
  return <i32>(p - src);
}

/**
 * Definition levels of a flat OPTIONAL column (max level 1, bit width 1) to validity bytes (1 = value,
 * 0 = null) at `dst`: decodes the hybrid directly into bytes. Returns the number of nulls, or a
 * negative error code.
 */
export function def_levels_to_validity(src: usize, srcLen: i32, n: i32, dst: usize): i32 {
  const end = src + <usize>srcLen;
  const pos = memory.data(8);
  let p = src;
  let done = 0;
  let ones = 0;
  while (done < n) {
    const h = varint(p, end, pos);
    if (h < 0) return E_TRUNCATED;
    p = load<usize>(pos);
    if ((h & 1) == 0) {
      const run = <i32>(h >> 1);
      if (p + 1 > end) return E_TRUNCATED;
      const v = load<u8>(p) & 1;
      p += 1;
      const take = min(run, n - done);
      memory.fill(dst + <usize>done, v, <usize>take);
      if (v) ones += take;
      done += take;
    } else {
      const groups = <i32>(h >> 1);
      if (p + <usize>groups > end) return E_TRUNCATED;
      const values = min(groups * 8, n - done);
      const o = dst + <usize>done;
      let i = 0;
      for (; i + 8 <= values; i += 8) {
        const b = <u64>load<u8>(p + (<usize>i >> 3));
        // Spread 8 bits over 8 bytes: replicate the byte, keep bit k in byte k, turn non-zero bytes into 1.
        const picked = (b * 0x0101010101010101) & 0x8040201008040201;
        store<u64>(o + <usize>i, ((picked + 0x7f7f7f7f7f7f7f7f) >> 7) & 0x0101010101010101);
        ones += <i32>popcnt<u64>(b);
      }
      for (; i < values; i++) {
        const v = (load<u8>(p + (<usize>i >> 3)) >> <u8>(i & 7)) & 1;
        store<u8>(o + <usize>i, v);
        ones += <i32>v;
      }
      p += <usize>groups;
      done += values;
    }
  }
  return n - ones;
}

/**
 * Scatters `dense` values (`width` bytes each, one per valid row) to their rows at `dst`
 * (`n` rows, zero for null rows) following `validity` (one byte per row). Returns the number of
 * dense values consumed.
 */
export function expand_fixed(dense: usize, validity: usize, n: i32, width: i32, dst: usize): i32 {
  let j: usize = 0;
  const w = <usize>width;
  if (width == 4) {
    for (let i = 0; i < n; i++) {
      const ok = load<u8>(validity + <usize>i);
      store<u32>(dst + (<usize>i << 2), ok ? load<u32>(dense + (j << 2)) : 0);
      j += <usize>ok;
    }
  } else if (width == 8) {
    for (let i = 0; i < n; i++) {
      const ok = load<u8>(validity + <usize>i);
      store<u64>(dst + (<usize>i << 3), ok ? load<u64>(dense + (j << 3)) : 0);
      j += <usize>ok;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const ok = load<u8>(validity + <usize>i);
      if (ok) memory.copy(dst + <usize>i * w, dense + j * w, w);
      else memory.fill(dst + <usize>i * w, 0, w);
      j += <usize>ok;
    }
  }
  return <i32>j;
}

/**
 * Offsets (n + 1 int32s) for `n` rows from the offsets of the dense non-null values: null rows
 * are empty strings. Returns the number of dense values consumed.
 */
export function expand_offsets(denseOffsets: usize, validity: usize, n: i32, dst: usize): i32 {
  let j: usize = 0;
  let at: i32 = 0;
  store<i32>(dst, 0);
  for (let i = 0; i < n; i++) {
    if (load<u8>(validity + <usize>i)) {
      at += load<i32>(denseOffsets + ((j + 1) << 2)) - load<i32>(denseOffsets + (j << 2));
      j++;
    }
    store<i32>(dst + ((<usize>i + 1) << 2), at);
  }
  return <i32>j;
}

/**
 * PLAIN BYTE_ARRAY values (4-byte little-endian length, then the bytes; `count` of them in
 * `srcLen` bytes) to offsets (count + 1 int32s, from 0) and contiguous bytes at `bytesDst`
 * (capacity `srcLen`). Returns the total payload length, or a negative error code.
 */
export function plain_byte_array_decode(src: usize, srcLen: i32, count: i32, offsetsDst: usize, bytesDst: usize): i32 {
  const end = src + <usize>srcLen;
  let p = src;
  let at: usize = 0;
  store<i32>(offsetsDst, 0);
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) return E_TRUNCATED;
    const len = <usize>load<u32>(p);
    p += 4;
    if (len > end - p) return E_TRUNCATED;
    memory.copy(bytesDst + at, p, len);
    p += len;
    at += len;
    store<i32>(offsetsDst + ((<usize>i + 1) << 2), <i32>at);
  }
  return <i32>at;
}

/**
 * `count` big-endian two's complement integers of `typeLength` bytes (FIXED_LEN_BYTE_ARRAY or
 * BYTE_ARRAY decimals) to int64 at `dst`. Returns the first index whose value does not fit in 64
 * bits, or -1 when all fit.
 */
export function be_fixed_to_i64(src: usize, count: i32, typeLength: i32, dst: usize): i32 {
  const tl = <usize>typeLength;
  for (let i = 0; i < count; i++) {
    const p = src + <usize>i * tl;
    let v: i64 = 0;
    if (tl >= 8) {
      // The bytes before the last 8 must be pure sign extension of them.
      const ext: u8 = load<i8>(p + tl - 8) < 0 ? 0xff : 0;
      for (let b: usize = 0; b + 8 < tl; b++) if (load<u8>(p + b) != ext) return i;
      v = <i64>bswap<u64>(load<u64>(p + tl - 8));
    } else if (tl > 0) {
      v = <i64>load<i8>(p); // sign-extend the first byte
      for (let b: usize = 1; b < tl; b++) v = (v << 8) | <i64>load<u8>(p + b);
    }
    store<i64>(dst + (<usize>i << 3), v);
  }
  return -1;
}

/** int32 values to int8 (`width` 1) or int16 (`width` 2) by truncation (Parquet stores narrow integers as INT32). */
export function narrow_i32(src: usize, n: i32, width: i32, dst: usize): void {
  if (width == 1) for (let i = 0; i < n; i++) store<i8>(dst + <usize>i, <i8>load<i32>(src + (<usize>i << 2)));
  else for (let i = 0; i < n; i++) store<i16>(dst + (<usize>i << 1), <i16>load<i32>(src + (<usize>i << 2)));
}

/** int32 values to int64, sign-extended (`signed` 1) or zero-extended (0). */
export function widen_i32_i64(src: usize, n: i32, signed: i32, dst: usize): void {
  if (signed) for (let i = 0; i < n; i++) store<i64>(dst + (<usize>i << 3), <i64>load<i32>(src + (<usize>i << 2)));
  else for (let i = 0; i < n; i++) store<i64>(dst + (<usize>i << 3), <i64>load<u32>(src + (<usize>i << 2)));
}

/** The first of `n` int32 indices at `src` outside [0, limit) whose row is valid (validity 0 = all valid), or -1. */
export function first_bad_index(src: usize, validity: usize, n: i32, limit: i32): i32 {
  const lim = i32x4.splat(limit);
  let i = 0;
  if (validity == 0) {
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      // Unsigned compare catches negatives too.
      if (v128.any_true(i32x4.ge_u(v, lim))) break;
    }
  }
  for (; i < n; i++) {
    const v = <u32>load<i32>(src + (<usize>i << 2));
    if (v >= <u32>limit && (validity == 0 || load<u8>(validity + <usize>i) != 0)) return i;
  }
  return -1;
}

// ------------------------------------------------------------------------------------------------
// DELTA_BINARY_PACKED (and the byte-array encodings built on it), written by Parquet v2 writers.
// ------------------------------------------------------------------------------------------------

/** Reads a zigzag varint as i64; -1 in `okOut` (an i32 slot) when truncated. */
function zigzag(p: usize, end: usize, posOut: usize, okOut: usize): i64 {
  let result: u64 = 0;
  let shift: u64 = 0;
  while (p < end && shift < 70) {
    const b = <u64>load<u8>(p);
    p++;
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      store<usize>(posOut, p);
      store<i32>(okOut, 1);
      return <i64>(result >> 1) ^ -<i64>(result & 1);
    }
    shift += 7;
  }
  store<i32>(okOut, 0);
  return 0;
}

/** Bits [bit, bit + bitWidth) of the little-endian bit stream at `p` (bitWidth <= 64); `p` must have 9 readable bytes from `bit >> 3` unless `safe`. */
@inline
function unpack64(p: usize, bit: usize, bitWidth: u64, end: usize): u64 {
  if (bitWidth == 0) return 0;
  const at = p + (bit >> 3);
  const shift = <u64>(bit & 7);
  let v: u64;
  if (at + 9 <= end) {
    v = load<u64>(at) >> shift;
    if (shift + bitWidth > 64) v |= <u64>load<u8>(at + 8) << (64 - shift);
  } else {
    v = 0;
    for (let b: u64 = 0; b < bitWidth; b++) {
      const bb = bit + <usize>b;
      v |= <u64>((load<u8>(p + (bb >> 3)) >> <u8>(bb & 7)) & 1) << b;
    }
  }
  return bitWidth == 64 ? v : v & ((<u64>1 << bitWidth) - 1);
}

/**
 * Decodes `n` values of DELTA_BINARY_PACKED into int32 (`is64` 0) or int64 (`is64` 1) at `dst`.
 * Returns the bytes consumed (the position after the last miniblock that holds values), or a
 * negative error code. Arithmetic wraps like the writer's (two's complement).
 */
export function delta_binary_packed_decode(src: usize, srcLen: i32, n: i32, is64: i32, dst: usize): i32 {
  const end = src + <usize>srcLen;
  const pos = memory.data(8);
  const ok = memory.data(4);
  const blockSize = varint(src, end, pos);
  if (blockSize < 0) return E_TRUNCATED;
  let p = load<usize>(pos);
  const miniblocks = varint(p, end, pos);
  if (miniblocks <= 0) return E_TRUNCATED;
  p = load<usize>(pos);
  const total = varint(p, end, pos);
  if (total < 0) return E_TRUNCATED;
  p = load<usize>(pos);
  let value = zigzag(p, end, pos, ok);
  if (!load<i32>(ok)) return E_TRUNCATED;
  p = load<usize>(pos);
  if (<i64>n > total) return E_TRUNCATED;
  if (blockSize % 128 != 0 || blockSize == 0 || (blockSize / miniblocks) % 32 != 0) return E_OVERFLOW;
  const perMini = <i32>(blockSize / miniblocks);
  if (n == 0) return <i32>(p - src);
  if (is64) store<i64>(dst, value);
  else store<i32>(dst, <i32>value);
  let done = 1;
  while (done < n) {
    const minDelta = zigzag(p, end, pos, ok);
    if (!load<i32>(ok)) return E_TRUNCATED;
    p = load<usize>(pos);
    const widths = p;
    if (p + <usize>miniblocks > end) return E_TRUNCATED;
    p += <usize>miniblocks;
    for (let m = 0; m < <i32>miniblocks && done < n; m++) {
      const bw = <u64>load<u8>(widths + <usize>m);
      if (bw > 64) return E_OVERFLOW;
      const bytes = <usize>perMini * <usize>bw / 8;
      if (p + bytes > end) return E_TRUNCATED;
      const take = min(perMini, n - done);
      for (let i = 0; i < take; i++) {
        value += minDelta + <i64>unpack64(p, <usize>i * <usize>bw, bw, p + bytes);
        if (is64) store<i64>(dst + (<usize>done << 3), value);
        else store<i32>(dst + (<usize>done << 2), <i32>value);
        done++;
      }
      p += bytes;
    }
  }
  return <i32>(p - src);
}

/**
 * Offsets (count + 1 int32s from 0) as prefix sums of `count` int32 lengths at `lengths`. Returns
 * the total, or -1 when a length is negative or the total exceeds `maxTotal`.
 */
export function lengths_to_offsets(lengths: usize, count: i32, maxTotal: i32, dst: usize): i32 {
  let at: i64 = 0;
  store<i32>(dst, 0);
  for (let i = 0; i < count; i++) {
    const len = load<i32>(lengths + (<usize>i << 2));
    if (len < 0) return -1;
    at += <i64>len;
    if (at > <i64>maxTotal) return -1;
    store<i32>(dst + ((<usize>i + 1) << 2), <i32>at);
  }
  return <i32>at;
}

/**
 * DELTA_BYTE_ARRAY reconstruction: value i is the first `prefix[i]` bytes of value i - 1 followed
 * by suffix i (`suffixOffsets` into `suffixBytes`). Writes offsets (count + 1) and bytes (capacity
 * `cap`). Returns the total bytes, or -1 when a prefix is longer than the previous value or the
 * output exceeds `cap`.
 */
export function delta_byte_array_build(prefixes: usize, suffixOffsets: usize, suffixBytes: usize, count: i32, dstOffsets: usize, dstBytes: usize, cap: i32): i32 {
  let at: usize = 0;
  let prevStart: usize = 0;
  let prevLen: i32 = 0;
  store<i32>(dstOffsets, 0);
  for (let i = 0; i < count; i++) {
    const prefix = load<i32>(prefixes + (<usize>i << 2));
    const sStart = load<i32>(suffixOffsets + (<usize>i << 2));
    const sLen = load<i32>(suffixOffsets + ((<usize>i + 1) << 2)) - sStart;
    if (prefix < 0 || prefix > prevLen || sLen < 0) return -1;
    if (<i64>at + <i64>prefix + <i64>sLen > <i64>cap) return -1;
    memory.copy(dstBytes + at, dstBytes + prevStart, <usize>prefix);
    memory.copy(dstBytes + at + <usize>prefix, suffixBytes + <usize>sStart, <usize>sLen);
    prevStart = at;
    prevLen = prefix + sLen;
    at += <usize>prevLen;
    store<i32>(dstOffsets + ((<usize>i + 1) << 2), <i32>at);
  }
  return <i32>at;
}

/** Sum of `count` int32s (the output size of DELTA_BYTE_ARRAY prefixes), as f64 to stay exact. */
export function sum_i32(src: usize, count: i32): f64 {
  let s: i64 = 0;
  for (let i = 0; i < count; i++) s += <i64>load<i32>(src + (<usize>i << 2));
  return <f64>s;
}

/**
 * `count` big-endian two's complement integers of `typeLength` bytes to 128-bit little-endian
 * values at `dst` (wide decimals). Returns the first index whose value does not fit in 128 bits,
 * or -1 when all fit.
 */
export function be_fixed_to_i128(src: usize, count: i32, typeLength: i32, dst: usize): i32 {
  const tl = <usize>typeLength;
  for (let i = 0; i < count; i++) {
    const p = src + <usize>i * tl;
    const o = dst + (<usize>i << 4);
    if (tl == 0) {
      store<u64>(o, 0);
      store<u64>(o, 0, 8);
      continue;
    }
    const negative = load<i8>(p) < 0;
    const ext: u8 = negative ? 0xff : 0;
    // Bytes beyond the 16 kept ones must be pure sign extension (and agree with the kept sign).
    if (tl > 16) {
      for (let b: usize = 0; b + 16 < tl; b++) if (load<u8>(p + b) != ext) return i;
      if ((load<i8>(p + tl - 16) < 0) != negative) return i;
    }
    const keep = tl > 16 ? <usize>16 : tl;
    const from = p + tl - keep;
    // Little-endian output: byte k of the result is byte (keep - 1 - k) of the kept big-endian tail.
    for (let k: usize = 0; k < 16; k++) store<u8>(o + k, k < keep ? load<u8>(from + keep - 1 - k) : ext);
  }
  return -1;
}
