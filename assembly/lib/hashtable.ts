// The group-id hash table shared by hash aggregation and hash join: maps each row's key to a dense
// id (0, 1, 2, ... in order of first appearance), inserting keys it has not seen (insert-or-lookup)
// or only looking them up (-1 when absent).
//
// Open addressing with linear probing over a power-of-two number of slots (Knuth, TAOCP vol. 3,
// 6.4 "Algorithm L"); the TypeScript side keeps the load factor at or below 1/2 and rebuilds the
// table at twice the size (`ht_rehash_*`) when the group count reaches the limit it passes in.
// Every insert kernel stops at the first row it cannot place (group limit reached, key arena full)
// and returns that row's index; the caller grows the state and calls again from there.
//
// Two layouts:
// - fixed: one fixed-width key column (ints, floats, decimal, date, timestamp, boolean). A slot is
//   16 bytes {u64 normalised key, i32 id, i32 unused}; keys are compared directly in the slot, and
//   also written to `keys` (u64 per group) so the group column can be produced at the end. The null
//   key is not in the table: it is a group of its own whose id lives in the state block (grouping),
//   or it never matches (joins, nullGroups = 0).
// - encoded: any other key (strings, several columns): each row's keys are first encoded into a
//   compact key row (assembly/lib/keys.ts); a slot is 8 bytes {u32 hash, i32 id}; each group's key
//   row is stored once in a byte arena with refs[id] = {i32 offset, i32 length}, and candidates are
//   compared by hash, then length, then bytes.
// Empty slots have id -1 (tables are filled with 0xFF bytes).
//
// State block (32 bytes at `state`): i32 at 0 the number of groups, at 4 the id of the null-key
// group or -1 (fixed layout), at 8 the bytes used in the key arena (encoded layout); i64 at 16 and
// i32 at 24 the direct-mapping window (base, size).
import { hash_u64, hash_bytes, normalize_f64_bits } from './hash';

// @ts-ignore: decorator
@inline export const ST_GROUPS: usize = 0;
// @ts-ignore: decorator
@inline export const ST_NULL_GID: usize = 4;
// @ts-ignore: decorator
@inline export const ST_ARENA_USED: usize = 8;
// @ts-ignore: decorator
@inline export const ST_DM_BASE: usize = 16;
// @ts-ignore: decorator
@inline export const ST_DM_SIZE: usize = 24;
// @ts-ignore: decorator
@inline const EMPTY: i32 = -1;
// @ts-ignore: decorator
@inline const FIXED_SLOT_SHIFT: usize = 4; // 16-byte slots
// @ts-ignore: decorator
@inline const ENC_SLOT_SHIFT: usize = 3; // 8-byte slots

/** The normalised 64-bit form of a key value: integers sign-extended, floats via normalize_f64_bits. */
// @ts-ignore: decorator
@inline function norm_key<T>(v: T): u64 {
  if (isFloat<T>()) return normalize_f64_bits(<f64>v);
  else if (sizeof<T>() == 8) return <u64>v;
  else return <u64>(<i64>v);
}

