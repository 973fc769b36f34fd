/**
 * Aggregate accumulators over group ids (kernels: assembly/aggregate.ts). A KeyTable (key-table.ts)
 * maps every input row to a dense group id; each Accumulator then folds one input column into
 * per-group state arrays in wasm memory with one kernel call per batch, and finally produces the
 * result column for any range of groups. The states (sum + seen flag, count, min/max + seen,
 * double sum + count, ...) are mergeable, ready for a partial/final split around a shuffle.
 *
 * Filtered aggregation (HashAggregation.updateWhere): rows of a batch whose predicate is not true
 * are ignored entirely. Without group keys the predicate becomes a row mask that the accumulators
 * apply themselves (SIMD for sum/count/min/max; the mask is folded into the validity they see, and
 * count(*), first and the string states also get the mask itself). With group keys the passing rows
 * of just the key and input columns are gathered and aggregated as usual, so they create no group.
 *
 * Spark semantics (non-ANSI): sum of integers wraps in int64; sum of floats is a double; sum of
 * decimal(p,s) is decimal(min(p+10,38),s), summed in int128 (decimal128 module), null when the final
 * sum exceeds that precision (or a running sum of int128 inputs overflows int128); min/max use
 * Spark's ordering (NaN largest, strings by UTF-8 bytes); avg of non-decimals is a double, of
 * decimals HALF_UP at the result scale; sum/min/max/avg of no non-null value is null, counts 0.
 */
import { CollectAccumulator, HistogramAccumulator, NestedMinMaxAccumulator } from './collect-aggregate.js';
import { finishColumn, kernelFn, physicalSuffix } from './common.js';
import { HllAccumulator } from './hll.js';
import { InternalError, InvalidArgumentError } from '../errors.js';
import { Column, nullColumn } from '../types/column.js';
import { type DataType, DataTypes, byteWidth, isIntegral, isNestedType, typeToString } from '../types/data-type.js';
import { type MemoryReservation, type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { type KernelExports, runtime } from '../wasm/runtime.js';
import { GrowableBuffer, type KeyInput, KeyTable } from './key-table.js';
import { selectionFromMask, takeColumnAt } from './take.js';
import type { AggregateFunction } from '../types/aggregate-function.js';
import { PercentileAccumulator } from './percentile.js';
import { type MergeableAccumulator, ByAccumulator, CoMomentsAccumulator, CountIfAccumulator, DistinctAccumulator, MomentsAccumulator, isCoMomentFunction, isMomentFunction } from './moments.js';

/** The aggregate functions the hash aggregation kernels implement (the list is src/types/aggregate-function.ts). */
export type { AggregateFunction } from '../types/aggregate-function.js';

/** What an accumulator computes: the function, its input type (null for count(*)) and the result type. */
export interface AccumulatorSpec {
  readonly fn: AggregateFunction;
  readonly inputType: DataType | null;
  readonly resultType: DataType;
  /** first(col, ignoreNulls). */
  readonly ignoreNulls?: boolean;
  /** Output column name, for error messages. */
  readonly name: string;
  /** Types of the inputs after the first (covar/corr/regr_*: the second; count(DISTINCT a, b, ...): b, ...). */
  readonly extraInputTypes?: readonly DataType[];
  /** agg(DISTINCT ...): each distinct combination of the inputs counts once per group. */
  readonly distinct?: boolean;
  /**
   * Partial aggregation of a mergeable function (MergeableAccumulator: the statistical aggregates):
   * the result is state column `stateColumn` (a non-null double) instead of the function's result.
   * In a HashAggregation, state columns whose specs have the same `stateShareKey` (same function
   * over the same inputs) come from one shared accumulator.
   */
  readonly stateColumn?: number;
  readonly stateShareKey?: string;
  /**
   * Final aggregation of a mergeable function: the inputs (first, then extra) are the state columns
   * of partial aggregations (stateColumn 0, 1, ...); they are merged and finished as the function.
   */
  readonly mergeStates?: boolean;
}

/**
 * The input column data an accumulator reads: its type and buffer addresses. A Column qualifies;
 * so does a view of a row range (addresses advanced by the range's start).
 */
export type AggInput = KeyInput;

/** Per-group state of one aggregate function, in wasm memory, indexed by group id. */
export interface Accumulator {
  /** Grows the state arrays to `groupCapacity` groups (new groups start empty). */
  grow(groupCapacity: number): void;
  /**
   * Folds `n` rows into the state: `gids` points to their `n` group ids (ignored by ungrouped
   * accumulators), `numGroups` is the number of groups once their keys were inserted. `mask`
   * (address of n bytes, 0 = none; ungrouped accumulators only) marks with 0 the rows to ignore
   * entirely; `input`'s validity is already 0 for them, so only accumulators that do not skip null
   * rows (count(*), first) need to read it. `extra`: the inputs after the first (two-argument
   * aggregates, count(DISTINCT a, b)), with the same rows (and, when masked, validity) as `input`.
   */
  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask?: number, extra?: readonly AggInput[]): void;
  /**
   * For a sum the key table can compute while it maps keys (KeyTable.insertWithSum): the fused
   * kernel and the sums array for this input, or null. After such a batch, call `fused`.
   */
  fusion?(input: AggInput): { kernel: string; sums: () => number } | null;
  /** Records that a fused kernel summed a batch without nulls; `numGroups` as for update. */
  fused?(numGroups: number): void;
  /** The result column of groups [start, start + count) (owned by the caller). */
  finish(start: number, count: number): Column;
  /** Frees the state. */
  release(): void;
}

/** The rows [offset, ...) of an input: addresses advanced by `offset` rows. */
export function inputView(input: AggInput, offset: number): AggInput {
  if (offset === 0) return input;
  const t = input.type;
  const width = t.kind === 'utf8' || t.kind === 'null' ? 0 : byteWidth(t);
  return {
    type: t,
    valuesPtr: t.kind === 'utf8' ? input.valuesPtr : input.valuesPtr + offset * width,
    validityPtr: input.validityPtr === 0 ? 0 : input.validityPtr + offset,
    offsetsPtr: input.offsetsPtr === 0 ? 0 : input.offsetsPtr + offset * 4,
  };
}

/** Kernel suffix of a type for min/max (the physical layout's; strings have their own kernels). */
function minMaxSuffix(t: DataType): string {
  const suffix = physicalSuffix(t);
  if (suffix === null || suffix === 'utf8') throw new InternalError(`min/max kernels do not handle ${typeToString(t)}`);
  return suffix;
}

