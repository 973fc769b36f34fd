// Arithmetic kernels with Spark's non-ANSI semantics:
// - integer add/subtract/multiply/negate wrap (Java two's complement); SIMD;
// - x / 0 and x % 0 are NULL for every type (integers, decimals and doubles alike);
// - `%` takes the sign of the dividend (Java's %, C's fmod for floats);
// - decimal (int64 unscaled) results are rounded HALF_UP to the result scale, and a result that does
//   not fit the result precision is NULL.
//
// Modes of the fixed-width kernels: 0 = column op column, 1 = column op scalar, 2 = scalar op column.
// A scalar is read from memory at the pointer passed in its place.
//
// Decimal kernels compute the exact result in 128 bits (two u64 words), then round once:
// Spark's Decimal divide rounds twice (to scale 38, then to the result scale); the single exact
// rounding here differs from it only when the 39th quotient digit decides a tie (never in practice).

// @ts-ignore: decorator
@inline const ADD = 0;
// @ts-ignore: decorator
@inline const SUB = 1;
// @ts-ignore: decorator
@inline const MUL = 2;
// @ts-ignore: decorator
@inline const DIV = 3;
// @ts-ignore: decorator
@inline const REM = 4;

// ---------------------------------------------------------------------------------------------
// Fixed-width add / subtract / multiply (SIMD)

// @ts-ignore: decorator
@inline function opV<T>(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return v128.add<T>(a, b);
  if (op == SUB) return v128.sub<T>(a, b);
  if (sizeof<T>() == 1) return a; // unused: 8-bit products take the scalar loop
  else return v128.mul<T>(a, b);
}

// @ts-ignore: decorator
@inline function op1<T>(op: i32, a: T, b: T): T {
  if (op == ADD) return <T>(a + b);
  if (op == SUB) return <T>(a - b);
  return <T>(a * b);
}

// @ts-ignore: decorator
@inline function binLoop<T>(op: i32, mode: i32, a: usize, b: usize, n: i32, out: usize): void {
  const w = <usize>sizeof<T>();
  const lanes = 16 / <i32>w;
  const sa: T = mode == 2 ? load<T>(a) : <T>0;
  const sb: T = mode == 1 ? load<T>(b) : <T>0;
  let i = 0;
  // i8x16 has no multiply: 8-bit products use the scalar loop.
  if (!(op == MUL && w == 1)) {
    const va = v128.splat<T>(sa);
    const vb = v128.splat<T>(sb);
    for (; i + lanes <= n; i += lanes) {
      const off = <usize>i * w;
      const x = mode == 2 ? va : v128.load(a + off);
      const y = mode == 1 ? vb : v128.load(b + off);
      v128.store(out + off, opV<T>(op, x, y));
    }
  }
  for (; i < n; i++) {
    const off = <usize>i * w;
    const x = mode == 2 ? sa : load<T>(a + off);
    const y = mode == 1 ? sb : load<T>(b + off);
    store<T>(out + off, op1<T>(op, x, y));
  }
}

// @ts-ignore: decorator
@inline function bin<T>(op: i32, mode: i32, a: usize, b: usize, n: i32, out: usize): void {
  if (mode == 0) binLoop<T>(op, 0, a, b, n, out);
  else if (mode == 1) binLoop<T>(op, 1, a, b, n, out);
  else binLoop<T>(op, 2, a, b, n, out);
}

