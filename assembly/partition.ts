// Hash partitioning: rows -> N buckets from their u64 hashes (assembly/hash.ts), in the shape of
// DataFusion's BatchPartitioner (datafusion/physical-plan/src/repartition/mod.rs): hash with the
// fixed seed, count rows per partition, build per-partition index lists, then gather (take.ts).
//
// A hash maps to its bucket with Lemire's multiply-high ("fastrange", D. Lemire, "A fast alternative
// to the modulo reduction", 2016): bucket = (hi32(h) * N) >> 32. It uses the high 32 bits of the
// hash (hash tables index with the low bits, so the two stay independent) and has no modulo bias
// beyond 1 / 2^32. Four buckets are computed at once with a 32x32->64 SIMD multiply.

/** Buckets of the 4 hashes at `p` as i32x4 lanes: (hi32(h) * np) >> 32. */
// @ts-ignore: decorator
@inline function buckets4(p: usize, np: v128): v128 {
  // i32 lanes of the two vectors are [lo0, hi0, lo1, hi1] and [lo2, hi2, lo3, hi3].
  const his = i32x4.shuffle(v128.load(p), v128.load(p, 16), 1, 3, 5, 7);
  const lo = i64x2.extmul_low_i32x4_u(his, np);
  const hi = i64x2.extmul_high_i32x4_u(his, np);
  // The bucket is the high word of each 64-bit product.
  return i32x4.shuffle(lo, hi, 1, 3, 5, 7);
}

// @ts-ignore: decorator
@inline function bucket1(h: u64, np: u64): usize {
  return <usize>(((h >> 32) * np) >> 32);
}

/**
 * Counts the rows of each of `num_partitions` partitions among the `n` u64 hashes at `hashes`:
 * counts_out (i32[num_partitions]) is overwritten.
 */
export function partition_counts(hashes: usize, n: i32, num_partitions: i32, counts_out: usize): void {
  memory.fill(counts_out, 0, <usize>num_partitions << 2);
  const np = i32x4.splat(num_partitions);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const b = buckets4(hashes + (<usize>i << 3), np);
    const c0 = counts_out + (<usize>i32x4.extract_lane(b, 0) << 2);
    store<i32>(c0, load<i32>(c0) + 1);
    const c1 = counts_out + (<usize>i32x4.extract_lane(b, 1) << 2);
    store<i32>(c1, load<i32>(c1) + 1);
    const c2 = counts_out + (<usize>i32x4.extract_lane(b, 2) << 2);
    store<i32>(c2, load<i32>(c2) + 1);
    const c3 = counts_out + (<usize>i32x4.extract_lane(b, 3) << 2);
    store<i32>(c3, load<i32>(c3) + 1);
  }
  for (; i < n; i++) {
    const c = counts_out + (bucket1(load<u64>(hashes + (<usize>i << 3)), <u64>num_partitions) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
}

// @ts-ignore: decorator
@inline function place(offsets: usize, out_indices: usize, bucket: usize, row: i32): void {
  const cursor = offsets + (bucket << 2);
  const pos = load<i32>(cursor);
  store<i32>(out_indices + (<usize>pos << 2), row);
  store<i32>(cursor, pos + 1);
}

/**
 * Writes each row index i < n into its partition's slice of out_indices (i32[n]), in increasing
 * order within a partition (stable). `offsets` (i32[num_partitions]) holds each partition's start
 * (the exclusive prefix sums of partition_counts) and is used as the cursors: on return offsets[p]
 * is the end of partition p.
 */
export function partition_scatter(hashes: usize, n: i32, num_partitions: i32, offsets: usize, out_indices: usize): void {
  const np = i32x4.splat(num_partitions);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const b = buckets4(hashes + (<usize>i << 3), np);
    place(offsets, out_indices, <usize>i32x4.extract_lane(b, 0), i);
    place(offsets, out_indices, <usize>i32x4.extract_lane(b, 1), i + 1);
    place(offsets, out_indices, <usize>i32x4.extract_lane(b, 2), i + 2);
    place(offsets, out_indices, <usize>i32x4.extract_lane(b, 3), i + 3);
  }
  for (; i < n; i++) {
    place(offsets, out_indices, bucket1(load<u64>(hashes + (<usize>i << 3)), <u64>num_partitions), i);
  }
}

/** Writes the partition of each of the `n` hashes to out (i32[n]); for shuffle writers and tests. */
export function partition_ids(hashes: usize, n: i32, num_partitions: i32, out: usize): void {
  const np = i32x4.splat(num_partitions);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), buckets4(hashes + (<usize>i << 3), np));
  for (; i < n; i++) {
    store<i32>(out + (<usize>i << 2), <i32>bucket1(load<u64>(hashes + (<usize>i << 3)), <u64>num_partitions));
  }
}
