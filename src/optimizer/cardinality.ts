/**
 * Cardinality estimation of logical plans (Spark's FilterEstimation / JoinEstimation, much
 * simplified): an estimated row count per plan node plus, per output attribute, a distinct-count
 * estimate and, when cheap, a numeric min/max. Used by ReorderJoins to cost join orders and by the
 * physical planner (through `estimateRows` in src/plan/statistics.ts) to choose hash-join build sides.
 *
 * Sources of facts:
 * - ParquetRelation: the footers' row counts and per-row-group min/max/null counts.
 * - LocalRelation: the batches' row counts, and per column the null count and, for integer, date,
 *   timestamp, decimal and double columns, min/max computed once by the SIMD min/max kernels
 *   (local-statistics.ts), used exactly as Parquet footers' statistics are.
 *
 * Heuristics (all documented here, all deliberately simple):
 * - NDV of a column: for integer and date columns with known min/max, `min(rows, max - min + 1)`
 *   ("known"); booleans 2; otherwise a guess equal to the table's row count (unknown: it behaves
 *   like a unique key in joins but is not used for `col = literal`).
 * - Filter selectivity: `col = lit` 1/NDV when known, else 0.1 (0 when the literal lies outside a
 *   known [min, max]); `!=` 1 - eq; ranges on one column are intersected into one interval and
 *   estimated as the fraction of the known [min, max] they cover, else 1/3 each; IN (n items)
 *   min(1, n × eq); LIKE 0.25; IS NULL null fraction (0.1 when unknown), IS NOT NULL 1 - that;
 *   AND multiplies, OR is s1 + s2 - s1·s2, NOT is 1 - s; anything else 0.5.
 * - Equi-join `a = b`: selectivity 1/max(ndv(a), ndv(b)) (Spark), except that when the side with
 *   the smaller NDV looks like a primary key (its NDV is at least 90% of its table's row count) the
 *   selectivity is 1/that NDV: every row of the other side matches at most one key, and the larger
 *   NDV of a foreign-key column is usually an over-estimate taken from its [min, max] range. Several
 *   equalities between the same two sides multiply, but never below 1/(rows of the smaller base
 *   table) (a composite key is at most unique). Other join conjuncts use the filter heuristics.
 * - Aggregate: min(input rows, product of the keys' NDVs); no keys: 1. Distinct: the input rows.
 * - Outer joins: at least the preserved side(s); semi join min(left, inner estimate); anti join half
 *   of the left.
 * NDVs are not reduced by filters (they describe the key domain, for the containment assumption of
 * join estimation); consumers cap them by the current row count where that matters.
 */
import { type AttributeRef, type Expr, referencedIds, splitConjuncts } from '../plan/expression.js';
import { type LogicalPlan, outputOf } from '../plan/logical-plan.js';
import type { DataType } from '../types/data-type.js';
import type { CellValue } from '../types/values.js';
import { parseDate } from '../types/values.js';
import { localColumnStatistics } from './local-statistics.js';

/** What is known (estimated) about one output column. */
export interface ColumnEstimate {
  /** Estimated number of distinct non-null values in the column's domain. */
  readonly ndv: number;
  /** Whether `ndv` comes from statistics (a [min, max] range) rather than a guess. */
  readonly ndvKnown: boolean;
  /** Row count of the base table the column comes from (before filters). */
  readonly tableRows: number;
  /** Numeric min/max (dates as days), when known. */
  readonly min?: number;
  readonly max?: number;
  /** Fraction of null rows, when known. */
  readonly nullFraction?: number;
}

/** The estimate of a plan: rows and per-attribute column estimates by attribute id. */
export interface PlanEstimate {
  readonly rows: number;
  readonly columns: ReadonlyMap<number, ColumnEstimate>;
}

/** Default selectivities (see the module doc). */
export const SELECTIVITY = {
  equality: 0.1,
  range: 1 / 3,
  like: 0.25,
  isNull: 0.1,
  unknown: 0.5,
} as const;

const cache = new WeakMap<LogicalPlan, PlanEstimate>();

