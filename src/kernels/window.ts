/**
 * Window-function kernels (assembly/window.ts) over rows already sorted by (partition keys, order
 * keys): boundary flags between adjacent rows, partition / peer-group extents, ranking (and
 * cume_dist, percent_rank, ntile), lag/lead (also IGNORE NULLS), per-row frame bounds (ROWS, and
 * RANGE with value offsets: numbers, dates, timestamps with intervals) and frame aggregates: count,
 * sum, avg, min, max, first/last/nth value, bool_and/bool_or, the central moments and co-moments
 * (states folded in Spark's order, finished by the moments module), collect_list/collect_set,
 * distinct counts, and per-partition percentiles.
 *
 * Index arrays (segment starts/ends, frame bounds) are int32 WasmBuffers of `n` entries; flags are
 * one byte per row. Inputs are borrowed; returned Columns and WasmBuffers are owned by the caller.
 */
import { InternalError, NotImplementedError } from '../errors.js';
import { Column } from '../types/column.js';
import { type DataType, byteWidth, typeToString } from '../types/data-type.js';
import { concatColumns } from '../types/arrow-interop.js';
import { nullColumn } from '../types/column.js';
import { MemoryReservation, WasmBuffer } from '../wasm/memory.js';
import { KeyTable } from './key-table.js';
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
        const fn = { 1: k.diff_8, 2: k.diff_16, 4: k.diff_32, 8: k.diff_64, 16: runtime().module('decimal128').diff_128 }[byteWidth(c.type)]; // 16: int128 decimals
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
  if (byteWidth(value.type) === 16) throw new NotImplementedError(`window sum/avg over ${typeToString(value.type)}: frame kernels handle decimals up to 18 digits`);
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
  if (byteWidth(value.type) === 16) throw new NotImplementedError(`window min/max over ${typeToString(value.type)}: frame kernels handle decimals up to 18 digits`);
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

/** Gathers `value` at `idx` (n int32 row indices); indices equal to n (= value.length) become null. */
function gatherOrNull(value: Column, idx: WasmBuffer, n: number, misses: number): Column {
  const rt = runtime();
  if (value.type.kind === 'null') return new Column(value.type, n, null, null, null, n);
  if (misses === 0) return takeColumnAt(value, idx.ptr, n);
  const extra = nullColumn(rt.memory, value.type, 1);
  let both: Column | null = null;
  try {
    both = concatColumns(rt, value.type, [value, extra]);
    return takeColumnAt(both, idx.ptr, n);
  } finally {
    both?.release();
    extra.release();
  }
}

/**
 * The k-th row (k >= 1) of every frame [lo, hi), from the frame's start or (fromEnd) its end, with
 * `ignoreNulls` counting only non-null rows: first_value (k 1), last_value (k 1, fromEnd),
 * nth_value (k), any_value; null where the frame has no such row. Any value type.
 */
export function frameNth(value: Column, lo: WasmBuffer, hi: WasmBuffer, n: number, k: number, fromEnd: boolean, ignoreNulls: boolean): Column {
  if (value.length < n) throw new InternalError(`window nth value: the value column has ${value.length} rows, expected ${n}`);
  const rt = runtime();
  const kk = Math.max(1, Math.min(2 ** 31 - 1, Math.floor(k)));
  const idx = alloc(n * 4);
  try {
    const ign = ignoreNulls && value.validityPtr !== 0 ? 1 : 0;
    const misses = rt.withScratch((n + 1) * 4 + (ign ? n * 4 : 0) + 8, (pre) =>
      rt.module('window').nth_index!(value.validityPtr, lo.ptr, hi.ptr, n, kk, fromEnd ? 1 : 0, ign, pre, pre + (n + 1) * 4, n, idx.ptr),
    );
    return gatherOrNull(value, idx, n, misses);
  } finally {
    idx.release();
  }
}