/** Kernel suffix of a numeric type for sum/avg. */
function numericSuffix(t: DataType): string {
  switch (t.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return t.kind.replace('int', 'i');
    case 'float32':
      return 'f32';
    case 'float64':
      return 'f64';
    default:
      throw new InternalError(`numeric aggregate kernels do not handle ${typeToString(t)}`);
  }
}

/** A set of per-group arrays grown together (new bytes zeroed). */
class GroupArrays {
  private readonly arrays: { buf: GrowableBuffer; width: number }[] = [];

  constructor(
    private readonly mem: WasmMemory,
    private readonly reservation: MemoryReservation,
  ) {}

  /** Adds an array of `width` bytes per group; returns it. */
  add(width: number): GrowableBuffer {
    const buf = new GrowableBuffer(this.mem, this.reservation, 0);
    this.arrays.push({ buf, width });
    return buf;
  }

  grow(groups: number): void {
    for (const a of this.arrays) a.buf.ensure(groups * a.width);
  }

  release(): void {
    for (const a of this.arrays) a.buf.release();
  }
}

/** Copies `count` fixed-width state values starting at group `start` into a new column, with validity from flags (1 = valid). */
function finishFixed(mem: WasmMemory, k: KernelExports, type: DataType, values: number, flags: number | null, start: number, count: number): Column {
  const width = byteWidth(type);
  const out = WasmBuffer.allocate(mem, Math.max(1, count) * width);
  out.bytes().set(mem.u8(values + start * width, count * width));
  if (flags === null) return new Column(type, count, out, null, null, 0);
  return withValidity(mem, k, type, out, null, flags, start, count);
}

function withValidity(mem: WasmMemory, k: KernelExports, type: DataType, values: WasmBuffer, offsets: WasmBuffer | null, flags: number, start: number, count: number): Column {
  const validity = WasmBuffer.allocate(mem, Math.max(1, count));
  const nulls = k.fin_validity!(flags, start, count, validity.ptr);
  return finishColumn(type, count, values, validity, offsets, nulls);
}

/** A fixed-width column over `values` whose validity buffer is dropped when nothing is null. */
function columnWithNulls(type: DataType, count: number, values: WasmBuffer, validity: WasmBuffer, nulls: number): Column {
  return finishColumn(type, count, values, validity, null, nulls);
}

/** The decimal128 kernel module (int128 decimal sums and states). */
function dec128(): KernelExports {
  return runtime().module('decimal128');
}

/** Fused direct-mapped group-by + sum kernels by value type (aggregate module). */
const FUSED_SUM: Partial<Record<string, string>> = { float64: 'dm_sum_i32_f64', int32: 'dm_sum_i32_i32', int64: 'dm_sum_i32_i64' };

/** sum of integers / floats / decimals. */
class SumAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly sums: GrowableBuffer;
  private readonly seen: GrowableBuffer;
  /** While no input row was null, groups below this id have a value and `seen` is not maintained per row. */
  private seenAllBelow = 0;
  private perRowSeen = false;
  private readonly kernel: string;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
    private readonly ungrouped: boolean,
  ) {
    const input = spec.inputType!;
    this.arrays = new GroupArrays(mem, reservation);
    // Decimal sums accumulate in int128 (16 bytes per group: low, high words; decimal128 module).
    this.sums = this.arrays.add(input.kind === 'decimal' ? 16 : 8);
    this.seen = this.arrays.add(1);
    if (input.kind === 'decimal') {
      if (spec.resultType.kind !== 'decimal' || spec.resultType.scale !== input.scale) {
        throw new InternalError(`sum(${typeToString(input)}) must have a decimal result with scale ${input.scale}, got ${typeToString(spec.resultType)}`);
      }
      this.kernel = 'agg_sum_128';
      this.perRowSeen = true;
    } else {
      this.kernel = `agg_sum_${numericSuffix(input)}`;
      const want = isIntegral(input) ? 'int64' : 'float64';
      if (spec.resultType.kind !== want) {
        throw new InternalError(`sum(${typeToString(input)}) must have result type ${want}, got ${typeToString(spec.resultType)}`);
      }
    }
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, numGroups: number): void {
    const c = input!;
    if (n === 0) return;
    if (this.kernel === 'agg_sum_128') {
      const d = dec128();
      if (this.ungrouped) d.agg_sum_all_128!(c.valuesPtr, byteWidth(c.type), c.validityPtr, n, this.sums.ptr, this.seen.ptr);
      else d.agg_sum_128!(gids, c.valuesPtr, byteWidth(c.type), c.validityPtr, n, this.sums.ptr, this.seen.ptr);
      return;
    }
    const kind = c.type.kind;
    if (this.ungrouped && (kind === 'int32' || kind === 'int64' || kind === 'float64')) {
      this.k[`agg_sum_all_${numericSuffix(c.type)}`]!(c.valuesPtr, c.validityPtr, n, this.sums.ptr, this.seen.ptr);
      this.perRowSeen = true;
      return;
    }
    if (!this.perRowSeen && c.validityPtr !== 0) {
      this.seen.fillPrefix(1, this.seenAllBelow);
      this.perRowSeen = true;
    }
    if (this.perRowSeen) {
      this.k[this.kernel]!(gids, c.valuesPtr, c.validityPtr, n, this.sums.ptr, this.seen.ptr);
    } else {
      this.k[this.kernel]!(gids, c.valuesPtr, 0, n, this.sums.ptr, 0);
      this.seenAllBelow = numGroups;
    }
  }

  fusion(input: AggInput): { kernel: string; sums: () => number } | null {
    if (this.perRowSeen || this.ungrouped || input.validityPtr !== 0) return null;
    const kernel = FUSED_SUM[input.type.kind];
    return kernel ? { kernel, sums: () => this.sums.ptr } : null;
  }

  fused(numGroups: number): void {
    this.seenAllBelow = numGroups;
  }

  finish(start: number, count: number): Column {
    if (!this.perRowSeen) this.seen.fillPrefix(1, this.seenAllBelow);
    this.perRowSeen = true;
    const type = this.spec.resultType;
    if (type.kind !== 'decimal') return finishFixed(this.mem, this.k, type, this.sums.ptr, this.seen.ptr, start, count);
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count) * byteWidth(type));
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = dec128().fin_sum_128!(this.sums.ptr, this.seen.ptr, start, count, type.precision, byteWidth(type), values.ptr, validity.ptr);
    return columnWithNulls(type, count, values, validity, nulls);
  }

  release(): void {
    this.arrays.release();
  }
}

