// Cast kernels with Spark's non-ANSI semantics (Cast.scala, UTF8String.toLong):
// - integer narrowing wraps (long -> int keeps the low 32 bits);
// - float -> integer truncates toward zero, NaN -> 0, out of range saturates to int/long (Java's
//   (int)/(long) casts: wasm's trunc_sat); float -> byte/short goes through int, then wraps;
// - decimal results are rounded HALF_UP, and a value that does not fit the precision is NULL;
// - decimal -> integer truncates toward zero (then wraps);
// - strings are trimmed of ASCII whitespace and control bytes; invalid text is NULL.
//
// Type codes of the plain numeric kernels: 0 boolean (u8 0/1), 1 int8, 2 int16, 3 int32, 4 int64,
// 5 float32, 6 float64. Decimals are int64 unscaled values with an explicit scale argument.
import { dtoa_buffered } from "util/number";

// ---------------------------------------------------------------------------------------------
// shared helpers (also imported by math.ts)

export const POW10: StaticArray<i64> = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
  100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000,
];

/** Exact powers of ten representable in a double (Clinger's fast path). */
const F64_POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
  1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Set by functions whose result may be NULL (does not fit, invalid text). */
export let FAILED = false;

// @ts-ignore: decorator
@inline export function vld(p: usize, i: i32): u32 {
  return p == 0 ? 1 : <u32>load<u8>(p + <usize>i);
}

// @ts-ignore: decorator
@inline export function absU(v: i64): u64 {
  return <u64>(v < 0 ? -v : v);
}

/** v / 10^k rounded HALF_UP (k >= 0). */
export function roundHalfUpDiv(v: i64, k: i32): i64 {
  if (k == 0) return v;
  if (k > 19) return 0;
  if (k == 19) {
    // |v| < 9.3e18 < 10^19: only |v| >= 5e18 rounds to +-1.
    return absU(v) >= 5000000000000000000 ? (v < 0 ? -1 : 1) : 0;
  }
  const d = unchecked(POW10[k]);
  const q = v / d;
  const r = v % d;
  const ar = r < 0 ? -r : r;
  if (ar * 2 >= d) return v < 0 ? q - 1 : q + 1;
  return q;
}

/** Rescales unscaled v from scale s1 to (p, s2) HALF_UP; FAILED when it does not fit. */
export function rescale(v: i64, s1: i32, p: i32, s2: i32): i64 {
  let r: i64;
  if (s2 >= s1) {
    const k = s2 - s1;
    // |v| * 10^k < 10^p  <=>  |v| < 10^(p-k)
    if (p - k <= 0) {
      FAILED = v != 0;
      return 0;
    }
    FAILED = absU(v) >= <u64>unchecked(POW10[p - k]);
    return FAILED ? 0 : v * unchecked(POW10[k]);
  }
  r = roundHalfUpDiv(v, s1 - s2);
  FAILED = absU(r) >= <u64>unchecked(POW10[p]);
  return FAILED ? 0 : r;
}

/** Integer v -> decimal(p, s); FAILED when |v| >= 10^(p - s). */
// @ts-ignore: decorator
@inline function intToDec(v: i64, p: i32, s: i32): i64 {
  return rescale(v, 0, p, s);
}

// ---------------------------------------------------------------------------------------------
// numeric <-> numeric

// @ts-ignore: decorator
@inline function conv<F, T>(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const x = load<F>(src + <usize>i * sizeof<F>());
    let r: T;
    if (isFloat<F>() && isInteger<T>()) {
      if (sizeof<T>() == 8) r = <T>x; // trunc_sat: NaN -> 0, saturating
      else r = <T><i32>x; // Java: (byte)(int)d
    } else {
      r = <T>x;
    }
    store<T>(dst + <usize>i * sizeof<T>(), r);
  }
}

// @ts-ignore: decorator
@inline function convFrom<F>(to: i32, src: usize, n: i32, dst: usize): void {
  switch (to) {
    case 1: conv<F, i8>(src, n, dst); break;
    case 2: conv<F, i16>(src, n, dst); break;
    case 3: conv<F, i32>(src, n, dst); break;
    case 4: conv<F, i64>(src, n, dst); break;
    case 5: conv<F, f32>(src, n, dst); break;
    default: conv<F, f64>(src, n, dst); break;
  }
}

