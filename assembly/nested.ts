// Kernels over the offsets of nested columns (array / map: int32 offsets, n + 1 entries, into one
// child column; layout of Apache Arrow's List and Map). Pure functions over pointers and lengths.

/**
 * For the `count` selected rows (int32 row indices at `indices`) of a list column with `offsets`,
 * writes the child row indices of their elements, in order, to `out` (sized by the caller from the
 * gathered offsets). Returns the number written. The gather of a nested column takes its child at
 * these indices.
 */
export function expand_ranges(offsets: usize, indices: usize, count: i32, out: usize): i32 {
  let w: i32 = 0;
  const step = i32x4(0, 1, 2, 3);
  for (let k = 0; k < count; k++) {
    const p = offsets + (<usize>load<i32>(indices + (<usize>k << 2)) << 2);
    const start = load<i32>(p);
    const end = load<i32>(p, 4);
    let j = start;
    for (; j + 4 <= end; j += 4) {
      v128.store(out + (<usize>w << 2), i32x4.add(i32x4.splat(j), step));
      w += 4;
    }
    for (; j < end; j++) {
      store<i32>(out + (<usize>w << 2), j);
      w++;
    }
  }
  return w;
}

/**
 * Sizes of `n` lists: out[i] = offsets[i + 1] - offsets[i], or `null_value` where the row is null
 * (validity 0 = all valid). Spark's size(): -1 for a null input with legacy sizeOfNull.
 */
export function list_sizes(offsets: usize, validity: usize, n: i32, null_value: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = v128.load(offsets + (<usize>i << 2));
    const b = v128.load(offsets + (<usize>i << 2), 4);
    v128.store(out + (<usize>i << 2), i32x4.sub(b, a));
  }
  for (; i < n; i++) store<i32>(out + (<usize>i << 2), load<i32>(offsets + (<usize>i << 2), 4) - load<i32>(offsets + (<usize>i << 2)));
  if (validity != 0) {
    for (let r = 0; r < n; r++) if (load<u8>(validity + <usize>r) == 0) store<i32>(out + (<usize>r << 2), null_value);
  }
}

/**
 * The generator plan of explode / posexplode: for each of the `n` rows of a list column, one output
 * row per element (or, with `outer`, one row with a null element for a null or empty list). Writes
 * the parent row (out_rows), the child row (out_child, 0 for an outer null row), the position in
 * the list (out_pos), and out_valid (1, or 0 for an outer null row). Returns the output row count.
 * The caller sizes the outputs as child length + n (an upper bound).
 */
export function explode_plan(offsets: usize, validity: usize, n: i32, outer: i32, out_rows: usize, out_child: usize, out_pos: usize, out_valid: usize): i32 {
  let w: i32 = 0;
  const step = i32x4(0, 1, 2, 3);
  for (let i = 0; i < n; i++) {
    const isNull = validity != 0 && load<u8>(validity + <usize>i) == 0;
    const start = load<i32>(offsets + (<usize>i << 2));
    const end = isNull ? start : load<i32>(offsets + (<usize>i << 2), 4);
    if (start == end) {
      if (outer != 0) {
        store<i32>(out_rows + (<usize>w << 2), i);
        store<i32>(out_child + (<usize>w << 2), 0);
        store<i32>(out_pos + (<usize>w << 2), 0);
        store<u8>(out_valid + <usize>w, 0);
        w++;
      }
      continue;
    }
    const rowv = i32x4.splat(i);
    let j = start;
    for (; j + 4 <= end; j += 4) {
      const o = <usize>w << 2;
      v128.store(out_rows + o, rowv);
      v128.store(out_child + o, i32x4.add(i32x4.splat(j), step));
      v128.store(out_pos + o, i32x4.add(i32x4.splat(j - start), step));
      store<u32>(out_valid + <usize>w, 0x01010101);
      w += 4;
    }
    for (; j < end; j++) {
      const o = <usize>w << 2;
      store<i32>(out_rows + o, i);
      store<i32>(out_child + o, j);
      store<i32>(out_pos + o, j - start);
      store<u8>(out_valid + <usize>w, 1);
      w++;
    }
  }
  return w;
}

