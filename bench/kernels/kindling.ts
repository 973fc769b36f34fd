/**
 * Kindling's side of the benchmarks: loading inputs into wasm memory (untimed) and importing the
 * engine's kernel wrappers lazily, so a kernel family that is missing or not built makes its
 * benchmark 'not available' instead of stopping the suite.
 */
import * as arrow from 'apache-arrow';
import { NotAvailableError } from './common.js';

/** The modules the benchmarks use, imported on demand. */
export interface KindlingCore {
  readonly arrowInterop: typeof import('../../src/types/arrow-interop.js');
  readonly runtime: typeof import('../../src/wasm/runtime.js');
  readonly batch: typeof import('../../src/types/batch.js');
  readonly column: typeof import('../../src/types/column.js');
}

/** Imports Kindling's core modules (types, runtime, Arrow interop). */
export async function kindlingCore(): Promise<KindlingCore> {
  const [arrowInterop, runtime, batch, column] = await Promise.all([
    import('../../src/types/arrow-interop.js'),
    import('../../src/wasm/runtime.js'),
    import('../../src/types/batch.js'),
    import('../../src/types/column.js'),
  ]);
  return { arrowInterop, runtime, batch, column };
}

/**
 * Imports a Kindling module for a benchmark, turning a missing file or a load error into
 * NotAvailableError, and checks that the kernel families it needs are built.
 */
export async function importKindling<M>(what: string, load: () => Promise<M>, families: readonly string[]): Promise<M> {
  let mod: M;
  try {
    mod = await load();
  } catch (e) {
    throw new NotAvailableError(`${what} cannot be loaded (${firstLine(e)})`);
  }
  const { runtime } = await kindlingCore();
  for (const f of families) {
    try {
      runtime.runtime().module(f);
    } catch (e) {
      throw new NotAvailableError(`kernel module '${f}' is not available (${firstLine(e)})`);
    }
  }
  return mod;
}

/** Copies typed-array columns into wasm memory as one Kindling batch (via Arrow, one memcpy per column). */
export async function loadBatch(
  columns: Record<string, Int32Array | Float64Array | BigInt64Array>,
): Promise<import('../../src/types/batch.js').Batch> {
  const { arrowInterop } = await kindlingCore();
  const table = arrow.tableFromArrays(columns);
  if (table.batches.length !== 1) throw new Error(`expected one Arrow record batch, got ${table.batches.length}`);
  return arrowInterop.batchFromArrow(table.batches[0]!);
}

/** Copies typed-array columns into wasm memory as Kindling batches of at most `batchSize` rows. */
export async function loadBatches(
  columns: Record<string, Int32Array | Float64Array | BigInt64Array>,
  batchSize: number,
): Promise<import('../../src/types/batch.js').Batch[]> {
  const n = Object.values(columns)[0]?.length ?? 0;
  const out: import('../../src/types/batch.js').Batch[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const slice: Record<string, Int32Array | Float64Array | BigInt64Array> = {};
      for (const [name, col] of Object.entries(columns)) slice[name] = col.subarray(start, end);
      out.push(await loadBatch(slice));
    }
  } catch (e) {
    for (const b of out) b.release();
    throw e;
  }
  return out;
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split('\n')[0]!.slice(0, 200);
}
