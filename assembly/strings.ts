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

// ---------------------------------------------------------------------------------------------
// octet_length, reverse, repeat, lpad/rpad, locate, translate, initcap (functions helper)
// Variable-size kernels take `dstVal` == 0 as a dry run that only returns the bytes needed.
// `valid` arguments are validity bytes (0 = all valid): null rows produce ''.
// ---------------------------------------------------------------------------------------------

@inline function rowValid(valid: usize, i: i32): bool {
  return valid == 0 || load<u8>(valid + <usize>i) != 0;
}

/** Bytes of the UTF-8 character starting with byte `b` (1 for stray continuation bytes). */
@inline function charBytes(b: u32): i32 {
  if (b < 0xc0) return 1;
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 3;
  return 4;
}

/** dst[i] = byte length of row i << shift (octet_length: shift 0, bit_length: shift 3). SIMD. */
export function utf8_octet_length(offsets: usize, n: i32, shift: i32, dst: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = i32x4.sub(v128.load(offsets + (<usize>(i + 1) << 2)), v128.load(offsets + (<usize>i << 2)));
    v128.store(dst + (<usize>i << 2), i32x4.shl(d, shift));
  }
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), (off(offsets, i + 1) - off(offsets, i)) << shift);
}

/**
 * Spark's `reverse(str)`: the characters (code points) in reverse order. The output has the input's
 * byte sizes (dstOff gets the rebased offsets). ASCII rows are reversed 16 bytes at a time (SIMD shuffle).
 */
export function utf8_reverse(offsets: usize, values: usize, n: i32, dstOff: usize, dstVal: usize): void {
  const base = off(offsets, 0);
  addI32(offsets, n + 1, -base, dstOff);
  const ascii = rangeIsAscii(values + <usize>base, values + <usize>off(offsets, n));
  for (let i = 0; i < n; i++) {
    const s = values + <usize>off(offsets, i);
    const e = values + <usize>off(offsets, i + 1);
    let out = dstVal + <usize>(off(offsets, i) - base);
    if (ascii) {
      let p = e;
      while (p - s >= 16) {
        p -= 16;
        v128.store(out, i8x16.shuffle(v128.load(p), v128.load(p), 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
        out += 16;
      }
      while (p > s) {
        p--;
        store<u8>(out, load<u8>(p));
        out++;
      }
      continue;
    }
    let p = e;
    while (p > s) {
      let q = p - 1;
      while (q > s && isCont(load<u8>(q))) q--;
      const len = <usize>(p - q);
      memory.copy(out, q, len);
      out += len;
      p = q;
    }
  }
}

/**
 * Spark's `repeat(str, times)`: the string `times[i]` times (times <= 0 gives ''); `times` is an
 * int32 column. Returns the bytes written (or needed, dry run), as f64 so a caller sees overflow.
 */
export function utf8_repeat(offsets: usize, values: usize, n: i32, times: usize, valid: usize, dstOff: usize, dstVal: usize): f64 {
  let out: i64 = 0;
  if (dstVal != 0) setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    const t = rowValid(valid, i) ? load<i32>(times + (<usize>i << 2)) : 0;
    const s = off(offsets, i);
    const len = off(offsets, i + 1) - s;
    if (t > 0 && len > 0) {
      if (dstVal != 0) {
        const src = values + <usize>s;
        let d = dstVal + <usize>out;
        if (len == 1) memory.fill(d, load<u8>(src), <usize>t);
        else for (let k = 0; k < t; k++, d += <usize>len) memory.copy(d, src, <usize>len);
      }
      out += <i64>len * <i64>t;
    }
    if (dstVal != 0) setOff(dstOff, i + 1, <i32>out);
  }
  return <f64>out;
}

/**
 * Spark's `lpad(str, len, pad)` (left != 0) / `rpad` (UTF8String.lpad / rpad) by characters: a string
 * of len[i] characters or more is cut to its first len[i]; a shorter one is padded with repetitions
 * of `pad` (padLen bytes, padChars characters); an empty pad leaves it unchanged; len <= 0 gives ''.
 */
export function utf8_pad(
  offsets: usize, values: usize, n: i32, lens: usize, valid: usize, pad: usize, padLen: i32, padChars: i32, left: i32,
  dstOff: usize, dstVal: usize,
): f64 {
  const bufEnd = values + <usize>off(offsets, n);
  let out: i64 = 0;
  if (dstVal != 0) setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    const len = rowValid(valid, i) ? load<i32>(lens + (<usize>i << 2)) : 0;
    const s = values + <usize>off(offsets, i);
    const e = values + <usize>off(offsets, i + 1);
    const chars = countChars(s, <i32>(e - s), bufEnd);
    const spaces = <i64>len - <i64>chars;
    if (len <= 0) {
      // ''
    } else if (spaces <= 0 || padLen == 0) {
      const cut = advanceChars(s, e, <i64>len);
      const bytes = <i64>(cut - s);
      if (dstVal != 0) memory.copy(dstVal + <usize>out, s, <usize>bytes);
      out += bytes;
    } else {
      const count = spaces / <i64>padChars;
      const remainChars = spaces - count * <i64>padChars;
      const remainBytes = <i64>(advanceChars(pad, pad + <usize>padLen, remainChars) - pad);
      const padBytes = count * <i64>padLen + remainBytes;
      const strBytes = <i64>(e - s);
      if (dstVal != 0) {
        let d = dstVal + <usize>out;
        if (left == 0) {
          memory.copy(d, s, <usize>strBytes);
          d += <usize>strBytes;
        }
        for (let k: i64 = 0; k < count; k++, d += <usize>padLen) memory.copy(d, pad, <usize>padLen);
        memory.copy(d, pad, <usize>remainBytes);
        d += <usize>remainBytes;
        if (left != 0) memory.copy(d, s, <usize>strBytes);
      }
      out += padBytes + strBytes;
    }
    if (dstVal != 0) setOff(dstOff, i + 1, <i32>out);
  }
  return <f64>out;
}