/**
 * element_at / `col[i]` over `n` lists: the child row of each row's element at `index` (int32 per
 * row at `index_ptr`, with `index_validity`), 1-based with negative indices from the end when
 * `one_based`, else 0-based (`col[i]`, negative is out of range). Writes out_child (0 when absent)
 * and out_valid (0 when the list or index is null or the index is out of range); returns the number
 * of null results.
 */
export function list_element_index(offsets: usize, validity: usize, n: i32, index_ptr: usize, index_validity: usize, one_based: i32, out_child: usize, out_valid: usize): i32 {
  let nulls: i32 = 0;
  for (let i = 0; i < n; i++) {
    const start = load<i32>(offsets + (<usize>i << 2));
    const len = load<i32>(offsets + (<usize>i << 2), 4) - start;
    let ok = !(validity != 0 && load<u8>(validity + <usize>i) == 0) && !(index_validity != 0 && load<u8>(index_validity + <usize>i) == 0);
    let at: i32 = 0;
    if (ok) {
      const idx = load<i32>(index_ptr + (<usize>i << 2));
      if (one_based != 0) {
        if (idx > 0 && idx <= len) at = idx - 1;
        else if (idx < 0 && -idx <= len) at = len + idx;
        else ok = false;
      } else {
        if (idx >= 0 && idx < len) at = idx;
        else ok = false;
      }
    }
    store<i32>(out_child + (<usize>i << 2), ok ? start + at : 0);
    store<u8>(out_valid + <usize>i, ok ? 1 : 0);
    if (!ok) nulls++;
  }
  return nulls;
}

/**
 * Counting sort of rows by group id (collect_list): `gids` (n int32 in [0, groups)), rows with a
 * zero `valid` byte skipped (valid 0 = all kept). Writes per-group offsets (groups + 1 int32) and
 * the kept row indices grouped by id, stable (order of appearance) into `out_rows`; `cursor` is
 * scratch of `groups` int32. Returns the number of rows written.
 */
export function group_rows(gids: usize, valid: usize, n: i32, groups: i32, offsets: usize, cursor: usize, out_rows: usize): i32 {
  memory.fill(cursor, 0, <usize>groups << 2);
  for (let i = 0; i < n; i++) {
    if (valid != 0 && load<u8>(valid + <usize>i) == 0) continue;
    const p = cursor + (<usize>load<i32>(gids + (<usize>i << 2)) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  let total: i32 = 0;
  store<i32>(offsets, 0);
  for (let g = 0; g < groups; g++) {
    const p = cursor + (<usize>g << 2);
    const c = load<i32>(p);
    store<i32>(p, total);
    total += c;
    store<i32>(offsets + (<usize>(g + 1) << 2), total);
  }
  for (let i = 0; i < n; i++) {
    if (valid != 0 && load<u8>(valid + <usize>i) == 0) continue;
    const p = cursor + (<usize>load<i32>(gids + (<usize>i << 2)) << 2);
    const at = load<i32>(p);
    store<i32>(out_rows + (<usize>at << 2), i);
    store<i32>(p, at + 1);
  }
  return total;
}

/** Fills `n` int32 with `value` (the broadcast of a one-row nested literal takes row 0 n times). */
export function fill_i32(out: usize, n: i32, value: i32): void {
  const v = i32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), v);
  for (; i < n; i++) store<i32>(out + (<usize>i << 2), value);
}

/**
 * array(c1, ..., ck) over n rows: the child row index of element j of row i in the concatenation of
 * the k argument columns is j * n + i. Writes the n * k indices row by row, and offsets i * k.
 */
export function interleave_indices(n: i32, k: i32, out_idx: usize, out_offsets: usize): void {
  let w: i32 = 0;
  for (let i = 0; i < n; i++) {
    store<i32>(out_offsets + (<usize>i << 2), i * k);
    for (let j = 0; j < k; j++) {
      store<i32>(out_idx + (<usize>w << 2), j * n + i);
      w++;
    }
  }
  store<i32>(out_offsets + (<usize>n << 2), n * k);
}

/** The parent row of every child row of a list column (n lists, offsets[n] child rows), nulls included. */
export function parent_rows(offsets: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const start = load<i32>(offsets + (<usize>i << 2));
    const end = load<i32>(offsets + (<usize>i << 2), 4);
    const v = i32x4.splat(i);
    let j = start;
    for (; j + 4 <= end; j += 4) v128.store(out + (<usize>j << 2), v);
    for (; j < end; j++) store<i32>(out + (<usize>j << 2), i);
  }
}

