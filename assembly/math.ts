// Math kernels with Spark semantics: abs (integers wrap: abs(MIN) = MIN, like Java's Math.abs),
// floor/ceil of doubles to bigint (Math.floor(d).toLong: saturating, NaN -> 0), floor/ceil of
// decimals to scale 0, sqrt, pow, and round(x, scale) HALF_UP. Spark rounds a double through
// BigDecimal(d), i.e. through the double's shortest decimal digits, so round(2.5) = 3,
// round(-2.5) = -3 and round(1.005, 2) = 1.01.
import { POW10, vld, absU, roundHalfUpDiv, digitsOf, dig, NDIG, XEXP, DNEG, scaleToF64 } from "./cast";

// @ts-ignore: decorator
@inline function absLoop<T>(a: usize, n: i32, out: usize): void {
  const w = <usize>sizeof<T>();
  const lanes = 16 / <i32>w;
  let i = 0;
  for (; i + lanes <= n; i += lanes) v128.store(out + <usize>i * w, v128.abs<T>(v128.load(a + <usize>i * w)));
  for (; i < n; i++) {
    const x = load<T>(a + <usize>i * w);
    let r: T;
    if (isFloat<T>()) r = <T>Math.abs(x);
    else r = x < <T>0 ? <T>(<T>0 - x) : x;
    store<T>(out + <usize>i * w, r);
  }
}

export function abs_i8(a: usize, n: i32, out: usize): void { absLoop<i8>(a, n, out); }
export function abs_i16(a: usize, n: i32, out: usize): void { absLoop<i16>(a, n, out); }
export function abs_i32(a: usize, n: i32, out: usize): void { absLoop<i32>(a, n, out); }
export function abs_i64(a: usize, n: i32, out: usize): void { absLoop<i64>(a, n, out); }
export function abs_f32(a: usize, n: i32, out: usize): void { absLoop<f32>(a, n, out); }
export function abs_f64(a: usize, n: i32, out: usize): void { absLoop<f64>(a, n, out); }

/** sqrt of doubles (negative -> NaN). SIMD. */
export function sqrt_f64(a: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), f64x2.sqrt(v128.load(a + (<usize>i << 3))));
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), Math.sqrt(load<f64>(a + (<usize>i << 3))));
}

/** pow(a, b) of doubles; mode 0 column/column, 1 column/scalar, 2 scalar/column. */
export function pow_f64(mode: i32, a: usize, b: usize, n: i32, out: usize): void {
  const as = mode == 2 ? 0 : 8;
  const bs = mode == 1 ? 0 : 8;
  for (let i = 0; i < n; i++) {
    store<f64>(out + (<usize>i << 3), Math.pow(load<f64>(a + <usize>(i * as)), load<f64>(b + <usize>(i * bs))));
  }
}

/** floor (up = 0) or ceil (up = 1) of doubles to int64 (Java's (long) Math.floor(d)). SIMD rounding. */
export function floor_ceil_f64(up: i32, a: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(a + (<usize>i << 3));
    const r = up ? f64x2.ceil(v) : f64x2.floor(v);
    store<i64>(out + (<usize>i << 3), <i64>f64x2.extract_lane(r, 0));
    store<i64>(out + (<usize>i << 3), <i64>f64x2.extract_lane(r, 1), 8);
  }
  for (; i < n; i++) {
    const x = load<f64>(a + (<usize>i << 3));
    store<i64>(out + (<usize>i << 3), <i64>(up ? Math.ceil(x) : Math.floor(x)));
  }
}

/** floor (up = 0) / ceil (up = 1) of decimal(p, s) to scale 0 (unscaled int64). */
export function floor_ceil_dec(up: i32, a: usize, n: i32, s: i32, out: usize): void {
  const d = unchecked(POW10[s]);
  for (let i = 0; i < n; i++) {
    const v = load<i64>(a + (<usize>i << 3));
    let q = v / d;
    const r = v % d;
    if (up) {
      if (r > 0) q += 1;
    } else if (r < 0) q -= 1;
    store<i64>(out + (<usize>i << 3), q);
  }
}

/** Spark's round(x, scale) of a double: HALF_UP on the double's decimal digits. */
function roundF64(x: f64, scale: i32): f64 {
  if (!isFinite(x)) return x;
  if (x == 0) return 0;
  digitsOf(x);
  const K = XEXP + 1 + scale;
  if (K >= NDIG) return x;
  let u: u64 = 0;
  if (K >= 0) {
    for (let k = 0; k < K; k++) u = u * 10 + <u64>dig(k);
    if (dig(K) >= 5) u += 1;
  }
  if (u == 0) return 0;
  const r = scaleToF64(u, -scale);
  return DNEG ? -r : r;
}

