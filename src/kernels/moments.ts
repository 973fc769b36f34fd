/**
 * Statistical, boolean-count and DISTINCT accumulators for hash aggregation (kernels:
 * assembly/moments.ts), implementing the Accumulator interface of aggregate.ts.
 *
 * - MomentsAccumulator: var_samp, var_pop, stddev_samp, stddev_pop, skewness, kurtosis over a
 *   double input (the analyzer casts numeric/string inputs to double, like Spark). State per group:
 *   n, mean, M2 (+ M3 for skewness, + M3, M4 for kurtosis), f64 arrays.
 * - CoMomentsAccumulator: covar_samp, covar_pop, corr and regr_* over two double inputs; only rows
 *   where both are non-null count. State per group: n, meanX, meanY, C, M2X, M2Y.
 * - CountIfAccumulator: count_if(boolean).
 * - ByAccumulator: max_by(x, ord) / min_by(x, ord) for fixed-width x and ord.
 * - DistinctAccumulator: agg(DISTINCT args...) for any inner accumulator: a key table over
 *   (group id, args...) keeps the pairs seen so far and only the first row of each new pair reaches
 *   the inner accumulator (rows with a null argument never do, as in Spark where they are skipped).
 *
 * ## Partial/final aggregation (multi-core): the state + merge API
 *
 * Moment and co-moment states are mergeable (Chan et al.'s parallel formulas, see
 * assembly/moments.ts). A partial aggregation exposes, per group, its state as plain double columns
 * (`MergeableAccumulator.stateColumns`, names in `stateNames`: `n, mean, m2[, m3, m4]` or
 * `n, xavg, yavg, ck, xmk, ymk`); a final aggregation folds such columns in with
 * `MergeableAccumulator.merge(states, gids, count, numGroups)`, where `gids` maps each incoming
 * state row to a group of the final aggregation (the final side's KeyTable ids for the partial keys).
 * Merging the states of any split of the rows gives the state of all rows (up to rounding), so
 * `finish` after merges equals a one-pass aggregation. The lower-level `mergeMomentStates` /
 * `mergeCoMomentStates` work on raw state arrays. Multi-core plans use this through
 * AccumulatorSpec.stateColumn (partial: one state column per call, `stateColumn`) and
 * AccumulatorSpec.mergeStates (final: merge, then finish) in aggregate.ts; see
 * scheduler/aggregate-split.ts and `mergeableStateNames`. Count-if states are int64 counts (merge = add,
 * done by the caller with a sum). DISTINCT states are NOT mergeable this way (a final DISTINCT
 * aggregation must see the distinct (key, value) pairs, as Spark plans it with a second shuffle).
 */