/** Byte equality of two regions of `len` bytes (unaligned 8-byte steps, then bytes). */
// @ts-ignore: decorator
@inline export function bytes_equal(a: usize, b: usize, len: i32): bool {
  let i = 0;
  for (; i + 8 <= len; i += 8) if (load<u64>(a + <usize>i) != load<u64>(b + <usize>i)) return false;
  for (; i < len; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

// @ts-ignore: decorator
@inline function null_group(state: usize, keys: usize, nullGroups: i32, limit: i32, groups: i32): i32 {
  // Returns the null group's id, -1 when nulls never match, or -2 when a new group is needed but the limit is reached.
  if (nullGroups == 0) return -1;
  let g = load<i32>(state + ST_NULL_GID);
  if (g >= 0) return g;
  if (groups >= limit) return -2;
  store<i32>(state + ST_NULL_GID, groups);
  store<u64>(keys + (<usize>groups << 3), 0);
  return groups;
}

// @ts-ignore: decorator
@inline function hash_fixed<T>(vals: usize, n: i32, hashes: usize): void {
  for (let i = 0; i < n; i++) {
    store<u32>(hashes + (<usize>i << 2), <u32>hash_u64(norm_key<T>(load<T>(vals + (<usize>i << alignof<T>())))));
  }
}

// @ts-ignore: decorator
@inline function insert_fixed<T>(
  state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32,
  n: i32, start: i32, gids: usize, limit: i32,
): i32 {
  let groups = load<i32>(state + ST_GROUPS);
  const m = <u32>mask;
  if (validity == 0) {
    // No nulls: the probe loop alone; a hit in the home slot is the common case.
    for (let i = start; i < n; i++) {
      const k = norm_key<T>(load<T>(vals + (<usize>i << alignof<T>())));
      let pos = load<u32>(hashes + (<usize>i << 2)) & m;
      let s = slots + (<usize>pos << FIXED_SLOT_SHIFT);
      let g = load<i32>(s, 8);
      while (load<u64>(s) != k || g == EMPTY) {
        if (g == EMPTY) {
          if (groups >= limit) {
            store<i32>(state + ST_GROUPS, groups);
            return i;
          }
          store<u64>(s, k);
          store<i32>(s, groups, 8);
          store<u64>(keys + (<usize>groups << 3), k);
          g = groups++;
          break;
        }
        pos = (pos + 1) & m;
        s = slots + (<usize>pos << FIXED_SLOT_SHIFT);
        g = load<i32>(s, 8);
      }
      store<i32>(gids + (<usize>i << 2), g);
    }
    store<i32>(state + ST_GROUPS, groups);
    return n;
  }
  for (let i = start; i < n; i++) {
    let gid: i32 = -1;
    if (load<u8>(validity + <usize>i) == 0) {
      gid = null_group(state, keys, nullGroups, limit, groups);
      if (gid == -2) {
        store<i32>(state + ST_GROUPS, groups);
        return i;
      }
      if (gid == groups) groups++;
    } else {
      const k = norm_key<T>(load<T>(vals + (<usize>i << alignof<T>())));
      let pos = load<u32>(hashes + (<usize>i << 2)) & m;
      while (true) {
        const s = slots + (<usize>pos << FIXED_SLOT_SHIFT);
        const g = load<i32>(s, 8);
        if (g == EMPTY) {
          if (groups >= limit) {
            store<i32>(state + ST_GROUPS, groups);
            return i;
          }
          store<u64>(s, k);
          store<i32>(s, groups, 8);
          store<u64>(keys + (<usize>groups << 3), k);
          gid = groups++;
          break;
        }
        if (load<u64>(s) == k) {
          gid = g;
          break;
        }
        pos = (pos + 1) & m;
      }
    }
    store<i32>(gids + (<usize>i << 2), gid);
  }
  store<i32>(state + ST_GROUPS, groups);
  return n;
}

// @ts-ignore: decorator
@inline function lookup_fixed<T>(
  state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize,
): void {
  const m = <u32>mask;
  const nullGid = nullGroups != 0 ? load<i32>(state + ST_NULL_GID) : -1;
  for (let i = 0; i < n; i++) {
    let gid = -1;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      gid = nullGid;
    } else {
      const k = norm_key<T>(load<T>(vals + (<usize>i << alignof<T>())));
      let pos = load<u32>(hashes + (<usize>i << 2)) & m;
      while (true) {
        const s = slots + (<usize>pos << FIXED_SLOT_SHIFT);
        const g = load<i32>(s, 8);
        if (g == EMPTY) break;
        if (load<u64>(s) == k) {
          gid = g;
          break;
        }
        pos = (pos + 1) & m;
      }
    }
    store<i32>(gids + (<usize>i << 2), gid);
  }
}

// Direct mapping (DuckDB's "perfect hash aggregate", ClickHouse's fixed-key maps): while every
// integer key seen lies in a window [base, base + size) of at most a million values, a dense
// array dmap[key - base] -> id replaces hashing and probing. The window (state fields 16: i64
// base, 24: i32 size) is chosen by the caller, which leaves direct mode for the hash table when
// the keys spread too far (ht_rebuild_fixed).

// @ts-ignore: decorator
@inline function dm_insert<T>(
  state: usize, dmap: usize, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32,
): i32 {
  let groups = load<i32>(state + ST_GROUPS);
  const base = load<i64>(state + ST_DM_BASE);
  const size = <u64>load<i32>(state + ST_DM_SIZE);
  if (validity == 0) {
    // The hot loop: no nulls. Keys narrower than 64 bits go four at a time with 32-bit arithmetic
    // (the caller keeps the window inside the int32 range, so the wrapped k - base compared
    // unsigned with size checks both ends exactly); a group of four with a key outside the window
    // or not seen yet goes through the scalar steps below.
    let i = start;
    while (i < n) {
      if (sizeof<T>() < 8) {
        const b32 = <i32>base;
        const sz = <u32>size;
        for (; i + 4 <= n; i += 4) {
          const p = vals + (<usize>i << alignof<T>());
          const d0 = <u32>(<i32>load<T>(p) - b32);
          const d1 = <u32>(<i32>load<T>(p, sizeof<T>()) - b32);
          const d2 = <u32>(<i32>load<T>(p, 2 * sizeof<T>()) - b32);
          const d3 = <u32>(<i32>load<T>(p, 3 * sizeof<T>()) - b32);
          if ((d0 >= sz) | (d1 >= sz) | (d2 >= sz) | (d3 >= sz)) break;
          const g0 = load<i32>(dmap + (<usize>d0 << 2));
          const g1 = load<i32>(dmap + (<usize>d1 << 2));
          const g2 = load<i32>(dmap + (<usize>d2 << 2));
          const g3 = load<i32>(dmap + (<usize>d3 << 2));
          if ((g0 | g1 | g2 | g3) < 0) break;
          const q = gids + (<usize>i << 2);
          store<i32>(q, g0);
          store<i32>(q, g1, 4);
          store<i32>(q, g2, 8);
          store<i32>(q, g3, 12);
        }
      }
      const stop = sizeof<T>() < 8 && i + 4 < n ? i + 4 : n;
      for (; i < stop; i++) {
        const k = <i64>load<T>(vals + (<usize>i << alignof<T>()));
        const d = k - base;
        if (k < base || <u64>d >= size) {
          store<i32>(state + ST_GROUPS, groups);
          return i;
        }
        const a = dmap + (<usize>d << 2);
        let gid = load<i32>(a);
        if (gid < 0) {
          if (groups >= limit) {
            store<i32>(state + ST_GROUPS, groups);
            return i;
          }
          gid = groups++;
          store<i32>(a, gid);
          store<u64>(keys + (<usize>gid << 3), <u64>k);
        }
        store<i32>(gids + (<usize>i << 2), gid);
      }
    }
    store<i32>(state + ST_GROUPS, groups);
    return n;
  }
  for (let i = start; i < n; i++) {
    let gid: i32 = -1;
    if (load<u8>(validity + <usize>i) == 0) {
      gid = null_group(state, keys, nullGroups, limit, groups);
      if (gid == -2) {
        store<i32>(state + ST_GROUPS, groups);
        return i;
      }
      if (gid == groups) groups++;
    } else {
      const k = <i64>load<T>(vals + (<usize>i << alignof<T>()));
      if (k < base || <u64>(k - base) >= size) {
        store<i32>(state + ST_GROUPS, groups);
        return i;
      }
      const a = dmap + (<usize>(k - base) << 2);
      gid = load<i32>(a);
      if (gid < 0) {
        if (groups >= limit) {
          store<i32>(state + ST_GROUPS, groups);
          return i;
        }
        gid = groups++;
        store<i32>(a, gid);
        store<u64>(keys + (<usize>gid << 3), <u64>k);
      }
    }
    store<i32>(gids + (<usize>i << 2), gid);
  }
  store<i32>(state + ST_GROUPS, groups);
  return n;
}

// @ts-ignore: decorator
@inline function dm_lookup<T>(state: usize, dmap: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  const base = load<i64>(state + ST_DM_BASE);
  const size = <u64>load<i32>(state + ST_DM_SIZE);
  const nullGid = nullGroups != 0 ? load<i32>(state + ST_NULL_GID) : -1;
  for (let i = 0; i < n; i++) {
    let gid = -1;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      gid = nullGid;
    } else {
      const k = <i64>load<T>(vals + (<usize>i << alignof<T>()));
      if (k >= base && <u64>(k - base) < size) gid = load<i32>(dmap + (<usize>(k - base) << 2));
    }
    store<i32>(gids + (<usize>i << 2), gid);
  }
}

