/**
 * Window specifications (PySpark's `Window` / `WindowSpec`):
 * `Window.partitionBy('k').orderBy('t').rowsBetween(-2, Window.currentRow)` describes the rows a
 * window function sees; `F.sum('x').over(w)` applies a function over it.
 *
 * Frame bounds are row offsets (negative = preceding) or the constants `Window.unboundedPreceding`,
 * `Window.unboundedFollowing`, `Window.currentRow`; like PySpark, any start <= Number.MIN_SAFE_INTEGER (e.g.
 * -Infinity) counts as UNBOUNDED PRECEDING and any end >= Number.MAX_SAFE_INTEGER as UNBOUNDED FOLLOWING. RANGE frames
 * take value offsets (distances from the current row's order key).
 */
import { InvalidArgumentError } from '../errors.js';
import type { Expr, FrameBoundary, SortOrder, WindowFrame } from '../plan/expression.js';
import { type Column, toColumn } from './column.js';

type ColumnLike = Column | string;
type ColumnList = (ColumnLike | readonly ColumnLike[])[];

function boundary(v: number, side: 'start' | 'end', type: 'rows' | 'range' = 'rows'): FrameBoundary {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidArgumentError(`window frame ${side} must be a number, got ${String(v)}`);
  if (v <= Number.MIN_SAFE_INTEGER) {
    if (side === 'end') throw new InvalidArgumentError('a window frame cannot end at UNBOUNDED PRECEDING');
    return 'unboundedPreceding';
  }
  if (v >= Number.MAX_SAFE_INTEGER) {
    if (side === 'start') throw new InvalidArgumentError('a window frame cannot start at UNBOUNDED FOLLOWING');
    return 'unboundedFollowing';
  }
  // ROWS offsets count rows; RANGE offsets are distances in the order key's units (fractions allowed for non-integral keys)
  if (type === 'rows' && !Number.isInteger(v)) throw new InvalidArgumentError(`window frame ${side} must be an integer offset, got ${v}`);
  return v === 0 ? 'currentRow' : v;
}

function frameOf(type: 'rows' | 'range', start: number, end: number): WindowFrame {
  const lower = boundary(start, 'start', type);
  const upper = boundary(end, 'end', type);
  if (start > end) throw new InvalidArgumentError(`window frame start (${start}) must not be after its end (${end})`);
  return { type, lower, upper };
}

/** A window specification: partitioning, ordering and frame. Immutable; each method returns a new spec. */
export class WindowSpec {
  /** @internal */
  constructor(
    readonly partitionSpec: readonly Expr[] = [],
    readonly orderSpec: readonly SortOrder[] = [],
    readonly frame?: WindowFrame,
  ) {}

  /** Partitions rows by columns (window functions restart in each partition). */
  partitionBy(...cols: ColumnList): WindowSpec {
    return new WindowSpec(cols.flat().map((c) => toColumn(c).expr), this.orderSpec, this.frame);
  }

  /** Orders rows within a partition (ascending nulls first unless a Column says otherwise). */
  orderBy(...cols: ColumnList): WindowSpec {
    const orders = cols.flat().map((c): SortOrder => {
      const col = toColumn(c);
      const ascending = col.sortOrder?.ascending ?? true;
      return { expr: col.expr, ascending, nullsFirst: col.sortOrder?.nullsFirst ?? ascending };
    });
    return new WindowSpec(this.partitionSpec, orders, this.frame);
  }

  /** A ROWS frame from `start` to `end` rows relative to the current row (inclusive). */
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitionSpec, this.orderSpec, frameOf('rows', start, end));
  }

  /**
   * A RANGE frame: rows whose order key lies within [key + start, key + end] (peers of the current
   * row count as the current row); offsets need exactly one numeric or date (days) order key.
   */
  rangeBetween(start: number, end: number): WindowSpec {
    return new WindowSpec(this.partitionSpec, this.orderSpec, frameOf('range', start, end));
  }
}

/** Builders of window specifications (PySpark's `Window`). */
export const Window = {
  /** UNBOUNDED PRECEDING as a frame start. */
  unboundedPreceding: Number.NEGATIVE_INFINITY,
  /** UNBOUNDED FOLLOWING as a frame end. */
  unboundedFollowing: Number.POSITIVE_INFINITY,
  /** CURRENT ROW as a frame bound. */
  currentRow: 0,
  /** A spec partitioned by columns. */
  partitionBy(...cols: ColumnList): WindowSpec {
    return new WindowSpec().partitionBy(...cols);
  },
  /** A spec ordered by columns. */
  orderBy(...cols: ColumnList): WindowSpec {
    return new WindowSpec().orderBy(...cols);
  },
  /** A spec with only a ROWS frame. */
  rowsBetween(start: number, end: number): WindowSpec {
    return new WindowSpec().rowsBetween(start, end);
  },
  /** A spec with only a RANGE frame. */
  rangeBetween(start: number, end: number): WindowSpec {
    return new WindowSpec().rangeBetween(start, end);
  },
} as const;
