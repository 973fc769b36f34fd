/**
 * Shared pieces of the db-benchmark (H2O) data generators: a seeded sequential PRNG per column,
 * Arrow column builders that write bytes directly (no per-row JS strings), and row-count parsing.
 */
import * as arrow from 'apache-arrow';
import { SequentialRandom, fnv1a } from '../tpch/random.js';

const TWO32 = 4294967296;

/** A seeded uniform generator for one column (mulberry32 seeded from seed and the column name). */
export class ColumnRandom {
  private readonly r: SequentialRandom;
  constructor(seed: number, name: string) {
    this.r = new SequentialRandom((seed * 2654435761 + fnv1a(name)) % 2 ** 52);
  }
  /** Uniform integer in [1, n] (R's sample(n, ., TRUE)). */
  oneTo(n: number): number {
    return 1 + Math.floor((this.r.u32() * n) / TWO32);
  }
  /** Uniform in [0, 1) with 53 bits. */
  unif(): number {
    return (this.r.u32() * 2097152 + (this.r.u32() >>> 11)) / 9007199254740992;
  }
}

/** Parses '1e7', '10000000', '1_000_000' into a positive integer. */
export function parseRows(s: string | number): number {
  const v = typeof s === 'number' ? s : Number(String(s).replace(/_/g, ''));
  if (!Number.isFinite(v) || v < 1 || Math.round(v) !== v) throw new RangeError(`rows must be a positive integer (e.g. 1e7), got ${s}`);
  return v;
}

/** Validity bitmap (Arrow, LSB first) from a byte-per-row null flag array; null when no nulls. */
export function bitmapFromNulls(isNull: Uint8Array | null, n: number): { bitmap: Uint8Array | undefined; nulls: number } {
  if (!isNull) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (isNull[i]) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nulls === 0 ? { bitmap: undefined, nulls: 0 } : { bitmap, nulls };
}

/** An Int32 Arrow vector with optional nulls. */
export function int32Vector(values: Int32Array, isNull: Uint8Array | null): arrow.Vector<arrow.Int32> {
  const { bitmap, nulls } = bitmapFromNulls(isNull, values.length);
  return arrow.makeVector(arrow.makeData({ type: new arrow.Int32(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data: values }));
}

/** A Float64 Arrow vector with optional nulls. */
export function float64Vector(values: Float64Array, isNull: Uint8Array | null): arrow.Vector<arrow.Float64> {
  const { bitmap, nulls } = bitmapFromNulls(isNull, values.length);
  return arrow.makeVector(arrow.makeData({ type: new arrow.Float64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data: values }));
}

/**
 * A Utf8 vector of labels `prefix + number` (number zero-padded to `width` digits; width 0: no padding),
 * built straight into the offsets and bytes buffers.
 */
export function labelVector(prefix: string, numbers: Int32Array, width: number, isNull: Uint8Array | null): arrow.Vector<arrow.Utf8> {
  const n = numbers.length;
  const pre = new TextEncoder().encode(prefix);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!isNull?.[i]) total += pre.length + Math.max(width, digits(numbers[i]!));
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    if (isNull?.[i]) continue;
    let at = offsets[i]!;
    bytes.set(pre, at);
    at += pre.length;
    const v = numbers[i]!;
    const w = Math.max(width, digits(v));
    let x = v;
    for (let k = w - 1; k >= 0; k--) {
      bytes[at + k] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
  }
  const { bitmap, nulls } = bitmapFromNulls(isNull, n);
  return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data: bytes }));
}

function digits(v: number): number {
  let d = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    d++;
  }
  return d;
}

/** Null flags: each row null with probability `nas` percent (null when nas is 0). */
export function nullFlags(n: number, nas: number, rng: ColumnRandom): Uint8Array | null {
  if (nas <= 0) return null;
  const p = nas / 100;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.unif() < p ? 1 : 0;
  return out;
}

/** round(runif(0, 100), 6) values. */
export function unif100(n: number, rng: ColumnRandom): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(rng.unif() * 100 * 1e6) / 1e6;
  return out;
}

/** A record batch from named vectors. */
export function batchOf(cols: Record<string, arrow.Vector>): arrow.RecordBatch {
  return new arrow.Table(cols).batches[0]!;
}
