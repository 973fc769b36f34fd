import { InternalError, NotImplementedError } from '../errors.js';
import { argsort, type SortKey, sortScratchBytes } from '../kernels/sort.js';
import { sliceBatch, takeBatchAt } from '../kernels/take.js';
import {
  type BoundMode,
  type Extents,
  type FrameBoundSpec,
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
import type { Column } from '../types/column.js';
import { concatColumns } from '../types/arrow-interop.js';
import type { DataType } from '../types/data-type.js';
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
  if (range) throw new NotImplementedError(`Window: RANGE frames with value offsets are not supported`);
  return { mode: 'row', offset: b };
}

function upperMode(b: FrameBoundary, range: boolean): FrameBoundSpec {
  if (b === 'unboundedFollowing') return { mode: 'partitionEnd', offset: 0 };
  if (b === 'currentRow') return range ? { mode: 'peerEnd', offset: 0 } : { mode: 'row', offset: 0 };
  if (b === 'unboundedPreceding') return { mode: 'partitionStart', offset: 0 };
  if (range) throw new NotImplementedError(`Window: RANGE frames with value offsets are not supported`);
  return { mode: 'row', offset: b };
}

const PEER_MODES: readonly BoundMode[] = ['peerStart', 'peerEnd'];

/**
 * Window (Spark's WindowExec): a blocking operator that computes window functions over one window
 * specification. It holds its whole input (under a MemoryReservation named 'Window' with
 * ctx.operatorMemoryBudget), sorts it once by (partition keys ascending nulls first, order keys)
 * with the argsort kernel, finds partition and peer-group boundaries with the window kernels, and
 * computes every function over the sorted rows: ranks from the boundaries, lag/lead as index shifts
 * plus a gather, aggregates over per-row frame bounds (prefix sums, sliding sums, monotonic-deque
 * min/max). Output: the child's columns followed by one column per function, in the sorted order
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
      if (!['row_number', 'rank', 'dense_rank', 'lag', 'lead'].includes(f.fn) && !f.frame) throw new InternalError(`Window: ${f.fn} needs a frame`);
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
      const needPeers = this.functions.some(
        (f) => f.fn === 'rank' || f.fn === 'dense_rank' || (f.frame?.type === 'range' && (f.frame.lower === 'currentRow' || f.frame.upper === 'currentRow')),
      );
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
            r = lagLead(col(f.input), col(f.defaultInput), part.start, part.end, n, f.fn === 'lag' ? off : -off);
            break;
          }
          default: {
            const frame = f.frame!;
            const range = frame.type === 'range';
            const lower = lowerMode(frame.lower, range);
            const upper = upperMode(frame.upper, range);
            if ((PEER_MODES.includes(lower.mode) || PEER_MODES.includes(upper.mode)) && !ext.peerStart) {
              throw new InternalError('Window: peer extents missing for a RANGE frame');
            }
            const { lo, hi } = frameBounds(ext, n, lower, upper);
            try {
              const backward = upper.mode === 'partitionEnd' && lower.mode !== 'partitionStart';
              switch (f.fn) {
                case 'count_star':
                  r = frameCount(null, lo, hi, n);
                  break;
                case 'count':
                  r = frameCount(col(f.input), lo, hi, n);
                  break;
                case 'sum':
                  r = frameSum(col(f.input), f.resultType, lo, hi, n, backward);
                  break;
                case 'avg':
                  r = frameAvg(col(f.input), f.resultType, lo, hi, n, backward);
                  break;
                case 'min':
                case 'max':
                  r = frameMinMax(col(f.input), lo, hi, n, f.fn === 'max');
                  break;
                default:
                  throw new InternalError(`Window: unknown function ${String(f.fn)}`);
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
