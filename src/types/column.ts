import { InternalError } from '../errors.js';
import { type WasmMemory, WasmBuffer } from '../wasm/memory.js';
import { type DataType, byteWidth } from './data-type.js';
import { mapEntryType } from './nested-type.js';

/**
 * One column of a batch, resident in WebAssembly memory (layout: see data-type.ts).
 *
 * A Column owns one reference to each of its buffers. Columns are immutable; an operator that passes
 * a column through to its output calls `retain()` on it, and whoever holds a column last calls
 * `release()`.
 */
export class Column {
  /** Tag that tells a Column from a scalar where expressions evaluate to either. */
  readonly kind = 'column' as const;

  constructor(
    readonly type: DataType,
    readonly length: number,
    /** Fixed-width values, or the UTF-8 bytes of a string column; null for the null type. */
    readonly values: WasmBuffer | null,
    /** One byte per row, 1 = valid; null when no row is null. */
    readonly validity: WasmBuffer | null,
    /** int32 offsets (length + 1 entries) of a string column; null otherwise. */
    readonly offsets: WasmBuffer | null,
    /** Number of null rows. */
    readonly nullCount: number,
    /**
     * Child columns of a nested type (owned: one reference each): array -> [elements] (with
     * `offsets`, n + 1 int32 into the elements), map -> [entries: struct<key,value>] (with
     * `offsets`), struct -> one column per field (of `length` rows). Empty for flat types.
     */
    readonly children: readonly Column[] = [],
  ) {
    if ((type.kind === 'utf8' || type.kind === 'array' || type.kind === 'map') && !offsets) {
      throw new InternalError(`a ${type.kind} column needs an offsets buffer`);
    }
    if (nullCount > 0 && !validity && type.kind !== 'null') {
      throw new InternalError(`a column with ${nullCount} nulls needs a validity buffer`);
    }
  }

  /** Address of the values buffer (0 when absent). */
  get valuesPtr(): number {
    return this.values?.ptr ?? 0;
  }

  /** Address of the validity buffer, 0 when every row is valid (kernels treat 0 as "all valid"). */
  get validityPtr(): number {
    return this.validity?.ptr ?? 0;
  }

  /** Address of the offsets buffer (0 when absent). */
  get offsetsPtr(): number {
    return this.offsets?.ptr ?? 0;
  }

  /** Adds a reference to every buffer; returns this. */
  retain(): this {
    this.values?.retain();
    this.validity?.retain();
    this.offsets?.retain();
    for (const c of this.children) c.retain();
    return this;
  }

  /** Drops this column's reference to every buffer. */
  release(): void {
    this.values?.release();
    this.validity?.release();
    this.offsets?.release();
    for (const c of this.children) c.release();
  }

  /** Whether row i is null. For tests and edges, never a hot path. */
  isNull(mem: WasmMemory, i: number): boolean {
    if (this.type.kind === 'null') return true;
    return this.validity !== null && mem.u8(this.validity.ptr, this.length)[i] === 0;
  }
}

/** Allocates an uninitialised fixed-width column of `length` rows, with a validity buffer if asked. */
export function allocateFixedColumn(mem: WasmMemory, type: DataType, length: number, withValidity: boolean): {
  values: WasmBuffer;
  validity: WasmBuffer | null;
} {
  const width = byteWidth(type);
  if (width === 0) throw new InternalError(`allocateFixedColumn called for variable-width type ${type.kind}`);
  return {
    values: WasmBuffer.allocate(mem, Math.max(1, length) * width),
    validity: withValidity ? WasmBuffer.allocate(mem, Math.max(1, length)) : null,
  };
}

/** A column of `length` nulls of the given type. */
export function nullColumn(mem: WasmMemory, type: DataType, length: number): Column {
  if (type.kind === 'null') return new Column(type, length, null, null, null, length);
  const validity = WasmBuffer.allocate(mem, Math.max(1, length));
  validity.bytes().fill(0);
  if (type.kind === 'array' || type.kind === 'map' || type.kind === 'struct') {
    // Nested: every row null; lists are empty (zero offsets), struct fields are null rows.
    const childTypes = type.kind === 'struct' ? type.fields.map((f) => f.type) : [type.kind === 'array' ? type.element : mapEntryType(type)];
    const childLength = type.kind === 'struct' ? length : 0;
    let offsets: WasmBuffer | null = null;
    if (type.kind !== 'struct') {
      offsets = WasmBuffer.allocate(mem, (length + 1) * 4);
      offsets.bytes().fill(0);
    }
    return new Column(type, length, null, validity, offsets, length, childTypes.map((t) => nullColumn(mem, t, childLength)));
  }
  if (type.kind === 'utf8') {
    const offsets = WasmBuffer.allocate(mem, (length + 1) * 4);
    offsets.bytes().fill(0);
    return new Column(type, length, WasmBuffer.allocate(mem, 1), validity, offsets, length);
  }
  const values = WasmBuffer.allocate(mem, Math.max(1, length) * byteWidth(type));
  values.bytes().fill(0);
  return new Column(type, length, values, validity, null, length);
}