/** Numeric cast between codes 1..6 (no nulls can arise). */
export function cast_num(from: i32, to: i32, src: usize, n: i32, dst: usize): void {
  switch (from) {
    case 1: convFrom<i8>(to, src, n, dst); break;
    case 2: convFrom<i16>(to, src, n, dst); break;
    case 3: convFrom<i32>(to, src, n, dst); break;
    case 4: convFrom<i64>(to, src, n, dst); break;
    case 5: convFrom<f32>(to, src, n, dst); break;
    default: convFrom<f64>(to, src, n, dst); break;
  }
}

// @ts-ignore: decorator
@inline function loadAsF64(code: i32, p: usize, i: i32): f64 {
  if (code == 5) return <f64>load<f32>(p + (<usize>i << 2));
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function loadAsI64(code: i32, p: usize, i: i32): i64 {
  if (code == 0) return <i64>load<u8>(p + <usize>i);
  if (code == 1) return <i64>load<i8>(p + <usize>i);
  if (code == 2) return <i64>load<i16>(p + (<usize>i << 1));
  if (code == 3) return <i64>load<i32>(p + (<usize>i << 2));
  return load<i64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function storeFromI64(code: i32, p: usize, i: i32, v: i64): void {
  if (code == 0) store<u8>(p + <usize>i, <u8>(v != 0));
  else if (code == 1) store<i8>(p + <usize>i, <i8>v);
  else if (code == 2) store<i16>(p + (<usize>i << 1), <i16>v);
  else if (code == 3) store<i32>(p + (<usize>i << 2), <i32>v);
  else store<i64>(p + (<usize>i << 3), v);
}

/** Numeric (codes 1..6) -> boolean: x != 0 (NaN -> true, like Spark). */
export function num_to_bool(from: i32, src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    let b: bool;
    if (from >= 5) b = loadAsF64(from, src, i) != 0;
    else b = loadAsI64(from, src, i) != 0;
    store<u8>(dst + <usize>i, <u8>b);
  }
}

/** Boolean -> numeric (codes 1..6): 0 or 1. */
export function bool_to_num(to: i32, src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const b = load<u8>(src + <usize>i) != 0;
    if (to == 5) store<f32>(dst + (<usize>i << 2), b ? 1 : 0);
    else if (to == 6) store<f64>(dst + (<usize>i << 3), b ? 1 : 0);
    else storeFromI64(to, dst, i, b ? 1 : 0);
  }
}

// ---------------------------------------------------------------------------------------------
// decimals

/**
 * Stores row i of a decimal conversion: the unscaled result `r` and its validity (valid in `av` and
 * the conversion not FAILED; `r` is evaluated first). Returns 1 for a null row.
 */
// @ts-ignore: decorator
@inline function storeDecRow(dst: usize, outv: usize, av: usize, i: i32, r: i64): i32 {
  const valid = vld(av, i) & <u32>!FAILED;
  store<i64>(dst + (<usize>i << 3), r);
  store<u8>(outv + <usize>i, <u8>valid);
  return <i32>(valid ^ 1);
}

/** Integer (codes 0..4) -> decimal(p, s). Returns the null count (outv = av & fits). */
export function int_to_dec(from: i32, src: usize, av: usize, n: i32, p: i32, s: i32, dst: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) nulls += storeDecRow(dst, outv, av, i, intToDec(loadAsI64(from, src, i), p, s));
  return nulls;
}

/** Decimal(scale s) -> integer codes 0..4 (truncates toward zero, then wraps; 0 = boolean != 0). */
export function dec_to_int(to: i32, src: usize, n: i32, s: i32, dst: usize): void {
  const d = unchecked(POW10[s]);
  for (let i = 0; i < n; i++) storeFromI64(to, dst, i, load<i64>(src + (<usize>i << 3)) / d);
}

