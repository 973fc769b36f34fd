// String kernels over utf8 columns (int32 offsets (n + 1) + UTF-8 bytes), Apache Spark semantics.
// Pure functions over pointers and lengths. Validity is handled by the TypeScript side except where a
// kernel says otherwise (null rows are processed like any other row; their output is ignored).
//
// Characters are Unicode code points: a UTF-8 byte starts a character unless it is a continuation
// byte 0b10xxxxxx, i.e. a byte b with (i8)b > -65. Counting characters is counting such bytes.

/** Bytes per SIMD vector. */
@inline const LANES: i32 = 16;
/** Signed threshold: a byte is a continuation byte iff (i8)b <= CONT_MAX (0xBF). */
@inline const CONT_MAX: i8 = -65;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

@inline function isCont(b: u32): bool {
  return (b & 0xc0) == 0x80;
}

/** True when every byte of [p, end) is ASCII (< 0x80). SIMD OR-reduction, 64 bytes per step. */
function rangeIsAscii(p: usize, end: usize): bool {
  let acc = i8x16.splat(0);
  for (; p + 64 <= end; p += 64) {
    const a = v128.or(v128.load(p), v128.load(p + 16));
    const b = v128.or(v128.load(p + 32), v128.load(p + 48));
    acc = v128.or(acc, v128.or(a, b));
  }
  for (; p + LANES <= end; p += LANES) acc = v128.or(acc, v128.load(p));
  if (i8x16.bitmask(acc) != 0) return false;
  for (; p < end; p++) if (load<u8>(p) >= 0x80) return false;
  return true;
}

/**
 * Characters in the `len` bytes at `p`. SIMD: counts non-continuation bytes 16 at a time; the last
 * partial vector is loaded whole and masked by lane index when it stays inside the buffer
 * (`bufEnd`), so short strings take one vector step too.
 */
@inline function countChars(p: usize, len: i32, bufEnd: usize): i32 {
  let count = 0;
  const thr = i8x16.splat(CONT_MAX);
  while (len >= LANES) {
    count += popcnt<i32>(i8x16.bitmask(i8x16.gt_s(v128.load(p), thr)));
    p += LANES;
    len -= LANES;
  }
  if (len > 0) {
    if (p + LANES <= bufEnd) {
      const lanes = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
      const keep = i8x16.lt_u(lanes, i8x16.splat(<i8>len));
      count += popcnt<i32>(i8x16.bitmask(v128.and(i8x16.gt_s(v128.load(p), thr), keep)));
    } else {
      for (let i = 0; i < len; i++) if (!isCont(load<u8>(p + <usize>i))) count++;
    }
  }
  return count;
}

/** Moves `p` forward by `k` characters, stopping at `end`. */
@inline function advanceChars(p: usize, end: usize, k: i64): usize {
  while (k > 0 && p < end) {
    p++;
    while (p < end && isCont(load<u8>(p))) p++;
    k--;
  }
  return p;
}

/** Byte equality of `len` bytes at a and b (len <= 0 is equal). SIMD 16 bytes at a time. */
@inline function bytesEqual(a: usize, b: usize, len: i32): bool {
  let i = 0;
  for (; i + LANES <= len; i += LANES) {
    if (v128.any_true(v128.xor(v128.load(a + <usize>i), v128.load(b + <usize>i)))) return false;
  }
  for (; i < len; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

@inline function off(offsets: usize, i: i32): i32 {
  return load<i32>(offsets + (<usize>i << 2));
}

@inline function setOff(offsets: usize, i: i32, v: i32): void {
  store<i32>(offsets + (<usize>i << 2), v);
}

/** dst[i] = src[i] + delta for `n` int32 values. SIMD. */
function addI32(src: usize, n: i32, delta: i32, dst: usize): void {
  const d = i32x4.splat(delta);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.add(v128.load(src + (<usize>i << 2)), d));
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), load<i32>(src + (<usize>i << 2)) + delta);
}

// ---------------------------------------------------------------------------------------------
// Length, case, ASCII checks
// ---------------------------------------------------------------------------------------------

/** 1 when the bytes of all `n` rows are ASCII, else 0. */
export function utf8_is_ascii(offsets: usize, values: usize, n: i32): i32 {
  return rangeIsAscii(values + <usize>off(offsets, 0), values + <usize>off(offsets, n)) ? 1 : 0;
}

/**
 * dst[i] = number of characters (code points) of row i, as Spark's `length`. When the whole batch
 * is ASCII the lengths are the offset differences (SIMD subtract); otherwise a SIMD count of
 * non-continuation bytes per row. Returns 1 when the ASCII path was taken.
 */
