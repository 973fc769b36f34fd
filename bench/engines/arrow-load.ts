/**
 * Reads a Parquet file into Arrow IPC bytes / an Arrow JS table with parquet-wasm (used by the engines
 * that cannot read Parquet themselves here: DuckDB-Wasm, whose Parquet extension would be downloaded,
 * and Arquero).
 */
import { readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';

/** The file as an Arrow IPC stream. */
export async function parquetToIpc(path: string): Promise<Uint8Array> {
  const bytes = await readFile(path);
  const t = pw.readParquet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return t.intoIPCStream();
}

/** The file as an Arrow JS table. */
export async function parquetToArrow(path: string): Promise<arrow.Table> {
  return arrow.tableFromIPC(await parquetToIpc(path));
}

/** Decimal128 vector chunk -> float64 values (unscaled low 64 bits / 10^scale; exact below 2^53). */
function decimalToFloat(data: arrow.Data<arrow.Decimal>): Float64Array {
  const words = data.values as unknown as Uint32Array;
  const stride = data.type.bitWidth / 32;
  const scale = 10 ** data.type.scale;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const o = (data.offset + i) * stride;
    out[i] = (words[o]! + (words[o + 1]! | 0) * 4294967296) / scale;
  }
  return out;
}

/**
 * The columns of an Arrow table as plain JS values, the way the DataFrame engines want them:
 * decimals and 64-bit integers as float64 numbers, dates as epoch milliseconds, strings as strings,
 * nulls as null.
 */
export function plainColumns(t: arrow.Table): Record<string, ArrayLike<unknown>> {
  const out: Record<string, ArrayLike<unknown>> = {};
  for (const f of t.schema.fields) {
    const v = t.getChild(f.name)!;
    const hasNulls = v.nullCount > 0;
    if (arrow.DataType.isDecimal(f.type) && !hasNulls) {
      const parts = (v.data as arrow.Data<arrow.Decimal>[]).map(decimalToFloat);
      const all = new Float64Array(v.length);
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      out[f.name] = all;
    } else if (arrow.DataType.isInt(f.type) && f.type.bitWidth === 64) {
      const a = new Array<number | null>(v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v.get(i) as bigint | null;
        a[i] = x === null ? null : Number(x);
      }
      out[f.name] = hasNulls ? a : Float64Array.from(a as number[]);
    } else if (arrow.DataType.isDecimal(f.type)) {
      out[f.name] = Array.from({ length: v.length }, (_, i) => {
        const x = v.get(i) as unknown;
        return x === null ? null : Number(String(x)) / 10 ** (f.type as arrow.Decimal).scale;
      });
    } else {
      out[f.name] = v.toArray() as ArrayLike<unknown>;
    }
  }
  return out;
}

/** The rows of an Arrow table (a query result) as positional normalised-friendly values. */
export function arrowRows(t: arrow.Table): unknown[][] {
  const cols = t.schema.fields.map((f) => {
    const v = t.getChild(f.name)!;
    const vals: unknown[] = new Array(v.length);
    const isDate = arrow.DataType.isDate(f.type);
    const isDec = arrow.DataType.isDecimal(f.type);
    const scale = isDec ? 10 ** (f.type as arrow.Decimal).scale : 1;
    for (let i = 0; i < v.length; i++) {
      const x = v.get(i) as unknown;
      if (x === null || x === undefined) vals[i] = null;
      else if (isDate) vals[i] = new Date(Number(x instanceof Date ? x.getTime() : x)).toISOString().slice(0, 10);
      else if (isDec) vals[i] = Number(String(x)) / scale;
      else if (typeof x === 'bigint') vals[i] = Number(x);
      else vals[i] = x;
    }
    return vals;
  });
  return Array.from({ length: t.numRows }, (_, i) => cols.map((c) => c[i]));
}