/** round(x, scale) HALF_UP of float32 (code 5) or float64 (6) values. */
export function round_float(code: i32, a: usize, n: i32, scale: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    if (code == 5) store<f32>(out + (<usize>i << 2), <f32>roundF64(<f64>load<f32>(a + (<usize>i << 2)), scale));
    else store<f64>(out + (<usize>i << 3), roundF64(load<f64>(a + (<usize>i << 3)), scale));
  }
}

/** round(x, scale) of integers of `width` bytes for scale < 0 (HALF_UP to 10^-scale; wraps like Java). */
export function round_int(width: i32, a: usize, n: i32, scale: i32, out: usize): void {
  const k = -scale;
  for (let i = 0; i < n; i++) {
    let v: i64;
    if (width == 1) v = <i64>load<i8>(a + <usize>i);
    else if (width == 2) v = <i64>load<i16>(a + (<usize>i << 1));
    else if (width == 4) v = <i64>load<i32>(a + (<usize>i << 2));
    else v = load<i64>(a + (<usize>i << 3));
    let r: i64 = 0;
    if (k <= 18) r = roundHalfUpDiv(v, k) * unchecked(POW10[k]);
    else if (k == 19) r = roundHalfUpDiv(v, 19) * 1000000000000000000 * 10; // wraps like BigDecimal.longValue
    if (width == 1) store<i8>(out + <usize>i, <i8>r);
    else if (width == 2) store<i16>(out + (<usize>i << 1), <i16>r);
    else if (width == 4) store<i32>(out + (<usize>i << 2), <i32>r);
    else store<i64>(out + (<usize>i << 3), r);
  }
}

/**
 * round(x, scale) of decimal(p, s) values to the result type decimal(rp, max(scale, 0)):
 * HALF_UP to 10^-scale; a result with rp digits or more is NULL. Returns the null count.
 */
export function round_dec(a: usize, av: usize, n: i32, s: i32, scale: i32, rp: i32, out: usize, outv: usize): i32 {
  let nulls = 0;
  const k = s - scale; // digits dropped (> 0 when rounding happens)
  for (let i = 0; i < n; i++) {
    const v = load<i64>(a + (<usize>i << 3));
    let r: i64;
    let fits = true;
    if (k <= 0) {
      r = v; // scale >= s: unchanged (result scale s)
    } else {
      const q = roundHalfUpDiv(v, k);
      if (scale < 0) {
        // back to scale 0: q * 10^-scale
        const m = -scale;
        if (m > 18 || absU(q) >= <u64>(unchecked(POW10[18]) / unchecked(POW10[m]))) {
          fits = q == 0;
          r = 0;
        } else r = q * unchecked(POW10[m]);
      } else r = q;
    }
    if (fits && absU(r) >= <u64>unchecked(POW10[rp])) fits = false;
    const valid = vld(av, i) & <u32>fits;
    store<i64>(out + (<usize>i << 3), fits ? r : 0);
    store<u8>(outv + <usize>i, <u8>valid);
    nulls += <i32>(valid ^ 1);
  }
  return nulls;
}

/**
 * greatest / least (functions helper): dst[i] = 1 when argument a is the pick of row i: b is null,
 * or a is valid and cmp[i] (a >= b for greatest, a <= b for least, Spark's NaN ordering) holds.
 * av / bv are validity bytes (0 = all valid); cmp and dst booleans (one byte). SIMD.
 */
export function greatest_pick(cmp: usize, av: usize, bv: usize, n: i32, dst: usize): void {
  const zero = i8x16.splat(0);
  const one = i8x16.splat(1);
  const ones = i8x16.splat(-1);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i;
    const c = i8x16.ne(v128.load(cmp + o), zero);
    const va = av != 0 ? i8x16.ne(v128.load(av + o), zero) : ones;
    const vb = av != 0 || bv != 0 ? (bv != 0 ? i8x16.ne(v128.load(bv + o), zero) : ones) : ones;
    v128.store(dst + o, v128.and(v128.or(v128.not(vb), v128.and(va, c)), one));
  }
  for (; i < n; i++) {
    const o = <usize>i;
    const bValid = bv == 0 || load<u8>(bv + o) != 0;
    const aValid = av == 0 || load<u8>(av + o) != 0;
    store<u8>(dst + o, !bValid || (aValid && load<u8>(cmp + o) != 0) ? 1 : 0);
  }
}
