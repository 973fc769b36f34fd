/**
 * The Spark SQL lexer: turns SQL text into tokens with their line and column. Identifiers may be
 * backquoted (`` `my col` ``, with ```` `` ```` for a backquote); numbers carry Spark's type suffixes
 * (`1L`, `1S`, `1Y`, `1.5D`, `1.5F`, `1.5BD`, `1e3`); strings use single or double quotes with
 * backslash escapes; comments are `-- ...` and (nestable) `/* ... *\/`.
 */
import { syntaxError } from './errors.js';

/** Token kinds. `word` is an unquoted identifier or keyword; `ident` a backquoted identifier. */
export type TokenKind = 'word' | 'ident' | 'number' | 'string' | 'op' | 'eof';

/** A token: its kind, its text (unescaped for strings and quoted identifiers), and where it starts. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset in the SQL text. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Multi-character operators, longest first. */
const OPERATORS = ['<=>', '<>', '!=', '<=', '>=', '==', '||', '::', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';', '&', '|', '^', '~', '[', ']', ':'];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a', '%': '\\%', _: '\\_' };

/** Splits `sql` into tokens, ending with one `eof` token. Unterminated strings and comments are ParseErrors. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number) => ({ line, column: offset - lineStart + 1 });
  const advanceTo = (end: number) => {
    for (let j = i; j < end; j++) {
      if (sql[j] === '\n') {
        line++;
        lineStart = j + 1;
      }
    }
    i = end;
  };
  const push = (kind: TokenKind, text: string, start: number, startLine: number, startCol: number) =>
    tokens.push({ kind, text, offset: start, line: startLine, column: startCol });

  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      advanceTo(i + 1);
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      advanceTo(end < 0 ? sql.length : end);
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const start = i;
      const pos = at(i);
      let depth = 0;
      let j = i;
      while (j < sql.length) {
        if (sql.startsWith('/*', j)) {
          depth++;
          j += 2;
        } else if (sql.startsWith('*/', j)) {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      if (depth !== 0) throw syntaxError(sql, start, pos.line, pos.column, 'unterminated comment: expected */');
      advanceTo(j);
      continue;
    }
    const start = i;
    const { line: l, column: c } = at(i);
    if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      push('word', sql.slice(i, j), start, l, c);
      advanceTo(j);
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:BD|bd|Bd|bD|[LlSsYyDdFf])?/.exec(sql.slice(i))!;
      let text = m[0];
      // `1d` followed by identifier characters is not a number with a suffix (`1day` is invalid anyway).
      let j = i + text.length;
      if (j < sql.length && /[A-Za-z_]/.test(sql[j]!)) {
        // Spark lexes `1a` as an identifier-like token; report it clearly.
        let k = j;
        while (k < sql.length && /[A-Za-z0-9_]/.test(sql[k]!)) k++;
        throw syntaxError(sql, start, l, c, `invalid number '${sql.slice(i, k)}'`);
      }
      push('number', text, start, l, c);
      advanceTo(j);
      text = '';
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= sql.length) throw syntaxError(sql, start, l, c, `unterminated string literal: expected closing ${ch}`);
        const d = sql[j]!;
        if (d === '\\' && j + 1 < sql.length) {
          const e = sql[j + 1]!;
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(sql.slice(j + 2, j + 6))) {
            out += String.fromCharCode(parseInt(sql.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          out += ESCAPES[e] ?? e;
          j += 2;
          continue;
        }
        if (d === ch) {
          j++;
          break;
        }
        out += d;
        j++;
      }
      push('string', out, start, l, c);
      advanceTo(j);
      continue;
    }
    if (ch === '`') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= sql.length) throw syntaxError(sql, start, l, c, 'unterminated quoted identifier: expected closing `');
        if (sql[j] === '`') {
          if (sql[j + 1] === '`') {
            out += '`';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        out += sql[j];
        j++;
      }
      push('ident', out, start, l, c);
      advanceTo(j);
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (!op) throw syntaxError(sql, start, l, c, `unexpected character '${ch}'`);
    push('op', op, start, l, c);
    advanceTo(i + op.length);
  }
  const end = at(sql.length);
  tokens.push({ kind: 'eof', text: '', offset: sql.length, line: end.line, column: end.column });
  return tokens;
}
