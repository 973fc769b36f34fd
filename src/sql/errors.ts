/**
 * Syntax error messages of the SQL front end: the position as line and column, the offending line
 * of text with a caret under the position, and what was expected.
 */
import { ParseError } from '../errors.js';

/**
 * The ParseError for a problem at `offset` (line/column 1-based) in `sql`:
 *
 * ```
 * syntax error at line 1, column 11: expected an expression, found 'FROM'
 *   SELECT a, FROM t
 *             ^
 * ```
 */
export function syntaxError(sql: string, offset: number, line: number, column: number, what: string): ParseError {
  const lineStart = sql.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = sql.indexOf('\n', lineStart);
  const text = sql.slice(lineStart, lineEnd < 0 ? sql.length : lineEnd).replace(/\t/g, ' ');
  const message = `syntax error at line ${line}, column ${column}: ${what}\n  ${text}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
  return new ParseError(message, { line, column });
}
