/**
 * The executors of local mode: N worker threads, each running one task at a time. `submit` waits
 * for a free executor, posts the task and resolves with its response; if the thread dies while it
 * runs the task (a crash, an out-of-memory abort), the promise rejects with ExecutorLostError and a
 * fresh thread replaces the dead one. Idle threads do not keep the process alive.
 *
 * Locality (Spark's delay scheduling): a task may name a preferred executor (the one that keeps the
 * in-memory split it reads decoded, see block-cache.ts); it waits for that executor up to a locality
 * wait, then takes any free one.
 */
import { Worker } from 'node:worker_threads';
import { ExecutionError } from '../errors.js';
import type { ExecutorOptions, TaskRequest, TaskResponse } from './task.js';
import { workerBundle } from './worker-bundle.js';

/** The thread running a task died before answering. */
export class ExecutorLostError extends ExecutionError {}


/** A task waiting for an executor. */
interface Waiter {
  /** The executor it prefers, if any. */
  readonly preferred?: number;
  /** True once it takes any executor (no preference, or its locality wait is over). */
  anyExecutor: boolean;
  timer?: NodeJS.Timeout;
  resolve(index: number): void;
}

/** Where a task would like to run. */
export interface Placement {
  /** Preferred executor index (taken modulo the pool size). */
  readonly preferred?: number;
  /** How long to wait for it before taking any free executor, ms. */
  readonly waitMs?: number;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  /** Settles the task running on this slot. */
  pending?: { resolve: (r: TaskResponse) => void; reject: (e: Error) => void };
}

/** A fixed-size pool of executor threads. */
export class ExecutorPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiter[] = [];
  private closed = false;
  /** Threads started so far (replacements included). */
  started = 0;

  private constructor(
    readonly size: number,
    private readonly entry: string,
    private readonly options: ExecutorOptions,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Starts `size` executor threads running the executor bundle (see worker-bundle.ts). */
  static async create(size: number, options: ExecutorOptions = {}): Promise<ExecutorPool> {
    return new ExecutorPool(size, await workerBundle(), options);
  }

  /** Runs `req` on the next free executor (its preferred one, if free within the locality wait). */
  async submit(req: TaskRequest, placement: Placement = {}): Promise<TaskResponse> {
    if (this.closed) throw new ExecutionError('the executors were stopped (SparkSession.stop)');
    const index = await this.acquire(placement);
    try {
      const slot = this.slots[index]!;
      await slot.ready;
      return await new Promise<TaskResponse>((resolve, reject) => {
        slot.pending = { resolve, reject };
        slot.worker.postMessage(req);
      });
    } finally {
      this.release(index);
    }
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Waits for a free executor (the preferred one, for up to the locality wait) and claims it; returns its index. */
  private acquire(placement: Placement): Promise<number> {
    const preferred = placement.preferred === undefined ? undefined : placement.preferred % this.size;
    const waitMs = placement.waitMs ?? 0;
    if (preferred !== undefined && !this.slots[preferred]!.busy) {
      this.claim(preferred);
      return Promise.resolve(preferred);
    }
    const anyExecutor = preferred === undefined || waitMs <= 0;
    const free = this.slots.findIndex((s) => !s.busy);
    if (anyExecutor && free >= 0) {
      this.claim(free);
      return Promise.resolve(free);
    }
    return new Promise((resolve) => {
      const w: Waiter = { preferred, anyExecutor, resolve };
      if (!anyExecutor) {
        w.timer = setTimeout(() => {
          w.anyExecutor = true;
          const idle = this.slots.findIndex((s) => !s.busy);
          const at = this.waiting.indexOf(w);
          if (idle < 0 || at < 0) return;
          this.waiting.splice(at, 1);
          this.claim(idle);
          resolve(idle);
        }, waitMs);
        w.timer.unref();
      }
      this.waiting.push(w);
    });
  }

  private claim(index: number): void {
    const slot = this.slots[index]!;
    slot.busy = true;
    slot.worker.ref();
  }

  /** Hands executor `index` (the thread there now, maybe a replacement) to the next waiter, or idles it. */
  private release(index: number): void {
    const slot = this.slots[index]!;
    slot.pending = undefined;
    // The first task that prefers this executor, else the first that takes any.
    let at = this.waiting.findIndex((w) => w.preferred === index);
    if (at < 0) at = this.waiting.findIndex((w) => w.anyExecutor);
    if (at >= 0) {
      const next = this.waiting.splice(at, 1)[0]!;
      if (next.timer) clearTimeout(next.timer);
      next.resolve(index);
      return;
    }
    slot.busy = false;
    slot.worker.unref();
  }

  private spawn(): Slot {
    this.started++;
    const worker = new Worker(this.entry, { workerData: this.options });
    worker.unref();
    const slot: Slot = { worker, busy: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type === 'ready') {
          worker.off('message', onMessage);
          worker.on('message', (res: TaskResponse) => slot.pending?.resolve(res));
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new ExecutorLostError(`executor thread exited with code ${code} while starting`)));
    });
    slot.ready.catch(() => undefined);
    worker.on('error', (e) => this.lost(slot, e));
    worker.on('exit', (code) => this.lost(slot, new ExecutorLostError(`executor thread exited with code ${code}`)));
    return slot;
  }

  /** A thread died: fail its task and put a fresh thread in its place. */
  private lost(slot: Slot, cause: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const pending = slot.pending;
    slot.pending = undefined;
    if (this.closed) {
      pending?.reject(new ExecutionError('the executors were stopped while a task ran'));
      return;
    }
    const fresh = this.spawn();
    fresh.busy = slot.busy;
    if (fresh.busy) fresh.worker.ref();
    this.slots[i] = fresh;
    pending?.reject(cause instanceof ExecutorLostError ? cause : new ExecutorLostError(`executor thread failed: ${cause.message}`, { cause }));
  }
}
