// Comparison kernels: eq, ne, lt, le, gt, ge for every physical type, column-vs-column (cc) and
// column-vs-scalar (cs), plus is_null / is_not_null and IN-list membership.
//
// Output: one byte per row, 0 or 1. Validity is not computed here: the TypeScript wrapper combines
// the inputs' validity (boolean.validity_and). Values under null rows are compared like any other
// (they are deterministic garbage the validity hides).
//
// Spark float semantics (SQL ordering, not IEEE): NaN = NaN is true, NaN is greater than every other
// value, -0.0 = 0.0. Booleans compare as unsigned bytes (false < true). Strings compare by unsigned
// UTF-8 bytes, which is Spark's UTF8String order (it equals code point order).
//
// Fixed-width loops handle 16 rows per iteration: the lane masks of 16/width vectors are narrowed
// to 16 bytes (i16x8/i8x16.narrow; 64-bit masks are first packed by a shuffle) and masked to 0/1.

// @ts-ignore: decorator
@inline const EQ = 0;
// @ts-ignore: decorator
@inline const NE = 1;
// @ts-ignore: decorator
@inline const LT = 2;
// @ts-ignore: decorator
@inline const LE = 3;
// @ts-ignore: decorator
@inline const GT = 4;
// @ts-ignore: decorator
@inline const GE = 5;

/** Lane mask (all ones = true) of `op` on lanes of type T with Spark's NaN ordering for floats. */
// @ts-ignore: decorator
@inline function maskV<T>(op: i32, a: v128, b: v128): v128 {
  if (isFloat<T>()) {
    const an = v128.ne<T>(a, a);
    const bn = v128.ne<T>(b, b);
    if (op == EQ) return v128.or(v128.eq<T>(a, b), v128.and(an, bn));
    if (op == NE) return v128.not(v128.or(v128.eq<T>(a, b), v128.and(an, bn)));
    // a < b, or b is NaN and a is not.
    if (op == LT) return v128.or(v128.lt<T>(a, b), v128.andnot(bn, an));
    // a <= b, or b is NaN (NaN is the greatest; NaN <= NaN).
    if (op == LE) return v128.or(v128.le<T>(a, b), bn);
    if (op == GT) return v128.or(v128.gt<T>(a, b), v128.andnot(an, bn));
    return v128.or(v128.ge<T>(a, b), an);
  } else {
    if (op == EQ) return v128.eq<T>(a, b);
    if (op == NE) return v128.ne<T>(a, b);
    if (op == LT) return v128.lt<T>(a, b);
    if (op == LE) return v128.le<T>(a, b);
    if (op == GT) return v128.gt<T>(a, b);
    return v128.ge<T>(a, b);
  }
}

/** Scalar form of maskV. */
// @ts-ignore: decorator
@inline function cmp1<T>(op: i32, a: T, b: T): bool {
  if (isFloat<T>()) {
    const an = a != a;
    const bn = b != b;
    if (op == EQ) return a == b || (an && bn);
    if (op == NE) return !(a == b || (an && bn));
    if (op == LT) return a < b || (bn && !an);
    if (op == LE) return a <= b || bn;
    if (op == GT) return a > b || (an && !bn);
    return a >= b || an;
  } else {
    if (op == EQ) return a == b;
    if (op == NE) return a != b;
    if (op == LT) return a < b;
    if (op == LE) return a <= b;
    if (op == GT) return a > b;
    return a >= b;
  }
}

// @ts-ignore: decorator
@inline function ld(p: usize, scalar: bool, sv: v128): v128 {
  return scalar ? sv : v128.load(p);
}

/** Packs the low 32 bits of each 64-bit lane of a and b into one i32x4 mask. */
// @ts-ignore: decorator
@inline function pack64(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
}

