import { InternalError, KindlingError, MemoryBudgetExceededError, formatBytes } from '../errors.js';

/** Bytes in one WebAssembly page. */
export const PAGE_SIZE = 65536;
/** Every allocation starts on this boundary (a cache line; also the widest SIMD load). */
export const ALIGNMENT = 64;
/** Below this address lie the kernel modules' static data slots (see scripts/build-wasm.mjs). */
export const HEAP_BASE = 33 * PAGE_SIZE;
/** wasm32 addresses at most 4 GiB: 65536 pages. */
export const MAX_PAGES = 65536;

/** Raised when linear memory cannot grow to satisfy an allocation. */
export class WasmOutOfMemoryError extends KindlingError {}

type FreeBlock = { ptr: number; size: number };

/**
 * Owner of the one shared WebAssembly linear memory that every kernel module imports.
 *
 * It is a first-fit allocator with coalescing over a sorted free list: the engine allocates few,
 * large blocks (column buffers, hash tables), so a simple list beats a size-class allocator in
 * clarity at no measurable cost. The memory is shared (SharedArrayBuffer-backed), so growing it
 * never detaches typed-array views handed out earlier: a view of a live block stays valid until
 * the block is freed.
 */
export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  private readonly free: FreeBlock[] = [];
  private top: number;
  private live = 0;
  private peak = 0;
  private readonly limitBytes: number;

  constructor(options: { initialBytes?: number; limitBytes?: number } = {}) {
    const initialPages = Math.max(64, Math.ceil((options.initialBytes ?? 64 << 20) / PAGE_SIZE));
    this.limitBytes = Math.min(options.limitBytes ?? MAX_PAGES * PAGE_SIZE, MAX_PAGES * PAGE_SIZE);
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
    this.top = HEAP_BASE;
  }

  /** Bytes currently allocated. */
  get liveBytes(): number {
    return this.live;
  }

  /** Highest number of bytes allocated at once since creation (or the last resetPeak). */
  get peakBytes(): number {
    return this.peak;
  }

  /** Starts a new peak measurement from the current live size. */
  resetPeak(): void {
    this.peak = this.live;
  }

  /** Current size of linear memory in bytes. */
  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Allocates `bytes` (rounded up to the alignment) and returns the block's address. */
  allocate(bytes: number): number {
    const size = roundUp(Math.max(bytes, 1), ALIGNMENT);
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i]!;
      if (block.size >= size) {
        const ptr = block.ptr;
        if (block.size === size) this.free.splice(i, 1);
        else {
          block.ptr += size;
          block.size -= size;
        }
        this.account(size);
        return ptr;
      }
    }
    const ptr = this.top;
    this.ensureCapacity(ptr + size);
    this.top = ptr + size;
    this.account(size);
    return ptr;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  release(ptr: number, bytes: number): void {
    const size = roundUp(Math.max(bytes, 1), ALIGNMENT);
    this.live -= size;
    if (this.live < 0) throw new InternalError(`wasm memory: released more than was allocated (block at ${ptr})`);
    // Binary search for the insertion point.
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const prev = this.free[lo - 1];
    const next = this.free[lo];
    if ((prev && prev.ptr + prev.size > ptr) || (next && ptr + size > next.ptr)) {
      throw new InternalError(`wasm memory: double free or overlapping free of block at ${ptr}`);
    }
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += size;
      if (next && prev.ptr + prev.size === next.ptr) {
        prev.size += next.size;
        this.free.splice(lo, 1);
      }
    } else if (next && ptr + size === next.ptr) {
      next.ptr = ptr;
      next.size += size;
    } else {
      this.free.splice(lo, 0, { ptr, size });
    }
    // Give the tail back to the bump pointer so the next large allocation can reuse it.
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.free.pop();
    }
  }

  /** A byte view of [ptr, ptr + length). Valid until the block is released. */
  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  /** An Int32Array view of `length` elements at ptr (ptr must be 4-byte aligned). */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** A Uint32Array view of `length` elements at ptr. */
  u32(ptr: number, length: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, length);
  }

  /** A Float64Array view of `length` elements at ptr. */
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  /** A BigInt64Array view of `length` elements at ptr. */
  i64(ptr: number, length: number): BigInt64Array {
    return new BigInt64Array(this.memory.buffer, ptr, length);
  }

  private account(size: number): void {
    this.live += size;
    if (this.live > this.peak) this.peak = this.live;
  }

  private ensureCapacity(end: number): void {
    const current = this.memory.buffer.byteLength;
    if (end <= current) return;
    if (end > this.limitBytes) {
      throw new WasmOutOfMemoryError(
        `WebAssembly memory is exhausted: ${formatBytes(end - this.top)} more were requested with ` +
          `${formatBytes(this.live)} in use and a limit of ${formatBytes(this.limitBytes)} (spark.executor.memory on executors; wasm32 addresses at most 4 GiB)`,
      );
    }
    // Grow by at least a quarter of the current size to keep the number of grow calls logarithmic.
    const wanted = Math.min(Math.max(end, current + (current >> 2)), this.limitBytes);
    const pages = Math.ceil((wanted - current) / PAGE_SIZE);
    try {
      this.memory.grow(pages);
    } catch {
      const minimal = Math.ceil((end - current) / PAGE_SIZE);
      try {
        this.memory.grow(minimal);
      } catch (e) {
        throw new WasmOutOfMemoryError(
          `WebAssembly memory could not grow to ${formatBytes(end)}: the host refused (${String(e)})`,
        );
      }
    }
  }
}