export function utf8_length(offsets: usize, values: usize, n: i32, dst: usize): i32 {
  const end = values + <usize>off(offsets, n);
  if (rangeIsAscii(values + <usize>off(offsets, 0), end)) {
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const a = v128.load(offsets + (<usize>i << 2));
      const b = v128.load(offsets + (<usize>(i + 1) << 2));
      v128.store(dst + (<usize>i << 2), i32x4.sub(b, a));
    }
    for (; i < n; i++) store<i32>(dst + (<usize>i << 2), off(offsets, i + 1) - off(offsets, i));
    return 1;
  }
  for (let i = 0; i < n; i++) {
    const s = off(offsets, i);
    store<i32>(dst + (<usize>i << 2), countChars(values + <usize>s, off(offsets, i + 1) - s, end));
  }
  return 0;
}

/**
 * ASCII case mapping of `nBytes` bytes from src to dst (upper != 0: a-z -> A-Z, else A-Z -> a-z).
 * Bytes >= 0x80 are copied unchanged (rows holding them are fixed by the caller). SIMD.
 */
export function ascii_case(src: usize, nBytes: i32, dst: usize, upper: i32): void {
  const first: i8 = upper != 0 ? 0x61 : 0x41;
  const lo = i8x16.splat(first);
  const span = i8x16.splat(26);
  const bit = i8x16.splat(0x20);
  let i = 0;
  for (; i + LANES <= nBytes; i += LANES) {
    const v = v128.load(src + <usize>i);
    const inRange = i8x16.lt_u(i8x16.sub(v, lo), span);
    v128.store(dst + <usize>i, v128.xor(v, v128.and(inRange, bit)));
  }
  for (; i < nBytes; i++) {
    const b = <u32>load<u8>(src + <usize>i);
    store<u8>(dst + <usize>i, <u8>(b - <u32>first < 26 ? b ^ 0x20 : b));
  }
}

/**
 * Writes to `dstIdx` the indices of the valid rows holding a non-ASCII byte, in ascending order;
 * returns how many. `validity` 0 means all rows valid.
 */
export function non_ascii_rows(offsets: usize, values: usize, validity: usize, n: i32, dstIdx: usize): i32 {
  if (rangeIsAscii(values + <usize>off(offsets, 0), values + <usize>off(offsets, n))) return 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    if (!rangeIsAscii(values + <usize>off(offsets, i), values + <usize>off(offsets, i + 1))) {
      store<i32>(dstIdx + (<usize>count << 2), i);
      count++;
    }
  }
  return count;
}

/**
 * Builds a utf8 column from `src` where the `k` rows listed (ascending) in `idx` are replaced by the
 * strings of (repOff, repVal) (k + 1 offsets). Unreplaced runs are copied with one memory.copy each.
 * Returns the number of bytes written.
 */
export function splice_rows(
  srcOff: usize, srcVal: usize, n: i32, idx: usize, k: i32, repOff: usize, repVal: usize,
  dstOff: usize, dstVal: usize,
): i32 {
  let out = 0;
  let row = 0;
  setOff(dstOff, 0, 0);
  for (let j = 0; j <= k; j++) {
    const r = j < k ? load<i32>(idx + (<usize>j << 2)) : n;
    if (row < r) {
      const s = off(srcOff, row);
      const e = off(srcOff, r);
      memory.copy(dstVal + <usize>out, srcVal + <usize>s, <usize>(e - s));
      addI32(srcOff + (<usize>(row + 1) << 2), r - row, out - s, dstOff + (<usize>(row + 1) << 2));
      out += e - s;
    }
    if (j < k) {
      const rs = off(repOff, j);
      const len = off(repOff, j + 1) - rs;
      memory.copy(dstVal + <usize>out, repVal + <usize>rs, <usize>len);
      out += len;
      setOff(dstOff, r + 1, out);
    }
    row = r + 1;
  }
  return out;
}

/** Writes offsets rebased to start at 0 (dst[i] = src[i] - src[0]) for n + 1 entries. */
export function rebase_offsets(src: usize, n: i32, dst: usize): void {
  addI32(src, n + 1, -off(src, 0), dst);
}

// ---------------------------------------------------------------------------------------------
// substring, trim, concat
// ---------------------------------------------------------------------------------------------

/**
 * Spark's `substring(str, pos, len)` (UTF8String.substringSQL) by characters: 1-based pos, pos 0
 * acts as 1, negative pos counts from the end, len < 0 gives ''. Writes a new utf8 column
 * (dstVal must hold the input's byte count); returns the number of bytes written.
 */
