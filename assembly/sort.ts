// Sorting kernels: order-preserving key encoding, stable argsort (LSD radix over packed u64 keys, MSD
// radix over byte-comparable key rows), top-k selection, and the gather that applies a permutation.
//
// Key layout (computed by src/kernels/sort.ts): each row's sort keys are encoded, key after key, into
// one byte string that compares with memcmp exactly like the row compares in SQL order:
//   [null byte if the column has nulls][value bytes, big-endian, normalised (lib/sort-keys.ts),
//   inverted when descending]
// utf8 keys store a fixed prefix of P bytes (zero padded) and a length byte min(len, P + 1); two
// strings whose encodings are equal are equal unless both are longer than P, which the comparator
// settles by comparing the full strings bytewise (Spark's UTF8String.binaryCompare).
// When the encoded keys fit in 8 bytes they are packed into one u64 per row and LSD radix sorted;
// otherwise rows of `stride` bytes ([key bytes][pad][u32 row index]) are MSD radix sorted.
import {
  KEY_DESC, KEY_NULLS_FIRST, KEY_U64_MODE, KEY_NULL_BYTE, KEY_OVERWRITE, normalize_key, store_be, width_mask,
} from './lib/sort-keys';
import { LONG_DESC_BYTES as DESC_BYTES, compare_key_bytes, compare_long_strings } from './lib/key-rows';

// ---------------------------------------------------------------------------------------------
// Key encoding

// @ts-ignore: decorator
@inline function encode<T>(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  const W = sizeof<T>();
  const inv: u64 = (flags & KEY_DESC) != 0 ? width_mask<T>() : 0;
  const nullByte = (flags & KEY_NULL_BYTE) != 0 && validity != 0;
  const validMark: u64 = (flags & KEY_NULLS_FIRST) != 0 ? 1 : 0;
  const nullMark: u64 = 1 - validMark;
  let i = 0;
  if ((flags & KEY_U64_MODE) != 0) {
    const shift = <u64>offset;
    const keep: u64 = (flags & KEY_OVERWRITE) != 0 ? 0 : 0xFFFFFFFFFFFFFFFF; // bits of dst kept
    if (!nullByte && W == 8) {
      // SIMD: two 64-bit keys per step (an 8-byte key without null byte is the only key, shift 0).
      const sign = i64x2.splat(0x8000000000000000);
      const invv = i64x2.splat(inv);
      const keepv = i64x2.splat(keep);
      for (; i + 2 <= n; i += 2) {
        let b = v128.load(values + (<usize>i << 3));
        if (isFloat<T>()) {
          const isnan = f64x2.ne(b, b);
          const iszero = f64x2.eq(b, f64x2.splat(0));
          b = v128.bitselect(i64x2.splat(0x7FF8000000000000), b, isnan);
          b = v128.andnot(b, iszero);
          b = v128.xor(b, v128.or(i64x2.shr_s(b, 63), sign));
        } else {
          b = v128.xor(b, sign);
        }
        b = i64x2.shl(v128.xor(b, invv), <i32>shift);
        const d = dst + (<usize>i << 3);
        v128.store(d, v128.or(v128.and(v128.load(d), keepv), b));
      }
    }
    for (; i < n; i++) {
      let k: u64;
      if (nullByte && load<u8>(validity + <usize>i) == 0) {
        k = nullMark << (<u64>W * 8);
      } else {
        k = normalize_key<T>(load<T>(values + (<usize>i << alignof<T>()))) ^ inv;
        if (nullByte) k |= validMark << (<u64>W * 8);
      }
      const d = dst + (<usize>i << 3);
      store<u64>(d, (load<u64>(d) & keep) | (k << shift));
    }
  } else {
    for (; i < n; i++) {
      let p = dst + <usize>i * <usize>stride + <usize>offset;
      if (nullByte) {
        if (load<u8>(validity + <usize>i) == 0) {
          store<u8>(p, <u8>nullMark);
          store_be<T>(p + 1, 0);
          continue;
        }
        store<u8>(p, <u8>validMark);
        p++;
      }
      store_be<T>(p, normalize_key<T>(load<T>(values + (<usize>i << alignof<T>()))) ^ inv);
    }
  }
}

/**
 * Encodes `n` values of a fixed-width key column. Rows mode: writes the key at byte `offset` of each
 * `stride`-byte row at `dst`. U64 mode (flags & 4): ORs the key into the u64 at dst[i] at bit
 * `offset` (dst zeroed, or flag 16 to overwrite). Flags: 1 descending, 2 nulls first, 4 u64 mode,
 * 8 null byte, 16 overwrite.
 */
