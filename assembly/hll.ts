// approx_count_distinct: Spark's HyperLogLog++ (HyperLogLogPlusPlusHelper; Heule, Nunkesser, Hall,
// "HyperLogLog in Practice: Algorithmic Engineering of a State of the Art Cardinality Estimation
// Algorithm", EDBT 2013), bit-compatible with Spark: values are hashed with Spark's XxHash64
// (org.apache.spark.sql.catalyst.expressions.XXH64, seed 42), registers are 6 bits, packed 10 per
// little 64-bit word (numWords = m / 10 + 1 words per group), and the estimate uses Spark's
// thresholds and k-nearest-neighbour bias correction (tables passed in by the TypeScript side).

@inline const P1: u64 = 0x9E3779B185EBCA87;
@inline const P2: u64 = 0xC2B2AE3D27D4EB4F;
@inline const P3: u64 = 0x165667B19E3779F9;
@inline const P4: u64 = 0x85EBCA77C2B2AE63;
@inline const P5: u64 = 0x27D4EB2F165667C5;
@inline const SEED: u64 = 42;
@inline const REGISTER_SIZE: i32 = 6;
@inline const REGISTERS_PER_WORD: i32 = 10;
@inline const REGISTER_MASK: u64 = 63;
/** Bias correction uses the K nearest raw estimates. */
@inline const K: i32 = 6;

