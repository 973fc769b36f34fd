/**
 * JavaScript values of nested columns (the row boundary, values.ts calls these; never a hot path):
 * array -> JS array, map -> JS Map (key order kept), struct -> plain object keyed by field name
 * (PySpark's Row is also accessed by name; a struct can also be given as an array of field values
 * in field order, or a Map, when building columns).
 *
 * Building and reading recurse through the children: leaves use the flat converters, so decimals,
 * dates and timestamps nest exactly as they are at the top level.
 */
import { InvalidArgumentError } from '../errors.js';
import { runtime } from '../wasm/runtime.js';
import { WasmBuffer } from '../wasm/memory.js';
import { type DataType, typeToString } from './data-type.js';
import { Column } from './column.js';
import { mapEntryType } from './nested-type.js';

/** A nested JS value: what collect() gives for array, map and struct cells. */
export type NestedValue = unknown[] | Map<unknown, unknown> | { readonly [field: string]: unknown };

/** Converts flat or nested values of one type into a column (the flat converter). */
type FromJs = (type: DataType, values: readonly unknown[], name: string) => Column;
/** Reads a column into JS values (the flat converter). */
type ToJs = (column: Column) => unknown[];

function validityOf(values: readonly unknown[]): { validity: WasmBuffer | null; nullCount: number } {
  const n = values.length;
  let nullCount = 0;
  for (const v of values) if (v === null || v === undefined) nullCount++;
  if (nullCount === 0) return { validity: null, nullCount };
  const validity = WasmBuffer.allocate(runtime().memory, Math.max(1, n));
  const bytes = runtime().memory.u8(validity.ptr, n);
  for (let i = 0; i < n; i++) bytes[i] = values[i] === null || values[i] === undefined ? 0 : 1;
  return { validity, nullCount };
}

function structFieldValue(v: unknown, name: string, i: number, type: DataType, column: string, row: number): unknown {
  if (v instanceof Map) return v.get(name) ?? null;
  if (Array.isArray(v)) return v[i] ?? null;
  if (typeof v === 'object' && v !== null) return (v as Record<string, unknown>)[name] ?? null;
  throw new InvalidArgumentError(`column '${column}', row ${row}: ${JSON.stringify(String(v))} is not a ${typeToString(type)} value (expected an object)`);
}

/** Builds a nested column from JS values (see the module doc for accepted forms). */
export function nestedColumnFromJs(type: DataType, values: readonly unknown[], name: string, fromJs: FromJs): Column {
  const mem = runtime().memory;
  const n = values.length;
  const { validity, nullCount } = validityOf(values);
  const children: Column[] = [];
  let offsets: WasmBuffer | null = null;
  try {
    if (type.kind === 'struct') {
      type.fields.forEach((f, i) => {
        const child = values.map((v, row) => (v === null || v === undefined ? null : structFieldValue(v, f.name, i, type, name, row)));
        children.push(fromJs(f.type, child, `${name}.${f.name}`));
      });
    } else if (type.kind === 'array' || type.kind === 'map') {
      offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
      const off = new Int32Array(n + 1);
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      values.forEach((v, row) => {
        if (v !== null && v !== undefined) {
          if (type.kind === 'array') {
            if (!Array.isArray(v)) throw new InvalidArgumentError(`column '${name}', row ${row}: ${JSON.stringify(String(v))} is not an ${typeToString(type)} value (expected an array)`);
            for (const e of v) vals.push(e);
          } else {
            if (typeof v !== 'object') throw new InvalidArgumentError(`column '${name}', row ${row}: ${JSON.stringify(String(v))} is not a ${typeToString(type)} value (expected a Map)`);
            const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
            for (const [k, x] of entries) {
              if (k === null || k === undefined) throw new InvalidArgumentError(`column '${name}', row ${row}: a map key cannot be null`);
              keys.push(k);
              vals.push(x);
            }
          }
        }
        off[row + 1] = vals.length;
      });
      mem.i32(offsets.ptr, n + 1).set(off);
      if (type.kind === 'array') children.push(fromJs(type.element, vals, `${name}.element`));
      else {
        const entries = vals.map((x, i) => ({ key: keys[i], value: x }));
        children.push(fromJs(mapEntryType(type), entries, `${name}.entries`));
      }
    } else {
      throw new InvalidArgumentError(`nestedColumnFromJs: ${type.kind} is not nested`);
    }
    return new Column(type, n, null, validity, offsets, nullCount, children);
  } catch (e) {
    validity?.release();
    offsets?.release();
    for (const c of children) c.release();
    throw e;
  }
}

/** Reads a nested column into JS values. */
export function nestedColumnToJs(column: Column, toJs: ToJs): unknown[] {
  const mem = runtime().memory;
  const n = column.length;
  const type = column.type;
  const valid = column.validity && column.nullCount > 0 ? mem.u8(column.validity.ptr, n).slice() : null;
  const out: unknown[] = new Array(n);
  if (type.kind === 'struct') {
    const fields = column.children.map(toJs);
    for (let r = 0; r < n; r++) {
      if (valid && valid[r] === 0) {
        out[r] = null;
        continue;
      }
      const o: Record<string, unknown> = {};
      type.fields.forEach((f, i) => (o[f.name] = fields[i]![r]));
      out[r] = o;
    }
    return out;
  }
  const off = mem.i32(column.offsetsPtr, n + 1).slice();
  const child = column.children[0]!;
  const vals = toJs(child);
  for (let r = 0; r < n; r++) {
    if (valid && valid[r] === 0) {
      out[r] = null;
      continue;
    }
    const items = vals.slice(off[r]!, off[r + 1]!);
    if (type.kind === 'array') out[r] = items;
    else out[r] = new Map((items as { key: unknown; value: unknown }[]).map((e) => [e.key, e.value]));
  }
  return out;
}
