// Hash join kernels. The build side's distinct keys get dense ids from the shared group-id table
// (lib/hashtable.ts, lib/keys.ts; null keys never match: nullGroups = 0), its rows are laid out
// per id in CSR form (offsets per id + row numbers, rows of one key in ascending order), and each
// probe batch is looked up (-1: no match) and expanded into (probe row, build row) candidate pairs
// in chunks. Match marks for outer, semi and anti joins are one byte per row (or per key id).
export {
  ht_hash_i8, ht_hash_i16, ht_hash_i32, ht_hash_i64, ht_hash_f32, ht_hash_f64,
  ht_insert_i8, ht_insert_i16, ht_insert_i32, ht_insert_i64, ht_insert_f32, ht_insert_f64,
  ht_lookup_i8, ht_lookup_i16, ht_lookup_i32, ht_lookup_i64, ht_lookup_f32, ht_lookup_f64,
  dm_insert_i8, dm_insert_i16, dm_insert_i32, dm_insert_i64,
  dm_lookup_i8, dm_lookup_i16, dm_lookup_i32, dm_lookup_i64,
  key_range_i8, key_range_i16, key_range_i32, key_range_i64, dm_rebuild, ht_rebuild_fixed,
  ht_clear, ht_rehash_fixed, ht_rehash_enc, ht_insert_enc, ht_lookup_enc,
} from './lib/hashtable';
export { encode_keys } from './lib/keys';

/**
 * Counting sort of the `n` build rows by key id (ids < 0 are skipped): afterwards the rows of id g
 * are rows[offs[g] .. offs[g+1]) in ascending order. `offs` has groups + 1 entries (cleared here).
 */
export function join_csr(gids: usize, n: i32, groups: i32, offs: usize, rows: usize): void {
  memory.fill(offs, 0, (<usize>groups + 1) << 2);
  for (let i = 0; i < n; i++) {
    const g = load<i32>(gids + (<usize>i << 2));
    if (g < 0) continue;
    const a = offs + (<usize>g << 2);
    store<i32>(a, load<i32>(a) + 1);
  }
  // Inclusive prefix sums: offs[g] = end of g's rows.
  let total = 0;
  for (let g = 0; g < groups; g++) {
    total += load<i32>(offs + (<usize>g << 2));
    store<i32>(offs + (<usize>g << 2), total);
  }
  store<i32>(offs + (<usize>groups << 2), total);
  // Scatter backwards: each offs[g] walks down to the start of g's rows.
  for (let i = n - 1; i >= 0; i--) {
    const g = load<i32>(gids + (<usize>i << 2));
    if (g < 0) continue;
    const a = offs + (<usize>g << 2);
    const p = load<i32>(a) - 1;
    store<i32>(a, p);
    store<i32>(rows + (<usize>p << 2), i);
  }
}

/**
 * Writes up to `cap` candidate pairs (outProbe[j], outBuild[j]) for the probe rows' ids, resuming
 * at the cursor {i32 probe row, i32 position in rows or -1} which it advances. Returns the count
 * (0 when every probe row is done).
 */
export function join_expand(probeGids: usize, n: i32, offs: usize, rows: usize, cursor: usize, cap: i32, outProbe: usize, outBuild: usize): i32 {
  let i = load<i32>(cursor);
  let k = load<i32>(cursor, 4);
  let cnt = 0;
  while (i < n && cnt < cap) {
    const g = load<i32>(probeGids + (<usize>i << 2));
    if (g < 0) {
      i++;
      continue;
    }
    if (k < 0) k = load<i32>(offs + (<usize>g << 2));
    const end = load<i32>(offs + (<usize>g << 2), 4);
    while (k < end && cnt < cap) {
      store<i32>(outProbe + (<usize>cnt << 2), i);
      store<i32>(outBuild + (<usize>cnt << 2), load<i32>(rows + (<usize>k << 2)));
      cnt++;
      k++;
    }
    if (k >= end) {
      i++;
      k = -1;
    }
  }
  store<i32>(cursor, i);
  store<i32>(cursor, k, 4);
  return cnt;
}

