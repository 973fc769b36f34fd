// Decimal kernels for 128-bit values (precision 19..38, Arrow's Decimal128 layout: 16 bytes per value,
// little-endian two's complement, low u64 word first), and the mixed int64/int128 cases.
//
// Every column-level kernel takes, per decimal operand, its byte width (8: int64, the compact layout
// of precision <= 18; 16: int128) so one kernel serves decimal64 op decimal128, rescaling casts
// between the layouts, and so on. Semantics are Spark's with ANSI off: results are rounded HALF_UP
// to the result scale (java.math.RoundingMode.HALF_UP, as Spark's Decimal.toPrecision) and are
// NULL when they do not fit the result precision; x / 0 and x % 0 are NULL.
//
// Exact intermediates: products and aligned operands can need up to 76 digits, so the slow paths
// work on unsigned magnitudes of eight u32 limbs (256 bits) in static scratch memory (schoolbook
// multiplication, Knuth's short division by u32 for powers of ten, binary long division for a
// general divisor: Knuth, TAOCP vol. 2, 4.3.1). The hot aggregation path (sum) needs none of this:
// it adds sign-extended int64 values into two-word accumulators with a carry.
import { hash_u64, hash_combine, NULL_HASH } from './lib/hash';
import { KEY_DESC, KEY_NULLS_FIRST, KEY_NULL_BYTE } from './lib/sort-keys';

// @ts-ignore: decorator
@inline const ADD: i32 = 0;
// @ts-ignore: decorator
@inline const SUB: i32 = 1;
// @ts-ignore: decorator
@inline const MUL: i32 = 2;
// @ts-ignore: decorator
@inline const DIV: i32 = 3;
// @ts-ignore: decorator
@inline const REM: i32 = 4;

/** Limbs of a magnitude (u32 each): 9, so 256-bit values plus one limb that catches overflow. */
// @ts-ignore: decorator
@inline const LIMBS: i32 = 9;
// @ts-ignore: decorator
@inline const NUM_BYTES: usize = 36;

// Scratch magnitudes (static memory of this module; kernels are not re-entrant, like all kernels).
const MA: usize = memory.data(64);
const MB: usize = memory.data(64);
const MQ: usize = memory.data(64);
const MR: usize = memory.data(64);
/** 10^k as (lo, hi) u64 pairs, k = 0..38, filled on first use. */
const POW: usize = memory.data(39 * 16);
let powReady = false;

// ---------------------------------------------------------------------------------------------
// Loading and storing signed 128-bit values: (LO, HI) globals.

let LO: u64 = 0;
let HI: u64 = 0;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32, w: i32): void {
  if (w == 8) {
    const v = load<i64>(p + (<usize>i << 3));
    LO = <u64>v;
    HI = <u64>(v >> 63);
  } else {
    const q = p + (<usize>i << 4);
    LO = load<u64>(q);
    HI = load<u64>(q, 8);
  }
}

// @ts-ignore: decorator
@inline function st(p: usize, i: i32, w: i32, lo: u64, hi: u64): void {
  if (w == 8) {
    store<u64>(p + (<usize>i << 3), lo);
  } else {
    const q = p + (<usize>i << 4);
    store<u64>(q, lo);
    store<u64>(q, hi, 8);
  }
}

function initPow(): void {
  let lo: u64 = 1;
  let hi: u64 = 0;
  for (let k = 0; k <= 38; k++) {
    store<u64>(POW + (<usize>k << 4), lo);
    store<u64>(POW + (<usize>k << 4), hi, 8);
    // (hi, lo) *= 10
    const l0 = lo & 0xffffffff;
    const l1 = lo >> 32;
    const p0 = l0 * 10;
    const p1 = l1 * 10 + (p0 >> 32);
    lo = (p1 << 32) | (p0 & 0xffffffff);
    hi = hi * 10 + (p1 >> 32);
  }
  powReady = true;
}

// @ts-ignore: decorator
@inline function powLo(k: i32): u64 {
  return load<u64>(POW + (<usize>k << 4));
}
// @ts-ignore: decorator
@inline function powHi(k: i32): u64 {
  return load<u64>(POW + (<usize>k << 4), 8);
}

/** |(hi, lo)| < 10^p, for a magnitude (hi's top bit clear or the value 2^127). */
// @ts-ignore: decorator
@inline function fitsMag(lo: u64, hi: u64, p: i32): bool {
  const ph = powHi(p);
  return hi < ph || (hi == ph && lo < powLo(p));
}

// ---------------------------------------------------------------------------------------------
// Magnitudes of LIMBS u32 limbs (little-endian) at a scratch address.

function mSet(m: usize, lo: u64, hi: u64): void {
  memory.fill(m, 0, NUM_BYTES);
  store<u64>(m, lo);
  store<u64>(m, hi, 8);
}