export function substring(offsets: usize, values: usize, n: i32, pos: i32, len: i32, dstOff: usize, dstVal: usize): i32 {
  const bufEnd = values + <usize>off(offsets, n);
  const ascii = rangeIsAscii(values + <usize>off(offsets, 0), bufEnd);
  let out = 0;
  setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    const s = off(offsets, i);
    const e = off(offsets, i + 1);
    let start: i64 = 0;
    if (pos > 0) start = <i64>pos - 1;
    else if (pos < 0) start = <i64>(ascii ? e - s : countChars(values + <usize>s, e - s, bufEnd)) + <i64>pos;
    const stop: i64 = start + <i64>len;
    if (start < 0) start = 0;
    if (start < stop) {
      let bs: usize;
      let be: usize;
      const rowStart = values + <usize>s;
      const rowEnd = values + <usize>e;
      if (ascii) {
        const l = <i64>(e - s);
        bs = rowStart + <usize>(start < l ? start : l);
        be = rowStart + <usize>(stop < l ? stop : l);
      } else {
        bs = advanceChars(rowStart, rowEnd, start);
        be = advanceChars(bs, rowEnd, stop - start);
      }
      const count = <i32>(be - bs);
      memory.copy(dstVal + <usize>out, bs, <usize>count);
      out += count;
    }
    setOff(dstOff, i + 1, out);
  }
  return out;
}

/**
 * Spark's trim / ltrim / rtrim without a trim string: removes ASCII spaces (0x20) only.
 * mode 0 both ends, 1 left, 2 right. Returns the number of bytes written.
 */
export function trim(offsets: usize, values: usize, n: i32, mode: i32, dstOff: usize, dstVal: usize): i32 {
  let out = 0;
  setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    let s = values + <usize>off(offsets, i);
    let e = values + <usize>off(offsets, i + 1);
    if (mode != 2) while (s < e && load<u8>(s) == 0x20) s++;
    if (mode != 1) while (e > s && load<u8>(e - 1) == 0x20) e--;
    const count = <i32>(e - s);
    memory.copy(dstVal + <usize>out, s, <usize>count);
    out += count;
    setOff(dstOff, i + 1, out);
  }
  return out;
}

// A column descriptor for concat: three int32 words (offsets ptr, values ptr, validity ptr or 0).
@inline function descOffsets(descs: usize, c: i32): usize {
  return <usize>load<u32>(descs + <usize>c * 12);
}
@inline function descValues(descs: usize, c: i32): usize {
  return <usize>load<u32>(descs + <usize>c * 12 + 4);
}
@inline function descValidity(descs: usize, c: i32): usize {
  return <usize>load<u32>(descs + <usize>c * 12 + 8);
}

/**
 * Spark's `concat` of `k` utf8 columns described at `descs`: a row is null when any input is null
 * (its output is ''). Writes dstValid (one byte per row) when `dstValid` != 0. Stores the byte
 * count at stats[0] and the null count at stats[1].
 */
export function concat(descs: usize, k: i32, n: i32, dstValid: usize, dstOff: usize, dstVal: usize, stats: usize): void {
  let out = 0;
  let nulls = 0;
  setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    let valid = true;
    for (let c = 0; c < k; c++) {
      const v = descValidity(descs, c);
      if (v != 0 && load<u8>(v + <usize>i) == 0) {
        valid = false;
        break;
      }
    }
    if (valid) {
      for (let c = 0; c < k; c++) {
        const o = descOffsets(descs, c);
        const s = off(o, i);
        const len = off(o, i + 1) - s;
        memory.copy(dstVal + <usize>out, descValues(descs, c) + <usize>s, <usize>len);
        out += len;
      }
    } else nulls++;
    if (dstValid != 0) store<u8>(dstValid + <usize>i, valid ? 1 : 0);
    setOff(dstOff, i + 1, out);
  }
  store<i32>(stats, out);
  store<i32>(stats + 4, nulls);
}

/**
 * Spark's `concat_ws(sep, cols...)`: joins the non-null inputs of each row with the separator
 * (`sepLen` bytes at `sep`); null inputs are skipped, so no row is null. Returns bytes written.
 */
