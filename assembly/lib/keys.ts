// Key-row encoding for the hash table's encoded layout (strings, several key columns): each row's
// key values become one compact byte string, so that two rows have equal keys (in Spark's grouping
// sense: null = null, NaN = NaN, -0.0 = 0.0) exactly when their key rows are byte-equal.
//
// Column descriptors (16 bytes each): {i32 kind, i32 values, i32 validity (0: no nulls), i32 offsets}.
// Per column, a key row holds one flag byte (1 valid, 0 null) followed by
//   kind 1/2/4/8 (integers, boolean, date, decimal, timestamp): the value's bytes (zeros when null)
//   kind 5 (float32) / 9 (float64): the normalised bits (zeros when null)
//   kind 16 (utf8): i32 byte length, then the bytes (length 0 when null)
//   kind 0 (the null type): nothing more (the flag is always 0).
// So every row is (fixed part) + (its string bytes) long, which the caller computes up front.

// @ts-ignore: decorator
@inline export const K_NULL: i32 = 0;
// @ts-ignore: decorator
@inline export const K_F32: i32 = 5;
// @ts-ignore: decorator
@inline export const K_F64: i32 = 9;
// @ts-ignore: decorator
@inline export const K_UTF8: i32 = 16;
// @ts-ignore: decorator
@inline export const K_I128: i32 = 17; // int128 decimals (precision > 18): 16 bytes

/** Bytes a non-string key of `kind` takes after its flag byte (4 for utf8: the length prefix). */
// @ts-ignore: decorator
@inline export function kind_width(kind: i32): i32 {
  if (kind == K_F32 || kind == K_UTF8) return 4;
  if (kind == K_F64) return 8;
  if (kind == K_I128) return 16;
  return kind; // 0, 1, 2, 4, 8
}

// @ts-ignore: decorator
@inline function norm_f32_bits(v: f32): u32 {
  if (v != v) return 0x7FC00000;
  if (v == 0) return 0;
  return reinterpret<u32>(v);
}

// @ts-ignore: decorator
@inline function norm_f64_bits(v: f64): u64 {
  if (v != v) return 0x7FF8000000000000;
  if (v == 0) return 0;
  return reinterpret<u64>(v);
}

/**
 * Encodes the key rows of `n` rows of `ncols` key columns (descriptors at `desc`) into `out`, with
 * row i at [outOffs[i], outOffs[i+1]). When `rowValid` is not 0, writes 1 there for rows whose
 * keys are all non-null and 0 otherwise (joins: a null key never matches).
 */
export function encode_keys(desc: usize, ncols: i32, n: i32, outOffs: usize, out: usize, rowValid: usize): void {
  let pos: usize = 0;
  for (let i = 0; i < n; i++) {
    store<i32>(outOffs + (<usize>i << 2), <i32>pos);
    let allValid: u8 = 1;
    for (let c = 0; c < ncols; c++) {
      const d = desc + (<usize>c << 4);
      const kind = load<i32>(d);
      const vals = <usize>load<i32>(d, 4);
      const validity = <usize>load<i32>(d, 8);
      const p = out + pos;
      const valid: u8 = kind == K_NULL ? 0 : validity == 0 ? 1 : load<u8>(validity + <usize>i) != 0 ? 1 : 0;
      allValid &= valid;
      store<u8>(p, valid);
      const q = p + 1;
      if (kind == K_UTF8) {
        if (valid) {
          const offs = <usize>load<i32>(d, 12);
          const s = load<i32>(offs + (<usize>i << 2));
          const len = load<i32>(offs + (<usize>i << 2), 4) - s;
          store<i32>(q, len);
          memory.copy(q + 4, vals + <usize>s, <usize>len);
          pos += 5 + <usize>len;
        } else {
          store<i32>(q, 0);
          pos += 5;
        }
      } else if (kind == K_I128) {
        store<u64>(q, valid ? load<u64>(vals + (<usize>i << 4)) : 0);
        store<u64>(q, valid ? load<u64>(vals + (<usize>i << 4), 8) : 0, 8);
        pos += 17;
      } else if (kind == 4) {
        store<i32>(q, valid ? load<i32>(vals + (<usize>i << 2)) : 0);
        pos += 5;
      } else if (kind == 8) {
        store<i64>(q, valid ? load<i64>(vals + (<usize>i << 3)) : 0);
        pos += 9;
      } else if (kind == K_F64) {
        store<u64>(q, valid ? norm_f64_bits(load<f64>(vals + (<usize>i << 3))) : 0);
        pos += 9;
      } else if (kind == K_F32) {
        store<u32>(q, valid ? norm_f32_bits(load<f32>(vals + (<usize>i << 2))) : 0);
        pos += 5;
      } else if (kind == 1) {
        store<u8>(q, valid ? load<u8>(vals + <usize>i) : 0);
        pos += 2;
      } else if (kind == 2) {
        store<i16>(q, valid ? load<i16>(vals + (<usize>i << 1)) : 0);
        pos += 3;
      } else {
        pos += 1; // K_NULL
      }
    }
    if (rowValid != 0) store<u8>(rowValid + <usize>i, allValid);
  }
  store<i32>(outOffs + (<usize>n << 2), <i32>pos);
}