// @ts-ignore: decorator
@inline function key_range<T>(vals: usize, validity: usize, n: i32, out: usize): i32 {
  let lo = i64.MAX_VALUE;
  let hi = i64.MIN_VALUE;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const k = <i64>load<T>(vals + (<usize>i << alignof<T>()));
    if (k < lo) lo = k;
    if (k > hi) hi = k;
    count++;
  }
  store<i64>(out, lo);
  store<i64>(out, hi, 8);
  return count;
}

/** Row hashes (low 32 bits of hash_u64 of the normalised key) of a fixed-width key column, for the probe kernels. */
export function ht_hash_i8(vals: usize, n: i32, hashes: usize): void { hash_fixed<i8>(vals, n, hashes); }
export function ht_hash_i16(vals: usize, n: i32, hashes: usize): void { hash_fixed<i16>(vals, n, hashes); }
export function ht_hash_i32(vals: usize, n: i32, hashes: usize): void { hash_fixed<i32>(vals, n, hashes); }
export function ht_hash_i64(vals: usize, n: i32, hashes: usize): void { hash_fixed<i64>(vals, n, hashes); }
export function ht_hash_f32(vals: usize, n: i32, hashes: usize): void { hash_fixed<f32>(vals, n, hashes); }
export function ht_hash_f64(vals: usize, n: i32, hashes: usize): void { hash_fixed<f64>(vals, n, hashes); }

