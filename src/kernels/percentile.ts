/**
 * Exact percentiles as grouped aggregates (Spark's PercentileCont / PercentileDisc / Percentile /
 * Median): `percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])`, `percentile_disc(...)`,
 * `percentile(x, p)` and `median(x)`. Like Spark's (which keeps a value -> count map per group) the
 * state is every non-null value: the accumulator appends (group id, value) pairs with a kernel,
 * sorts them once by (group, value) with the argsort kernel at finish, and computes each group's
 * percentile with the window module's group_percentile kernel (Spark's interpolation: position
 * p * (n - 1), (higher - pos) * lower + (pos - lower) * higher; percentile_disc takes element
 * ceil(p * n) - 1; DESC reverses the order). Not mergeable: distributed plans shuffle raw rows.
 *
 * The fraction and the direction are the call's 2nd and 3rd arguments (constant columns, see
 * translate.ts), read from the first row the accumulator sees.
 */
import { InternalError } from '../errors.js';
import { Column } from '../types/column.js';
import { type MemoryReservation, type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import type { Accumulator, AccumulatorSpec, AggInput } from './aggregate.js';
import { GrowableBuffer } from './key-table.js';
import { argsort } from './sort.js';
import { takeColumnAt } from './take.js';

/** Accumulator of percentile_cont / percentile_disc (double input, double result). */
export class PercentileAccumulator implements Accumulator {
  private readonly gids: GrowableBuffer;
  private readonly vals: GrowableBuffer;
  private m = 0;
  private fraction: number | null = null;
  private descending = false;
  private sorted: { gids: Column; vals: Column } | null = null;

  constructor(
    private readonly mem: WasmMemory,
    reservation: MemoryReservation,
    private readonly spec: AccumulatorSpec,
    private readonly ungrouped: boolean,
  ) {
    if (spec.inputType?.kind !== 'float64') throw new InternalError(`${spec.fn} (${spec.name}): the input must be a double (the analyzer casts it)`);
    this.gids = new GrowableBuffer(mem, reservation, null);
    this.vals = new GrowableBuffer(mem, reservation, null);
  }

  grow(): void {}

  update(input: AggInput | null, gids: number, n: number, _numGroups: number, _mask?: number, extra?: readonly AggInput[]): void {
    if (n === 0 || !input || input.type.kind === 'null') return;
    if (this.sorted) throw new InternalError(`${this.spec.name}: update after finish`);
    if (this.fraction === null) {
      const f = extra?.[0];
      const d = extra?.[1];
      if (!f || f.type.kind !== 'float64' || f.validityPtr !== 0 && this.mem.u8(f.validityPtr, 1)[0] === 0) {
        throw new InternalError(`${this.spec.name}: the percentage must be a non-null double constant`);
      }
      this.fraction = this.mem.f64(f.valuesPtr, 1)[0]!;
      this.descending = d !== undefined && d.type.kind === 'boolean' && this.mem.u8(d.valuesPtr, 1)[0] === 1;
    }
    this.gids.ensure((this.m + n) * 4);
    this.vals.ensure((this.m + n) * 8);
    this.m = runtime().module('window').pct_append!(this.ungrouped ? 0 : gids, input.valuesPtr, input.validityPtr, n, this.gids.ptr, this.vals.ptr, this.m);
  }

  private sort(): { gids: Column; vals: Column } {
    if (this.sorted) return this.sorted;
    const m = this.m;
    const copy = (src: number, bytes: number) => {
      const b = WasmBuffer.allocate(this.mem, Math.max(1, bytes));
      if (bytes > 0) b.bytes().set(this.mem.u8(src, bytes));
      return b;
    };
    const g = new Column({ kind: 'int32' }, m, copy(this.gids.ptr, m * 4), null, null, 0);
    const v = new Column({ kind: 'float64' }, m, copy(this.vals.ptr, m * 8), null, null, 0);
    try {
      const perm = argsort([g, v], [{ index: 0, ascending: true, nullsFirst: true }, { index: 1, ascending: true, nullsFirst: true }], m);
      try {
        const sg = takeColumnAt(g, perm.ptr, m);
        try {
          this.sorted = { gids: sg, vals: takeColumnAt(v, perm.ptr, m) };
        } catch (e) {
          sg.release();
          throw e;
        }
      } finally {
        perm.release();
      }
    } finally {
      g.release();
      v.release();
    }
    return this.sorted;
  }

  finish(start: number, count: number): Column {
    const s = this.sort();
    const out = WasmBuffer.allocate(this.mem, Math.max(1, count) * 8);
    const valid = WasmBuffer.allocate(this.mem, Math.max(1, count));
    try {
      const nulls = runtime().module('window').group_percentile!(
        s.gids.valuesPtr, s.vals.valuesPtr, this.m, start, count, this.fraction ?? 0, this.spec.fn === 'percentile_disc' ? 1 : 0, this.descending ? 1 : 0, out.ptr, valid.ptr,
      );
      if (nulls === 0) {
        valid.release();
        return new Column({ kind: 'float64' }, count, out, null, null, 0);
      }
      return new Column({ kind: 'float64' }, count, out, valid, null, nulls);
    } catch (e) {
      out.release();
      valid.release();
      throw e;
    }
  }

  release(): void {
    this.gids.release();
    this.vals.release();
    this.sorted?.gids.release();
    this.sorted?.vals.release();
    this.sorted = null;
  }
}
