/**
 * Persisted DataFrames (Spark's CacheManager). `df.persist()` registers the DataFrame's analyzed
 * plan; the first action that reads it computes it once and keeps its partitions; every later plan
 * that contains that plan node (DataFrames derived from it hold it as a child) reads the kept
 * partitions instead, through a LocalRelation with the same output attributes.
 *
 * Partitions are Arrow IPC blocks, one per task of the job that computed them, so a cached
 * DataFrame keeps its parallelism on `local[N]`; blocks live in shared memory (every executor reads
 * them without a copy) or, by storage level and budget (`spark.kindling.cache.memory`, by default
 * `spark.driver.memory` × `spark.memory.fraction` × `spark.memory.storageFraction`), in files under
 * `spark.local.dir` that the tasks (or, on one thread, the driver) read when a job needs them. On `local[1]` the memory level keeps wasm batches directly.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Batch } from '../types/batch.js';
import { type LocalRelation, type LogicalPlan, outputOf, transformPlanDown } from '../plan/logical-plan.js';
import { type IpcBlock, blockBytes, blockSize, blockStream, cacheable, decodeBlock, encodeBatches } from '../shuffle/ipc-blocks.js';
import { blockRelation, relationBlocks } from '../scheduler/plan-codec.js';
import { schemaOf } from '../scheduler/stage-planner.js';
import type { StorageLevel } from './storage-level.js';

/** Where one cached partition is. */
type StoredBlock = { readonly memory: IpcBlock } | { readonly file: string; readonly fileBytes: number; readonly numRows: number; readonly cacheId?: string };

/** A persisted plan: its level and, once computed, its partitions. */
interface CacheEntry {
  readonly level: StorageLevel;
  /** Partitions as blocks (local[N], or any disk level). */
  blocks?: StoredBlock[];
  /** The directory of its files, when on disk. */
  directory?: string;
  /** Partitions as wasm batches (local[1], memory). */
  batches?: Batch[];
  bytes: number;
}

/** Computes a plan's partitions: blocks from a distributed job, or wasm batches on one thread. */
export interface CacheComputer {
  /** True when the session runs jobs on executors (partitions come back as blocks). */
  readonly distributed: boolean;
  /** Runs `plan` (cached sub-plans already substituted) and returns one block per partition. */
  computeBlocks(plan: LogicalPlan): Promise<IpcBlock[]>;
  /** Runs `plan` on this thread and returns its batches (owned by the caller). */
  computeBatches(plan: LogicalPlan): Promise<Batch[]>;
}

/** The session's persisted plans. */
export class CacheManager {
  private readonly entries = new Map<LogicalPlan, CacheEntry>();
  private memoryBytes = 0;

  constructor(
    private readonly memoryBudget: () => number,
    private readonly directory: () => string,
  ) {}

  /** Marks `plan` to be kept at `level` from its next computation on. Idempotent. */
  persist(plan: LogicalPlan, level: StorageLevel): void {
    if (!this.entries.has(plan)) this.entries.set(plan, { level, bytes: 0 });
  }

  /** Drops `plan`'s kept partitions. */
  unpersist(plan: LogicalPlan): void {
    const e = this.entries.get(plan);
    if (!e) return;
    this.entries.delete(plan);
    this.drop(e);
  }

  /** The level `plan` is persisted at, if it is. */
  storageLevel(plan: LogicalPlan): StorageLevel | undefined {
    return this.entries.get(plan)?.level;
  }

  /** Drops everything (SparkSession.stop, catalog.clearCache). */
  clear(): void {
    for (const e of this.entries.values()) this.drop(e);
    this.entries.clear();
  }