export function add_i8(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i8>(ADD, mode, a, b, n, out); }
export function add_i16(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i16>(ADD, mode, a, b, n, out); }
export function add_i32(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i32>(ADD, mode, a, b, n, out); }
export function add_i64(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i64>(ADD, mode, a, b, n, out); }
export function add_f32(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<f32>(ADD, mode, a, b, n, out); }
export function add_f64(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<f64>(ADD, mode, a, b, n, out); }
export function sub_i8(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i8>(SUB, mode, a, b, n, out); }
export function sub_i16(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i16>(SUB, mode, a, b, n, out); }
export function sub_i32(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i32>(SUB, mode, a, b, n, out); }
export function sub_i64(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i64>(SUB, mode, a, b, n, out); }
export function sub_f32(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<f32>(SUB, mode, a, b, n, out); }
export function sub_f64(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<f64>(SUB, mode, a, b, n, out); }
export function mul_i8(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i8>(MUL, mode, a, b, n, out); }
export function mul_i16(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i16>(MUL, mode, a, b, n, out); }
export function mul_i32(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i32>(MUL, mode, a, b, n, out); }
export function mul_i64(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<i64>(MUL, mode, a, b, n, out); }
export function mul_f32(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<f32>(MUL, mode, a, b, n, out); }
export function mul_f64(mode: i32, a: usize, b: usize, n: i32, out: usize): void { bin<f64>(MUL, mode, a, b, n, out); }

// ---------------------------------------------------------------------------------------------
// Division and remainder (NULL on a zero divisor)

// @ts-ignore: decorator
@inline function v1(p: usize, i: i32): u32 {
  return p == 0 ? 1 : <u32>load<u8>(p + <usize>i);
}

/**
 * op DIV or REM of a and b (mode as above) with validity: outv[i] = av & bv & (b != 0).
 * Integer DIV is Spark's `div` (truncating; MIN div -1 wraps to MIN). Returns the null count.
 */
