/**
 * Interval columns at the row boundary (values.ts calls these): JavaScript values in and out, and
 * the Arrow types. A year-month interval is a `number` of months (int32), a day-time interval a
 * `bigint` of microseconds (int64); see interval.ts. Never a hot path.
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';
import { runtime } from '../wasm/runtime.js';
import { WasmBuffer } from '../wasm/memory.js';
import { Column } from './column.js';
import { typeToString } from './data-type.js';
import type { IntervalType } from './interval.js';

/** Arrow's type for an interval: Interval(YEAR_MONTH) (int32 months) or Duration(MICROSECOND) (int64). */
export function intervalToArrowType(t: IntervalType): arrow.DataType {
  return t.kind === 'interval_ym' ? new arrow.IntervalYearMonth() : new arrow.DurationMicrosecond();
}

/** A JavaScript value as an interval's physical value (months or microseconds); throws on anything else. */
function physicalValue(t: IntervalType, v: unknown, name: string, row: number): number | bigint {
  const bad = () => new InvalidArgumentError(`column '${name}', row ${row}: ${JSON.stringify(String(v))} (${typeof v}) is not a ${typeToString(t)} value (expected ${t.kind === 'interval_ym' ? 'a number of months' : 'a bigint of microseconds'})`);
  if (t.kind === 'interval_ym') {
    const m = typeof v === 'bigint' ? Number(v) : v;
    if (typeof m !== 'number' || !Number.isInteger(m) || m > 2147483647 || m < -2147483648) throw bad();
    return m;
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw bad();
}

/** Builds a wasm-resident interval column from JavaScript values (months as numbers, microseconds as bigints). */
export function intervalColumnFromJs(t: IntervalType, values: readonly unknown[], name: string): Column {
  const mem = runtime().memory;
  const n = values.length;
  const width = t.kind === 'interval_ym' ? 4 : 8;
  const data = WasmBuffer.allocate(mem, Math.max(1, n) * width);
  let validity: WasmBuffer | null = null;
  let nulls = 0;
  try {
    const valid = new Uint8Array(n);
    const out = t.kind === 'interval_ym' ? new Int32Array(n) : new BigInt64Array(n);
    values.forEach((v, i) => {
      if (v === null || v === undefined) {
        nulls++;
        return;
      }
      valid[i] = 1;
      out[i] = physicalValue(t, v, name, i) as never;
    });
    mem.u8(data.ptr, n * width).set(new Uint8Array(out.buffer, 0, n * width));
    if (nulls > 0) {
      validity = WasmBuffer.allocate(mem, Math.max(1, n));
      mem.u8(validity.ptr, n).set(valid);
    }
    return new Column(t, n, data, validity, null, nulls);
  } catch (e) {
    data.release();
    validity?.release();
    throw e;
  }
}

/** Reads an interval column into JavaScript values (months as numbers, microseconds as bigints). */
export function intervalColumnToJs(c: Column & { type: IntervalType }): (number | bigint | null)[] {
  const mem = runtime().memory;
  const n = c.length;
  const valid = c.validity ? mem.u8(c.validityPtr, n) : null;
  const vals = c.type.kind === 'interval_ym' ? Array.from(mem.i32(c.valuesPtr, n)) : Array.from(mem.i64(c.valuesPtr, n));
  return vals.map((v, i) => (valid && valid[i] === 0 ? null : v));
}

/** One interval cell of an Arrow vector (`get` gives [years, months] for Interval(YEAR_MONTH)) as its JavaScript value. */
export function intervalFromArrowValue(t: IntervalType, v: unknown): number | bigint {
  if (t.kind === 'interval_ym') {
    if (v instanceof Int32Array) return v[0]! * 12 + v[1]!;
    return Number(v);
  }
  return BigInt(v as bigint | number);
}
