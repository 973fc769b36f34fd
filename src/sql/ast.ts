/**
 * The typed syntax tree of Spark SQL statements, as the parser (parser.ts) produces it and the
 * binder (binder.ts) consumes it. It mirrors the text: nothing is resolved here.
 */
import type { DataType } from '../types/data-type.js';
import type { CellValue } from '../types/values.js';

/** Where a node starts in the SQL text (1-based), for messages. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** A statement. */
export type Statement = QueryStatement | CreateViewStatement | DescribeStatement | ShowTablesStatement | ExplainStatement | SetStatement;

/** `SET key = value` (a session configuration), or `SET key` to read one. */
export interface SetStatement {
  readonly kind: 'set';
  readonly key: string;
  readonly value?: string;
}

/** A query (SELECT, WITH, set operations, VALUES-less). */
export interface QueryStatement {
  readonly kind: 'query';
  readonly query: Query;
}

/** `CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] name AS query`. */
export interface CreateViewStatement {
  readonly kind: 'createView';
  readonly name: string;
  readonly replace: boolean;
  readonly ifNotExists: boolean;
  /** `CREATE TEMP VIEW v (a, b) AS ...`: names for the query's columns. */
  readonly columns?: readonly string[];
  readonly query: Query;
}

/** `DESCRIBE [TABLE] name` or `DESCRIBE QUERY query`. */
export interface DescribeStatement {
  readonly kind: 'describe';
  readonly target: Relation | Query;
}

/** `SHOW TABLES [LIKE 'pattern']`. */
export interface ShowTablesStatement {
  readonly kind: 'showTables';
  readonly pattern?: string;
}

/** `EXPLAIN [EXTENDED] statement`. */
export interface ExplainStatement {
  readonly kind: 'explain';
  readonly extended: boolean;
  readonly statement: Statement;
}

/** A common table expression `name [(cols)] AS (query)`. */
export interface Cte {
  readonly name: string;
  readonly columns?: readonly string[];
  readonly query: Query;
}

/** A full query: optional CTEs, a body, and the ordering/limit that applies to the whole body. */
export interface Query {
  readonly with: readonly Cte[];
  readonly body: QueryTerm;
  readonly orderBy: readonly SortItem[];
  readonly limit?: SqlExpr;
  readonly offset?: SqlExpr;
}

/** A query body: a SELECT, a set operation, a parenthesized query, or an inline table. */
export type QueryTerm = SelectCore | SetOperation | NestedQuery | InlineTable;

/** Spark's inline table `VALUES (1, 'a'), (2, 'b') [[AS] t(c1, c2)]` (a row of one item may omit the parentheses). */
export interface InlineTable {
  readonly kind: 'values';
  readonly rows: readonly (readonly SqlExpr[])[];
  readonly alias?: string;
  readonly columns?: readonly string[];
  readonly pos: Pos;
}

/** `( query )` used as a query term. */
export interface NestedQuery {
  readonly kind: 'nested';
  readonly query: Query;
}

/** Set operators. */
export type SetOperator = 'union' | 'intersect' | 'except';

/** `left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right`. */
export interface SetOperation {
  readonly kind: 'setOp';
  readonly op: SetOperator;
  readonly all: boolean;
  readonly left: QueryTerm;
  readonly right: QueryTerm;
}

/** One `SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...` block. */
export interface SelectCore {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** Comma-separated relations (an implicit cross join); empty for `SELECT 1`. */
  readonly from: readonly Relation[];
  readonly where?: SqlExpr;
  readonly groupBy?: GroupBy;
  readonly having?: SqlExpr;
}

/** A select item: `*`, `t.*`, or `expr [AS alias]`. */
export interface SelectItem {
  readonly expr: SqlExpr;
  readonly alias?: string;
  readonly pos: Pos;
}

/** GROUP BY forms. `exprs` is the plain list; rollup/cube/sets are Spark's grouping analytics. */
export type GroupBy =
  | { readonly kind: 'exprs'; readonly exprs: readonly SqlExpr[] }
  | { readonly kind: 'rollup' | 'cube'; readonly exprs: readonly SqlExpr[] }
  | { readonly kind: 'groupingSets'; readonly exprs: readonly SqlExpr[]; readonly sets: readonly (readonly SqlExpr[])[] };

/** An ORDER BY item. `nullsFirst` undefined = Spark's default (first for ASC, last for DESC). */
export interface SortItem {
  readonly expr: SqlExpr;
  readonly ascending: boolean;
  readonly nullsFirst?: boolean;
}

/** Join types as written. */
export type SqlJoinType = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'left_semi' | 'left_anti';