@inline function fmix(h: u64): u64 {
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/** XXH64.hashInt(v, 42). */
@inline function hashInt(v: i32): u64 {
  let h = SEED + P5 + 4;
  h ^= ((<u64>v) & 0xffffffff) * P1; // (input & 0xFFFFFFFFL): zero-extended
  h = rotl<u64>(h, 23) * P2 + P3;
  return fmix(h);
}

/** XXH64.hashLong(v, 42). */
@inline function hashLong(v: u64): u64 {
  let h = SEED + P5 + 8;
  h ^= rotl<u64>(v * P2, 31) * P1;
  h = rotl<u64>(h, 27) * P1 + P4;
  return fmix(h);
}

@inline function round64(acc: u64, input: u64): u64 {
  acc += input * P2;
  acc = rotl<u64>(acc, 31);
  return acc * P1;
}

/** XXH64.hashUnsafeBytes(p, len, 42): xxHash64 over bytes. */
function hashBytes(p: usize, len: i32): u64 {
  const end = p + <usize>len;
  let h: u64;
  if (len >= 32) {
    const limit = end - 32;
    let v1 = SEED + P1 + P2;
    let v2 = SEED + P2;
    let v3 = SEED;
    let v4 = SEED - P1;
    do {
      v1 = round64(v1, load<u64>(p));
      v2 = round64(v2, load<u64>(p + 8));
      v3 = round64(v3, load<u64>(p + 16));
      v4 = round64(v4, load<u64>(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = (h ^ round64(0, v1)) * P1 + P4;
    h = (h ^ round64(0, v2)) * P1 + P4;
    h = (h ^ round64(0, v3)) * P1 + P4;
    h = (h ^ round64(0, v4)) * P1 + P4;
  } else {
    h = SEED + P5;
  }
  h += <u64>len;
  while (p + 8 <= end) {
    h ^= rotl<u64>(load<u64>(p) * P2, 31) * P1;
    h = rotl<u64>(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= <u64>load<u32>(p) * P1;
    h = rotl<u64>(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= <u64>load<u8>(p) * P5;
    h = rotl<u64>(h, 11) * P1;
    p++;
  }
  return fmix(h);
}

/**
 * dst[i] (u64) = Spark's XxHash64 (seed 42) of value i. `width`: 1 (byte, boolean), 2 (short),
 * 4 (int, date), 8 (long, timestamp, decimal up to 18 digits: the unscaled value); `kind` 1 for
 * float32 / float64 bits (normalised: -0.0 -> 0.0, every NaN -> the canonical NaN, as Spark's
 * NormalizeFloatingNumbers + doubleToLongBits).
 */
export function hll_hash_fixed(src: usize, n: i32, width: i32, kind: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    let h: u64;
    if (width == 8) {
      if (kind == 1) {
        let d = load<f64>(src + (<usize>i << 3));
        let bits = reinterpret<u64>(d);
        if (d != d) bits = 0x7ff8000000000000;
        else if (d == 0) bits = 0;
        h = hashLong(bits);
      } else h = hashLong(load<u64>(src + (<usize>i << 3)));
    } else if (width == 4) {
      if (kind == 1) {
        const f = load<f32>(src + (<usize>i << 2));
        let bits = reinterpret<i32>(f);
        if (f != f) bits = 0x7fc00000;
        else if (f == 0) bits = 0;
        h = hashInt(bits);
      } else h = hashInt(load<i32>(src + (<usize>i << 2)));
    } else if (width == 2) h = hashInt(<i32>load<i16>(src + (<usize>i << 1)));
    else h = hashInt(<i32>load<i8>(src + <usize>i));
    store<u64>(dst + (<usize>i << 3), h);
  }
}

/** dst[i] (u64) = Spark's XxHash64 (seed 42) of the UTF-8 bytes of string i. */
export function hll_hash_utf8(offsets: usize, values: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const s = load<i32>(offsets + (<usize>i << 2));
    const e = load<i32>(offsets + (<usize>(i + 1) << 2));
    store<u64>(dst + (<usize>i << 3), hashBytes(values + <usize>s, e - s));
  }
}

/**
 * dst[i] (u64) = Spark's XxHash64 (seed 42) of wide decimal i (16-byte little-endian unscaled
 * value): Spark hashes the bytes of Java's BigInteger.toByteArray(), the shortest big-endian two's
 * complement form (at least one byte), so those bytes are formed in `scratch` (16 bytes) and hashed.
 */
export function hll_hash_decimal128(src: usize, n: i32, scratch: usize, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const p = src + (<usize>i << 4);
    const hi = load<i64>(p, 8);
    const ext: u8 = hi < 0 ? 0xff : 0;
    // Shortest length k: drop leading sign bytes while the next byte keeps the sign bit.
    let k = 16;
    while (k > 1 && load<u8>(p + <usize>(k - 1)) == ext && ((load<u8>(p + <usize>(k - 2)) & 0x80) != 0) == (ext != 0)) k--;
    for (let b = 0; b < k; b++) store<u8>(scratch + <usize>b, load<u8>(p + <usize>(k - 1 - b)));
    store<u64>(dst + (<usize>i << 3), hashBytes(scratch, k));
  }
}

/**
 * Adds `n` hashed values to the registers: row i goes to group gids[i] (gids == 0: all group 0),
 * rows with validity 0 are skipped. Register idx = x >>> (64 - p), value = leading zeros of
 * ((x << p) | 1 << (p - 1)) + 1 (Spark's update).
 */
export function hll_update(regs: usize, numWords: i32, gids: usize, hashes: usize, validity: usize, n: i32, p: i32): void {
  const idxShift = <u64>(64 - p);
  const wPadding: u64 = <u64>1 << <u64>(p - 1);
  const groupBytes = <usize>numWords << 3;
  for (let i = 0; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const x = load<u64>(hashes + (<usize>i << 3));
    const idx = <i32>(x >>> idxShift);
    const pw = clz<u64>((x << <u64>p) | wPadding) + 1;
    const word = idx / REGISTERS_PER_WORD;
    const shift = <u64>(REGISTER_SIZE * (idx - word * REGISTERS_PER_WORD));
    const g = gids != 0 ? <usize>load<i32>(gids + (<usize>i << 2)) : 0;
    const at = regs + g * groupBytes + (<usize>word << 3);
    const w = load<u64>(at);
    const mask = REGISTER_MASK << shift;
    if (pw > ((w & mask) >>> shift)) store<u64>(at, (w & ~mask) | (pw << shift));
  }
}

/** Merges `count` register sets at src (consecutive) into the groups gids[i] of dst: register-wise max. */
export function hll_merge(dst: usize, src: usize, gids: usize, count: i32, numWords: i32): void {
  const groupBytes = <usize>numWords << 3;
  for (let i = 0; i < count; i++) {
    const g = gids != 0 ? <usize>load<i32>(gids + (<usize>i << 2)) : <usize>i;
    const a = dst + g * groupBytes;
    const b = src + <usize>i * groupBytes;
    for (let w = 0; w < numWords; w++) {
      const o = <usize>w << 3;
      const x = load<u64>(a + o);
      const y = load<u64>(b + o);
      let r: u64 = 0;
      for (let j = 0; j < REGISTERS_PER_WORD; j++) {
        const mask = REGISTER_MASK << <u64>(j * REGISTER_SIZE);
        const xm = x & mask;
        const ym = y & mask;
        r |= xm > ym ? xm : ym;
      }
      store<u64>(a + o, r);
    }
  }
}

/** Spark's estimateBias: mean bias of the K raw estimates nearest to e (tables of `len` doubles). */
function estimateBias(e: f64, raw: usize, bias: usize, len: i32): f64 {
  // java.util.Arrays.binarySearch: the index of e, or its insertion point.
  let lo = 0;
  let hi = len - 1;
  let nearest = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = load<f64>(raw + (<usize>mid << 3));
    if (v < e) lo = mid + 1;
    else if (v > e) hi = mid - 1;
    else {
      nearest = mid;
      break;
    }
  }
  if (nearest < 0) nearest = lo;
  let low = max(nearest - K + 1, 0);
  let high = min(low + K, len);
  while (high < len) {
    const dh = e - load<f64>(raw + (<usize>high << 3));
    const dl = e - load<f64>(raw + (<usize>low << 3));
    if (dh * dh < dl * dl) {
      low++;
      high++;
    } else break;
  }
  let sum = 0.0;
  for (let i = low; i < high; i++) sum += load<f64>(bias + (<usize>i << 3));
  return sum / <f64>(high - low);
}

/**
 * dst[i] (i64) = Spark's HLL++ estimate of group start + i (HyperLogLogPlusPlusHelper.query):
 * raw estimate alphaM2 / sum(2^-M), bias-corrected below 5m (p < 19), linear counting
 * m * ln(m / V) when registers are empty and under the threshold (or E <= 2.5m), rounded.
 */
export function hll_estimate(
  regs: usize, numWords: i32, start: i32, count: i32, p: i32, alphaM2: f64, raw: usize, bias: usize, len: i32, threshold: f64, dst: usize,
): void {
  const m = 1 << p;
  const groupBytes = <usize>numWords << 3;
  for (let i = 0; i < count; i++) {
    const base = regs + <usize>(start + i) * groupBytes;
    let zInverse = 0.0;
    let V = 0.0;
    let idx = 0;
    for (let w = 0; w < numWords && idx < m; w++) {
      const word = load<u64>(base + (<usize>w << 3));
      for (let j = 0; j < REGISTERS_PER_WORD && idx < m; j++, idx++) {
        const M = (word >>> <u64>(j * REGISTER_SIZE)) & REGISTER_MASK;
        zInverse += 1.0 / <f64>(<u64>1 << M);
        if (M == 0) V += 1.0;
      }
    }
    const E = alphaM2 / zInverse;
    const fm = <f64>m;
    let estimate: f64;
    const corrected = p < 19 && E < 5.0 * fm ? E - estimateBias(E, raw, bias, len) : E;
    if (V > 0) {
      const H = fm * Math.log(fm / V);
      estimate = (p < 19 && H <= threshold) || E <= 2.5 * fm ? H : corrected;
    } else estimate = corrected;
    store<i64>(dst + (<usize>i << 3), <i64>Math.floor(estimate + 0.5));
  }
}

/** Partial aggregation: dst[i] (u64) = word `w` of the register set of group start + i. */
export function hll_word_column(regs: usize, numWords: i32, w: i32, start: i32, count: i32, dst: usize): void {
  const groupBytes = <usize>numWords << 3;
  const base = regs + (<usize>w << 3);
  for (let i = 0; i < count; i++) store<u64>(dst + (<usize>i << 3), load<u64>(base + <usize>(start + i) * groupBytes));
}

/** Final aggregation: merges words src[i] into word `w` of group gids[i] (gids 0: group i), register-wise max. */
export function hll_merge_word(regs: usize, numWords: i32, w: i32, gids: usize, src: usize, count: i32): void {
  const groupBytes = <usize>numWords << 3;
  const base = regs + (<usize>w << 3);
  for (let i = 0; i < count; i++) {
    const g = gids != 0 ? <usize>load<i32>(gids + (<usize>i << 2)) : <usize>i;
    const at = base + g * groupBytes;
    const x = load<u64>(at);
    const y = load<u64>(src + (<usize>i << 3));
    let r: u64 = 0;
    for (let j = 0; j < REGISTERS_PER_WORD; j++) {
      const mask = REGISTER_MASK << <u64>(j * REGISTER_SIZE);
      const xm = x & mask;
      const ym = y & mask;
      r |= xm > ym ? xm : ym;
    }
    store<u64>(at, r);
  }
}
