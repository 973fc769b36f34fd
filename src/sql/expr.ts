/**
 * SQL expressions inside the DataFrame API: `functions.expr(text)`, `df.selectExpr(text)`,
 * `df.filter(text)`. They share the SQL parser and translator (no subqueries here).
 */
import { Column } from '../api/column.js';
import { parseExpression, parseSelectItem } from './parser.js';
import { translateExpr } from './translate.js';
import { sqlOnlyName } from './naming.js';

/** `functions.expr(text)`: a SQL expression as a Column (no subqueries). */
export function exprColumn(text: string): Column {
  return new Column(translateExpr(parseExpression(text)));
}

/** `df.selectExpr(text)`: a select item (`expr [AS alias]` or `*`) as a Column. */
export function selectExprColumn(text: string): Column {
  const item = parseSelectItem(text);
  const c = item.expr.kind === 'star' ? new Column({ kind: 'star', ...(item.expr.qualifier ? { qualifier: item.expr.qualifier } : {}) }) : new Column(translateExpr(item.expr));
  const name = item.alias ?? (item.expr.kind === 'star' ? undefined : sqlOnlyName(item.expr));
  return name !== undefined ? c.alias(name) : c;
}