/**
 * Insert-or-lookup of one fixed-width key column of `n` rows from row `start` (row hashes from
 * ht_hash_*): writes each row's group id to gids[i]. Null keys get the null group (nullGroups = 1)
 * or -1 (nullGroups = 0). Returns n when done, or the first row not processed because the group
 * count reached `limit`.
 */
export function ht_insert_i8(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i8>(state, slots, mask, keys, vals, hashes, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_i16(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i16>(state, slots, mask, keys, vals, hashes, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_i32(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i32>(state, slots, mask, keys, vals, hashes, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_i64(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i64>(state, slots, mask, keys, vals, hashes, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_f32(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<f32>(state, slots, mask, keys, vals, hashes, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_f64(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<f64>(state, slots, mask, keys, vals, hashes, validity, nullGroups, n, start, gids, limit);
}

/** Lookup only: gids[i] = the key's group id, or -1 when absent (null keys: the null group if nullGroups, else -1). */
export function ht_lookup_i8(state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i8>(state, slots, mask, vals, hashes, validity, nullGroups, n, gids);
}
export function ht_lookup_i16(state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i16>(state, slots, mask, vals, hashes, validity, nullGroups, n, gids);
}
export function ht_lookup_i32(state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i32>(state, slots, mask, vals, hashes, validity, nullGroups, n, gids);
}
export function ht_lookup_i64(state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i64>(state, slots, mask, vals, hashes, validity, nullGroups, n, gids);
}
export function ht_lookup_f32(state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<f32>(state, slots, mask, vals, hashes, validity, nullGroups, n, gids);
}
export function ht_lookup_f64(state: usize, slots: usize, mask: i32, vals: usize, hashes: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<f64>(state, slots, mask, vals, hashes, validity, nullGroups, n, gids);
}

/** Direct-mode insert-or-lookup (see above); returns n, or the first row outside the window or over the group limit. */
export function dm_insert_i8(state: usize, dmap: usize, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return dm_insert<i8>(state, dmap, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function dm_insert_i16(state: usize, dmap: usize, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return dm_insert<i16>(state, dmap, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function dm_insert_i32(state: usize, dmap: usize, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return dm_insert<i32>(state, dmap, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function dm_insert_i64(state: usize, dmap: usize, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return dm_insert<i64>(state, dmap, keys, vals, validity, nullGroups, n, start, gids, limit);
}

/** Direct-mode lookup: -1 for keys outside the window or absent. */
export function dm_lookup_i8(state: usize, dmap: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void { dm_lookup<i8>(state, dmap, vals, validity, nullGroups, n, gids); }
export function dm_lookup_i16(state: usize, dmap: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void { dm_lookup<i16>(state, dmap, vals, validity, nullGroups, n, gids); }
export function dm_lookup_i32(state: usize, dmap: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void { dm_lookup<i32>(state, dmap, vals, validity, nullGroups, n, gids); }
export function dm_lookup_i64(state: usize, dmap: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void { dm_lookup<i64>(state, dmap, vals, validity, nullGroups, n, gids); }

/** Minimum and maximum (i64 at out, out + 8) of the non-null keys; returns how many there are. */
export function key_range_i8(vals: usize, validity: usize, n: i32, out: usize): i32 { return key_range<i8>(vals, validity, n, out); }
export function key_range_i16(vals: usize, validity: usize, n: i32, out: usize): i32 { return key_range<i16>(vals, validity, n, out); }
export function key_range_i32(vals: usize, validity: usize, n: i32, out: usize): i32 { return key_range<i32>(vals, validity, n, out); }
export function key_range_i64(vals: usize, validity: usize, n: i32, out: usize): i32 { return key_range<i64>(vals, validity, n, out); }

/** Refills the direct map (window from the state block) with the ids of every non-null group's key. */
export function dm_rebuild(state: usize, dmap: usize, keys: usize): void {
  const base = load<i64>(state + ST_DM_BASE);
  const size = load<i32>(state + ST_DM_SIZE);
  const groups = load<i32>(state + ST_GROUPS);
  const nullGid = load<i32>(state + ST_NULL_GID);
  memory.fill(dmap, 0xFF, <usize>size << 2);
  for (let g = 0; g < groups; g++) {
    if (g == nullGid) continue;
    store<i32>(dmap + (<usize>(load<i64>(keys + (<usize>g << 3)) - base) << 2), g);
  }
}

/** Fills a fixed-layout table (cleared here, mask+1 slots) with every non-null group's key: the switch from direct mode. */
export function ht_rebuild_fixed(state: usize, keys: usize, slots: usize, mask: i32): void {
  const m = <u32>mask;
  const groups = load<i32>(state + ST_GROUPS);
  const nullGid = load<i32>(state + ST_NULL_GID);
  memory.fill(slots, 0xFF, (<usize>m + 1) << FIXED_SLOT_SHIFT);
  for (let g = 0; g < groups; g++) {
    if (g == nullGid) continue;
    const k = load<u64>(keys + (<usize>g << 3));
    let pos = <u32>hash_u64(k) & m;
    while (load<i32>(slots + (<usize>pos << FIXED_SLOT_SHIFT), 8) != EMPTY) pos = (pos + 1) & m;
    const d = slots + (<usize>pos << FIXED_SLOT_SHIFT);
    store<u64>(d, k);
    store<i32>(d, g, 8);
  }
}

/** Fills `capacity` slots of `slotBytes` bytes with the empty marker. */
export function ht_clear(slots: usize, capacity: i32, slotBytes: i32): void {
  memory.fill(slots, 0xFF, <usize>capacity * <usize>slotBytes);
}

/** Moves every entry of a fixed-layout table of `oldCapacity` slots into a new table (cleared here) of mask+1 slots. */
export function ht_rehash_fixed(oldSlots: usize, oldCapacity: i32, newSlots: usize, newMask: i32): void {
  const m = <u32>newMask;
  memory.fill(newSlots, 0xFF, (<usize>m + 1) << FIXED_SLOT_SHIFT);
  for (let i = 0; i < oldCapacity; i++) {
    const s = oldSlots + (<usize>i << FIXED_SLOT_SHIFT);
    const g = load<i32>(s, 8);
    if (g == EMPTY) continue;
    const k = load<u64>(s);
    let pos = <u32>hash_u64(k) & m;
    while (load<i32>(newSlots + (<usize>pos << FIXED_SLOT_SHIFT), 8) != EMPTY) pos = (pos + 1) & m;
    const d = newSlots + (<usize>pos << FIXED_SLOT_SHIFT);
    store<u64>(d, k);
    store<i32>(d, g, 8);
  }
}

/** Moves every entry of an encoded-layout table (by its stored hash) into a new table (cleared here) of mask+1 slots. */
export function ht_rehash_enc(oldSlots: usize, oldCapacity: i32, newSlots: usize, newMask: i32): void {
  const m = <u32>newMask;
  memory.fill(newSlots, 0xFF, (<usize>m + 1) << ENC_SLOT_SHIFT);
  for (let i = 0; i < oldCapacity; i++) {
    const s = oldSlots + (<usize>i << ENC_SLOT_SHIFT);
    const g = load<i32>(s, 4);
    if (g == EMPTY) continue;
    const h = load<u32>(s);
    let pos = h & m;
    while (load<i32>(newSlots + (<usize>pos << ENC_SLOT_SHIFT), 4) != EMPTY) pos = (pos + 1) & m;
    store<u64>(newSlots + (<usize>pos << ENC_SLOT_SHIFT), load<u64>(s));
  }
}

/**
 * Insert-or-lookup of encoded key rows (row i is bytes [rowOffs[i], rowOffs[i+1]) of `rowBytes`).
 * Rows whose `rowMask` byte is 0 get id -1 (rowMask 0: every row). New keys are copied into the
 * arena (`arenaCap` bytes) with refs[id] = {offset, length}. Returns n, or the first row not
 * processed because the group limit was reached or the arena is full.
 */
export function ht_insert_enc(
  state: usize, slots: usize, mask: i32, arena: usize, arenaCap: i32, refs: usize,
  rowOffs: usize, rowBytes: usize, rowMask: usize, n: i32, start: i32, gids: usize, limit: i32,
): i32 {
  let groups = load<i32>(state + ST_GROUPS);
  let used = load<i32>(state + ST_ARENA_USED);
  const m = <u32>mask;
  for (let i = start; i < n; i++) {
    let gid = -1;
    if (rowMask == 0 || load<u8>(rowMask + <usize>i) != 0) {
      const off = load<i32>(rowOffs + (<usize>i << 2));
      const len = load<i32>(rowOffs + (<usize>i << 2), 4) - off;
      const p = rowBytes + <usize>off;
      const h = <u32>hash_bytes(p, len);
      let pos = h & m;
      while (true) {
        const s = slots + (<usize>pos << ENC_SLOT_SHIFT);
        const g = load<i32>(s, 4);
        if (g == EMPTY) {
          if (groups >= limit || used + len > arenaCap) {
            store<i32>(state + ST_GROUPS, groups);
            store<i32>(state + ST_ARENA_USED, used);
            return i;
          }
          memory.copy(arena + <usize>used, p, <usize>len);
          const r = refs + (<usize>groups << 3);
          store<i32>(r, used);
          store<i32>(r, len, 4);
          used += len;
          store<u32>(s, h);
          store<i32>(s, groups, 4);
          gid = groups++;
          break;
        }
        if (load<u32>(s) == h) {
          const r = refs + (<usize>g << 3);
          if (load<i32>(r, 4) == len && bytes_equal(arena + <usize>load<i32>(r), p, len)) {
            gid = g;
            break;
          }
        }
        pos = (pos + 1) & m;
      }
    }
    store<i32>(gids + (<usize>i << 2), gid);
  }
  store<i32>(state + ST_GROUPS, groups);
  store<i32>(state + ST_ARENA_USED, used);
  return n;
}

/** Lookup only of encoded key rows: gids[i] = id, or -1 when absent or masked out. */
export function ht_lookup_enc(
  slots: usize, mask: i32, arena: usize, refs: usize, rowOffs: usize, rowBytes: usize, rowMask: usize, n: i32, gids: usize,
): void {
  const m = <u32>mask;
  for (let i = 0; i < n; i++) {
    let gid = -1;
    if (rowMask == 0 || load<u8>(rowMask + <usize>i) != 0) {
      const off = load<i32>(rowOffs + (<usize>i << 2));
      const len = load<i32>(rowOffs + (<usize>i << 2), 4) - off;
      const p = rowBytes + <usize>off;
      const h = <u32>hash_bytes(p, len);
      let pos = h & m;
      while (true) {
        const s = slots + (<usize>pos << ENC_SLOT_SHIFT);
        const g = load<i32>(s, 4);
        if (g == EMPTY) break;
        if (load<u32>(s) == h) {
          const r = refs + (<usize>g << 3);
          if (load<i32>(r, 4) == len && bytes_equal(arena + <usize>load<i32>(r), p, len)) {
            gid = g;
            break;
          }
        }
        pos = (pos + 1) & m;
      }
    }
    store<i32>(gids + (<usize>i << 2), gid);
  }
}
