/**
 * Aggregates with nested inputs or results (created by createAccumulator in aggregate.ts):
 * collect_list / array_agg, collect_set, histogram_numeric, and min / max over arrays and structs.
 *
 * collect_list keeps each batch's input column (retained, zero-copy) and group ids; at the end one
 * counting sort by group id (kernel group_rows, stable: input order within a group) and one gather
 * build the list column, so results keep Spark's order of arrival and NULL inputs are skipped.
 * collect_set additionally keeps the first occurrence of each (group, value) pair (a KeyTable over
 * the pair, kernel first_occurrence). min / max of a nested value run the string min / max over the
 * order-preserving key encoding (nested-keys.ts) and decode the winner.
 */
import { InternalError, InvalidArgumentError } from '../errors.js';
import { Column, nullColumn } from '../types/column.js';
import { type DataType, DataTypes, byteWidth, isNestedType } from '../types/data-type.js';
import { concatColumns } from '../types/arrow-interop.js';
import { columnFromJs, formatDecimal } from '../types/values.js';
import { type MemoryReservation, WasmBuffer } from '../wasm/memory.js';
import { runtime } from '../wasm/runtime.js';
import type { Accumulator, AccumulatorSpec, AggInput } from './aggregate.js';
import { castColumn } from './cast.js';
import { KeyTable } from './key-table.js';
import { groupRows, withExtraNulls } from './nested.js';
import { decodeNestedKey, encodeNestedKey } from './nested-keys.js';
import { sliceColumn, takeColumnAt } from './take.js';

/** A Column of `n` rows from an input (a Column is retained; a flat view of addresses is copied). */
function inputColumn(input: AggInput, n: number): Column {
  if (input instanceof Column) return input.retain();
  const t = input.type;
  if (isNestedType(t)) throw new InternalError(`aggregate over ${t.kind}: the input must be a Column`);
  const mem = runtime().memory;
  const copy = (ptr: number, bytes: number): WasmBuffer => {
    const b = WasmBuffer.allocate(mem, Math.max(1, bytes));
    mem.u8(b.ptr, bytes).set(mem.u8(ptr, bytes));
    return b;
  };
  if (t.kind === 'null') return new Column(t, n, null, null, null, n);
  const validity = input.validityPtr ? copy(input.validityPtr, n) : null;
  const nulls = validity ? runtime().module('take').count_zeros!(validity.ptr, n) : 0;
  if (t.kind === 'utf8') {
    const off = mem.i32(input.offsetsPtr, n + 1);
    const base = off[0]!;
    const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
    runtime().module('convert').rebase_i32!(input.offsetsPtr, n + 1, base, offsets.ptr);
    return new Column(t, n, copy(input.valuesPtr + base, off[n]! - base), nulls ? validity : (validity?.release(), null), offsets, nulls);
  }
  return new Column(t, n, copy(input.valuesPtr, n * byteWidth(t)), nulls ? validity : (validity?.release(), null), null, nulls);
}

/** Input rows with their group ids, kept until the end of the aggregation. */
class RowStore {
  private readonly cols: Column[] = [];
  private readonly gids: WasmBuffer[] = [];
  private readonly masks: (WasmBuffer | null)[] = [];
  private bytes = 0;
  numGroups = 0;

  constructor(private readonly reservation: MemoryReservation) {}

  add(input: AggInput, gids: number, n: number, numGroups: number, mask: number): void {
    this.numGroups = Math.max(this.numGroups, numGroups);
    if (n === 0) return;
    const mem = runtime().memory;
    const g = WasmBuffer.allocate(mem, n * 4);
    mem.u8(g.ptr, n * 4).set(mem.u8(gids, n * 4));
    let m: WasmBuffer | null = null;
    if (mask) {
      m = WasmBuffer.allocate(mem, n);
      mem.u8(m.ptr, n).set(mem.u8(mask, n));
    }
    const grow = n * 5 + 64;
    this.reservation.grow(grow);
    this.bytes += grow;
    this.cols.push(inputColumn(input, n));
    this.gids.push(g);
    this.masks.push(m);
  }

