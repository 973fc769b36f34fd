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
// State block (i32 fields at `state`): [0] number of groups, [1] id of the null-key group or -1
// (fixed layout), [2] bytes used in the key arena (encoded layout).
import { hash_u64, hash_bytes, normalize_f64_bits } from './hash';

// @ts-ignore: decorator
@inline export const ST_GROUPS: usize = 0;
// @ts-ignore: decorator
@inline export const ST_NULL_GID: usize = 4;
// @ts-ignore: decorator
@inline export const ST_ARENA_USED: usize = 8;
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
@inline function insert_fixed<T>(
  state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32,
  n: i32, start: i32, gids: usize, limit: i32,
): i32 {
  let groups = load<i32>(state + ST_GROUPS);
  const m = <u32>mask;
  for (let i = start; i < n; i++) {
    let gid: i32 = -1;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      gid = null_group(state, keys, nullGroups, limit, groups);
      if (gid == -2) {
        store<i32>(state + ST_GROUPS, groups);
        return i;
      }
      if (gid == groups) groups++;
    } else {
      const k = norm_key<T>(load<T>(vals + (<usize>i << alignof<T>())));
      let pos = <u32>hash_u64(k) & m;
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
  state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize,
): void {
  const m = <u32>mask;
  const nullGid = nullGroups != 0 ? load<i32>(state + ST_NULL_GID) : -1;
  for (let i = 0; i < n; i++) {
    let gid = -1;
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      gid = nullGid;
    } else {
      const k = norm_key<T>(load<T>(vals + (<usize>i << alignof<T>())));
      let pos = <u32>hash_u64(k) & m;
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

/**
 * Insert-or-lookup of one fixed-width key column of `n` rows from row `start`: writes each row's
 * group id to gids[i]. Null keys get the null group (nullGroups = 1) or -1 (nullGroups = 0).
 * Returns n when done, or the first row not processed because the group count reached `limit`.
 */
export function ht_insert_i8(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i8>(state, slots, mask, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_i16(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i16>(state, slots, mask, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_i32(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i32>(state, slots, mask, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_i64(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<i64>(state, slots, mask, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_f32(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<f32>(state, slots, mask, keys, vals, validity, nullGroups, n, start, gids, limit);
}
export function ht_insert_f64(state: usize, slots: usize, mask: i32, keys: usize, vals: usize, validity: usize, nullGroups: i32, n: i32, start: i32, gids: usize, limit: i32): i32 {
  return insert_fixed<f64>(state, slots, mask, keys, vals, validity, nullGroups, n, start, gids, limit);
}

/** Lookup only: gids[i] = the key's group id, or -1 when absent (null keys: the null group if nullGroups, else -1). */
export function ht_lookup_i8(state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i8>(state, slots, mask, vals, validity, nullGroups, n, gids);
}
export function ht_lookup_i16(state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i16>(state, slots, mask, vals, validity, nullGroups, n, gids);
}
export function ht_lookup_i32(state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i32>(state, slots, mask, vals, validity, nullGroups, n, gids);
}
export function ht_lookup_i64(state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<i64>(state, slots, mask, vals, validity, nullGroups, n, gids);
}
export function ht_lookup_f32(state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<f32>(state, slots, mask, vals, validity, nullGroups, n, gids);
}
export function ht_lookup_f64(state: usize, slots: usize, mask: i32, vals: usize, validity: usize, nullGroups: i32, n: i32, gids: usize): void {
  lookup_fixed<f64>(state, slots, mask, vals, validity, nullGroups, n, gids);
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
