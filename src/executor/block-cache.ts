/**
 * An executor's cache of decoded blocks (Spark's executor block manager, for the blocks many tasks
 * read: in-memory tables, broadcasts, cached DataFrames). The first task that reads a cacheable
 * block copies it into this thread's wasm memory; later tasks on this executor reuse the batches.
 * Least recently used blocks are released when the cache passes its byte budget.
 */
import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { type IpcBlock, blockSize, decodeBlock } from '../shuffle/ipc-blocks.js';

interface Entry {
  readonly batches: Batch[];
  readonly bytes: number;
}

/** Decoded cacheable blocks of this thread, most recently used last. */
export class BlockCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  /** The block's batches, each retained for the caller (who releases them). */
  batches(block: IpcBlock, schema: Schema): Batch[] {
    const id = block.cacheId;
    if (!id || this.budgetBytes <= 0) return decodeBlock(block, schema);
    let e = this.entries.get(id);
    if (e) {
      this.entries.delete(id); // move to the most recent end
      this.entries.set(id, e);
    } else {
      const batches = decodeBlock(block, schema);
      e = { batches, bytes: blockSize(block) };
      this.entries.set(id, e);
      this.bytes += e.bytes;
      this.evict(id);
    }
    return e.batches.map((b) => b.retain());
  }

  /** Releases every cached batch. */
  clear(): void {
    for (const e of this.entries.values()) for (const b of e.batches) b.release();
    this.entries.clear();
    this.bytes = 0;
  }

  /** Bytes of the cached blocks (their encoded size). */
  get cachedBytes(): number {
    return this.bytes;
  }

  private evict(keep: string): void {
    for (const [id, e] of this.entries) {
      if (this.bytes <= this.budgetBytes) return;
      if (id === keep) continue;
      this.entries.delete(id);
      this.bytes -= e.bytes;
      for (const b of e.batches) b.release();
    }
  }
}