/** Decimal(scale s) -> float32 (code 5) or float64 (6). */
export function dec_to_float(to: i32, src: usize, n: i32, s: i32, dst: usize): void {
  const d = <f64>unchecked(POW10[s]);
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3));
    const f = s == 0 ? <f64>v : <f64>v / d;
    if (to == 5) store<f32>(dst + (<usize>i << 2), <f32>f);
    else store<f64>(dst + (<usize>i << 3), f);
  }
}

/** Decimal(s1) -> decimal(p2, s2), HALF_UP. Returns the null count. */
export function dec_rescale(src: usize, av: usize, n: i32, s1: i32, p2: i32, s2: i32, dst: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) nulls += storeDecRow(dst, outv, av, i, rescale(load<i64>(src + (<usize>i << 3)), s1, p2, s2));
  return nulls;
}

// ---- decimal digits of a double (Spark's BigDecimal(d) is built from Double.toString) ----

const DTOA_BUF = memory.data(128);
const DIG = memory.data(64);
/** Number of significant digits in DIG (no leading/trailing zeros); 0 for zero. */
export let NDIG = 0;
/** Scientific exponent: value = DIG[0].DIG[1..] x 10^XEXP. */
export let XEXP = 0;
export let DNEG = false;

/**
 * Decomposes a finite double into its shortest round-trip decimal digits (AssemblyScript's Grisu2,
 * Florian Loitsch, "Printing Floating-Point Numbers Quickly and Accurately with Integers", 2010).
 */
export function digitsOf(x: f64): void {
  DNEG = x < 0;
  const len = <i32>dtoa_buffered<f64>(DTOA_BUF, x);
  let i = 0;
  if (load<u16>(DTOA_BUF) == 45) i = 1; // '-'
  let nd = 0;
  let intLen = -1;
  let exp = 0;
  for (; i < len; i++) {
    const c = <i32>load<u16>(DTOA_BUF + (<usize>i << 1));
    if (c == 46) intLen = nd; // '.'
    else if (c == 101) break; // 'e'
    else {
      store<u8>(DIG + <usize>nd, <u8>(c - 48));
      nd++;
    }
  }
  if (intLen < 0) intLen = nd;
  if (i < len) {
    i++;
    let eneg = false;
    const c = <i32>load<u16>(DTOA_BUF + (<usize>i << 1));
    if (c == 45 || c == 43) {
      eneg = c == 45;
      i++;
    }
    for (; i < len; i++) exp = exp * 10 + (<i32>load<u16>(DTOA_BUF + (<usize>i << 1)) - 48);
    if (eneg) exp = -exp;
  }
  // Strip leading zeros (0.00123) and trailing zeros (100.0).
  let lead = 0;
  while (lead < nd && load<u8>(DIG + <usize>lead) == 0) lead++;
  if (lead == nd) {
    NDIG = 0;
    XEXP = 0;
    return;
  }
  let end = nd;
  while (end > lead && load<u8>(DIG + <usize>(end - 1)) == 0) end--;
  if (lead > 0) memory.copy(DIG, DIG + <usize>lead, <usize>(end - lead));
  NDIG = end - lead;
  XEXP = intLen - 1 - lead + exp;
}

/** Digit k of DIG (0 <= k < NDIG). */
// @ts-ignore: decorator
@inline export function dig(k: i32): i64 {
  return <i64>load<u8>(DIG + <usize>k);
}

/**
 * Rounds the digit sequence d[0..nd) (d[0] != 0, value = d0.d1... x 10^x) HALF_UP to scale s and
 * returns the unscaled magnitude; FAILED when it needs p digits or more. Digit k is read at
 * base + k (+1 when k >= dot, skipping a '.' in text) as ASCII when ascii, else as a 0-9 byte.
 */