/** Keeps the pairs whose residual result is true (non-null and non-zero), compacting both index arrays in place. */
export function join_filter_pairs(a: usize, b: usize, n: i32, vals: usize, validity: usize): i32 {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const keep = load<u8>(vals + <usize>i) != 0 && (validity == 0 || load<u8>(validity + <usize>i) != 0);
    store<i32>(a + (<usize>m << 2), load<i32>(a + (<usize>i << 2)));
    store<i32>(b + (<usize>m << 2), load<i32>(b + (<usize>i << 2)));
    m += keep ? 1 : 0;
  }
  return m;
}

/** marks[idx[i]] = 1 for i < n. */
export function join_mark(idx: usize, n: i32, marks: usize): void {
  for (let i = 0; i < n; i++) store<u8>(marks + <usize>load<i32>(idx + (<usize>i << 2)), 1);
}

/** groupMarks[g] = 1 for every probe id g >= 0 (semi/anti joins that build on the left side). */
export function join_mark_groups(gids: usize, n: i32, groupMarks: usize): void {
  for (let i = 0; i < n; i++) {
    const g = load<i32>(gids + (<usize>i << 2));
    if (g >= 0) store<u8>(groupMarks + <usize>g, 1);
  }
}

/**
 * Writes the indices i < n with (marks[i] != 0) == (want != 0) to `out`; returns how many (SIMD:
 * sixteen marks per compare, then the set bits of the mask).
 */
export function join_select(marks: usize, n: i32, want: i32, out: usize): i32 {
  let cnt = 0;
  let i = 0;
  const zero = i8x16.splat(0);
  for (; i + 16 <= n; i += 16) {
    const isZero = i8x16.eq(v128.load(marks + <usize>i), zero);
    let bits = <u32>i8x16.bitmask(isZero);
    if (want != 0) bits = ~bits & 0xFFFF;
    while (bits != 0) {
      store<i32>(out + (<usize>cnt << 2), i + <i32>ctz<u32>(bits));
      cnt++;
      bits &= bits - 1;
    }
  }
  for (; i < n; i++) {
    if ((load<u8>(marks + <usize>i) != 0) == (want != 0)) {
      store<i32>(out + (<usize>cnt << 2), i);
      cnt++;
    }
  }
  return cnt;
}

/** Writes the indices i < n whose id is >= 0 (want = 1, matched) or < 0 (want = 0) to `out`; returns how many (SIMD). */
export function join_select_gids(gids: usize, n: i32, want: i32, out: usize): i32 {
  let cnt = 0;
  let i = 0;
  const zero = i32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const neg = i32x4.lt_s(v128.load(gids + (<usize>i << 2)), zero);
    let bits = <u32>i32x4.bitmask(neg);
    if (want != 0) bits = ~bits & 0xF;
    while (bits != 0) {
      store<i32>(out + (<usize>cnt << 2), i + <i32>ctz<u32>(bits));
      cnt++;
      bits &= bits - 1;
    }
  }
  for (; i < n; i++) {
    if ((load<i32>(gids + (<usize>i << 2)) >= 0) == (want != 0)) {
      store<i32>(out + (<usize>cnt << 2), i);
      cnt++;
    }
  }
  return cnt;
}

/** Writes the build rows i < n whose key id is marked (want = 1) or not (want = 0; rows without an id count as unmarked). */
export function join_select_groups(gids: usize, n: i32, groupMarks: usize, want: i32, out: usize): i32 {
  let cnt = 0;
  for (let i = 0; i < n; i++) {
    const g = load<i32>(gids + (<usize>i << 2));
    const marked = g >= 0 && load<u8>(groupMarks + <usize>g) != 0;
    if (marked == (want != 0)) {
      store<i32>(out + (<usize>cnt << 2), i);
      cnt++;
    }
  }
  return cnt;
}
