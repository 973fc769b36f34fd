/**
 * The Arrow boundary of nested columns (arrow-interop.ts calls these): Arrow List <-> array,
 * Map <-> map (a list of key/value structs), Struct <-> struct. Offsets are rebased to start at 0
 * on the way in (kernel), children are converted recursively with the flat converters.
 *
 * Invariants of a Kindling nested column: offsets[0] = 0 and the child has exactly offsets[n] rows;
 * a struct's children have the struct's length.
 */
import * as arrow from 'apache-arrow';
import { NotImplementedError } from '../errors.js';
import type { KernelRuntime } from '../wasm/runtime.js';
import { WasmBuffer } from '../wasm/memory.js';
import type { DataType } from './data-type.js';
import { Column } from './column.js';
import { mapEntryType } from './nested-type.js';

/** Converts one Arrow Data of a child (type, data) into a Column (the flat converter, recursive). */
export type ChildFromArrow = (type: DataType, name: string, data: arrow.Data) => Column;
/** Converts one child Column out to Arrow Data of the given Arrow type. */
export type ChildToArrow = (c: Column, type: arrow.DataType) => arrow.Data;

/** Kindling type of an Arrow List / Map / Struct, or undefined for other Arrow types. */
export function nestedFromArrowType(t: arrow.DataType, columnName: string, child: (t: arrow.DataType, name: string) => DataType): DataType | undefined {
  switch (t.typeId) {
    case arrow.Type.List: {
      const f = (t as arrow.List).children[0]!;
      return { kind: 'array', element: child(f.type, `${columnName}.element`), containsNull: f.nullable };
    }
    case arrow.Type.Map: {
      const entries = (t as arrow.Map_).children[0]!.type as arrow.Struct;
      const [k, v] = entries.children;
      return { kind: 'map', key: child(k!.type, `${columnName}.key`), value: child(v!.type, `${columnName}.value`), valueContainsNull: v!.nullable };
    }
    case arrow.Type.Struct:
      return {
        kind: 'struct',
        fields: (t as arrow.Struct).children.map((f) => ({ name: f.name, type: child(f.type, `${columnName}.${f.name}`), nullable: f.nullable })),
      };
    case arrow.Type.FixedSizeList:
    case arrow.Type.LargeList:
      throw new NotImplementedError(`column '${columnName}': Arrow type ${String(t)} is not supported (use List)`);
    default:
      return undefined;
  }
}

/** The Arrow type of a nested Kindling type. */
export function nestedToArrowType(t: DataType, child: (t: DataType) => arrow.DataType): arrow.DataType {
  switch (t.kind) {
    case 'array':
      return new arrow.List(new arrow.Field('element', child(t.element), t.containsNull));
    case 'map': {
      const entry = mapEntryType(t);
      const [k, v] = entry.fields;
      const st = new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([
        new arrow.Field('key', child(k!.type), false),
        new arrow.Field('value', child(v!.type), v!.nullable),
      ]);
      return new arrow.Map_(new arrow.Field('entries', st, false), false);
    }
    case 'struct':
      return new arrow.Struct(t.fields.map((f) => new arrow.Field(f.name, child(f.type), f.nullable)));
    default:
      throw new NotImplementedError(`nestedToArrowType: ${t.kind} is not nested`);
  }
}

/**
 * Copies nested Arrow data into wasm memory. `validity`/`nullCount` are the rows' nulls already
 * converted by the caller (ownership passes to the result).
 */
export function nestedFromArrowData(
  rt: KernelRuntime,
  type: DataType,
  name: string,
  data: arrow.Data,
  validity: WasmBuffer | null,
  nullCount: number,
  convert: ChildFromArrow,
): Column {
  const n = data.length;
  const mem = rt.memory;
  const children: Column[] = [];
  let offsets: WasmBuffer | null = null;
  try {
    if (type.kind === 'struct') {
      type.fields.forEach((f, i) => {
        let cd = data.children[i]!;
        // Arrow JS slices struct children with the parent; guard against an unsliced child anyway.
        if (cd.length !== n) cd = cd.slice(data.offset, n);
        children.push(convert(f.type, `${name}.${f.name}`, cd));
      });
    } else if (type.kind === 'array' || type.kind === 'map') {
      const raw = data.valueOffsets as Int32Array;
      const start = n === 0 ? 0 : raw[0]!;
      const end = n === 0 ? 0 : raw[n]!;
      offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
      if (n === 0) mem.i32(offsets.ptr, 1)[0] = 0;
      else {
        const off = offsets;
        rt.withScratch((n + 1) * 4, (tmp) => {
          mem.i32(tmp, n + 1).set(raw.subarray(0, n + 1));
          rt.module('convert').rebase_i32!(tmp, n + 1, start, off.ptr);
        });
      }
      const childType = type.kind === 'array' ? type.element : mapEntryType(type);
      const cd = data.children[0]!.slice(start, end - start);
      children.push(convert(childType, `${name}.${type.kind === 'array' ? 'element' : 'entries'}`, cd));
    } else {
      throw new NotImplementedError(`nestedFromArrowData: ${type.kind} is not nested`);
    }
    return new Column(type, n, null, validity, offsets, nullCount, children);
  } catch (e) {
    for (const c of children) c.release();
    offsets?.release();
    validity?.release();
    throw e;
  }
}

/** Copies a nested column out to Arrow Data of `type` (`nullBitmap` already converted by the caller). */
export function nestedToArrowData(rt: KernelRuntime, c: Column, type: arrow.DataType, nullBitmap: Uint8Array | undefined, convert: ChildToArrow): arrow.Data {
  const n = c.length;
  const common = { length: n, nullCount: c.nullCount, nullBitmap };
  switch (c.type.kind) {
    case 'struct': {
      const st = type as arrow.Struct;
      const children = c.children.map((ch, i) => convert(ch, st.children[i]!.type));
      return arrow.makeData({ ...common, type: st, children });
    }
    case 'array': {
      const lt = type as arrow.List;
      const valueOffsets = rt.memory.i32(c.offsetsPtr, n + 1).slice();
      const child = convert(c.children[0]!, lt.children[0]!.type);
      return arrow.makeData({ ...common, type: lt, valueOffsets, child });
    }
    case 'map': {
      const mt = type as arrow.Map_;
      const valueOffsets = rt.memory.i32(c.offsetsPtr, n + 1).slice();
      const child = convert(c.children[0]!, mt.children[0]!.type) as arrow.Data<arrow.Struct>;
      return arrow.makeData({ ...common, type: mt, valueOffsets, child });
    }
    default:
      throw new NotImplementedError(`nestedToArrowData: ${c.type.kind} is not nested`);
  }
}