/**
 * A reference-counted block of WebAssembly memory: the unit that column buffers and operator state
 * are made of. A new buffer holds one reference; `retain` adds one, `release` drops one and frees the
 * block at zero. Should a buffer become unreachable while still referenced (a missed release), a
 * finalizer frees it, so a mistake costs promptness, never memory for good.
 */
export class WasmBuffer {
  private refs = 1;

  private constructor(
    private readonly mem: WasmMemory,
    readonly ptr: number,
    readonly byteLength: number,
  ) {}

  /** Allocates a buffer of `byteLength` bytes (contents undefined). */
  static allocate(mem: WasmMemory, byteLength: number): WasmBuffer {
    const ptr = mem.allocate(byteLength);
    const buf = new WasmBuffer(mem, ptr, byteLength);
    finalizer.register(buf, { mem, ptr, byteLength }, buf);
    return buf;
  }

  /** Allocates a buffer and copies `bytes` into it. */
  static fromBytes(mem: WasmMemory, bytes: ArrayBufferView): WasmBuffer {
    const buf = WasmBuffer.allocate(mem, bytes.byteLength);
    buf.bytes().set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return buf;
  }

  /** True while at least one reference is held. */
  get alive(): boolean {
    return this.refs > 0;
  }

  /** Adds a reference; returns this for chaining. */
  retain(): this {
    if (this.refs <= 0) throw new InternalError(`retain of a released wasm buffer at ${this.ptr}`);
    this.refs++;
    return this;
  }

  /** Drops a reference, freeing the block when none remain. */
  release(): void {
    if (this.refs <= 0) throw new InternalError(`release of an already released wasm buffer at ${this.ptr}`);
    if (--this.refs === 0) {
      finalizer.unregister(this);
      this.mem.release(this.ptr, this.byteLength);
    }
  }

  /** The whole buffer as bytes. */
  bytes(): Uint8Array {
    return this.mem.u8(this.ptr, this.byteLength);
  }
}

const finalizer = new FinalizationRegistry<{ mem: WasmMemory; ptr: number; byteLength: number }>(
  ({ mem, ptr, byteLength }) => mem.release(ptr, byteLength),
);

/**
 * A budget for one blocking operator's state (hash table, sort buffer, join build side). The
 * operator reserves before it allocates; going over the budget raises MemoryBudgetExceededError
 * naming the operator, instead of exhausting wasm memory for everyone.
 */
export class MemoryReservation {
  private reserved = 0;

  constructor(
    readonly operator: string,
    readonly budgetBytes: number,
  ) {}

  /** Bytes reserved so far. */
  get bytes(): number {
    return this.reserved;
  }

  /** Adds `bytes` to the reservation or throws if that would exceed the budget. */
  grow(bytes: number): void {
    if (this.reserved + bytes > this.budgetBytes) {
      throw new MemoryBudgetExceededError(this.operator, this.budgetBytes, this.reserved + bytes);
    }
    this.reserved += bytes;
  }

  /** Returns `bytes` of the reservation. */
  shrink(bytes: number): void {
    this.reserved = Math.max(0, this.reserved - bytes);
  }

  /** Sets the reservation to exactly `bytes` (checking the budget). */
  resize(bytes: number): void {
    if (bytes > this.reserved) this.grow(bytes - this.reserved);
    else this.shrink(this.reserved - bytes);
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
