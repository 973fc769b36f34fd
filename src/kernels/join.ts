/**
 * Hash join kernels (assembly/join.ts) behind a small API: a JoinBuildTable indexes the build
 * side's keys (a KeyTable with null keys never matching, plus the build rows of each key in CSR
 * order); probe batches are looked up and expanded into (probe row, build row) pairs in chunks;
 * match marks select the rows that outer, semi and anti joins emit.
 *
 * Key equality is Spark's for joins: NaN = NaN, -0.0 = 0.0, and a null key matches nothing.
 */
import { InternalError } from '../errors.js';
import type { Column } from '../types/column.js';
import type { DataType } from '../types/data-type.js';
import { type MemoryReservation, type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';
import { GrowableBuffer, KeyTable } from './key-table.js';

/** The `join` kernel module. */
export function joinKernels(): KernelExports {
  return runtime().module('join');
}

/** Resumable position of a probe expansion: {i32 probe row, i32 position in the build rows}. */
export class ExpandCursor {
  private readonly buf: WasmBuffer;

  constructor(private readonly mem: WasmMemory) {
    this.buf = WasmBuffer.allocate(mem, 8);
    this.reset();
  }

  /** Address of the cursor. */
  get ptr(): number {
    return this.buf.ptr;
  }

  /** Starts over at probe row 0. */
  reset(): void {
    const v = this.mem.i32(this.buf.ptr, 2);
    v[0] = 0;
    v[1] = -1;
  }

  /** Frees the cursor. */
  release(): void {
    this.buf.release();
  }
}

/**
 * The build side of a hash join: key ids of every build row (-1 for rows with a null key) and the
 * build rows of each key id in ascending order. All memory is accounted in the reservation.
 */
export class JoinBuildTable {
  private readonly table: KeyTable;
  private readonly gids: GrowableBuffer;
  private readonly offs: GrowableBuffer;
  private readonly rows: GrowableBuffer;
  private readonly k: KernelExports;
  /** Number of distinct non-null keys. */
  readonly numGroups: number;

  constructor(
    keys: readonly Column[],
    /** Number of build rows. */
    readonly numRows: number,
    reservation: MemoryReservation,
  ) {
    const rt = runtime();
    const mem = rt.memory;
    this.k = rt.module('join');
    const types: DataType[] = keys.map((c) => c.type);
    this.gids = new GrowableBuffer(mem, reservation, null);
    this.offs = new GrowableBuffer(mem, reservation, null);
    this.rows = new GrowableBuffer(mem, reservation, null);
    this.table = new KeyTable(this.k, mem, types, reservation, { nullsFormGroups: false, initialGroups: Math.min(Math.max(16, numRows), 1 << 16) });
    try {
      this.gids.ensure(Math.max(1, numRows) * 4, false);
      this.table.insert(keys, numRows, this.gids.ptr);
      this.numGroups = this.table.numGroups;
      this.offs.ensure((this.numGroups + 1) * 4, false);
      this.rows.ensure(Math.max(1, numRows) * 4, false);
      this.k.join_csr!(this.gids.ptr, numRows, this.numGroups, this.offs.ptr, this.rows.ptr);
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Address of the build rows' key ids (numRows int32, -1 for null keys). */
  get rowGroupsPtr(): number {
    return this.gids.ptr;
  }

  /** Writes the key id of each of the `n` probe rows to `gids` (-1: no build row has that key, or it is null). */
  probe(keys: readonly Column[], n: number, gids: number): void {
    this.table.lookup(keys, n, gids);
  }

  /**
   * Expands probe ids into at most `cap` (probe row, build row) pairs written to `outProbe` and
   * `outBuild`, continuing from `cursor`. Returns the number of pairs; 0 once every row is done.
   */
  expand(probeGids: number, n: number, cursor: ExpandCursor, cap: number, outProbe: number, outBuild: number): number {
    return this.k.join_expand!(probeGids, n, this.offs.ptr, this.rows.ptr, cursor.ptr, cap, outProbe, outBuild);
  }

  /** Frees the table. */
  release(): void {
    this.table.release();
    this.gids.release();
    this.offs.release();
    this.rows.release();
  }
}

/** Keeps the pairs whose residual value is true (a boolean column of `n` rows); returns how many remain. */
export function filterPairs(a: number, b: number, n: number, residual: Column): number {
  if (residual.type.kind !== 'boolean') {
    throw new InternalError(`the join's residual condition must be boolean, got ${residual.type.kind}`);
  }
  return joinKernels().join_filter_pairs!(a, b, n, residual.valuesPtr, residual.validityPtr);
}

/** marks[idx[i]] = 1 for the `n` indices at `idx`. */
export function markRows(idx: number, n: number, marks: number): void {
  joinKernels().join_mark!(idx, n, marks);
}

/** groupMarks[g] = 1 for every id g >= 0 among `n` probe ids. */
export function markGroups(gids: number, n: number, groupMarks: number): void {
  joinKernels().join_mark_groups!(gids, n, groupMarks);
}

/** Writes the rows i < n whose mark is set (want) or clear (!want) to `out`; returns how many. */
export function selectMarked(marks: number, n: number, want: boolean, out: number): number {
  return joinKernels().join_select!(marks, n, want ? 1 : 0, out);
}

/** Writes the rows i < n whose id is >= 0 (want) or -1 (!want) to `out`; returns how many. */
export function selectByGid(gids: number, n: number, want: boolean, out: number): number {
  return joinKernels().join_select_gids!(gids, n, want ? 1 : 0, out);
}

/** Writes the build rows whose key id is marked (want) or not (!want; null keys count as unmarked) to `out`. */
export function selectByGroupMark(gids: number, n: number, groupMarks: number, want: boolean, out: number): number {
  return joinKernels().join_select_groups!(gids, n, groupMarks, want ? 1 : 0, out);
}

/**
 * All inner-join pairs of two sets of key columns (build on `right`), as (left row, right row)
 * index arrays in probe order. A convenience for tests and small inputs.
 */
export function joinPairs(left: readonly Column[], right: readonly Column[], reservation: MemoryReservation): { left: Int32Array; right: Int32Array } {
  const mem = runtime().memory;
  const n = left[0]?.length ?? 0;
  const table = new JoinBuildTable(right, right[0]?.length ?? 0, reservation);
  const gids = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
  const cursor = new ExpandCursor(mem);
  const cap = 1024;
  const a = WasmBuffer.allocate(mem, cap * 4);
  const b = WasmBuffer.allocate(mem, cap * 4);
  const outL: number[] = [];
  const outR: number[] = [];
  try {
    table.probe(left, n, gids.ptr);
    for (;;) {
      const cnt = table.expand(gids.ptr, n, cursor, cap, a.ptr, b.ptr);
      if (cnt === 0) break;
      outL.push(...mem.i32(a.ptr, cnt));
      outR.push(...mem.i32(b.ptr, cnt));
    }
    return { left: Int32Array.from(outL), right: Int32Array.from(outR) };
  } finally {
    for (const x of [gids, a, b]) x.release();
    cursor.release();
    table.release();
  }
}