import { InternalError } from '../errors.js';
import type { CoMomentFunction, MomentFunction } from '../types/aggregate-function.js';
import { Column } from '../types/column.js';
import { type DataType, byteWidth, typeToString } from '../types/data-type.js';
import { type MemoryReservation, type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';
import type { Accumulator, AccumulatorSpec, AggInput } from './aggregate.js';
import { finishColumn, physicalSuffix } from './common.js';
import { GrowableBuffer, KeyTable } from './key-table.js';

/** Central-moment and co-moment aggregate functions (the list is src/types/aggregate-function.ts). */
export type { CoMomentFunction, MomentFunction } from '../types/aggregate-function.js';

const MOMENT_CODES: Record<MomentFunction, { code: number; order: number }> = {
  var_samp: { code: 0, order: 2 },
  var_pop: { code: 1, order: 2 },
  stddev_samp: { code: 2, order: 2 },
  stddev_pop: { code: 3, order: 2 },
  skewness: { code: 4, order: 3 },
  kurtosis: { code: 5, order: 4 },
};

const COMOMENT_CODES: Record<CoMomentFunction, number> = {
  covar_samp: 0,
  covar_pop: 1,
  corr: 2,
  regr_avgx: 3,
  regr_avgy: 4,
  regr_sxx: 5,
  regr_syy: 6,
  regr_sxy: 7,
  regr_slope: 8,
  regr_intercept: 9,
  regr_r2: 10,
  regr_count: 11,
};

/** True if `fn` is a central-moment aggregate. */
export function isMomentFunction(fn: string): fn is MomentFunction {
  return Object.prototype.hasOwnProperty.call(MOMENT_CODES, fn);
}

/** True if `fn` is a two-input co-moment aggregate (covariance, correlation, regression). */
export function isCoMomentFunction(fn: string): fn is CoMomentFunction {
  return Object.prototype.hasOwnProperty.call(COMOMENT_CODES, fn);
}

/**
 * Names of the mergeable state columns of aggregate `fn` (in MergeableAccumulator order), or null
 * when its state is not exportable: `n, mean, m2[, m3, m4]` for the moments by order,
 * `n, xavg, yavg, ck, xmk, ymk` for the co-moments.
 */
export function mergeableStateNames(fn: string): readonly string[] | null {
  if (isMomentFunction(fn)) return ['n', 'mean', 'm2', 'm3', 'm4'].slice(0, MOMENT_CODES[fn].order + 1);
  if (isCoMomentFunction(fn)) return ['n', 'xavg', 'yavg', 'ck', 'xmk', 'ymk'];
  return null;
}

/** An accumulator whose per-group state can be exported as columns and merged (partial/final aggregation). */
export interface MergeableAccumulator extends Accumulator {
  /** Names of the state columns, in order (all float64). */
  readonly stateNames: readonly string[];
  /** The state of groups [start, start + count) as float64 columns (owned by the caller), in `stateNames` order. */
  stateColumns(start: number, count: number): Column[];
  /** State column `i` (in `stateNames` order) of groups [start, start + count), owned by the caller. */
  stateColumn(i: number, start: number, count: number): Column;
  /**
   * Merges `count` incoming states (columns in `stateNames` order, e.g. another accumulator's
   * stateColumns) into this accumulator: state row i goes into group gids[i] (`gids` = address of
   * `count` int32 group ids, or 0 for row i -> group i). `numGroups`: groups after the caller's key
   * table mapped the incoming keys (grow() must already cover them).
   */
  merge(states: readonly AggInput[], gids: number, count: number, numGroups: number): void;
}

function kernels(): KernelExports {
  return runtime().module('moments');
}

function requireDouble(spec: AccumulatorSpec, t: DataType | null | undefined, what: string): void {
  if (!t || t.kind !== 'float64') throw new InternalError(`${spec.fn} (${spec.name}): the ${what} input must be a double (the analyzer casts it), got ${t ? typeToString(t) : 'none'}`);
}

/** f64 arrays, one per state field, grown together (new groups zeroed: the empty state). */
class StateArrays {
  readonly bufs: GrowableBuffer[];
  constructor(mem: WasmMemory, reservation: MemoryReservation, count: number) {
    this.bufs = Array.from({ length: count }, () => new GrowableBuffer(mem, reservation, 0));
  }
  grow(groups: number): void {
    for (const b of this.bufs) b.ensure(groups * 8);
  }
  ptr(i: number): number {
    return this.bufs[i]?.ptr ?? 0;
  }
  columns(mem: WasmMemory, start: number, count: number): Column[] {
    return this.bufs.map((_, i) => this.column(mem, i, start, count));
  }
  column(mem: WasmMemory, i: number, start: number, count: number): Column {
    const b = this.bufs[i];
    if (!b) throw new InternalError(`state column ${i} out of range (${this.bufs.length} columns)`);
    const out = WasmBuffer.allocate(mem, Math.max(1, count) * 8);
    out.bytes().set(mem.u8(b.ptr + start * 8, count * 8));
    return new Column({ kind: 'float64' }, count, out, null, null, 0);
  }
  release(): void {
    for (const b of this.bufs) b.release();
  }
}

/** var_samp / var_pop / stddev_samp / stddev_pop / skewness / kurtosis of a double column. */
export class MomentsAccumulator implements MergeableAccumulator {
  private readonly state: StateArrays;
  private readonly code: number;
  private readonly order: number;
  readonly stateNames: readonly string[];
  private readonly k = kernels();

  constructor(
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    spec: AccumulatorSpec,
  ) {
    if (!isMomentFunction(spec.fn)) throw new InternalError(`${spec.fn} is not a moment aggregate`);
    requireDouble(spec, spec.inputType, 'first');
    ({ code: this.code, order: this.order } = MOMENT_CODES[spec.fn]);
    this.stateNames = ['n', 'mean', 'm2', 'm3', 'm4'].slice(0, this.order + 1);
    this.state = new StateArrays(mem, reservation, this.order + 1);
  }

  grow(groups: number): void {
    this.state.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number): void {
    if (n === 0) return;
    const s = this.state;
    this.k.mom_update!(gids, input!.valuesPtr, input!.validityPtr, n, this.order, s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), s.ptr(4));
  }

  finish(start: number, count: number): Column {
    const s = this.state;
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count) * 8);
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = this.k.mom_finish!(this.code, start, count, s.ptr(0), s.ptr(2), s.ptr(3), s.ptr(4), values.ptr, validity.ptr);
    return finishColumn({ kind: 'float64' }, count, values, validity, null, nulls);
  }

  stateColumns(start: number, count: number): Column[] {
    return this.state.columns(this.mem, start, count);
  }

  stateColumn(i: number, start: number, count: number): Column {
    return this.state.column(this.mem, i, start, count);
  }

  merge(states: readonly AggInput[], gids: number, count: number, _numGroups?: number): void {
    if (states.length !== this.order + 1) throw new InternalError(`moment merge: expected ${this.order + 1} state columns, got ${states.length}`);
    if (count === 0) return;
    const p = (i: number) => states[i]?.valuesPtr ?? 0;
    const s = this.state;
    this.k.mom_merge!(gids, count, this.order, p(0), p(1), p(2), p(3), p(4), s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), s.ptr(4));
  }

  release(): void {
    this.state.release();
  }
}