/** Estimates rows and column statistics of `plan` (memoized per plan object; plans are immutable). */
export function estimatePlan(plan: LogicalPlan): PlanEstimate {
  let e = cache.get(plan);
  if (!e) {
    e = compute(plan);
    cache.set(plan, e);
  }
  return e;
}

/** Estimated row count of `plan` (at least 0; fractional values are kept for costing). */
export function estimateCardinality(plan: LogicalPlan): number {
  return estimatePlan(plan).rows;
}

function compute(plan: LogicalPlan): PlanEstimate {
  switch (plan.kind) {
    case 'parquet':
      return parquetEstimate(plan);
    case 'local': {
      const rows = plan.batches.reduce((s, b) => s + b.numRows, 0);
      if (rows === 0) return { rows, columns: new Map(plan.attributes.map((a) => [a.id, guessColumn(a, rows)])) };
      const stats = localColumnStatistics(plan.batches, plan.attributes.map((a) => a.type));
      return { rows, columns: new Map(plan.attributes.map((a, i) => [a.id, columnFromStatistics(a, rows, stats[i]!)])) };
    }
    case 'filter': {
      const c = estimatePlan(plan.child);
      return { rows: c.rows * filterSelectivity(plan.condition, c), columns: c.columns };
    }
    case 'project': {
      const c = estimatePlan(plan.child);
      const columns = new Map<number, ColumnEstimate>();
      for (const e of plan.exprs) {
        if (e.kind === 'attr') columns.set(e.id, c.columns.get(e.id) ?? unknownColumn(c.rows));
        else if (e.kind === 'alias') {
          const inner = e.child.kind === 'attr' ? c.columns.get(e.child.id) : undefined;
          columns.set(e.id, inner ?? unknownColumn(c.rows));
        }
      }
      return { rows: c.rows, columns };
    }
    case 'aggregate': {
      const c = estimatePlan(plan.child);
      let rows = 1;
      if (plan.groupBy.length > 0) {
        let product = 1;
        for (const g of plan.groupBy) product *= Math.max(1, Math.min(exprNdv(g, c), c.rows));
        rows = Math.min(c.rows, product);
      }
      const columns = new Map<number, ColumnEstimate>();
      for (const e of plan.aggregates) {
        if (e.kind !== 'attr' && e.kind !== 'alias') continue;
        const id = e.id;
        const src = e.kind === 'attr' ? e : e.child.kind === 'attr' ? e.child : undefined;
        const col = src ? c.columns.get(src.id) : undefined;
        columns.set(id, col ? { ...col, ndv: Math.min(col.ndv, Math.max(rows, 1)) } : unknownColumn(rows));
      }
      return { rows, columns };
    }
    case 'join':
      return joinEstimate(plan.left, plan.right, plan.joinType, plan.condition);
    case 'limit': {
      const c = estimatePlan(plan.child);
      return { rows: Math.max(0, Math.min(c.rows - (plan.offset ?? 0), plan.n)), columns: c.columns };
    }
    case 'union': {
      const parts = plan.children.map(estimatePlan);
      const rows = parts.reduce((s, p) => s + p.rows, 0);
      return { rows, columns: new Map(outputOf(plan).map((a) => [a.id, unknownColumn(rows)])) };
    }
    case 'sort':
    case 'distinct':
    case 'subqueryAlias':
      return estimatePlan(plan.child);
    case 'window': {
      const c = estimatePlan(plan.child);
      const columns = new Map(c.columns);
      for (const a of outputOf(plan)) if (!columns.has(a.id)) columns.set(a.id, unknownColumn(c.rows));
      return { rows: c.rows, columns };
    }
    case 'generate': {
      // explode: a guess of a few elements per row
      const c = estimatePlan(plan.child);
      const rows = c.rows * 4;
      const columns = new Map(c.columns);
      for (const a of outputOf(plan)) if (!columns.has(a.id)) columns.set(a.id, unknownColumn(rows));
      return { rows, columns };
    }
  }
}

