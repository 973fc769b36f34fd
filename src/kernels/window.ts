/**
 * Window-function kernels (assembly/window.ts) over rows already sorted by (partition keys, order
 * keys): boundary flags between adjacent rows, partition / peer-group extents, ranking, lag/lead,
 * per-row frame bounds and frame aggregates (count, sum, avg, min, max).
 *
 * Index arrays (segment starts/ends, frame bounds) are int32 WasmBuffers of `n` entries; flags are
 * one byte per row. Inputs are borrowed; returned Columns and WasmBuffers are owned by the caller.
 */
import { InternalError, NotImplementedError } from '../errors.js';
import { Column } from '../types/column.js';
import { type DataType, byteWidth, typeToString } from '../types/data-type.js';
import { concatColumns } from '../types/arrow-interop.js';
import { nullColumn } from '../types/column.js';
import { WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import { takeColumnAt } from './take.js';
import { filledBuffer } from './common.js';

function alloc(bytes: number): WasmBuffer {
  return WasmBuffer.allocate(runtime().memory, Math.max(1, bytes));
}

/** Runs `fn` on a fresh buffer (at least one byte) and releases it if `fn` throws. */
function filled(bytes: number, fn: (ptr: number) => void): WasmBuffer {
  return filledBuffer(Math.max(1, bytes), fn);
}

/**
 * Sets flags[i] = 1 where row i differs from row i-1 in any of `keys` (and flags[0] = 1), OR-ing
 * into `flags` (n bytes, zeroed by the caller or holding earlier keys' flags). Nulls equal nulls,
 * NaN equals NaN and -0.0 equals 0.0 (Spark's grouping equality).
 */
export function markBoundaries(keys: readonly Column[], n: number, flags: WasmBuffer): void {
  const k = runtime().module('window');
  if (n > 0) runtime().memory.u8(flags.ptr, 1)[0] = 1;
  for (const c of keys) {
    if (c.length !== n) throw new InternalError(`window: key column has ${c.length} rows, expected ${n}`);
    const v = c.validityPtr;
    switch (c.type.kind) {
      case 'null':
        break;
      case 'utf8':
        k.diff_utf8!(c.offsetsPtr, c.valuesPtr, v, n, flags.ptr);
        break;
      case 'float32':
        k.diff_f32!(c.valuesPtr, v, n, flags.ptr);
        break;
      case 'float64':
        k.diff_f64!(c.valuesPtr, v, n, flags.ptr);
        break;
      default: {
        const fn = { 1: k.diff_8, 2: k.diff_16, 4: k.diff_32, 8: k.diff_64 }[byteWidth(c.type)];
        if (!fn) throw new InternalError(`window: no boundary kernel for ${typeToString(c.type)}`);
        fn(c.valuesPtr, v, n, flags.ptr);
      }
    }
  }
}

/** A zeroed flags buffer of n bytes. */
export function zeroFlags(n: number): WasmBuffer {
  const b = alloc(n);
  b.bytes().fill(0);
  return b;
}

/** A copy of a flags buffer. */
export function copyFlags(flags: WasmBuffer, n: number): WasmBuffer {
  const b = alloc(n);
  runtime().memory.u8(b.ptr, n).set(runtime().memory.u8(flags.ptr, n));
  return b;
}

/** Segment extents from start flags: start[i] (first row of i's segment) and end[i] (one past its last). */
export function segmentBounds(flags: WasmBuffer, n: number): { start: WasmBuffer; end: WasmBuffer } {
  const start = alloc(n * 4);
  try {
    const end = filled(n * 4, (p) => runtime().module('window').segment_bounds!(flags.ptr, n, start.ptr, p));
    return { start, end };
  } catch (e) {
    start.release();
    throw e;
  }
}

function intColumn(n: number, fn: (out: number) => void): Column {
  return new Column({ kind: 'int32' }, n, filled(n * 4, fn), null, null, 0);
}

/** row_number() (int32, from 1 in each partition). */
export function rowNumber(partStart: WasmBuffer, n: number): Column {
  return intColumn(n, (p) => runtime().module('window').row_number!(partStart.ptr, n, p));
}

/** rank(): 1 + rows of the partition before the row's peer group (int32). */
export function rank(partStart: WasmBuffer, peerStart: WasmBuffer, n: number): Column {
  return intColumn(n, (p) => runtime().module('window').rank!(partStart.ptr, peerStart.ptr, n, p));
}

/** dense_rank(): the ordinal of the row's peer group in its partition (int32). */
export function denseRank(partFlags: WasmBuffer, peerFlags: WasmBuffer, n: number): Column {
  return intColumn(n, (p) => runtime().module('window').dense_rank!(partFlags.ptr, peerFlags.ptr, n, p));
}

/**
 * lag (offset > 0) / lead (offset < 0): row i gets `value` at row i - offset when that row is in i's
 * partition, else `defaults` at row i (a column of n rows of value's type, e.g. all null).
 */
export function lagLead(value: Column, defaults: Column, partStart: WasmBuffer, partEnd: WasmBuffer, n: number, offset: number): Column {
  if (value.length !== n || defaults.length !== n) throw new InternalError('window lag/lead: column lengths differ from the row count');
  const rt = runtime();
  const idx = alloc(n * 4);
  let both: Column | null = null;
  try {
    const clamped = Math.max(-(2 ** 31) + 1, Math.min(2 ** 31 - 1, offset));
    const misses = rt.module('window').shift_index!(partStart.ptr, partEnd.ptr, n, clamped, n, idx.ptr);
    if (misses === 0) return takeColumnAt(value, idx.ptr, n);
    both = value.type.kind === 'null' ? null : concatColumns(rt, value.type, [value, defaults]);
    if (!both) return new Column(value.type, n, null, null, null, n);
    return takeColumnAt(both, idx.ptr, n);
  } finally {
    idx.release();
    both?.release();
  }
}

/** How a frame bound is found (see frame_bounds in assembly/window.ts). */
export type BoundMode = 'partitionStart' | 'partitionEnd' | 'row' | 'peerStart' | 'peerEnd';
const MODE: Record<BoundMode, number> = { partitionStart: 0, partitionEnd: 1, row: 2, peerStart: 3, peerEnd: 4 };

/** One side of a frame: a mode and, for 'row', the offset from the current row (negative = preceding). */
export interface FrameBoundSpec {
  readonly mode: BoundMode;
  readonly offset: number;
}

/** The extents a frame computation reads. peerStart/peerEnd are needed only for peer modes. */
export interface Extents {
  readonly partStart: WasmBuffer;
  readonly partEnd: WasmBuffer;
  readonly peerStart?: WasmBuffer;
  readonly peerEnd?: WasmBuffer;
}

/**
 * Per-row frame bounds [lo, hi) clipped to the partition; `upper` is inclusive as in SQL
 * (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING = lower {row, -1}, upper {row, 1}).
 */
export function frameBounds(ext: Extents, n: number, lower: FrameBoundSpec, upper: FrameBoundSpec): { lo: WasmBuffer; hi: WasmBuffer } {
  const needsPeers = [lower, upper].some((b) => b.mode === 'peerStart' || b.mode === 'peerEnd');
  if (needsPeers && (!ext.peerStart || !ext.peerEnd)) throw new InternalError('window: a RANGE frame needs peer-group extents');
  const clampOff = (x: number) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, x));
  const lo = alloc(n * 4);
  try {
    const hi = filled(n * 4, (p) =>
      runtime().module('window').frame_bounds!(
        ext.partStart.ptr, ext.partEnd.ptr, ext.peerStart?.ptr ?? 0, ext.peerEnd?.ptr ?? 0, n,
        MODE[lower.mode], clampOff(lower.offset), MODE[upper.mode], clampOff(upper.mode === 'row' ? upper.offset + 1 : upper.offset),
        lo.ptr, p,
      ),
    );
    return { lo, hi };
  } catch (e) {
    lo.release();
    throw e;
  }
}

