/**
 * A hand-written recursive-descent parser for the Spark SQL dialect, with precedence climbing for
 * expressions (Spark's SqlBase.g4 precedence: OR < AND < NOT < predicates (IS, IN, BETWEEN, LIKE) <
 * comparison < | < ^ < & < + - || < * / % DIV < unary < primary). Produces the AST of ast.ts.
 * Syntax errors are ParseErrors naming line and column, with the offending line and a caret.
 */
import { DataTypes, type DataType, MAX_DECIMAL_PRECISION, parseTypeName } from '../types/data-type.js';
import { KindlingError } from '../errors.js';
import type { CellValue } from '../types/values.js';
import { type Token, tokenize } from './lexer.js';
import { syntaxError } from './errors.js';
import type {
  Cte,
  FrameBound,
  GroupBy,
  InlineTable,
  IntervalUnit,
  Pos,
  Query,
  QueryTerm,
  Relation,
  SelectCore,
  SelectItem,
  SortItem,
  SqlBinaryOp,
  SqlExpr,
  SqlJoinType,
  Statement,
  WindowSpec,
} from './ast.js';

/** Words that end an expression or a relation, so they cannot be an alias without AS. */
const RESERVED = new Set(
  (
    'ALL AND ANTI AS ASC BETWEEN BY CASE CAST CROSS CUBE DESC DISTINCT ELSE END EXCEPT EXISTS FALSE FROM FULL GROUP HAVING IN INNER ' +
    'INTERSECT INTERVAL IS JOIN LATERAL LEFT LIKE ILIKE RLIKE LIMIT MINUS NATURAL NOT NULL NULLS OFFSET ON OR ORDER OUTER OVER RIGHT ROLLUP ' +
    'SELECT SEMI SETS THEN TRUE UNION USING WHEN WHERE WINDOW WITH GROUPING'
  ).split(' '),
);