  /** All rows: one column, the group ids, and the rows that count (valid and not masked: bytes, or null = all). */
  all(type: DataType): { values: Column; gids: WasmBuffer; keep: WasmBuffer | null; n: number } {
    const rt = runtime();
    const mem = rt.memory;
    const values = concatColumns(rt, type, this.cols);
    const n = values.length;
    const gids = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
    let at = 0;
    for (const g of this.gids) {
      mem.u8(gids.ptr + at, g.byteLength).set(mem.u8(g.ptr, g.byteLength));
      at += g.byteLength;
    }
    let keep: WasmBuffer | null = null;
    if (values.nullCount > 0 || this.masks.some((m) => m)) {
      keep = WasmBuffer.allocate(mem, Math.max(1, n));
      const k = mem.u8(keep.ptr, n);
      if (values.validity && values.nullCount > 0) k.set(mem.u8(values.validity.ptr, n));
      else k.fill(1);
      let row = 0;
      this.masks.forEach((m, i) => {
        const len = this.cols[i]!.length;
        if (m) rt.module('convert').and_validity!(keep!.ptr + row, m.ptr, len, keep!.ptr + row);
        row += len;
      });
    }
    return { values, gids, keep, n };
  }

  release(): void {
    for (const c of this.cols) c.release();
    for (const g of this.gids) g.release();
    for (const m of this.masks) m?.release();
    this.cols.length = 0;
    this.gids.length = 0;
    this.masks.length = 0;
    this.reservation.shrink(this.bytes);
    this.bytes = 0;
  }
}

/** collect_list / collect_set: the non-null inputs of each group as an array (see the module doc). */
export class CollectAccumulator implements Accumulator {
  private readonly store: RowStore;
  private result: Column | null = null;

  constructor(
    private readonly spec: AccumulatorSpec,
    private readonly reservation: MemoryReservation,
    private readonly distinct: boolean,
    private readonly ungrouped: boolean,
  ) {
    this.store = new RowStore(reservation);
  }

  grow(): void {}

  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask = 0): void {
    if (!input) throw new InternalError(`${this.spec.fn} needs an input`);
    this.store.add(input, gids, n, this.ungrouped ? 1 : numGroups, mask);
  }

  finish(start: number, count: number): Column {
    this.result ??= this.build();
    return sliceColumn(this.result, start, count);
  }

  private build(): Column {
    const rt = runtime();
    const mem = rt.memory;
    const type = this.spec.inputType!;
    const groups = Math.max(this.store.numGroups, this.ungrouped ? 1 : 0);
    const { values, gids, keep: keep0, n } = this.store.all(type);
    let keep = keep0;
    try {
      if (this.ungrouped) mem.i32(gids.ptr, n).fill(0);
      if (this.distinct && n > 0) keep = firstOccurrences(this.reservation, gids, values, keep, n);
      const { offsets, rows, count } = groupRows(gids.ptr, keep?.ptr ?? 0, n, groups);
      try {
        const child = count === 0 || type.kind === 'null' ? nullColumn(mem, type, count) : takeColumnAt(values, rows.ptr, count);
        return new Column(this.spec.resultType, groups, null, null, offsets, 0, [child]);
      } catch (e) {
        offsets.release();
        throw e;
      } finally {
        rows.release();
      }
    } finally {
      values.release();
      gids.release();
      keep?.release();
      this.store.release();
    }
  }

  release(): void {
    this.store.release();
    this.result?.release();
    this.result = null;
  }
}