// @ts-ignore: decorator
@inline function divLoop<T>(op: i32, mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 {
  const w = <usize>sizeof<T>();
  const sa: T = mode == 2 ? load<T>(a) : <T>0;
  const sb: T = mode == 1 ? load<T>(b) : <T>0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const off = <usize>i * w;
    const x = mode == 2 ? sa : load<T>(a + off);
    const y = mode == 1 ? sb : load<T>(b + off);
    const zero = y == <T>0;
    const valid = v1(av, i) & v1(bv, i) & <u32>!zero;
    let r: T;
    if (isFloat<T>()) {
      r = zero ? <T>0 : (op == DIV ? <T>(x / y) : <T>(x % y));
    } else {
      const d: T = zero ? <T>1 : y;
      if (op == DIV) {
        // -1 as divisor: negate (wraps for MIN) instead of trapping.
        r = d == <T>-1 ? <T>(<T>0 - x) : <T>(x / d);
      } else {
        r = d == <T>-1 ? <T>0 : <T>(x % d);
      }
    }
    store<T>(out + off, r);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

// @ts-ignore: decorator
@inline function divrem<T>(op: i32, mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 {
  if (mode == 0) return divLoop<T>(op, 0, a, av, b, bv, n, out, outv);
  if (mode == 1) return divLoop<T>(op, 1, a, av, b, bv, n, out, outv);
  return divLoop<T>(op, 2, a, av, b, bv, n, out, outv);
}

// Spark `/` on doubles (integer `/` is planned as double division).
export function div_f64(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<f64>(DIV, mode, a, av, b, bv, n, out, outv); }
export function div_f32(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<f32>(DIV, mode, a, av, b, bv, n, out, outv); }
// Spark `div` (integral division, truncating).
export function div_i8(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i8>(DIV, mode, a, av, b, bv, n, out, outv); }
export function div_i16(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i16>(DIV, mode, a, av, b, bv, n, out, outv); }
export function div_i32(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i32>(DIV, mode, a, av, b, bv, n, out, outv); }
export function div_i64(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i64>(DIV, mode, a, av, b, bv, n, out, outv); }
// Spark `%`.
export function rem_i8(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i8>(REM, mode, a, av, b, bv, n, out, outv); }
export function rem_i16(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i16>(REM, mode, a, av, b, bv, n, out, outv); }
export function rem_i32(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i32>(REM, mode, a, av, b, bv, n, out, outv); }
export function rem_i64(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<i64>(REM, mode, a, av, b, bv, n, out, outv); }
export function rem_f32(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<f32>(REM, mode, a, av, b, bv, n, out, outv); }
export function rem_f64(mode: i32, a: usize, av: usize, b: usize, bv: usize, n: i32, out: usize, outv: usize): i32 { return divrem<f64>(REM, mode, a, av, b, bv, n, out, outv); }

// ---------------------------------------------------------------------------------------------
// Negation (SIMD; integers wrap, -MIN = MIN)

// @ts-ignore: decorator
@inline function negLoop<T>(a: usize, n: i32, out: usize): void {
  const w = <usize>sizeof<T>();
  const lanes = 16 / <i32>w;
  let i = 0;
  for (; i + lanes <= n; i += lanes) v128.store(out + <usize>i * w, v128.neg<T>(v128.load(a + <usize>i * w)));
  for (; i < n; i++) store<T>(out + <usize>i * w, <T>(-load<T>(a + <usize>i * w)));
}

export function neg_i8(a: usize, n: i32, out: usize): void { negLoop<i8>(a, n, out); }
export function neg_i16(a: usize, n: i32, out: usize): void { negLoop<i16>(a, n, out); }
export function neg_i32(a: usize, n: i32, out: usize): void { negLoop<i32>(a, n, out); }
export function neg_i64(a: usize, n: i32, out: usize): void { negLoop<i64>(a, n, out); }
export function neg_f32(a: usize, n: i32, out: usize): void { negLoop<f32>(a, n, out); }
export function neg_f64(a: usize, n: i32, out: usize): void { negLoop<f64>(a, n, out); }

// ---------------------------------------------------------------------------------------------
// 128-bit unsigned helpers for decimals. Results: low word returned, high word in HI.

let HI: u64 = 0;
let REM_HI: u64 = 0;
let REM_LO: u64 = 0;
let OVERFLOW = false;

const POW10: StaticArray<u64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000, 10000000000000000000,
];

/** Full 64x64 -> 128-bit product. */
// @ts-ignore: decorator
@inline function mul64(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  HI = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & 0xffffffff);
}

/** 10^k as 128 bits (k <= 38). */
function pow10_128(k: i32): u64 {
  if (k <= 19) {
    HI = 0;
    return unchecked(POW10[k]);
  }
  return mul64(unchecked(POW10[19]), unchecked(POW10[k - 19]));
}

/** m * (ph, pl) for a 64-bit m; sets OVERFLOW when the product needs more than 128 bits. */
function mulSmall128(m: u64, ph: u64, pl: u64): u64 {
  const lo = mul64(m, pl);
  const h1 = HI;
  const l2 = mul64(m, ph);
  const h2 = HI;
  const hi = h1 + l2;
  OVERFLOW = h2 != 0 || hi < h1;
  HI = hi;
  return lo;
}

// @ts-ignore: decorator
@inline function lt128(ah: u64, al: u64, bh: u64, bl: u64): bool {
  return ah < bh || (ah == bh && al < bl);
}

/** (nh, nl) / (dh, dl): quotient low word returned, high in HI, remainder in REM_HI/REM_LO. */
function divmod128(nh: u64, nl: u64, dh: u64, dl: u64): u64 {
  if (nh == 0 && dh == 0) {
    HI = 0;
    REM_HI = 0;
    REM_LO = nl % dl;
    return nl / dl;
  }
  if (lt128(nh, nl, dh, dl)) {
    HI = 0;
    REM_HI = nh;
    REM_LO = nl;
    return 0;
  }
  // Binary long division (shift-subtract), only on the rare paths with 128-bit intermediates.
  const lzn = nh != 0 ? <i32>clz(nh) : 64 + <i32>clz(nl);
  const lzd = dh != 0 ? <i32>clz(dh) : 64 + <i32>clz(dl);
  let shift = lzd - lzn;
  // d <<= shift
  let sh: u64;
  let sl: u64;
  if (shift >= 64) {
    sh = dl << <u64>(shift - 64);
    sl = 0;
  } else if (shift > 0) {
    sh = (dh << <u64>shift) | (dl >> <u64>(64 - shift));
    sl = dl << <u64>shift;
  } else {
    sh = dh;
    sl = dl;
  }
  let qh: u64 = 0;
  let ql: u64 = 0;
  let rh = nh;
  let rl = nl;
  for (let i = 0; i <= shift; i++) {
    qh = (qh << 1) | (ql >> 63);
    ql = ql << 1;
    if (!lt128(rh, rl, sh, sl)) {
      const borrow: u64 = rl < sl ? 1 : 0;
      rl -= sl;
      rh = rh - sh - borrow;
      ql |= 1;
    }
    sl = (sl >> 1) | (sh << 63);
    sh = sh >> 1;
  }
  HI = qh;
  REM_HI = rh;
  REM_LO = rl;
  return ql;
}

/**
 * Rounds the magnitude (mh, ml) divided by (dh, dl) HALF_UP, checks it fits `p` digits and applies
 * the sign. Sets OVERFLOW when it does not fit.
 */
function roundDivFit(neg: bool, mh: u64, ml: u64, dh: u64, dl: u64, p: i32): i64 {
  let q = divmod128(mh, ml, dh, dl);
  let qh = HI;
  // Round half up: remainder * 2 >= divisor.
  const r2h = (REM_HI << 1) | (REM_LO >> 63);
  const r2l = REM_LO << 1;
  if ((REM_HI >> 63) != 0 || !lt128(r2h, r2l, dh, dl)) {
    q += 1;
    if (q == 0) qh += 1;
  }
  OVERFLOW = qh != 0 || q >= unchecked(POW10[p]);
  return neg ? -<i64>q : <i64>q;
}

/** Magnitude (mh, ml) / 10^k rounded HALF_UP and fitted to p digits (see roundDivFit). */
function finish(neg: bool, mh: u64, ml: u64, k: i32, p: i32): i64 {
  if (k == 0) {
    OVERFLOW = mh != 0 || ml >= unchecked(POW10[p]);
    return neg ? -<i64>ml : <i64>ml;
  }
  const dl = pow10_128(k);
  return roundDivFit(neg, mh, ml, HI, dl, p);
}

// @ts-ignore: decorator
@inline function absU(v: i64): u64 {
  return <u64>(v < 0 ? -v : v);
}

/** One decimal operation on unscaled x (scale s1) and y (scale s2) to result (p, s). OVERFLOW = null. */
// @ts-ignore: decorator
@inline function decOp(op: i32, x: i64, y: i64, s1: i32, s2: i32, s: i32, p: i32): i64 {
  if (op == ADD || op == SUB) {
    const big = s1 > s2 ? s1 : s2;
    const yy = op == SUB ? -y : y;
    if (s1 == s2 && s == big) {
      // Common case: same scale, no precision loss; |x|, |y| < 10^18 so the sum cannot wrap.
      const r = x + yy;
      OVERFLOW = absU(r) >= unchecked(POW10[p]);
      return r;
    }
    // Align both to scale `big` in 128 bits (two's complement), add, then round to s.
    const xl = mulSmall128(absU(x), 0, unchecked(POW10[big - s1]));
    const xh = HI;
    const yl = mulSmall128(absU(yy), 0, unchecked(POW10[big - s2]));
    const yh = HI;
    // signed values: negate magnitudes where negative
    let ah = xh;
    let al = xl;
    if (x < 0) {
      al = ~xl + 1;
      ah = ~xh + (al == 0 ? 1 : 0);
    }
    let bh = yh;
    let bl = yl;
    if (yy < 0) {
      bl = ~yl + 1;
      bh = ~yh + (bl == 0 ? 1 : 0);
    }
    let rl = al + bl;
    let rh = ah + bh + (rl < al ? 1 : 0);
    const neg = (rh >> 63) != 0;
    if (neg) {
      rl = ~rl + 1;
      rh = ~rh + (rl == 0 ? 1 : 0);
    }
    return finish(neg, rh, rl, big - s, p);
  }
  if (op == MUL) {
    const neg = (x < 0) != (y < 0);
    const pl = mul64(absU(x), absU(y));
    return finish(neg, HI, pl, s1 + s2 - s, p);
  }
  if (op == DIV) {
    const neg = (x < 0) != (y < 0);
    const e = s - s1 + s2;
    if (e >= 0) {
      const tl = pow10_128(e);
      const nl = mulSmall128(absU(x), HI, tl);
      if (OVERFLOW) return 0; // |quotient| >= 2^128 / 10^18 > 10^18: cannot fit
      return roundDivFit(neg, HI, nl, 0, absU(y), p);
    }
    const dl = mulSmall128(absU(y), 0, unchecked(POW10[-e]));
    return roundDivFit(neg, 0, absU(x), HI, dl, p);
  }
  // REM: both aligned to the larger scale; the remainder takes the dividend's sign.
  const big = s1 > s2 ? s1 : s2;
  const xl = mulSmall128(absU(x), 0, unchecked(POW10[big - s1]));
  const xh = HI;
  const yl = mulSmall128(absU(y), 0, unchecked(POW10[big - s2]));
  const yh = HI;
  divmod128(xh, xl, yh, yl);
  return finish(x < 0, REM_HI, REM_LO, big - s, p);
}

/**
 * Decimal kernel. x[i] = load(a + i * aStride) (stride 0 = scalar), likewise y. Writes values and
 * outv = av & bv & (result fits) & (divisor != 0 for DIV/REM); returns the null count.
 */
// @ts-ignore: decorator
@inline function decLoop(op: i32, a: usize, aStride: i32, av: usize, b: usize, bStride: i32, bv: usize, n: i32,
  s1: i32, s2: i32, s: i32, p: i32, out: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const x = load<i64>(a + <usize>(i * aStride));
    const y = load<i64>(b + <usize>(i * bStride));
    let valid = v1(av, i) & v1(bv, i);
    let r: i64 = 0;
    if ((op == DIV || op == REM) && y == 0) {
      valid = 0;
    } else {
      r = decOp(op, x, y, s1, s2, s, p);
      if (OVERFLOW) {
        valid = 0;
        r = 0;
      }
    }
    store<i64>(out + (<usize>i << 3), r);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

// Decimal ops: a/b are int64 unscaled columns (stride 8) or scalars (stride 0) of scales s1/s2;
// the result has precision p and scale s (from the type rules). Returns the null count.
export function dec_add(a: usize, aStride: i32, av: usize, b: usize, bStride: i32, bv: usize, n: i32, s1: i32, s2: i32, s: i32, p: i32, out: usize, outv: usize): i32 {
  return decLoop(ADD, a, aStride, av, b, bStride, bv, n, s1, s2, s, p, out, outv);
}
export function dec_sub(a: usize, aStride: i32, av: usize, b: usize, bStride: i32, bv: usize, n: i32, s1: i32, s2: i32, s: i32, p: i32, out: usize, outv: usize): i32 {
  return decLoop(SUB, a, aStride, av, b, bStride, bv, n, s1, s2, s, p, out, outv);
}
export function dec_mul(a: usize, aStride: i32, av: usize, b: usize, bStride: i32, bv: usize, n: i32, s1: i32, s2: i32, s: i32, p: i32, out: usize, outv: usize): i32 {
  return decLoop(MUL, a, aStride, av, b, bStride, bv, n, s1, s2, s, p, out, outv);
}
export function dec_div(a: usize, aStride: i32, av: usize, b: usize, bStride: i32, bv: usize, n: i32, s1: i32, s2: i32, s: i32, p: i32, out: usize, outv: usize): i32 {
  return decLoop(DIV, a, aStride, av, b, bStride, bv, n, s1, s2, s, p, out, outv);
}
export function dec_rem(a: usize, aStride: i32, av: usize, b: usize, bStride: i32, bv: usize, n: i32, s1: i32, s2: i32, s: i32, p: i32, out: usize, outv: usize): i32 {
  return decLoop(REM, a, aStride, av, b, bStride, bv, n, s1, s2, s, p, out, outv);
}