export function concat_ws(descs: usize, k: i32, n: i32, sep: usize, sepLen: i32, dstOff: usize, dstVal: usize): i32 {
  let out = 0;
  setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    let first = true;
    for (let c = 0; c < k; c++) {
      const v = descValidity(descs, c);
      if (v != 0 && load<u8>(v + <usize>i) == 0) continue;
      if (!first) {
        memory.copy(dstVal + <usize>out, sep, <usize>sepLen);
        out += sepLen;
      }
      first = false;
      const o = descOffsets(descs, c);
      const s = off(o, i);
      const len = off(o, i + 1) - s;
      memory.copy(dstVal + <usize>out, descValues(descs, c) + <usize>s, <usize>len);
      out += len;
    }
    setOff(dstOff, i + 1, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// LIKE and literal matching
// ---------------------------------------------------------------------------------------------

/** Match modes of like_fast. */
@inline const MODE_EXACT: i32 = 0;
@inline const MODE_PREFIX: i32 = 1;
@inline const MODE_SUFFIX: i32 = 2;
@inline const MODE_CONTAINS: i32 = 3;

/**
 * True when the `m` bytes at `lit` (m >= 1) occur in the `len` bytes at `p`.
 * SIMD substring search after Wojciech Muła, "SIMD-friendly algorithms for substring searching"
 * (http://0x80.pl/articles/simd-strfind.html, generic SIMD): compare the first and the last byte
 * of the needle at 16 candidate positions at once, verify the candidates with a memcmp.
 */
@inline function containsBytes(p: usize, len: i32, lit: usize, m: i32): bool {
  if (m > len) return false;
  const last = len - m; // last candidate position
  const first = i8x16.splat(load<i8>(lit));
  const lastB = i8x16.splat(load<i8>(lit + <usize>(m - 1)));
  let i = 0;
  for (; i + LANES - 1 <= last; i += LANES) {
    const a = i8x16.eq(first, v128.load(p + <usize>i));
    const b = i8x16.eq(lastB, v128.load(p + <usize>(i + m - 1)));
    let mask = i8x16.bitmask(v128.and(a, b));
    while (mask != 0) {
      const bit = ctz<i32>(mask);
      if (bytesEqual(p + <usize>(i + bit + 1), lit + 1, m - 2)) return true;
      mask &= mask - 1;
    }
  }
  for (; i <= last; i++) if (bytesEqual(p + <usize>i, lit, m)) return true;
  return false;
}

/**
 * Matches every row against a literal: mode 0 equals, 1 starts with, 2 ends with, 3 contains
 * (`m` bytes at `lit`). dst[i] = 0/1.
 */
export function like_fast(offsets: usize, values: usize, n: i32, mode: i32, lit: usize, m: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const s = off(offsets, i);
    const len = off(offsets, i + 1) - s;
    const p = values + <usize>s;
    let r = false;
    if (mode == MODE_EXACT) r = len == m && bytesEqual(p, lit, m);
    else if (mode == MODE_PREFIX) r = len >= m && bytesEqual(p, lit, m);
    else if (mode == MODE_SUFFIX) r = len >= m && bytesEqual(p + <usize>(len - m), lit, m);
    else if (mode == MODE_CONTAINS) r = m == 0 || containsBytes(p, len, lit, m);
    store<u8>(dst + <usize>i, r ? 1 : 0);
  }
}

/** Pattern token: any one character (`_`). Other tokens >= 0 are literal bytes. */
@inline const TOK_ONE: i32 = -1;
/** Pattern token: any run of characters (`%`). */
@inline const TOK_ANY: i32 = -2;

/**
 * General SQL LIKE: `ntok` int32 tokens at `tok` (byte 0..255, -1 = `_`, -2 = `%`). Greedy
 * wildcard matching that backtracks only to the last `%` (linear for patterns with one `%`,
 * O(len * pattern) worst case); `_` and backtracking step by whole UTF-8 characters. dst[i] = 0/1.
 */
export function like_general(offsets: usize, values: usize, n: i32, tok: usize, ntok: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const end = values + <usize>off(offsets, i + 1);
    let s = values + <usize>off(offsets, i);
    let p = 0;
    let starP = -1;
    let starS: usize = 0;
    let ok = true;
    while (s < end) {
      const t = p < ntok ? load<i32>(tok + (<usize>p << 2)) : TOK_ANY - 1;
      if (t == TOK_ONE) {
        s = advanceChars(s, end, 1);
        p++;
      } else if (t >= 0 && <u32>t == <u32>load<u8>(s)) {
        s++;
        p++;
      } else if (t == TOK_ANY) {
        starP = p;
        starS = s;
        p++;
      } else if (starP >= 0) {
        p = starP + 1;
        starS = advanceChars(starS, end, 1);
        s = starS;
      } else {
        ok = false;
        break;
      }
    }
    if (ok) {
      while (p < ntok && load<i32>(tok + (<usize>p << 2)) == TOK_ANY) p++;
      ok = p == ntok;
    }
    store<u8>(dst + <usize>i, ok ? 1 : 0);
  }
}