/** Rows of a join of two estimated inputs under `condition` (inner semantics), and the other join types. */
function joinEstimate(left: LogicalPlan, right: LogicalPlan, joinType: string, condition: Expr | undefined): PlanEstimate {
  const l = estimatePlan(left);
  const r = estimatePlan(right);
  const columns = new Map([...l.columns, ...r.columns]);
  const both: PlanEstimate = { rows: l.rows * r.rows, columns };
  const inner = l.rows * r.rows * (condition ? joinSelectivity(splitConjuncts(condition), both) : 1);
  switch (joinType) {
    case 'left':
      return { rows: Math.max(inner, l.rows), columns };
    case 'right':
      return { rows: Math.max(inner, r.rows), columns };
    case 'full':
      return { rows: Math.max(inner, l.rows + r.rows), columns };
    case 'left_semi':
      return { rows: Math.min(l.rows, inner), columns: l.columns };
    case 'left_anti':
      return { rows: l.rows / 2, columns: l.columns };
    default:
      return { rows: inner, columns };
  }
}

/**
 * Selectivity of the conjuncts of a join condition over the concatenated input (`input` carries the
 * column estimates of both sides): equalities of two attributes by the NDV rule of the module doc,
 * with the composite-key floor; other conjuncts by the filter heuristics.
 */
export function joinSelectivity(conjuncts: readonly Expr[], input: PlanEstimate): number {
  let equi = 1;
  let equiCount = 0;
  let floorRows = Infinity;
  let other = 1;
  for (const c of conjuncts) {
    const pair = equiAttributes(c);
    const a = pair && input.columns.get(pair[0].id);
    const b = pair && input.columns.get(pair[1].id);
    if (a && b) {
      equi *= equalitySelectivity(a, b);
      equiCount++;
      floorRows = Math.min(floorRows, a.tableRows, b.tableRows);
    } else {
      other *= filterSelectivity(c, input);
    }
  }
  if (equiCount > 1 && Number.isFinite(floorRows)) equi = Math.max(equi, 1 / Math.max(1, floorRows));
  return equi * other;
}

/** Selectivity of `a = b` for two columns (see the module doc). */
export function equalitySelectivity(a: ColumnEstimate, b: ColumnEstimate): number {
  const [small, large] = a.ndv <= b.ndv ? [a, b] : [b, a];
  const pk = small.ndv >= 0.9 * small.tableRows;
  const ndv = pk ? small.ndv : large.ndv;
  return 1 / Math.max(1, ndv);
}

/** The two attributes of `x = y` (or `x <=> y`), looking through casts. */
export function equiAttributes(e: Expr): [AttributeRef, AttributeRef] | undefined {
  if (e.kind !== 'binary' || (e.op !== '=' && e.op !== '<=>')) return undefined;
  const l = stripCast(e.left);
  const r = stripCast(e.right);
  return l.kind === 'attr' && r.kind === 'attr' && l.id !== r.id ? [l, r] : undefined;
}

function stripCast(e: Expr): Expr {
  return e.kind === 'cast' ? stripCast(e.child) : e;
}

/** Selectivity of a filter condition over an input with estimate `input`, in [0, 1]. */
export function filterSelectivity(cond: Expr, input: PlanEstimate): number {
  const conjuncts = splitConjuncts(cond);
  if (conjuncts.length > 1) return conjunctSelectivity(conjuncts, input);
  return clamp(atomSelectivity(cond, input));
}

/** AND of conjuncts: ranges over one column with a known [min, max] are intersected first. */
function conjunctSelectivity(conjuncts: readonly Expr[], input: PlanEstimate): number {
  const intervals = new Map<number, { lo: number; hi: number; col: ColumnEstimate }>();
  let s = 1;
  for (const c of conjuncts) {
    const r = rangeBound(c);
    const col = r && input.columns.get(r.attr.id);
    if (r && col && col.min !== undefined && col.max !== undefined && col.max > col.min) {
      const cur = intervals.get(r.attr.id) ?? { lo: col.min, hi: col.max, col };
      if (r.lower) cur.lo = Math.max(cur.lo, r.value);
      else cur.hi = Math.min(cur.hi, r.value);
      intervals.set(r.attr.id, cur);
      continue;
    }
    s *= filterSelectivity(c, input);
  }
  for (const { lo, hi, col } of intervals.values()) s *= clamp((hi - lo) / (col.max! - col.min!));
  return clamp(s);
}