/** The rows that are the first of their (group, value) pair among the kept ones (a fresh keep mask; `keep` is consumed). */
function firstOccurrences(reservation: MemoryReservation, gids: WasmBuffer, values: Column, keep: WasmBuffer | null, n: number): WasmBuffer {
  const rt = runtime();
  const mem = rt.memory;
  const table = new KeyTable(rt.module('aggregate'), mem, [DataTypes.Integer, values.type], reservation, { nullsFormGroups: true });
  const ids = WasmBuffer.allocate(mem, n * 4);
  const gidCol = new Column(DataTypes.Integer, n, gids.retain(), null, null, 0);
  try {
    table.insert([gidCol, values], n, ids.ptr);
    const out = WasmBuffer.allocate(mem, n);
    rt.withScratch(Math.max(1, n), (seen) => rt.module('nested').first_occurrence!(ids.ptr, keep?.ptr ?? 0, n, out.ptr, seen));
    return out;
  } finally {
    gidCol.release();
    ids.release();
    table.release();
    keep?.release();
  }
}

/** java.util.Random (48-bit LCG), for NumericHistogram's tie-breaking exactly as Spark draws it. */
class JavaRandom {
  private seed: bigint;
  constructor(seed: number) {
    this.seed = (BigInt(seed) ^ 0x5deece66dn) & ((1n << 48n) - 1n);
  }
  private next(bits: number): number {
    this.seed = (this.seed * 0x5deece66dn + 0xbn) & ((1n << 48n) - 1n);
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) * 2 ** -53;
  }
}

/**
 * Spark's NumericHistogram (Ben-Haim & Tom-Tov, "A Streaming Parallel Decision Tree Algorithm",
 * JMLR 2010, algorithm 1; Hive's implementation): bins (x, y) kept sorted by x; a new value joins
 * an equal bin or becomes a bin, and while there are more than `nb` bins the closest two merge into
 * their weighted mean (ties broken by java.util.Random(31183), as Spark does).
 */
export function numericHistogram(values: Iterable<number>, nb: number): { x: number; y: number }[] {
  const bins: { x: number; y: number }[] = [];
  const prng = new JavaRandom(31183);
  for (const v of values) {
    let bin = 0;
    for (let l = 0, r = bins.length; l < r; ) {
      bin = (l + r) >>> 1;
      if (bins[bin]!.x > v) r = bin;
      else if (bins[bin]!.x < v) l = ++bin;
      else break;
    }
    if (bin < bins.length && bins[bin]!.x === v) {
      bins[bin]!.y++;
      continue;
    }
    bins.splice(bin, 0, { x: v, y: 1 });
    while (bins.length > nb) {
      let smallest = bins[1]!.x - bins[0]!.x;
      let loc = 0;
      let ties = 1;
      for (let i = 1; i < bins.length - 1; i++) {
        const diff = bins[i + 1]!.x - bins[i]!.x;
        if (diff < smallest) {
          smallest = diff;
          loc = i;
          ties = 1;
        } else if (diff === smallest && prng.nextDouble() <= 1.0 / ++ties) loc = i;
      }
      const a = bins[loc]!;
      const b = bins[loc + 1]!;
      const d = a.y + b.y;
      a.x *= a.y / d;
      a.x += (b.x / d) * b.y;
      a.y = d;
      bins.splice(loc + 1, 1);
    }
  }
  return bins;
}

/** Spark's conversion of a bin's x back to the input type (legacy histogramNumericPropagateInputType, default on). */
function binX(type: DataType, x: number): unknown {
  switch (type.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'date32':
    case 'interval_ym':
      return Math.trunc(x) | 0; // Scala's toInt / toShort / toByte truncate toward zero
    case 'int64':
    case 'timestamp':
    case 'interval_dt':
      return BigInt(Math.trunc(x));
    case 'float32':
      return Math.fround(x);
    case 'decimal':
      return formatDecimal(BigInt(Math.round(x * 10 ** type.scale)), type.scale);
    default:
      return x;
  }
}

/** histogram_numeric(x, nb): array<struct<x, y:double>> per group, NULL for a group without values. */
export class HistogramAccumulator implements Accumulator {
  private readonly store: RowStore;
  private result: Column | null = null;
  private nb = 0;

  constructor(
    private readonly spec: AccumulatorSpec,
    reservation: MemoryReservation,
    private readonly ungrouped: boolean,
  ) {
    this.store = new RowStore(reservation);
  }