export function digitsToUnscaled(base: usize, dot: i32, ascii: bool, nd: i32, x: i32, p: i32, s: i32): i64 {
  const sub: i32 = ascii ? 48 : 0;
  // K = number of digits at or above 10^-s
  const K = x + 1 + s;
  FAILED = false;
  if (K > p) {
    FAILED = true;
    return 0;
  }
  if (K < 0) return 0;
  let u: i64 = 0;
  const take = K < nd ? K : nd;
  for (let k = 0; k < take; k++) {
    u = u * 10 + <i64>(<i32>load<u8>(base + <usize>k + (k >= dot ? 1 : 0)) - sub);
  }
  for (let k = take; k < K; k++) u *= 10;
  if (K < nd) {
    const next = <i32>load<u8>(base + <usize>K + (K >= dot ? 1 : 0)) - sub;
    if (next >= 5) u += 1;
  }
  if (u >= unchecked(POW10[p])) {
    FAILED = true;
    return 0;
  }
  return u;
}

/** Double -> decimal(p, s) HALF_UP from the double's decimal digits; NaN/Inf/too large -> FAILED. */
export function f64ToDec(x: f64, p: i32, s: i32): i64 {
  if (!isFinite(x)) {
    FAILED = true;
    return 0;
  }
  digitsOf(x);
  if (NDIG == 0) {
    FAILED = false;
    return 0;
  }
  const u = digitsToUnscaled(DIG, i32.MAX_VALUE, false, NDIG, XEXP, p, s);
  return DNEG ? -u : u;
}

/** Float32 (5) / float64 (6) -> decimal(p, s). Returns the null count. */
export function float_to_dec(from: i32, src: usize, av: usize, n: i32, p: i32, s: i32, dst: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) nulls += storeDecRow(dst, outv, av, i, f64ToDec(loadAsF64(from, src, i), p, s));
  return nulls;
}

/** m x 10^e as a double: exact (correctly rounded) when m < 2^53 and |e| <= 22 (Clinger 1990). */
export function scaleToF64(m: u64, e: i32): f64 {
  const f = <f64>m;
  if (e == 0) return f;
  if (e > 0 && e <= 22) return f * unchecked(F64_POW10[e]);
  if (e < 0 && e >= -22) return f / unchecked(F64_POW10[-e]);
  return f * Math.pow(10, <f64>e);
}

// ---------------------------------------------------------------------------------------------
// date / timestamp

// @ts-ignore: decorator
@inline const MICROS_PER_DAY: i64 = 86400000000;
// @ts-ignore: decorator
@inline const MICROS_PER_SECOND: i64 = 1000000;

/** date32 days -> timestamp micros (UTC midnight). */
export function date_to_ts(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) store<i64>(dst + (<usize>i << 3), <i64>load<i32>(src + (<usize>i << 2)) * MICROS_PER_DAY);
}

/** timestamp micros -> date32 days (floor, UTC). */
export function ts_to_date(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3));
    let q = v / MICROS_PER_DAY;
    if (v % MICROS_PER_DAY != 0 && v < 0) q -= 1;
    store<i32>(dst + (<usize>i << 2), <i32>q);
  }
}

/** timestamp -> whole seconds (floor) as int64 (Spark's timestamp -> long). */
export function ts_to_seconds(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3));
    let q = v / MICROS_PER_SECOND;
    if (v % MICROS_PER_SECOND != 0 && v < 0) q -= 1;
    store<i64>(dst + (<usize>i << 3), q);
  }
}

/** timestamp -> double seconds. */
export function ts_to_double(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<i64>(src + (<usize>i << 3)) / 1e6);
}

/** Integer seconds (codes 1..4) -> timestamp micros, saturating (Java's SECONDS.toMicros). */
export function seconds_to_ts(from: i32, src: usize, n: i32, dst: usize): void {
  const lim: i64 = i64.MAX_VALUE / MICROS_PER_SECOND;
  for (let i = 0; i < n; i++) {
    const v = loadAsI64(from, src, i);
    const r = v > lim ? i64.MAX_VALUE : v < -lim ? i64.MIN_VALUE : v * MICROS_PER_SECOND;
    store<i64>(dst + (<usize>i << 3), r);
  }
}

