import type { Column } from '../types/column.js';
import type { DataType } from '../types/data-type.js';
import type { CellValue } from '../types/values.js';
import { literalColumn } from '../kernels/conditional.js';

/** A constant produced by expression evaluation (a literal, or a folded constant subexpression). */
export interface Scalar {
  readonly kind: 'scalar';
  readonly type: DataType;
  readonly value: CellValue;
}

/** What an expression evaluates to over a batch: a column of the batch's length, or one scalar for every row. */
export type Value = Column | Scalar;

/** The value as a column of `numRows` rows: a column is returned as is (ownership passes), a scalar is broadcast. */
export function asColumn(v: Value, numRows: number): Column {
  return v.kind === 'scalar' ? literalColumn(v.type, v.value, numRows) : v;
}

/** Releases a value if it is a column (scalars own no memory). */
export function releaseValue(v: Value): void {
  if (v.kind === 'column') v.release();
}
