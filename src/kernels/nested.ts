/**
 * Column-level operations on nested columns (kernels: assembly/nested.ts and assembly/take.ts):
 * gather, slice and concatenation recursing into the children (offsets rebased by kernels, children
 * gathered at the computed child indices), and the offset kernels of the collection functions
 * (size, element_at, explode's generator plan, collect_list's grouping, array(...)).
 *
 * Inputs are borrowed; returned Columns own fresh buffers (children included).
 */
import { InternalError } from '../errors.js';
import { Column, nullColumn } from '../types/column.js';
import { type DataType, DataTypes, isNestedType } from '../types/data-type.js';
import { compare } from './compare.js';
import { encodeNestedKey } from './nested-keys.js';
import { argsort } from './sort.js';
import { concatColumns } from '../types/arrow-interop.js';
import { mapEntryType } from '../types/nested-type.js';
import { WasmBuffer } from '../wasm/memory.js';
import { columnFromJs, columnToJs } from '../types/values.js';
import { type KernelRuntime, runtime } from '../wasm/runtime.js';
import { sliceColumn, takeColumnAt } from './take.js';

/** Releases every column and buffer given (cleanup on error paths). */
function releaseAll(cols: readonly (Column | WasmBuffer | null)[]): void {
  for (const c of cols) c?.release();
}

/** Gathers rows of a nested column at `count` int32 indices at `indicesPtr` (takeColumnAt's nested case). */
export function takeNestedAt(col: Column, indicesPtr: number, count: number): Column {
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('take');
  let validity: WasmBuffer | null = null;
  let nullCount = 0;
  let offsets: WasmBuffer | null = null;
  const children: Column[] = [];
  try {
    if (col.validity && col.nullCount > 0) {
      validity = WasmBuffer.allocate(mem, Math.max(1, count));
      nullCount = k.take_validity!(col.validity.ptr, indicesPtr, count, validity.ptr);
      if (nullCount === 0) {
        validity.release();
        validity = null;
      }
    }
    if (col.type.kind === 'struct') {
      for (const c of col.children) children.push(takeColumnAt(c, indicesPtr, count));
    } else {
      offsets = WasmBuffer.allocate(mem, (count + 1) * 4);
      const total = k.take_utf8_offsets!(col.offsetsPtr, indicesPtr, count, offsets.ptr);
      const childIdx = WasmBuffer.allocate(mem, Math.max(1, total) * 4);
      try {
        rt.module('nested').expand_ranges!(col.offsetsPtr, indicesPtr, count, childIdx.ptr);
        children.push(takeColumnAt(col.children[0]!, childIdx.ptr, total));
      } finally {
        childIdx.release();
      }
    }
    return new Column(col.type, count, null, validity, offsets, nullCount, children);
  } catch (e) {
    releaseAll([validity, offsets, ...children]);
    throw e;
  }
}

/** Copies rows [offset, offset + length) of a nested column (sliceColumn's nested case). */
export function sliceNested(col: Column, offset: number, length: number): Column {
  const rt = runtime();
  const mem = rt.memory;
  const k = rt.module('take');
  let validity: WasmBuffer | null = null;
  let nullCount = 0;
  let offsets: WasmBuffer | null = null;
  const children: Column[] = [];
  try {
    if (col.validity && col.nullCount > 0) {
      validity = WasmBuffer.allocate(mem, Math.max(1, length));
      k.copy_range!(col.validity.ptr, offset, length, validity.ptr);
      nullCount = k.count_zeros!(validity.ptr, length);
      if (nullCount === 0) {
        validity.release();
        validity = null;
      }
    }
    if (col.type.kind === 'struct') {
      for (const c of col.children) children.push(sliceColumn(c, offset, length));
    } else {
      offsets = WasmBuffer.allocate(mem, (length + 1) * 4);
      const start = k.slice_offsets!(col.offsetsPtr, offset, length, offsets.ptr);
      const count = mem.i32(offsets.ptr, length + 1)[length]!;
      children.push(sliceColumn(col.children[0]!, start, count));
    }
    return new Column(col.type, length, null, validity, offsets, nullCount, children);
  } catch (e) {
    releaseAll([validity, offsets, ...children]);
    throw e;
  }
}

/**
 * Concatenates nested columns of one type (concatColumns' nested case): `validity`/`nullCount` are
 * the concatenated rows' nulls, already built by the caller (ownership passes to the result).
 */