/**
 * array_contains over n lists given the per-element equality `eq` (bytes 0/1 with `eq_validity`,
 * 0 = all valid): true if some element equals, else null if some comparison was null, else false;
 * null where the list is null or `row_validity` (the searched value's) is 0. Returns the null count.
 */
export function list_any_match(offsets: usize, validity: usize, row_validity: usize, n: i32, eq: usize, eq_validity: usize, out: usize, out_valid: usize): i32 {
  let nulls: i32 = 0;
  for (let i = 0; i < n; i++) {
    let ok = !(validity != 0 && load<u8>(validity + <usize>i) == 0) && !(row_validity != 0 && load<u8>(row_validity + <usize>i) == 0);
    let found: u8 = 0;
    if (ok) {
      let sawNull = false;
      const end = load<i32>(offsets + (<usize>i << 2), 4);
      for (let j = load<i32>(offsets + (<usize>i << 2)); j < end; j++) {
        if (eq_validity != 0 && load<u8>(eq_validity + <usize>j) == 0) sawNull = true;
        else if (load<u8>(eq + <usize>j) != 0) {
          found = 1;
          break;
        }
      }
      if (!found && sawNull) ok = false;
    }
    store<u8>(out + <usize>i, found);
    store<u8>(out_valid + <usize>i, ok ? 1 : 0);
    if (!ok) nulls++;
  }
  return nulls;
}

/**
 * Map lookup over n maps given the per-entry key equality `eq` (0/1, with `eq_validity`): the child
 * row of the first matching entry (out_child, 0 when none) and out_valid (0 when the map is null or
 * no key matches). Returns the number of rows without a match.
 */
export function list_first_match(offsets: usize, validity: usize, n: i32, eq: usize, eq_validity: usize, out_child: usize, out_valid: usize): i32 {
  let misses: i32 = 0;
  for (let i = 0; i < n; i++) {
    let at: i32 = -1;
    if (!(validity != 0 && load<u8>(validity + <usize>i) == 0)) {
      const end = load<i32>(offsets + (<usize>i << 2), 4);
      for (let j = load<i32>(offsets + (<usize>i << 2)); j < end; j++) {
        if ((eq_validity == 0 || load<u8>(eq_validity + <usize>j) != 0) && load<u8>(eq + <usize>j) != 0) {
          at = j;
          break;
        }
      }
    }
    store<i32>(out_child + (<usize>i << 2), at < 0 ? 0 : at);
    store<u8>(out_valid + <usize>i, at < 0 ? 0 : 1);
    if (at < 0) misses++;
  }
  return misses;
}

/**
 * collect_set: out[i] = 1 for the rows whose dense pair id (ids, numbered in order of first
 * appearance over all rows) appears for the first time among the kept rows (`keep`, 0 = all).
 * Ids of skipped rows may be new too: a row is first when its id was not seen among kept rows,
 * tracked in `out`-independent scratch `seen` (one byte per possible id, n bytes, zeroed here).
 */
export function first_occurrence(ids: usize, keep: usize, n: i32, out: usize, seen: usize): void {
  memory.fill(seen, 0, <usize>n);
  for (let i = 0; i < n; i++) {
    let first: u8 = 0;
    if (keep == 0 || load<u8>(keep + <usize>i) != 0) {
      const id = <usize>load<i32>(ids + (<usize>i << 2));
      if (load<u8>(seen + id) == 0) {
        store<u8>(seen + id, 1);
        first = 1;
      }
    }
    store<u8>(out + <usize>i, first);
  }
}

/**
 * `cond ? a : b` over nested columns as a gather: out[i] = i where cond is true (and valid), else
 * n + i, indexing the concatenation of a and b (n rows each).
 */
export function select_indices(cond: usize, cond_validity: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const t = load<u8>(cond + <usize>i) != 0 && (cond_validity == 0 || load<u8>(cond_validity + <usize>i) != 0);
    store<i32>(out + (<usize>i << 2), t ? i : n + i);
  }
}