export function encode_u8(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<u8>(values, validity, n, dst, stride, offset, flags);
}
/** See encode_u8 (int8). */
export function encode_i8(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<i8>(values, validity, n, dst, stride, offset, flags);
}
/** See encode_u8 (int16). */
export function encode_i16(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<i16>(values, validity, n, dst, stride, offset, flags);
}
/** See encode_u8 (int32, date32). */
export function encode_i32(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<i32>(values, validity, n, dst, stride, offset, flags);
}
/** See encode_u8 (int64, decimal, timestamp). */
export function encode_i64(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<i64>(values, validity, n, dst, stride, offset, flags);
}
/** See encode_u8 (float32). */
export function encode_f32(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<f32>(values, validity, n, dst, stride, offset, flags);
}
/** See encode_u8 (float64). */
export function encode_f64(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  encode<f64>(values, validity, n, dst, stride, offset, flags);
}

/**
 * Encodes a utf8 key column into rows: [null byte][first `prefix` bytes, zero padded][min(len, prefix + 1)],
 * all bytes after the null byte inverted when descending. Rows mode only.
 */
export function encode_utf8(offsets: usize, bytes: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, prefix: i32, flags: i32): void {
  const x: u8 = (flags & KEY_DESC) != 0 ? 0xFF : 0;
  const nullByte = (flags & KEY_NULL_BYTE) != 0 && validity != 0;
  const validMark: u8 = (flags & KEY_NULLS_FIRST) != 0 ? 1 : 0;
  for (let i = 0; i < n; i++) {
    let p = dst + <usize>i * <usize>stride + <usize>offset;
    if (nullByte) {
      if (load<u8>(validity + <usize>i) == 0) {
        store<u8>(p, 1 - validMark);
        memory.fill(p + 1, 0, <usize>(prefix + 1));
        continue;
      }
      store<u8>(p, validMark);
      p++;
    }
    const start = load<i32>(offsets + (<usize>i << 2));
    const len = load<i32>(offsets + (<usize>i << 2) + 4) - start;
    const m = len < prefix ? len : prefix;
    const src = bytes + <usize>start;
    let j = 0;
    for (; j < m; j++) store<u8>(p + <usize>j, load<u8>(src + <usize>j) ^ x);
    for (; j < prefix; j++) store<u8>(p + <usize>j, x);
    store<u8>(p + <usize>prefix, <u8>(len <= prefix ? len : prefix + 1) ^ x);
  }
}

/** Writes row numbers 0..n-1 as u32 at byte `idxOff` of each `stride`-byte row. */
export function rows_write_index(rows: usize, n: i32, stride: i32, idxOff: i32): void {
  for (let i = 0; i < n; i++) store<i32>(rows + <usize>i * <usize>stride + <usize>idxOff, i);
}

/** Writes 0, 1, ..., n-1 as int32 at `dst`. SIMD. */
export function iota(dst: usize, n: i32): void {
  let v = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(dst + (<usize>i << 2), v);
    v = i32x4.add(v, four);
  }
  for (; i < n; i++) store<i32>(dst + (<usize>i << 2), i);
}

// ---------------------------------------------------------------------------------------------
// LSD radix sort of packed u64 keys (stable argsort)

/** Bits per radix digit: 8 -> 8 passes of 256 buckets (11-bit digits measured slower: 2048 scatter
 * targets thrash the cache and TLB). radix_histogram_u64 is unrolled for this value. */
// @ts-ignore: decorator
@inline const RADIX_BITS: i32 = 8;
// @ts-ignore: decorator
@inline const RADIX_BUCKETS: i32 = 1 << RADIX_BITS;
// @ts-ignore: decorator
@inline const RADIX_DIGITS: i32 = (64 + RADIX_BITS - 1) / RADIX_BITS;

/** Bytes of the digit histograms of an LSD radix sort (radix_histogram_u64 and friends). */
export function radix_hist_bytes(): i32 {
  return RADIX_DIGITS * RADIX_BUCKETS * 4;
}

/** Number of radix digits of a u64 key. */
export function radix_digits(): i32 {
  return RADIX_DIGITS;
}

// @ts-ignore: decorator
@inline function bump(counts: usize, digit: u32): void {
  const h = counts + (<usize>digit << 2);
  store<u32>(h, load<u32>(h) + 1);
}

/**
 * Adds the histograms of every radix digit of keys [from, to) to `hist` (radix_hist_bytes() bytes of
 * u32 counts, digit-major, zeroed by the caller before the first chunk): the first step of an LSD
 * radix sort (Knuth, TAOCP vol. 3, 5.2.5), all digits in one pass over the keys.
 */