  grow(): void {}

  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask = 0, extra: readonly AggInput[] = []): void {
    if (!input) throw new InternalError('histogram_numeric needs an input');
    const nb = extra[0];
    if (n > 0 && nb && this.nb === 0) {
      const mem = runtime().memory;
      const v = nb.type.kind === 'int64' ? Number(mem.i64(nb.valuesPtr, 1)[0]) : mem.i32(nb.valuesPtr, 1)[0]!;
      if (!Number.isInteger(v) || v < 2) throw new InvalidArgumentError(`histogram_numeric: the number of bins must be at least 2, got ${v}`);
      this.nb = v;
    }
    this.store.add(input, gids, n, this.ungrouped ? 1 : numGroups, mask);
  }

  finish(start: number, count: number): Column {
    this.result ??= this.build();
    return sliceColumn(this.result, start, count);
  }

  private build(): Column {
    const mem = runtime().memory;
    const type = this.spec.inputType!;
    const groups = Math.max(this.store.numGroups, this.ungrouped ? 1 : 0);
    const { values, gids, keep, n } = this.store.all(type);
    try {
      if (this.ungrouped) mem.i32(gids.ptr, n).fill(0);
      const { offsets, rows, count } = groupRows(gids.ptr, keep?.ptr ?? 0, n, groups);
      try {
        // Spark adds value.toDouble of the internal value: micros for timestamps, days for dates
        // (and months / microseconds for intervals)
        const asInt = type.kind === 'timestamp' || type.kind === 'date32' || type.kind === 'interval_ym' || type.kind === 'interval_dt';
        const raw = asInt ? new Column(type.kind === 'timestamp' || type.kind === 'interval_dt' ? DataTypes.Long : DataTypes.Integer, n, values.values!.retain(), values.validity?.retain() ?? null, null, values.nullCount) : values.retain();
        const xs = type.kind === 'null' || count === 0 ? null : castColumn(raw, DataTypes.Double);
        raw.release();
        const x = xs ? mem.f64(xs.valuesPtr, n).slice() : new Float64Array(0);
        xs?.release();
        const off = mem.i32(offsets.ptr, groups + 1).slice();
        const idx = mem.i32(rows.ptr, count).slice();
        const out: unknown[] = [];
        for (let g = 0; g < groups; g++) {
          const bins = numericHistogram((function* () {
            for (let j = off[g]!; j < off[g + 1]!; j++) yield x[idx[j]!]!;
          })(), this.nb || 2);
          out.push(bins.length === 0 ? null : bins.map((b) => ({ x: binX(type, b.x), y: b.y })));
        }
        return columnFromJs(this.spec.resultType, out);
      } finally {
        offsets.release();
        rows.release();
      }
    } finally {
      values.release();
      gids.release();
      keep?.release();
      this.store.release();
    }
  }

  release(): void {
    this.store.release();
    this.result?.release();
    this.result = null;
  }
}

/** min / max over arrays and structs: the string min / max of the key encoding, decoded (Spark's element-wise ordering). */
export class NestedMinMaxAccumulator implements Accumulator {
  constructor(
    private readonly inner: Accumulator,
    private readonly type: DataType,
  ) {}

  grow(cap: number): void {
    this.inner.grow(cap);
  }

  update(input: AggInput | null, gids: number, n: number, numGroups: number, mask = 0): void {
    if (!(input instanceof Column)) throw new InternalError('min/max over a nested type: the input must be a Column');
    let enc = encodeNestedKey(input);
    if (mask) {
      const m = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
      runtime().memory.u8(m.ptr, n).set(runtime().memory.u8(mask, n));
      enc = withExtraNulls(enc, m);
      m.release();
    }
    try {
      this.inner.update(enc, gids, n, numGroups, mask);
    } finally {
      enc.release();
    }
  }

  finish(start: number, count: number): Column {
    const enc = this.inner.finish(start, count);
    try {
      return decodeNestedKey(this.type, enc);
    } finally {
      enc.release();
    }
  }

  release(): void {
    this.inner.release();
  }
}