// @ts-ignore: decorator
@inline function limb(m: usize, i: i32): u64 {
  return <u64>load<u32>(m + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function setLimb(m: usize, i: i32, v: u64): void {
  store<u32>(m + (<usize>i << 2), <u32>v);
}

/** m *= f (f < 2^32); returns true on overflow out of the top limb. */
function mMulSmall(m: usize, f: u64): bool {
  let carry: u64 = 0;
  for (let i = 0; i < LIMBS; i++) {
    const t = limb(m, i) * f + carry;
    setLimb(m, i, t);
    carry = t >> 32;
  }
  return carry != 0;
}

/** m *= 10^k; true on overflow. */
function mMulPow10(m: usize, k: i32): bool {
  let over = false;
  while (k >= 9) {
    over = over || mMulSmall(m, 1000000000);
    k -= 9;
  }
  if (k > 0) {
    let f: u64 = 1;
    for (let i = 0; i < k; i++) f *= 10;
    over = over || mMulSmall(m, f);
  }
  return over;
}

/** m /= d (d < 2^32), returns the remainder. */
function mDivSmall(m: usize, d: u64): u64 {
  let rem: u64 = 0;
  for (let i = LIMBS - 1; i >= 0; i--) {
    const cur = (rem << 32) | limb(m, i);
    setLimb(m, i, cur / d);
    rem = cur % d;
  }
  return rem;
}

/** m = round_half_up(m / 10^k). HALF_UP only depends on the first discarded digit. */
function mDivPow10HalfUp(m: usize, k: i32): void {
  if (k <= 0) return;
  let r = k - 1;
  while (r >= 9) {
    mDivSmall(m, 1000000000);
    r -= 9;
  }
  if (r > 0) {
    let f: u64 = 1;
    for (let i = 0; i < r; i++) f *= 10;
    mDivSmall(m, f);
  }
  const digit = mDivSmall(m, 10);
  if (digit >= 5) mAddSmall(m, 1);
}

function mAddSmall(m: usize, v: u64): void {
  let carry = v;
  for (let i = 0; i < LIMBS && carry != 0; i++) {
    const t = limb(m, i) + carry;
    setLimb(m, i, t);
    carry = t >> 32;
  }
}

/** dst = a * b for two magnitudes of at most 128 bits (4 limbs each). */
function mMul(dst: usize, a: usize, b: usize): void {
  memory.fill(dst, 0, NUM_BYTES);
  for (let i = 0; i < 4; i++) {
    const ai = limb(a, i);
    if (ai == 0) continue;
    let carry: u64 = 0;
    for (let j = 0; j < 4; j++) {
      const t = ai * limb(b, j) + limb(dst, i + j) + carry;
      setLimb(dst, i + j, t);
      carry = t >> 32;
    }
    let k = i + 4;
    while (carry != 0 && k < LIMBS) {
      const t = limb(dst, k) + carry;
      setLimb(dst, k, t);
      carry = t >> 32;
      k++;
    }
  }
}

function mCmp(a: usize, b: usize): i32 {
  for (let i = LIMBS - 1; i >= 0; i--) {
    const x = limb(a, i);
    const y = limb(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** a -= b (a >= b). */
function mSub(a: usize, b: usize): void {
  let borrow: i64 = 0;
  for (let i = 0; i < LIMBS; i++) {
    const t = <i64>limb(a, i) - <i64>limb(b, i) - borrow;
    setLimb(a, i, <u64>t);
    borrow = t < 0 ? 1 : 0;
  }
}

/** a += b; true on overflow. */
function mAdd(a: usize, b: usize): bool {
  let carry: u64 = 0;
  for (let i = 0; i < LIMBS; i++) {
    const t = limb(a, i) + limb(b, i) + carry;
    setLimb(a, i, t);
    carry = t >> 32;
  }
  return carry != 0;
}

function mShl1(m: usize): void {
  let carry: u64 = 0;
  for (let i = 0; i < LIMBS; i++) {
    const v = limb(m, i);
    setLimb(m, i, (v << 1) | carry);
    carry = v >> 31;
  }
}

function mBits(m: usize): i32 {
  for (let i = LIMBS - 1; i >= 0; i--) {
    const v = <u32>limb(m, i);
    if (v != 0) return i * 32 + 32 - <i32>clz(v);
  }
  return 0;
}

function mIsZero(m: usize): bool {
  for (let i = 0; i < LIMBS; i++) if (limb(m, i) != 0) return false;
  return true;
}

/** q = n / d, r = n % d (d != 0); binary long division, or short division for a one-limb d. */
function mDivMod(n: usize, d: usize, q: usize, r: usize): void {
  memory.fill(q, 0, NUM_BYTES);
  memory.fill(r, 0, NUM_BYTES);
  const db = mBits(d);
  if (db <= 32) {
    memory.copy(q, n, NUM_BYTES);
    setLimb(r, 0, mDivSmall(q, limb(d, 0)));
    return;
  }
  const nb = mBits(n);
  for (let bit = nb - 1; bit >= 0; bit--) {
    mShl1(r);
    const nbit = (limb(n, bit >> 5) >> <u64>(bit & 31)) & 1;
    if (nbit != 0) setLimb(r, 0, limb(r, 0) | 1);
    if (mCmp(r, d) >= 0) {
      mSub(r, d);
      setLimb(q, bit >> 5, limb(q, bit >> 5) | (<u64>1 << <u64>(bit & 31)));
    }
  }
}

/** True when the magnitude fits 128 bits; then LO/HI hold it. */
function mTo128(m: usize): bool {
  if (limb(m, 4) != 0 || limb(m, 5) != 0 || limb(m, 6) != 0 || limb(m, 7) != 0 || limb(m, 8) != 0) return false;
  LO = load<u64>(m);
  HI = load<u64>(m, 8);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Signed helpers

/** Sets LO/HI to |(lo, hi)|; returns the sign. */
// @ts-ignore: decorator
@inline function absInto(lo: u64, hi: u64): bool {
  const neg = <i64>hi < 0;
  if (neg) {
    LO = ~lo + 1;
    HI = ~hi + (LO == 0 ? 1 : 0);
  } else {
    LO = lo;
    HI = hi;
  }
  return neg;
}

/** Result (neg, magnitude at m) fitted to precision p: stores into out[i] and returns 1, or 0 (null). */
function finishMag(neg: bool, m: usize, p: i32, out: usize, i: i32, ow: i32): u8 {
  if (!mTo128(m) || !fitsMag(LO, HI, p)) {
    st(out, i, ow, 0, 0);
    return 0;
  }
  let lo = LO;
  let hi = HI;
  if (neg) {
    lo = ~lo + 1;
    hi = ~hi + (lo == 0 ? 1 : 0);
  }
  st(out, i, ow, lo, hi);
  return 1;
}

/** One decimal operation of x (scale s1) and y (scale s2) to (p, s); row i of out. Returns validity. */
function decOp(op: i32, xlo: u64, xhi: u64, ylo: u64, yhi: u64, s1: i32, s2: i32, s: i32, p: i32, out: usize, i: i32, ow: i32): u8 {
  let xneg = absInto(xlo, xhi);
  mSet(MA, LO, HI);
  let yneg = absInto(ylo, yhi);
  mSet(MB, LO, HI);
  if (op == SUB) {
    yneg = !yneg;
    op = ADD;
  }
  if (op == ADD) {
    const big = s1 > s2 ? s1 : s2;
    if (mMulPow10(MA, big - s1) || mMulPow10(MB, big - s2)) {
      st(out, i, ow, 0, 0);
      return 0;
    }
    let neg = xneg;
    if (xneg == yneg) {
      mAdd(MA, MB);
    } else if (mCmp(MA, MB) >= 0) {
      mSub(MA, MB);
    } else {
      mSub(MB, MA);
      memory.copy(MA, MB, NUM_BYTES);
      neg = yneg;
    }
    mDivPow10HalfUp(MA, big - s);
    return finishMag(neg && !mIsZero(MA), MA, p, out, i, ow);
  }
  if (mIsZero(MB) && (op == DIV || op == REM)) {
    st(out, i, ow, 0, 0);
    return 0;
  }
  if (op == MUL) {
    mMul(MQ, MA, MB);
    mDivPow10HalfUp(MQ, s1 + s2 - s);
    return finishMag(xneg != yneg && !mIsZero(MQ), MQ, p, out, i, ow);
  }
  if (op == DIV) {
    const e = s - s1 + s2;
    if (e >= 0) {
      if (mMulPow10(MA, e)) {
        st(out, i, ow, 0, 0);
        return 0;
      }
    } else {
      mMulPow10(MB, -e);
    }
    mDivMod(MA, MB, MQ, MR);
    // HALF_UP: 2 * remainder >= divisor.
    mShl1(MR);
    if (mCmp(MR, MB) >= 0) mAddSmall(MQ, 1);
    return finishMag(xneg != yneg && !mIsZero(MQ), MQ, p, out, i, ow);
  }
  // REM: both aligned to the larger scale; the remainder takes the dividend's sign.
  const big = s1 > s2 ? s1 : s2;
  mMulPow10(MA, big - s1);
  mMulPow10(MB, big - s2);
  mDivMod(MA, MB, MQ, MR);
  mDivPow10HalfUp(MR, big - s);
  return finishMag(xneg && !mIsZero(MR), MR, p, out, i, ow);
}

// @ts-ignore: decorator
@inline function v1(v: usize, i: i32): u8 {
  return v == 0 ? 1 : load<u8>(v + <usize>i);
}

/**
 * `a op b` over decimals of widths aw/bw (8 or 16) and scales s1/s2 into decimal(p, s) of width
 * ow. A stride of 0 makes that operand a scalar (row 0). op: 0 +, 1 -, 2 *, 3 /, 4 %. Writes the
 * values and outv (validity bytes); returns the null count.
 */
export function dec_arith(
  op: i32, a: usize, aw: i32, aScalar: i32, av: usize, b: usize, bw: i32, bScalar: i32, bv: usize, n: i32,
  s1: i32, s2: i32, s: i32, p: i32, ow: i32, out: usize, outv: usize,
): i32 {
  if (!powReady) initPow();
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const ia = aScalar != 0 ? 0 : i;
    const ib = bScalar != 0 ? 0 : i;
    let valid = v1(av, ia) & v1(bv, ib);
    if (valid) {
      ld(a, ia, aw);
      const xlo = LO;
      const xhi = HI;
      ld(b, ib, bw);
      valid = decOp(op, xlo, xhi, LO, HI, s1, s2, s, p, out, i, ow);
    } else {
      st(out, i, ow, 0, 0);
    }
    store<u8>(outv + <usize>i, valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

/**
 * Rescales decimals (width iw, scale s1; an int64 column is width 8 scale 0) to decimal(p, s) of
 * width ow, HALF_UP; null where the value does not fit. Returns the null count.
 */
export function dec_rescale(a: usize, iw: i32, av: usize, n: i32, s1: i32, s: i32, p: i32, ow: i32, out: usize, outv: usize): i32 {
  if (!powReady) initPow();
  let nulls = 0;
  const up = s - s1;
  for (let i = 0; i < n; i++) {
    let valid = v1(av, i);
    if (valid) {
      ld(a, i, iw);
      if (up >= 0 && up <= 19 && (HI == 0 || HI == 0xFFFFFFFFFFFFFFFF) && <i64>HI == (<i64>LO >> 63)) {
        // Fast path: a 64-bit value scaled up by at most 10^19.
        const neg = <i64>LO < 0;
        const m = neg ? <u64>(-<i64>LO) : LO;
        const f = powLo(up);
        // 64 x 64 -> 128
        const m0 = m & 0xffffffff;
        const m1 = m >> 32;
        const f0 = f & 0xffffffff;
        const f1 = f >> 32;
        const p00 = m0 * f0;
        const p01 = m0 * f1;
        const p10 = m1 * f0;
        const p11 = m1 * f1;
        const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
        const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
        const lo = (mid << 32) | (p00 & 0xffffffff);
        if (fitsMag(lo, hi, p)) {
          let rl = lo;
          let rh = hi;
          if (neg) {
            rl = ~lo + 1;
            rh = ~hi + (rl == 0 ? 1 : 0);
          }
          st(out, i, ow, rl, rh);
        } else {
          st(out, i, ow, 0, 0);
          valid = 0;
        }
      } else {
        const neg = absInto(LO, HI);
        mSet(MA, LO, HI);
        if (up >= 0) {
          if (mMulPow10(MA, up)) {
            st(out, i, ow, 0, 0);
            valid = 0;
          } else valid = finishMag(neg, MA, p, out, i, ow);
        } else {
          mDivPow10HalfUp(MA, -up);
          valid = finishMag(neg && !mIsZero(MA), MA, p, out, i, ow);
        }
      }
    } else {
      st(out, i, ow, 0, 0);
    }
    store<u8>(outv + <usize>i, valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

/**
 * Decimals (width iw, scale s) to float64. Exact (correctly rounded, like Spark's
 * BigDecimal.doubleValue) when the magnitude is below 2^53 and s <= 22 (one rounding, of the
 * division by an exact power of ten); other rows get marks[i] = 1 for the caller to convert
 * exactly and an approximation here. Returns the number of marked rows.
 */
export function dec_to_f64(a: usize, iw: i32, n: i32, s: i32, out: usize, marks: usize): i32 {
  let div: f64 = 1;
  for (let k = 0; k < s; k++) div *= 10;
  let slow = 0;
  for (let i = 0; i < n; i++) {
    ld(a, i, iw);
    const neg = absInto(LO, HI);
    const exact = HI == 0 && LO < 9007199254740992 && s <= 22;
    const mag = <f64>HI * 18446744073709551616.0 + <f64>LO;
    const v = mag / div;
    store<f64>(out + (<usize>i << 3), neg ? -v : v);
    store<u8>(marks + <usize>i, exact ? 0 : 1);
    slow += exact ? 0 : 1;
  }
  return slow;
}

/** m = m / 10^k rounded by mode (0 HALF_UP, 1 toward +infinity for a magnitude of sign neg (CEIL), 2 FLOOR). */
function mDivPow10Mode(m: usize, k: i32, mode: i32, neg: bool): void {
  if (k <= 0) return;
  let rest = false; // any nonzero discarded digit below the first one
  let r = k - 1;
  while (r >= 9) {
    if (mDivSmall(m, 1000000000) != 0) rest = true;
    r -= 9;
  }
  if (r > 0) {
    let f: u64 = 1;
    for (let i = 0; i < r; i++) f *= 10;
    if (mDivSmall(m, f) != 0) rest = true;
  }
  const digit = mDivSmall(m, 10);
  const inexact = rest || digit != 0;
  let up = false;
  if (mode == 0) up = digit >= 5;
  else if (mode == 1) up = inexact && !neg;
  else up = inexact && neg;
  if (up) mAddSmall(m, 1);
}

/**
 * Rounds decimals (width iw, scale s1) to `k` fractional digits (k may be negative: round(x, -2))
 * by mode (0 HALF_UP: round, 1 CEIL, 2 FLOOR) and writes them at scale outScale (>= k) as
 * decimal(p) of width ow; null where the result does not fit. Returns the null count.
 */
export function dec_round(a: usize, iw: i32, av: usize, n: i32, s1: i32, k: i32, mode: i32, outScale: i32, p: i32, ow: i32, out: usize, outv: usize): i32 {
  if (!powReady) initPow();
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let valid = v1(av, i);
    if (valid) {
      ld(a, i, iw);
      const neg = absInto(LO, HI);
      mSet(MA, LO, HI);
      if (s1 > k) mDivPow10Mode(MA, s1 - k, mode, neg);
      if (mMulPow10(MA, outScale - (s1 > k ? k : s1))) {
        st(out, i, ow, 0, 0);
        valid = 0;
      } else valid = finishMag(neg && !mIsZero(MA), MA, p, out, i, ow);
    } else st(out, i, ow, 0, 0);
    store<u8>(outv + <usize>i, valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

/** |x| for int128 values (never overflows for decimals: |x| < 10^38). */
export function abs_i128(a: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const q = a + (<usize>i << 4);
    const lo = load<u64>(q);
    const hi = load<u64>(q, 8);
    if (<i64>hi < 0) {
      const nl = ~lo + 1;
      st(out, i, 16, nl, ~hi + (nl == 0 ? 1 : 0));
    } else st(out, i, 16, lo, hi);
  }
}

/** Decimals (width iw, scale s) to int64 truncating toward zero, keeping the low 64 bits (Spark's toLong). */
export function dec_to_i64(a: usize, iw: i32, n: i32, s: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    ld(a, i, iw);
    const neg = absInto(LO, HI);
    mSet(MA, LO, HI);
    let r = s;
    while (r >= 9) {
      mDivSmall(MA, 1000000000);
      r -= 9;
    }
    if (r > 0) {
      let f: u64 = 1;
      for (let j = 0; j < r; j++) f *= 10;
      mDivSmall(MA, f);
    }
    const v = load<u64>(MA);
    store<u64>(out + (<usize>i << 3), neg ? ~v + 1 : v);
  }
}

/** -x for int128 values (decimal negation never overflows: |x| < 10^38). */
export function neg_i128(a: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const q = a + (<usize>i << 4);
    const lo = load<u64>(q);
    const hi = load<u64>(q, 8);
    const nl = ~lo + 1;
    st(out, i, 16, nl, ~hi + (nl == 0 ? 1 : 0));
  }
}

/**
 * Compares int128 decimals of the same scale: out[i] = a[i] op b[i] (b scalar when bScalar != 0).
 * op: 0 =, 1 !=, 2 <, 3 <=, 4 >, 5 >=. Validity is the caller's.
 */
export function cmp_i128(op: i32, a: usize, b: usize, bScalar: i32, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const p = a + (<usize>i << 4);
    const q = b + (bScalar != 0 ? 0 : <usize>i << 4);
    const ah = load<i64>(p, 8);
    const bh = load<i64>(q, 8);
    const al = load<u64>(p);
    const bl = load<u64>(q);
    const c: i32 = ah < bh ? -1 : ah > bh ? 1 : al < bl ? -1 : al > bl ? 1 : 0;
    let r = false;
    if (op == 0) r = c == 0;
    else if (op == 1) r = c != 0;
    else if (op == 2) r = c < 0;
    else if (op == 3) r = c <= 0;
    else if (op == 4) r = c > 0;
    else r = c >= 0;
    store<u8>(out + <usize>i, r ? 1 : 0);
  }
}

/**
 * Exact comparison of decimals of any widths and scales (aw/bw 8 or 16, scales sa/sb): both are
 * aligned to the larger scale in 288-bit magnitudes, so no value is lost to a common type.
 * out[i] = a[i] op b[i] (b scalar when bScalar != 0); op as cmp_i128. Validity is the caller's.
 */
export function dec_cmp(op: i32, a: usize, aw: i32, sa: i32, b: usize, bw: i32, sb: i32, bScalar: i32, n: i32, out: usize): void {
  const big = sa > sb ? sa : sb;
  for (let i = 0; i < n; i++) {
    ld(a, i, aw);
    const xneg = absInto(LO, HI);
    mSet(MA, LO, HI);
    ld(b, bScalar != 0 ? 0 : i, bw);
    const yneg = absInto(LO, HI);
    mSet(MB, LO, HI);
    mMulPow10(MA, big - sa);
    mMulPow10(MB, big - sb);
    const xz = mIsZero(MA);
    const yz = mIsZero(MB);
    let c: i32;
    if (xz && yz) c = 0;
    else if ((xneg && !xz) != (yneg && !yz)) c = xneg && !xz ? -1 : 1;
    else {
      c = mCmp(MA, MB);
      if (xneg && !xz) c = -c;
    }
    let r = false;
    if (op == 0) r = c == 0;
    else if (op == 1) r = c != 0;
    else if (op == 2) r = c < 0;
    else if (op == 3) r = c <= 0;
    else if (op == 4) r = c > 0;
    else r = c >= 0;
    store<u8>(out + <usize>i, r ? 1 : 0);
  }
}

/** IN list over int128: out[i] = a[i] equals one of the k values at `list`. */
export function in_list_i128(a: usize, n: i32, list: usize, k: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const lo = load<u64>(a + (<usize>i << 4));
    const hi = load<u64>(a + (<usize>i << 4), 8);
    let hit: u8 = 0;
    for (let j = 0; j < k; j++) {
      if (load<u64>(list + (<usize>j << 4)) == lo && load<u64>(list + (<usize>j << 4), 8) == hi) {
        hit = 1;
        break;
      }
    }
    store<u8>(out + <usize>i, hit);
  }
}

// ---------------------------------------------------------------------------------------------
// Data movement, hashing, sort keys

/** Gathers 16-byte values: out[j] = values[indices[j]] (SIMD: one v128 per value). */
export function take_128(values: usize, indices: usize, count: i32, out: usize): void {
  for (let j = 0; j < count; j++) {
    const idx = <usize>load<i32>(indices + (<usize>j << 2));
    v128.store(out + (<usize>j << 4), v128.load(values + (idx << 4)));
  }
}

/** out[i] = cond[i] (non-null and true) ? a[i] : b[i] for 16-byte values, with validity (see conditional.if_else_fixed). */
export function if_else_128(cond: usize, condValid: usize, a: usize, aValid: usize, b: usize, bValid: usize, n: i32, out: usize, outValid: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const c = load<u8>(cond + <usize>i) != 0 && (condValid == 0 || load<u8>(condValid + <usize>i) != 0);
    const src = c ? a : b;
    const sv = c ? aValid : bValid;
    v128.store(out + (<usize>i << 4), v128.load(src + (<usize>i << 4)));
    const valid: u8 = sv == 0 ? 1 : load<u8>(sv + <usize>i);
    store<u8>(outValid + <usize>i, valid);
    nulls += 1 - <i32>valid;
  }
  return nulls;
}

/**
 * Window boundaries over int128 values (see window.diff_8): flags[i] = 1 where row i differs from
 * row i-1 (nulls equal each other); flags[0] = 1 when n > 0. SIMD compare of whole values.
 */
export function diff_128(values: usize, validity: usize, n: i32, flags: usize): void {
  if (n <= 0) return;
  store<u8>(flags, 1);
  for (let i = 1; i < n; i++) {
    const va = validity == 0 || load<u8>(validity + <usize>(i - 1)) != 0;
    const vb = validity == 0 || load<u8>(validity + <usize>i) != 0;
    let d: bool;
    if (va != vb) d = true;
    else if (!va) d = false;
    else d = !i8x16.all_true(i8x16.eq(v128.load(values + (<usize>(i - 1) << 4)), v128.load(values + (<usize>i << 4))));
    if (d) store<u8>(flags + <usize>i, 1);
  }
}

/**
 * Hashes `n` int128 values with the engine's hash (lib/hash.ts): a value that fits int64 hashes
 * like that int64 (so decimal(20,0) 5 and bigint 5 agree); others combine both words.
 */
export function hash_i128(values: usize, validity: usize, n: i32, out: usize, combine: i32): void {
  for (let i = 0; i < n; i++) {
    let h: u64;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      h = NULL_HASH;
    } else {
      const lo = load<u64>(values + (<usize>i << 4));
      const hi = load<u64>(values + (<usize>i << 4), 8);
      h = hi == <u64>(<i64>lo >> 63) ? hash_u64(lo) : hash_combine(hash_u64(lo), hash_u64(hi));
    }
    const o = out + (<usize>i << 3);
    store<u64>(o, combine != 0 ? hash_combine(load<u64>(o), h) : h);
  }
}

/**
 * Sort-key encoding of int128 values in rows mode (see sort.ts encode_*): [null byte][16 bytes
 * big-endian with the sign bit flipped], inverted when descending. Flags as sort.ts.
 */
export function encode_i128(values: usize, validity: usize, n: i32, dst: usize, stride: i32, offset: i32, flags: i32): void {
  const inv: u64 = (flags & KEY_DESC) != 0 ? 0xFFFFFFFFFFFFFFFF : 0;
  const nullByte = (flags & KEY_NULL_BYTE) != 0 && validity != 0;
  const validMark: u8 = (flags & KEY_NULLS_FIRST) != 0 ? 1 : 0;
  const nullMark: u8 = 1 - validMark;
  for (let i = 0; i < n; i++) {
    let p = dst + <usize>i * <usize>stride + <usize>offset;
    if (nullByte) {
      if (load<u8>(validity + <usize>i) == 0) {
        store<u8>(p, nullMark);
        store<u64>(p + 1, 0);
        store<u64>(p + 9, 0);
        continue;
      }
      store<u8>(p, validMark);
      p++;
    }
    const lo = load<u64>(values + (<usize>i << 4));
    const hi = load<u64>(values + (<usize>i << 4), 8) ^ 0x8000000000000000;
    store<u64>(p, bswap<u64>(hi ^ inv));
    store<u64>(p + 8, bswap<u64>(lo ^ inv));
  }
}

// ---------------------------------------------------------------------------------------------
// Aggregation: sums in two-word accumulators (16 bytes per group: lo, hi), min/max/first.

/**
 * Grouped sum of decimals of width iw into int128 sums. seen[g] |= 1 once a value was added (a
 * group marked 2, overflowed, stays invalid: the finishers want exactly 1); the
 * accumulator of int64 inputs cannot wrap before 2^127 / 10^18 ~ 1.7e20 rows; int128 inputs check
 * signed overflow per row (then the group is null, seen |= 2, like Spark's sum past 38 digits).
 * fin_sum_128 checks the result precision.
 */
export function agg_sum_128(gids: usize, vals: usize, iw: i32, validity: usize, n: i32, sums: usize, seen: usize): void {
  if (iw == 8) {
    for (let i = 0; i < n; i++) {
      if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
      const g = <usize>load<i32>(gids + (<usize>i << 2));
      const x = load<i64>(vals + (<usize>i << 3));
      const q = sums + (g << 4);
      const lo = load<u64>(q);
      const nl = lo + <u64>x;
      store<u64>(q, nl);
      store<u64>(q, load<u64>(q, 8) + <u64>(x >> 63) + (nl < lo ? 1 : 0), 8);
      store<u8>(seen + g, load<u8>(seen + g) | 1);
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
      const g = <usize>load<i32>(gids + (<usize>i << 2));
      const xl = load<u64>(vals + (<usize>i << 4));
      const xh = load<u64>(vals + (<usize>i << 4), 8);
      const q = sums + (g << 4);
      const lo = load<u64>(q);
      const hi = load<u64>(q, 8);
      const nl = lo + xl;
      const nh = hi + xh + (nl < lo ? 1 : 0);
      store<u64>(q, nl);
      store<u64>(q, nh, 8);
      // signed int128 overflow (both addends of one sign, the sum of the other): sticky null
      const over = <i64>((hi ^ nh) & (xh ^ nh)) < 0;
      store<u8>(seen + g, load<u8>(seen + g) | (over ? 3 : 1));
    }
  }
}

/**
 * Ungrouped sum (one accumulator at `sums`, flag at `seen`) of int64 decimals: SIMD, two lanes of
 * (lo, hi) accumulators; the carry of each unsigned low-word add is the lane's (new < old) mask.
 */
export function agg_sum_all_128(vals: usize, iw: i32, validity: usize, n: i32, sums: usize, seen: usize): void {
  let any = false;
  let overflow = false;
  let lo: u64 = load<u64>(sums);
  let hi: u64 = load<u64>(sums, 8);
  let i = 0;
  if (iw == 8) {
    let vlo = i64x2(0, 0);
    let vhi = i64x2(0, 0);
    const bias = i64x2.splat(0x8000000000000000);
    for (; i + 2 <= n; i += 2) {
      let x = v128.load(vals + (<usize>i << 3));
      if (validity != 0) {
        // keep lanes whose validity byte is 1: widen two bytes to a 64-bit mask
        const b0 = <i64>load<u8>(validity + <usize>i);
        const b1 = <i64>load<u8>(validity + <usize>i + 1);
        const m = i64x2.neg(i64x2(b0, b1));
        x = v128.and(x, m);
        if ((b0 | b1) != 0) any = true;
      } else any = true;
      const nl = i64x2.add(vlo, x);
      // unsigned nl < vlo  <=>  (nl ^ bias) < (vlo ^ bias) signed
      const carry = i64x2.lt_s(v128.xor(nl, bias), v128.xor(vlo, bias)); // -1 where carry
      vhi = i64x2.sub(i64x2.add(vhi, i64x2.shr_s(x, 63)), carry);
      vlo = nl;
    }
    // fold the two lanes into (lo, hi)
    for (let lane = 0; lane < 2; lane++) {
      const l = lane == 0 ? i64x2.extract_lane(vlo, 0) : i64x2.extract_lane(vlo, 1);
      const h = lane == 0 ? i64x2.extract_lane(vhi, 0) : i64x2.extract_lane(vhi, 1);
      const nl = lo + <u64>l;
      hi = hi + <u64>h + (nl < lo ? 1 : 0);
      lo = nl;
    }
    for (; i < n; i++) {
      if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
      const x = load<i64>(vals + (<usize>i << 3));
      const nl = lo + <u64>x;
      hi = hi + <u64>(x >> 63) + (nl < lo ? 1 : 0);
      lo = nl;
      any = true;
    }
  } else {
    for (; i < n; i++) {
      if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
      const xl = load<u64>(vals + (<usize>i << 4));
      const xh = load<u64>(vals + (<usize>i << 4), 8);
      const nl = lo + xl;
      const nh = hi + xh + (nl < lo ? 1 : 0);
      if (<i64>((hi ^ nh) & (xh ^ nh)) < 0) overflow = true;
      hi = nh;
      lo = nl;
      any = true;
    }
  }
  store<u64>(sums, lo);
  store<u64>(sums, hi, 8);
  if (any) store<u8>(seen, load<u8>(seen) | (overflow ? 3 : 1));
}

/**
 * Finishes int128 sums of groups [start, start+count) as decimal(p) of width ow: null for groups
 * without a value or beyond p digits. Returns the null count.
 */
export function fin_sum_128(sums: usize, seen: usize, start: i32, count: i32, p: i32, ow: i32, dst: usize, dstValid: usize): i32 {
  if (!powReady) initPow();
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = <usize>(start + j);
    const lo = load<u64>(sums + (g << 4));
    const hi = load<u64>(sums + (g << 4), 8);
    absInto(lo, hi);
    let ok: u8 = load<u8>(seen + g) == 1 && fitsMag(LO, HI, p) ? 1 : 0;
    if (ok) st(dst, j, ow, lo, hi);
    else st(dst, j, ow, 0, 0);
    store<u8>(dstValid + <usize>j, ok);
    nulls += 1 - <i32>ok;
  }
  return nulls;
}

/**
 * Decimal avg from int128 sums and int64 counts: the sum is checked against sumPrecision digits
 * (Spark: the sum's type decimal(p+10, s)), then sum * 10^up / count HALF_UP, null beyond
 * decimal(p) of width ow. Returns the null count.
 */
export function fin_avg_128(
  sums: usize, seen: usize, counts: usize, start: i32, count: i32, sumPrecision: i32, up: i32, p: i32, ow: i32, dst: usize, dstValid: usize,
): i32 {
  if (!powReady) initPow();
  let nulls = 0;
  for (let j = 0; j < count; j++) {
    const g = <usize>(start + j);
    const lo = load<u64>(sums + (g << 4));
    const hi = load<u64>(sums + (g << 4), 8);
    const neg = absInto(lo, hi);
    let ok: u8 = load<u8>(seen + g) == 1 && fitsMag(LO, HI, sumPrecision) ? 1 : 0;
    if (ok) {
      mSet(MA, LO, HI);
      mMulPow10(MA, up);
      mSet(MB, load<u64>(counts + (g << 3)), 0);
      mDivMod(MA, MB, MQ, MR);
      mShl1(MR);
      if (mCmp(MR, MB) >= 0) mAddSmall(MQ, 1);
      ok = finishMag(neg && !mIsZero(MQ), MQ, p, dst, j, ow);
    } else st(dst, j, ow, 0, 0);
    store<u8>(dstValid + <usize>j, ok);
    nulls += 1 - <i32>ok;
  }
  return nulls;
}

/** Grouped min (isMax 0) / max (1) of int128 values; seen[g] = 1 once set. */
export function agg_minmax_128(gids: usize, vals: usize, validity: usize, n: i32, state: usize, seen: usize, isMax: i32): void {
  for (let i = 0; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    const xl = load<u64>(vals + (<usize>i << 4));
    const xh = load<i64>(vals + (<usize>i << 4), 8);
    const q = state + (g << 4);
    let take = load<u8>(seen + g) == 0;
    if (!take) {
      const sh = load<i64>(q, 8);
      const sl = load<u64>(q);
      const less = xh < sh || (xh == sh && xl < sl);
      const greater = xh > sh || (xh == sh && xl > sl);
      take = isMax != 0 ? greater : less;
    }
    if (take) {
      store<u64>(q, xl);
      store<i64>(q, xh, 8);
      store<u8>(seen + g, 1);
    }
  }
}

/** first(x[, ignoreNulls]) of int128 values per group (see aggregate.agg_first_w8). */
export function agg_first_128(gids: usize, vals: usize, validity: usize, n: i32, state: usize, set: usize, ignoreNulls: i32, mask: usize): void {
  for (let i = 0; i < n; i++) {
    if (mask != 0 && load<u8>(mask + <usize>i) == 0) continue;
    const g = <usize>load<i32>(gids + (<usize>i << 2));
    if (load<u8>(set + g) != 0) continue;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      if (ignoreNulls == 0) store<u8>(set + g, 2);
      continue;
    }
    v128.store(state + (g << 4), v128.load(vals + (<usize>i << 4)));
    store<u8>(set + g, 1);
  }
}