export function radix_histogram_u64(keys: usize, from: i32, to: i32, hist: usize): void {
  // Unrolled for 8-bit digits: the eight counters of a key are bumped from its two 32-bit halves.
  for (let i = from; i < to; i++) {
    const lo = load<u32>(keys + (<usize>i << 3));
    const hi = load<u32>(keys + (<usize>i << 3), 4);
    bump(hist, lo & 255);
    bump(hist + 1024, (lo >> 8) & 255);
    bump(hist + 2048, (lo >> 16) & 255);
    bump(hist + 3072, lo >> 24);
    bump(hist + 4096, hi & 255);
    bump(hist + 5120, (hi >> 8) & 255);
    bump(hist + 6144, (hi >> 16) & 255);
    bump(hist + 7168, hi >> 24);
  }
}

/**
 * Prepares the pass of digit `d` over `n` keys: returns 0 when every key has the same digit (the
 * pass is skipped), else turns that digit's counts into bucket start positions and returns 1.
 */
export function radix_prefix_u64(keys: usize, n: i32, hist: usize, d: i32): i32 {
  const counts = hist + (<usize>(d * RADIX_BUCKETS) << 2);
  const digit = <usize>((load<u64>(keys) >> <u64>(d * RADIX_BITS)) & <u64>(RADIX_BUCKETS - 1));
  if (n == 0 || load<u32>(counts + (digit << 2)) == <u32>n) return 0;
  let sum: u32 = 0;
  for (let b = 0; b < RADIX_BUCKETS; b++) {
    const c = load<u32>(counts + (<usize>b << 2));
    store<u32>(counts + (<usize>b << 2), sum);
    sum += c;
  }
  return 1;
}

/**
 * Scatters keys [from, to) and their indices from src to dst by digit `d` (one stable counting-sort
 * pass, after radix_prefix_u64). `firstPass` != 0: the source indices are the identity and srcIdx
 * is not read. Called chunk by chunk from TypeScript, so that V8 tiers the loop up early.
 */