/** Float seconds (codes 5, 6) -> timestamp micros (truncating, saturating); NaN/Inf -> null. */
export function float_to_ts(from: i32, src: usize, av: usize, n: i32, dst: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const x = loadAsF64(from, src, i);
    const ok = isFinite(x);
    const valid = vld(av, i) & <u32>ok;
    store<i64>(dst + (<usize>i << 3), ok ? <i64>(x * 1e6) : 0);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

/** Decimal(scale s) seconds -> timestamp micros (truncating toward zero). */
export function dec_to_ts(src: usize, n: i32, s: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<i64>(src + (<usize>i << 3));
    store<i64>(dst + (<usize>i << 3), s <= 6 ? v * unchecked(POW10[6 - s]) : v / unchecked(POW10[s - 6]));
  }
}

// ---------------------------------------------------------------------------------------------
// strings -> values

let TS: usize = 0; // trimmed start
let TE: usize = 0; // trimmed end (exclusive)

// @ts-ignore: decorator
@inline function isTrim(c: u32): bool {
  return c <= 0x20 || c == 0x7f;
}

/** Trims row i of a utf8 column into [TS, TE). */
// @ts-ignore: decorator
@inline function trimRow(off: usize, data: usize, i: i32): void {
  let s = data + <usize>load<i32>(off + (<usize>i << 2));
  let e = data + <usize>load<i32>(off + (<usize>i << 2), 4);
  while (s < e && isTrim(load<u8>(s))) s++;
  while (e > s && isTrim(load<u8>(e - 1))) e--;
  TS = s;
  TE = e;
}

/** Spark's UTF8String.toLong on [s, e): sign, digits, optional '.' + digits (truncated). */
function parseLong(s: usize, e: usize): i64 {
  FAILED = true;
  if (s >= e) return 0;
  let p = s;
  const c0 = load<u8>(p);
  const neg = c0 == 45;
  if (neg || c0 == 43) {
    p++;
    if (p == e) return 0;
  }
  // Accumulate negatively so that MIN_VALUE parses (as Spark does).
  const stop: i64 = i64.MIN_VALUE / 10;
  let r: i64 = 0;
  while (p < e) {
    const c = <u32>load<u8>(p);
    p++;
    if (c == 46) break;
    const d = c - 48;
    if (d > 9) return 0;
    if (r < stop) return 0;
    r = r * 10 - <i64>d;
    if (r > 0) return 0;
  }
  while (p < e) {
    if (<u32>load<u8>(p) - 48 > 9) return 0;
    p++;
  }
  if (!neg) {
    r = -r;
    if (r < 0) return 0;
  }
  FAILED = false;
  return r;
}

