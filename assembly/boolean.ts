// Boolean kernels with SQL three-valued (Kleene) logic over (values, validity) byte pairs, plus the
// validity combinator every binary kernel wrapper uses.
//
// Values and validity are bytes 0/1; a validity pointer of 0 means "all valid". A value under a null
// row may be 0 or 1 and is ignored. Null rows of the outputs get value 0.
//
// Kleene logic (SQL:2011 4.6, Spark's And/Or):
//   AND: false if either side is a valid false; true if both are valid true; else null.
//   OR:  true if either side is a valid true; false if both are valid false; else null.

import { andValidity, countZeroBytes, zeroLanes } from './lib/validity';

// @ts-ignore: decorator
@inline function ldv(p: usize, i: i32, ones: v128): v128 {
  return p == 0 ? ones : v128.load(p + <usize>i);
}

// @ts-ignore: decorator
@inline function ld1(p: usize, i: i32): u32 {
  return p == 0 ? 1 : <u32>load<u8>(p + <usize>i);
}


/**
 * Kleene AND (isOr = false) or OR (isOr = true). Writes values to out and validity to outv (when
 * outv != 0); returns the number of null rows. SIMD, 16 rows per iteration.
 */
// @ts-ignore: decorator
@inline function kleene(isOr: bool, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 {
  const ones = i8x16.splat(1);
  let nulls = 0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const va = ldv(av, i, ones);
    const vb = ldv(bv, i, ones);
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    const at = v128.and(x, va); // valid true
    const bt = v128.and(y, vb);
    let value: v128;
    let valid: v128;
    if (isOr) {
      value = v128.or(at, bt);
      valid = v128.or(v128.and(va, vb), value);
    } else {
      const af = v128.andnot(va, x); // valid false
      const bf = v128.andnot(vb, y);
      value = v128.and(at, bt);
      valid = v128.or(v128.and(va, vb), v128.or(af, bf));
    }
    v128.store(out + <usize>i, value);
    if (outv != 0) {
      v128.store(outv + <usize>i, valid);
      nulls += zeroLanes(valid);
    }
  }
  for (; i < n; i++) {
    const va = ld1(av, i);
    const vb = ld1(bv, i);
    const x = <u32>load<u8>(a + <usize>i);
    const y = <u32>load<u8>(b + <usize>i);
    const at = x & va;
    const bt = y & vb;
    let value: u32;
    let valid: u32;
    if (isOr) {
      value = at | bt;
      valid = (va & vb) | value;
    } else {
      value = at & bt;
      valid = (va & vb) | (va & (x ^ 1)) | (vb & (y ^ 1));
    }
    store<u8>(out + <usize>i, <u8>value);
    if (outv != 0) {
      store<u8>(outv + <usize>i, <u8>valid);
      nulls += <i32>(valid ^ 1);
    }
  }
  return nulls;
}

/** Kleene AND. av/bv may be 0 (all valid); outv may be 0 when both are. Returns the null count. */
export function and_kleene(a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 {
  return kleene(false, a, av, b, bv, n, out, outv);
}

/** Kleene OR. av/bv may be 0 (all valid); outv may be 0 when both are. Returns the null count. */
export function or_kleene(a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 {
  return kleene(true, a, av, b, bv, n, out, outv);
}

/** NOT: out[i] = a[i] ^ 1 (validity is unchanged and handled by the wrapper). SIMD. */
export function not_bool(a: usize, n: i32, out: usize): void {
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) v128.store(out + <usize>i, v128.xor(v128.and(v128.load(a + <usize>i), one), one));
  for (; i < n; i++) store<u8>(out + <usize>i, (load<u8>(a + <usize>i) & 1) ^ 1);
}

/** out[i] = a[i] & b[i] over validity bytes; returns the number of zero (null) rows. SIMD. */
export function validity_and(a: usize, b: usize, n: i32, out: usize): i32 {
  return andValidity(a, b, n, out);
}

/** Counts zero bytes (the null count of a validity buffer). SIMD. */
export function count_zeros(p: usize, n: i32): i32 {
  return countZeroBytes(p, n);
}

/** Sets out[i] = 0 where validity[i] == 0 (clears values under null rows). SIMD. */
export function mask_values(out: usize, validity: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = out + <usize>i;
    v128.store(p, v128.and(v128.load(p), v128.load(validity + <usize>i)));
  }
  for (; i < n; i++) store<u8>(out + <usize>i, load<u8>(out + <usize>i) & load<u8>(validity + <usize>i));
}