/** covar_samp / covar_pop / corr / regr_* of two double columns (rows with both values non-null). */
export class CoMomentsAccumulator implements MergeableAccumulator {
  private readonly state: StateArrays;
  private readonly code: number;
  readonly stateNames: readonly string[] = ['n', 'xavg', 'yavg', 'ck', 'xmk', 'ymk'];
  private readonly k = kernels();

  constructor(
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    if (!isCoMomentFunction(spec.fn)) throw new InternalError(`${spec.fn} is not a co-moment aggregate`);
    requireDouble(spec, spec.inputType, 'first');
    requireDouble(spec, spec.extraInputTypes?.[0], 'second');
    this.code = COMOMENT_CODES[spec.fn];
    this.state = new StateArrays(mem, reservation, 6);
  }

  grow(groups: number): void {
    this.state.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, _groups?: number, _mask?: number, extra?: readonly AggInput[]): void {
    if (n === 0) return;
    const y = extra?.[0];
    if (!input || !y) throw new InternalError(`${this.spec.fn} (${this.spec.name}) needs two input columns`);
    const s = this.state;
    this.k.comom_update!(gids, input.valuesPtr, input.validityPtr, y.valuesPtr, y.validityPtr, n, s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), s.ptr(4), s.ptr(5));
  }

  finish(start: number, count: number): Column {
    const s = this.state;
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count) * 8);
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = this.k.comom_finish!(this.code, start, count, s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), s.ptr(4), s.ptr(5), values.ptr, validity.ptr);
    return finishColumn(this.spec.fn === 'regr_count' ? { kind: 'int64' } : { kind: 'float64' }, count, values, validity, null, nulls);
  }

  stateColumns(start: number, count: number): Column[] {
    return this.state.columns(this.mem, start, count);
  }

  stateColumn(i: number, start: number, count: number): Column {
    return this.state.column(this.mem, i, start, count);
  }

  merge(states: readonly AggInput[], gids: number, count: number, _numGroups?: number): void {
    if (states.length !== 6) throw new InternalError(`co-moment merge: expected 6 state columns, got ${states.length}`);
    if (count === 0) return;
    const p = (i: number) => states[i]!.valuesPtr;
    const s = this.state;
    this.k.comom_merge!(gids, count, p(0), p(1), p(2), p(3), p(4), p(5), s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), s.ptr(4), s.ptr(5));
  }

  release(): void {
    this.state.release();
  }
}

/**
 * Merges raw moment state arrays (`order` 2..4; addresses of f64 arrays n, mean, m2, m3, m4 — the
 * ones above the order may be 0): source state i into destination group gids[i] (gids 0: group i).
 */
export function mergeMomentStates(order: number, src: readonly number[], dst: readonly number[], gids: number, count: number): void {
  const a = (xs: readonly number[], i: number) => xs[i] ?? 0;
  kernels().mom_merge!(gids, count, order, a(src, 0), a(src, 1), a(src, 2), a(src, 3), a(src, 4), a(dst, 0), a(dst, 1), a(dst, 2), a(dst, 3), a(dst, 4));
}

