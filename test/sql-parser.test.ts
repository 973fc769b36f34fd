/**
 * The SQL lexer and parser: every construct of the supported dialect parses into the expected AST,
 * and syntax errors name line and column, show the line with a caret, and say what was expected.
 */
import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/sql/lexer.js';
import { parseExpression, parseQuery, parseStatement } from '../src/sql/parser.js';
import type { Query, SelectCore, SqlExpr } from '../src/sql/ast.js';
import { ParseError } from '../src/errors.js';

/** The AST without positions (bigints as 'Nn' strings) for compact comparisons. */
function strip(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' ? undefined : typeof v === 'bigint' ? `${v}n` : v)));
}
const expr = (s: string) => strip(parseExpression(s)) as Record<string, unknown>;
const select = (s: string) => parseQuery(s).body as SelectCore;
const col = (...parts: string[]) => ({ kind: 'column', parts });
const int = (v: number) => ({ kind: 'literal', value: v, type: { kind: 'int32' } });

function parseError(sql: string): ParseError {
  try {
    parseStatement(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error(`expected a ParseError for ${sql}`);
}

describe('lexer', () => {
  it('identifiers, backquotes, numbers with suffixes, strings with escapes, comments, operators', () => {
    const toks = tokenize("SELECT `my col`, `a``b`, 1L, 1.5D, 1e3, 1.5BD, 'it\\'s\\n', \"dq\" -- comment\n /* block /* nested */ */ a <=> b, c <> d, e != f, g || h");
    expect(toks.map((t) => [t.kind, t.text])).toEqual([
      ['word', 'SELECT'],
      ['ident', 'my col'],
      ['op', ','],
      ['ident', 'a`b'],
      ['op', ','],
      ['number', '1L'],
      ['op', ','],
      ['number', '1.5D'],
      ['op', ','],
      ['number', '1e3'],
      ['op', ','],
      ['number', '1.5BD'],
      ['op', ','],
      ['string', "it's\n"],
      ['op', ','],
      ['string', 'dq'],
      ['word', 'a'],
      ['op', '<=>'],
      ['word', 'b'],
      ['op', ','],
      ['word', 'c'],
      ['op', '<>'],
      ['word', 'd'],
      ['op', ','],
      ['word', 'e'],
      ['op', '!='],
      ['word', 'f'],
      ['op', ','],
      ['word', 'g'],
      ['op', '||'],
      ['word', 'h'],
      ['eof', ''],
    ]);
    const a = toks.find((t) => t.text === 'a')!;
    expect([a.line, a.column]).toEqual([2, 27]);
  });

  it('numeric literals get Spark types', () => {
    expect(expr('1')).toEqual(int(1));
    expect(expr('2147483648')).toEqual({ kind: 'literal', value: '2147483648n', type: { kind: 'int64' } });
    expect(expr('-2147483648')).toEqual(int(-2147483648));
    expect(expr('7L')).toEqual({ kind: 'literal', value: '7n', type: { kind: 'int64' } });
    expect(expr('7S')).toEqual({ kind: 'literal', value: 7, type: { kind: 'int16' } });
    expect(expr('7Y')).toEqual({ kind: 'literal', value: 7, type: { kind: 'int8' } });
    expect(expr('1.5')).toEqual({ kind: 'literal', value: '1.5', type: { kind: 'decimal', precision: 2, scale: 1 } });
    expect(expr('0.06')).toEqual({ kind: 'literal', value: '0.06', type: { kind: 'decimal', precision: 2, scale: 2 } });
    expect(expr('1.5D')).toEqual({ kind: 'literal', value: 1.5, type: { kind: 'float64' } });
    expect(expr('1e3')).toEqual({ kind: 'literal', value: 1000, type: { kind: 'float64' } });
    expect(expr('2.5F')).toEqual({ kind: 'literal', value: 2.5, type: { kind: 'float32' } });
    expect(expr('12.50BD')).toEqual({ kind: 'literal', value: '12.50', type: { kind: 'decimal', precision: 4, scale: 2 } });
    expect(expr("'a' 'b'")).toEqual({ kind: 'literal', value: 'ab', type: { kind: 'utf8' } });
  });
});

describe('expressions', () => {
  it('precedence: OR < AND < NOT < comparison < + < *', () => {
    expect(expr('a OR b AND NOT c = 1 + 2 * 3')).toEqual({
      kind: 'binary',
      op: 'or',
      left: col('a'),
      right: {
        kind: 'binary',
        op: 'and',
        left: col('b'),
        right: {
          kind: 'unary',
          op: 'not',
          child: {
            kind: 'binary',
            op: '=',
            left: col('c'),
            right: { kind: 'binary', op: '+', left: int(1), right: { kind: 'binary', op: '*', left: int(2), right: int(3) } },
          },
        },
      },
    });
    expect(expr('a - b - c')).toMatchObject({ op: '-', left: { op: '-', left: col('a'), right: col('b') }, right: col('c') });
    expect(expr('-a.b')).toEqual({ kind: 'unary', op: 'negate', child: col('a', 'b') });
    expect(expr('a DIV 2')).toMatchObject({ op: 'div' });
    expect(expr('`weird name` + t.`x`')).toMatchObject({ left: col('weird name'), right: col('t', 'x') });
  });

  it('predicates: IS [NOT] NULL, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE, IS DISTINCT FROM', () => {
    expect(expr('a IS NOT NULL')).toEqual({ kind: 'isNull', child: col('a'), negated: true });
    expect(expr('a NOT IN (1, 2)')).toEqual({ kind: 'inList', child: col('a'), list: [int(1), int(2)], negated: true });
    expect(expr('a NOT BETWEEN 1 AND 2 AND b')).toMatchObject({
      op: 'and',
      left: { kind: 'between', child: col('a'), low: int(1), high: int(2), negated: true },
      right: col('b'),
    });
    expect(expr("s NOT LIKE 'x%' ESCAPE '!'")).toMatchObject({ kind: 'like', negated: true, escape: '!', pattern: { value: 'x%' } });
    expect(expr('a IS DISTINCT FROM b')).toMatchObject({ kind: 'unary', op: 'not', child: { op: '<=>' } });
    expect(expr('a IS TRUE')).toMatchObject({ kind: 'isBool', value: true, negated: false });
  });

  it('subqueries: IN, EXISTS, scalar', () => {
    expect(expr('a IN (SELECT b FROM t)')).toMatchObject({ kind: 'inSubquery', negated: false, child: col('a') });
    expect(expr('NOT EXISTS (SELECT 1 FROM t)')).toMatchObject({ kind: 'unary', op: 'not', child: { kind: 'exists' } });
    expect(expr('(SELECT max(b) FROM t) + 1')).toMatchObject({ op: '+', left: { kind: 'scalarSubquery' } });
  });

  it('CASE, CAST, EXTRACT, typed literals, intervals', () => {
    expect(expr("CASE a WHEN 1 THEN 'x' ELSE 'y' END")).toMatchObject({ kind: 'case', operand: col('a'), branches: [[int(1), { value: 'x' }]], otherwise: { value: 'y' } });
    expect(expr('CASE WHEN a > 1 THEN 1 END')).toMatchObject({ kind: 'case', branches: [[{ op: '>' }, int(1)]] });
    expect(expr('CAST(a AS decimal(10, 2))')).toEqual({ kind: 'cast', child: col('a'), to: { kind: 'decimal', precision: 10, scale: 2 } });
    expect(expr('a::bigint')).toEqual({ kind: 'cast', child: col('a'), to: { kind: 'int64' } });
    expect(expr('EXTRACT(YEAR FROM d)')).toEqual({ kind: 'extract', field: 'year', child: col('d') });
    expect(expr("DATE '1998-12-01'")).toEqual({ kind: 'literal', value: '1998-12-01', type: { kind: 'date32' } });
    expect(expr("TIMESTAMP '2020-01-02 03:04:05'")).toMatchObject({ kind: 'literal', type: { kind: 'timestamp' } });
    expect(expr("INTERVAL '90' DAY")).toEqual({ kind: 'interval', parts: [{ value: 90, unit: 'day' }] });
    expect(expr('INTERVAL 1 YEAR 2 MONTHS')).toEqual({ kind: 'interval', parts: [{ value: 1, unit: 'year' }, { value: 2, unit: 'month' }] });
    expect(expr("INTERVAL '3 days'")).toEqual({ kind: 'interval', parts: [{ value: 3, unit: 'day' }] });
    expect(expr("d - INTERVAL '3' DAY - 1")).toMatchObject({ op: '-', left: { op: '-', right: { kind: 'interval' } }, right: int(1) });
  });

  it('function calls: count(*), count(DISTINCT x), OVER (...)', () => {
    expect(expr('count(*)')).toEqual({ kind: 'call', name: 'count', args: [], distinct: false, star: true });
    expect(expr('count(DISTINCT x)')).toMatchObject({ name: 'count', distinct: true, args: [col('x')] });
    expect(expr('substring(s FROM 1 FOR 2)')).toMatchObject({ name: 'substring', args: [col('s'), int(1), int(2)] });
    expect(expr('sum(v) OVER (PARTITION BY k ORDER BY t DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING)')).toEqual({
      kind: 'call',
      name: 'sum',
      args: [col('v')],
      distinct: false,
      star: false,
      over: {
        partitionBy: [col('k')],
        orderBy: [{ expr: col('t'), ascending: false }],
        frame: { unit: 'rows', start: { kind: 'unboundedPreceding' }, end: { kind: 'following', offset: int(1) } },
      },
    });
    expect(expr('row_number() OVER (ORDER BY a)')).toMatchObject({ name: 'row_number', over: { partitionBy: [], orderBy: [{ expr: col('a') }] } });
  });
});

describe('queries', () => {
  it('SELECT [DISTINCT] items FROM relations WHERE GROUP BY HAVING ORDER BY LIMIT OFFSET', () => {
    const q = parseQuery('SELECT DISTINCT a, b AS x, c y, t.* FROM t WHERE a > 1 GROUP BY 1, b HAVING count(*) > 1 ORDER BY a DESC NULLS FIRST, 2 LIMIT 10 OFFSET 5');
    const s = q.body as SelectCore;
    expect(s.distinct).toBe(true);
    expect(strip(s.items)).toEqual([{ expr: col('a') }, { expr: col('b'), alias: 'x' }, { expr: col('c'), alias: 'y' }, { expr: { kind: 'star', qualifier: 't' } }]);
    expect(strip(s.from)).toEqual([{ kind: 'table', name: ['t'] }]);
    expect(strip(s.groupBy)).toEqual({ kind: 'exprs', exprs: [int(1), col('b')] });
    expect(strip(q.orderBy)).toEqual([{ expr: col('a'), ascending: false, nullsFirst: true }, { expr: int(2), ascending: true }]);
    expect(strip(q.limit)).toEqual(int(10));
    expect(strip(q.offset)).toEqual(int(5));
  });

  it('relations: aliases, subqueries, files, comma joins, every join type with ON / USING', () => {
    const s = select(
      'SELECT * FROM a AS x, (SELECT 1) s(c), parquet.`/tmp/p.parquet` p JOIN b ON x.k = b.k LEFT OUTER JOIN c USING (k) RIGHT JOIN d ON 1 = 1 ' +
        'FULL OUTER JOIN e ON 1 = 1 CROSS JOIN f LEFT SEMI JOIN g ON 1 = 1 LEFT ANTI JOIN h ON 1 = 1 NATURAL JOIN i',
    );
    expect(s.from.length).toBe(3);
    expect(strip(s.from[0])).toEqual({ kind: 'table', name: ['a'], alias: 'x' });
    expect(strip(s.from[1])).toMatchObject({ kind: 'subquery', alias: 's', columns: ['c'] });
    const types: string[] = [];
    let r = s.from[2]!;
    while (r.kind === 'join') {
      types.push(`${r.natural ? 'natural ' : ''}${r.joinType}${r.using ? ' using' : r.on ? ' on' : ''}`);
      r = r.left;
    }
    expect(types.reverse()).toEqual(['inner on', 'left using', 'right on', 'full on', 'cross', 'left_semi on', 'left_anti on', 'natural inner']);
    expect(strip(r)).toEqual({ kind: 'file', format: 'parquet', path: '/tmp/p.parquet', alias: 'p' });
  });

  it('GROUP BY ROLLUP / CUBE / GROUPING SETS', () => {
    expect(strip(select('SELECT a FROM t GROUP BY ROLLUP(a, b)').groupBy)).toEqual({ kind: 'rollup', exprs: [col('a'), col('b')] });
    expect(strip(select('SELECT a FROM t GROUP BY a, b WITH CUBE').groupBy)).toEqual({ kind: 'cube', exprs: [col('a'), col('b')] });
    expect(strip(select('SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, ())').groupBy)).toEqual({
      kind: 'groupingSets',
      exprs: [col('a'), col('b')],
      sets: [[col('a'), col('b')], [col('a')], []],
    });
  });

  it('set operations (INTERSECT binds tighter), WITH, parenthesized queries', () => {
    const q: Query = parseQuery('WITH x AS (SELECT 1 a), y (b) AS (SELECT 2) SELECT a FROM x UNION ALL SELECT b FROM y INTERSECT SELECT 3 EXCEPT (SELECT 4) ORDER BY 1');
    expect(q.with.map((c) => [c.name, c.columns])).toEqual([['x', undefined], ['y', ['b']]]);
    const b = strip(q.body) as Record<string, unknown>;
    expect(b).toMatchObject({ kind: 'setOp', op: 'except', all: false, left: { op: 'union', all: true, right: { op: 'intersect' } }, right: { kind: 'nested' } });
    expect(q.orderBy.length).toBe(1);
    expect(strip(parseQuery('SELECT 1 UNION DISTINCT SELECT 2').body)).toMatchObject({ op: 'union', all: false });
  });

  it('statements: CREATE VIEW, DESCRIBE, SHOW TABLES, EXPLAIN', () => {
    expect(strip(parseStatement('CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1;'))).toMatchObject({ kind: 'createView', name: 'v', replace: true, ifNotExists: false });
    expect(strip(parseStatement('create temp view if not exists v as select 1'))).toMatchObject({ kind: 'createView', replace: false, ifNotExists: true });
    expect(strip(parseStatement('DESCRIBE TABLE t'))).toEqual({ kind: 'describe', target: { kind: 'table', name: ['t'] } });
    expect(strip(parseStatement("SHOW TABLES LIKE 'x*'"))).toEqual({ kind: 'showTables', pattern: 'x*' });
    expect(strip(parseStatement('EXPLAIN EXTENDED SELECT 1'))).toMatchObject({ kind: 'explain', extended: true, statement: { kind: 'query' } });
  });

  it('keywords are case-insensitive; reserved words need backquotes to be names', () => {
    expect(strip(parseQuery('select A from T where B'))).toEqual(strip(parseQuery('SELECT A FROM T WHERE B')));
    expect(strip(select('SELECT `from` FROM t').items[0]!.expr)).toEqual(col('from'));
  });
});

describe('syntax errors', () => {
  it('name line and column, show the line with a caret, and say what was expected', () => {
    expect(parseError('SELECT a, FROM t').message).toBe(
      "syntax error at line 1, column 11: expected an expression, found 'FROM'\n  SELECT a, FROM t\n            ^",
    );
    expect(parseError('SELECT a\nFROM t\nWHERE (a > 1').message).toBe(
      "syntax error at line 3, column 13: expected ')' to close the parenthesis, found the end of the input\n  WHERE (a > 1\n              ^",
    );
    expect(parseError("SELECT 'abc").message).toBe("syntax error at line 1, column 8: unterminated string literal: expected closing '\n  SELECT 'abc\n         ^");
    expect(parseError('SELECT a FROM t LEFT JOIN').message).toBe(
      'syntax error at line 1, column 26: expected a table name, found the end of the input\n  SELECT a FROM t LEFT JOIN\n                           ^',
    );
    expect(parseError('SELECT a FROM t WHERE a BETWEEN 1 OR 2').message).toBe(
      "syntax error at line 1, column 35: expected AND in BETWEEN ... AND ..., found 'OR'\n  SELECT a FROM t WHERE a BETWEEN 1 OR 2\n                                    ^",
    );
    expect(parseError('SELECT CAST(a AS) FROM t').message).toBe("syntax error at line 1, column 17: expected a type name, found ')'\n  SELECT CAST(a AS) FROM t\n                  ^");
    expect(parseError('SELEC a FROM t').message).toContain('line 1, column 1: expected a statement (SELECT, WITH');
    expect(parseError('SELECT a FROM t t2 t3').message).toContain("line 1, column 20: expected the end of the statement, found 't3'");
    expect(parseError('SELECT 1 /* open').message).toContain('line 1, column 10: unterminated comment');
    expect(parseError('SELECT a FROM t ORDER BY a NULLS MIDDLE').message).toContain("line 1, column 34: expected FIRST or LAST after NULLS, found 'MIDDLE'");
  });

  it('carry the position and never a parser stack', () => {
    const e = parseError('SELECT\n  a +\n  FROM t');
    expect(e.position).toEqual({ line: 3, column: 3 });
    expect(e.message.split('\n')).toEqual(["syntax error at line 3, column 3: expected an expression, found 'FROM'", '    FROM t', '    ^']);
    expect(e.message).not.toMatch(/Parser\.|at .*parser\.ts/);
  });

  it('bad literals', () => {
    expect(parseError("SELECT DATE '2021-02-30'").message).toContain("line 1, column 13: '2021-02-30' is not a valid date in the DATE literal");
    expect(parseError('SELECT 99999999999999999999L').message).toContain('outside the range of bigint');
    expect(parseError('SELECT 12abc').message).toContain("line 1, column 8: invalid number '12abc'");
  });
});

/** Exported only so the type of the helper stays checked. */
export type _Unused = SqlExpr;