export function concatNested(rt: KernelRuntime, type: DataType, parts: readonly Column[], validity: WasmBuffer | null, nullCount: number): Column {
  const mem = rt.memory;
  const n = parts.reduce((s, p) => s + p.length, 0);
  const children: Column[] = [];
  let offsets: WasmBuffer | null = null;
  try {
    if (type.kind === 'struct') {
      type.fields.forEach((f, i) => {
        const temps: Column[] = [];
        const fieldParts = parts.map((p) => {
          if (p.type.kind !== 'null') return p.children[i]!;
          const c = nullColumn(mem, f.type, p.length); // a part of the null type: every field null
          temps.push(c);
          return c;
        });
        try {
          children.push(concatColumns(rt, f.type, fieldParts));
        } finally {
          releaseAll(temps);
        }
      });
    } else if (type.kind === 'array' || type.kind === 'map') {
      const childType = type.kind === 'array' ? type.element : mapEntryType(type);
      offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
      mem.i32(offsets.ptr, 1)[0] = 0;
      let row = 0;
      let at = 0;
      const childParts: Column[] = [];
      for (const p of parts) {
        if (p.length === 0) continue;
        if (p.type.kind === 'null') {
          mem.i32(offsets.ptr + (row + 1) * 4, p.length).fill(at);
        } else {
          rt.module('convert').rebase_i32!(p.offsetsPtr + 4, p.length, -at, offsets.ptr + (row + 1) * 4);
          const child = p.children[0]!;
          childParts.push(child);
          at += child.length;
        }
        row += p.length;
      }
      children.push(concatColumns(rt, childType, childParts));
    } else {
      throw new InternalError(`concatNested: ${type.kind} is not nested`);
    }
    return new Column(type, n, null, validity, offsets, nullCount, children);
  } catch (e) {
    releaseAll([validity, offsets, ...children]);
    throw e;
  }
}

/** Broadcasts row 0 of a (one-row) nested column to `n` rows. */
export function repeatRow(col: Column, n: number): Column {
  const rt = runtime();
  const idx = WasmBuffer.allocate(rt.memory, Math.max(1, n) * 4);
  try {
    rt.module('nested').fill_i32!(idx.ptr, n, 0);
    return takeColumnAt(col, idx.ptr, n);
  } finally {
    idx.release();
  }
}

/** size(list or map) per row as int32; null rows give `nullValue` (Spark: -1 with legacy sizeOfNull) or null. */
export function listSizes(col: Column, nullValue: number | null): Column {
  const rt = runtime();
  const mem = rt.memory;
  const n = col.length;
  const values = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
  rt.module('nested').list_sizes!(col.offsetsPtr, col.validityPtr, n, nullValue ?? 0, values.ptr);
  if (nullValue !== null || col.nullCount === 0) return new Column(DataTypes.Integer, n, values, null, null, 0);
  return new Column(DataTypes.Integer, n, values, col.validity!.retain(), null, col.nullCount);
}

/** The element of each list at an int32 index column (1-based from either end, or 0-based), null when absent. */
export function listElementAt(col: Column, index: Column, oneBased: boolean): Column {
  const rt = runtime();
  const mem = rt.memory;
  const n = col.length;
  const child = col.children[0]!;
  const idx = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
  const valid = WasmBuffer.allocate(mem, Math.max(1, n));
  try {
    const nulls = rt.module('nested').list_element_index!(col.offsetsPtr, col.validityPtr, n, index.valuesPtr, index.validityPtr, oneBased ? 1 : 0, idx.ptr, valid.ptr);
    const elementType = col.type.kind === 'array' ? col.type.element : child.type;
    if (child.length === 0) return nullColumn(mem, elementType, n);
    const taken = takeColumnAt(child, idx.ptr, n);
    return nulls === 0 ? taken : withExtraNulls(taken, valid);
  } finally {
    idx.release();
    valid.release();
  }
}

/**
 * A copy of `col`'s buffers with rows also null where `valid` (one byte per row, borrowed) is 0.
 * Consumes `col` (its buffers move into the result).
 */
