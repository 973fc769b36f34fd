/**
 * Arithmetic on Spark's ANSI interval columns (types in src/types/interval.ts, result types in
 * intervalArithmeticType): interval +/- interval and timestamp +/- day-time interval run the int32 /
 * int64 arithmetic kernels on the physical values (months, microseconds); date +/- year-month
 * interval is add_months per row; unary minus negates the physical values. Integer overflow wraps
 * (Spark raises ARITHMETIC_OVERFLOW for intervals; Kindling does not check yet).
 */
import { InternalError } from '../errors.js';
import type { DataType } from '../types/data-type.js';
import { Column } from '../types/column.js';
import { type IntervalType, intervalPhysicalType, isIntervalType } from '../types/interval.js';
import type { ArithmeticOp } from '../types/type-coercion.js';
import { type Operand, isColumn, operandLength } from './cast.js';
import { shareColumn } from './common.js';
import { literalColumn } from './conditional.js';
import { addMonths } from './dates.js';

/** The operand with an interval type relabelled as its physical integral type (a view: buffers shared). */
function physical(x: Operand): Operand {
  if (!isIntervalType(x.type)) return isColumn(x) ? x.retain() : x;
  const t = intervalPhysicalType(x.type);
  return isColumn(x) ? shareColumn(x, t) : { type: t, value: x.value };
}

const release = (x: Operand): void => {
  if (isColumn(x)) x.release();
};

/** True when arithmetic(op, a, b) involves an interval operand or result (handled here). */
export function isIntervalArithmetic(a: Operand, b: Operand, rt: DataType): boolean {
  return isIntervalType(a.type) || isIntervalType(b.type) || isIntervalType(rt);
}

/**
 * `a op b` with an interval operand; `rt` is the analyzed result type; `fixed` is the plain
 * arithmetic on physical operands (arith.ts). Borrows its inputs.
 */
export function intervalArithmetic(
  op: ArithmeticOp,
  a: Operand,
  b: Operand,
  rt: DataType,
  fixed: (op: ArithmeticOp, a: Operand, b: Operand, rt: DataType) => Column,
): Column {
  const n = operandLength(a, b, `interval arithmetic '${op}'`);
  if (rt.kind === 'date32') {
    // date +/- year-month interval: add_months (Spark's DateAddYMInterval)
    const [d, m] = a.type.kind === 'date32' ? [a, b] : [b, a];
    const dc = isColumn(d) ? d.retain() : literalColumn(d.type, d.value, n);
    let mc = isColumn(m) ? shareColumn(m, intervalPhysicalType(m.type as IntervalType)) : literalColumn({ kind: 'int32' }, m.value, n);
    try {
      if (op === '-') {
        const neg = fixed('-', { type: { kind: 'int32' }, value: 0 }, mc, { kind: 'int32' });
        mc.release();
        mc = neg;
      }
      return addMonths(dc, mc);
    } finally {
      dc.release();
      mc.release();
    }
  }
  const pt: DataType = isIntervalType(rt) ? intervalPhysicalType(rt) : rt.kind === 'timestamp' ? { kind: 'int64' } : rt;
  if (pt === rt) throw new InternalError(`interval arithmetic: unexpected result type ${rt.kind}`);
  const x = physical(a);
  const y = physical(b);
  try {
    const micros = (v: unknown) => (v instanceof Date ? BigInt(v.getTime()) * 1000n : (v as bigint | null));
    const ts = (o: Operand): Operand =>
      o.type.kind === 'timestamp' ? (isColumn(o) ? shareColumn(o, pt) : { type: pt, value: micros(o.value) }) : isColumn(o) ? o.retain() : o;
    const xx = ts(x);
    const yy = ts(y);
    try {
      const r = fixed(op, xx, yy, pt);
      try {
        return shareColumn(r, rt);
      } finally {
        r.release();
      }
    } finally {
      release(xx);
      release(yy);
    }
  } finally {
    release(x);
    release(y);
  }
}
