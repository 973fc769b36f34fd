// Data movement: gather by an int32 selection vector (take), selection vectors from boolean masks
// (filter), and range copies (slice). Pure functions over pointers and lengths.
//
// Selection vectors are DuckDB's (src/common/types/selection_vector.hpp): a filter yields the
// indices of the passing rows, and every column of the batch is gathered with the same vector.
// Indices must lie in [0, rows of the source); kernels do not check them.

import { countZeroBytes } from './lib/validity';

// ---- gather --------------------------------------------------------------------------------------

/**
 * Gathers `count` values of sizeof<T>() bytes: out[k] = values[indices[k]]. Four indices are read
 * with one v128 load; wasm has no gather instruction, so the values move with scalar loads/stores.
 */
// @ts-ignore: decorator
@inline function gather<T>(values: usize, indices: usize, count: i32, out: usize): void {
  const w = <usize>sizeof<T>();
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const ix = v128.load(indices + (<usize>k << 2));
    const o = out + <usize>k * w;
    store<T>(o, load<T>(values + <usize>i32x4.extract_lane(ix, 0) * w));
    store<T>(o + w, load<T>(values + <usize>i32x4.extract_lane(ix, 1) * w));
    store<T>(o + 2 * w, load<T>(values + <usize>i32x4.extract_lane(ix, 2) * w));
    store<T>(o + 3 * w, load<T>(values + <usize>i32x4.extract_lane(ix, 3) * w));
  }
  for (; k < count; k++) {
    store<T>(out + <usize>k * w, load<T>(values + <usize>load<i32>(indices + (<usize>k << 2)) * w));
  }
}

/** Gathers 1-byte values (int8, boolean). */
export function take_8(values: usize, indices: usize, count: i32, out: usize): void {
  gather<u8>(values, indices, count, out);
}

/** Gathers 2-byte values (int16). */
export function take_16(values: usize, indices: usize, count: i32, out: usize): void {
  gather<u16>(values, indices, count, out);
}

/** Gathers 4-byte values (int32, float32, date32). */
export function take_32(values: usize, indices: usize, count: i32, out: usize): void {
  gather<u32>(values, indices, count, out);
}

/** Gathers 8-byte values (int64, float64, decimal, timestamp). */
export function take_64(values: usize, indices: usize, count: i32, out: usize): void {
  gather<u64>(values, indices, count, out);
}

/** Gathers validity bytes (the source must have a validity buffer) and returns the output's null count. */
export function take_validity(validity: usize, indices: usize, count: i32, out: usize): i32 {
  gather<u8>(validity, indices, count, out);
  return count_zeros(out, count);
}

/**
 * First pass of a string gather: writes the output offsets (count + 1 entries, starting at 0) of
 * the strings at `indices` and returns the total number of bytes.
 */
export function take_utf8_offsets(src_offsets: usize, indices: usize, count: i32, out_offsets: usize): i32 {
  let total = 0;
  store<i32>(out_offsets, 0);
  for (let k = 0; k < count; k++) {
    const p = src_offsets + (<usize>load<i32>(indices + (<usize>k << 2)) << 2);
    total += load<i32>(p, 4) - load<i32>(p);
    store<i32>(out_offsets + (<usize>k << 2), total, 4);
  }
  return total;
}

/** Second pass of a string gather: copies each selected string's bytes to its output offset. */
export function take_utf8_bytes(src_offsets: usize, src_bytes: usize, indices: usize, count: i32, out_offsets: usize, out_bytes: usize): void {
  for (let k = 0; k < count; k++) {
    const p = src_offsets + (<usize>load<i32>(indices + (<usize>k << 2)) << 2);
    const start = load<i32>(p);
    const o = out_offsets + (<usize>k << 2);
    const at = load<i32>(o);
    memory.copy(out_bytes + <usize>at, src_bytes + <usize>start, <usize>(load<i32>(o, 4) - at));
  }
}

// ---- filter: mask -> selection ------------------------------------------------------------------

/**
 * Writes the indices of the rows whose mask byte is non-zero and whose validity byte (if
 * validity != 0) is non-zero, i.e. rows where the predicate is TRUE (null counts as false, SQL WHERE
 * semantics). Returns how many were written. 16 rows at a time: an all-false block is skipped with
 * one compare, an all-true block writes 16 consecutive indices with four i32x4 stores, a mixed block
 * walks the set bits of its i8x16.bitmask.
 */
export function mask_to_selection(mask: usize, validity: usize, n: i32, out_indices: usize): i32 {
  const zero = i8x16.splat(0);
  const step = i32x4.splat(4);
  let c = 0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    let m = v128.load(mask + <usize>i);
    // bytes -> 0x00/0xFF per row: true where mask != 0 (and validity != 0)
    let t = i8x16.ne(m, zero);
    if (validity != 0) t = v128.and(t, i8x16.ne(v128.load(validity + <usize>i), zero));
    let bits = i8x16.bitmask(t);
    if (bits == 0) continue;
    const o = out_indices + (<usize>c << 2);
    if (bits == 0xFFFF) {
      let ix = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
      v128.store(o, ix);
      ix = i32x4.add(ix, step);
      v128.store(o, ix, 16);
      ix = i32x4.add(ix, step);
      v128.store(o, ix, 32);
      ix = i32x4.add(ix, step);
      v128.store(o, ix, 48);
      c += 16;
      continue;
    }
    while (bits != 0) {
      store<i32>(out_indices + (<usize>c << 2), i + ctz<i32>(bits));
      c++;
      bits &= bits - 1;
    }
  }
  for (; i < n; i++) {
    const pass = load<u8>(mask + <usize>i) != 0 && (validity == 0 || load<u8>(validity + <usize>i) != 0);
    // Branch-free: always write, advance only on a pass.
    store<i32>(out_indices + (<usize>c << 2), i);
    c += <i32>pass;
  }
  return c;
}

/** Number of zero bytes among `n` bytes (a validity buffer's null count). SIMD. */
export function count_zeros(src: usize, n: i32): i32 {
  return countZeroBytes(src, n);
}

// ---- slice ----------------------------------------------------------------------------------------

/** Copies `bytes` bytes from src + src_offset to dst (a range of fixed-width values or validity bytes). */
export function copy_range(src: usize, src_offset: i32, bytes: i32, dst: usize): void {
  memory.copy(dst, src + <usize>src_offset, <usize>bytes);
}

/**
 * Writes the offsets of rows [offset, offset + length) of a string column rebased to start at 0
 * (length + 1 entries) and returns the byte position where the range starts in the source.
 */
export function slice_offsets(src_offsets: usize, offset: i32, length: i32, dst: usize): i32 {
  const src = src_offsets + (<usize>offset << 2);
  const base = load<i32>(src);
  const d = i32x4.splat(base);
  const m = length + 1;
  let i = 0;
  for (; i + 4 <= m; i += 4) v128.store(dst + (<usize>i << 2), i32x4.sub(v128.load(src + (<usize>i << 2)), d));
  for (; i < m; i++) store<i32>(dst + (<usize>i << 2), load<i32>(src + (<usize>i << 2)) - base);
  return base;
}