export function withExtraNulls(col: Column, valid: WasmBuffer): Column {
  const rt = runtime();
  const mem = rt.memory;
  const n = col.length;
  const out = WasmBuffer.allocate(mem, Math.max(1, n));
  let nullCount: number;
  if (col.validity) nullCount = rt.module('convert').and_validity!(col.validity.ptr, valid.ptr, n, out.ptr);
  else {
    mem.u8(out.ptr, n).set(mem.u8(valid.ptr, n));
    nullCount = rt.module('take').count_zeros!(out.ptr, n);
  }
  const res = new Column(col.type, n, col.values?.retain() ?? null, out, col.offsets?.retain() ?? null, nullCount, col.children.map((c) => c.retain()));
  col.release();
  return res;
}

/** The generator plan of explode over a list column (see assembly/nested.ts explode_plan). */
export interface ExplodePlan {
  /** Output row count. */
  readonly count: number;
  /** Parent row per output row (int32). */
  readonly rows: WasmBuffer;
  /** Child row per output row (int32; 0 for an outer null row). */
  readonly child: WasmBuffer;
  /** Position in the list per output row (int32). */
  readonly pos: WasmBuffer;
  /** 1 per output row with an element, 0 for an outer null row. */
  readonly valid: WasmBuffer;
  /** Frees the buffers. */
  release(): void;
}

/** Plans explode / explode_outer / posexplode over the rows of a list or map column. */
export function explodePlan(col: Column, outer: boolean): ExplodePlan {
  const rt = runtime();
  const mem = rt.memory;
  const cap = Math.max(1, col.children[0]!.length + col.length);
  const rows = WasmBuffer.allocate(mem, cap * 4 + 16);
  const child = WasmBuffer.allocate(mem, cap * 4 + 16);
  const pos = WasmBuffer.allocate(mem, cap * 4 + 16);
  const valid = WasmBuffer.allocate(mem, cap + 4);
  const count = rt.module('nested').explode_plan!(col.offsetsPtr, col.validityPtr, col.length, outer ? 1 : 0, rows.ptr, child.ptr, pos.ptr, valid.ptr);
  return {
    count,
    rows,
    child,
    pos,
    valid,
    release() {
      rows.release();
      child.release();
      pos.release();
      valid.release();
    },
  };
}

/**
 * Groups row indices by group id (counting sort, stable): `gids` are `n` int32 group ids in
 * [0, groups) at `gidsPtr`; rows whose byte in `validPtr` is 0 are skipped (0 = keep all). Returns
 * per-group offsets (groups + 1) and the row indices, both owned by the caller.
 */
export function groupRows(gidsPtr: number, validPtr: number, n: number, groups: number): { offsets: WasmBuffer; rows: WasmBuffer; count: number } {
  const rt = runtime();
  const mem = rt.memory;
  const offsets = WasmBuffer.allocate(mem, (groups + 1) * 4);
  const rows = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
  const count = rt.withScratch(Math.max(1, groups) * 4, (cursor) => rt.module('nested').group_rows!(gidsPtr, validPtr, n, groups, offsets.ptr, cursor, rows.ptr));
  return { offsets, rows, count };
}

/** array(c1, ..., ck): a list column of n rows whose elements are row i of each argument (borrowed). */
export function makeArray(type: DataType, cols: readonly Column[], n: number): Column {
  const rt = runtime();
  const mem = rt.memory;
  const element = type.kind === 'array' ? type.element : DataTypes.Null;
  const k = cols.length;
  const all = concatColumns(rt, element, cols);
  const offsets = WasmBuffer.allocate(mem, (n + 1) * 4);
  const idx = WasmBuffer.allocate(mem, Math.max(1, n * k) * 4);
  try {
    rt.module('nested').interleave_indices!(n, k, idx.ptr, offsets.ptr);
    const child = takeColumnAt(all, idx.ptr, n * k);
    return new Column(type, n, null, null, offsets, 0, [child]);
  } catch (e) {
    offsets.release();
    throw e;
  } finally {
    idx.release();
    all.release();
  }
}

/** A struct column of n rows from its field columns (retained), every row valid. */
export function makeStruct(type: DataType, cols: readonly Column[], n: number): Column {
  return new Column(type, n, null, null, null, 0, cols.map((c) => c.retain()));
}

/** A list (or map) column from offsets (owned, moved in) and one child (owned, moved in), with optional validity (moved in). */
export function makeList(type: DataType, n: number, offsets: WasmBuffer, child: Column, validity: WasmBuffer | null = null, nullCount = 0): Column {
  return new Column(type, n, null, validity, offsets, nullCount, [child]);
}