/**
 * lag (offset > 0) / lead (offset < 0) IGNORE NULLS: the |offset|-th non-null value before (lag) or
 * after (lead) the row in its partition, else `defaults` at the row; offset 0 is the value itself.
 */
export function lagLeadIgnoreNulls(value: Column, defaults: Column, ext: Extents, n: number, offset: number): Column {
  if (offset === 0) return takeIdentity(value, n);
  const lag = offset > 0;
  const { lo, hi } = lag
    ? frameBounds(ext, n, { mode: 'partitionStart', offset: 0 }, { mode: 'row', offset: -1 })
    : frameBounds(ext, n, { mode: 'row', offset: 1 }, { mode: 'partitionEnd', offset: 0 });
  const rt = runtime();
  const idx = alloc(n * 4);
  let both: Column | null = null;
  try {
    const k = Math.min(2 ** 31 - 1, Math.abs(offset));
    const ign = value.validityPtr !== 0 ? 1 : 0;
    // Misses point at n + i: the default of row i in concat(value, defaults).
    const misses = rt.withScratch((n + 1) * 4 + n * 4 + 8, (pre) =>
      rt.module('window').nth_index!(value.validityPtr, lo.ptr, hi.ptr, n, k, lag ? 1 : 0, ign, pre, pre + (n + 1) * 4, -1, idx.ptr),
    );
    if (misses === 0) return takeColumnAt(value, idx.ptr, n);
    rt.module('window').fill_misses!(idx.ptr, n, n);
    if (value.type.kind === 'null') return new Column(value.type, n, null, null, null, n);
    both = concatColumns(rt, value.type, [value, defaults]);
    return takeColumnAt(both, idx.ptr, n);
  } finally {
    idx.release();
    lo.release();
    hi.release();
    both?.release();
  }
}

function takeIdentity(value: Column, n: number): Column {
  const idx = filled(n * 4, (p) => runtime().module('window').iota!(p, n));
  try {
    return takeColumnAt(value, idx.ptr, n);
  } finally {
    idx.release();
  }
}

/** bool_and (isAnd) / bool_or over frames (boolean input and result; null for frames without a non-null value). */
export function frameBool(value: Column, lo: WasmBuffer, hi: WasmBuffer, n: number, isAnd: boolean): Column {
  if (value.type.kind === 'null') return new Column({ kind: 'boolean' }, n, null, null, null, n);
  if (value.type.kind !== 'boolean') throw new InternalError(`window bool_${isAnd ? 'and' : 'or'}: the input must be boolean, got ${typeToString(value.type)}`);
  const rt = runtime();
  const out = alloc(n);
  const valid = alloc(n);
  try {
    const nulls = rt.withScratch((n + 1) * 8, (pre) =>
      rt.module('window').frame_bool!(value.valuesPtr, value.validityPtr, lo.ptr, hi.ptr, n, isAnd ? 1 : 0, pre, pre + (n + 1) * 4, out.ptr, valid.ptr),
    );
    if (nulls === 0) {
      valid.release();
      return new Column({ kind: 'boolean' }, n, out, null, null, 0);
    }
    return new Column({ kind: 'boolean' }, n, out, valid, null, nulls);
  } catch (e) {
    out.release();
    valid.release();
    throw e;
  }
}

/** Codes of mom_finish / comom_finish (assembly/moments.ts). */
const MOMENT_FINISH: Record<string, { code: number; order: number }> = {
  var_samp: { code: 0, order: 2 },
  var_pop: { code: 1, order: 2 },
  stddev_samp: { code: 2, order: 2 },
  stddev_pop: { code: 3, order: 2 },
  skewness: { code: 4, order: 3 },
  kurtosis: { code: 5, order: 4 },
};
const COMOMENT_FINISH: Record<string, number> = {
  covar_samp: 0, covar_pop: 1, corr: 2, regr_avgx: 3, regr_avgy: 4, regr_sxx: 5, regr_syy: 6, regr_sxy: 7, regr_slope: 8, regr_intercept: 9, regr_r2: 10, regr_count: 11,
};