/** count(col) and count(*). */
class CountAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly counts: GrowableBuffer;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly star: boolean,
    private readonly ungrouped: boolean,
  ) {
    this.arrays = new GroupArrays(mem, reservation);
    this.counts = this.arrays.add(8);
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, _groups: number, mask = 0, extra?: readonly AggInput[]): void {
    if (n === 0) return;
    if (!this.star && input!.type.kind === 'null') return;
    if (!this.star && extra?.length) {
      // count(a, b, ...): rows where every argument is non-null (functions helper).
      if (extra.some((x) => x.type.kind === 'null')) return;
      const all = [input!, ...extra].filter((x) => x.validityPtr !== 0);
      if (all.length > 1) {
        runtime().withScratch(n, (v) => {
          this.mem.u8(v, n).set(this.mem.u8(all[0]!.validityPtr, n));
          for (const x of all.slice(1)) kernelFn('dates', 'and_validity')(v, x.validityPtr, n, v);
          this.update({ ...input!, validityPtr: v }, gids, n, _groups, mask);
        });
        return;
      }
      if (all.length === 1) input = all[0]!;
    }
    const validity = this.star ? mask : input!.validityPtr;
    if (this.ungrouped) this.k.agg_count_all!(validity, n, this.counts.ptr);
    else this.k.agg_count!(gids, validity, n, this.counts.ptr);
  }

  finish(start: number, count: number): Column {
    return finishFixed(this.mem, this.k, { kind: 'int64' }, this.counts.ptr, null, start, count);
  }

  release(): void {
    this.arrays.release();
  }
}

/** Types whose ungrouped min/max has a SIMD kernel (agg_min_all_*, agg_max_all_*). */
const MIN_MAX_ALL = new Set(['i32', 'i64', 'f64']);

/** min / max of fixed-width values. */
class MinMaxAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly state: GrowableBuffer;
  private readonly seen: GrowableBuffer;
  private readonly kernel: string;
  /** The SIMD ungrouped kernel, when there is one for the type. */
  private readonly allKernel: string | null;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
    ungrouped: boolean,
  ) {
    const input = spec.inputType!;
    this.arrays = new GroupArrays(mem, reservation);
    this.state = this.arrays.add(byteWidth(input));
    this.seen = this.arrays.add(1);
    const suffix = minMaxSuffix(input);
    this.kernel = byteWidth(input) === 16 ? 'agg_minmax_128' : `agg_${spec.fn}_${suffix}`;
    this.allKernel = ungrouped && MIN_MAX_ALL.has(suffix) && byteWidth(input) !== 16 ? `agg_${spec.fn}_all_${suffix}` : null;
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number): void {
    const c = input!;
    if (n === 0) return;
    if (this.kernel === 'agg_minmax_128') dec128().agg_minmax_128!(gids, c.valuesPtr, c.validityPtr, n, this.state.ptr, this.seen.ptr, this.spec.fn === 'max' ? 1 : 0);
    else if (this.allKernel) this.k[this.allKernel]!(c.valuesPtr, c.validityPtr, n, this.state.ptr, this.seen.ptr);
    else this.k[this.kernel]!(gids, c.valuesPtr, c.validityPtr, n, this.state.ptr, this.seen.ptr);
  }

  finish(start: number, count: number): Column {
    return finishFixed(this.mem, this.k, this.spec.resultType, this.state.ptr, this.seen.ptr, start, count);
  }

  release(): void {
    this.arrays.release();
  }
}

/** first(col[, ignoreNulls]) of fixed-width values. */
class FirstAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly state: GrowableBuffer;
  private readonly set: GrowableBuffer;
  private readonly width: number;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    this.width = byteWidth(spec.inputType!);
    this.arrays = new GroupArrays(mem, reservation);
    this.state = this.arrays.add(this.width);
    this.set = this.arrays.add(1);
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, _groups: number, mask = 0): void {
    const c = input!;
    if (n > 0 && this.width === 16) dec128().agg_first_128!(gids, c.valuesPtr, c.validityPtr, n, this.state.ptr, this.set.ptr, this.spec.ignoreNulls ? 1 : 0, mask);
    else if (n > 0) this.k[`agg_first_w${this.width}`]!(gids, c.valuesPtr, c.validityPtr, n, this.state.ptr, this.set.ptr, this.spec.ignoreNulls ? 1 : 0, mask);
  }

  finish(start: number, count: number): Column {
    return finishFixed(this.mem, this.k, this.spec.resultType, this.state.ptr, this.set.ptr, start, count);
  }

  release(): void {
    this.arrays.release();
  }
}

/** min / max / first of strings: each group's current value lives in a byte arena. */
class StringAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly refs: GrowableBuffer;
  private readonly flags: GrowableBuffer;
  private arena: GrowableBuffer;
  private readonly used: WasmBuffer;
  private groups = 0;
  private readonly mode: number;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    private readonly reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    this.arrays = new GroupArrays(mem, reservation);
    this.refs = this.arrays.add(12);
    this.flags = this.arrays.add(1);
    this.arena = new GrowableBuffer(mem, reservation, null);
    reservation.grow(4);
    this.used = WasmBuffer.allocate(mem, 4);
    mem.i32(this.used.ptr, 1)[0] = 0;
    this.mode = spec.fn === 'min' ? 0 : spec.fn === 'max' ? 1 : spec.ignoreNulls ? 3 : 2;
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask = 0): void {
    const c = input!;
    this.groups = numGroups;
    let done = 0;
    while (done < n) {
      done = this.k.agg_str!(gids, c.offsetsPtr, c.valuesPtr, c.validityPtr, n, done, this.refs.ptr, this.flags.ptr, this.arena.ptr, this.arena.byteLength, this.used.ptr, this.mode, mask);
      if (done < n) this.growArena();
    }
  }

  /** Moves the live strings into an arena twice as large (dropping bytes of replaced values). */
  private growArena(): void {
    const next = new GrowableBuffer(this.mem, this.reservation, null);
    next.ensure(Math.max(1024, this.arena.byteLength * 2), false);
    const used = this.k.agg_str_compact!(this.refs.ptr, this.groups, this.arena.ptr, next.ptr);
    this.mem.i32(this.used.ptr, 1)[0] = used;
    this.arena.release();
    this.arena = next;
  }

  finish(start: number, count: number): Column {
    const bytes = this.k.fin_str_len!(this.refs.ptr, this.flags.ptr, start, count);
    const values = WasmBuffer.allocate(this.mem, Math.max(1, bytes));
    const offsets = WasmBuffer.allocate(this.mem, (count + 1) * 4);
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = this.k.fin_str!(this.refs.ptr, this.arena.ptr, this.flags.ptr, start, count, offsets.ptr, values.ptr, validity.ptr);
    if (nulls === 0) {
      validity.release();
      return new Column(this.spec.resultType, count, values, null, offsets, 0);
    }
    return new Column(this.spec.resultType, count, values, validity, offsets, nulls);
  }

  release(): void {
    this.arrays.release();
    this.arena.release();
    this.used.release();
    this.reservation.shrink(4);
  }
}