/** count over frames (int64, never null): valid rows of `value`, or rows when `value` is null (count(*)). */
export function frameCount(value: Column | null, lo: WasmBuffer, hi: WasmBuffer, n: number): Column {
  const rt = runtime();
  const validity = value === null ? 0 : value.type.kind === 'null' ? -1 : value.validityPtr;
  if (validity === -1) {
    const zeros = alloc(n * 8);
    zeros.bytes().fill(0);
    return new Column({ kind: 'int64' }, n, zeros, null, null, 0);
  }
  const out = rt.withScratch((n + 1) * 4, (pre) => filled(n * 8, (p) => rt.module('window').frame_count!(validity, lo.ptr, hi.ptr, n, pre, p)));
  return new Column({ kind: 'int64' }, n, out, null, null, 0);
}

/** A frame sum before typing: int64 or float64 sums and per-row counts of valid inputs (int32). */
interface RawSum {
  readonly sum: WasmBuffer;
  readonly cnt: WasmBuffer;
  readonly intSum: boolean;
}

function rawSum(value: Column, lo: WasmBuffer, hi: WasmBuffer, n: number, backward: boolean): RawSum {
  const rt = runtime();
  const k = rt.module('window');
  const t = value.type.kind;
  const intSum = t === 'int64' || t === 'decimal';
  if (!intSum && t !== 'float64') throw new InternalError(`window sum: input must be int64, decimal or double, got ${typeToString(value.type)}`);
  const sum = alloc(n * 8);
  let cnt: WasmBuffer | null = null;
  try {
    cnt = alloc(n * 4);
    const c = cnt;
    if (intSum) {
      rt.withScratch((n + 1) * 8 + (n + 1) * 4 + 64, (pre) => {
        k.frame_sum_i64!(value.valuesPtr, value.validityPtr, lo.ptr, hi.ptr, n, pre, pre + (n + 1) * 8, sum.ptr, c.ptr);
      });
    } else {
      k.frame_sum_f64!(value.valuesPtr, value.validityPtr, lo.ptr, hi.ptr, n, backward ? 1 : 0, sum.ptr, c.ptr);
    }
    return { sum, cnt: c, intSum };
  } catch (e) {
    sum.release();
    cnt?.release();
    throw e;
  }
}