/** Merges raw co-moment state arrays (n, xavg, yavg, ck, xmk, ymk) like mergeMomentStates. */
export function mergeCoMomentStates(src: readonly number[], dst: readonly number[], gids: number, count: number): void {
  const a = (xs: readonly number[], i: number) => xs[i]!;
  kernels().comom_merge!(gids, count, a(src, 0), a(src, 1), a(src, 2), a(src, 3), a(src, 4), a(src, 5), a(dst, 0), a(dst, 1), a(dst, 2), a(dst, 3), a(dst, 4), a(dst, 5));
}

/** count_if(boolean): the number of rows where the input is true (never null). */
export class CountIfAccumulator implements Accumulator {
  private readonly counts: GrowableBuffer;
  private readonly scratch: GrowableBuffer;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly ungrouped: boolean,
  ) {
    this.counts = new GrowableBuffer(mem, reservation, 0);
    this.scratch = new GrowableBuffer(mem, reservation, null);
  }

  grow(groups: number): void {
    this.counts.ensure(groups * 8);
  }

  update(input: AggInput | null, gids: number, n: number): void {
    const c = input!;
    if (n === 0 || c.type.kind === 'null') return;
    // Booleans are 0/1 bytes, so the values restricted to the validity are exactly the rows to count.
    let flags = c.valuesPtr;
    if (c.validityPtr !== 0) {
      this.scratch.ensure(n, false);
      this.k.agg_mask_and!(c.valuesPtr, c.validityPtr, n, this.scratch.ptr);
      flags = this.scratch.ptr;
    }
    if (this.ungrouped) this.k.agg_count_all!(flags, n, this.counts.ptr);
    else this.k.agg_count!(gids, flags, n, this.counts.ptr);
  }

  finish(start: number, count: number): Column {
    const out = WasmBuffer.allocate(this.mem, Math.max(1, count) * 8);
    out.bytes().set(this.mem.u8(this.counts.ptr + start * 8, count * 8));
    return new Column({ kind: 'int64' }, count, out, null, null, 0);
  }

  release(): void {
    this.counts.release();
    this.scratch.release();
  }
}

/**
 * agg(DISTINCT a[, b, ...]): only the first row of each new (group, a, b, ...) combination reaches
 * `inner` (an accumulator of the same function without DISTINCT, built for grouped updates); rows
 * where any argument is null are skipped. With `inner` null it is count(DISTINCT a, b, ...): the
 * number of new combinations is counted directly.
 */