/** Checks the result type of a decimal avg (or avg_merge): a decimal of at least the input's scale. */
function checkDecimalAvgSpec(spec: AccumulatorSpec): void {
  const input = spec.inputType!;
  const r = spec.resultType;
  if (input.kind !== 'decimal' || r.kind !== 'decimal' || r.scale < input.scale) {
    throw new InternalError(`${spec.fn}(${typeToString(input)}) (${spec.name}) needs a decimal input and a decimal result of at least its scale, got ${typeToString(r)}`);
  }
}

/**
 * The result of a decimal avg for groups [start, start + count) from its state arrays: unscaled
 * int128 sums with their agg_sum_128 flags (seen: 0 no value, 1 summed, 2 or 3 overflowed) and int64
 * counts. Spark's Average over decimal(p, s): the sum is checked against decimal(min(p + 10, 38), s)
 * (null beyond), then divided by the count HALF_UP at the result scale; null beyond the result
 * precision. Shared by AvgAccumulator and AvgMergeAccumulator so both finish bit-identically.
 */
function finishDecimalAvg(k: KernelExports, mem: WasmMemory, spec: AccumulatorSpec, sums: number, seen: number, counts: number, start: number, count: number, inputType?: DataType): Column {
  const r = spec.resultType as { kind: 'decimal'; precision: number; scale: number };
  const input = (inputType ?? spec.inputType) as { kind: 'decimal'; precision: number; scale: number };
  const sumPrecision = Math.min(38, input.precision + 10);
  const values = WasmBuffer.allocate(mem, Math.max(1, count) * byteWidth(r));
  const validity = WasmBuffer.allocate(mem, Math.max(1, count));
  void k;
  const nulls = dec128().fin_avg_128!(sums, seen, counts, start, count, sumPrecision, r.scale - input.scale, r.precision, byteWidth(r), values.ptr, validity.ptr);
  return columnWithNulls(r, count, values, validity, nulls);
}

/**
 * avg_sum_state(x) over decimal(p, s), the partial side of a split decimal avg: per group the exact
 * int128 unscaled sum of the non-null values, the sum state AvgAccumulator keeps (no precision check
 * yet: the final side applies it to the total, as a one-pass avg does). The result column is typed
 * decimal(38, s) (an internal state column, only read by avg_merge). Null when the group has no
 * non-null value or when the running sum overflowed (with count(x) > 0, avg_merge reads that as an
 * overflow).
 */
class AvgSumStateAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly sums: GrowableBuffer;
  private readonly seen: GrowableBuffer;

  constructor(
    _k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    const input = spec.inputType!;
    if (input.kind !== 'decimal' || spec.resultType.kind !== 'decimal' || spec.resultType.scale !== input.scale) {
      throw new InternalError(`avg_sum_state (${spec.name}) needs a decimal input and a result of the same scale, got ${typeToString(input)} -> ${typeToString(spec.resultType)}`);
    }
    this.arrays = new GroupArrays(mem, reservation);
    this.sums = this.arrays.add(16);
    this.seen = this.arrays.add(1);
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number): void {
    const c = input!;
    if (n > 0) dec128().agg_sum_128!(gids, c.valuesPtr, byteWidth(c.type), c.validityPtr, n, this.sums.ptr, this.seen.ptr);
  }

  finish(start: number, count: number): Column {
    // The int128 sums in the state column's width: null beyond 18 digits for an int64 column (read
    // by avg_merge as an overflow, like a sum that left int64), beyond 38 for an int128 one.
    const type = this.spec.resultType;
    const w = byteWidth(type);
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count) * w);
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = dec128().fin_sum_128!(this.sums.ptr, this.seen.ptr, start, count, w === 8 ? 18 : 38, w, values.ptr, validity.ptr);
    return columnWithNulls(type, count, values, validity, nulls);
  }

  release(): void {
    this.arrays.release();
  }
}

/**
 * avg_merge(sum_state, count_state, overflowed, NULL of x's type), the final side of a split decimal
 * avg: adds up the partial states of avg_sum_state(x) (input, exact int128 sums typed decimal(38, s))
 * and count(x) (first extra input, int64) per group into the same state AvgAccumulator keeps, and
 * finishes exactly like it (finishDecimalAvg, with x's decimal(p, s) from the third extra input's
 * type). The second extra input is a boolean, true for a partial whose sum overflowed int128
 * (sum_state null with count_state > 0): it marks the group overflowed (seen = 2), so the result is
 * null as in a one-pass avg. Sums stay exact in int128, so the result is bit-identical to one pass.
 */
class AvgMergeAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly sums: GrowableBuffer;
  private readonly seen: GrowableBuffer;
  private readonly counts: GrowableBuffer;
  /** Per-group scratch flags the count and overflow-mark kernels write (not read). */
  private readonly scratchSeen: GrowableBuffer;
  /** n bytes of 2: the mark agg_max_i8 folds into `seen` for overflowed partials. */
  private readonly twos: GrowableBuffer;
  private twosLength = 0;
  private readonly mask: GrowableBuffer;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    checkDecimalAvgSpec(spec);
    const [countType, flagType] = spec.extraInputTypes ?? [];
    if (countType?.kind !== 'int64' || flagType?.kind !== 'boolean') {
      throw new InternalError(`avg_merge (${spec.name}) needs (sum state, int64 count state, boolean overflow flag) inputs`);
    }
    this.arrays = new GroupArrays(mem, reservation);
    this.sums = this.arrays.add(16);
    this.seen = this.arrays.add(1);
    this.counts = this.arrays.add(8);
    this.scratchSeen = this.arrays.add(1);
    this.twos = new GrowableBuffer(mem, reservation, null);
    this.mask = new GrowableBuffer(mem, reservation, null);
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, _groups?: number, _mask?: number, extra?: readonly AggInput[]): void {
    const sum = input;
    const [count, flag] = extra ?? [];
    if (!sum || !count || !flag) throw new InternalError(`avg_merge (${this.spec.name}) needs three input columns`);
    if (n === 0) return;
    dec128().agg_sum_128!(gids, sum.valuesPtr, byteWidth(sum.type), sum.validityPtr, n, this.sums.ptr, this.seen.ptr);
    this.k.agg_sum_i64!(gids, count.valuesPtr, count.validityPtr, n, this.counts.ptr, this.scratchSeen.ptr);
    // Overflowed partials: seen[g] = max(seen[g], 2), sticky (agg_sum_128 only ORs 1 in, so the group stays invalid).
    let marks = flag.valuesPtr;
    if (flag.validityPtr !== 0) {
      this.mask.ensure(n, false);
      this.k.agg_mask_and!(flag.valuesPtr, flag.validityPtr, n, this.mask.ptr);
      marks = this.mask.ptr;
    }
    if (n > this.twosLength) {
      this.twos.ensure(n, false);
      this.mem.u8(this.twos.ptr, n).fill(2);
      this.twosLength = n;
    }
    this.k.agg_max_i8!(gids, this.twos.ptr, marks, n, this.seen.ptr, this.scratchSeen.ptr);
  }

  finish(start: number, count: number): Column {
    // The original input type (fourth input, a typed NULL; see aggregate-split.ts), else the state's.
    const original = this.spec.extraInputTypes?.[2];
    return finishDecimalAvg(this.k, this.mem, this.spec, this.sums.ptr, this.seen.ptr, this.counts.ptr, start, count, original);
  }

  release(): void {
    this.arrays.release();
    this.twos.release();
    this.mask.release();
  }
}

/** avg: double sum + count, or for decimals an unscaled sum (with overflow flag) + count. */
class AvgAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly sums: GrowableBuffer;
  private readonly counts: GrowableBuffer;
  private readonly seen: GrowableBuffer | null;
  private readonly decimal: boolean;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
  ) {
    const input = spec.inputType!;
    this.decimal = input.kind === 'decimal';
    this.arrays = new GroupArrays(mem, reservation);
    this.sums = this.arrays.add(this.decimal ? 16 : 8);
    this.counts = this.arrays.add(8);
    this.seen = this.decimal ? this.arrays.add(1) : null;
    if (this.decimal) {
      checkDecimalAvgSpec(spec);
    } else if (spec.resultType.kind !== 'float64') {
      throw new InternalError(`avg(${typeToString(input)}) must be a double, got ${typeToString(spec.resultType)}`);
    }
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number): void {
    const c = input!;
    if (n === 0) return;
    if (this.decimal) {
      dec128().agg_sum_128!(gids, c.valuesPtr, byteWidth(c.type), c.validityPtr, n, this.sums.ptr, this.seen!.ptr);
      this.k.agg_count!(gids, c.validityPtr, n, this.counts.ptr);
    } else {
      this.k[`agg_avg_${numericSuffix(c.type)}`]!(gids, c.valuesPtr, c.validityPtr, n, this.sums.ptr, this.counts.ptr);
    }
  }

  finish(start: number, count: number): Column {
    const type = this.spec.resultType;
    if (this.decimal) return finishDecimalAvg(this.k, this.mem, this.spec, this.sums.ptr, this.seen!.ptr, this.counts.ptr, start, count);
    const values = WasmBuffer.allocate(this.mem, Math.max(1, count) * 8);
    const validity = WasmBuffer.allocate(this.mem, Math.max(1, count));
    const nulls = this.k.fin_avg_f64!(this.sums.ptr, this.counts.ptr, start, count, values.ptr, validity.ptr);
    return columnWithNulls(type, count, values, validity, nulls);
  }

  release(): void {
    this.arrays.release();
  }
}

/** count(distinct col): a second key table over (group id, value) pairs; a new pair counts once. */
class CountDistinctAccumulator implements Accumulator {
  private readonly arrays: GroupArrays;
  private readonly counts: GrowableBuffer;
  private readonly pairs: KeyTable;
  private readonly pairIds: GrowableBuffer;

  constructor(
    private readonly k: KernelExports,
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    inputType: DataType,
  ) {
    this.arrays = new GroupArrays(mem, reservation);
    this.counts = this.arrays.add(8);
    this.pairIds = new GrowableBuffer(mem, reservation, null);
    this.pairs = new KeyTable(k, mem, [{ kind: 'int32' }, inputType], reservation, { nullsFormGroups: true });
  }

  grow(groups: number): void {
    this.arrays.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number): void {
    const c = input!;
    if (n === 0 || c.type.kind === 'null') return;
    this.pairIds.ensure(n * 4, false);
    const before = this.pairs.numGroups;
    const gidColumn = { type: { kind: 'int32' } as DataType, valuesPtr: gids, validityPtr: 0, offsetsPtr: 0 };
    this.pairs.insertMasked([gidColumn, c], n, c.validityPtr, this.pairIds.ptr);
    this.k.agg_count_distinct!(gids, this.pairIds.ptr, n, before, this.counts.ptr);
  }

  finish(start: number, count: number): Column {
    return finishFixed(this.mem, this.k, { kind: 'int64' }, this.counts.ptr, null, start, count);
  }

  release(): void {
    this.arrays.release();
    this.pairs.release();
    this.pairIds.release();
  }
}

/** An accumulator whose input is the null type: every result is null (sum, min, ...). */
class AllNullAccumulator implements Accumulator {
  constructor(
    private readonly mem: WasmMemory,
    private readonly type: DataType,
  ) {}
  grow(): void {}
  update(): void {}
  finish(_start: number, count: number): Column {
    return nullColumn(this.mem, this.type, count);
  }
  release(): void {}
}

/**
 * Creates the accumulator of `spec`, its state accounted in `reservation`. `ungrouped` (no group
 * keys: every row is group 0) lets sum, count, min and max use SIMD reductions that ignore the group ids.
 */
