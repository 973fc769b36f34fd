import { InternalError, NotImplementedError } from '../errors.js';
import { argsort, type SortKey, sortScratchBytes } from '../kernels/sort.js';
import { sliceBatch, takeBatchAt, takeColumnAt } from '../kernels/take.js';
import { castColumn } from '../kernels/cast.js';
import {
  type BoundMode,
  type Extents,
  type FrameBoundSpec,
  type RangeBoundSpec,
  frameBool,
  frameCollect,
  frameDistinctCount,
  frameNth,
  frameStatistic,
  isStatisticFunction,
  ntile,
  rankDistribution,
  lagLeadIgnoreNulls,
  partitionPercentile,
  rangeFrameBounds,
  segmentIds,
  copyFlags,
  denseRank,
  frameAvg,
  frameBounds,
  frameCount,
  frameMinMax,
  frameSum,
  lagLead,
  markBoundaries,
  rank,
  rowNumber,
  segmentBounds,
  zeroFlags,
} from '../kernels/window.js';
import type { FrameBoundary, WindowFn, WindowFrame } from '../plan/expression.js';
import { Batch } from '../types/batch.js';
import { Column } from '../types/column.js';
import { concatColumns } from '../types/arrow-interop.js';
import { type DataType, typeToString } from '../types/data-type.js';
import { Schema, field } from '../types/schema.js';
import { MemoryReservation, type WasmBuffer } from '../wasm/memory.js';
import { type ExecContext, PhysicalOperator } from './operator.js';

/** One window function of a WindowExec. */
export interface WindowFunctionSpec {
  readonly fn: WindowFn;
  /** Column of the child with the value (aggregates other than count(*), lag/lead); null for none. */
  readonly input: number | null;
  /** lag/lead: column of the child with the default value (of the value's type). */
  readonly defaultInput?: number | null;
  /** lag/lead: the row offset (lag looks back, lead forward). */
  readonly offset?: number;
  /** Aggregates: the frame (required); ignored by ranking and lag/lead. */
  readonly frame?: WindowFrame;
  /** covar/corr/regr_*: column of the child with the second argument. */
  readonly input2?: number;
  /** first_value / last_value / nth_value / lag / lead: IGNORE NULLS. */
  readonly ignoreNulls?: boolean;
  /** percentile_cont / percentile_disc: fraction and WITHIN GROUP direction (the frame is the partition). */
  readonly percentile?: { readonly fraction: number; readonly descending: boolean };
  /** Output column name and type. */
  readonly name: string;
  readonly resultType: DataType;
  readonly nullable: boolean;
}

function columnsBytes(columns: readonly Column[]): number {
  let bytes = 0;
  for (const c of columns) bytes += (c.values?.byteLength ?? 0) + (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0);
  return bytes;
}

function lowerMode(b: FrameBoundary, range: boolean): FrameBoundSpec {
  if (b === 'unboundedPreceding') return { mode: 'partitionStart', offset: 0 };
  if (b === 'currentRow') return range ? { mode: 'peerStart', offset: 0 } : { mode: 'row', offset: 0 };
  if (b === 'unboundedFollowing') return { mode: 'partitionEnd', offset: 0 };
  if (range || typeof b !== 'number') throw new InternalError(`Window: a RANGE value offset reached the ROWS frame path`);
  return { mode: 'row', offset: b };
}

function upperMode(b: FrameBoundary, range: boolean): FrameBoundSpec {
  if (b === 'unboundedFollowing') return { mode: 'partitionEnd', offset: 0 };
  if (b === 'currentRow') return range ? { mode: 'peerEnd', offset: 0 } : { mode: 'row', offset: 0 };
  if (b === 'unboundedPreceding') return { mode: 'partitionStart', offset: 0 };
  if (range || typeof b !== 'number') throw new InternalError(`Window: a RANGE value offset reached the ROWS frame path`);
  return { mode: 'row', offset: b };
}

const PEER_MODES: readonly BoundMode[] = ['peerStart', 'peerEnd'];

/** True if a RANGE frame has a value offset (a number or an interval) on either side. */
function hasValueOffset(f: WindowFrame | undefined): boolean {
  return f?.type === 'range' && [f.lower, f.upper].some((b) => typeof b === 'number' || typeof b === 'object');
}