/** True if `fn` is a statistical window aggregate computed by frameStatistic. */
export function isStatisticFunction(fn: string): boolean {
  return MOMENT_FINISH[fn] !== undefined || COMOMENT_FINISH[fn] !== undefined;
}

/**
 * Central-moment (var_*, stddev_*, skewness, kurtosis: `y` null) and co-moment (covar_*, corr,
 * regr_*: `x` is the first argument, `y` the second) aggregates over frames, double inputs. States
 * per frame come from the window kernels (Spark's update order, see frame_moments), results from the
 * moments module's finishing formulas, so values match the hash aggregate's. `backward`: every frame
 * ends at its partition's end.
 */
export function frameStatistic(fn: string, x: Column, y: Column | null, lo: WasmBuffer, hi: WasmBuffer, n: number, backward: boolean): Column {
  const rt = runtime();
  const w = rt.module('window');
  const m = rt.module('moments');
  const co = COMOMENT_FINISH[fn];
  const mo = MOMENT_FINISH[fn];
  if (co === undefined && mo === undefined) throw new InternalError(`window: ${fn} is not a statistical aggregate`);
  const isDouble = (c: Column | null) => c === null || c.type.kind === 'float64' || c.type.kind === 'null';
  if (!isDouble(x) || !isDouble(y)) throw new InternalError(`window ${fn}: inputs must be double (the analyzer casts them)`);
  if (co !== undefined && !y) throw new InternalError(`window ${fn}: needs two inputs`);
  const allNull = (c: Column | null) => c !== null && c.type.kind === 'null';
  const states = (co !== undefined ? 6 : mo!.order + 1);
  const resultInt = co === 11;
  return rt.withScratch(states * n * 8 + 64, (st) => {
    const arr = (k: number) => st + 64 + k * n * 8;
    if (allNull(x) || allNull(y)) runtime().memory.u8(st + 64, states * n * 8).fill(0);
    else if (co !== undefined) {
      w.frame_comoments!(x.valuesPtr, x.validityPtr, y!.valuesPtr, y!.validityPtr, lo.ptr, hi.ptr, n, backward ? 1 : 0, st, arr(0), arr(1), arr(2), arr(3), arr(4), arr(5));
    } else {
      w.frame_moments!(x.valuesPtr, x.validityPtr, lo.ptr, hi.ptr, n, mo!.order, backward ? 1 : 0, st, arr(0), arr(1), arr(2), mo!.order >= 3 ? arr(3) : 0, mo!.order >= 4 ? arr(4) : 0);
    }
    const out = alloc(n * 8);
    const valid = alloc(n);
    try {
      let nulls: number = co !== undefined
        ? m.comom_finish!(co, 0, n, arr(0), arr(1), arr(2), arr(3), arr(4), arr(5), out.ptr, valid.ptr)
        : m.mom_finish!(mo!.code, 0, n, arr(0), arr(2), mo!.order >= 3 ? arr(3) : 0, mo!.order >= 4 ? arr(4) : 0, out.ptr, valid.ptr);
      // Spark's corr divides with Catalyst's Divide: NULL (not NaN) when x or y is constant
      if (fn === 'corr') nulls += w.corr_zero_to_null!(arr(4), arr(5), n, valid.ptr);
      const type: DataType = resultInt ? { kind: 'int64' } : { kind: 'float64' };
      if (nulls === 0 || resultInt) {
        valid.release();
        return new Column(type, n, out, null, null, 0);
      }
      return new Column(type, n, out, valid, null, nulls);
    } catch (e) {
      out.release();
      valid.release();
      throw e;
    }
  });
}

/** A RANGE frame bound with a value offset (see range_bounds_i64): `offset` in the key's units, `months` calendar months. */
export interface RangeBoundSpec {
  readonly mode: 'partitionStart' | 'partitionEnd' | 'peerStart' | 'peerEnd' | 'value';
  readonly offset: number;
  readonly months: number;
}

