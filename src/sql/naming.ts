/**
 * Output names of unaliased select items written with SQL-only syntax. Most SQL expressions
 * translate to the trees the Column API builds and take their names from `exprName`; the forms
 * below are rewritten by the translator (`a DIV b` -> a cast of a division, `EXTRACT(YEAR FROM d)`
 * -> `year(d)`, ...), so their Spark names are built here from the syntax tree instead.
 */
import { exprName } from '../plan/expression.js';
import type { SqlExpr } from './ast.js';
import { typeToString } from '../types/data-type.js';
import { sqlChildren, translateExpr } from './translate.js';

/** Spark's name for `e` when it differs from the translated expression's name; undefined otherwise. */
export function sqlOnlyName(e: SqlExpr): string | undefined {
  return hasSqlOnlySyntax(e) ? sqlName(e) : undefined;
}

function hasSqlOnlySyntax(e: SqlExpr): boolean {
  return special(e) !== undefined || sqlChildren(e).some(hasSqlOnlySyntax);
}

/** The name of `e`: special forms by Spark's rules, everything else as exprName of its translation. */
function sqlName(e: SqlExpr): string {
  const s = special(e);
  if (s !== undefined) return s;
  // Translate with every special sub-expression replaced by a name-only placeholder.
  return exprName(translateExpr(e, { subquery: (q) => placeholder(q), rename: (x) => (special(x) !== undefined ? placeholder(x) : undefined) }));
}

function placeholder(e: SqlExpr): { kind: 'unresolved'; name: string } {
  return { kind: 'unresolved', name: special(e) ?? sqlName(e) };
}

function special(e: SqlExpr): string | undefined {
  const n = sqlName;
  switch (e.kind) {
    case 'literal':
      if (e.type.kind === 'date32') return `DATE '${String(e.value)}'`;
      if (e.type.kind === 'timestamp' && e.value instanceof Date) return `TIMESTAMP '${e.value.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '')}'`;
      return undefined;
    case 'interval':
      return e.parts.map((p) => `INTERVAL '${p.value}' ${p.unit.toUpperCase()}`).join(' ');
    case 'binary':
      if (e.op === 'div') return `(${n(e.left)} div ${n(e.right)})`;
      if ((e.op === '+' || e.op === '-') && (e.left.kind === 'interval' || e.right.kind === 'interval')) return `${n(e.left)} ${e.op} ${n(e.right)}`;
      return undefined;
    case 'unary':
      return e.op === 'plus' ? `(+ ${n(e.child)})` : undefined;
    case 'isBool':
      return `(${n(e.child)} IS ${e.negated ? 'NOT ' : ''}${e.value ? 'TRUE' : 'FALSE'})`;
    case 'extract':
      return `extract(${e.field.toUpperCase()} FROM ${n(e.child)})`;
    case 'cast':
      // An explicit cast is part of Spark's name (implicit casts, added by analysis, are not).
      return `CAST(${n(e.child)} AS ${typeToString(e.to).toUpperCase()})`;
    case 'like':
      return e.caseInsensitive ? `ilike(${n(e.child)}, ${n(e.pattern)})` : undefined;
    case 'scalarSubquery':
      return 'scalarsubquery()';
    case 'exists':
      return 'exists()';
    case 'inSubquery':
      return `(${n(e.child)} IN (listquery()))`;
    case 'column':
      return e.parts.length === 1 && e.parts[0]!.toLowerCase() === 'grouping__id' ? 'grouping__id' : undefined;
    case 'call': {
      const name = e.name.toLowerCase();
      if (e.over) return undefined;
      if (name === 'grouping' || name === 'grouping_id') return `${name}(${e.args.map(n).join(', ')})`;
      // count(2) counts rows like count(1) but keeps its own name.
      const a0 = e.args[0];
      if (name === 'count' && !e.distinct && e.args.length === 1 && a0?.kind === 'literal' && a0.value !== null) return `count(${n(a0)})`;
      if (name === 'if') return `(IF(${e.args.map(n).join(', ')}))`;
      if (name === 'nullif' || name === 'timestamp_seconds' || name === 'any_value' || name === 'first_value' || name === 'negative' || name === 'substr') {
        return `${name}(${e.args.map(n).join(', ')})`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