export function createAccumulator(spec: AccumulatorSpec, reservation: MemoryReservation, ungrouped = false): Accumulator {
  const rt = runtime();
  const k = rt.module('aggregate');
  const mem = rt.memory;
  const input = spec.inputType;
  if (spec.fn === 'count_star') return new CountAccumulator(k, mem, reservation, true, ungrouped);
  if (!input) throw new InternalError(`aggregate ${spec.fn} (${spec.name}) needs an input column`);
  const extra = spec.extraInputTypes ?? [];
  if (spec.mergeStates) return new MergeStatesAccumulator(createMergeable(spec, reservation));
  if (spec.stateColumn !== undefined) return new StateColumnAccumulator(createMergeable(spec, reservation), spec.stateColumn, true);
  // count(DISTINCT a, b, ...) and agg(DISTINCT ...): see DistinctAccumulator (min/max/bool DISTINCT = plain).
  if (spec.fn === 'count_distinct' && extra.length > 0) return new DistinctAccumulator(k, mem, reservation, [input, ...extra], null);
  const idempotent = spec.fn === 'min' || spec.fn === 'max' || spec.fn === 'bool_and' || spec.fn === 'bool_or' || spec.fn === 'first' || spec.fn === 'max_by' || spec.fn === 'min_by';
  if (spec.distinct && !idempotent && spec.fn !== 'count_distinct' && ![input, ...extra].some((t) => t.kind === 'null')) {
    const inner = createAccumulator({ ...spec, distinct: false }, reservation, false);
    try {
      return new DistinctAccumulator(k, mem, reservation, [input, ...extra], inner);
    } catch (e) {
      inner.release();
      throw e;
    }
  }
  if (spec.fn === 'collect_list' || spec.fn === 'collect_set') return new CollectAccumulator(spec, reservation, spec.fn === 'collect_set', ungrouped);
  if (spec.fn === 'histogram_numeric' && input.kind !== 'null') return new HistogramAccumulator(spec, reservation, ungrouped);
  if ((spec.fn === 'min' || spec.fn === 'max') && isNestedType(input)) {
    return new NestedMinMaxAccumulator(createAccumulator({ ...spec, inputType: DataTypes.String, resultType: DataTypes.String }, reservation, ungrouped), input);
  }
  if (spec.fn === 'count') return new CountAccumulator(k, mem, reservation, false, ungrouped);
  if (spec.fn === 'approx_count_distinct') return new HllAccumulator(mem, reservation, ungrouped);
  if (spec.fn === 'count_distinct') return new CountDistinctAccumulator(k, mem, reservation, input);
  if (spec.fn === 'count_if') return new CountIfAccumulator(k, mem, reservation, ungrouped);
  if (input.kind === 'null' || extra.some((t) => t.kind === 'null')) return new AllNullAccumulator(mem, spec.resultType);
  if (spec.fn === 'percentile_cont' || spec.fn === 'percentile_disc') return new PercentileAccumulator(mem, reservation, spec, ungrouped);
  if (isMomentFunction(spec.fn)) return new MomentsAccumulator(mem, reservation, spec);
  if (isCoMomentFunction(spec.fn)) return new CoMomentsAccumulator(mem, reservation, spec);
  if (spec.fn === 'max_by' || spec.fn === 'min_by') return new ByAccumulator(mem, reservation, spec);
  if (spec.fn === 'bool_and' || spec.fn === 'bool_or') {
    if (input.kind !== 'boolean') throw new InternalError(`${spec.fn} (${spec.name}) needs a boolean input, got ${typeToString(input)}`);
    return new MinMaxAccumulator(k, mem, reservation, { ...spec, fn: spec.fn === 'bool_and' ? 'min' : 'max' }, ungrouped);
  }
  switch (spec.fn) {
    case 'sum':
      return new SumAccumulator(k, mem, reservation, spec, ungrouped);
    case 'avg':
      return new AvgAccumulator(k, mem, reservation, spec);
    case 'avg_sum_state':
      return new AvgSumStateAccumulator(k, mem, reservation, spec);
    case 'avg_merge':
      return new AvgMergeAccumulator(k, mem, reservation, spec);
    case 'min':
    case 'max':
    case 'first':
      if (input.kind === 'utf8') return new StringAccumulator(k, mem, reservation, spec);
      return spec.fn === 'first' ? new FirstAccumulator(k, mem, reservation, spec) : new MinMaxAccumulator(k, mem, reservation, spec, ungrouped);
    default:
      throw new InternalError(`no accumulator for aggregate ${spec.fn} (${spec.name})`);
  }
}

function isMergeable(acc: Accumulator): acc is MergeableAccumulator {
  return 'stateColumns' in acc && 'merge' in acc;
}

/** The mergeable accumulator of a state-column or merge spec (the function's own, without those flags). */
function createMergeable(spec: AccumulatorSpec, reservation: MemoryReservation): MergeableAccumulator {
  const plain: AccumulatorSpec = { fn: spec.fn, inputType: spec.inputType, resultType: spec.resultType, name: spec.name, ...(spec.extraInputTypes ? { extraInputTypes: spec.extraInputTypes } : {}) };
  if (spec.distinct) throw new InternalError(`${spec.fn} (${spec.name}): a DISTINCT aggregate has no mergeable state`);
  const acc = createAccumulator(plain, reservation);
  if (!isMergeable(acc)) {
    acc.release();
    throw new InternalError(`${spec.fn} (${spec.name}) has no mergeable state`);
  }
  return acc;
}

/**
 * Final side of a split aggregate (AccumulatorSpec.mergeStates): every update's input and extra
 * inputs are state columns (non-null doubles), merged into the inner accumulator's groups; finish
 * is the inner function's result.
 */
class MergeStatesAccumulator implements Accumulator {
  constructor(private readonly inner: MergeableAccumulator) {}

  grow(groups: number): void {
    this.inner.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, numGroups: number, _mask?: number, extra?: readonly AggInput[]): void {
    if (n === 0) return;
    if (!input) throw new InternalError('merging aggregate states needs the state columns as inputs');
    this.inner.merge([input, ...(extra ?? [])], gids, n, numGroups);
  }

  finish(start: number, count: number): Column {
    return this.inner.finish(start, count);
  }

  release(): void {
    this.inner.release();
  }
}

/**
 * Partial side of a split aggregate (AccumulatorSpec.stateColumn): one state column of an
 * accumulator shared by the state columns of the same call. Only the owner (the first column's
 * view) updates and releases it.
 */
class StateColumnAccumulator implements Accumulator {
  constructor(
    private readonly shared: MergeableAccumulator,
    private readonly column: number,
    private readonly owner: boolean,
  ) {}