/** Masks of rows i..i+15 as 16 bytes of 0x00/0xFF. b is a column, or the splat scalar sv. */
// @ts-ignore: decorator
@inline function mask16<T>(op: i32, a: usize, b: usize, bScalar: bool, sv: v128, i: i32): v128 {
  const w = <usize>sizeof<T>();
  const pa = a + <usize>i * w;
  const pb = b + <usize>i * w;
  if (w == 1) return maskV<T>(op, v128.load(pa), ld(pb, bScalar, sv));
  if (w == 2) {
    const m0 = maskV<T>(op, v128.load(pa), ld(pb, bScalar, sv));
    const m1 = maskV<T>(op, v128.load(pa, 16), ld(pb + 16, bScalar, sv));
    return i8x16.narrow_i16x8_s(m0, m1);
  }
  if (w == 4) {
    const m0 = maskV<T>(op, v128.load(pa), ld(pb, bScalar, sv));
    const m1 = maskV<T>(op, v128.load(pa, 16), ld(pb + 16, bScalar, sv));
    const m2 = maskV<T>(op, v128.load(pa, 32), ld(pb + 32, bScalar, sv));
    const m3 = maskV<T>(op, v128.load(pa, 48), ld(pb + 48, bScalar, sv));
    return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
  }
  const m0 = maskV<T>(op, v128.load(pa), ld(pb, bScalar, sv));
  const m1 = maskV<T>(op, v128.load(pa, 16), ld(pb + 16, bScalar, sv));
  const m2 = maskV<T>(op, v128.load(pa, 32), ld(pb + 32, bScalar, sv));
  const m3 = maskV<T>(op, v128.load(pa, 48), ld(pb + 48, bScalar, sv));
  const m4 = maskV<T>(op, v128.load(pa, 64), ld(pb + 64, bScalar, sv));
  const m5 = maskV<T>(op, v128.load(pa, 80), ld(pb + 80, bScalar, sv));
  const m6 = maskV<T>(op, v128.load(pa, 96), ld(pb + 96, bScalar, sv));
  const m7 = maskV<T>(op, v128.load(pa, 112), ld(pb + 112, bScalar, sv));
  const h0 = i16x8.narrow_i32x4_s(pack64(m0, m1), pack64(m2, m3));
  const h1 = i16x8.narrow_i32x4_s(pack64(m4, m5), pack64(m6, m7));
  return i8x16.narrow_i16x8_s(h0, h1);
}

/** The loop shared by every fixed-width comparison (op is a constant after inlining). */
// @ts-ignore: decorator
@inline function cmpLoop<T>(op: i32, a: usize, b: usize, bScalar: bool, n: i32, out: usize): void {
  const w = <usize>sizeof<T>();
  const s: T = bScalar ? load<T>(b) : <T>0;
  const sv = v128.splat<T>(s);
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(out + <usize>i, v128.and(mask16<T>(op, a, b, bScalar, sv, i), one));
  }
  for (; i < n; i++) {
    const x = load<T>(a + <usize>i * w);
    const y = bScalar ? s : load<T>(b + <usize>i * w);
    store<u8>(out + <usize>i, <u8>cmp1<T>(op, x, y));
  }
}

/** Dispatches on op once per call; each case is a specialised copy of the loop. */
// @ts-ignore: decorator
@inline function cmpDispatch<T>(op: i32, a: usize, b: usize, bScalar: bool, n: i32, out: usize): void {
  switch (op) {
    case EQ: cmpLoop<T>(EQ, a, b, bScalar, n, out); break;
    case NE: cmpLoop<T>(NE, a, b, bScalar, n, out); break;
    case LT: cmpLoop<T>(LT, a, b, bScalar, n, out); break;
    case LE: cmpLoop<T>(LE, a, b, bScalar, n, out); break;
    case GT: cmpLoop<T>(GT, a, b, bScalar, n, out); break;
    default: cmpLoop<T>(GE, a, b, bScalar, n, out); break;
  }
}

// Column vs column: out[i] = a[i] <op> b[i]. op: 0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge.
export function cmp_cc_i8(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<i8>(op, a, b, false, n, out); }
export function cmp_cc_u8(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<u8>(op, a, b, false, n, out); }
export function cmp_cc_i16(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<i16>(op, a, b, false, n, out); }
export function cmp_cc_i32(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<i32>(op, a, b, false, n, out); }
export function cmp_cc_i64(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<i64>(op, a, b, false, n, out); }
export function cmp_cc_f32(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<f32>(op, a, b, false, n, out); }
export function cmp_cc_f64(op: i32, a: usize, b: usize, n: i32, out: usize): void { cmpDispatch<f64>(op, a, b, false, n, out); }

// Column vs scalar: out[i] = a[i] <op> *s (the scalar is read from memory at s).
export function cmp_cs_i8(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<i8>(op, a, s, true, n, out); }
export function cmp_cs_u8(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<u8>(op, a, s, true, n, out); }
export function cmp_cs_i16(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<i16>(op, a, s, true, n, out); }
export function cmp_cs_i32(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<i32>(op, a, s, true, n, out); }
export function cmp_cs_i64(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<i64>(op, a, s, true, n, out); }
export function cmp_cs_f32(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<f32>(op, a, s, true, n, out); }
export function cmp_cs_f64(op: i32, a: usize, s: usize, n: i32, out: usize): void { cmpDispatch<f64>(op, a, s, true, n, out); }

