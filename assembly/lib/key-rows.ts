// Comparison of encoded key rows (the memcmp-ordered layout of assembly/sort.ts, shared with the
// k-way merge of assembly/merge.ts). A string key longer than its encoded prefix is settled on the
// full strings through a 24-byte long-string descriptor:
//   +0 lenByteOff, +4 longMark, +8 desc (!= 0: descending), +12 offsets, +16 bytes, +20 prefix.

/** Size in bytes of one long-string descriptor. */
// @ts-ignore: decorator
@inline export const LONG_DESC_BYTES: i32 = 24;

/** Compares bytes [from, to) of two rows as unsigned big-endian strings (<0, 0, >0); 16 bytes per SIMD step. */
// @ts-ignore: decorator
@inline export function compare_key_bytes(a: usize, b: usize, from: i32, to: i32): i32 {
  let i = from;
  for (; i + 16 <= to; i += 16) {
    const eq = i8x16.bitmask(i8x16.eq(v128.load(a + <usize>i), v128.load(b + <usize>i)));
    if (eq != 0xFFFF) {
      const j = <usize>(i + <i32>ctz<u32>(~eq & 0xFFFF));
      return <i32>load<u8>(a + j) - <i32>load<u8>(b + j);
    }
  }
  for (; i + 8 <= to; i += 8) {
    const x = bswap<u64>(load<u64>(a + <usize>i));
    const y = bswap<u64>(load<u64>(b + <usize>i));
    if (x != y) return x < y ? -1 : 1;
  }
  for (; i < to; i++) {
    const x = <i32>load<u8>(a + <usize>i);
    const y = <i32>load<u8>(b + <usize>i);
    if (x != y) return x - y;
  }
  return 0;
}

/**
 * Full comparison, past the shared prefix, of the long strings of rows `a` and `b` (row numbers at
 * `idxOff`), whose string columns are described by descriptors `da` and `db` (the same descriptor
 * when both rows come from one batch): -1, 0 or 1 in the key's direction.
 */
// @ts-ignore: decorator
@inline export function compare_long_strings(da: usize, db: usize, a: usize, b: usize, idxOff: i32): i32 {
  const prefix = load<i32>(da, 20);
  const ia = load<i32>(a + <usize>idxOff);
  const ib = load<i32>(b + <usize>idxOff);
  const offa = <usize>load<i32>(da, 12);
  const offb = <usize>load<i32>(db, 12);
  const sa = load<i32>(offa + (<usize>ia << 2));
  const la = load<i32>(offa + (<usize>ia << 2) + 4) - sa;
  const sb = load<i32>(offb + (<usize>ib << 2));
  const lb = load<i32>(offb + (<usize>ib << 2) + 4) - sb;
  const pa = <usize>load<i32>(da, 16) + <usize>sa;
  const pb = <usize>load<i32>(db, 16) + <usize>sb;
  const m = la < lb ? la : lb;
  let r = m > prefix ? compare_key_bytes(pa, pb, prefix, m) : 0;
  if (r == 0) r = la - lb;
  if (r == 0) return 0;
  r = r < 0 ? -1 : 1;
  return load<i32>(da, 8) != 0 ? -r : r;
}