/**
 * Spark's `locate(substr, str, pos)` / `instr(str, substr)` (UTF8String.indexOf(v, pos - 1) + 1):
 * dst[i] = 1-based character position of the first occurrence of sub in str at or after character
 * starts[i] - 1 (starts == 0: from the start), 0 when absent; an empty sub gives 1; pos < 1 gives 0.
 */
export function utf8_locate(
  strOff: usize, strVal: usize, subOff: usize, subVal: usize, n: i32, starts: usize, dst: usize,
): void {
  for (let i = 0; i < n; i++) {
    const ss = off(subOff, i);
    const subLen = off(subOff, i + 1) - ss;
    const sub = subVal + <usize>ss;
    let start: i32 = 0;
    if (starts != 0) start = load<i32>(starts + (<usize>i << 2)) - 1;
    let r: i32 = 0;
    if (start < 0) r = 0;
    else if (subLen == 0) r = 1;
    else {
      const s = strVal + <usize>off(strOff, i);
      const e = strVal + <usize>off(strOff, i + 1);
      let p = s;
      let c: i32 = 0;
      while (p < e && c < start) {
        p += <usize>charBytes(load<u8>(p));
        c++;
      }
      const first = load<u8>(sub);
      r = 0;
      while (p < e) {
        if (p + <usize>subLen > e) break;
        if (load<u8>(p) == first && bytesEqual(p, sub, subLen)) {
          r = c + 1;
          break;
        }
        p += <usize>charBytes(load<u8>(p));
        c++;
      }
    }
    store<i32>(dst + (<usize>i << 2), r);
  }
}

/** Decodes the code point at p (UTF-8, no validation). */
@inline function decodeAt(p: usize, len: i32): u32 {
  const b0 = <u32>load<u8>(p);
  if (len == 1) return b0;
  const b1 = <u32>load<u8>(p + 1) & 0x3f;
  if (len == 2) return ((b0 & 0x1f) << 6) | b1;
  const b2 = <u32>load<u8>(p + 2) & 0x3f;
  if (len == 3) return ((b0 & 0x0f) << 12) | (b1 << 6) | b2;
  return ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | (<u32>load<u8>(p + 3) & 0x3f);
}

/**
 * Spark's `translate(str, from, to)`: each character found in `from` is replaced by the character at
 * the same position of `to`, or deleted when `to` is shorter. The mapping is `m` entries of three
 * int32 at `map`: code point, replacement byte offset into `rep` (or -1 = delete), replacement
 * byte length; entries are sorted by code point (binary search). Returns bytes written / needed.
 */
export function utf8_translate(
  offsets: usize, values: usize, n: i32, valid: usize, map: usize, m: i32, rep: usize, dstOff: usize, dstVal: usize,
): f64 {
  let out: i64 = 0;
  if (dstVal != 0) setOff(dstOff, 0, 0);
  for (let i = 0; i < n; i++) {
    if (rowValid(valid, i)) {
      let p = values + <usize>off(offsets, i);
      const e = values + <usize>off(offsets, i + 1);
      while (p < e) {
        const len = charBytes(load<u8>(p));
        const cp = decodeAt(p, len);
        let lo = 0;
        let hi = m - 1;
        let found = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const v = load<u32>(map + <usize>mid * 12);
          if (v == cp) {
            found = mid;
            break;
          }
          if (v < cp) lo = mid + 1;
          else hi = mid - 1;
        }
        if (found < 0) {
          if (dstVal != 0) memory.copy(dstVal + <usize>out, p, <usize>len);
          out += len;
        } else {
          const ro = load<i32>(map + <usize>found * 12 + 4);
          if (ro >= 0) {
            const rl = load<i32>(map + <usize>found * 12 + 8);
            if (dstVal != 0) memory.copy(dstVal + <usize>out, rep + <usize>ro, <usize>rl);
            out += rl;
          }
        }
        p += <usize>len;
      }
    }
    if (dstVal != 0) setOff(dstOff, i + 1, <i32>out);
  }
  return <f64>out;
}

/**
 * Spark's `initcap` on ASCII bytes (lower-case, then upper-case every byte that starts a row or
 * follows a space 0x20). `nBytes` bytes from src (row data starting at offsets[0]); rows are told
 * apart by `offsets`. Non-ASCII rows are redone by the caller.
 */
export function ascii_initcap(offsets: usize, values: usize, n: i32, dst: usize): void {
  const base = off(offsets, 0);
  const total = off(offsets, n) - base;
  ascii_case(values + <usize>base, total, dst, 0);
  for (let i = 0; i < n; i++) {
    const s = off(offsets, i) - base;
    const e = off(offsets, i + 1) - base;
    let prev: u32 = 0x20;
    for (let j = s; j < e; j++) {
      const c = <u32>load<u8>(dst + <usize>j);
      if (prev == 0x20 && c >= 0x61 && c <= 0x7a) store<u8>(dst + <usize>j, <u8>(c - 32));
      prev = c;
    }
  }
}

/** v[i] = 0 where valid[i] == 0 (int32 values, validity bytes). */
export function zero_where_null_i32(v: usize, valid: usize, n: i32): void {
  for (let i = 0; i < n; i++) if (load<u8>(valid + <usize>i) == 0) store<i32>(v + (<usize>i << 2), 0);
}