/** out[i] |= (a[i] == v) for every row (Spark equality, SIMD). */
// @ts-ignore: decorator
@inline function orEq<T>(a: usize, vp: usize, n: i32, out: usize): void {
  const w = <usize>sizeof<T>();
  const v = load<T>(vp);
  const sv = v128.splat<T>(v);
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = out + <usize>i;
    v128.store(p, v128.or(v128.load(p), v128.and(mask16<T>(EQ, a, vp, true, sv, i), one)));
  }
  for (; i < n; i++) {
    if (cmp1<T>(EQ, load<T>(a + <usize>i * w), v)) store<u8>(out + <usize>i, 1);
  }
}

/** out[i] = 1 if a[i] equals one of the k values at list (one pass per list value). */
// @ts-ignore: decorator
@inline function inList<T>(a: usize, n: i32, list: usize, k: i32, out: usize): void {
  memory.fill(out, 0, <usize>n);
  for (let j = 0; j < k; j++) orEq<T>(a, list + <usize>j * sizeof<T>(), n, out);
}

// IN-list membership (values only; the wrapper derives validity from the list's nulls).
export function in_list_i8(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<i8>(a, n, list, k, out); }
export function in_list_u8(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<u8>(a, n, list, k, out); }
export function in_list_i16(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<i16>(a, n, list, k, out); }
export function in_list_i32(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<i32>(a, n, list, k, out); }
export function in_list_i64(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<i64>(a, n, list, k, out); }
export function in_list_f32(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<f32>(a, n, list, k, out); }
export function in_list_f64(a: usize, n: i32, list: usize, k: i32, out: usize): void { inList<f64>(a, n, list, k, out); }

// ---- strings ----

/** Three-way comparison of two byte strings (unsigned bytes, then length). 8 bytes at a time. */
// @ts-ignore: decorator
@inline function cmpBytes(pa: usize, la: i32, pb: usize, lb: i32): i32 {
  const m = la < lb ? la : lb;
  let j = 0;
  for (; j + 8 <= m; j += 8) {
    const x = load<u64>(pa + <usize>j);
    const y = load<u64>(pb + <usize>j);
    if (x != y) {
      // Little-endian: the lowest differing byte is the first differing byte of the string.
      const shift = ctz<u64>(x ^ y) & ~7;
      const bx = <u32>((x >> shift) & 0xff);
      const by = <u32>((y >> shift) & 0xff);
      return bx < by ? -1 : 1;
    }
  }
  for (; j < m; j++) {
    const bx = load<u8>(pa + <usize>j);
    const by = load<u8>(pb + <usize>j);
    if (bx != by) return bx < by ? -1 : 1;
  }
  return la < lb ? -1 : la > lb ? 1 : 0;
}

// @ts-ignore: decorator
@inline function bytesEqual(pa: usize, la: i32, pb: usize, lb: i32): bool {
  if (la != lb) return false;
  return cmpBytes(pa, la, pb, lb) == 0;
}

// @ts-ignore: decorator
@inline function fromThreeWay(op: i32, c: i32): bool {
  if (op == EQ) return c == 0;
  if (op == NE) return c != 0;
  if (op == LT) return c < 0;
  if (op == LE) return c <= 0;
  if (op == GT) return c > 0;
  return c >= 0;
}

/** Column vs column for utf8 (int32 offsets + bytes). */
export function cmp_cc_utf8(op: i32, aoff: usize, adata: usize, boff: usize, bdata: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const a0 = load<i32>(aoff + (<usize>i << 2));
    const la = load<i32>(aoff + (<usize>i << 2), 4) - a0;
    const b0 = load<i32>(boff + (<usize>i << 2));
    const lb = load<i32>(boff + (<usize>i << 2), 4) - b0;
    let r: bool;
    if (op == EQ) r = bytesEqual(adata + <usize>a0, la, bdata + <usize>b0, lb);
    else if (op == NE) r = !bytesEqual(adata + <usize>a0, la, bdata + <usize>b0, lb);
    else r = fromThreeWay(op, cmpBytes(adata + <usize>a0, la, bdata + <usize>b0, lb));
    store<u8>(out + <usize>i, <u8>r);
  }
}