/** Function names Spark resolves to a cast to the type of that name (`float(x)` = `CAST(x AS FLOAT)`). */
const CAST_FUNCTIONS = new Set(['boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'decimal', 'date', 'timestamp', 'string', 'binary']);

const INTERVAL_UNITS: Record<string, IntervalUnit> = {
  YEAR: 'year',
  YEARS: 'year',
  MONTH: 'month',
  MONTHS: 'month',
  WEEK: 'week',
  WEEKS: 'week',
  DAY: 'day',
  DAYS: 'day',
  HOUR: 'hour',
  HOURS: 'hour',
  MINUTE: 'minute',
  MINUTES: 'minute',
  SECOND: 'second',
  SECONDS: 'second',
  MILLISECOND: 'millisecond',
  MILLISECONDS: 'millisecond',
  MICROSECOND: 'microsecond',
  MICROSECONDS: 'microsecond',
};

/** Options of the parser that follow session configuration. */
export interface ParseOptions {
  /** `spark.sql.legacy.setopsPrecedence.enabled`: all set operators bind equally, left to right. */
  readonly legacySetOpsPrecedence?: boolean;
}

/** Parses one SQL statement (a trailing `;` is allowed). */
export function parseStatement(sql: string, options: ParseOptions = {}): Statement {
  // `SET key = value`: the key and value are raw text (keys have dots, values may be anything).
  const set = /^\s*SET\s+([A-Za-z_][\w.\-]*)\s*(?:=\s*(.*?))?\s*;?\s*$/is.exec(sql);
  if (set) return { kind: 'set', key: set[1]!, ...(set[2] !== undefined ? { value: set[2] } : {}) };
  const p = new Parser(sql, options);
  const stmt = p.statement();
  p.accept(';');
  p.expectEnd('the end of the statement');
  return stmt;
}

/** Parses a standalone query (SELECT / WITH / set operations). */
export function parseQuery(sql: string): Query {
  const p = new Parser(sql);
  const q = p.query();
  p.accept(';');
  p.expectEnd('the end of the query');
  return q;
}

/** Parses one expression (`functions.expr`, `df.filter(text)`). */
export function parseExpression(sql: string): SqlExpr {
  const p = new Parser(sql);
  const e = p.expression();
  p.expectEnd('the end of the expression');
  return e;
}

/** Parses a select item (`selectExpr`): an expression with an optional alias, or a star. */
export function parseSelectItem(sql: string): SelectItem {
  const p = new Parser(sql);
  const item = p.selectItem();
  p.expectEnd('the end of the expression');
  return item;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  /** Per SELECT block being parsed: the window specs that name a window (`OVER w`), resolved at its WINDOW clause. */
  private readonly windowRefs: WindowSpec[][] = [];

  constructor(
    private readonly sql: string,
    private readonly options: ParseOptions = {},
  ) {
    this.tokens = tokenize(sql);
  }

  // ---- token helpers --------------------------------------------------------------------------

  private get tok(): Token {
    return this.tokens[this.i]!;
  }

  private peek(k = 1): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  private pos(t: Token = this.tok): Pos {
    return { line: t.line, column: t.column };
  }

  /** True if the current token is the keyword (case-insensitive). */
  private isWord(w: string, t: Token = this.tok): boolean {
    return t.kind === 'word' && t.text.toUpperCase() === w;
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === op;
  }

  /** Consumes a keyword or operator if present. */
  accept(what: string): boolean {
    if (this.isOp(what) || this.isWord(what)) {
      this.i++;
      return true;
    }
    return false;
  }

  private acceptSeq(...words: string[]): boolean {
    if (words.every((w, k) => this.isWord(w, this.peek(k)) || this.isOp(w, this.peek(k)))) {
      this.i += words.length;
      return true;
    }
    return false;
  }

  private expect(what: string, context?: string): Token {
    const t = this.tok;
    if (this.accept(what)) return t;
    throw this.error(`expected ${/^[A-Z]/.test(what) ? what : `'${what}'`}${context ? ` ${context}` : ''}`);
  }

  expectEnd(what: string): void {
    if (this.tok.kind !== 'eof') throw this.error(`expected ${what}`);
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'the end of the input';
      case 'string':
        return `string '${t.text}'`;
      case 'ident':
        return `\`${t.text}\``;
      default:
        return `'${t.text}'`;
    }
  }

  private error(what: string, t: Token = this.tok): KindlingError {
    return syntaxError(this.sql, t.offset, t.line, t.column, `${what}, found ${this.describe(t)}`);
  }

  /** An identifier (unquoted non-reserved word or backquoted). */
  private identifier(what = 'an identifier'): string {
    const t = this.tok;
    if (t.kind === 'ident') {
      this.i++;
      return t.text;
    }
    if (t.kind === 'word' && !RESERVED.has(t.text.toUpperCase())) {
      this.i++;
      return t.text;
    }
    throw this.error(`expected ${what}`);
  }

  private isIdentifierStart(t: Token = this.tok): boolean {
    return t.kind === 'ident' || (t.kind === 'word' && !RESERVED.has(t.text.toUpperCase()));
  }

  // ---- statements -----------------------------------------------------------------------------

  statement(): Statement {
    if (this.accept('EXPLAIN')) {
      const extended = this.accept('EXTENDED') || this.accept('FORMATTED') || (this.accept('CODEGEN'), this.accept('COST'), false);
      return { kind: 'explain', extended, statement: this.statement() };
    }
    if (this.isWord('CREATE')) return this.createView();
    if (this.accept('DESCRIBE') || this.accept('DESC')) {
      if (this.accept('QUERY')) return { kind: 'describe', target: this.query() };
      if (this.isWord('SELECT') || this.isWord('WITH')) return { kind: 'describe', target: this.query() };
      this.accept('TABLE');
      this.accept('EXTENDED');
      return { kind: 'describe', target: this.tableRelation(false) };
    }
    if (this.accept('SHOW')) {
      this.expect('TABLES', 'after SHOW (only SHOW TABLES is supported)');
      if (this.accept('FROM') || this.accept('IN')) this.identifier('a database name');
      if (this.accept('LIKE')) {
        const t = this.tok;
        if (t.kind !== 'string') throw this.error("expected a pattern string after LIKE");
        this.i++;
        return { kind: 'showTables', pattern: t.text };
      }
      return { kind: 'showTables' };
    }
    if (this.isWord('SELECT') || this.isWord('WITH') || this.isOp('(') || this.isWord('FROM') || this.isWord('TABLE') || this.isWord('VALUES')) {
      return { kind: 'query', query: this.query() };
    }
    throw this.error('expected a statement (SELECT, WITH, CREATE TEMP VIEW, DESCRIBE, SHOW TABLES, EXPLAIN)');
  }

  private createView(): Statement {
    this.expect('CREATE');
    const replace = this.acceptSeq('OR', 'REPLACE');
    this.accept('GLOBAL');
    if (!this.accept('TEMPORARY') && !this.accept('TEMP')) throw this.error('expected TEMP or TEMPORARY (only temporary views are supported)');
    this.expect('VIEW');
    const ifNotExists = this.acceptSeq('IF', 'NOT', 'EXISTS');
    const name = this.qualifiedName().join('.');
    // `CREATE TEMP VIEW v (a INT, b STRING) USING parquet`: a data source view without a path, i.e.
    // no rows, with that schema (as a query of no rows).
    if (this.isOp('(') && (this.peek().kind === 'word' || this.peek().kind === 'ident') && (this.peek(2).kind === 'word' || this.peek(2).kind === 'ident')) {
      const pos = this.pos();
      this.i++;
      const items: SelectItem[] = [];
      do {
        const col = this.identifier('a column name');
        const to = this.dataType();
        items.push({ expr: { kind: 'cast', child: { kind: 'literal', value: null, type: DataTypes.Null, pos }, to, pos }, alias: col, pos });
      } while (this.accept(','));
      this.expect(')', 'to close the column definitions');
      this.expect('USING', 'after the column definitions of a view (CREATE TEMP VIEW v (col type, ...) USING format)');
      this.identifier('a data source format');
      if (this.accept('OPTIONS')) {
        this.expect('(');
        let depth = 1;
        while (depth > 0 && this.tok.kind !== 'eof') {
          if (this.isOp('(')) depth++;
          if (this.isOp(')')) depth--;
          this.i++;
        }
      }
      const where: SqlExpr = { kind: 'literal', value: false, type: DataTypes.Boolean, pos };
      return { kind: 'createView', name, replace, ifNotExists, query: { with: [], body: { kind: 'select', distinct: false, items, from: [], where }, orderBy: [] } };
    }
    const columns = this.isOp('(') ? this.identifierList() : undefined;
    this.expect('AS');
    return { kind: 'createView', name, replace, ifNotExists, ...(columns ? { columns } : {}), query: this.query() };
  }

  private qualifiedName(): string[] {
    const parts = [this.identifier('a table name')];
    while (this.isOp('.') && (this.peek().kind === 'word' || this.peek().kind === 'ident')) {
      this.i++;
      parts.push(this.tok.text);
      this.i++;
    }
    return parts;
  }

  // ---- queries --------------------------------------------------------------------------------

  query(): Query {
    const ctes: Cte[] = [];
    if (this.accept('WITH')) {
      this.accept('RECURSIVE');
      do {
        const nameTok = this.tok;
        const name = this.identifier('a CTE name');
        if (ctes.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
          throw this.error(`CTE definitions cannot have duplicate names ('${name}')`, nameTok);
        }
        let columns: string[] | undefined;
        if (this.isOp('(')) columns = this.identifierList();
        this.expect('AS', `after the CTE name '${name}'`);
        this.expect('(', 'before the CTE query');
        const query = this.query();
        this.expect(')', 'to close the CTE query');
        ctes.push({ name, columns, query });
      } while (this.accept(','));
    }
    const body = this.setOperation(0);
    const orderBy: SortItem[] = [];
    if (this.acceptSeq('ORDER', 'BY') || this.acceptSeq('SORT', 'BY')) orderBy.push(...this.sortList());
    let limit: SqlExpr | undefined;
    let offset: SqlExpr | undefined;
    for (;;) {
      if (!limit && this.accept('LIMIT')) {
        if (this.accept('ALL')) continue;
        limit = this.expression();
      } else if (!offset && this.accept('OFFSET')) offset = this.expression();
      else break;
    }
    return { with: ctes, body, orderBy, limit, offset };
  }

  private sortList(): SortItem[] {
    const items: SortItem[] = [];
    do {
      const expr = this.expression();
      let ascending = true;
      if (this.accept('DESC')) ascending = false;
      else this.accept('ASC');
      let nullsFirst: boolean | undefined;
      if (this.accept('NULLS')) {
        if (this.accept('FIRST')) nullsFirst = true;
        else if (this.accept('LAST')) nullsFirst = false;
        else throw this.error('expected FIRST or LAST after NULLS');
      }
      items.push({ expr, ascending, nullsFirst });
    } while (this.accept(','));
    return items;
  }

  /** Set operations: INTERSECT binds tighter than UNION/EXCEPT (Spark's precedence). */
  private setOperation(minPrec: number): QueryTerm {
    let left = this.queryPrimary();
    for (;;) {
      const t = this.tok;
      const word = t.kind === 'word' ? t.text.toUpperCase() : '';
      const op = word === 'UNION' ? 'union' : word === 'EXCEPT' || word === 'MINUS' ? 'except' : word === 'INTERSECT' ? 'intersect' : undefined;
      if (!op) return left;
      const prec = op === 'intersect' && !this.options.legacySetOpsPrecedence ? 2 : 1;
      if (prec < minPrec) return left;
      this.i++;
      let all = false;
      if (this.accept('ALL')) all = true;
      else this.accept('DISTINCT');
      const right = this.setOperation(prec + 1);
      left = { kind: 'setOp', op, all, left, right };
    }
  }

  private queryPrimary(): QueryTerm {
    if (this.isOp('(')) {
      this.i++;
      const q = this.query();
      this.expect(')', 'to close the parenthesized query');
      return { kind: 'nested', query: q };
    }
    if (this.accept('TABLE')) {
      const pos = this.pos();
      const name = this.qualifiedName();
      return { kind: 'select', distinct: false, items: [{ expr: { kind: 'star', pos }, pos }], from: [{ kind: 'table', name, pos }] };
    }
    if (this.isWord('FROM')) {
      // Spark's `FROM t SELECT ...` form.
      this.i++;
      const from = this.fromList();
      return this.selectCore(from);
    }
    if (this.isWord('VALUES')) return this.inlineTable();
    if (!this.isWord('SELECT')) throw this.error('expected SELECT, VALUES or a parenthesized query');
    return this.selectCore();
  }

  private selectCore(fromFirst?: Relation[]): SelectCore {
    this.windowRefs.push([]);
    try {
      const core = this.selectBlock(fromFirst);
      this.resolveWindowRefs(this.isWord('WINDOW') ? this.windowClause() : new Map());
      return core;
    } finally {
      this.windowRefs.pop();
    }
  }

  /**
   * `WINDOW w AS (spec), w2 AS w, ...`: named windows of a SELECT block (a definition may name an
   * earlier or later one).
   */
  private windowClause(): Map<string, WindowSpec> {
    this.expect('WINDOW');
    const defs = new Map<string, WindowSpec>();
    do {
      const name = this.identifier('a window name');
      this.expect('AS', `after the window name '${name}'`);
      const spec = this.windowSpec();
      if (defs.has(name.toLowerCase())) throw this.error(`window '${name}' is defined twice in the WINDOW clause`, this.tokens[this.i - 1]);
      defs.set(name.toLowerCase(), spec);
    } while (this.accept(','));
    return defs;
  }

  /** Replaces every `OVER w` of the current block by its definition (a spec's own clauses refine it, like PostgreSQL). */
  private resolveWindowRefs(defs: Map<string, WindowSpec>): void {
    const resolve = (spec: WindowSpec, seen: Set<string>): WindowSpec => {
      if (spec.ref === undefined) return spec;
      const key = spec.ref.toLowerCase();
      const def = defs.get(key);
      if (!def || seen.has(key)) return spec; // undefined (or circular): binding reports it
      const base = resolve(def, new Set([...seen, key]));
      if (base.ref !== undefined) return spec;
      return {
        partitionBy: spec.partitionBy.length ? spec.partitionBy : base.partitionBy,
        orderBy: spec.orderBy.length ? spec.orderBy : base.orderBy,
        ...(spec.frame ?? base.frame ? { frame: spec.frame ?? base.frame } : {}),
      };
    };
    for (const spec of this.windowRefs.at(-1) ?? []) {
      const r = resolve(spec, new Set());
      if (r === spec) continue;
      const m = spec as { -readonly [K in keyof WindowSpec]: WindowSpec[K] };
      delete m.ref;
      m.partitionBy = r.partitionBy;
      m.orderBy = r.orderBy;
      if (r.frame) m.frame = r.frame;
    }
  }

  private selectBlock(fromFirst?: Relation[]): SelectCore {
    this.expect('SELECT');
    let distinct = false;
    if (this.accept('DISTINCT')) distinct = true;
    else this.accept('ALL');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.accept(','));
    let from: Relation[] = fromFirst ?? [];
    if (!fromFirst && this.accept('FROM')) from = this.fromList();
    let where: SqlExpr | undefined;
    if (this.accept('WHERE')) where = this.expression();
    let groupBy: GroupBy | undefined;
    if (this.acceptSeq('GROUP', 'BY')) groupBy = this.groupBy();
    let having: SqlExpr | undefined;
    if (this.accept('HAVING')) having = this.expression();
    return { kind: 'select', distinct, items, from, where, groupBy, having };
  }

  selectItem(): SelectItem {
    const pos = this.pos();
    if (this.isOp('*')) {
      this.i++;
      return { expr: { kind: 'star', pos }, pos };
    }
    if (this.isIdentifierStart() && this.isOp('.', this.peek()) && this.isOp('*', this.peek(2))) {
      const qualifier = this.tok.text;
      this.i += 3;
      return { expr: { kind: 'star', qualifier, pos }, pos };
    }
    const expr = this.expression();
    let alias: string | undefined;
    if (this.accept('AS')) alias = this.identifier('an alias after AS');
    else if (this.isIdentifierStart()) alias = this.identifier();
    return { expr, alias, pos };
  }

  /**
   * GROUP BY: plain expressions, `ROLLUP(...)`, `CUBE(...)` (elements may be tuples `(a, b)`),
   * `GROUPING SETS(...)`, mixed in one list (the grouping sets are the cross product of the items'),
   * Hive's `GROUP BY a, b GROUPING SETS (...)` and `... WITH ROLLUP | WITH CUBE`.
   */
  private groupBy(): GroupBy {
    type Item = { sets: SqlExpr[][]; plain?: SqlExpr; kind?: 'rollup' | 'cube'; exprs?: SqlExpr[] };
    const items: Item[] = [];
    do {
      if ((this.isWord('ROLLUP') || this.isWord('CUBE')) && this.isOp('(', this.peek())) {
        const kind = this.tok.text.toUpperCase() === 'ROLLUP' ? 'rollup' : 'cube';
        this.i++;
        const elems = this.groupingElements();
        const n = elems.length;
        const sets =
          kind === 'rollup'
            ? Array.from({ length: n + 1 }, (_, k) => elems.slice(0, n - k).flat())
            : Array.from({ length: 2 ** n }, (_, m) => elems.filter((_, i) => (m & (1 << (n - 1 - i))) === 0).flat());
        items.push({ sets, kind, exprs: elems.flat() });
      } else if (this.isWord('GROUPING') && this.isWord('SETS', this.peek())) {
        this.i += 2;
        items.push({ sets: this.groupingSetList() });
      } else {
        const e = this.expression();
        items.push({ sets: [[e]], plain: e });
      }
    } while (this.accept(','));
    const plainExprs = items.map((it) => it.plain).filter((e): e is SqlExpr => e !== undefined);
    if (items.every((it) => it.plain)) {
      if (this.acceptSeq('WITH', 'ROLLUP')) return { kind: 'rollup', exprs: plainExprs };
      if (this.acceptSeq('WITH', 'CUBE')) return { kind: 'cube', exprs: plainExprs };
      if (this.acceptSeq('GROUPING', 'SETS')) {
        // Hive's form: the listed expressions, grouped by the sets that follow.
        const sets = this.groupingSetList();
        return { kind: 'groupingSets', exprs: distinctExprs([...plainExprs, ...sets.flat()]), sets };
      }
      return { kind: 'exprs', exprs: plainExprs };
    }
    if (items.length === 1 && items[0]!.kind && items[0]!.exprs!.every((e, i, all) => all.findIndex((x) => sameExpr(x, e)) === i) && items[0]!.sets.length > 0) {
      const only = items[0]!;
      // A lone ROLLUP / CUBE of single expressions keeps its own form.
      if (only.sets[0]!.length === only.exprs!.length && (only.kind === 'cube' ? only.sets.length === 2 ** only.exprs!.length : only.sets.length === only.exprs!.length + 1)) {
        return { kind: only.kind!, exprs: only.exprs! };
      }
    }
    // The cross product of the items' grouping sets.
    let sets: SqlExpr[][] = [[]];
    for (const it of items) sets = sets.flatMap((a) => it.sets.map((b) => distinctExprs([...a, ...b])));
    return { kind: 'groupingSets', exprs: distinctExprs(items.flatMap((it) => (it.plain ? [it.plain] : it.exprs ?? it.sets.flat()))), sets };
  }

  /** `(a, (b, c), ...)` of ROLLUP / CUBE: each element one expression or a parenthesized tuple. */
  private groupingElements(): SqlExpr[][] {
    this.expect('(');
    const out: SqlExpr[][] = [];
    do {
      if (this.isOp('(') && !this.looksLikeQuery()) out.push(this.parenExprList());
      else out.push([this.expression()]);
    } while (this.accept(','));
    this.expect(')', 'to close the ROLLUP / CUBE list');
    return out;
  }

  /** `(set, set, ...)` of GROUPING SETS: a set is `(a, b)`, `()` or one expression. */
  private groupingSetList(): SqlExpr[][] {
    this.expect('(', 'after GROUPING SETS');
    const sets: SqlExpr[][] = [];
    do {
      if (this.isOp('(')) sets.push(distinctExprs(this.parenExprList(true)));
      else sets.push([this.expression()]);
    } while (this.accept(','));
    this.expect(')', 'to close GROUPING SETS');
    return sets;
  }

  private parenExprList(allowEmpty = false): SqlExpr[] {
    this.expect('(');
    const out: SqlExpr[] = [];
    if (allowEmpty && this.accept(')')) return out;
    do out.push(this.expression());
    while (this.accept(','));
    this.expect(')', 'to close the list');
    return out;
  }

  private identifierList(): string[] {
    this.expect('(');
    const out: string[] = [];
    do out.push(this.identifier('a column name'));
    while (this.accept(','));
    this.expect(')', 'to close the column list');
    return out;
  }

  // ---- relations ------------------------------------------------------------------------------

  private fromList(): Relation[] {
    const out: Relation[] = [];
    do out.push(this.joinedRelation());
    while (this.accept(','));
    return out;
  }

  private joinedRelation(): Relation {
    let left = this.relationPrimary();
    for (;;) {
      const natural = this.accept('NATURAL');
      const joinType = this.joinType();
      if (!joinType) {
        if (natural) throw this.error('expected a JOIN after NATURAL');
        return left;
      }
      const right = this.relationPrimary();
      let on: SqlExpr | undefined;
      let using: string[] | undefined;
      if (!natural && joinType !== 'cross') {
        if (this.accept('ON')) on = this.expression();
        else if (this.accept('USING')) using = this.identifierList();
      } else if (joinType === 'cross' && this.accept('ON')) on = this.expression();
      left = { kind: 'join', left, right, joinType, natural, on, using };
    }
  }

  private joinType(): SqlJoinType | undefined {
    if (this.accept('JOIN')) return 'inner';
    if (this.acceptSeq('INNER', 'JOIN')) return 'inner';
    if (this.acceptSeq('CROSS', 'JOIN')) return 'cross';
    if (this.acceptSeq('LEFT', 'SEMI', 'JOIN') || this.acceptSeq('SEMI', 'JOIN')) return 'left_semi';
    if (this.acceptSeq('LEFT', 'ANTI', 'JOIN') || this.acceptSeq('ANTI', 'JOIN')) return 'left_anti';
    for (const [w, t] of [
      ['LEFT', 'left'],
      ['RIGHT', 'right'],
      ['FULL', 'full'],
    ] as const) {
      if (this.isWord(w)) {
        this.i++;
        this.accept('OUTER');
        this.expect('JOIN', `after ${w}${this.isWord('OUTER', this.tokens[this.i - 1]) ? ' OUTER' : ''}`);
        return t;
      }
    }
    if (this.isWord('INNER') || this.isWord('CROSS')) {
      this.i++;
      this.expect('JOIN');
    }
    return undefined;
  }

  private relationPrimary(): Relation {
    const pos = this.pos();
    if (this.isWord('LATERAL') && this.tokens[this.i + 1]?.kind === 'op' && this.tokens[this.i + 1]?.text === '(') {
      // `LATERAL (query) [AS] alias [(cols)]`: the subquery may reference the relations to its left.
      this.i += 2;
      const query = this.query();
      this.expect(')', 'to close the LATERAL subquery');
      const { alias, columns } = this.tableAlias();
      return { kind: 'subquery', query, alias, columns, lateral: true };
    }
    if (this.isOp('(')) {
      // A subquery, or a parenthesized join.
      const save = this.i;
      this.i++;
      if (this.isWord('SELECT') || this.isWord('WITH') || this.isOp('(') || this.isWord('FROM') || this.isWord('TABLE') || this.isWord('VALUES')) {
        let query: Query;
        try {
          query = this.query();
          this.expect(')', 'to close the subquery');
        } catch (e) {
          // `((a JOIN b))`-style nesting: retry as a relation.
          this.i = save + 1;
          if (!this.isOp('(')) throw e;
          const inner = this.joinedRelation();
          this.expect(')', 'to close the parenthesized relation');
          return this.aliasedRelation(inner, pos);
        }
        const { alias, columns } = this.tableAlias();
        return { kind: 'subquery', query, alias, columns };
      }
      const inner = this.joinedRelation();
      this.expect(')', 'to close the parenthesized relation');
      return this.aliasedRelation(inner, pos);
    }
    if (this.isWord('VALUES')) return this.inlineTable();
    return this.tableRelation(true, pos);
  }

  /** `(a JOIN b) [AS] alias [(cols)]`: an aliased parenthesized relation, as `(SELECT * FROM a JOIN b) alias`. */
  private aliasedRelation(inner: Relation, pos: Pos): Relation {
    const { alias, columns } = this.tableAlias();
    if (alias === undefined) return inner;
    const query: Query = { with: [], body: { kind: 'select', distinct: false, items: [{ expr: { kind: 'star', pos }, pos }], from: [inner] }, orderBy: [] };
    return { kind: 'subquery', query, alias, ...(columns ? { columns } : {}) };
  }

  /** `VALUES row, row, ... [[AS] alias [(cols)]]`; a row is `(expr, ...)` or a single expression. */
  private inlineTable(): InlineTable {
    const pos = this.pos();
    this.expect('VALUES');
    const rows: SqlExpr[][] = [];
    do {
      if (this.isOp('(')) {
        this.i++;
        const row = [this.expression()];
        while (this.accept(',')) row.push(this.expression());
        this.expect(')', 'to close the VALUES row');
        rows.push(row);
      } else rows.push([this.expression()]);
    } while (this.accept(','));
    const { alias, columns } = this.tableAlias();
    return { kind: 'values', rows, alias, columns, pos };
  }

  private tableRelation(withAlias: boolean, pos: Pos = this.pos()): Relation {
    const name = this.qualifiedName();
    // A table-valued function: `range(10)`.
    if (withAlias && name.length === 1 && this.isOp('(')) {
      this.i++;
      const args: SqlExpr[] = [];
      if (!this.isOp(')')) {
        do args.push(this.expression());
        while (this.accept(','));
      }
      this.expect(')', `to close the arguments of ${name[0]}`);
      const { alias, columns } = this.tableAlias();
      return { kind: 'tableFunction', name: name[0]!, args, alias, columns, pos };
    }
    // Spark's direct file query: parquet.`path`
    if (name.length === 2 && ['parquet', 'csv', 'json', 'orc', 'text'].includes(name[0]!.toLowerCase()) && this.tokens[this.i - 1]!.kind === 'ident') {
      const { alias, columns } = withAlias ? this.tableAlias() : { alias: undefined, columns: undefined };
      return { kind: 'file', format: name[0]!.toLowerCase(), path: name[1]!, alias, columns, pos };
    }
    if (!withAlias) return { kind: 'table', name, pos };
    const { alias, columns } = this.tableAlias();
    return { kind: 'table', name, alias, columns, pos };
  }

  private tableAlias(): { alias?: string; columns?: string[] } {
    let alias: string | undefined;
    if (this.accept('AS')) {
      // A reserved word is still an alias when column names follow (`VALUES (1) AS grouping(a)`, as Spark allows).
      if (this.tok.kind === 'word' && this.isOp('(', this.peek())) alias = this.tokens[this.i++]!.text;
      else alias = this.identifier('an alias after AS');
    } else if (this.isIdentifierStart()) alias = this.identifier();
    let columns: string[] | undefined;
    if (alias !== undefined && this.isOp('(')) columns = this.identifierList();
    return { alias, columns };
  }

  // ---- expressions ----------------------------------------------------------------------------

  expression(): SqlExpr {
    return this.orExpr();
  }

  private orExpr(): SqlExpr {
    let left = this.andExpr();
    while (this.isWord('OR')) {
      const pos = this.pos();
      this.i++;
      left = { kind: 'binary', op: 'or', left, right: this.andExpr(), pos };
    }
    return left;
  }

  private andExpr(): SqlExpr {
    let left = this.notExpr();
    while (this.isWord('AND')) {
      const pos = this.pos();
      this.i++;
      left = { kind: 'binary', op: 'and', left, right: this.notExpr(), pos };
    }
    return left;
  }

  private notExpr(): SqlExpr {
    if (this.isWord('NOT')) {
      const pos = this.pos();
      this.i++;
      return { kind: 'unary', op: 'not', child: this.notExpr(), pos };
    }
    if (this.isWord('EXISTS') && this.isOp('(', this.peek())) {
      const pos = this.pos();
      this.i += 2;
      const query = this.query();
      this.expect(')', 'to close the EXISTS subquery');
      return { kind: 'exists', query, negated: false, pos };
    }
    return this.predicate();
  }

  /** A value expression followed by optional predicates (IS, IN, BETWEEN, LIKE). */
  private predicate(): SqlExpr {
    let e = this.comparison();
    for (;;) {
      const pos = this.pos();
      if (this.isWord('IS')) {
        this.i++;
        const negated = this.accept('NOT');
        if (this.accept('NULL')) e = { kind: 'isNull', child: e, negated, pos };
        else if (this.accept('TRUE')) e = { kind: 'isBool', child: e, value: true, negated, pos };
        else if (this.accept('FALSE')) e = { kind: 'isBool', child: e, value: false, negated, pos };
        else if (this.acceptSeq('DISTINCT', 'FROM')) {
          const right = this.comparison();
          const nse: SqlExpr = { kind: 'binary', op: '<=>', left: e, right, pos };
          e = negated ? nse : { kind: 'unary', op: 'not', child: nse, pos };
        } else throw this.error('expected NULL, NOT NULL, TRUE, FALSE or DISTINCT FROM after IS');
        continue;
      }
      const save = this.i;
      const negated = this.accept('NOT');
      if (this.accept('BETWEEN')) {
        const low = this.comparison();
        this.expect('AND', 'in BETWEEN ... AND ...');
        const high = this.comparison();
        e = { kind: 'between', child: e, low, high, negated, pos };
        continue;
      }
      if (this.accept('IN')) {
        this.expect('(', 'after IN');
        if (this.isWord('SELECT') || this.isWord('WITH') || (this.isOp('(') && this.looksLikeQuery())) {
          const query = this.query();
          this.expect(')', 'to close the IN subquery');
          e = { kind: 'inSubquery', child: e, query, negated, pos };
        } else {
          const list: SqlExpr[] = [];
          do list.push(this.expression());
          while (this.accept(','));
          this.expect(')', 'to close the IN list');
          e = { kind: 'inList', child: e, list, negated, pos };
        }
        continue;
      }
      if (this.isWord('LIKE') || this.isWord('ILIKE')) {
        const caseInsensitive = this.isWord('ILIKE');
        this.i++;
        const pattern = this.comparison();
        let escape: string | undefined;
        if (this.accept('ESCAPE')) {
          const t = this.tok;
          if (t.kind !== 'string' || t.text.length !== 1) throw this.error('expected a one-character string after ESCAPE');
          this.i++;
          escape = t.text;
        }
        e = { kind: 'like', child: e, pattern, escape, negated, caseInsensitive, pos };
        continue;
      }
      if (this.isWord('RLIKE') || this.isWord('REGEXP')) {
        this.i++;
        const pattern = this.comparison();
        const call: SqlExpr = { kind: 'call', name: 'rlike', args: [e, pattern], distinct: false, star: false, pos };
        e = negated ? { kind: 'unary', op: 'not', child: call, pos } : call;
        continue;
      }
      this.i = save;
      return e;
    }
  }

  private looksLikeQuery(): boolean {
    let k = this.i;
    while (this.isOp('(', this.tokens[k]!)) k++;
    return this.isWord('SELECT', this.tokens[k]!) || this.isWord('WITH', this.tokens[k]!);
  }

  private comparison(): SqlExpr {
    let left = this.bitOr();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op') return left;
      const map: Record<string, SqlBinaryOp> = { '=': '=', '==': '=', '<>': '!=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '<=>': '<=>' };
      const op = map[t.text];
      if (!op) return left;
      this.i++;
      left = { kind: 'binary', op, left, right: this.bitOr(), pos: this.pos(t) };
    }
  }

  private binaryLevel(ops: Record<string, SqlBinaryOp>, next: () => SqlExpr, words: Record<string, SqlBinaryOp> = {}): SqlExpr {
    let left = next();
    for (;;) {
      const t = this.tok;
      const op = t.kind === 'op' ? ops[t.text] : t.kind === 'word' ? words[t.text.toUpperCase()] : undefined;
      if (!op) return left;
      this.i++;
      left = { kind: 'binary', op, left, right: next(), pos: this.pos(t) };
    }
  }

  private bitOr(): SqlExpr {
    return this.binaryLevel({ '|': '|' }, () => this.bitXor());
  }

  private bitXor(): SqlExpr {
    return this.binaryLevel({ '^': '^' }, () => this.bitAnd());
  }

  private bitAnd(): SqlExpr {
    return this.binaryLevel({ '&': '&' }, () => this.additive());
  }

  private additive(): SqlExpr {
    return this.binaryLevel({ '+': '+', '-': '-', '||': '||' }, () => this.multiplicative());
  }

  private multiplicative(): SqlExpr {
    return this.binaryLevel({ '*': '*', '/': '/', '%': '%' }, () => this.unary(), { DIV: 'div' });
  }

  private unary(): SqlExpr {
    const pos = this.pos();
    if (this.isOp('-')) {
      this.i++;
      const child = this.unary();
      // Fold `-<number>` into the literal so that -2147483648 stays an int (like Spark's parser).
      if (child.kind === 'literal' && (typeof child.value === 'number' || typeof child.value === 'bigint') && this.tokens[this.i - 1]!.kind === 'number') {
        return negateLiteral(child, pos);
      }
      return { kind: 'unary', op: 'negate', child, pos };
    }
    if (this.isOp('+')) {
      this.i++;
      return { kind: 'unary', op: 'plus', child: this.unary(), pos };
    }
    if (this.isOp('~')) {
      this.i++;
      return { kind: 'unary', op: '~', child: this.unary(), pos };
    }
    return this.postfix(this.primary());
  }

  /** `::type` casts and `.field` are postfix. */
  private postfix(e: SqlExpr): SqlExpr {
    let out = e;
    for (;;) {
      const pos = this.pos();
      if (this.isOp('::')) {
        this.i++;
        out = { kind: 'cast', child: out, to: this.dataType(), pos };
      } else if (this.isOp('[')) {
        // `arr[i]` (0-based) / `map[key]`: Spark's subscript, then `.field` of a struct element
        this.i++;
        const index = this.expression();
        this.expect(']', 'to close the subscript');
        out = { kind: 'call', name: 'get_item', args: [out, index], distinct: false, star: false, pos };
      } else if (out.kind !== 'column' && this.isOp('.') && (this.peek().kind === 'word' || this.peek().kind === 'ident')) {
        // `expr.field` of a struct-valued expression (a column's own dots are parsed with its name)
        this.i++;
        out = { kind: 'call', name: 'get_field', args: [out, { kind: 'literal', value: this.tok.text, type: DataTypes.String, pos }], distinct: false, star: false, pos };
        this.i++;
      } else return out;
    }
  }

  private primary(): SqlExpr {
    const t = this.tok;
    const pos = this.pos(t);
    switch (t.kind) {
      case 'number':
        this.i++;
        return numberLiteral(t.text, pos, this, t);
      case 'string': {
        this.i++;
        let text = t.text;
        // Adjacent string literals concatenate ('a' 'b' = 'ab'), like Spark.
        while (this.tok.kind === 'string') {
          text += this.tok.text;
          this.i++;
        }
        return { kind: 'literal', value: text, type: DataTypes.String, pos };
      }
      case 'op':
        if (t.text === '(') {
          this.i++;
          if (this.isWord('SELECT') || this.isWord('WITH') || (this.isOp('(') && this.looksLikeQuery())) {
            const query = this.query();
            this.expect(')', 'to close the scalar subquery');
            return { kind: 'scalarSubquery', query, pos };
          }
          const e = this.expression();
          if (this.isOp(',')) throw this.error("expected ')' (struct/row values are not supported)");
          this.expect(')', 'to close the parenthesis');
          return e;
        }
        if (t.text === '*') throw this.error("expected an expression ('*' is only allowed as a select item or in count(*))");
        throw this.error('expected an expression');
      case 'ident':
        return this.columnOrCall();
      case 'eof':
        throw this.error('expected an expression');
      case 'word':
        break;
    }
    const w = t.text.toUpperCase();
    switch (w) {
      case 'NULL':
        this.i++;
        return { kind: 'literal', value: null, type: DataTypes.Null, pos };
      case 'TRUE':
      case 'FALSE':
        this.i++;
        return { kind: 'literal', value: w === 'TRUE', type: DataTypes.Boolean, pos };
      case 'CASE':
        return this.caseExpr();
      case 'CAST':
      case 'TRY_CAST': {
        if (!this.isOp('(', this.peek())) break;
        this.i += 2;
        const child = this.expression();
        this.expect('AS', 'in CAST(expr AS type)');
        const to = this.dataType();
        this.expect(')', 'to close CAST');
        return { kind: 'cast', child, to, pos };
      }
      case 'EXTRACT': {
        if (!this.isOp('(', this.peek())) break;
        this.i += 2;
        const field = this.identifier('a field name (YEAR, MONTH, DAY, ...)');
        this.expect('FROM', 'in EXTRACT(field FROM expr)');
        const child = this.expression();
        this.expect(')', 'to close EXTRACT');
        return { kind: 'extract', field: field.toLowerCase(), child, pos };
      }
      case 'DATE':
      case 'TIMESTAMP':
      case 'TIMESTAMP_NTZ':
      case 'TIMESTAMP_LTZ':
        if (this.peek().kind === 'string') {
          this.i++;
          const s = this.tok;
          this.i++;
          return typedLiteral(w, s.text, pos, (msg) => this.error(msg, s));
        }
        break;
      case 'INTERVAL':
        return this.interval();
      case 'EXISTS':
        break;
    }
    if (RESERVED.has(w) && !(this.isOp('(', this.peek()) && ['LEFT', 'RIGHT', 'IF', 'GROUPING'].includes(w))) {
      throw this.error('expected an expression');
    }
    return this.columnOrCall();
  }

  private caseExpr(): SqlExpr {
    const pos = this.pos();
    this.expect('CASE');
    let operand: SqlExpr | undefined;
    if (!this.isWord('WHEN')) operand = this.expression();
    const branches: [SqlExpr, SqlExpr][] = [];
    while (this.accept('WHEN')) {
      const c = this.expression();
      this.expect('THEN', 'after the WHEN condition');
      branches.push([c, this.expression()]);
    }
    if (branches.length === 0) throw this.error('expected WHEN in CASE');
    let otherwise: SqlExpr | undefined;
    if (this.accept('ELSE')) otherwise = this.expression();
    this.expect('END', 'to close CASE');
    return { kind: 'case', operand, branches, otherwise, pos };
  }

  private interval(): SqlExpr {
    const pos = this.pos();
    this.expect('INTERVAL');
    const parts: { value: number; unit: IntervalUnit }[] = [];
    // INTERVAL '3' DAY, INTERVAL 3 DAYS, INTERVAL '1 day 2 hours', INTERVAL 1 YEAR 2 MONTHS
    for (;;) {
      const t = this.tok;
      if (t.kind === 'string' && parts.length === 0 && !this.isUnit(this.peek())) {
        this.i++;
        const m = [...t.text.matchAll(/\s*([+-]?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*/g)];
        if (m.length === 0 || m.map((x) => x[0]).join('') !== t.text) throw this.error("expected an interval string such as '3 days'", t);
        for (const x of m) {
          const unit = INTERVAL_UNITS[x[2]!.toUpperCase()];
          if (!unit) throw this.error(`expected an interval unit (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND), got '${x[2]}' in`, t);
          parts.push({ value: Number(x[1]), unit });
        }
        break;
      }
      // Spark's qualified forms: INTERVAL '1-1' YEAR TO MONTH, INTERVAL '1 2:3:4.001' DAY TO SECOND
      if (t.kind === 'string' && parts.length === 0 && this.isUnit(this.peek()) && this.isWord('TO', this.peek(2)) && this.isUnit(this.peek(3))) {
        const from = INTERVAL_UNITS[this.peek().text.toUpperCase()]!;
        const to = INTERVAL_UNITS[this.peek(3).text.toUpperCase()]!;
        const q = qualifiedInterval(t.text, from, to);
        if (!q) throw this.error(`expected an interval string of the form ${from.toUpperCase()} TO ${to.toUpperCase()}, got '${t.text}'`, t);
        this.i += 4;
        parts.push(...q);
        break;
      }
      let sign = 1;
      if (this.isOp('-') && (this.peek().kind === 'number' || this.peek().kind === 'string')) {
        sign = -1;
        this.i++;
      }
      const v = this.tok;
      if (v.kind !== 'number' && v.kind !== 'string') {
        if (parts.length > 0) break;
        throw this.error("expected an interval value such as '3' DAY or 3 DAYS");
      }
      const value = Number(v.text.replace(/[A-Za-z]+$/, ''));
      if (!Number.isFinite(value)) throw this.error('expected a number as the interval value', v);
      this.i++;
      const u = this.tok;
      const unit = u.kind === 'word' ? INTERVAL_UNITS[u.text.toUpperCase()] : undefined;
      if (!unit) throw this.error('expected an interval unit (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND)');
      this.i++;
      parts.push({ value: sign * value, unit });
      if (this.tok.kind !== 'number' && this.tok.kind !== 'string' && !this.isOp('-')) break;
      if (this.isOp('-') && this.peek().kind !== 'number' && this.peek().kind !== 'string') break;
      if (this.isOp('-')) break; // `INTERVAL 1 DAY - 2` is subtraction
    }
    return { kind: 'interval', parts, pos };
  }

  private isUnit(t: Token): boolean {
    return t.kind === 'word' && INTERVAL_UNITS[t.text.toUpperCase()] !== undefined;
  }

  private columnOrCall(): SqlExpr {
    const first = this.tok;
    const pos = this.pos(first);
    const name = this.tok.text;
    this.i++;
    if (this.isOp('(')) return this.call(name, pos);
    const parts = [name];
    while (this.isOp('.') && (this.peek().kind === 'word' || this.peek().kind === 'ident')) {
      this.i++;
      parts.push(this.tok.text);
      this.i++;
    }
    if (this.isOp('(') && parts.length > 1) return this.call(parts.join('.'), pos);
    return { kind: 'column', parts, pos };
  }

  private call(name: string, pos: Pos): SqlExpr {
    this.expect('(');
    let structNames: string[] | undefined;
    let distinct = false;
    let star = false;
    const args: SqlExpr[] = [];
    if (this.isOp('*') && this.isOp(')', this.peek())) {
      this.i++;
      star = true;
    } else if (!this.isOp(')')) {
      if (this.accept('DISTINCT')) distinct = true;
      else this.accept('ALL');
      do {
        args.push(this.expression());
        // struct(a + 0.1 AS aa): a named field, as named_struct('aa', a + 0.1) (see structFieldArgs)
        if (/^struct$/i.test(name) && this.accept('AS')) (structNames ??= [])[args.length - 1] = this.identifier('a struct field name');
      } while (this.accept(','));
      // SQL-standard `substring(s FROM pos [FOR len])`.
      if (args.length === 1 && /^(substring|substr)$/i.test(name) && this.accept('FROM')) {
        args.push(this.expression());
        if (this.accept('FOR')) args.push(this.expression());
      }
    }
    this.expect(')', `to close the arguments of ${name}`);
    if (structNames) return structFieldArgs(args, structNames, pos);
    let over: WindowSpec | undefined;
    if (this.accept('FILTER')) throw this.error('aggregate FILTER clauses are not supported yet; expected OVER or the end of the call', this.tokens[this.i - 1]);
    // `percentile_cont(p) WITHIN GROUP (ORDER BY x)` (window-related: translated by translate.ts)
    let withinGroup: SortItem | undefined;
    if (this.acceptSeq('WITHIN', 'GROUP')) {
      this.expect('(', 'after WITHIN GROUP');
      if (!this.acceptSeq('ORDER', 'BY')) throw this.error('expected ORDER BY in WITHIN GROUP (...)');
      const items = this.sortList();
      if (items.length !== 1) throw this.error('WITHIN GROUP takes exactly one ORDER BY expression');
      withinGroup = items[0]!;
      this.expect(')', 'to close WITHIN GROUP (...)');
    }
    const ignoreNulls = this.acceptSeq('IGNORE', 'NULLS');
    if (!ignoreNulls) this.acceptSeq('RESPECT', 'NULLS');
    if (this.accept('OVER')) over = this.windowSpec();
    else if (ignoreNulls) args.push({ kind: 'literal', value: true, type: DataTypes.Boolean, pos });
    if (over && (ignoreNulls || withinGroup)) return { kind: 'call', name, args, distinct, star, over, pos, ...(ignoreNulls ? { ignoreNulls } : {}), ...(withinGroup ? { withinGroup } : {}) };
    if (withinGroup) return { kind: 'call', name, args, distinct, star, over, pos, withinGroup };
    // Spark's cast functions: `float(x)`, `date(x)`, `decimal(x)`, ... are `CAST(x AS type)`.
    if (!over && !distinct && !star && args.length === 1 && CAST_FUNCTIONS.has(name.toLowerCase())) {
      return { kind: 'cast', child: args[0]!, to: parseTypeName(name), pos };
    }
    return { kind: 'call', name, args, distinct, star, over, pos };
  }

  private windowSpec(): WindowSpec {
    if (this.isIdentifierStart()) {
      // `OVER w`: a window of the WINDOW clause.
      const spec: WindowSpec = { ref: this.identifier('a window name'), partitionBy: [], orderBy: [] };
      this.windowRefs.at(-1)?.push(spec);
      return spec;
    }
    if (!this.isOp('(')) throw this.error("expected '(' or a window name after OVER");
    this.i++;
    // `OVER (w [ORDER BY ...] [frame])`: a named window, refined.
    let ref: string | undefined;
    if (this.isIdentifierStart() && !this.isWord('PARTITION') && !this.isWord('DISTRIBUTE') && !this.isWord('ORDER') && !this.isWord('SORT') && !this.isWord('ROWS') && !this.isWord('RANGE')) {
      ref = this.identifier('a window name');
    }
    const partitionBy: SqlExpr[] = [];
    const orderBy: SortItem[] = [];
    if (this.acceptSeq('PARTITION', 'BY') || this.acceptSeq('DISTRIBUTE', 'BY')) {
      do partitionBy.push(this.expression());
      while (this.accept(','));
    }
    if (this.acceptSeq('ORDER', 'BY') || this.acceptSeq('SORT', 'BY')) orderBy.push(...this.sortList());
    let frame: WindowSpec['frame'];
    if (this.isWord('ROWS') || this.isWord('RANGE')) {
      const unit = this.tok.text.toLowerCase() as 'rows' | 'range';
      this.i++;
      if (this.accept('BETWEEN')) {
        const start = this.frameBound();
        this.expect('AND', 'in the window frame BETWEEN ... AND ...');
        frame = { unit, start, end: this.frameBound() };
      } else frame = { unit, start: this.frameBound(), end: { kind: 'currentRow' } };
    }
    this.expect(')', 'to close the window specification');
    if (ref === undefined) return { partitionBy, orderBy, frame };
    const spec: WindowSpec = { ref, partitionBy, orderBy, frame };
    this.windowRefs.at(-1)?.push(spec);
    return spec;
  }

  private frameBound(): FrameBound {
    if (this.acceptSeq('UNBOUNDED', 'PRECEDING')) return { kind: 'unboundedPreceding' };
    if (this.acceptSeq('UNBOUNDED', 'FOLLOWING')) return { kind: 'unboundedFollowing' };
    if (this.acceptSeq('CURRENT', 'ROW')) return { kind: 'currentRow' };
    const offset = this.additive();
    if (this.accept('PRECEDING')) return { kind: 'preceding', offset };
    if (this.accept('FOLLOWING')) return { kind: 'following', offset };
    throw this.error('expected PRECEDING or FOLLOWING in the window frame');
  }

  /** A type name: `int`, `decimal(10, 2)`, `varchar(20)`, ... */
  private dataType(): DataType {
    const t = this.tok;
    if (t.kind !== 'word' && t.kind !== 'ident') throw this.error('expected a type name');
    this.i++;
    let text = t.text;
    if (/^(array|map|struct)$/i.test(t.text) && this.isOp('<')) {
      // nested types: the tokens up to the matching '>' (array<int>, map<string,array<int>>, struct<a:int,b string>)
      let depth = 0;
      do {
        const x = this.tok;
        if (x.kind === 'eof') throw this.error(`expected '>' to close the type ${t.text}<...>`);
        if (this.isOp('<')) depth++;
        else if (this.isOp('>')) depth--;
        text += x.kind === 'ident' ? ` \`${x.text}\`` : ` ${x.text}`;
        this.i++;
      } while (depth > 0);
    } else if (this.isOp('(')) {
      this.i++;
      const nums: string[] = [];
      do {
        const n = this.tok;
        if (n.kind !== 'number') throw this.error('expected a number in the type parameters');
        nums.push(n.text);
        this.i++;
      } while (this.accept(','));
      this.expect(')', 'to close the type parameters');
      text += `(${nums.join(',')})`;
    }
    try {
      return parseTypeName(text);
    } catch (e) {
      throw syntaxError(this.sql, t.offset, t.line, t.column, `${(e as Error).message}`);
    }
  }

  /** A syntax error at token `t` (for the literal helpers below). */
  fail(msg: string, t: Token): KindlingError {
    return this.error(msg, t);
  }
}

/** The same expression text (positions aside). */
function sameExpr(a: SqlExpr, b: SqlExpr): boolean {
  return JSON.stringify(stripPos(a)) === JSON.stringify(stripPos(b));
}

/** `exprs` without repeats (by text), in order. */
function distinctExprs(exprs: readonly SqlExpr[]): SqlExpr[] {
  return exprs.filter((e, i) => exprs.findIndex((x) => sameExpr(x, e)) === i);
}

function stripPos(e: SqlExpr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : typeof v === 'bigint' ? `${v}n` : v)));
}

