// K-way merge of sorted runs (external sort's merge phase, Knuth TAOCP vol. 3, 5.4.1 "multiway
// merging" with a binary heap of run ids as the priority queue).
//
// Each run contributes its current batch as encoded key rows in the uniform layout of
// src/kernels/sort.ts (encodeMergeKeys: every key has its null byte, so all runs share one `stride`,
// `width` and row-index offset `idxOff`); the rows compare with memcmp except where a string key
// longer than the encoded prefix ties, which is settled on the full strings through per-run
// long-string descriptors (same 24-byte format as assembly/sort.ts: lenByteOff, longMark, desc,
// offsets, bytes, prefix). Ties between runs go to the lower run id (stability: runs are numbered in
// input order), rows within a run are already in order.

import { LONG_DESC_BYTES as DESC_BYTES, compare_key_bytes, compare_long_strings } from './lib/key-rows';

// The current merge's layout (module globals: a kernel call runs to completion on one thread).
let gRowPtrs: usize = 0;
let gPos: usize = 0;
let gStride: i32 = 0;
let gWidth: i32 = 0;
let gIdxOff: i32 = 0;
let gDesc: usize = 0;
let gNumDesc: i32 = 0;

/** Compares bytes [from, to) of two rows as unsigned big-endian strings (kept a function: the hot memcmp). */
function compare_bytes(a: usize, b: usize, from: i32, to: i32): i32 {
  return compare_key_bytes(a, b, from, to);
}

/** Compares row `a` of run `ra` with row `b` of run `rb` in SQL order: <0, 0, >0. */
function compare_rows(ra: i32, a: usize, rb: i32, b: usize): i32 {
  let pos = 0;
  for (let j = 0; j < gNumDesc; j++) {
    const da = gDesc + <usize>((ra * gNumDesc + j) * DESC_BYTES);
    const lenOff = load<i32>(da);
    if (lenOff >= pos) {
      const r = compare_bytes(a, b, pos, lenOff + 1);
      if (r != 0) return r;
      pos = lenOff + 1;
    }
    if (<i32>load<u8>(a + <usize>lenOff) == load<i32>(da, 4)) {
      const db = gDesc + <usize>((rb * gNumDesc + j) * DESC_BYTES);
      const r = compare_long_strings(da, db, a, b, gIdxOff);
      if (r != 0) return r;
    }
  }
  return compare_bytes(a, b, pos, gWidth);
}

// @ts-ignore: decorator
@inline function current_row(r: i32): usize {
  return <usize>load<u32>(gRowPtrs + (<usize>r << 2)) + <usize>load<i32>(gPos + (<usize>r << 2)) * <usize>gStride;
}

/** Whether run r's current row goes before run s's (ties: the lower run id). */
// @ts-ignore: decorator
@inline function before(r: i32, s: i32): bool {
  const c = compare_rows(r, current_row(r), s, current_row(s));
  return c < 0 || (c == 0 && r < s);
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
      if (before(rv, cv)) { c++; cv = rv; }
    }
    if (!before(cv, v)) break;
    store<i32>(heap + (<usize>i << 2), cv);
    i = c;
  }
  store<i32>(heap + (<usize>i << 2), v);
}

/**
 * Merges `k` sorted runs into at most `cap` output positions: writes the run id and the row number
 * (within the run's current batch) of each output row to `outRun` / `outRow` and returns how many.
 *
 * Per run r (i32 arrays of k entries): rowPtrs[r] the address of its current batch's key rows
 * (`stride` bytes each: `width` key bytes, the u32 row number at `idxOff`), counts[r] its rows, pos[r]
 * the next row (advanced in place), more[r] != 0 when further batches of the run follow. `desc` holds
 * k * numDesc long-string descriptors (run-major). `heap` is k i32 of scratch.
 * The merge stops early, right after emitting the last row of a current batch whose run has more
 * batches (the caller loads the next batch and calls again); it returns 0 at once when such a run's
 * batch is already exhausted, and 0 when every run is done.
 */
export function merge_runs(rowPtrs: usize, counts: usize, pos: usize, more: usize, k: i32, stride: i32, width: i32, idxOff: i32,
  desc: usize, numDesc: i32, heap: usize, cap: i32, outRun: usize, outRow: usize): i32 {
  gRowPtrs = rowPtrs; gPos = pos; gStride = stride; gWidth = width; gIdxOff = idxOff; gDesc = desc; gNumDesc = numDesc;
  let size = 0;
  for (let r = 0; r < k; r++) {
    const p = load<i32>(pos + (<usize>r << 2));
    if (p < load<i32>(counts + (<usize>r << 2))) store<i32>(heap + (<usize>(size++) << 2), r);
    else if (load<i32>(more + (<usize>r << 2)) != 0) return 0;
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) sift_down(heap, size, i);
  let produced = 0;
  while (size > 0 && produced < cap) {
    const r = load<i32>(heap);
    const pr = pos + (<usize>r << 2);
    const p = load<i32>(pr);
    store<i32>(outRun + (<usize>produced << 2), r);
    store<i32>(outRow + (<usize>produced << 2), p);
    produced++;
    store<i32>(pr, p + 1);
    if (p + 1 >= load<i32>(counts + (<usize>r << 2))) {
      if (load<i32>(more + (<usize>r << 2)) != 0) break;
      size--;
      store<i32>(heap, load<i32>(heap + (<usize>size << 2)));
    }
    if (size > 1) sift_down(heap, size, 0);
  }
  return produced;
}

/**
 * Turns `m` merged (run, row) pairs into a gather plan: per run r, first[r] its first row and
 * counts[r] its number of rows among the pairs (a run's rows are consecutive, so they form the range
 * [first[r], first[r] + counts[r]) of its batch); perm[i] the position of pair i in the concatenation,
 * in run order, of those ranges. `shift` is k i32 of scratch. Returns the number of runs with rows;
 * when it is 1, perm is the identity (written with SIMD).
 */
export function merge_plan(outRun: usize, outRow: usize, m: i32, k: i32, first: usize, counts: usize, shift: usize, perm: usize): i32 {
  memory.fill(counts, 0, <usize>k << 2);
  for (let i = 0; i < m; i++) {
    const r = load<i32>(outRun + (<usize>i << 2));
    const c = counts + (<usize>r << 2);
    const n = load<i32>(c);
    if (n == 0) store<i32>(first + (<usize>r << 2), load<i32>(outRow + (<usize>i << 2)));
    store<i32>(c, n + 1);
  }
  let used = 0;
  let base = 0;
  for (let r = 0; r < k; r++) {
    const n = load<i32>(counts + (<usize>r << 2));
    if (n == 0) continue;
    used++;
    store<i32>(shift + (<usize>r << 2), base - load<i32>(first + (<usize>r << 2)));
    base += n;
  }
  let i = 0;
  if (used == 1) {
    let v = i32x4(0, 1, 2, 3);
    const four = i32x4.splat(4);
    for (; i + 4 <= m; i += 4) {
      v128.store(perm + (<usize>i << 2), v);
      v = i32x4.add(v, four);
    }
    for (; i < m; i++) store<i32>(perm + (<usize>i << 2), i);
    return used;
  }
  for (; i < m; i++) {
    const r = load<i32>(outRun + (<usize>i << 2));
    store<i32>(perm + (<usize>i << 2), load<i32>(outRow + (<usize>i << 2)) + load<i32>(shift + (<usize>r << 2)));
  }
  return used;
}
