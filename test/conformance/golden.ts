/**
 * Readers of Apache Spark's SQL golden files (SQLQueryTestSuite): the `.sql.out` result format and
 * the `;`-separated input scripts. See ../shared/conformance/spark-sql/SOURCE.md for the format.
 */

/** One `-- !query` block of a `.sql.out` file. */
export interface GoldenBlock {
  /** The statement text as printed (without its `;`). */
  readonly sql: string;
  /** The schema line, e.g. `struct<a:int,b:string>` (`struct<>` for commands and failures). */
  readonly schema: string;
  /** The output lines (rows, tab-separated), or the error text when `error` is set. */
  readonly output: readonly string[];
  /** Set when Spark raised an error for this statement. */
  readonly error?: { readonly exceptionClass: string; readonly errorClass?: string; readonly message: string };
}

const MARKER = /^-- !query(?: \d+)?(?: (schema|output))?$/;
const EXCEPTION_LINE = /^(?:[a-z_][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b/;

/** Parses a `.sql.out` file into its blocks, in file order. */
export function parseGolden(text: string): GoldenBlock[] {
  const lines = text.split('\n');
  const blocks: GoldenBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = MARKER.exec(lines[i]!);
    if (!m || m[1]) {
      i++;
      continue;
    }
    const section = (): string[] => {
      const out: string[] = [];
      while (i < lines.length && !MARKER.test(lines[i]!)) out.push(lines[i++]!);
      return out;
    };
    i++;
    const sqlLines = section();
    let schema = '';
    let output: string[] = [];
    if (i < lines.length && MARKER.exec(lines[i]!)?.[1] === 'schema') {
      i++;
      schema = section().join('\n').trim();
    }
    if (i < lines.length && MARKER.exec(lines[i]!)?.[1] === 'output') {
      i++;
      output = section();
    }
    // Blank lines separate blocks; a row cannot be distinguished from a trailing blank line of a
    // one-column empty-string result, so trailing blank lines are dropped (as Spark's own reader does).
    while (output.length && output[output.length - 1] === '') output.pop();
    const sql = sqlLines.join('\n').trim();
    let error: GoldenBlock['error'];
    if (schema === 'struct<>' && output.length && EXCEPTION_LINE.test(output[0]!)) {
      const body = output.join('\n');
      const cls = /"(?:errorClass|condition)"\s*:\s*"([^"]+)"/.exec(body);
      error = { exceptionClass: output[0]!.trim().split(/\s/)[0]!, errorClass: cls?.[1], message: body };
    }
    blocks.push({ sql, schema, output, error });
  }
  return blocks;
}

/** One statement of an input script. */
export interface InputStatement {
  /** The text Spark's harness runs (comment lines removed, trimmed, no `;`). */
  readonly sql: string;
  /** Marked `--ONLY_IF spark` (statements meant only for Spark). */
  readonly onlyIfSpark: boolean;
}

/**
 * Splits an input script like SQLQueryTestSuite: lines that start with `--` are dropped, the rest
 * is split on `;` outside quotes and comments, and each piece is trimmed. Lines following
 * `--ONLY_IF spark` are marked.
 */
export function splitStatements(text: string): InputStatement[] {
  const kept: string[] = [];
  let onlyIf = false;
  const marks: boolean[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('--')) {
      if (/^--\s*ONLY_IF\s+spark/i.test(t)) onlyIf = true;
      continue;
    }
    kept.push(line);
    marks.push(onlyIf);
  }
  const src = kept.join('\n');
  const out: InputStatement[] = [];
  let cur = '';
  let quote: string | null = null;
  let pendingOnly = false;
  let lineNo = 0;
  for (let k = 0; k < src.length; k++) {
    const ch = src[k]!;
    if (ch === '\n') lineNo++;
    if (marks[lineNo]) pendingOnly = true;
    if (quote) {
      cur += ch;
      if (ch === '\\' && quote !== '`') {
        cur += src[++k] ?? '';
      } else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      cur += ch;
      continue;
    }
    if (ch === '-' && src[k + 1] === '-') {
      // a trailing comment: keep it in the text (Spark keeps it too), but do not split inside it
      const end = src.indexOf('\n', k);
      const stop = end < 0 ? src.length : end;
      cur += src.slice(k, stop);
      k = stop - 1;
      continue;
    }
    if (ch === ';') {
      const sql = stripLeadingComments(cur);
      if (sql) out.push({ sql, onlyIfSpark: pendingOnly });
      cur = '';
      pendingOnly = false;
      continue;
    }
    cur += ch;
  }
  const last = stripLeadingComments(cur);
  if (last) out.push({ sql: last, onlyIfSpark: pendingOnly });
  return out;
}

/** The statement without the `--` comment lines before it (a comment after a `;` on the same line). */
function stripLeadingComments(sql: string): string {
  let t = sql.trim();
  while (t.startsWith('--')) {
    const nl = t.indexOf('\n');
    t = nl < 0 ? '' : t.slice(nl + 1).trim();
  }
  return t;
}

/** The key under which a statement is matched with its golden block: whitespace collapsed. */
export function sqlKey(sql: string): string {
  return stripLeadingComments(sql).replace(/\s+/g, ' ').trim();
}
