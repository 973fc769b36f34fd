// The one hash function of the engine: a seeded 64-bit hash (xxHash64's avalanche and round
// constants, Yann Collet, https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md).
// Aggregation, joins and hash partitioning all hash keys with these functions, so a key hashes the
// same wherever it goes. Multi-column hashes fold each column's hash into the running row hash with
// `hash_combine`. Fixed-width values are hashed from their 64-bit normalised form: integers are
// sign-extended, floats are normalised first (-0.0 -> 0.0, every NaN -> one NaN) so that values
// Spark considers equal in grouping hash equally.

// @ts-ignore: decorator
@inline export const PRIME64_1: u64 = 0x9E3779B185EBCA87;
// @ts-ignore: decorator
@inline export const PRIME64_2: u64 = 0xC2B2AE3D27D4EB4F;
// @ts-ignore: decorator
@inline export const PRIME64_3: u64 = 0x165667B19E3779F9;
// @ts-ignore: decorator
@inline export const PRIME64_4: u64 = 0x85EBCA77C2B2AE63;
// @ts-ignore: decorator
@inline export const PRIME64_5: u64 = 0x27D4EB2F165667C5;
/** The fixed seed of every hash (DataFusion-style fixed seed: hashes are stable across runs). */
// @ts-ignore: decorator
@inline export const HASH_SEED: u64 = 0x2545F4914F6CDD1D;
/** The hash of a null value (any fixed odd constant distinct from common hashes). */
// @ts-ignore: decorator
@inline export const NULL_HASH: u64 = 0x9AE16A3B2F90404F;

/** xxHash64 final avalanche. */
// @ts-ignore: decorator
@inline export function avalanche(h: u64): u64 {
  h ^= h >> 33;
  h *= PRIME64_2;
  h ^= h >> 29;
  h *= PRIME64_3;
  h ^= h >> 32;
  return h;
}

/** Hash of one 64-bit value (an xxHash64 single-lane round followed by the avalanche). */
// @ts-ignore: decorator
@inline export function hash_u64(v: u64): u64 {
  let h = HASH_SEED + PRIME64_5 + 8;
  let k = v * PRIME64_2;
  k = rotl<u64>(k, 31) * PRIME64_1;
  h ^= k;
  h = rotl<u64>(h, 27) * PRIME64_1 + PRIME64_4;
  return avalanche(h);
}

/** Normalises a double for hashing and equality: -0.0 becomes 0.0 and every NaN one canonical NaN. */
// @ts-ignore: decorator
@inline export function normalize_f64_bits(v: f64): u64 {
  if (v != v) return 0x7FF8000000000000;
  if (v == 0) return 0;
  return reinterpret<u64>(v);
}

/** Hash of a double, equal for values Spark groups together (NaN with NaN, -0.0 with 0.0). */
// @ts-ignore: decorator
@inline export function hash_f64(v: f64): u64 {
  return hash_u64(normalize_f64_bits(v));
}

/** Folds a column's hash into the running row hash (order-sensitive). */
// @ts-ignore: decorator
@inline export function hash_combine(acc: u64, h: u64): u64 {
  return avalanche((rotl<u64>(acc, 23) ^ h) * PRIME64_1 + PRIME64_4);
}

/** xxHash64 of `len` bytes at `ptr` with the engine's seed (strings, encoded key rows). */
export function hash_bytes(ptr: usize, len: i32): u64 {
  let p = ptr;
  const end = ptr + <usize>len;
  let h: u64;
  if (len >= 32) {
    let v1 = HASH_SEED + PRIME64_1 + PRIME64_2;
    let v2 = HASH_SEED + PRIME64_2;
    let v3 = HASH_SEED;
    let v4 = HASH_SEED - PRIME64_1;
    const limit = end - 32;
    do {
      v1 = rotl<u64>(v1 + load<u64>(p) * PRIME64_2, 31) * PRIME64_1;
      v2 = rotl<u64>(v2 + load<u64>(p, 8) * PRIME64_2, 31) * PRIME64_1;
      v3 = rotl<u64>(v3 + load<u64>(p, 16) * PRIME64_2, 31) * PRIME64_1;
      v4 = rotl<u64>(v4 + load<u64>(p, 24) * PRIME64_2, 31) * PRIME64_1;
      p += 32;
    } while (p <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = merge_round(h, v1);
    h = merge_round(h, v2);
    h = merge_round(h, v3);
    h = merge_round(h, v4);
  } else {
    h = HASH_SEED + PRIME64_5;
  }
  h += <u64>len;
  while (p + 8 <= end) {
    const k = rotl<u64>(load<u64>(p) * PRIME64_2, 31) * PRIME64_1;
    h ^= k;
    h = rotl<u64>(h, 27) * PRIME64_1 + PRIME64_4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= <u64>load<u32>(p) * PRIME64_1;
    h = rotl<u64>(h, 23) * PRIME64_2 + PRIME64_3;
    p += 4;
  }
  while (p < end) {
    h ^= <u64>load<u8>(p) * PRIME64_5;
    h = rotl<u64>(h, 11) * PRIME64_1;
    p++;
  }
  return avalanche(h);
}

// @ts-ignore: decorator
@inline function merge_round(acc: u64, v: u64): u64 {
  v = rotl<u64>(v * PRIME64_2, 31) * PRIME64_1;
  acc ^= v;
  return acc * PRIME64_1 + PRIME64_4;
}