function nullsFromCount(cnt: WasmBuffer, n: number): { validity: WasmBuffer | null; nullCount: number } {
  const validity = alloc(n);
  const nullCount = runtime().module('window').count_to_validity!(cnt.ptr, n, validity.ptr);
  if (nullCount === 0) {
    validity.release();
    return { validity: null, nullCount };
  }
  return { validity, nullCount };
}

/**
 * sum over frames: `value` is int64 (integral inputs widened by the planner), decimal (unscaled sums,
 * the result type keeps the scale) or float64; null where the frame has no non-null value.
 * `backward`: every frame ends at its partition's end (a cheaper, exact float path).
 */
export function frameSum(value: Column, resultType: DataType, lo: WasmBuffer, hi: WasmBuffer, n: number, backward: boolean): Column {
  const raw = rawSum(value, lo, hi, n, backward);
  try {
    const { validity, nullCount } = nullsFromCount(raw.cnt, n);
    return new Column(resultType, n, raw.sum, validity, null, nullCount);
  } catch (e) {
    raw.sum.release();
    throw e;
  } finally {
    raw.cnt.release();
  }
}

/** avg over frames: double for int64/double inputs, decimal (scale raised by `scaleUp`) for decimals. */
export function frameAvg(value: Column, resultType: DataType, lo: WasmBuffer, hi: WasmBuffer, n: number, backward: boolean): Column {
  const rt = runtime();
  const k = rt.module('window');
  const raw = rawSum(value, lo, hi, n, backward);
  try {
    let out: WasmBuffer;
    if (value.type.kind === 'decimal') {
      if (resultType.kind !== 'decimal') throw new InternalError('window avg: a decimal input needs a decimal result');
      const scaleUp = resultType.scale - value.type.scale;
      out = filled(n * 8, (p) => k.avg_decimal!(raw.sum.ptr, raw.cnt.ptr, n, scaleUp, p));
    } else {
      out = filled(n * 8, (p) => k.avg_f64!(raw.sum.ptr, raw.intSum ? 1 : 0, raw.cnt.ptr, n, p));
    }
    try {
      const { validity, nullCount } = nullsFromCount(raw.cnt, n);
      return new Column(resultType, n, out, validity, null, nullCount);
    } catch (e) {
      out.release();
      throw e;
    }
  } finally {
    raw.sum.release();
    raw.cnt.release();
  }
}

const ARG_BEST: Partial<Record<DataType['kind'], string>> = {
  boolean: 'arg_best_u8',
  int8: 'arg_best_i8',
  int16: 'arg_best_i16',
  int32: 'arg_best_i32',
  date32: 'arg_best_i32',
  int64: 'arg_best_i64',
  decimal: 'arg_best_i64',
  timestamp: 'arg_best_i64',
  float32: 'arg_best_f32',
  float64: 'arg_best_f64',
};

/** min (isMax false) or max over frames, any orderable type (NaN greatest, strings by UTF-8 bytes); null for frames without a non-null value. */
export function frameMinMax(value: Column, lo: WasmBuffer, hi: WasmBuffer, n: number, isMax: boolean): Column {
  const rt = runtime();
  const k = rt.module('window');
  if (value.type.kind === 'null') return new Column(value.type, n, null, null, null, n);
  const idx = alloc(n * 4);
  let both: Column | null = null;
  let extra: Column | null = null;
  try {
    const misses = rt.withScratch(n * 4, (dq) => {
      if (value.type.kind === 'utf8') {
        return k.arg_best_utf8!(value.offsetsPtr, value.valuesPtr, value.validityPtr, lo.ptr, hi.ptr, n, isMax ? 1 : 0, dq, n, idx.ptr);
      }
      const name = ARG_BEST[value.type.kind];
      if (!name) throw new NotImplementedError(`window ${isMax ? 'max' : 'min'} over ${typeToString(value.type)} is not supported`);
      return k[name]!(value.valuesPtr, value.validityPtr, lo.ptr, hi.ptr, n, isMax ? 1 : 0, dq, n, idx.ptr);
    });
    if (misses === 0) return takeColumnAt(value, idx.ptr, n);
    // Empty frames point one past the values: at an appended null row.
    extra = nullColumn(rt.memory, value.type, 1);
    both = concatColumns(rt, value.type, [value, extra]);
    return takeColumnAt(both, idx.ptr, n);
  } finally {
    idx.release();
    both?.release();
    extra?.release();
  }
}
