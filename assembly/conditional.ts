// Conditional selection (CASE WHEN, coalesce, if) and literal broadcast. Pure functions over
// pointers and lengths; validity pointers of 0 mean "all valid" (see src/types/data-type.ts).

// @ts-ignore: decorator
@inline function valid(v: usize, i: i32): bool {
  return v == 0 || load<u8>(v + <usize>i) != 0;
}

/**
 * out[i] = cond[i] ? a[i] : b[i] for values `width` bytes wide (1, 2, 4 or 8); a null condition
 * counts as false (CASE WHEN semantics). Output validity follows the chosen side. SIMD blend for
 * the all-valid 8-byte and 4-byte cases. Returns the output's null count.
 */
export function if_else_fixed(
  width: i32, cond: usize, condValid: usize, a: usize, aValid: usize, b: usize, bValid: usize,
  n: i32, out: usize, outValid: usize,
): i32 {
  let nulls = 0;
  let i = 0;
  if (condValid == 0 && width == 4) {
    // Widen 4 condition bytes to 4 lane masks and blend.
    for (; i + 4 <= n; i += 4) {
      const c = load<u32>(cond + <usize>i);
      const m = i32x4.ne(i32x4(<i32>(c & 0xff), <i32>((c >> 8) & 0xff), <i32>((c >> 16) & 0xff), <i32>(c >> 24)), i32x4.splat(0));
      const o = <usize>i << 2;
      v128.store(out + o, v128.bitselect(v128.load(a + o), v128.load(b + o), m));
    }
  } else if (condValid == 0 && width == 8) {
    for (; i + 2 <= n; i += 2) {
      const c = load<u16>(cond + <usize>i);
      const m = i64x2.ne(i64x2(<i64>(c & 0xff), <i64>(c >> 8)), i64x2.splat(0));
      const o = <usize>i << 3;
      v128.store(out + o, v128.bitselect(v128.load(a + o), v128.load(b + o), m));
    }
  }
  for (; i < n; i++) {
    const take = valid(condValid, i) && load<u8>(cond + <usize>i) != 0;
    const o = <usize>i * <usize>width;
    const src = take ? a : b;
    if (width == 8) store<u64>(out + o, load<u64>(src + o));
    else if (width == 4) store<u32>(out + o, load<u32>(src + o));
    else if (width == 2) store<u16>(out + o, load<u16>(src + o));
    else store<u8>(out + o, load<u8>(src + o));
  }
  // Validity for every row (the SIMD part above wrote values only).
  for (let j = 0; j < n; j++) {
    const take = valid(condValid, j) && load<u8>(cond + <usize>j) != 0;
    const v: u8 = take ? (valid(aValid, j) ? 1 : 0) : valid(bValid, j) ? 1 : 0;
    store<u8>(outValid + <usize>j, v);
    nulls += 1 - <i32>v;
  }
  return nulls;
}

/** Pass 1 of if_else for strings: writes output offsets (n + 1) and validity; returns total bytes. */
export function if_else_utf8_offsets(
  cond: usize, condValid: usize, aOff: usize, aValid: usize, bOff: usize, bValid: usize,
  n: i32, outOff: usize, outValid: usize,
): i32 {
  let total = 0;
  store<i32>(outOff, 0);
  for (let i = 0; i < n; i++) {
    const take = valid(condValid, i) && load<u8>(cond + <usize>i) != 0;
    const off = take ? aOff : bOff;
    const ok = take ? valid(aValid, i) : valid(bValid, i);
    const len = ok ? load<i32>(off + (<usize>(i + 1) << 2)) - load<i32>(off + (<usize>i << 2)) : 0;
    total += len;
    store<i32>(outOff + (<usize>(i + 1) << 2), total);
    store<u8>(outValid + <usize>i, ok ? 1 : 0);
  }
  return total;
}

/** Pass 2 of if_else for strings: copies the chosen strings' bytes. */
export function if_else_utf8_bytes(
  cond: usize, condValid: usize, aOff: usize, aData: usize, bOff: usize, bData: usize,
  n: i32, outOff: usize, outData: usize,
): void {
  for (let i = 0; i < n; i++) {
    const take = valid(condValid, i) && load<u8>(cond + <usize>i) != 0;
    const off = take ? aOff : bOff;
    const data = take ? aData : bData;
    const start = load<i32>(off + (<usize>i << 2));
    const o0 = load<i32>(outOff + (<usize>i << 2));
    const len = load<i32>(outOff + (<usize>(i + 1) << 2)) - o0;
    memory.copy(outData + <usize>o0, data + <usize>start, <usize>len);
  }
}

/** Broadcasts one string of `len` bytes at `src` to `n` rows: offsets i * len and repeated bytes. */
export function repeat_utf8(src: usize, len: i32, n: i32, outOff: usize, outData: usize): void {
  for (let i = 0; i <= n; i++) store<i32>(outOff + (<usize>i << 2), i * len);
  for (let i = 0; i < n; i++) memory.copy(outData + <usize>(i * len), src, <usize>len);
}
