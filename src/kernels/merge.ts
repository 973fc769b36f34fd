/**
 * K-way merge of sorted runs (kernels: assembly/merge.ts), the merge phase of an external sort.
 *
 * Each run is an iterator of batches already sorted by the same keys. The merger holds one batch per
 * run plus its key rows (encodeMergeKeys, a layout shared by every batch); the merge kernel picks the
 * next rows through a heap of runs and stops whenever a run's batch is used up, so the batch can be
 * replaced by the run's next one. Output rows are gathered with the take kernels: the rows a call
 * took from each run form one range of that run's batch, so the output is those ranges (one range:
 * just a slice) concatenated and permuted back into merged order.
 *
 * Ties go to the run with the lower number, so numbering runs in input order keeps the sort stable.
 */
import { InternalError } from '../errors.js';
import type { Batch } from '../types/batch.js';
import type { Schema } from '../types/schema.js';
import { type MemoryReservation, WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { encodeMergeKeys, MERGE_DESC_INTS, type MergeKeyRows, type SortKey } from './sort.js';
import { concatBatches, sliceBatch, takeBatchAt } from './take.js';

/** Bytes held by a batch's buffers. */
function batchBytes(b: Batch): number {
  let s = 0;
  for (const c of b.columns) s += (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0);
  return s;
}

/**
 * Merges sorted `runs` (iterators of batches of `schema`, each sorted by `keys`; the merger owns
 * and releases the batches it pulls, and closes the iterators) into batches of at most `batchSize`
 * rows in merged order. Memory held per run (its current batch and key rows) is accounted in
 * `reservation` when given.
 */
export function* mergeSortedRuns(
  schema: Schema,
  keys: readonly SortKey[],
  runs: readonly Iterator<Batch>[],
  batchSize: number,
  reservation?: MemoryReservation,
): Generator<Batch> {
  const K = runs.length;
  if (K === 0) return;
  const cap = Math.max(1, batchSize);
  const rt = runtime();
  const mem = rt.memory;
  const kern = rt.module('merge');
  const numDesc = keys.filter((k) => schema.fields[k.index]?.type.kind === 'utf8').length;
  // State: rowPtrs | counts | pos | more | heap | first | cnts | shift (K i32 each), outRun | outRow | perm (cap i32 each), descriptors.
  const S = { rowPtrs: 0, counts: 1, pos: 2, more: 3, heap: 4, first: 5, cnts: 6, shift: 7 };
  const stateBytes = 8 * K * 4 + 3 * cap * 4 + Math.max(1, K * numDesc) * MERGE_DESC_INTS * 4;
  const state = WasmBuffer.allocate(mem, stateBytes);
  const arr = (i: number) => state.ptr + i * K * 4;
  const outRun = state.ptr + 8 * K * 4;
  const outRow = outRun + cap * 4;
  const perm = outRow + cap * 4;
  const desc = perm + cap * 4;
  const cur: (Batch | null)[] = new Array<Batch | null>(K).fill(null);
  const enc: (MergeKeyRows | null)[] = new Array<MergeKeyRows | null>(K).fill(null);
  const held: number[] = new Array<number>(K).fill(0);
  const done: boolean[] = new Array<boolean>(K).fill(false);
  mem.u8(state.ptr, 8 * K * 4).fill(0);
  let stride = -1;
  let width = 0;
  let idxOff = 0;

  const drop = (r: number): void => {
    cur[r]?.release();
    enc[r]?.release();
    cur[r] = null;
    enc[r] = null;
    reservation?.shrink(held[r]!);
    held[r] = 0;
  };
  const load = (r: number): void => {
    drop(r);
    for (;;) {
      const it = runs[r]!.next();
      if (it.done) {
        done[r] = true;
        const v = mem.i32(state.ptr, 8 * K);
        v[S.counts * K + r] = 0;
        v[S.pos * K + r] = 0;
        v[S.more * K + r] = 0;
        return;
      }
      const b = it.value;
      if (b.numRows === 0) {
        b.release();
        continue;
      }
      cur[r] = b;
      const e = encodeMergeKeys(b.columns, keys, b.numRows);
      enc[r] = e;
      held[r] = batchBytes(b) + e.rows.byteLength;
      reservation?.grow(held[r]!);
      if (stride < 0) ({ stride, width, idxOff } = e);
      else if (e.stride !== stride || e.width !== width) throw new InternalError(`merge: runs have different key layouts (${e.stride}/${e.width} vs ${stride}/${width})`);
      const v = mem.i32(state.ptr, 8 * K);
      v[S.rowPtrs * K + r] = e.rows.ptr;
      v[S.counts * K + r] = b.numRows;
      v[S.pos * K + r] = 0;
      v[S.more * K + r] = 1;
      if (numDesc > 0) mem.i32(desc + r * numDesc * MERGE_DESC_INTS * 4, numDesc * MERGE_DESC_INTS).set(e.descriptors);
      return;
    }
  };

  try {
    for (;;) {
      let active = 0;
      for (let r = 0; r < K; r++) {
        if (done[r]) continue;
        const v = mem.i32(state.ptr, 8 * K);
        if (cur[r] === null || v[S.pos * K + r]! >= v[S.counts * K + r]!) load(r);
        if (!done[r]) active++;
      }
      if (active === 0) return;
      const m = kern.merge_runs!(arr(S.rowPtrs), arr(S.counts), arr(S.pos), arr(S.more), K, stride, width, idxOff, desc, numDesc, arr(S.heap), cap, outRun, outRow);
      if (m === 0) continue;
      const used = kern.merge_plan!(outRun, outRow, m, K, arr(S.first), arr(S.cnts), arr(S.shift), perm);
      const v = mem.i32(state.ptr, 8 * K);
      const parts: Batch[] = [];
      try {
        for (let r = 0; r < K; r++) {
          const n = v[S.cnts * K + r]!;
          if (n > 0) parts.push(sliceBatch(cur[r]!, v[S.first * K + r]!, n));
        }
        if (used === 1) {
          const out = parts.pop()!;
          yield out;
          continue;
        }
        const combined = concatBatches(schema, parts);
        try {
          yield takeBatchAt(combined, perm, m);
        } finally {
          combined.release();
        }
      } finally {
        for (const p of parts) p.release();
      }
    }
  } finally {
    for (let r = 0; r < K; r++) {
      drop(r);
      runs[r]!.return?.(undefined);
    }
    state.release();
  }
}