export class DistinctAccumulator implements Accumulator {
  private readonly pairs: KeyTable;
  private readonly pairIds: GrowableBuffer;
  private readonly selIdx: GrowableBuffer;
  private readonly selGids: GrowableBuffer;
  private readonly rowMask: GrowableBuffer;
  private readonly gathered: GrowableBuffer[];
  private readonly counts: GrowableBuffer;
  private readonly m = kernels();

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    inputTypes: readonly DataType[],
    private readonly inner: Accumulator | null,
  ) {
    const buf = (fill: number | null) => new GrowableBuffer(mem, reservation, fill);
    this.pairIds = buf(null);
    this.selIdx = buf(null);
    this.selGids = buf(null);
    this.rowMask = buf(null);
    this.counts = buf(0);
    this.gathered = inputTypes.map(() => buf(null));
    if (inner) {
      for (const t of inputTypes) {
        if (t.kind === 'utf8' || t.kind === 'null') throw new InternalError(`DISTINCT aggregate over ${typeToString(t)} needs a fixed-width input`);
      }
    }
    this.pairs = new KeyTable(k, mem, [{ kind: 'int32' }, ...inputTypes], reservation, { nullsFormGroups: true });
  }

  grow(groups: number): void {
    if (this.inner) this.inner.grow(groups);
    else this.counts.ensure(groups * 8);
  }

  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask = 0, extra: readonly AggInput[] = []): void {
    if (n === 0 || !input) return;
    const inputs = [input, ...extra];
    if (inputs.some((c) => c.type.kind === 'null')) return;
    // Rows that take part: every argument non-null (and the filter mask, if any).
    let rowMask = 0;
    for (const v of [mask, ...inputs.map((c) => c.validityPtr)]) {
      if (v === 0) continue;
      if (rowMask === 0) rowMask = v;
      else {
        this.rowMask.ensure(n, true);
        this.k.agg_mask_and!(rowMask, v, n, this.rowMask.ptr);
        rowMask = this.rowMask.ptr;
      }
    }
    this.pairIds.ensure(n * 4, false);
    const before = this.pairs.numGroups;
    const gidColumn: AggInput = { type: { kind: 'int32' }, valuesPtr: gids, validityPtr: 0, offsetsPtr: 0 };
    this.pairs.insertMasked([gidColumn, ...inputs], n, rowMask, this.pairIds.ptr);
    if (!this.inner) {
      this.k.agg_count_distinct!(gids, this.pairIds.ptr, n, before, this.counts.ptr);
      return;
    }
    this.selIdx.ensure(n * 4, false);
    this.selGids.ensure(n * 4, false);
    const count = this.m.distinct_select!(gids, this.pairIds.ptr, n, before, this.selIdx.ptr, this.selGids.ptr);
    if (count === 0) return;
    const views: AggInput[] = inputs.map((c, i) => {
      const width = byteWidth(c.type);
      const g = this.gathered[i]!;
      g.ensure(count * width, false);
      this.m.distinct_gather!(c.valuesPtr, width, this.selIdx.ptr, count, g.ptr);
      return { type: c.type, valuesPtr: g.ptr, validityPtr: 0, offsetsPtr: 0 };
    });
    this.inner.update(views[0]!, this.selGids.ptr, count, numGroups, 0, views.slice(1));
  }

  finish(start: number, count: number): Column {
    if (this.inner) return this.inner.finish(start, count);
    const out = WasmBuffer.allocate(this.mem, Math.max(1, count) * 8);
    out.bytes().set(this.mem.u8(this.counts.ptr + start * 8, count * 8));
    return new Column({ kind: 'int64' }, count, out, null, null, 0);
  }

  release(): void {
    this.inner?.release();
    this.pairs.release();
    for (const b of [this.pairIds, this.selIdx, this.selGids, this.rowMask, this.counts, ...this.gathered]) b.release();
  }
}

/**
 * max_by(x, ord) / min_by(x, ord): the x of the row with the largest (smallest) ord per group; rows
 * with a null ord are skipped, ties keep the first row (as Spark's MaxBy/MinBy within a partition),
 * null when no row has an ord. Both x and ord must be fixed-width (not strings).
 */
export class ByAccumulator implements Accumulator {
  private readonly bufs: GrowableBuffer[];
  private readonly kernel: string;
  private readonly width: number;
  private readonly k = kernels();

  constructor(
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    const x = spec.inputType;
    const ord = spec.extraInputTypes?.[0];
    const suffix = ord ? physicalSuffix(ord) : null;
    if (!x || !ord || x.kind === 'utf8' || suffix === null || suffix === 'utf8') {
      throw new InternalError(`${spec.fn} (${spec.name}) needs a fixed-width value and ordering, got ${x ? typeToString(x) : 'none'} and ${ord ? typeToString(ord) : 'none'}`);
    }
    this.kernel = `by_update_${suffix}`;
    this.width = byteWidth(x);
    // ord slot, value slot (8 bytes each), value validity, seen.
    this.bufs = [8, 8, 1, 1].map(() => new GrowableBuffer(mem, reservation, 0));
  }

  grow(groups: number): void {
    [8, 8, 1, 1].forEach((w, i) => this.bufs[i]!.ensure(groups * w));
  }

  update(input: AggInput | null, gids: number, n: number, _groups?: number, _mask?: number, extra?: readonly AggInput[]): void {
    const ord = extra?.[0];
    if (n === 0) return;
    if (!input || !ord) throw new InternalError(`${this.spec.fn} (${this.spec.name}) needs two input columns`);
    const [o, v, vv, seen] = this.bufs.map((b) => b.ptr);
    this.k[this.kernel]!(gids, ord.valuesPtr, ord.validityPtr, input.valuesPtr, input.validityPtr, this.width, n, this.spec.fn === 'max_by' ? 1 : 0, o, v, vv, seen);
  }

  finish(start: number, count: number): Column {
    const [, v, vv, seen] = this.bufs.map((b) => b.ptr);
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count) * this.width);
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = this.k.by_finish!(this.width, start, count, v, vv, seen, values.ptr, validity.ptr);
    return finishColumn(this.spec.resultType, count, values, validity, null, nulls);
  }

  release(): void {
    for (const b of this.bufs) b.release();
  }
}