function atomSelectivity(e: Expr, input: PlanEstimate): number {
  switch (e.kind) {
    case 'literal':
      return e.value === true ? 1 : 0;
    case 'binary':
      switch (e.op) {
        case 'and':
          return filterSelectivity(e.left, input) * filterSelectivity(e.right, input);
        case 'or': {
          const a = filterSelectivity(e.left, input);
          const b = filterSelectivity(e.right, input);
          return a + b - a * b;
        }
        case '=':
        case '<=>':
          return eqLiteral(e.left, e.right, input) ?? eqLiteral(e.right, e.left, input) ?? SELECTIVITY.equality;
        case '!=':
          return 1 - (eqLiteral(e.left, e.right, input) ?? eqLiteral(e.right, e.left, input) ?? SELECTIVITY.equality);
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const r = rangeBound(e);
          const col = r && input.columns.get(r.attr.id);
          if (r && col && col.min !== undefined && col.max !== undefined && col.max > col.min) {
            const f = r.lower ? (col.max - r.value) / (col.max - col.min) : (r.value - col.min) / (col.max - col.min);
            return clamp(f);
          }
          return SELECTIVITY.range;
        }
        default:
          return SELECTIVITY.unknown;
      }
    case 'unary': {
      if (e.op === 'not') return 1 - filterSelectivity(e.child, input);
      const col = e.child.kind === 'attr' ? input.columns.get(e.child.id) : undefined;
      const nulls = col?.nullFraction ?? (e.child.kind === 'attr' && !e.child.nullable ? 0 : SELECTIVITY.isNull);
      if (e.op === 'isNull') return nulls;
      if (e.op === 'isNotNull') return 1 - nulls;
      return SELECTIVITY.unknown;
    }
    case 'in': {
      const a = stripCast(e.child);
      const col = a.kind === 'attr' ? input.columns.get(a.id) : undefined;
      const one = col?.ndvKnown ? 1 / Math.max(1, col.ndv) : SELECTIVITY.equality;
      return Math.min(1, e.list.length * one);
    }
    case 'like':
      return SELECTIVITY.like;
    default:
      return SELECTIVITY.unknown;
  }
}

/** Selectivity of `x = lit` when `x` is an attribute and `lit` a literal; undefined otherwise. */
function eqLiteral(x: Expr, lit: Expr, input: PlanEstimate): number | undefined {
  const a = stripCast(x);
  if (a.kind !== 'attr' || lit.kind !== 'literal') return undefined;
  if (lit.value === null) return 0;
  const col = input.columns.get(a.id);
  if (!col) return undefined;
  const v = toNumber(lit.type, lit.value);
  if (v !== undefined && col.min !== undefined && col.max !== undefined && (v < col.min || v > col.max)) return 0;
  return col.ndvKnown ? 1 / Math.max(1, col.ndv) : undefined;
}

/** `attr op literal` (either order) as a bound: lower (attr > v) or upper (attr < v). */
function rangeBound(e: Expr): { attr: AttributeRef; value: number; lower: boolean } | undefined {
  if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return undefined;
  const l = stripCast(e.left);
  const r = stripCast(e.right);
  let attr: AttributeRef;
  let lit: Expr;
  let greater: boolean;
  if (l.kind === 'attr' && r.kind === 'literal') {
    attr = l;
    lit = r;
    greater = e.op === '>' || e.op === '>=';
  } else if (r.kind === 'attr' && l.kind === 'literal') {
    attr = r;
    lit = l;
    greater = e.op === '<' || e.op === '<=';
  } else return undefined;
  if (lit.kind !== 'literal' || lit.value === null) return undefined;
  const value = toNumber(lit.type, lit.value);
  return value === undefined ? undefined : { attr, value, lower: greater };
}

/** Numeric (approximate) form of a value of a numeric, date or timestamp type; undefined otherwise. */
export function toNumber(type: DataType, v: CellValue): number | undefined {
  if (v === null) return undefined;
  switch (type.kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'float32':
    case 'float64':
    case 'decimal': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'date32':
      if (typeof v === 'number') return v;
      try {
        return typeof v === 'string' || v instanceof Date ? parseDate(v) : undefined;
      } catch {
        return undefined;
      }
    case 'timestamp':
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.getTime() * 1000;
      return undefined;
    default:
      return undefined;
  }
}