  grow(groups: number): void {
    if (this.owner) this.shared.grow(groups);
  }

  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask?: number, extra?: readonly AggInput[]): void {
    if (this.owner) this.shared.update(input, gids, n, numGroups, mask, extra);
  }

  finish(start: number, count: number): Column {
    return this.shared.stateColumn(this.column, start, count);
  }

  release(): void {
    if (this.owner) this.shared.release();
  }
}

/** The `aggregate` kernel module (for the key table of a hash aggregation). */
export function aggregateKernels(): KernelExports {
  return runtime().module('aggregate');
}

/**
 * The state of a hash aggregation: a KeyTable mapping rows to group ids (none without group keys:
 * one group) and one accumulator per aggregate. `update` folds rows in; groups come out in order of
 * first appearance. All memory is accounted in the reservation.
 */
export class HashAggregation {
  private readonly accs: Accumulator[] = [];
  private readonly table: KeyTable | null = null;
  private readonly gids: GrowableBuffer;
  private readonly k: KernelExports;
  /** Scratch of filtered updates: the row mask, and the validity of each nullable input restricted to it. */
  private readonly maskBuf: GrowableBuffer;
  private readonly validityBufs: GrowableBuffer[] = [];

  constructor(keyTypes: readonly DataType[], specs: readonly AccumulatorSpec[], private readonly reservation: MemoryReservation) {
    const rt = runtime();
    const ungrouped = keyTypes.length === 0;
    this.k = rt.module('aggregate');
    this.gids = new GrowableBuffer(rt.memory, reservation, 0); // zero-filled: the ids of an ungrouped aggregation
    this.maskBuf = new GrowableBuffer(rt.memory, reservation, null);
    try {
      // State columns of one call (same stateShareKey) share the first one's accumulator.
      const shared = new Map<string, MergeableAccumulator>();
      for (const spec of specs) {
        const key = spec.stateColumn !== undefined ? spec.stateShareKey : undefined;
        const owner = key === undefined ? undefined : shared.get(key);
        if (owner) {
          this.accs.push(new StateColumnAccumulator(owner, spec.stateColumn!, false));
          continue;
        }
        const acc = key === undefined ? createAccumulator(spec, reservation, ungrouped) : createMergeable(spec, reservation);
        if (key === undefined) this.accs.push(acc);
        else {
          shared.set(key, acc as MergeableAccumulator);
          this.accs.push(new StateColumnAccumulator(acc as MergeableAccumulator, spec.stateColumn!, true));
        }
      }
      if (ungrouped) {
        for (const acc of this.accs) acc.grow(1);
      } else {
        this.table = new KeyTable(rt.module('aggregate'), rt.memory, keyTypes, reservation, {
          nullsFormGroups: true,
          onGrow: (cap) => this.accs.forEach((acc) => acc.grow(cap)),
        });
        for (const acc of this.accs) acc.grow(this.table.groupCapacity);
      }
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Number of groups so far (1 without group keys). */
  get numGroups(): number {
    return this.table ? this.table.numGroups : 1;
  }

  /**
   * Folds `n` rows in: their key columns and each aggregate's input (null for count(*)); `extras[i]`
   * are aggregate i's further inputs (two-argument aggregates, count(DISTINCT a, b)), if any.
   */
  update(keys: readonly KeyInput[], inputs: readonly (AggInput | null)[], n: number, extras?: readonly (readonly AggInput[] | undefined)[]): void {
    if (n === 0) return;
    this.gids.ensure(n * 4, false);
    const gids = this.gids.ptr;
    const table = this.table;
    if (!table) {
      this.accs.forEach((acc, i) => acc.update(inputs[i] ?? null, gids, n, 1, 0, extras?.[i]));
      return;
    }
    // The hot case: one int32 key mapped directly and a sum over a column without nulls, in one pass.
    let fusedIdx = -1;
    let summed = 0;
    if (table.canFuseSum(keys[0]!)) {
      for (let i = 0; i < this.accs.length && fusedIdx < 0; i++) {
        const input = inputs[i];
        const f = input ? this.accs[i]!.fusion?.(input) : null;
        if (f) {
          fusedIdx = i;
          summed = table.insertWithSum(keys[0]!, n, gids, f.kernel, input!.valuesPtr, f.sums);
        }
      }
    }
    if (fusedIdx < 0) table.insert(keys, n, gids);
    const groups = table.numGroups;
    this.accs.forEach((acc, i) => {
      if (i !== fusedIdx) {
        acc.update(inputs[i] ?? null, gids, n, groups, 0, extras?.[i]);
        return;
      }
      acc.fused!(groups);
      if (summed < n) acc.update(inputView(inputs[i]!, summed), gids + summed * 4, n - summed, groups);
    });
  }

  /**
   * Folds in only the rows of a batch where `predicate` (a boolean column of the batch's `n` rows;
   * null counts as false, like WHERE) is true; the other rows are ignored entirely: they create no
   * group and no accumulator sees them. A batch whose rows all pass takes the unmasked path (update);
   * one where none pass is skipped.
   *
   * Without group keys the accumulators apply the predicate as a row mask (no copy). With group
   * keys, the passing rows of the key and input columns (only those) are gathered first: masked
   * grouped kernels measured slower than the gather (a mask branch per row in the key table and
   * each accumulator, mispredicted on selective filters, and every row visited however few pass).
   */
  updateWhere(keys: readonly Column[], inputs: readonly (Column | null)[], n: number, predicate: Column, extras?: readonly (readonly Column[] | undefined)[]): void {
    if (predicate.length !== n) throw new InternalError(`aggregate filter: the predicate has ${predicate.length} rows, the batch has ${n}`);
    if (this.table) {
      this.updateSelected(keys, inputs, n, predicate, extras);
      return;
    }
    if (predicate.type.kind !== 'boolean' && predicate.type.kind !== 'null') {
      throw new InvalidArgumentError(`aggregate filter must be boolean, got ${typeToString(predicate.type)}`);
    }
    if (n === 0 || predicate.type.kind === 'null') return;
    if (predicate.validityPtr !== 0) this.maskBuf.ensure(n, false);
    const passing = this.k.agg_mask_prepare!(predicate.valuesPtr, predicate.validityPtr, n, this.maskBuf.ptr);
    if (passing === 0) return;
    if (passing === n) {
      this.update(keys, inputs, n, extras);
      return;
    }
    const mask = predicate.validityPtr === 0 ? predicate.valuesPtr : this.maskBuf.ptr;
    this.gids.ensure(n * 4, false); // all zero: group 0
    // Each input as the accumulators see it: its validity restricted to the mask (one buffer per
    // distinct nullable validity; a column without nulls takes the mask itself).
    const restricted = new Map<number, number>();
    const restrict = (input: Column): AggInput => {
      let validity = input.validityPtr === 0 ? mask : restricted.get(input.validityPtr);
      if (validity === undefined) {
        const buf = (this.validityBufs[restricted.size] ??= new GrowableBuffer(runtime().memory, this.reservation, null));
        buf.ensure(n, false);
        this.k.agg_mask_and!(input.validityPtr, mask, n, buf.ptr);
        restricted.set(input.validityPtr, buf.ptr);
        validity = buf.ptr;
      }
      // Explicit fields: a Column's addresses are getters, which a spread would drop.
      return { type: input.type, valuesPtr: input.valuesPtr, validityPtr: validity, offsetsPtr: input.offsetsPtr };
    };
    for (let i = 0; i < this.accs.length; i++) {
      const input = inputs[i];
      const view: AggInput | null = input ? restrict(input) : null;
      this.accs[i]!.update(view, this.gids.ptr, n, 1, mask, extras?.[i]?.map(restrict));
    }
  }

  /** updateWhere with group keys: gathers the passing rows of each key and input column (once each), then update(). */
  private updateSelected(keys: readonly Column[], inputs: readonly (Column | null)[], n: number, predicate: Column, extras?: readonly (readonly Column[] | undefined)[]): void {
    const { indices, count } = selectionFromMask(predicate);
    const gathered = new Map<Column, Column>();
    try {
      if (count === 0) return;
      if (count === n) {
        this.update(keys, inputs, n, extras);
        return;
      }
      const take = (c: Column): Column => {
        let g = gathered.get(c);
        if (!g) {
          g = takeColumnAt(c, indices.ptr, count);
          gathered.set(c, g);
        }
        return g;
      };
      this.update(keys.map(take), inputs.map((c) => (c ? take(c) : null)), count, extras?.map((xs) => xs?.map(take)));
    } finally {
      indices.release();
      for (const c of gathered.values()) c.release();
    }
  }

  /**
   * Partial/final aggregation (multi-core), partial side: the per-group state of aggregate `i` for
   * groups [start, start + count) as float64 columns (owned by the caller), or null when that
   * accumulator's state is not exportable (see MergeableAccumulator in moments.ts; today the
   * statistical aggregates: var/stddev/skewness/kurtosis and covar/corr/regr_*).
   */
  stateColumns(i: number, start: number, count: number): Column[] | null {
    const acc = this.accs[i];
    return acc && isMergeable(acc) ? acc.stateColumns(start, count) : null;
  }

  /**
   * Partial/final aggregation, final side: folds `n` partial rows in, each one group's partial keys
   * and, per aggregate i, the state columns `states[i]` exported by another aggregation's
   * stateColumns(i, ...) (same functions in the same order). Keys are mapped to this aggregation's
   * groups like update() does, so the results are those of aggregating all the rows in one place.
   */
  mergeStates(keys: readonly KeyInput[], states: readonly (readonly AggInput[])[], n: number): void {
    if (n === 0) return;
    this.accs.forEach((acc, i) => {
      if (!isMergeable(acc)) throw new InternalError(`aggregate ${i} of this aggregation has no mergeable state`);
      if (!states[i]) throw new InternalError(`mergeStates: no state columns for aggregate ${i}`);
    });
    this.gids.ensure(n * 4, false);
    let groups = 1;
    if (this.table) {
      this.table.insert(keys, n, this.gids.ptr);
      groups = this.table.numGroups;
    } else {
      this.gids.fillPrefix(0, n * 4);
    }
    this.accs.forEach((acc, i) => (acc as MergeableAccumulator).merge(states[i]!, this.gids.ptr, n, groups));
  }

  /** Group key column `c` of groups [start, start + count). */
  keyColumn(c: number, start: number, count: number): Column {
    if (!this.table) throw new InternalError('an ungrouped aggregation has no key columns');
    return this.table.keyColumn(c, start, count);
  }

  /** Result column of aggregate `i` for groups [start, start + count). */
  result(i: number, start: number, count: number): Column {
    return this.accs[i]!.finish(start, count);
  }

  /** Frees the scratch kept between updates (call once every row is in). */
  releaseScratch(): void {
    this.gids.release();
    this.maskBuf.release();
    for (const b of this.validityBufs) b.release();
  }

  /** Frees all state (idempotent). */
  release(): void {
    this.releaseScratch();
    this.table?.release();
    for (const acc of this.accs) acc.release();
    this.accs.length = 0;
  }
}

/** Result of `groupBy`: the distinct keys and one result column per aggregate, group by group. */
export interface GroupByResult {
  readonly keys: Column[];
  readonly results: Column[];
}

/** Rows per update of `groupBy`: keeps the group ids of a chunk in cache. */
const GROUP_BY_CHUNK = 65536;

/**
 * One-shot hash aggregation of columns already in memory (all of the same length): groups by `keys`
 * (none: one group) and computes each aggregate over its input column. Groups come out in order of
 * first appearance. Operators use HashAggregation directly, batch by batch.
 */
export function groupBy(
  keys: readonly Column[],
  aggregates: readonly { spec: AccumulatorSpec; input: Column | null; extra?: readonly Column[] }[],
  reservation: MemoryReservation,
  /** Rows per update (tests use small chunks to mimic many batches). */
  chunkRows = GROUP_BY_CHUNK,
): GroupByResult {
  const n = keys[0]?.length ?? aggregates.find((a) => a.input)?.input?.length ?? 0;
  const agg = new HashAggregation(keys.map((c) => c.type), aggregates.map((a) => a.spec), reservation);
  try {
    for (let off = 0; off < n; off += chunkRows) {
      const m = Math.min(chunkRows, n - off);
      agg.update(keys.map((c) => inputView(c, off)), aggregates.map((a) => (a.input ? inputView(a.input, off) : null)), m, aggregates.map((a) => a.extra?.map((c) => inputView(c, off))));
    }
    agg.releaseScratch();
    const groups = agg.numGroups;
    const keyCols: Column[] = [];
    const results: Column[] = [];
    try {
      keys.forEach((_, c) => keyCols.push(agg.keyColumn(c, 0, groups)));
      aggregates.forEach((_, i) => results.push(agg.result(i, 0, groups)));
    } catch (e) {
      for (const c of [...keyCols, ...results]) c.release();
      throw e;
    }
    return { keys: keyCols, results };
  } finally {
    agg.release();
  }
}