/** Spark's numeric literal typing: int, then bigint, then decimal; `1.5` is decimal; `1e3` double; suffixes. */
function numberLiteral(text: string, pos: Pos, p: Parser, t: Token): SqlExpr {
  const m = /^(.*?)(BD|bd|Bd|bD|[LlSsYyDdFf])?$/.exec(text)!;
  const body = m[1]!;
  const suffix = (m[2] ?? '').toUpperCase();
  const lit = (value: CellValue, type: DataType): SqlExpr => ({ kind: 'literal', value, type, pos });
  const isInt = /^\d+$/.test(body);
  const outOfRange = (what: string) => p.fail(`numeric literal ${text} is outside the range of ${what}`, t);
  switch (suffix) {
    case 'L': {
      if (!isInt) throw p.fail(`expected an integer before the L suffix`, t);
      const v = BigInt(body);
      if (v > 9223372036854775807n) throw outOfRange('bigint');
      return lit(v, DataTypes.Long);
    }
    case 'S':
    case 'Y': {
      if (!isInt) throw p.fail(`expected an integer before the ${suffix} suffix`, t);
      const v = Number(body);
      if (v > (suffix === 'S' ? 32767 : 127)) throw outOfRange(suffix === 'S' ? 'smallint' : 'tinyint');
      return lit(v, suffix === 'S' ? DataTypes.Short : DataTypes.Byte);
    }
    case 'D':
      return lit(Number(body), DataTypes.Double);
    case 'F':
      return lit(Number(body), DataTypes.Float);
    case 'BD':
      return decimalLiteral(body, pos, () => p.fail(`decimal literal ${text} does not fit in 38 digits`, t));
  }
  if (isInt) {
    const v = BigInt(body);
    if (v <= 2147483647n) return lit(Number(v), DataTypes.Integer);
    if (v <= 9223372036854775807n) return lit(v, DataTypes.Long);
    return decimalLiteral(body, pos, () => outOfRange('decimal(38,0)'));
  }
  if (/[eE]/.test(body)) return lit(Number(body), DataTypes.Double);
  return decimalLiteral(body, pos, () => p.fail(`decimal literal ${text} does not fit in 38 digits (use a D suffix for a double)`, t));
}

