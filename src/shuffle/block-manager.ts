/**
 * The driver's block manager (Spark's BlockManager + MemoryStore/DiskStore, for one machine): it
 * holds the shuffle map outputs of running jobs. A block stays in memory (a SharedArrayBuffer that
 * executors read without a copy) while the blocks held fit the shuffle budget (see
 * `shuffleMemoryBudget` in src/scheduler/distribution-config.ts: `spark.driver.memory` ×
 * `spark.memory.fraction`, less what cached DataFrames keep in memory); a block that does not fit is
 * written as an Arrow IPC stream file under `spark.local.dir`, and the reduce tasks get its path and
 * read the file themselves (`decodeBlock`), so the bytes never go back through the driver.
 *
 * Blocks belong to a `BlockScope` (one per job): releasing the scope frees its memory and deletes
 * its files, whether the job succeeded or failed; a block put into a scope that was already
 * released (a task of a failed job that finished late) is dropped at once. Files are also
 * registered with the spill files' exit hook (src/spill/spill-file.ts) as a backstop.
 */
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { KindlingIOError } from '../errors.js';
import { newSpillPath, trackSpillPath, untrackSpillPath } from '../spill/spill-file.js';
import { type IpcBlock, blockSize } from './ipc-blocks.js';

/** Where the block manager gets its budget and directory (read at every put: session settings may change). */
export interface BlockManagerOptions {
  /** Bytes of blocks the driver may hold in memory. */
  readonly budgetBytes: () => number;
  /** The directory of spilled blocks (`spark.local.dir`). */
  readonly directory: () => string;
}

/** Counters of a block manager (for tests, the job report and diagnostics). */
export interface BlockManagerMetrics {
  /** Bytes of blocks held in memory now. */
  readonly memoryBytes: number;
  /** The most bytes held in memory at once since the manager was created. */
  readonly peakMemoryBytes: number;
  /** Blocks written to files since the manager was created. */
  readonly filesWritten: number;
  /** Bytes written to files since the manager was created. */
  readonly bytesSpilled: number;
  /** Block files on disk now. */
  readonly liveFiles: number;
}

/** The driver's store of shuffle blocks, shared by the jobs of a session. */
export class BlockManager {
  private memory = 0;
  private peak = 0;
  private files = 0;
  private spilled = 0;
  private live = 0;
  private nextScope = 0;

  constructor(private readonly options: BlockManagerOptions) {}

  /** A new scope for the blocks of one job (`label` names its files). */
  scope(label = 'shuffle'): BlockScope {
    return new BlockScope(this, `${label}${this.nextScope++}`);
  }

  /** Counters now. */
  get metrics(): BlockManagerMetrics {
    return { memoryBytes: this.memory, peakMemoryBytes: this.peak, filesWritten: this.files, bytesSpilled: this.spilled, liveFiles: this.live };
  }

  /** @internal Claims `bytes` of the budget if they fit; true when they did. */
  reserve(bytes: number): boolean {
    if (this.memory + bytes > this.options.budgetBytes()) return false;
    this.memory += bytes;
    this.peak = Math.max(this.peak, this.memory);
    return true;
  }

  /** @internal Returns `bytes` to the budget. */
  unreserve(bytes: number): void {
    this.memory = Math.max(0, this.memory - bytes);
  }

  /** @internal Writes a block's stream to a new file; returns the file-backed block. */
  async spill(block: IpcBlock, label: string): Promise<IpcBlock> {
    const directory = this.options.directory();
    let path: string | undefined;
    try {
      path = newSpillPath(directory, label);
      trackSpillPath(path);
      await writeFile(path, block.bytes, { flag: 'wx' });
    } catch (e) {
      if (path !== undefined) {
        rmSync(path, { force: true });
        untrackSpillPath(path);
      }
      throw new KindlingIOError(`cannot write a shuffle block to '${directory}' (spark.local.dir): ${String(e)}`);
    }
    this.files++;
    this.live++;
    this.spilled += block.bytes.byteLength;
    return { bytes: new Uint8Array(0), numRows: block.numRows, file: path, fileBytes: block.bytes.byteLength, ...(block.cacheId ? { cacheId: block.cacheId } : {}) };
  }

  /** @internal Deletes a block's file. */
  deleteFile(path: string): void {
    rmSync(path, { force: true });
    untrackSpillPath(path);
    this.live--;
  }
}

/** The blocks of one job: put while it runs, all released when it ends. */
export class BlockScope {
  private readonly held = new Set<IpcBlock>();
  private released = false;

  constructor(
    private readonly manager: BlockManager,
    private readonly label: string,
  ) {}

  /**
   * Stores `block`: kept in memory when it fits the budget, else written to a file. Returns the
   * block to hand to the tasks that read it (the same object, or its file-backed form). Empty
   * blocks always stay in memory (they are a schema message).
   */
  async put(block: IpcBlock): Promise<IpcBlock> {
    if (this.released) return block; // a late task of a finished job: nothing to keep
    if (block.file !== undefined) return block;
    if (block.numRows === 0 || this.manager.reserve(block.bytes.byteLength)) {
      if (block.numRows !== 0) this.held.add(block);
      return block;
    }
    const stored = await this.manager.spill(block, this.label);
    if (this.released) {
      this.manager.deleteFile(stored.file!);
      return block;
    }
    this.held.add(stored);
    return stored;
  }

  /** Stores every block of one task's output, in order. */
  async putAll(blocks: readonly IpcBlock[]): Promise<IpcBlock[]> {
    const out: IpcBlock[] = [];
    for (const b of blocks) out.push(await this.put(b));
    return out;
  }

  /** Releases some blocks of this scope early (a shuffle whose readers are done). */
  releaseBlocks(blocks: Iterable<IpcBlock>): void {
    for (const b of blocks) {
      if (!this.held.delete(b)) continue;
      if (b.file !== undefined) this.manager.deleteFile(b.file);
      else this.manager.unreserve(blockSize(b));
    }
  }

  /** Releases every block (memory returned, files deleted); later puts are dropped. Idempotent. */
  release(): void {
    this.released = true;
    this.releaseBlocks([...this.held]);
  }

  /** Blocks held now. */
  get size(): number {
    return this.held.size;
  }
}