const RANGE_MODE: Record<RangeBoundSpec['mode'], number> = { partitionStart: 0, partitionEnd: 1, peerStart: 3, peerEnd: 4, value: 5 };

/**
 * Per-row bounds [lo, hi) of a RANGE frame with value offsets over the single order key `key`
 * (sorted within partitions; int64-like or float64 values: integers widened to int64, decimals
 * unscaled, dates as days (`unit` 'date'), timestamps as micros (`unit` 'timestamp')).
 */
export function rangeFrameBounds(
  key: Column, ext: Extents, n: number, descending: boolean, lower: RangeBoundSpec, upper: RangeBoundSpec, unit: 'none' | 'date' | 'timestamp',
): { lo: WasmBuffer; hi: WasmBuffer } {
  if (!ext.peerStart || !ext.peerEnd) throw new InternalError('window: a RANGE frame needs peer-group extents');
  const k = runtime().module('window');
  const isFloat = key.type.kind === 'float64';
  if (!isFloat && key.type.kind !== 'int64') throw new InternalError(`window RANGE frame: the order key must be int64 or double here, got ${typeToString(key.type)}`);
  const fn = isFloat ? k.range_bounds_f64! : k.range_bounds_i64!;
  const lo = alloc(n * 4);
  try {
    const hi = filled(n * 4, (p) =>
      fn(
        key.valuesPtr, key.validityPtr, ext.partStart.ptr, ext.partEnd.ptr, ext.peerStart!.ptr, ext.peerEnd!.ptr, n, descending ? 1 : 0,
        RANGE_MODE[lower.mode], lower.offset, lower.months, RANGE_MODE[upper.mode], upper.offset, upper.months,
        unit === 'date' ? 1 : unit === 'timestamp' ? 2 : 0, lo.ptr, p,
      ),
    );
    return { lo, hi };
  } catch (e) {
    lo.release();
    throw e;
  }
}

/** Partition ids (int32, 0-based, in row order) from partition start flags. */
export function segmentIds(flags: WasmBuffer, n: number): Column {
  return intColumn(n, (p) => runtime().module('window').segment_ids!(flags.ptr, n, p));
}

/**
 * percentile_cont (discrete false) / percentile_disc of each partition, broadcast to its rows.
 * `sorted`: float64 values sorted ascending, nulls last, within each partition (at the partition's
 * rows); `descending`: WITHIN GROUP (ORDER BY ... DESC).
 */
export function partitionPercentile(sorted: Column, ext: Extents, n: number, fraction: number, discrete: boolean, descending: boolean): Column {
  const out = alloc(n * 8);
  const valid = alloc(n);
  try {
    const nulls = runtime().module('window').percentile_frame!(sorted.valuesPtr, sorted.validityPtr, ext.partStart.ptr, ext.partEnd.ptr, n, fraction, discrete ? 1 : 0, descending ? 1 : 0, out.ptr, valid.ptr);
    if (nulls === 0) {
      valid.release();
      return new Column({ kind: 'float64' }, n, out, null, null, 0);
    }
    return new Column({ kind: 'float64' }, n, out, valid, null, nulls);
  } catch (e) {
    out.release();
    valid.release();
    throw e;
  }
}

/** cume_dist() / percent_rank() (double, never null) from partition and peer extents. */
export function rankDistribution(ext: Extents, n: number, fn: 'cume_dist' | 'percent_rank'): Column {
  if (!ext.peerStart || !ext.peerEnd) throw new InternalError(`window ${fn}: needs peer-group extents`);
  const out = filled(n * 8, (p) =>
    runtime().module('window').rank_dist!(ext.partStart.ptr, ext.partEnd.ptr, ext.peerStart!.ptr, ext.peerEnd!.ptr, n, fn === 'cume_dist' ? 0 : 1, p),
  );
  return new Column({ kind: 'float64' }, n, out, null, null, 0);
}