/** utf8 -> integer of `width` bytes (1, 2, 4, 8); out-of-range or invalid -> null. */
export function parse_int(width: i32, off: usize, data: usize, av: usize, n: i32, dst: usize, outv: usize): i32 {
  const lo: i64 = width == 1 ? -128 : width == 2 ? -32768 : width == 4 ? -2147483648 : i64.MIN_VALUE;
  const hi: i64 = width == 1 ? 127 : width == 2 ? 32767 : width == 4 ? 2147483647 : i64.MAX_VALUE;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let valid = vld(av, i);
    let v: i64 = 0;
    if (valid) {
      trimRow(off, data, i);
      v = parseLong(TS, TE);
      if (FAILED || v < lo || v > hi) {
        valid = 0;
        v = 0;
      }
    }
    storeFromI64(width == 1 ? 1 : width == 2 ? 2 : width == 4 ? 3 : 4, dst, i, v);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

// Result of scanNumber: digits at [MS, ME) with at most one '.' at MDOT (or -1),
// exponent value MEXP. FAILED when the text is not a number.
let MS: usize = 0;
let ME: usize = 0;
let MDOT: i32 = -1;
let MEXP: i32 = 0;
let MNEG = false;

/** Scans [+-]?digits*(.digits*)?([eE][+-]?digits+)? covering all of [s, e). */
function scanNumber(s: usize, e: usize): void {
  FAILED = true;
  let p = s;
  MNEG = false;
  if (p < e && (load<u8>(p) == 45 || load<u8>(p) == 43)) {
    MNEG = load<u8>(p) == 45;
    p++;
  }
  MS = p;
  MDOT = -1;
  let digits = 0;
  while (p < e) {
    const c = <u32>load<u8>(p);
    if (c - 48 <= 9) digits++;
    else if (c == 46 && MDOT < 0) MDOT = <i32>(p - MS);
    else break;
    p++;
  }
  ME = p;
  if (digits == 0) return;
  MEXP = 0;
  if (p < e) {
    const c = load<u8>(p);
    if (c != 101 && c != 69) return;
    p++;
    let eneg = false;
    if (p < e && (load<u8>(p) == 45 || load<u8>(p) == 43)) {
      eneg = load<u8>(p) == 45;
      p++;
    }
    if (p == e) return;
    let ex = 0;
    while (p < e) {
      const d = <u32>load<u8>(p) - 48;
      if (d > 9) return;
      if (ex < 100000) ex = ex * 10 + <i32>d;
      p++;
    }
    MEXP = eneg ? -ex : ex;
  }
  FAILED = false;
}

/** Text -> decimal(p, s) like Java's new BigDecimal(text) then HALF_UP; FAILED when invalid/too large. */
function parseDec(s: usize, e: usize, p: i32, sc: i32): i64 {
  scanNumber(s, e);
  if (FAILED) return 0;
  const total = <i32>(ME - MS) - (MDOT >= 0 ? 1 : 0);
  const intLen = MDOT >= 0 ? MDOT : total;
  // First significant digit.
  let first = 0;
  while (first < total && load<u8>(MS + <usize>first + (first >= intLen && MDOT >= 0 ? 1 : 0)) == 48) first++;
  if (first == total) return 0;
  const nd = total - first;
  // Scientific exponent of the first significant digit.
  const x = intLen - 1 - first + MEXP;
  // Digit k of the significant sequence sits at text index first + k (+1 past the dot).
  const dot = MDOT >= 0 ? intLen - first : i32.MAX_VALUE;
  const u = digitsToUnscaled(MS + <usize>first, dot, true, nd, x, p, sc);
  return MNEG ? -u : u;
}

/** utf8 -> decimal(p, s). Returns the null count. */
export function parse_decimal(off: usize, data: usize, av: usize, n: i32, p: i32, s: i32, dst: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let valid = vld(av, i);
    let v: i64 = 0;
    if (valid) {
      trimRow(off, data, i);
      v = parseDec(TS, TE, p, s);
      if (FAILED) {
        valid = 0;
        v = 0;
      }
    }
    store<i64>(dst + (<usize>i << 3), v);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

// @ts-ignore: decorator
@inline function lower(c: u32): u32 {
  return c - 65 < 26 ? c | 32 : c;
}

/** Case-insensitive match of [s, e) against an ASCII lower-case word packed little-endian in w (<= 8 bytes). */
function matchWord(s: usize, e: usize, w: u64, len: i32): bool {
  if (<i32>(e - s) != len) return false;
  for (let k = 0; k < len; k++) {
    if (lower(load<u8>(s + <usize>k)) != <u32>((w >> (<u64>k << 3)) & 0xff)) return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline const W_INF: u64 = 0x666e69; // "inf"
// @ts-ignore: decorator
@inline const W_INFINITY: u64 = 0x7974696e69666e69; // "infinity"
// @ts-ignore: decorator
@inline const W_NAN: u64 = 0x6e616e; // "nan"

/** Parse status of parseF64: 0 ok, 1 invalid, 2 exact result needs the slow path (TypeScript). */
let FSTATUS = 0;

/** Java's Double.parseDouble (plus Spark's inf/nan literals) on trimmed text. */
function parseF64(s: usize, e: usize): f64 {
  FSTATUS = 1;
  if (s >= e) return 0;
  // Special literals, optionally signed, case-insensitive.
  let q = s;
  let neg = false;
  if (load<u8>(q) == 45 || load<u8>(q) == 43) {
    neg = load<u8>(q) == 45;
    q++;
  }
  if (q < e && lower(load<u8>(q)) - 97 < 26) {
    if (matchWord(q, e, W_INF, 3) || matchWord(q, e, W_INFINITY, 8)) {
      FSTATUS = 0;
      return neg ? -Infinity : Infinity;
    }
    if (matchWord(q, e, W_NAN, 3)) {
      FSTATUS = 0;
      return NaN;
    }
    return 0;
  }
  // Java accepts a type suffix: 1.5d, 2f.
  let end = e;
  const last = lower(load<u8>(e - 1));
  if (last == 100 || last == 102) end--;
  scanNumber(s, end);
  if (FAILED) return 0;
  // Up to 19 significant digits in m; further non-zero digits make the value inexact.
  let m: u64 = 0;
  let nd = 0;
  let dropped = 0;
  let inexact = false;
  let fracDigits = 0;
  let seenDot = false;
  for (let p = MS; p < ME; p++) {
    const c = <u32>load<u8>(p);
    if (c == 46) {
      seenDot = true;
      continue;
    }
    const d = c - 48;
    if (seenDot) fracDigits++;
    if (nd < 19) {
      if (m != 0 || d != 0) {
        m = m * 10 + <u64>d;
        if (m != 0) nd++;
      }
    } else {
      dropped++;
      if (d != 0) inexact = true;
    }
  }
  const e10 = MEXP - fracDigits + dropped;
  FSTATUS = 0;
  let r: f64;
  if (m == 0) r = 0;
  else if (!inexact && m <= 9007199254740992 && e10 >= -22 && e10 <= 22) r = scaleToF64(m, e10);
  else if (!inexact && m <= 9007199254740992 && e10 > 22 && e10 <= 37 && m <= 9007199254740992 / <u64>unchecked(POW10[e10 - 22])) {
    r = <f64>(m * <u64>unchecked(POW10[e10 - 22])) * 1e22;
  } else {
    FSTATUS = 2;
    r = 0;
  }
  return MNEG ? -r : r;
}

/**
 * utf8 -> float32 (code 5) / float64 (6). outv: 1 valid, 0 null, 2 = valid text whose correctly
 * rounded value needs the slow path (more than 2^53 in the digits or a large exponent): the wrapper
 * parses those rows. Returns the number of slow rows.
 */
export function parse_float(to: i32, off: usize, data: usize, av: usize, n: i32, dst: usize, outv: usize): i32 {
  let slow = 0;
  for (let i = 0; i < n; i++) {
    let valid = vld(av, i);
    let v: f64 = 0;
    if (valid) {
      trimRow(off, data, i);
      v = parseF64(TS, TE);
      if (FSTATUS == 1) valid = 0;
      else if (FSTATUS == 2) {
        valid = 2;
        slow++;
      }
    }
    if (to == 5) store<f32>(dst + (<usize>i << 2), <f32>v);
    else store<f64>(dst + (<usize>i << 3), v);
    store<u8>(outv + <usize>i, <u8>valid);
  }
  return slow;
}

// Spark's StringUtils.isTrueString / isFalseString words.
// @ts-ignore: decorator
@inline const W_T: u64 = 0x74;
// @ts-ignore: decorator
@inline const W_TRUE: u64 = 0x65757274;
// @ts-ignore: decorator
@inline const W_Y: u64 = 0x79;
// @ts-ignore: decorator
@inline const W_YES: u64 = 0x736579;
// @ts-ignore: decorator
@inline const W_1: u64 = 0x31;
// @ts-ignore: decorator
@inline const W_F: u64 = 0x66;
// @ts-ignore: decorator
@inline const W_FALSE: u64 = 0x65736c6166;
// @ts-ignore: decorator
@inline const W_N: u64 = 0x6e;
// @ts-ignore: decorator
@inline const W_NO: u64 = 0x6f6e;
// @ts-ignore: decorator
@inline const W_0: u64 = 0x30;

/** utf8 -> boolean: t/true/y/yes/1 and f/false/n/no/0 (case-insensitive, trimmed); else null. */
export function parse_bool(off: usize, data: usize, av: usize, n: i32, dst: usize, outv: usize): i32 {
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    let valid = vld(av, i);
    let v: u8 = 0;
    if (valid) {
      trimRow(off, data, i);
      const s = TS;
      const e = TE;
      if (matchWord(s, e, W_T, 1) || matchWord(s, e, W_TRUE, 4) || matchWord(s, e, W_Y, 1) ||
        matchWord(s, e, W_YES, 3) || matchWord(s, e, W_1, 1)) v = 1;
      else if (!(matchWord(s, e, W_F, 1) || matchWord(s, e, W_FALSE, 5) || matchWord(s, e, W_N, 1) ||
        matchWord(s, e, W_NO, 2) || matchWord(s, e, W_0, 1))) valid = 0;
    }
    store<u8>(dst + <usize>i, v);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

// ---------------------------------------------------------------------------------------------
// values -> strings (two passes: lengths into offsets, then bytes)

// @ts-ignore: decorator
@inline function digitCount(u: u64): i32 {
  let d = 1;
  while (d < 19 && u >= <u64>unchecked(POW10[d])) d++;
  return d;
}

/** Text length of an integer with `s` fractional digits (s = 0: plain integer). */
// @ts-ignore: decorator
@inline function decLen(v: i64, s: i32): i32 {
  const u = absU(v);
  let d = digitCount(u);
  if (s > 0) d = (d > s ? d : s + 1) + 1;
  return d + (v < 0 ? 1 : 0);
}

/** Writes v with s fractional digits ending at `end`, returns nothing (length from decLen). */
// @ts-ignore: decorator
@inline function writeDec(p: usize, len: i32, v: i64, s: i32): void {
  let u = absU(v);
  let q = p + <usize>len;
  let k = 0;
  const stopAt = p + (v < 0 ? 1 : 0);
  while (q > stopAt) {
    q--;
    if (s > 0 && k == s) {
      store<u8>(q, 46);
    } else {
      store<u8>(q, <u8>(48 + <u32>(u % 10)));
      u /= 10;
    }
    k++;
  }
  if (v < 0) store<u8>(p, 45);
}

// @ts-ignore: decorator
@inline function rowLen(kind: i32, width: i32, src: usize, i: i32, s: i32): i32 {
  if (kind == 0) return load<u8>(src + <usize>i) != 0 ? 4 : 5;
  const v = loadAsI64(width == 1 ? 1 : width == 2 ? 2 : width == 4 ? 3 : 4, src, i);
  return decLen(v, kind == 2 ? s : 0);
}

/**
 * Pass 1 of value -> string: kind 0 boolean, 1 integer of `width` bytes, 2 decimal (int64, scale s).
 * Writes offsets (n + 1; null rows are empty) and returns the total byte length.
 */
export function fmt_len(kind: i32, width: i32, src: usize, av: usize, n: i32, s: i32, offsets: usize): i32 {
  let total = 0;
  store<i32>(offsets, 0);
  for (let i = 0; i < n; i++) {
    if (vld(av, i)) total += rowLen(kind, width, src, i, s);
    store<i32>(offsets + (<usize>(i + 1) << 2), total);
  }
  return total;
}

/** Pass 2 of value -> string: writes the bytes at data using the offsets of pass 1. */
export function fmt_write(kind: i32, width: i32, src: usize, av: usize, n: i32, s: i32, offsets: usize, data: usize): void {
  for (let i = 0; i < n; i++) {
    const o = load<i32>(offsets + (<usize>i << 2));
    const len = load<i32>(offsets + (<usize>i << 2), 4) - o;
    if (len == 0) continue;
    const p = data + <usize>o;
    if (kind == 0) {
      if (load<u8>(src + <usize>i) != 0) store<u32>(p, 0x65757274); // "true"
      else {
        store<u32>(p, 0x736c6166); // "fals"
        store<u8>(p, 0x65, 4); // "e"
      }
    } else {
      const v = loadAsI64(width == 1 ? 1 : width == 2 ? 2 : width == 4 ? 3 : 4, src, i);
      writeDec(p, len, v, kind == 2 ? s : 0);
    }
  }
}