  /** Computes every persisted plan inside `plan` that has not been computed yet (inner ones first). */
  async materialize(plan: LogicalPlan, computer: CacheComputer): Promise<void> {
    const pending: LogicalPlan[] = [];
    transformPlanDown(plan, (node) => {
      const e = this.entries.get(node);
      if (e && !e.blocks && !e.batches) pending.push(node);
      return node;
    });
    for (const node of pending.reverse()) {
      const e = this.entries.get(node)!;
      if (e.blocks || e.batches) continue;
      const input = this.substitute(node, true);
      if (!computer.distributed && e.level === 'MEMORY_ONLY') {
        e.batches = await computer.computeBatches(input);
        e.bytes = e.batches.reduce((s, b) => s + batchBytes(b), 0);
        this.memoryBytes += e.bytes;
        continue;
      }
      const computed = computer.distributed ? await computer.computeBlocks(input) : [encodeBatchesOnce(await computer.computeBatches(input), node)];
      const blocks = computed.map(cacheable);
      e.bytes = blockBytes(blocks);
      const toDisk = e.level === 'DISK_ONLY' || (e.level === 'MEMORY_AND_DISK' && this.memoryBytes + e.bytes > this.memoryBudget());
      if (toDisk) {
        e.directory = join(this.directory(), `cache-${randomBytes(6).toString('hex')}`);
        e.blocks = writeBlocks(e.directory, blocks);
      }
      else {
        e.blocks = blocks.map((b) => ({ memory: b }));
        this.memoryBytes += e.bytes;
      }
    }
  }

  /**
   * `plan` with every computed persisted sub-plan replaced by a relation over its kept partitions
   * (`skipRoot`: not the root itself, when computing it).
   */
  substitute(plan: LogicalPlan, skipRoot = false): LogicalPlan {
    if (this.entries.size === 0) return plan;
    return transformPlanDown(plan, (node) => {
      if (skipRoot && node === plan) return node;
      const e = this.entries.get(node);
      if (!e || (!e.blocks && !e.batches)) return node;
      const attributes = outputOf(node);
      const schema = schemaOf(attributes);
      if (e.batches) return { kind: 'local', attributes, schema, batches: e.batches } satisfies LocalRelation;
      const blocks = e.blocks!.map(loadBlock);
      return blockRelation(attributes, schema, blocks);
    });
  }

  /** Bytes of cached partitions held in memory. */
  get bytesInMemory(): number {
    return this.memoryBytes;
  }

  private drop(e: CacheEntry): void {
    if (e.batches) for (const b of e.batches) b.release();
    if (e.blocks?.some((b) => 'memory' in b) || e.batches) this.memoryBytes -= e.bytes;
    if (e.directory) rmSync(e.directory, { recursive: true, force: true });
    e.directory = undefined;
    e.batches = undefined;
    e.blocks = undefined;
  }
}

/** Writes blocks as Arrow IPC files in a new directory `dir`. */
function writeBlocks(dir: string, blocks: readonly IpcBlock[]): StoredBlock[] {
  mkdirSync(dir, { recursive: true });
  return blocks.map((b, i) => {
    const file = join(dir, `part-${i}.arrow`);
    writeFileSync(file, blockStream(b));
    return { file, fileBytes: blockSize(b), numRows: b.numRows, cacheId: b.cacheId };
  });
}

/** The block a task reads: in memory, or its file (the executor reads the file itself; the driver never loads it). */
function loadBlock(b: StoredBlock): IpcBlock {
  return 'memory' in b ? b.memory : { bytes: new Uint8Array(0), numRows: b.numRows, file: b.file, fileBytes: b.fileBytes, ...(b.cacheId ? { cacheId: b.cacheId } : {}) };
}

/** One block of a single-threaded computation's batches (which it releases). */
function encodeBatchesOnce(batches: Batch[], node: LogicalPlan): IpcBlock {
  try {
    return encodeBatches(schemaOf(outputOf(node)), batches);
  } finally {
    for (const b of batches) b.release();
  }
}

/** Bytes of wasm memory a batch's buffers take. */
function batchBytes(b: Batch): number {
  return b.columns.reduce((s, c) => s + (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0), 0);
}

/**
 * `plan` with relations held as blocks decoded into this thread's wasm memory (for running a plan
 * with cached partitions on one thread); the caller releases `held` when the query ends.
 */
export function decodeBlockRelations(plan: LogicalPlan): { plan: LogicalPlan; held: Batch[] } {
  const held: Batch[] = [];
  const out = transformPlanDown(plan, (node) => {
    if (node.kind !== 'local') return node;
    const blocks = relationBlocks(node);
    if (!blocks) return node;
    const batches = blocks.flatMap((b) => decodeBlock(b, node.schema));
    held.push(...batches);
    return { ...node, batches };
  });
  return { plan: out, held };
}