/** ntile(k) (int32 from 1): Spark's NTile buckets of each partition. */
export function ntile(partStart: WasmBuffer, partEnd: WasmBuffer, n: number, k: number): Column {
  if (!Number.isInteger(k) || k < 1) throw new InternalError(`window ntile: the bucket count must be a positive integer, got ${k}`);
  return intColumn(n, (p) => runtime().module('window').ntile!(partStart.ptr, partEnd.ptr, n, Math.min(k, 2 ** 31 - 1), p));
}

/**
 * prev[j]: the previous row with a value equal to row j's (Spark's grouping equality, via a KeyTable
 * over the value), -1 for none or a null value. Int32 buffer of n entries, owned by the caller.
 */
export function previousEqual(value: Column, n: number): WasmBuffer {
  const rt = runtime();
  const reservation = new MemoryReservation('Window', Number.POSITIVE_INFINITY);
  const table = new KeyTable(rt.module('aggregate'), rt.memory, [value.type], reservation, { nullsFormGroups: true });
  const ids = alloc(n * 4);
  try {
    table.insert([value], n, ids.ptr);
    const numIds = Math.max(1, table.numGroups);
    return rt.withScratch(numIds * 4, (last) => filled(n * 4, (p) => rt.module('window').prev_equal!(ids.ptr, value.validityPtr, n, last, numIds, p)));
  } finally {
    ids.release();
    table.release();
    reservation.resize(0);
  }
}

/**
 * collect_list (distinct false) / collect_set (distinct true: first occurrences in frame order) over
 * frames: an array column of `resultType` whose row i lists the non-null values of [lo[i], hi[i]).
 */
export function frameCollect(value: Column, resultType: DataType, lo: WasmBuffer, hi: WasmBuffer, n: number, distinct: boolean): Column {
  const rt = runtime();
  const k = rt.module('window');
  const prev = distinct ? previousEqual(value, n) : null;
  const offsets = alloc((n + 1) * 4);
  let rows: WasmBuffer | null = null;
  try {
    const validity = value.type.kind === 'null' ? -1 : value.validityPtr;
    let total = 0;
    if (validity === -1) runtime().memory.i32(offsets.ptr, n + 1).fill(0);
    else total = rt.withScratch((n + 1) * 4, (pre) => k.frame_list_offsets!(validity, prev?.ptr ?? 0, lo.ptr, hi.ptr, n, pre, offsets.ptr));
    rows = alloc(total * 4);
    if (total > 0) k.frame_list_rows!(validity, prev?.ptr ?? 0, lo.ptr, hi.ptr, n, rows.ptr);
    const child = total === 0 ? nullColumn(rt.memory, value.type, 0) : takeColumnAt(value, rows.ptr, total);
    return new Column(resultType, n, null, null, offsets, 0, [child]);
  } catch (e) {
    offsets.release();
    throw e;
  } finally {
    rows?.release();
    prev?.release();
  }
}

/** Distinct non-null values of each frame (int64, never null): approx_count_distinct over windows, computed exactly. */
export function frameDistinctCount(value: Column, lo: WasmBuffer, hi: WasmBuffer, n: number): Column {
  const rt = runtime();
  if (value.type.kind === 'null') {
    const zeros = alloc(n * 8);
    zeros.bytes().fill(0);
    return new Column({ kind: 'int64' }, n, zeros, null, null, 0);
  }
  const prev = previousEqual(value, n);
  try {
    const out = rt.withScratch((n + 1) * 4, (bit) => filled(n * 8, (p) => rt.module('window').frame_distinct_count!(value.validityPtr, prev.ptr, lo.ptr, hi.ptr, n, bit, p)));
    return new Column({ kind: 'int64' }, n, out, null, null, 0);
  } finally {
    prev.release();
  }
}