function decimalLiteral(body: string, pos: Pos, tooBig: () => Error): SqlExpr {
  if (/[eE]/.test(body)) {
    // `20E2BD` is BigDecimal 20E2: Spark makes a negative scale 0 (decimal(4,0) = 2000).
    const em = /^(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(body);
    if (!em) return { kind: 'literal', value: Number(body), type: DataTypes.Double, pos };
    const digits = `${em[1] ?? ''}${em[2] ?? ''}`;
    const scale = (em[2] ?? '').length - Number(em[3]);
    const plain = scale <= 0 ? `${digits}${'0'.repeat(-scale)}` : `${digits.slice(0, -scale).padStart(1, '0')}.${digits.slice(-scale).padStart(scale, '0')}`;
    return decimalLiteral(plain, pos, tooBig);
  }
  const [intPart = '', frac = ''] = body.split('.');
  const digits = (intPart.replace(/^0+/, '') + frac).replace(/^0+/, '');
  const scale = frac.length;
  const precision = Math.max(digits.length, scale, 1);
  if (precision > MAX_DECIMAL_PRECISION) throw tooBig();
  const value = `${intPart === '' ? '0' : intPart.replace(/^0+(?=\d)/, '')}${scale ? `.${frac}` : ''}`;
  return { kind: 'literal', value, type: DataTypes.decimal(precision, scale), pos };
}

function negateLiteral(e: Extract<SqlExpr, { kind: 'literal' }>, pos: Pos): SqlExpr {
  if (typeof e.value === 'bigint') {
    const v = -e.value;
    if (v === -2147483648n) return { kind: 'literal', value: -2147483648, type: DataTypes.Integer, pos };
    return { ...e, value: v, pos };
  }
  if (typeof e.value === 'number') return { ...e, value: -e.value, pos };
  return e;
}

function typedLiteral(kind: string, text: string, pos: Pos, err: (msg: string) => Error): SqlExpr {
  if (kind === 'DATE') {
    const m = /^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$/.exec(text);
    if (!m) throw err(`expected a date in the form 'yyyy-mm-dd' in the DATE literal`);
    const [y, mo = '1', d = '1'] = [m[1]!, m[2], m[3]];
    const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
    const check = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso) throw err(`'${text}' is not a valid date in the DATE literal`);
    return { kind: 'literal', value: iso, type: DataTypes.Date, pos };
  }
  const m = /^\s*(\d{4}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|UTC)?\s*$/i.exec(text);
  if (!m) throw err(`expected a timestamp in the form 'yyyy-mm-dd hh:mm:ss' in the TIMESTAMP literal`);
  const [datePart, h = '0', mi = '0', s = '0', frac = ''] = [m[1]!, m[2], m[3], m[4], m[5]];
  const [y, mo, d] = datePart.split('-');
  const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${s.padStart(2, '0')}${frac ? frac.slice(0, 4).padEnd(4, '0') : ''}Z`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw err(`'${text}' is not a valid timestamp in the TIMESTAMP literal`);
  return { kind: 'literal', value: date, type: DataTypes.Timestamp, pos };
}

/**
 * The parts of a qualified interval string (Spark's ANSI interval literals): YEAR TO MONTH `'y-m'`,
 * DAY TO HOUR `'d h'`, DAY TO MINUTE `'d h:m'`, DAY TO SECOND `'d h:m:s.f'`, HOUR TO MINUTE `'h:m'`,
 * HOUR TO SECOND `'h:m:s.f'`, MINUTE TO SECOND `'m:s.f'`; a leading '-' negates every part. Null if
 * the string does not fit the qualifier.
 */
function qualifiedInterval(text: string, from: IntervalUnit, to: IntervalUnit): { value: number; unit: IntervalUnit }[] | null {
  const t = text.trim();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  const order: IntervalUnit[] = from === 'year' ? ['year', 'month'] : ['day', 'hour', 'minute', 'second'];
  const a = order.indexOf(from);
  const b = order.indexOf(to);
  if (a < 0 || b <= a) return null;
  const units = order.slice(a, b + 1);
  const nums = from === 'year' ? body.split('-') : body.split(/[ :]/);
  if (nums.length !== units.length || nums.some((x) => !/^\d+(\.\d+)?$/.test(x))) return null;
  return units.map((unit, i) => ({ value: sign * Number(nums[i]), unit }));
}

/**
 * struct(e1 [AS n1], e2, ...) with field aliases as named_struct(n1, e1, ...): unaliased fields are
 * named after their column, else col<i> (Spark's CreateStruct).
 */
function structFieldArgs(args: readonly SqlExpr[], names: readonly (string | undefined)[], pos: Pos): SqlExpr {
  const out: SqlExpr[] = [];
  args.forEach((a, i) => {
    const name = names[i] ?? (a.kind === 'column' ? a.parts[a.parts.length - 1]! : `col${i + 1}`);
    out.push({ kind: 'literal', value: name, type: DataTypes.String, pos }, a);
  });
  return { kind: 'call', name: 'named_struct', args: out, distinct: false, star: false, pos };
}