function exprNdv(e: Expr, input: PlanEstimate): number {
  const s = stripCast(e);
  if (s.kind === 'attr') return input.columns.get(s.id)?.ndv ?? input.rows;
  if (s.kind === 'literal') return 1;
  const refs = referencedIds(s);
  if (refs.size === 1) {
    const col = input.columns.get([...refs][0]!);
    if (col) return col.ndv;
  }
  return input.rows;
}

function clamp(x: number): number {
  return Number.isNaN(x) ? SELECTIVITY.unknown : Math.min(1, Math.max(0, x));
}

function unknownColumn(rows: number): ColumnEstimate {
  return { ndv: Math.max(1, rows), ndvKnown: false, tableRows: Math.max(1, rows) };
}

function guessColumn(a: AttributeRef, rows: number): ColumnEstimate {
  if (a.type.kind === 'boolean') return { ndv: 2, ndvKnown: true, tableRows: Math.max(1, rows) };
  return unknownColumn(rows);
}

const INTEGRAL = new Set(['int8', 'int16', 'int32', 'int64', 'date32']);

function parquetEstimate(plan: Extract<LogicalPlan, { kind: 'parquet' }>): PlanEstimate {
  const files = plan.source.files;
  const rows = files.reduce((s, f) => s + f.numRows, 0);
  const columns = new Map<number, ColumnEstimate>();
  for (const a of plan.attributes) {
    let min = Infinity;
    let max = -Infinity;
    let nulls = 0;
    let complete = true;
    let nullsKnown = true;
    let partitionValues: Set<string> | undefined;
    for (const f of files) {
      if (a.name in f.partitionValues) {
        partitionValues ??= new Set();
        partitionValues.add(String(f.partitionValues[a.name]));
        continue;
      }
      for (const g of f.rowGroups) {
        if (g.numRows === 0) continue;
        const st = g.columns[a.name];
        if (!st) {
          complete = false;
          nullsKnown = false;
          break;
        }
        if (st.nullCount === undefined) nullsKnown = false;
        else nulls += st.nullCount;
        if (st.nullCount !== undefined && st.nullCount >= g.numRows) continue;
        const lo = st.min === undefined ? undefined : toNumber(a.type, st.min);
        const hi = st.max === undefined ? undefined : toNumber(a.type, st.max);
        if (lo === undefined || hi === undefined) complete = false;
        else {
          min = Math.min(min, lo);
          max = Math.max(max, hi);
        }
      }
    }
    const col: ColumnEstimate = partitionValues
      ? { ndv: partitionValues.size, ndvKnown: true, tableRows: Math.max(1, rows) }
      : columnFromStatistics(a, rows, { ...(complete ? { min, max } : {}), ...(nullsKnown ? { nullCount: nulls } : {}) });
    columns.set(a.id, col);
  }
  return { rows, columns };
}

/**
 * The estimate of a base-table column from its statistics (Parquet footers or an in-memory
 * relation's): min/max give the range and, for integers and dates, NDV min(rows, max - min + 1);
 * a null count gives the null fraction.
 */
function columnFromStatistics(a: AttributeRef, rows: number, st: { readonly min?: number; readonly max?: number; readonly nullCount?: number }): ColumnEstimate {
  const tableRows = Math.max(1, rows);
  const col = guessColumn(a, rows);
  const nullFraction = st.nullCount !== undefined && rows > 0 ? st.nullCount / rows : undefined;
  const { min, max } = st;
  if (min !== undefined && max !== undefined && min <= max) {
    const integral = INTEGRAL.has(a.type.kind);
    const ndv = integral ? Math.max(1, Math.min(rows, max - min + 1)) : col.ndv;
    return { ndv, ndvKnown: integral || col.ndvKnown, tableRows, min, max, ...(nullFraction !== undefined ? { nullFraction } : {}) };
  }
  return nullFraction !== undefined ? { ...col, nullFraction } : col;
}