/** True if the frame's bounds need peer-group extents. */
function needsPeers(f: WindowFrame | undefined): boolean {
  return f?.type === 'range' && (f.lower === 'currentRow' || f.upper === 'currentRow' || hasValueOffset(f));
}

/**
 * The frame sum/avg kernels produce int64 unscaled decimals: a result type wider than 18 digits
 * (Spark's sum: p + 10, avg: p + 4) is computed as decimal(18, s) and then widened (exact unless
 * the int64 sum itself overflows, i.e. beyond 9.2e18 unscaled).
 */
function compactDecimal(t: DataType): DataType {
  return t.kind === 'decimal' && t.precision > 18 ? { kind: 'decimal', precision: 18, scale: t.scale } : t;
}

/** Casts a compact decimal result to its (wide) result type; passes other columns through. Consumes `c`. */
function widenDecimal(c: Column, t: DataType): Column {
  if (t.kind !== 'decimal' || t.precision <= 18) return c;
  try {
    return castColumn(c, t);
  } finally {
    c.release();
  }
}

/** Frame bounds of a ROWS frame or a RANGE frame without value offsets; `backward`: frames end at the partition's end. */
function rowsOrPeerFrame(frame: WindowFrame, ext: Extents, n: number): { lo: WasmBuffer; hi: WasmBuffer; backward: boolean } {
  const range = frame.type === 'range';
  const lower = lowerMode(frame.lower, range);
  const upper = upperMode(frame.upper, range);
  if ((PEER_MODES.includes(lower.mode) || PEER_MODES.includes(upper.mode)) && !ext.peerStart) {
    throw new InternalError('Window: peer extents missing for a RANGE frame');
  }
  const { lo, hi } = frameBounds(ext, n, lower, upper);
  return { lo, hi, backward: upper.mode === 'partitionEnd' && lower.mode !== 'partitionStart' };
}

/** The order key of a RANGE frame as int64 (integers, dates, timestamps, decimal unscaled) or float64 values. */
function rangeKey(key: Column): { key: Column; unit: 'none' | 'date' | 'timestamp'; scale: number } {
  const t = key.type;
  const share = (kind: 'int32' | 'int64') => new Column({ kind }, key.length, key.values?.retain() ?? null, key.validity?.retain() ?? null, null, key.nullCount);
  switch (t.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return { key: castColumn(key, { kind: 'int64' }), unit: 'none', scale: 0 };
    case 'date32': {
      const days = share('int32');
      try {
        return { key: castColumn(days, { kind: 'int64' }), unit: 'date', scale: 0 };
      } finally {
        days.release();
      }
    }
    case 'timestamp':
      return { key: share('int64'), unit: 'timestamp', scale: 0 };
    case 'decimal':
      if (t.precision > 18) throw new NotImplementedError(`Window: RANGE frames with value offsets over ${typeToString(t)} (decimals beyond 18 digits)`);
      return { key: share('int64'), unit: 'none', scale: t.scale };
    case 'float32':
    case 'float64':
      return { key: castColumn(key, { kind: 'float64' }), unit: 'none', scale: 0 };
    default:
      throw new NotImplementedError(`Window: RANGE frames with value offsets over ${typeToString(t)} order keys`);
  }
}

/** Frame bounds of a RANGE frame with value offsets over the single order key `keyCol` (sorted within partitions). */
function rangeValueFrame(frame: WindowFrame, keyCol: Column, descending: boolean, ext: Extents, n: number): { lo: WasmBuffer; hi: WasmBuffer; backward: boolean } {
  const { key, unit, scale } = rangeKey(keyCol);
  try {
    const spec = (b: FrameBoundary, lower: boolean): RangeBoundSpec => {
      if (b === 'unboundedPreceding') return { mode: 'partitionStart', offset: 0, months: 0 };
      if (b === 'unboundedFollowing') return { mode: 'partitionEnd', offset: 0, months: 0 };
      if (b === 'currentRow') return { mode: lower ? 'peerStart' : 'peerEnd', offset: 0, months: 0 };
      if (typeof b === 'number') return { mode: 'value', offset: scale ? Math.round(b * 10 ** scale) : b, months: 0 };
      // an interval: micros for timestamps, whole days for dates
      const offset = unit === 'timestamp' ? b.micros : unit === 'date' ? Math.trunc(b.micros / 86_400_000_000) : NaN;
      if (Number.isNaN(offset)) throw new InternalError('Window: an interval RANGE offset over a non-datetime key');
      return { mode: 'value', offset, months: b.months };
    };
    const lower = spec(frame.lower, true);
    const upper = spec(frame.upper, false);
    const { lo, hi } = rangeFrameBounds(key, ext, n, descending, lower, upper, unit);
    return { lo, hi, backward: upper.mode === 'partitionEnd' && lower.mode !== 'partitionStart' };
  } finally {
    key.release();
  }
}

