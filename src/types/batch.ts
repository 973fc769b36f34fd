import { InternalError } from '../errors.js';
import type { Column } from './column.js';
import type { Schema } from './schema.js';

/**
 * A horizontal slice of a table: one Column per schema field, all of `numRows` rows, resident in
 * WebAssembly memory. Operators exchange batches. Ownership: whoever receives a batch from an
 * operator owns it and must `release()` it (or pass it on); `retain()` adds a reference to every
 * column so a batch can be shared.
 */
export class Batch {
  constructor(
    readonly schema: Schema,
    readonly columns: readonly Column[],
    readonly numRows: number,
  ) {
    if (columns.length !== schema.length) {
      throw new InternalError(`batch has ${columns.length} columns but its schema has ${schema.length} fields`);
    }
    for (let i = 0; i < columns.length; i++) {
      if (columns[i]!.length !== numRows) {
        throw new InternalError(
          `column ${schema.fields[i]!.name} has ${columns[i]!.length} rows, the batch has ${numRows}`,
        );
      }
    }
  }

  /** The column at `i`. */
  column(i: number): Column {
    const c = this.columns[i];
    if (!c) throw new InternalError(`batch has no column ${i}`);
    return c;
  }

  /** Adds a reference to every column; returns this. */
  retain(): this {
    for (const c of this.columns) c.retain();
    return this;
  }

  /** Drops this batch's reference to every column. */
  release(): void {
    for (const c of this.columns) c.release();
  }
}
