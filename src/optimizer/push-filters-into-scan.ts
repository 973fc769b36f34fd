/**
 * Pushes simple filter conjuncts into a Parquet scan as ScanPredicates (Spark's
 * `PushedFilters`), so the reader can skip row groups and hive partitions by their statistics.
 *
 * Applies to a Filter directly above a ParquetRelation. Convertible conjuncts: `attr op literal`,
 * `literal op attr` (flipped), `attr <=> literal` (as `=`, or IS NULL for a null literal),
 * `attr IS [NOT] NULL`, `attr IN (literals)` (null items dropped), a bare boolean column (`= true`)
 * and `NOT column` (`= false`). The attribute must be a column of the relation and the literal of
 * exactly the column's type: a cast of a column (e.g. to a wider numeric type) is not converted,
 * nor is a comparison with a NULL literal. Pruning is coarse (row groups), so the Filter stays
 * above unchanged. Predicates already on the relation are not added twice.
 */
import type { CellValue } from '../types/values.js';
import { typeEquals } from '../types/data-type.js';
import { type Expr, type AttributeRef, type Literal, splitConjuncts } from '../plan/expression.js';
import type { LogicalPlan, ParquetRelation } from '../plan/logical-plan.js';
import type { ScanPredicate } from '../io/scan-predicate.js';
import type { Rule } from './rule.js';
import { cellKey, transformPlanUpSame } from './rewrite-utils.js';

/** The scan-predicate pushdown rule. */
export const pushFiltersIntoScan: Rule = {
  name: 'PushFiltersIntoScan',
  apply(plan: LogicalPlan): LogicalPlan {
    return transformPlanUpSame(plan, (node) => {
      if (node.kind !== 'filter' || node.child.kind !== 'parquet') return node;
      const scan = addPredicates(node.child, splitConjuncts(node.condition));
      return scan === node.child ? node : { ...node, child: scan };
    });
  },
};

function addPredicates(scan: ParquetRelation, conjuncts: readonly Expr[]): ParquetRelation {
  const columns = new Map(scan.attributes.map((a) => [a.id, a]));
  const seen = new Set(scan.predicates.map(predicateKey));
  const added: ScanPredicate[] = [];
  for (const c of conjuncts) {
    const p = toScanPredicate(c, columns);
    if (!p) continue;
    const k = predicateKey(p);
    if (seen.has(k)) continue;
    seen.add(k);
    added.push(p);
  }
  return added.length ? { ...scan, predicates: [...scan.predicates, ...added] } : scan;
}

const FLIPPED = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
type ComparisonOp = keyof typeof FLIPPED;

/** The ScanPredicate equivalent to `e` over the relation's `columns` (by attribute id), if any. */
export function toScanPredicate(e: Expr, columns: ReadonlyMap<number, AttributeRef>): ScanPredicate | undefined {
  const column = (x: Expr): AttributeRef | undefined => (x.kind === 'attr' ? columns.get(x.id) : undefined);
  const sameType = (a: AttributeRef, l: Literal) => typeEquals(a.type, l.type);
  switch (e.kind) {
    case 'attr': {
      const a = column(e);
      return a && a.type.kind === 'boolean' ? { column: a.name, op: '=', value: true } : undefined;
    }
    case 'unary': {
      const a = column(e.child);
      if (!a) return undefined;
      if (e.op === 'isNull' || e.op === 'isNotNull') return { column: a.name, op: e.op };
      if (e.op === 'not' && a.type.kind === 'boolean') return { column: a.name, op: '=', value: false };
      return undefined;
    }
    case 'binary': {
      if (!(e.op in FLIPPED) && e.op !== '<=>') return undefined;
      let a = column(e.left);
      let lit: Expr = e.right;
      let op = e.op;
      if (!a) {
        a = column(e.right);
        lit = e.left;
        if (op !== '<=>') op = FLIPPED[op as ComparisonOp];
      }
      if (!a || lit.kind !== 'literal' || !sameType(a, lit)) return undefined;
      if (op === '<=>') return lit.value === null ? { column: a.name, op: 'isNull' } : { column: a.name, op: '=', value: lit.value };
      if (lit.value === null || !(op in FLIPPED)) return undefined;
      return { column: a.name, op: op as ComparisonOp, value: lit.value };
    }
    case 'in': {
      const a = column(e.child);
      if (!a || !e.list.every((x) => x.kind === 'literal' && sameType(a, x))) return undefined;
      const values = (e.list as readonly Literal[]).map((x) => x.value).filter((v): v is Exclude<CellValue, null> => v !== null);
      return values.length ? { column: a.name, op: 'in', values } : undefined;
    }
    default:
      return undefined;
  }
}

function predicateKey(p: ScanPredicate): string {
  switch (p.op) {
    case 'isNull':
    case 'isNotNull':
      return `${p.column}|${p.op}`;
    case 'in':
      return `${p.column}|in|${p.values.map(cellKey).join(',')}`;
    default:
      return `${p.column}|${p.op}|${cellKey(p.value)}`;
  }
}