/** percentile_cont / percentile_disc of each partition's values, on every row of the partition. */
function percentileOverPartitions(value: Column, f: WindowFunctionSpec, partFlags: WasmBuffer, ext: Extents, n: number): Column {
  const p = f.percentile;
  if (!p) throw new InternalError(`Window: ${f.fn} without a percentile`);
  if (value.type.kind !== 'float64') throw new InternalError(`Window: ${f.fn} needs a double input (the analyzer casts it)`);
  const ids = segmentIds(partFlags, n);
  let sorted: Column | null = null;
  try {
    const cols = [ids, value];
    const perm = argsort(cols, [{ index: 0, ascending: true, nullsFirst: true }, { index: 1, ascending: true, nullsFirst: false }], n);
    try {
      sorted = takeColumnAt(value, perm.ptr, n);
    } finally {
      perm.release();
    }
    return partitionPercentile(sorted, ext, n, p.fraction, f.fn === 'percentile_disc', p.descending);
  } finally {
    ids.release();
    sorted?.release();
  }
}

/**
 * Window (Spark's WindowExec): a blocking operator that computes window functions over one window
 * specification. It holds its whole input (under a MemoryReservation named 'Window' with
 * ctx.operatorMemoryBudget), sorts it once by (partition keys ascending nulls first, order keys)
 * with the argsort kernel, finds partition and peer-group boundaries with the window kernels, and
 * computes every function over the sorted rows: ranks (and cume_dist/percent_rank/ntile) from the
 * boundaries, lag/lead as index shifts plus a gather (IGNORE NULLS: the k-th valid row via prefix
 * counts), aggregates over per-row frame bounds (ROWS offsets, RANGE peers, RANGE value offsets by
 * binary search over the single order key): prefix sums, sliding sums, monotonic-deque min/max,
 * first/last/nth value as index arithmetic, moment states folded per frame, boolean counts, lists
 * and distinct counts; percentile_cont/disc sort each partition's values once. Output: the child's columns followed by one column per function, in the sorted order
 * (Spark promises no order), in batches of at most ctx.batchSize rows.
 */
export class WindowExec extends PhysicalOperator {
  readonly name = 'Window';
  readonly children: readonly PhysicalOperator[];
  readonly schema: Schema;

  constructor(
    readonly child: PhysicalOperator,
    /** Child columns of the partition keys. */
    readonly partitionKeys: readonly number[],
    /** Child columns and directions of the order keys. */
    readonly orderKeys: readonly SortKey[],
    readonly functions: readonly WindowFunctionSpec[],
  ) {
    super();
    this.children = [child];
    const width = child.schema.length;
    const check = (i: number | null | undefined, what: string) => {
      if (i !== null && i !== undefined && (!Number.isInteger(i) || i < 0 || i >= width)) {
        throw new InternalError(`Window: ${what} column ${i} is outside the child's ${width} columns`);
      }
    };
    partitionKeys.forEach((i) => check(i, 'partition key'));
    orderKeys.forEach((k) => check(k.index, 'order key'));
    for (const f of functions) {
      check(f.input, `${f.fn} input`);
      check(f.defaultInput, `${f.fn} default`);
      if ((f.fn === 'lag' || f.fn === 'lead') && (f.input === null || f.defaultInput === null || f.defaultInput === undefined)) {
        throw new InternalError(`Window: ${f.fn} needs a value and a default column`);
      }
      if (!['row_number', 'rank', 'dense_rank', 'lag', 'lead', 'cume_dist', 'percent_rank', 'ntile'].includes(f.fn) && !f.frame) throw new InternalError(`Window: ${f.fn} needs a frame`);
      if (hasValueOffset(f.frame) && orderKeys.length !== 1) throw new InternalError(`Window: ${f.fn}'s RANGE frame with value offsets needs exactly one order key`);
      check(f.input2, `${f.fn} second input`);
    }
    this.schema = new Schema([...child.schema.fields, ...functions.map((f) => field(f.name, f.resultType, f.nullable))]);
  }