/** The parent row (int32) of each child row of a list or map column; the caller releases it. */
export function parentRows(col: Column): WasmBuffer {
  const rt = runtime();
  const childRows = col.children[0]!.length;
  const out = WasmBuffer.allocate(rt.memory, Math.max(1, childRows) * 4 + 16);
  rt.module('nested').parent_rows!(col.offsetsPtr, col.length, out.ptr);
  return out;
}

/** Per child row of `list`, whether it equals the value of its parent row in `value` (a boolean column with SQL nulls). */
function elementEquals(list: Column, child: Column, value: Column): Column {
  const parents = parentRows(list);
  try {
    const expanded = takeColumnAt(value, parents.ptr, child.length);
    try {
      if (isNestedType(child.type)) {
        const a = encodeNestedKey(child);
        const b = encodeNestedKey(expanded);
        try {
          return compare('=', a, b);
        } finally {
          a.release();
          b.release();
        }
      }
      return compare('=', child, expanded);
    } finally {
      expanded.release();
    }
  } finally {
    parents.release();
  }
}

/** array_contains(list, value) with Spark's null semantics (see assembly/nested.ts list_any_match). */
export function listContains(list: Column, value: Column): Column {
  const rt = runtime();
  const mem = rt.memory;
  const n = list.length;
  const eq = elementEquals(list, list.children[0]!, value);
  try {
    const out = WasmBuffer.allocate(mem, Math.max(1, n));
    const valid = WasmBuffer.allocate(mem, Math.max(1, n));
    const nulls = rt.module('nested').list_any_match!(list.offsetsPtr, list.validityPtr, value.validityPtr, n, eq.valuesPtr, eq.validityPtr, out.ptr, valid.ptr);
    if (nulls > 0) return new Column(DataTypes.Boolean, n, out, valid, null, nulls);
    valid.release();
    return new Column(DataTypes.Boolean, n, out, null, null, 0);
  } finally {
    eq.release();
  }
}

/** map[key] / element_at(map, key): the value of the first entry whose key equals `key`, null when absent. */
export function mapLookup(map: Column, key: Column): Column {
  const rt = runtime();
  const mem = rt.memory;
  const n = map.length;
  const entries = map.children[0]!;
  const [keys, values] = entries.children;
  const eq = elementEquals(map, keys!, key);
  const idx = WasmBuffer.allocate(mem, Math.max(1, n) * 4);
  const valid = WasmBuffer.allocate(mem, Math.max(1, n));
  try {
    const misses = rt.module('nested').list_first_match!(map.offsetsPtr, map.validityPtr, n, eq.valuesPtr, eq.validityPtr, idx.ptr, valid.ptr);
    if (values!.length === 0) return nullColumn(mem, values!.type, n);
    const taken = takeColumnAt(values!, idx.ptr, n);
    return misses === 0 ? taken : withExtraNulls(taken, valid);
  } finally {
    eq.release();
    idx.release();
    valid.release();
  }
}

/** A struct's field `i` as a column: null where the struct is null or the field is. */
export function structField(col: Column, i: number): Column {
  const child = col.children[i]!.retain();
  if (col.nullCount === 0 || !col.validity) return child;
  return withExtraNulls(child, col.validity);
}

/** map_keys / map_values: the entries' key or value field as an array column (shares the buffers). */
export function mapPart(map: Column, part: 0 | 1, type: DataType): Column {
  const entries = map.children[0]!;
  return new Column(type, map.length, null, map.validity?.retain() ?? null, map.offsets!.retain(), map.nullCount, [entries.children[part]!.retain()]);
}

/**
 * sort_array(list, ascending): each list's elements sorted (Spark: nulls first ascending, last
 * descending): one stable argsort of the child rows by (parent row, element).
 */
export function sortLists(list: Column, ascending: boolean): Column {
  const child = list.children[0]!;
  const parents = parentRows(list);
  try {
    const parentCol = new Column(DataTypes.Integer, child.length, parents.retain(), null, null, 0);
    try {
      const perm = argsort(
        [parentCol, child],
        [
          { index: 0, ascending: true, nullsFirst: true },
          { index: 1, ascending, nullsFirst: ascending },
        ],
        child.length,
      );
      try {
        const sorted = takeColumnAt(child, perm.ptr, child.length);
        return new Column(list.type, list.length, null, list.validity?.retain() ?? null, list.offsets!.retain(), list.nullCount, [sorted]);
      } finally {
        perm.release();
      }
    } finally {
      parentCol.release();
    }
  } finally {
    parents.release();
  }
}

