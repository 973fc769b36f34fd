// Random number kernels with Apache Spark's exact sequences: rand(seed) / randn(seed) draw from
// org.apache.spark.util.random.XORShiftRandom seeded with `seed + partitionIndex`.
//
// XORShiftRandom (Spark) extends java.util.Random and overrides next(bits) with Marsaglia's
// xorshift (shifts 21, 35, 4; G. Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14), 2003); its seed
// is scrambled by hashSeed: MurmurHash3 (Scala's MurmurHash3.bytesHash, arraySeed 0x3c074a61) of
// the seed's 8 big-endian bytes, twice (low word, then high word seeded with the low word).
// nextDouble and nextGaussian are java.util.Random's (JDK 17): ((next(26) << 27) + next(27)) * 2^-53,
// and the Marsaglia polar method with StrictMath.log (fdlibm's __ieee754_log, ported below) and sqrt.
//
// State (24 bytes at `state`, owned by the TypeScript side): i64 seed at 0, i32 haveNextNextGaussian
// at 8, f64 nextNextGaussian at 16.

@inline const ARRAY_SEED: u32 = 0x3c074a61;

@inline function mixK(k: u32): u32 {
  k *= 0xcc9e2d51;
  k = rotl<u32>(k, 15);
  return k * 0x1b873593;
}

@inline function mix(h: u32, k: u32): u32 {
  h ^= mixK(k);
  h = rotl<u32>(h, 13);
  return h * 5 + 0xe6546b64;
}

@inline function fmix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/** Scala's MurmurHash3.bytesHash of the 8 big-endian bytes of `v` (two little-endian 4-byte blocks). */
@inline function bytesHash8(v: u64, seed: u32): u32 {
  const b = bswap<u64>(v); // big-endian byte order in memory order
  let h = mix(seed, <u32>(b & 0xffffffff));
  h = mix(h, <u32>(b >>> 32));
  return fmix32(h ^ 8);
}

/** Spark's XORShiftRandom.hashSeed. */
function hashSeed(seed: u64): u64 {
  const lo = bytesHash8(seed, ARRAY_SEED);
  const hi = bytesHash8(seed, lo);
  return (<u64>hi << 32) | <u64>lo;
}

/** XORShiftRandom.next(bits) on the seed at `state`. */
@inline function next(state: usize, bits: i32): i32 {
  let s = load<u64>(state);
  s ^= s << 21;
  s ^= s >>> 35;
  s ^= s << 4;
  store<u64>(state, s);
  return <i32>(s & ((<u64>1 << bits) - 1));
}

@inline function nextDouble(state: usize): f64 {
  const hi = <i64>next(state, 26);
  const lo = <i64>next(state, 27);
  return <f64>((hi << 27) + lo) * 1.1102230246251565e-16; // 0x1.0p-53
}

/** Initialises the state at `state` for seed (seedHi << 32 | seedLo >>> 0). */
export function xorshift_init(seedLo: i32, seedHi: i32, state: usize): void {
  const seed = (<u64>(<u32>seedHi) << 32) | <u64>(<u32>seedLo);
  store<u64>(state, hashSeed(seed));
  store<i32>(state, 0, 8);
  store<f64>(state, 0, 16);
}

/** dst[i] = nextDouble() for i < n (uniform in [0, 1)), advancing the state. */
export function xorshift_doubles(state: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), nextDouble(state));
}

/** dst[i] = nextGaussian() for i < n (standard normal), advancing the state. */
export function xorshift_gaussians(state: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    let r: f64;
    if (load<i32>(state, 8) != 0) {
      store<i32>(state, 0, 8);
      r = load<f64>(state, 16);
    } else {
      let v1: f64, v2: f64, s: f64;
      do {
        v1 = 2 * nextDouble(state) - 1;
        v2 = 2 * nextDouble(state) - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s == 0);
      const multiplier = Math.sqrt((-2 * fdlibmLog(s)) / s);
      store<f64>(state, v2 * multiplier, 16);
      store<i32>(state, 1, 8);
      r = v1 * multiplier;
    }
    store<f64>(dst + (<usize>i << 3), r);
  }
}

/** Spark's XORShiftRandom.hashSeed as two halves written to dst (tests). */
export function xorshift_hash_seed(seedLo: i32, seedHi: i32, dst: usize): void {
  store<u64>(dst, hashSeed((<u64>(<u32>seedHi) << 32) | <u64>(<u32>seedLo)));
}

// fdlibm 5.3 e_log.c (__ieee754_log), which Java's StrictMath.log is specified to match bit for bit.
@inline const LN2_HI: f64 = 6.93147180369123816490e-01;
@inline const LN2_LO: f64 = 1.90821492927058770002e-10;
@inline const TWO54: f64 = 1.80143985094819840000e+16;
@inline const LG1: f64 = 6.666666666666735130e-01;
@inline const LG2: f64 = 3.999999999940941908e-01;
@inline const LG3: f64 = 2.857142874366239149e-01;
@inline const LG4: f64 = 2.222219843214978396e-01;
@inline const LG5: f64 = 1.818357216161805012e-01;
@inline const LG6: f64 = 1.531383769920937332e-01;
@inline const LG7: f64 = 1.479819860511658591e-01;

function fdlibmLog(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >>> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >>> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  bits = reinterpret<u64>(x);
  x = reinterpret<f64>((<u64>(<u32>(hx | (i ^ 0x3ff00000))) << 32) | (bits & 0xffffffff));
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** StrictMath.log (fdlibm) for n doubles (tests compare it with Math.log). */
export function fdlibm_log(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), fdlibmLog(load<f64>(src + (<usize>i << 3))));
}