  describe(): string {
    const names = this.child.schema.fields;
    const part = this.partitionKeys.map((i) => names[i]!.name).join(', ');
    const order = this.orderKeys.map((k) => `${names[k.index]!.name} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
    return `[${this.functions.map((f) => f.name).join(', ')}], [${part}], [${order}]`;
  }

  async *execute(ctx: ExecContext): AsyncGenerator<Batch> {
    const reservation = new MemoryReservation('Window', ctx.operatorMemoryBudget);
    const batches: Batch[] = [];
    const owned: { release(): void }[] = [];
    let columns: Column[] = [];
    let sorted: Batch | null = null;
    let out: Batch | null = null;
    const results: Column[] = [];
    try {
      // Sink: hold every input batch.
      let n = 0;
      for await (const b of this.child.execute(ctx)) {
        batches.push(b);
        reservation.grow(columnsBytes(b.columns));
        n += b.numRows;
      }
      if (n === 0) return;
      const childSchema = this.child.schema;
      if (batches.length === 1) columns = batches[0]!.columns.map((c) => c.retain());
      else {
        reservation.grow(reservation.bytes);
        for (let i = 0; i < childSchema.length; i++) {
          columns.push(concatColumns(ctx.runtime, childSchema.fields[i]!.type, batches.map((b) => b.columns[i]!)));
        }
      }
      for (const b of batches.splice(0)) b.release();
      reservation.resize(columnsBytes(columns));

      // Sort once by (partition keys, order keys); stable, so ties keep their input order.
      const keys: SortKey[] = [...this.partitionKeys.map((index) => ({ index, ascending: true, nullsFirst: true })), ...this.orderKeys];
      const input = new Batch(childSchema, columns, n);
      if (keys.length > 0) {
        const scratch = sortScratchBytes(columns, keys, n) + n * 4;
        reservation.grow(scratch + columnsBytes(columns));
        const perm = argsort(columns, keys, n);
        try {
          sorted = takeBatchAt(input, perm.ptr, n);
        } finally {
          perm.release();
        }
        for (const c of columns.splice(0)) c.release();
        reservation.resize(columnsBytes(sorted.columns));
      } else {
        sorted = input;
        columns = [];
      }

      // Partition and peer-group extents.
      const needPeers = this.functions.some((f) => f.fn === 'rank' || f.fn === 'dense_rank' || f.fn === 'cume_dist' || f.fn === 'percent_rank' || needsPeers(f.frame));
      reservation.grow(n * (needPeers ? 18 : 9));
      const keep = <T extends { release(): void }>(x: T): T => {
        owned.push(x);
        return x;
      };
      const partFlags = keep(zeroFlags(n));
      markBoundaries(this.partitionKeys.map((i) => sorted!.columns[i]!), n, partFlags);
      const part = segmentBounds(partFlags, n);
      keep(part.start);
      keep(part.end);
      let peerFlags: WasmBuffer | undefined;
      let ext: Extents = { partStart: part.start, partEnd: part.end };
      if (needPeers) {
        peerFlags = keep(copyFlags(partFlags, n));
        markBoundaries(this.orderKeys.map((k) => sorted!.columns[k.index]!), n, peerFlags);
        const peer = segmentBounds(peerFlags, n);
        keep(peer.start);
        keep(peer.end);
        ext = { ...ext, peerStart: peer.start, peerEnd: peer.end };
      }

      // Functions.
      for (const f of this.functions) {
        reservation.grow(n * 8 + n * 16);
        const col = (i: number | null | undefined): Column => {
          if (i === null || i === undefined) throw new InternalError(`Window: ${f.fn} has no input column`);
          return sorted!.columns[i]!;
        };
        let r: Column;
        switch (f.fn) {
          case 'row_number':
            r = rowNumber(part.start, n);
            break;
          case 'rank':
            r = rank(part.start, ext.peerStart!, n);
            break;
          case 'dense_rank':
            r = denseRank(partFlags, peerFlags!, n);
            break;
          case 'lag':
          case 'lead': {
            const off = f.offset ?? 1;
            r = f.ignoreNulls
              ? lagLeadIgnoreNulls(col(f.input), col(f.defaultInput), ext, n, f.fn === 'lag' ? off : -off)
              : lagLead(col(f.input), col(f.defaultInput), part.start, part.end, n, f.fn === 'lag' ? off : -off);
            break;
          }
          case 'cume_dist':
          case 'percent_rank':
            r = rankDistribution(ext, n, f.fn);
            break;
          case 'ntile':
            r = ntile(part.start, part.end, n, f.offset ?? 1);
            break;
          case 'percentile_cont':
          case 'percentile_disc':
            r = percentileOverPartitions(col(f.input), f, partFlags, ext, n);
            break;
          default: {
            const frame = f.frame!;
            const { lo, hi, backward } = hasValueOffset(frame)
              ? rangeValueFrame(frame, sorted.columns[this.orderKeys[0]!.index]!, !this.orderKeys[0]!.ascending, ext, n)
              : rowsOrPeerFrame(frame, ext, n);
            try {
              switch (f.fn) {
                case 'first_value':
                  r = frameNth(col(f.input), lo, hi, n, 1, false, f.ignoreNulls === true);
                  break;
                case 'last_value':
                  r = frameNth(col(f.input), lo, hi, n, 1, true, f.ignoreNulls === true);
                  break;
                case 'nth_value':
                  r = frameNth(col(f.input), lo, hi, n, f.offset ?? 1, false, f.ignoreNulls === true);
                  break;
                case 'bool_and':
                case 'bool_or':
                  r = frameBool(col(f.input), lo, hi, n, f.fn === 'bool_and');
                  break;
                case 'collect_list':
                case 'collect_set':
                  r = frameCollect(col(f.input), f.resultType, lo, hi, n, f.fn === 'collect_set');
                  break;
                case 'approx_count_distinct':
                  r = frameDistinctCount(col(f.input), lo, hi, n);
                  break;
                case 'count_star':
                  r = frameCount(null, lo, hi, n);
                  break;
                case 'count':
                  r = frameCount(col(f.input), lo, hi, n);
                  break;
                case 'sum':
                  r = widenDecimal(frameSum(col(f.input), compactDecimal(f.resultType), lo, hi, n, backward), f.resultType);
                  break;
                case 'avg':
                  r = widenDecimal(frameAvg(col(f.input), compactDecimal(f.resultType), lo, hi, n, backward), f.resultType);
                  break;
                case 'min':
                case 'max':
                  r = frameMinMax(col(f.input), lo, hi, n, f.fn === 'max');
                  break;
                default:
                  if (!isStatisticFunction(f.fn)) throw new InternalError(`Window: unknown function ${String(f.fn)}`);
                  r = frameStatistic(f.fn, col(f.input), f.input2 === undefined ? null : col(f.input2), lo, hi, n, backward);
              }
            } finally {
              lo.release();
              hi.release();
            }
          }
        }
        results.push(r);
        reservation.shrink(n * 16);
      }
      for (const o of owned.splice(0)) o.release();

      // Source: the sorted rows with their window columns, batch by batch.
      const all = [...sorted.columns, ...results];
      out = new Batch(this.schema, all, n);
      sorted = null; // its columns now belong to `out`
      for (let start = 0; start < n; start += ctx.batchSize) {
        yield sliceBatch(out, start, Math.min(ctx.batchSize, n - start));
      }
    } finally {
      for (const b of batches) b.release();
      for (const c of columns) c.release();
      for (const o of owned) o.release();
      sorted?.release();
      if (out) out.release();
      else for (const r of results) r.release();
      reservation.resize(0);
    }
  }
}