/**
 * CAST(nested AS STRING) as Spark prints it: `[1, 2, null]`, `{a -> 1, b -> null}`, `{1, x}` for
 * structs. Elements are cast to string by the cast kernels (doubles print as Java does), then
 * joined per row (string assembly at the edge: show() and explicit casts).
 */
export function nestedToString(col: Column, castToString: (c: Column) => Column): Column {
  const text = (c: Column): (string | null)[] => {
    if (c.type.kind === 'null') return new Array<string | null>(c.length).fill(null);
    const s = isNestedTypeOf(c) ? nestedToString(c, castToString) : castToString(c);
    try {
      return columnToJs(s) as (string | null)[];
    } finally {
      s.release();
    }
  };
  const n = col.length;
  const mem = runtime().memory;
  const valid = col.validity && col.nullCount > 0 ? mem.u8(col.validity.ptr, n).slice() : null;
  const out: (string | null)[] = new Array(n);
  const t = col.type;
  if (t.kind === 'struct') {
    const fields = col.children.map(text);
    for (let r = 0; r < n; r++) out[r] = valid && valid[r] === 0 ? null : `{${fields.map((f) => f[r] ?? 'null').join(', ')}}`;
  } else {
    const off = mem.i32(col.offsetsPtr, n + 1).slice();
    const child = col.children[0]!;
    const keys = t.kind === 'map' ? text(child.children[0]!) : text(child);
    const values = t.kind === 'map' ? text(child.children[1]!) : null;
    for (let r = 0; r < n; r++) {
      if (valid && valid[r] === 0) {
        out[r] = null;
        continue;
      }
      const items: string[] = [];
      for (let j = off[r]!; j < off[r + 1]!; j++) items.push(values ? `${keys[j] ?? 'null'} -> ${values[j] ?? 'null'}` : (keys[j] ?? 'null'));
      out[r] = t.kind === 'map' ? `{${items.join(', ')}}` : `[${items.join(', ')}]`;
    }
  }
  return columnFromJs(DataTypes.String, out);
}

function isNestedTypeOf(c: Column): boolean {
  return c.type.kind === 'array' || c.type.kind === 'map' || c.type.kind === 'struct';
}

/** Row-wise `cond ? a : b` for nested columns (ifElse's nested case): a gather from the concatenation of a and b. */
export function ifElseNested(cond: Column, a: Column, b: Column): Column {
  const rt = runtime();
  const n = cond.length;
  const both = concatColumns(rt, a.type, [a, b]);
  const idx = WasmBuffer.allocate(rt.memory, Math.max(1, n) * 4);
  try {
    rt.module('nested').select_indices!(cond.valuesPtr, cond.validityPtr, n, idx.ptr);
    return takeColumnAt(both, idx.ptr, n);
  } finally {
    idx.release();
    both.release();
  }
}

/**
 * CAST between nested types of the same shape (array -> array, map -> map, struct -> struct with
 * as many fields): the children are cast with `castChild` (the cast kernels), offsets and validity
 * are shared. Returns undefined when the shapes differ.
 */
export function castNested(col: Column, to: DataType, castChild: (c: Column, t: DataType) => Column): Column | undefined {
  const from = col.type;
  const share = (children: Column[]) =>
    new Column(to, col.length, null, col.validity?.retain() ?? null, col.offsets?.retain() ?? null, col.nullCount, children);
  if (from.kind === 'array' && to.kind === 'array') return share([castChild(col.children[0]!, to.element)]);
  if (from.kind === 'map' && to.kind === 'map') {
    const entries = col.children[0]!;
    const et = mapEntryType(to);
    const k = castChild(entries.children[0]!, to.key);
    const v = castChild(entries.children[1]!, to.value);
    return share([new Column(et, entries.length, null, entries.validity?.retain() ?? null, null, entries.nullCount, [k, v])]);
  }
  if (from.kind === 'struct' && to.kind === 'struct' && from.fields.length === to.fields.length) {
    return share(col.children.map((c, i) => castChild(c, to.fields[i]!.type)));
  }
  return undefined;
}
