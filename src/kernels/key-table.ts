/**
 * The group-id hash table over key columns, shared by hash aggregation and hash join (kernels in
 * assembly/lib/hashtable.ts and assembly/lib/keys.ts, compiled into both the `aggregate` and the
 * `join` modules). It maps every row to a dense id (0..G-1 in order of first appearance), inserting
 * new keys or only looking them up. All its memory is wasm memory allocated here and accounted in a
 * MemoryReservation; the kernels stop when the table must grow and this class grows it and resumes.
 */
import { physicalSuffix } from './common.js';
import { InternalError } from '../errors.js';
import { Column } from '../types/column.js';
import { type DataType, byteWidth, isNestedType } from '../types/data-type.js';
import { decodeNestedKey, encodeNestedKeys, keyStorageType } from './nested-keys.js';
import { type MemoryReservation, type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import type { KernelExports } from '../wasm/runtime.js';

/** A wasm buffer that grows by reallocate-and-copy, its size tracked in a MemoryReservation. */
export class GrowableBuffer {
  private buf: WasmBuffer | null = null;

  constructor(
    private readonly mem: WasmMemory,
    private readonly reservation: MemoryReservation,
    /** Byte value new bytes are set to on growth, or null to leave them undefined. */
    private readonly fill: number | null,
  ) {}

  /** Address of the buffer (0 while empty). */
  get ptr(): number {
    return this.buf?.ptr ?? 0;
  }

  /** Current size in bytes. */
  get byteLength(): number {
    return this.buf?.byteLength ?? 0;
  }

  /** Grows to at least `bytes` (to at least twice the current size), keeping the contents when `keep`. */
  ensure(bytes: number, keep = true): void {
    const old = this.byteLength;
    if (bytes <= old) return;
    const size = Math.max(bytes, old * 2, 64);
    this.reservation.grow(size);
    let next: WasmBuffer;
    try {
      next = WasmBuffer.allocate(this.mem, size);
    } catch (e) {
      this.reservation.shrink(size);
      throw e;
    }
    const view = next.bytes();
    if (keep && this.buf) view.set(this.buf.bytes());
    if (this.fill !== null) view.fill(this.fill, keep ? old : 0);
    this.drop();
    this.buf = next;
  }

  /** Sets the first `bytes` bytes to `value`. */
  fillPrefix(value: number, bytes: number): void {
    if (this.buf) this.mem.u8(this.buf.ptr, Math.min(bytes, this.buf.byteLength)).fill(value);
  }

  /** Frees the buffer and its reservation. */
  release(): void {
    this.drop();
  }

  private drop(): void {
    if (!this.buf) return;
    this.reservation.shrink(this.buf.byteLength);
    this.buf.release();
    this.buf = null;
  }
}

/** Kernel name suffix of the fixed layout per type, or null when the key needs the encoded layout. */
function fixedSuffix(type: DataType): string | null {
  // Booleans are keyed as int8; strings and the null type have no fixed-width key.
  if (type.kind === 'boolean') return 'i8';
  if (byteWidth(type) === 16) return null; // int128 decimals: the encoded layout (key kind 17)
  const suffix = physicalSuffix(type);
  return suffix === 'utf8' ? null : suffix;
}

/** The key kind code of assembly/lib/keys.ts for a type. */
export function keyKind(type: DataType): number {
  switch (type.kind) {
    case 'null':
      return 0;
    case 'float32':
      return 5;
    case 'float64':
      return 9;
    case 'utf8':
      return 16;
    case 'decimal':
      return byteWidth(type) === 16 ? 17 : 8; // 17: int128 (assembly/lib/keys.ts K_I128)
    default:
      return byteWidth(type);
  }
}

/** Bytes a key column takes in every encoded key row (flag byte + fixed part). */
function encodedFixedBytes(type: DataType): number {
  const kind = keyKind(type);
  return 1 + (kind === 5 || kind === 16 ? 4 : kind === 9 ? 8 : kind === 17 ? 16 : kind);
}

/** What the table reads of a key column: its type and buffer addresses (a Column qualifies). */
export interface KeyInput {
  readonly type: DataType;
  readonly valuesPtr: number;
  readonly validityPtr: number;
  readonly offsetsPtr: number;
}

/** Options of a KeyTable. */
export interface KeyTableOptions {
  /** Grouping (true): null keys form a group of their own. Joins (false): a row with a null key gets -1. */
  readonly nullsFormGroups: boolean;
  /** Called before the group capacity grows, with the new capacity, so per-group arrays can follow. */
  readonly onGrow?: (groupCapacity: number) => void;
  /** Initial group capacity (rounded up to a power of two). */
  readonly initialGroups?: number;
}

const STATE_BYTES = 32;
const FIXED_SLOT = 16;
const ENC_SLOT = 8;
/** Direct mapping is always allowed for windows of up to this many entries (4 bytes each: 4 MiB). */
const DIRECT_MAX = 1 << 20;
/** Larger windows (up to DIRECT_CAP) only while they stay within DIRECT_DENSITY entries per key or row. */
const DIRECT_CAP = 1 << 24;
const DIRECT_DENSITY = 8;
/** Smallest direct-mapping window. */
const DIRECT_MIN = 1024;

/** Whether a fixed key type can use direct mapping (integers, not floats). */
function directable(suffix: string | null): boolean {
  return suffix === 'i8' || suffix === 'i16' || suffix === 'i32' || suffix === 'i64';
}

/**
 * A group-id hash table over key columns (see the module doc). A single integer-like key starts in
 * direct mode (an array indexed by key - base) and moves to the hash table once the keys spread over
 * more than a million values; floats use the fixed hash layout; other keys the encoded layout.
 */
export class KeyTable {
  /** 'fixed' for one fixed-width key column, 'encoded' otherwise. */
  readonly layout: 'fixed' | 'encoded';
  private mode: 'direct' | 'hash';
  private readonly suffix: string | null;
  private readonly state: WasmBuffer;
  private slots: GrowableBuffer;
  private readonly keys: GrowableBuffer; // fixed: u64 per group; encoded: {off, len} per group
  private readonly arena: GrowableBuffer; // encoded: key rows of the groups
  private readonly dmap: GrowableBuffer; // direct mode: i32 id per key in the window
  private readonly desc: WasmBuffer | null; // encoded: column descriptors
  private readonly hashes: GrowableBuffer;
  private readonly rowOffs: GrowableBuffer;
  private readonly rowBytes: GrowableBuffer;
  private readonly rowMask: GrowableBuffer;
  private readonly fixedRowBytes: number;
  private readonly fixedBytes: number;
  private capacity = 0;
  private groupCap: number;
  private released = false;
  /** The key types as given (nested ones are stored encoded as utf8, `keyTypes`). */
  private readonly logicalKeyTypes: readonly DataType[];

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    readonly keyTypes: readonly DataType[],
    private readonly reservation: MemoryReservation,
    private readonly options: KeyTableOptions,
  ) {
    if (keyTypes.length === 0) throw new InternalError('KeyTable needs at least one key column');
    // Nested keys (arrays, maps, structs) are stored as their byte encoding (nested-keys.ts).
    this.logicalKeyTypes = keyTypes;
    keyTypes = keyTypes.map(keyStorageType);
    this.keyTypes = keyTypes;
    this.suffix = keyTypes.length === 1 ? fixedSuffix(keyTypes[0]!) : null;
    this.layout = this.suffix ? 'fixed' : 'encoded';
    this.mode = directable(this.suffix) ? 'direct' : 'hash';
    const buf = () => new GrowableBuffer(mem, reservation, null);
    this.slots = buf();
    this.keys = buf();
    this.arena = buf();
    this.dmap = buf();
    this.hashes = buf();
    this.rowOffs = buf();
    this.rowBytes = buf();
    this.rowMask = buf();
    this.fixedRowBytes = keyTypes.reduce((s, t) => s + encodedFixedBytes(t), 0);
    this.fixedBytes = STATE_BYTES + (this.layout === 'encoded' ? keyTypes.length * 16 : 0);
    reservation.grow(this.fixedBytes);
    this.state = WasmBuffer.allocate(mem, STATE_BYTES);
    const st = mem.i32(this.state.ptr, 8);
    st.fill(0);
    st[1] = -1;
    this.desc = this.layout === 'encoded' ? WasmBuffer.allocate(mem, keyTypes.length * 16) : null;
    if (this.desc) {
      // Kinds now (decoding an empty table reads them); addresses per batch in encode().
      const d = mem.i32(this.desc.ptr, keyTypes.length * 4);
      d.fill(0);
      keyTypes.forEach((t, i) => (d[i * 4] = keyKind(t)));
    }
    this.groupCap = nextPow2(Math.max(16, options.initialGroups ?? 256));
    try {
      if (this.mode === 'hash') this.allocateTable(this.groupCap * 2, false);
      this.keys.ensure(this.groupCap * 8);
      if (this.layout === 'encoded') this.arena.ensure(this.groupCap * this.fixedRowBytes);
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Number of distinct keys (groups) so far. */
  get numGroups(): number {
    return this.mem.i32(this.state.ptr, 1)[0]!;
  }

  /** Capacity of per-group arrays the table guarantees before it calls onGrow again. */
  get groupCapacity(): number {
    return this.groupCap;
  }

  /** Id of the null-key group of the fixed layout, or -1. */
  get nullGroup(): number {
    return this.mem.i32(this.state.ptr, 2)[1]!;
  }

  /** 'direct', 'hash' (fixed layout) or 'encoded': how keys are currently matched (for tests and explain). */
  get strategy(): 'direct' | 'hash' | 'encoded' {
    return this.layout === 'encoded' ? 'encoded' : this.mode;
  }

  /** Insert-or-lookup: writes the group id of each of the `n` rows of `keys` to the i32 array at `gids`. */
  insert(keys: readonly KeyInput[], n: number, gids: number): void {
    if (n === 0) return;
    if (keys.some((c) => isNestedType(c.type))) return this.withEncoded(keys, (e) => this.insert(e, n, gids));
    if (this.layout === 'fixed') this.insertFixed(keys[0]!, n, gids);
    else this.insertEncoded(n, this.encode(keys, n, !this.options.nullsFormGroups), gids);
  }

  /** Whether insertWithSum can take this key column now (one int32/date key without nulls, direct mode). */
  canFuseSum(c: KeyInput): boolean {
    return this.layout === 'fixed' && this.suffix === 'i32' && this.mode === 'direct' && c.validityPtr === 0;
  }

  /**
   * insert() fused with a sum (kernel `kernel` of the aggregate module, e.g. dm_sum_i32_f64) of the
   * `n` values at `vals` into the array `sums()` (re-read after growth). Every row gets its id; the
   * return value is the number of leading rows whose values were summed (n unless the keys spread
   * too far for direct mapping mid-batch): the caller sums the rest.
   */
  insertWithSum(c: KeyInput, n: number, gids: number, kernel: string, vals: number, sums: () => number): number {
    if (!this.canFuseSum(c)) throw new InternalError('insertWithSum needs a direct-mapped int32 key without nulls');
    let done = 0;
    while (done < n && this.mode === 'direct') {
      done = this.k[kernel]!(this.state.ptr, this.dmap.ptr, this.keys.ptr, c.valuesPtr, n, done, gids, this.groupCap, vals, sums());
      if (done >= n) return n;
      if (this.numGroups >= this.groupCap) this.growGroups();
      else this.widenWindow(c, done, n);
    }
    this.insertFixed(c, n, gids, done);
    return done;
  }

  /**
   * Insert-or-lookup where only rows whose byte in `rowMask` is non-zero take part (the others get
   * -1). Encoded layout only; used for count(distinct) over (group id, value) pairs.
   */
  insertMasked(keys: readonly KeyInput[], n: number, rowMask: number, gids: number): void {
    if (this.layout !== 'encoded') throw new InternalError('insertMasked needs the encoded layout');
    if (n === 0) return;
    if (keys.some((c) => isNestedType(c.type))) return this.withEncoded(keys, (e) => this.insertMasked(e, n, rowMask, gids));
    this.encode(keys, n, false);
    this.insertEncoded(n, rowMask, gids);
  }

  /** Lookup only: writes each row's group id, or -1 when its key is absent (or null, unless nulls form groups). */
  lookup(keys: readonly KeyInput[], n: number, gids: number): void {
    if (n === 0) return;
    if (keys.some((c) => isNestedType(c.type))) return this.withEncoded(keys, (e) => this.lookup(e, n, gids));
    const nullGroups = this.options.nullsFormGroups ? 1 : 0;
    if (this.layout === 'fixed') {
      const c = keys[0]!;
      if (this.mode === 'direct') {
        this.k[`dm_lookup_${this.suffix}`]!(this.state.ptr, this.dmap.ptr, c.valuesPtr, c.validityPtr, nullGroups, n, gids);
        return;
      }
      this.hashes.ensure(n * 4, false);
      this.k[`ht_hash_${this.suffix}`]!(c.valuesPtr, n, this.hashes.ptr);
      this.k[`ht_lookup_${this.suffix}`]!(this.state.ptr, this.slots.ptr, this.capacity - 1, c.valuesPtr, this.hashes.ptr, c.validityPtr, nullGroups, n, gids);
      return;
    }
    const mask = this.encode(keys, n, !this.options.nullsFormGroups);
    this.k.ht_lookup_enc!(this.slots.ptr, this.capacity - 1, this.arena.ptr, this.keys.ptr, this.rowOffs.ptr, this.rowBytes.ptr, mask, n, gids);
  }

  /** Key column `c` of groups [start, start + count) (needs the `aggregate` module's finishers). */
  keyColumn(c: number, start: number, count: number): Column {
    const logical = this.logicalKeyTypes[c]!;
    if (!isNestedType(logical)) return this.storedKeyColumn(c, start, count);
    const encoded = this.storedKeyColumn(c, start, count);
    try {
      return decodeNestedKey(logical, encoded);
    } finally {
      encoded.release();
    }
  }

  /** Runs `f` with the nested key columns replaced by their encoding (nested-keys.ts). */
  private withEncoded(keys: readonly KeyInput[], f: (encoded: readonly KeyInput[]) => void): void {
    const e = encodeNestedKeys(keys);
    try {
      f(e.cols);
    } finally {
      e.release();
    }
  }

  private storedKeyColumn(c: number, start: number, count: number): Column {
    const type = this.keyTypes[c]!;
    const mem = this.mem;
    if (this.layout === 'fixed') {
      const width = byteWidth(type);
      const values = WasmBuffer.allocate(mem, Math.max(1, count) * width);
      this.k.fin_keys!(this.keys.ptr, start, count, width, type.kind === 'float32' ? 1 : 0, values.ptr);
      const ng = this.nullGroup;
      if (ng >= start && ng < start + count) {
        const validity = WasmBuffer.allocate(mem, count);
        const v = validity.bytes();
        v.fill(1);
        v[ng - start] = 0;
        return new Column(type, count, values, validity, null, 1);
      }
      return new Column(type, count, values, null, null, 0);
    }
    const desc = this.desc!.ptr;
    if (type.kind === 'null') return new Column(type, count, null, null, null, count);
    const validity = WasmBuffer.allocate(mem, Math.max(1, count));
    let values: WasmBuffer;
    let offsets: WasmBuffer | null = null;
    if (type.kind === 'utf8') {
      const bytes = this.k.decode_key_strlen!(desc, c, this.arena.ptr, this.keys.ptr, start, count);
      values = WasmBuffer.allocate(mem, Math.max(1, bytes));
      offsets = WasmBuffer.allocate(mem, (count + 1) * 4);
    } else {
      values = WasmBuffer.allocate(mem, Math.max(1, count) * byteWidth(type));
    }
    const nulls = this.k.decode_key_column!(desc, c, this.arena.ptr, this.keys.ptr, start, count, values.ptr, validity.ptr, offsets?.ptr ?? 0);
    if (nulls === 0) {
      validity.release();
      return new Column(type, count, values, null, offsets, 0);
    }
    return new Column(type, count, values, validity, offsets, nulls);
  }

  /** Frees all memory of the table (idempotent). */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const b of [this.slots, this.keys, this.arena, this.dmap, this.hashes, this.rowOffs, this.rowBytes, this.rowMask]) b.release();
    this.state.release();
    this.desc?.release();
    this.reservation.shrink(this.fixedBytes);
  }

  private insertFixed(c: KeyInput, n: number, gids: number, from = 0): void {
    const nullGroups = this.options.nullsFormGroups ? 1 : 0;
    let done = from;
    while (done < n && this.mode === 'direct') {
      done = this.k[`dm_insert_${this.suffix}`]!(this.state.ptr, this.dmap.ptr, this.keys.ptr, c.valuesPtr, c.validityPtr, nullGroups, n, done, gids, this.groupCap);
      if (done >= n) return;
      if (this.numGroups >= this.groupCap) this.growGroups();
      else this.widenWindow(c, done, n);
    }
    const width = byteWidth(c.type);
    this.hashes.ensure(n * 4, false);
    this.k[`ht_hash_${this.suffix}`]!(c.valuesPtr + done * width, n - done, this.hashes.ptr + done * 4);
    const insert = this.k[`ht_insert_${this.suffix}`]!;
    while (done < n) {
      done = insert(this.state.ptr, this.slots.ptr, this.capacity - 1, this.keys.ptr, c.valuesPtr, this.hashes.ptr, c.validityPtr, nullGroups, n, done, gids, this.groupCap);
      if (done < n) this.growGroups();
    }
  }

  /** Direct mode met a key outside its window at row `from`: widen the window, or move to the hash table. */
  private widenWindow(c: KeyInput, from: number, n: number): void {
    const width = byteWidth(c.type);
    const st = this.state.ptr;
    // key_range writes its (min, max) over the window fields of the state block; both are rewritten below.
    const range = this.mem.i64(st + 16, 2);
    const oldBase = range[0]!;
    const oldSize = BigInt(this.mem.i32(st + 24, 1)[0]!);
    const count = this.k[`key_range_${this.suffix}`]!(
      c.valuesPtr + from * width, c.validityPtr === 0 ? 0 : c.validityPtr + from, n - from, st + 16,
    );
    if (count === 0) throw new InternalError('direct-mapped key table stopped on a row without a key');
    let lo = range[0]!;
    let hi = range[1]!;
    if (oldSize > 0n) {
      if (oldBase < lo) lo = oldBase;
      if (oldBase + oldSize - 1n > hi) hi = oldBase + oldSize - 1n;
    }
    const span = hi - lo + 1n;
    // A window may cost DIRECT_DENSITY entries per group or pending row (a hash table costs ~40
    // bytes per group): sparse windows touch only the cache lines of existing keys.
    const limit = Math.min(DIRECT_CAP, Math.max(DIRECT_MAX, DIRECT_DENSITY * (this.numGroups + n - from)));
    if (span > BigInt(limit)) {
      this.toHashMode();
      return;
    }
    // Twice the span leaves room to grow in both directions, within the unconditional size.
    const spanN = Number(span);
    const size = Math.max(DIRECT_MIN, Math.min(nextPow2(spanN * 2), Math.max(nextPow2(spanN), DIRECT_MAX)));
    // A window the memory budget cannot hold: the hash table grows with the groups instead.
    const extra = size * 4 - this.dmap.byteLength;
    if (extra > 0 && this.reservation.bytes + extra > this.reservation.budgetBytes) {
      this.toHashMode();
      return;
    }
    let base = lo - (BigInt(size) - span) / 2n;
    // Keep the window inside the key type's domain widened to int32 (the kernels' 32-bit fast path relies on it).
    const bits = this.suffix === 'i64' ? 63n : 31n;
    const minKey = -(1n << bits);
    const maxKey = (1n << bits) - 1n;
    if (base < minKey) base = minKey;
    if (base + BigInt(size) - 1n > maxKey) base = maxKey - BigInt(size) + 1n;
    range[0] = base;
    this.mem.i32(st + 24, 1)[0] = size;
    this.dmap.ensure(size * 4, false);
    this.k.dm_rebuild!(st, this.dmap.ptr, this.keys.ptr);
  }

  private toHashMode(): void {
    this.mode = 'hash';
    this.dmap.release();
    this.slots.ensure(this.groupCap * 2 * FIXED_SLOT, false);
    this.capacity = this.groupCap * 2;
    this.k.ht_rebuild_fixed!(this.state.ptr, this.keys.ptr, this.slots.ptr, this.capacity - 1);
  }

  private insertEncoded(n: number, mask: number, gids: number): void {
    let done = 0;
    while (done < n) {
      done = this.k.ht_insert_enc!(
        this.state.ptr, this.slots.ptr, this.capacity - 1, this.arena.ptr, this.arena.byteLength, this.keys.ptr,
        this.rowOffs.ptr, this.rowBytes.ptr, mask, n, done, gids, this.groupCap,
      );
      if (done < n) {
        if (this.numGroups >= this.groupCap) this.growGroups();
        else {
          const offs = this.mem.i32(this.rowOffs.ptr, n + 1);
          const used = this.mem.i32(this.state.ptr, 3)[2]!;
          this.arena.ensure(used + offs[done + 1]! - offs[done]!);
        }
      }
    }
  }

  /** Encodes the key rows of a batch into the row scratch; returns the row mask pointer (0 = all rows). */
  private encode(keys: readonly KeyInput[], n: number, maskNulls: boolean): number {
    const mem = this.mem;
    let total = n * this.fixedRowBytes;
    for (const c of keys) {
      if (c.type.kind === 'utf8') {
        const o = mem.i32(c.offsetsPtr, n + 1);
        total += o[n]! - o[0]!;
      }
    }
    this.rowOffs.ensure((n + 1) * 4, false);
    this.rowBytes.ensure(Math.max(1, total), false);
    if (maskNulls) this.rowMask.ensure(n, false);
    const d = mem.i32(this.desc!.ptr, keys.length * 4);
    keys.forEach((c, i) => {
      d[i * 4] = keyKind(c.type);
      d[i * 4 + 1] = c.valuesPtr;
      d[i * 4 + 2] = c.validityPtr;
      d[i * 4 + 3] = c.offsetsPtr;
    });
    this.k.encode_keys!(this.desc!.ptr, keys.length, n, this.rowOffs.ptr, this.rowBytes.ptr, maskNulls ? this.rowMask.ptr : 0);
    return maskNulls ? this.rowMask.ptr : 0;
  }

  private allocateTable(slots: number, rehash: boolean): void {
    const slotBytes = this.layout === 'fixed' ? FIXED_SLOT : ENC_SLOT;
    if (!rehash) {
      this.slots.ensure(slots * slotBytes, false);
      this.k.ht_clear!(this.slots.ptr, slots, slotBytes);
      this.capacity = slots;
      return;
    }
    const next = new GrowableBuffer(this.mem, this.reservation, null);
    next.ensure(slots * slotBytes, false);
    const rehashFn = this.layout === 'fixed' ? this.k.ht_rehash_fixed! : this.k.ht_rehash_enc!;
    rehashFn(this.slots.ptr, this.capacity, next.ptr, slots - 1);
    this.slots.release();
    this.slots = next;
    this.capacity = slots;
  }

  private growGroups(): void {
    const cap = this.groupCap * 2;
    this.options.onGrow?.(cap);
    this.keys.ensure(cap * 8);
    if (this.mode === 'hash') this.allocateTable(cap * 2, true);
    this.groupCap = cap;
  }
}

/** Smallest power of two >= n (n >= 1). */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