/** A relation in FROM. */
export type Relation =
  | { readonly kind: 'table'; readonly name: readonly string[]; readonly alias?: string; readonly columns?: readonly string[]; readonly pos: Pos }
  | { readonly kind: 'file'; readonly format: string; readonly path: string; readonly alias?: string; readonly columns?: readonly string[]; readonly pos: Pos }
  /** `(query) alias` in FROM; `lateral`: `LATERAL (query)`, which may reference the relations to its left. */
  | { readonly kind: 'subquery'; readonly query: Query; readonly alias?: string; readonly columns?: readonly string[]; readonly lateral?: boolean }
  | InlineTable
  /** A table-valued function call in FROM: `range(10)`, `range(1, 10, 2) AS t(n)`. */
  | { readonly kind: 'tableFunction'; readonly name: string; readonly args: readonly SqlExpr[]; readonly alias?: string; readonly columns?: readonly string[]; readonly pos: Pos }
  | {
      readonly kind: 'join';
      readonly left: Relation;
      readonly right: Relation;
      readonly joinType: SqlJoinType;
      readonly natural: boolean;
      readonly on?: SqlExpr;
      readonly using?: readonly string[];
    };

/** Window frame bounds. */
export type FrameBound =
  | { readonly kind: 'unboundedPreceding' | 'unboundedFollowing' | 'currentRow' }
  | { readonly kind: 'preceding' | 'following'; readonly offset: SqlExpr };

/** `OVER (PARTITION BY ... ORDER BY ... ROWS|RANGE BETWEEN ...)`. */
export interface WindowSpec {
  /**
   * `OVER w` / `OVER (w ...)`: the name of a window of the query block's WINDOW clause. The parser
   * replaces it by that definition (refined by this spec's own clauses); it stays set only when the
   * name is not defined, which binding reports.
   */
  readonly ref?: string;
  readonly partitionBy: readonly SqlExpr[];
  readonly orderBy: readonly SortItem[];
  readonly frame?: { readonly unit: 'rows' | 'range'; readonly start: FrameBound; readonly end: FrameBound };
}

/** Interval units the engine understands. */
export type IntervalUnit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

/** Binary operators of SQL expressions. */
export type SqlBinaryOp = '+' | '-' | '*' | '/' | '%' | 'div' | '||' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>' | 'and' | 'or' | '&' | '|' | '^';

/** SQL expressions. Every node carries its position for binder messages. */
export type SqlExpr =
  | { readonly kind: 'column'; readonly parts: readonly string[]; readonly pos: Pos }
  | { readonly kind: 'star'; readonly qualifier?: string; readonly pos: Pos }
  | { readonly kind: 'literal'; readonly value: CellValue; readonly type: DataType; readonly pos: Pos }
  | { readonly kind: 'interval'; readonly parts: readonly { readonly value: number; readonly unit: IntervalUnit }[]; readonly pos: Pos }
  | { readonly kind: 'binary'; readonly op: SqlBinaryOp; readonly left: SqlExpr; readonly right: SqlExpr; readonly pos: Pos }
  | { readonly kind: 'unary'; readonly op: 'not' | 'negate' | 'plus' | '~'; readonly child: SqlExpr; readonly pos: Pos }
  | { readonly kind: 'isNull'; readonly child: SqlExpr; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'isBool'; readonly child: SqlExpr; readonly value: boolean; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'between'; readonly child: SqlExpr; readonly low: SqlExpr; readonly high: SqlExpr; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'inList'; readonly child: SqlExpr; readonly list: readonly SqlExpr[]; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'inSubquery'; readonly child: SqlExpr; readonly query: Query; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'exists'; readonly query: Query; readonly negated: boolean; readonly pos: Pos }
  | { readonly kind: 'scalarSubquery'; readonly query: Query; readonly pos: Pos }
  | { readonly kind: 'like'; readonly child: SqlExpr; readonly pattern: SqlExpr; readonly escape?: string; readonly negated: boolean; readonly caseInsensitive: boolean; readonly pos: Pos }
  | { readonly kind: 'case'; readonly operand?: SqlExpr; readonly branches: readonly (readonly [SqlExpr, SqlExpr])[]; readonly otherwise?: SqlExpr; readonly pos: Pos }
  | { readonly kind: 'cast'; readonly child: SqlExpr; readonly to: DataType; readonly pos: Pos }
  | { readonly kind: 'extract'; readonly field: string; readonly child: SqlExpr; readonly pos: Pos }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly SqlExpr[];
      readonly distinct: boolean;
      /** `count(*)`. */
      readonly star: boolean;
      readonly over?: WindowSpec;
      /** `f(...) IGNORE NULLS OVER (...)` (window calls; without OVER the parser appends a `true` argument). */
      readonly ignoreNulls?: boolean;
      /** `percentile_cont(p) WITHIN GROUP (ORDER BY x [ASC|DESC])`: the ordering. */
      readonly withinGroup?: SortItem;
      readonly pos: Pos;
    };