/** Address of column `col`'s flag byte inside the key row at `row` (skips the columns before it). */
// @ts-ignore: decorator
@inline function field_at(desc: usize, col: i32, row: usize): usize {
  let p = row;
  for (let c = 0; c < col; c++) {
    const kind = load<i32>(desc + (<usize>c << 4));
    if (kind == K_UTF8) p += 5 + <usize>load<i32>(p, 1);
    else p += 1 + <usize>kind_width(kind);
  }
  return p;
}

/** Total string bytes of utf8 key column `col` over groups [start, start+count) (refs: {offset, length} per group). */
export function decode_key_strlen(desc: usize, col: i32, arena: usize, refs: usize, start: i32, count: i32): i32 {
  let total = 0;
  for (let g = start; g < start + count; g++) {
    const p = field_at(desc, col, arena + <usize>load<i32>(refs + (<usize>g << 3)));
    total += load<i32>(p, 1);
  }
  return total;
}

/**
 * Writes key column `col` of groups [start, start+count) as a column: values (fixed width, or the
 * string bytes with int32 `dstOffs` for utf8) and one validity byte per row. Returns the null count.
 */
export function decode_key_column(
  desc: usize, col: i32, arena: usize, refs: usize, start: i32, count: i32, dstVals: usize, dstValid: usize, dstOffs: usize,
): i32 {
  const kind = load<i32>(desc + (<usize>col << 4));
  let nulls = 0;
  let spos = 0;
  for (let j = 0; j < count; j++) {
    const p = field_at(desc, col, arena + <usize>load<i32>(refs + (<usize>(start + j) << 3)));
    const valid = load<u8>(p);
    store<u8>(dstValid + <usize>j, valid);
    nulls += 1 - <i32>valid;
    const q = p + 1;
    if (kind == K_UTF8) {
      store<i32>(dstOffs + (<usize>j << 2), spos);
      const len = load<i32>(q);
      memory.copy(dstVals + <usize>spos, q + 4, <usize>len);
      spos += len;
    } else if (kind == K_I128) {
      store<u64>(dstVals + (<usize>j << 4), load<u64>(q));
      store<u64>(dstVals + (<usize>j << 4), load<u64>(q, 8), 8);
    } else if (kind == 4 || kind == K_F32) {
      store<u32>(dstVals + (<usize>j << 2), load<u32>(q));
    } else if (kind == 8 || kind == K_F64) {
      store<u64>(dstVals + (<usize>j << 3), load<u64>(q));
    } else if (kind == 1) {
      store<u8>(dstVals + <usize>j, load<u8>(q));
    } else if (kind == 2) {
      store<u16>(dstVals + (<usize>j << 1), load<u16>(q));
    }
  }
  if (kind == K_UTF8) store<i32>(dstOffs + (<usize>count << 2), spos);
  return nulls;
}