/** Column vs scalar for utf8: the scalar is `slen` bytes at `s`. */
export function cmp_cs_utf8(op: i32, aoff: usize, adata: usize, s: usize, slen: i32, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const a0 = load<i32>(aoff + (<usize>i << 2));
    const la = load<i32>(aoff + (<usize>i << 2), 4) - a0;
    let r: bool;
    if (op == EQ) r = bytesEqual(adata + <usize>a0, la, s, slen);
    else if (op == NE) r = !bytesEqual(adata + <usize>a0, la, s, slen);
    else r = fromThreeWay(op, cmpBytes(adata + <usize>a0, la, s, slen));
    store<u8>(out + <usize>i, <u8>r);
  }
}

/** IN-list for utf8: the k list strings are given as int32 offsets (k + 1) + bytes. */
export function in_list_utf8(aoff: usize, adata: usize, n: i32, loff: usize, ldata: usize, k: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const a0 = load<i32>(aoff + (<usize>i << 2));
    const la = load<i32>(aoff + (<usize>i << 2), 4) - a0;
    let found: u8 = 0;
    for (let j = 0; j < k; j++) {
      const l0 = load<i32>(loff + (<usize>j << 2));
      const ll = load<i32>(loff + (<usize>j << 2), 4) - l0;
      if (bytesEqual(adata + <usize>a0, la, ldata + <usize>l0, ll)) {
        found = 1;
        break;
      }
    }
    store<u8>(out + <usize>i, found);
  }
}

// ---- null tests ----

/** out[i] = 1 - validity[i] (SIMD). */
export function is_null(validity: usize, n: i32, out: usize): void {
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(out + <usize>i, v128.xor(v128.and(v128.load(validity + <usize>i), one), one));
  }
  for (; i < n; i++) store<u8>(out + <usize>i, (load<u8>(validity + <usize>i) & 1) ^ 1);
}

/** out[i] = validity[i] (normalised to 0/1, SIMD). */
export function is_not_null(validity: usize, n: i32, out: usize): void {
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    v128.store(out + <usize>i, v128.and(v128.load(validity + <usize>i), one));
  }
  for (; i < n; i++) store<u8>(out + <usize>i, load<u8>(validity + <usize>i) & 1);
}

/**
 * Null-safe equality (<=>) fix-up of an eq result: rows where both sides are valid keep out[i];
 * otherwise out[i] = 1 when both are null and 0 when one is. av/bv may be 0 (all valid). SIMD.
 */
export function null_safe_fix(out: usize, av: usize, bv: usize, n: i32): void {
  const one = i8x16.splat(1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const va = av == 0 ? one : v128.load(av + <usize>i);
    const vb = bv == 0 ? one : v128.load(bv + <usize>i);
    const both = v128.and(va, vb);
    const neither = v128.xor(v128.or(va, vb), one);
    const p = out + <usize>i;
    v128.store(p, v128.or(v128.and(v128.load(p), both), neither));
  }
  for (; i < n; i++) {
    const va: u8 = av == 0 ? 1 : load<u8>(av + <usize>i);
    const vb: u8 = bv == 0 ? 1 : load<u8>(bv + <usize>i);
    const p = out + <usize>i;
    store<u8>(p, (load<u8>(p) & va & vb) | ((va | vb) ^ 1));
  }
}

const POW10: StaticArray<i64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000,
];

/** Three-way comparison of x * 10^k with y (k >= 0), exact: a scaled value beyond int64 is beyond y. */
// @ts-ignore: decorator
@inline function cmpScaled(x: i64, k: i32, y: i64): i32 {
  if (k == 0) return x < y ? -1 : x > y ? 1 : 0;
  const lim = i64.MAX_VALUE / unchecked(POW10[k]);
  if (x > lim) return 1;
  if (x < -lim) return -1;
  const xs = x * unchecked(POW10[k]);
  return xs < y ? -1 : xs > y ? 1 : 0;
}

/**
 * Decimals of different scales: x (scale sa) <op> y (scale sb), compared exactly. Strides are 8 for
 * a column and 0 for a scalar.
 */
export function cmp_dec(op: i32, a: usize, aStride: i32, sa: i32, b: usize, bStride: i32, sb: i32, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const x = load<i64>(a + <usize>(i * aStride));
    const y = load<i64>(b + <usize>(i * bStride));
    const c = sa >= sb ? -cmpScaled(y, sa - sb, x) : cmpScaled(x, sb - sa, y);
    store<u8>(out + <usize>i, <u8>fromThreeWay(op, c));
  }
}