export function radix_scatter_u64(srcKeys: usize, srcIdx: usize, dstKeys: usize, dstIdx: usize, from: i32, to: i32, hist: usize, d: i32, firstPass: i32): void {
  const mask: u64 = <u64>(RADIX_BUCKETS - 1);
  const counts = hist + (<usize>(d * RADIX_BUCKETS) << 2);
  const shift = <u64>(d * RADIX_BITS);
  if (firstPass != 0) {
    for (let i = from; i < to; i++) {
      const k = load<u64>(srcKeys + (<usize>i << 3));
      const c = counts + (<usize>((k >> shift) & mask) << 2);
      const pos = load<u32>(c);
      store<u32>(c, pos + 1);
      store<u64>(dstKeys + (<usize>pos << 3), k);
      store<i32>(dstIdx + (<usize>pos << 2), i);
    }
  } else {
    for (let i = from; i < to; i++) {
      const k = load<u64>(srcKeys + (<usize>i << 3));
      const c = counts + (<usize>((k >> shift) & mask) << 2);
      const pos = load<u32>(c);
      store<u32>(c, pos + 1);
      store<u64>(dstKeys + (<usize>pos << 3), k);
      store<i32>(dstIdx + (<usize>pos << 2), load<i32>(srcIdx + (<usize>i << 2)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Key rows: comparison, MSD radix sort, merge sort of ties, top-k

/** Buckets at or below this size are insertion sorted. */
// @ts-ignore: decorator
@inline const INSERTION_THRESHOLD: i32 = 24;

// The current sort's layout (module globals: a kernel call runs to completion on one thread).
let gRows: usize = 0;
let gTmp: usize = 0;
let gStride: i32 = 0;
let gWidth: i32 = 0;
let gIdxOff: i32 = 0;
let gHist: usize = 0;
let gDesc: usize = 0;
let gNumDesc: i32 = 0;

function set_layout(rows: usize, tmp: usize, stride: i32, width: i32, idxOff: i32, hist: usize, desc: usize, numDesc: i32): void {
  gRows = rows; gTmp = tmp; gStride = stride; gWidth = width; gIdxOff = idxOff; gHist = hist;
  gDesc = desc; gNumDesc = numDesc;
}

// @ts-ignore: decorator
@inline function row_at(base: usize, i: i32): usize {
  return base + <usize>i * <usize>gStride;
}

// @ts-ignore: decorator
@inline function copy_row(dst: usize, src: usize): void {
  for (let o = 0; o < gStride; o += 8) store<u64>(dst + <usize>o, load<u64>(src + <usize>o));
}

/** Compares bytes [from, to) of two rows as big-endian unsigned: <0, 0, >0. */
function compare_bytes(a: usize, b: usize, from: i32, to: i32): i32 {
  return compare_key_bytes(a, b, from, to);
}

/**
 * Compares two key rows whose bytes before `from` are equal: <0, 0, >0. Keys are compared in order;
 * a string key longer than the prefix in both rows (equal encodings ending in the "long" length
 * byte) is settled by its full bytes before any later key is looked at.
 */
function compare_rows(a: usize, b: usize, from: i32): i32 {
  let pos = from;
  for (let j = 0; j < gNumDesc; j++) {
    const d = gDesc + <usize>(j * DESC_BYTES);
    const lenOff = load<i32>(d);
    if (lenOff >= pos) {
      const r = compare_bytes(a, b, pos, lenOff + 1);
      if (r != 0) return r;
      pos = lenOff + 1;
    }
    if (<i32>load<u8>(a + <usize>lenOff) == load<i32>(d, 4)) {
      const r = compare_long_strings(d, d, a, b, gIdxOff);
      if (r != 0) return r;
    }
  }
  return compare_bytes(a, b, pos, gWidth);
}

/** Whether byte `byte` - 1 is the length byte of a string key longer than the prefix in row `r`. */
function after_long_string(r: usize, byte: i32): bool {
  for (let j = 0; j < gNumDesc; j++) {
    const d = gDesc + <usize>(j * DESC_BYTES);
    const lenOff = load<i32>(d);
    if (lenOff == byte - 1 && <i32>load<u8>(r + <usize>lenOff) == load<i32>(d, 4)) return true;
  }
  return false;
}

/** Stable insertion sort of rows [lo, hi), compared from byte `from`. */
function insertion_sort(lo: i32, hi: i32, from: i32): void {
  const slot = gTmp; // tmp is free whenever a leaf sort runs
  for (let i = lo + 1; i < hi; i++) {
    const cur = row_at(gRows, i);
    if (compare_rows(row_at(gRows, i - 1), cur, from) <= 0) continue;
    copy_row(slot, cur);
    let j = i;
    while (j > lo && compare_rows(row_at(gRows, j - 1), slot, from) > 0) {
      copy_row(row_at(gRows, j), row_at(gRows, j - 1));
      j--;
    }
    copy_row(row_at(gRows, j), slot);
  }
}

/** Stable bottom-up merge sort of rows [lo, hi) compared from byte `from` (rows tied on a long string's prefix). */
function merge_sort(lo: i32, hi: i32, from: i32): void {
  const RUN = 16;
  for (let s = lo; s < hi; s += RUN) insertion_sort(s, s + RUN < hi ? s + RUN : hi, from);
  let src = gRows, dst = gTmp;
  for (let width = RUN; width < hi - lo; width <<= 1) {
    for (let s = lo; s < hi; s += width << 1) {
      const mid = s + width < hi ? s + width : hi;
      const end = mid + width < hi ? mid + width : hi;
      let i = s, j = mid, o = s;
      while (i < mid && j < end) {
        if (compare_rows(row_at(src, i), row_at(src, j), from) <= 0) copy_row(row_at(dst, o++), row_at(src, i++));
        else copy_row(row_at(dst, o++), row_at(src, j++));
      }
      while (i < mid) copy_row(row_at(dst, o++), row_at(src, i++));
      while (j < end) copy_row(row_at(dst, o++), row_at(src, j++));
    }
    const t = src; src = dst; dst = t;
  }
  if (src != gRows) memory.copy(row_at(gRows, lo), row_at(src, lo), <usize>(hi - lo) * <usize>gStride);
}

/**
 * Stable MSD radix sort of rows [lo, hi) on bytes [byte, width) (counting scatter per level through
 * tmp, so equal rows keep their order; cf. DuckDB's RadixSortMSD). Small buckets fall back to
 * insertion sort; buckets tied on the encoding of a string longer than the prefix are merge sorted
 * with full string comparisons.
 */
function msd(lo: i32, hi: i32, byte: i32, depth: i32): void {
  const n = hi - lo;
  if (n < 2) return;
  if (n <= INSERTION_THRESHOLD) {
    insertion_sort(lo, hi, byte);
    return;
  }
  const counts = gHist + (<usize>depth << 11); // 256 u32 counts + 256 u32 write positions
  const pos = counts + 1024;
  while (true) {
    // Rows tied on a long string's encoding: the rest of the order needs full comparisons.
    if (gNumDesc > 0 && after_long_string(row_at(gRows, lo), byte)) {
      merge_sort(lo, hi, byte);
      return;
    }
    if (byte >= gWidth) return; // equal keys: already in input order
    memory.fill(counts, 0, 1024);
    for (let i = lo; i < hi; i++) {
      const c = counts + (<usize>load<u8>(row_at(gRows, i) + <usize>byte) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    if (load<u32>(counts + (<usize>load<u8>(row_at(gRows, lo) + <usize>byte) << 2)) != <u32>n) break;
    byte++; // every row shares this byte
  }
  let sum = lo;
  for (let b = 0; b < 256; b++) {
    store<i32>(pos + (<usize>b << 2), sum);
    sum += load<i32>(counts + (<usize>b << 2));
  }
  for (let i = lo; i < hi; i++) {
    const r = row_at(gRows, i);
    const p = pos + (<usize>load<u8>(r + <usize>byte) << 2);
    const at = load<i32>(p);
    store<i32>(p, at + 1);
    copy_row(row_at(gTmp, at), r);
  }
  memory.copy(row_at(gRows, lo), row_at(gTmp, lo), <usize>n * <usize>gStride);
  for (let b = 0; b < 256; b++) {
    const c = load<i32>(counts + (<usize>b << 2));
    if (c > 1) {
      const end = load<i32>(pos + (<usize>b << 2));
      msd(end - c, end, byte + 1, depth + 1);
    }
  }
}

/** Bytes of histogram scratch sort_rows needs for keys of `width` bytes. */
export function rows_hist_bytes(width: i32): i32 {
  return (width + 1) << 11;
}

/**
 * Stable argsort of `n` key rows (`stride` bytes each: `width` key bytes, the u32 row index at
 * `idxOff`). Rows are sorted in place; `tmp` is n * stride bytes of scratch, `hist` rows_hist_bytes(width).
 * `desc` holds `numDesc` long-string descriptors (24 bytes each) for settling prefix ties.
 * Writes the permutation (int32) to `out`.
 */
export function sort_rows(rows: usize, tmp: usize, n: i32, stride: i32, width: i32, idxOff: i32, hist: usize, desc: usize, numDesc: i32, out: usize): void {
  set_layout(rows, tmp, stride, width, idxOff, hist, desc, numDesc);
  msd(0, n, 0, 0);
  for (let i = 0; i < n; i++) store<i32>(out + (<usize>i << 2), load<i32>(row_at(rows, i) + <usize>idxOff));
}

/** Total order of rows for top-k: keys, then input position (stability). */
// @ts-ignore: decorator
@inline function compare_full(a: i32, b: i32): i32 {
  const r = compare_rows(row_at(gRows, a), row_at(gRows, b), 0);
  return r != 0 ? r : a - b;
}

function sift_down(heap: usize, size: i32, at: i32): void {
  const v = load<i32>(heap + (<usize>at << 2));
  let i = at;
  while (true) {
    let c = 2 * i + 1;
    if (c >= size) break;
    let cv = load<i32>(heap + (<usize>c << 2));
    if (c + 1 < size) {
      const rv = load<i32>(heap + (<usize>(c + 1) << 2));
      if (compare_full(rv, cv) > 0) { c++; cv = rv; }
    }
    if (compare_full(cv, v) <= 0) break;
    store<i32>(heap + (<usize>i << 2), cv);
    i = c;
  }
  store<i32>(heap + (<usize>i << 2), v);
}

/**
 * The first `k` rows of the stable sort order of `n` key rows (unsorted, row i at i * stride, its
 * index at idxOff), using a binary max-heap of k row numbers at `heap` (Williams' heapsort heap): O(n log k).
 * Writes min(k, n) row numbers in sorted order to `out` and returns that count.
 */
export function topk_rows(rows: usize, n: i32, stride: i32, width: i32, idxOff: i32, k: i32, heap: usize, desc: usize, numDesc: i32, out: usize): i32 {
  set_layout(rows, 0, stride, width, idxOff, 0, desc, numDesc);
  const m = k < n ? k : n;
  if (m <= 0) return 0;
  // Heapify the first m rows, then replace the maximum whenever a smaller row comes.
  for (let i = 0; i < m; i++) store<i32>(heap + (<usize>i << 2), i);
  for (let i = (m >> 1) - 1; i >= 0; i--) sift_down(heap, m, i);
  for (let i = m; i < n; i++) {
    if (compare_full(i, load<i32>(heap)) < 0) {
      store<i32>(heap, i);
      sift_down(heap, m, 0);
    }
  }
  for (let size = m; size > 0; size--) {
    store<i32>(out + (<usize>(size - 1) << 2), load<i32>(heap));
    store<i32>(heap, load<i32>(heap + (<usize>(size - 1) << 2)));
    sift_down(heap, size - 1, 0);
  }
  return m;
}

