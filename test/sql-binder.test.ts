/**
 * The SQL binder: `spark.sql` builds the same plans as the DataFrame API (same rows, same explain
 * text up to attribute ids), Spark's resolution rules (ordinals, aliases, HAVING, ORDER BY on
 * unselected columns, set operations, subqueries), temp views, and error messages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SparkSession, type DataFrame, functions as F, AnalysisError, NotImplementedError, ParseError } from '../src/index.js';
import { type CellValue } from '../src/types/values.js';

const { col } = F;

let spark: SparkSession;
let t: DataFrame;
let u: DataFrame;

beforeAll(() => {
  spark = SparkSession.builder.master('local[*]').getOrCreate();
  t = spark.createDataFrame(
    [
      { k: 'a', v: 1, w: 2.5, d: '2020-01-31' },
      { k: 'b', v: null, w: 1.0, d: '2021-06-15' },
      { k: 'a', v: 3, w: null, d: null },
      { k: null, v: 4, w: 0.5, d: '1999-12-31' },
      { k: 'c', v: 2, w: 2.5, d: '2020-02-29' },
    ],
    'k string, v int, w double, d date',
  );
  u = spark.createDataFrame(
    [
      { k: 'a', name: 'Alpha' },
      { k: 'c', name: 'Gamma' },
      { k: null, name: 'Null' },
      { k: 'z', name: 'Zeta' },
    ],
    'k string, name string',
  );
  t.createOrReplaceTempView('t');
  u.createOrReplaceTempView('u');
});

/** Rows as arrays, in column order. */
async function rows(df: DataFrame): Promise<CellValue[][]> {
  const names = df.columns;
  return (await df.collect()).map((r) => names.map((n) => r[n] ?? null));
}

async function sqlRows(q: string): Promise<CellValue[][]> {
  return rows(await spark.sql(q));
}

/** Rows in a canonical order for order-insensitive comparison. */
function sorted(rs: CellValue[][]): CellValue[][] {
  const key = (r: CellValue[]) => r.map((v) => (v === null ? '\u0000' : `${typeof v}:${String(v)}`)).join('\u0001');
  return [...rs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Explain text with attribute ids renumbered in order of appearance. */
function normalized(text: string): string {
  const ids = new Map<string, number>();
  return text.replace(/#(\d+)/g, (_, id: string) => {
    if (!ids.has(id)) ids.set(id, ids.size + 1);
    return `#${ids.get(id)}`;
  });
}

/** The SQL and the DataFrame give the same rows, names, types and (extended) explain text. */
async function same(q: string, df: DataFrame, opts: { ordered?: boolean; explain?: boolean } = {}): Promise<void> {
  const s = await spark.sql(q);
  expect(s.columns).toEqual(df.columns);
  expect(s.schema.toString()).toEqual(df.schema.toString());
  const [a, b] = [await rows(s), await rows(df)];
  expect(opts.ordered ? a : sorted(a)).toEqual(opts.ordered ? b : sorted(b));
  if (opts.explain !== false) expect(normalized(s.explainString(true))).toEqual(normalized(df.explainString(true)));
}

// `SELECT *` is a Project of every column in Spark's analyzed plan too, so the DataFrame side adds select('*').
describe('SQL and the DataFrame API build the same plan', () => {
  it('select, filter, expressions', async () => {
    const tt = spark.table('t');
    await same('SELECT k, v + 1 AS v1, w * 2 FROM t WHERE v > 1 AND k IS NOT NULL', tt.filter(col('v').gt(1).and(col('k').isNotNull())).select(col('k'), col('v').plus(1).alias('v1'), col('w').multiply(2)));
    await same("SELECT * FROM t WHERE k IN ('a', 'c') OR w BETWEEN 1 AND 2", tt.filter(col('k').isin('a', 'c').or(col('w').between(1, 2))).select('*'));
    await same("SELECT k FROM t WHERE k LIKE 'a%'", tt.filter(col('k').like('a%')).select('k'));
    await same('SELECT CAST(v AS double) AS x, upper(k) FROM t', tt.select(col('v').cast('double').alias('x'), F.upper('k')));
    await same("SELECT CASE WHEN v > 2 THEN 'big' WHEN v > 0 THEN 'small' ELSE 'none' END AS size FROM t",
      tt.select(F.when(col('v').gt(2), 'big').when(col('v').gt(0), 'small').otherwise('none').alias('size')));
  });

  it('aggregation', async () => {
    const tt = spark.table('t');
    await same('SELECT k, sum(v) AS s, count(*) AS n, avg(w) FROM t GROUP BY k', tt.groupBy('k').agg(F.sum('v').alias('s'), F.count('*').alias('n'), F.avg('w')));
    await same('SELECT count(DISTINCT k), max(d) FROM t', tt.agg(F.countDistinct('k'), F.max('d')));
    await same('SELECT sum(v) FROM t', tt.select(F.sum('v')));
  });

  it('joins: ON, USING, every type', async () => {
    const [tt, uu] = [spark.table('t'), spark.table('u')];
    // USING joins keep both sides' keys as hidden columns (Spark), so only the results are compared.
    await same('SELECT * FROM t JOIN u USING (k)', tt.join(uu, 'k').select('*'), { explain: false });
    for (const [sqlType, how] of [['LEFT OUTER', 'left'], ['RIGHT', 'right'], ['FULL OUTER', 'full'], ['LEFT SEMI', 'left_semi'], ['LEFT ANTI', 'left_anti'], ['INNER', 'inner']] as const) {
      await same(`SELECT * FROM t ${sqlType} JOIN u ON t.k = u.k`, tt.join(uu, col('t.k').eq(col('u.k')), how).select('*'));
      await same(`SELECT * FROM t ${sqlType} JOIN u USING (k)`, tt.join(uu, ['k'], how).select('*'), { explain: false });
    }
    await same('SELECT * FROM t CROSS JOIN u', tt.crossJoin(uu).select('*'));
  });

  it('order by, limit, distinct, union', async () => {
    const tt = spark.table('t');
    await same('SELECT k, v FROM t ORDER BY v DESC NULLS LAST, k LIMIT 3', tt.select('k', 'v').orderBy(col('v').desc(), col('k')).limit(3), { ordered: true });
    await same('SELECT DISTINCT k FROM t', tt.select('k').distinct());
    await same('SELECT k FROM t UNION ALL SELECT k FROM u', tt.select('k').union(spark.table('u').select('k')), { explain: false });
    await same('SELECT k FROM t UNION SELECT k FROM u', tt.select('k').union(spark.table('u').select('k')).distinct(), { explain: false });
  });

  it('windows', async () => {
    const { Window } = await import('../src/api/window.js');
    const tt = spark.table('t');
    await same(
      'SELECT k, v, row_number() OVER (PARTITION BY k ORDER BY v) AS rn, sum(v) OVER (PARTITION BY k) AS s FROM t',
      tt.select(col('k'), col('v'), F.row_number().over(Window.partitionBy('k').orderBy('v')).alias('rn'), F.sum('v').over(Window.partitionBy('k')).alias('s')),
    );
  });

  it('windows over an aggregate query', async () => {
    expect(await sqlRows('SELECT k, sum(v) AS s, rank() OVER (ORDER BY sum(v) DESC NULLS LAST) AS r FROM t GROUP BY k ORDER BY r, k NULLS FIRST')).toEqual([
      [null, 4n, 1],
      ['a', 4n, 1],
      ['c', 2n, 3],
      ['b', null, 4],
    ]);
    expect(await sqlRows('SELECT k, count(*) OVER () AS groups FROM t WHERE k IS NOT NULL GROUP BY k ORDER BY k')).toEqual([['a', 3n], ['b', 3n], ['c', 3n]]);
  });

  it('selectExpr, filter(text), functions.expr reuse the expression parser', async () => {
    await same("SELECT v * 2 AS dbl, k FROM t WHERE k = 'a' AND v IS NOT NULL", spark.table('t').filter("k = 'a' AND v IS NOT NULL").selectExpr('v * 2 AS dbl', 'k'));
    expect(await rows(t.where('w > 1').select(F.expr("coalesce(k, 'none')").alias('kk')))).toEqual([['a'], ['c']]);
    expect(await rows(t.selectExpr('*').filter(F.expr('v BETWEEN 2 AND 3')).select('v'))).toEqual([[3], [2]]);
    expect(() => t.filter('v IN (SELECT 1)')).toThrow(NotImplementedError);
    expect(() => t.filter('v >')).toThrow(ParseError);
  });
});

describe('Spark resolution rules', () => {
  it('GROUP BY ordinals and select aliases; HAVING with aliases and new aggregates', async () => {
    expect(sorted(await sqlRows('SELECT k, sum(v) FROM t GROUP BY 1'))).toEqual([[null, 4n], ['a', 4n], ['b', null], ['c', 2n]]);
    expect(sorted(await sqlRows("SELECT coalesce(k, '?') AS kk, count(*) AS n FROM t GROUP BY kk"))).toEqual([['?', 1n], ['a', 2n], ['b', 1n], ['c', 1n]]);
    expect(sorted(await sqlRows('SELECT k, sum(v) AS s FROM t GROUP BY k HAVING s > 2'))).toEqual([[null, 4n], ['a', 4n]]);
    expect(sorted(await sqlRows('SELECT k FROM t GROUP BY k HAVING count(*) > 1 AND max(w) > 2'))).toEqual([['a']]);
    expect(await sqlRows('SELECT count(*) FROM t HAVING count(*) > 100')).toEqual([]);
    // A grouping column that is not selected: added to the aggregate, filtered on, projected away.
    expect(await sqlRows("SELECT sum(v) AS s FROM t GROUP BY k HAVING k = 'a'")).toEqual([[4n]]);
    const plan = normalized((await spark.sql("SELECT sum(v) AS s FROM t GROUP BY k HAVING k = 'a'")).explainString(true));
    expect(plan).toContain("Project [s#1]\n+- Filter (k#2 = 'a')\n   +- Aggregate [k#2], [sum(v#3) AS s#1, k#2]");
    await expect(spark.sql('SELECT k, v FROM t GROUP BY k')).rejects.toThrow(/column 'v' is neither grouped nor aggregated/);
    await expect(spark.sql('SELECT k, sum(v) FROM t GROUP BY 2')).rejects.toThrow(/GROUP BY position 2 refers to an aggregate function/);
  });

  it('ORDER BY aliases, ordinals, aggregates and columns not in the select list', async () => {
    expect(await sqlRows('SELECT k, v * 10 AS x FROM t ORDER BY x DESC NULLS LAST')).toEqual([[null, 40], ['a', 30], ['c', 20], ['a', 10], ['b', null]]);
    expect(await sqlRows('SELECT k FROM t ORDER BY w DESC, v')).toEqual([['a'], ['c'], ['b'], [null], ['a']]);
    expect(await sqlRows('SELECT k FROM t WHERE v IS NOT NULL ORDER BY 1 DESC')).toEqual([['c'], ['a'], ['a'], [null]]);
    expect(await sqlRows('SELECT k FROM t GROUP BY k ORDER BY sum(v) DESC NULLS LAST, k')).toEqual([[null], ['a'], ['c'], ['b']]);
    expect(await sqlRows('SELECT k, count(*) AS n FROM t GROUP BY k ORDER BY n DESC, k NULLS LAST LIMIT 2')).toEqual([['a', 2n], ['b', 1n]]);
    const plan = (await spark.sql('SELECT k FROM t ORDER BY w')).explainString(true);
    expect(normalized(plan)).toContain('Project [k#1]\n+- Sort [w#2 ASC NULLS FIRST]\n   +- Project [k#1, w#2]');
    await expect(spark.sql('SELECT DISTINCT k FROM t ORDER BY v')).rejects.toThrow(/with SELECT DISTINCT, ORDER BY may only use selected columns/);
  });

  it('ROLLUP, CUBE and GROUPING SETS: one aggregate per set, left-out keys read as NULL', async () => {
    expect(sorted(await sqlRows("SELECT k, year(d) AS y, count(*) AS n FROM t WHERE k <> 'b' GROUP BY ROLLUP(k, year(d))"))).toEqual(sorted([
      ['a', 2020, 1n], ['a', null, 1n], ['c', 2020, 1n], ['a', null, 2n], ['c', null, 1n], [null, null, 3n],
    ]));
    expect(sorted(await sqlRows('SELECT k, count(*) FROM t WHERE v IS NOT NULL GROUP BY k WITH CUBE'))).toEqual(sorted([[null, 1n], ['a', 2n], ['c', 1n], [null, 4n]]));
    expect(sorted(await sqlRows('SELECT k, w, sum(v) AS s FROM t GROUP BY GROUPING SETS ((k), (w)) HAVING s > 3'))).toEqual(sorted([[null, null, 4n], ['a', null, 4n], [null, 0.5, 4n]]));
  });

  it('set operations with Spark semantics (nulls equal in INTERSECT/EXCEPT)', async () => {
    expect(sorted(await sqlRows('SELECT k FROM t INTERSECT SELECT k FROM u'))).toEqual([[null], ['a'], ['c']]);
    expect(sorted(await sqlRows('SELECT k FROM t EXCEPT SELECT k FROM u'))).toEqual([['b']]);
    expect(sorted(await sqlRows('SELECT k FROM u EXCEPT SELECT k FROM t'))).toEqual([['z']]);
    expect(sorted(await sqlRows('SELECT v FROM t UNION SELECT 2.5D'))).toEqual([[null], [1], [2], [2.5], [3], [4]].map(([x]) => [x === null ? null : Number(x)]));
    expect(await sqlRows('SELECT k FROM t UNION ALL SELECT k FROM u ORDER BY 1 NULLS LAST LIMIT 3')).toEqual([['a'], ['a'], ['a']]);
    await expect(spark.sql('SELECT k, v FROM t UNION SELECT k FROM u')).rejects.toThrow(/union needs the same number of columns/);
  });

  it('IN / EXISTS subqueries: uncorrelated and correlated, with null-aware NOT IN', async () => {
    expect(sorted(await sqlRows('SELECT k, v FROM t WHERE k IN (SELECT k FROM u)'))).toEqual([['a', 1], ['a', 3], ['c', 2]]);
    // u.k has a null: NOT IN is never true.
    expect(await sqlRows('SELECT k FROM t WHERE k NOT IN (SELECT k FROM u)')).toEqual([]);
    expect(sorted(await sqlRows("SELECT k FROM t WHERE k NOT IN (SELECT k FROM u WHERE k <> 'z' AND k IS NOT NULL)"))).toEqual([['b']]);
    expect(sorted(await sqlRows('SELECT k, v FROM t WHERE EXISTS (SELECT * FROM u WHERE u.k = t.k AND name > \'B\')'))).toEqual([['c', 2]]);
    expect(sorted(await sqlRows('SELECT k FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.k = t.k)'))).toEqual([[null], ['b']]);
    expect(sorted(await sqlRows("SELECT k FROM t WHERE k IN (SELECT u.k FROM u WHERE u.name LIKE '%a' AND u.k = t.k)"))).toEqual([['a'], ['a'], ['c']]);
    expect(await sqlRows('SELECT count(*) FROM t WHERE EXISTS (SELECT 1 FROM u WHERE 1 = 0)')).toEqual([[0n]]);
    // Under OR: a mark join (three-valued: b's v is NULL and b is not in u, which has a NULL -> NULL -> dropped).
    expect(sorted(await sqlRows('SELECT k FROM t WHERE v > 1 OR k IN (SELECT k FROM u)'))).toEqual([[null], ['a'], ['a'], ['c']]);
  });

  it('scalar subqueries: uncorrelated (null when empty) and correlated aggregates', async () => {
    expect(await sqlRows('SELECT k, v FROM t WHERE v > (SELECT avg(v) FROM t) ORDER BY v')).toEqual([['a', 3], [null, 4]]);
    expect(await sqlRows("SELECT (SELECT name FROM u WHERE k = 'nope') AS x")).toEqual([[null]]);
    expect(await sqlRows("SELECT (SELECT name FROM u WHERE k = 'z') AS x, 1 + 1 AS two")).toEqual([['Zeta', 2]]);
    expect(await sqlRows('SELECT k, v, (SELECT max(v) FROM t t2 WHERE t2.k = t.k) AS m FROM t WHERE k IS NOT NULL ORDER BY k, v')).toEqual([
      ['a', 1, 3],
      ['a', 3, 3],
      ['b', null, null],
      ['c', 2, 2],
    ]);
    // The count bug: no matching rows count 0, not NULL.
    expect(await sqlRows('SELECT k, (SELECT count(*) FROM u WHERE u.k = t.k) AS n FROM t ORDER BY k NULLS FIRST, v')).toEqual([
      [null, 0n], ['a', 1n], ['a', 1n], ['b', 0n], ['c', 1n],
    ]);
    // In an aggregate query the value is joined above the aggregate.
    expect(await sqlRows('SELECT k, count(*) + (SELECT count(*) FROM u) AS n, (SELECT max(v) FROM t) FROM t WHERE k IS NOT NULL GROUP BY k ORDER BY k')).toEqual([
      ['a', 6n, 4], ['b', 5n, 4], ['c', 5n, 4],
    ]);
    expect((await spark.sql('SELECT count(*), (SELECT max(v) FROM t) FROM t')).columns).toEqual(['count(1)', 'scalarsubquery()']);
    await expect(spark.sql('SELECT (SELECT k, name FROM u) FROM t')).rejects.toThrow(/a scalar subquery must return one column, got 2/);
    // Correlated without an aggregate: decorrelated into a join (at most one row per outer row expected).
    expect(sorted(await sqlRows('SELECT k, (SELECT name FROM u WHERE u.k = t.k) FROM t'))).toEqual(sorted([['a', 'Alpha'], ['b', null], ['a', 'Alpha'], [null, null], ['c', 'Gamma']]));
  });

  it('CTEs, FROM subqueries with column aliases, self-joins of one view', async () => {
    expect(sorted(await sqlRows('WITH x AS (SELECT k, v FROM t WHERE v IS NOT NULL), y (kk) AS (SELECT DISTINCT k FROM x) SELECT kk, (SELECT count(*) FROM x) FROM y'))).toEqual([[null, 4n], ['a', 4n], ['c', 4n]]);
    expect(sorted(await sqlRows('SELECT s.a, s.b FROM (SELECT k, v FROM t) AS s (a, b) WHERE s.b > 2'))).toEqual([[null, 4], ['a', 3]]);
    expect(sorted(await sqlRows('SELECT a.v AS av, b.v AS bv FROM t a JOIN t b ON a.k = b.k AND a.v < b.v'))).toEqual([[1, 3]]);
    expect(sorted(await sqlRows('SELECT x.name FROM u x, u y WHERE x.k = y.k AND y.name = \'Gamma\''))).toEqual([['Gamma']]);
  });

  it('table column aliases rename the columns of a view (t AS x (a, b, ...))', async () => {
    expect(sorted(await sqlRows('SELECT x.a, x.b FROM t AS x (a, b, c, e) WHERE x.b > 2'))).toEqual(
      sorted(await sqlRows('SELECT k, v FROM t WHERE v > 2')),
    );
    await expect(spark.sql('SELECT v FROM t x (a, b, c, e)')).rejects.toThrow(AnalysisError);
    await expect(spark.sql('SELECT * FROM t x (a)')).rejects.toThrow(/1 column names given for 4 columns/);
  });

  it("unaliased SQL-only syntax gets Spark's output names", async () => {
    const df = await spark.sql(
      "SELECT v DIV 2, EXTRACT(YEAR FROM d), CASE k WHEN 'a' THEN 1 ELSE 0 END, if(v > 1, 'x', 'y'), nullif(v, 1), DATE '2020-01-01', d + INTERVAL '2' DAY, " +
        "k ILIKE 'A%', +v, (v > 1) IS NOT TRUE, -v + 1, upper(k), sum(v) OVER (PARTITION BY k) FROM t",
    );
    expect(df.columns).toEqual([
      '(v div 2)',
      'extract(YEAR FROM d)',
      'CASE WHEN (k = a) THEN 1 ELSE 0 END',
      '(IF((v > 1), x, y))',
      'nullif(v, 1)',
      "DATE '2020-01-01'",
      "d + INTERVAL '2' DAY",
      'ilike(k, A%)',
      '(+ v)',
      '((v > 1) IS NOT TRUE)',
      '((- v) + 1)',
      'upper(k)',
      expect.stringMatching(/^sum\(v\) OVER \(PARTITION BY k/),
    ]);
    expect((await rows(df)).length).toBe(5);
    expect(t.selectExpr('v DIV 2', 'EXTRACT(MONTH FROM d) AS m').columns).toEqual(['(v div 2)', 'm']);
  });

  it('literals: dates, intervals, EXTRACT, decimals, SELECT without FROM', async () => {
    expect(await sqlRows("SELECT DATE '1998-12-01' - INTERVAL '90' DAY, DATE '2020-01-31' + INTERVAL 1 MONTH, DATE '2020-02-29' + INTERVAL '1' YEAR")).toEqual([
      ['1998-09-02', '2020-02-29', '2021-02-28'],
    ]);
    expect(await sqlRows("SELECT k, d + INTERVAL '2' DAY AS d2, EXTRACT(YEAR FROM d) AS y, EXTRACT(MONTH FROM d) AS m FROM t WHERE d >= DATE '2020-01-01' ORDER BY d")).toEqual([
      ['a', '2020-02-02', 2020, 1],
      ['c', '2020-03-02', 2020, 2],
      ['b', '2021-06-17', 2021, 6],
    ]);
    const s = await spark.sql('SELECT 1.5 + 1, 0.06 - 0.01, 7L, 1e1, 1.25BD * 2, 7 DIV 2, 7 % 3, NULL IS NULL, 2 <=> NULL');
    expect(s.schema.fields.map((f) => f.type.kind === 'decimal' ? `decimal(${f.type.precision},${f.type.scale})` : f.type.kind)).toEqual([
      // Spark's DecimalPrecision: an integral literal is the decimal of its digits (1 -> decimal(1,0))
      'decimal(3,1)', 'decimal(3,2)', 'int64', 'float64', 'decimal(5,2)', 'int64', 'int32', 'boolean', 'boolean',
    ]);
    expect(await rows(s)).toEqual([['2.5', '0.05', 7n, 10, '2.50', 3n, 1, true, false]]);
    // Month intervals on a date column are add_months (Spark's end-of-month rule, test/functions-*).
    expect((await spark.sql("SELECT d + INTERVAL '1' MONTH AS m FROM t")).schema.fields.map((f) => f.type.kind)).toEqual(['date32']);
  });
});

describe('views and catalog statements', () => {
  it('createTempView, CREATE [OR REPLACE] TEMP VIEW, case-insensitive names, spark.table', async () => {
    spark.table('t').filter('v > 1').createOrReplaceTempView('Big_V');
    expect(await rows(spark.table('big_v').select('v'))).toEqual([[3], [4], [2]]);
    expect(await rows(await spark.sql('CREATE OR REPLACE TEMP VIEW names AS SELECT name FROM u WHERE k IS NOT NULL'))).toEqual([]);
    expect(sorted(await sqlRows('SELECT * FROM NAMES'))).toEqual([['Alpha'], ['Gamma'], ['Zeta']]);
    await expect(spark.sql('CREATE TEMP VIEW names AS SELECT 1')).rejects.toThrow(/temporary view 'names' already exists/);
    await spark.sql('CREATE TEMPORARY VIEW IF NOT EXISTS names AS SELECT 1');
    expect((await spark.sql('SELECT * FROM names')).columns).toEqual(['name']);
    expect(() => u.createTempView('T')).toThrow(/already exists/);
    await expect(spark.sql('CREATE TEMP VIEW dup AS SELECT k, k FROM t')).rejects.toThrow(/column 'k' twice/);
    // A view over a view; replacing the inner one later does not change the outer (views store plans).
    await spark.sql('CREATE TEMP VIEW outer_v AS SELECT count(*) AS n FROM big_v');
    t.createOrReplaceTempView('big_v');
    expect(await sqlRows('SELECT n FROM outer_v')).toEqual([[3n]]);
  });

  it('SHOW TABLES, DESCRIBE, EXPLAIN return DataFrames', async () => {
    const tables = (await sqlRows('SHOW TABLES')).map((r) => r[1]);
    expect(tables).toEqual(expect.arrayContaining(['t', 'u', 'names']));
    expect(await sqlRows("SHOW TABLES LIKE 't|u'")).toEqual([['', 't', true], ['', 'u', true]]);
    expect(await sqlRows('DESCRIBE t')).toEqual([['k', 'string', null], ['v', 'int', null], ['w', 'double', null], ['d', 'date', null]]);
    expect(await sqlRows('DESCRIBE SELECT k, sum(v) AS s FROM t GROUP BY k')).toEqual([['k', 'string', null], ['s', 'bigint', null]]);
    const plan = (await sqlRows('EXPLAIN SELECT k FROM t WHERE v > 1'))[0]![0] as string;
    expect(plan).toMatch(/^== Physical Plan ==\n/);
    const ext = (await sqlRows('EXPLAIN EXTENDED SELECT k FROM t WHERE v > 1'))[0]![0] as string;
    expect(ext).toContain('== Analyzed Logical Plan ==');
    expect(ext).toContain('SubqueryAlias t');
  });

  it('parquet.`path` reads a file directly', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'kindling-sql-'));
    try {
      const path = join(dir, 'u.parquet');
      await u.write.parquet(path);
      expect(sorted(await sqlRows(`SELECT p.name FROM parquet.\`${path}\` p JOIN t ON p.k = t.k WHERE t.v > 1`))).toEqual([['Alpha'], ['Gamma']]);
      expect(await sqlRows(`SELECT count(*) FROM parquet.\`${path}\``)).toEqual([[4n]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('errors', () => {
  it('unknown tables name the existing ones and the closest match', async () => {
    await expect(spark.sql('SELECT * FROM tt')).rejects.toThrow(/table or view 'tt' not found; did you mean 't'\? Existing tables and views: .*\bt\b.*\bu\b/);
    await expect(spark.sql('WITH abc AS (SELECT 1) SELECT * FROM abd')).rejects.toThrow(/table or view 'abd' not found; did you mean 'abc'\?/);
    expect(() => spark.table('nmes')).toThrow(/did you mean 'names'/);
  });

  it('unknown columns and functions come from the analyzer with suggestions', async () => {
    await expect(spark.sql('SELECT nam FROM u')).rejects.toThrow(/column 'nam' does not exist; did you mean 'u.name'\?/);
    await expect(spark.sql('SELECT t.nme FROM t')).rejects.toThrow(AnalysisError);
    await expect(spark.sql('SELECT uper(k) FROM t')).rejects.toThrow(/undefined function 'uper'; did you mean 'upper'\?/);
    await expect(spark.sql('SELECT k FROM t JOIN u ON t.k = u.k')).rejects.toThrow(/reference 'k' is ambiguous/);
    await expect(spark.sql('SELECT sum(k) FROM t WHERE sum(v) > 1')).rejects.toThrow(/aggregate functions are not allowed in WHERE/);
    await expect(spark.sql('SELECT k FROM t WHERE rank() OVER (ORDER BY v) = 1')).rejects.toThrow(/window functions are not allowed in WHERE/);
    await expect(spark.sql('SELECT k FROM t ORDER BY count(*)')).rejects.toThrow(/aggregate function in ORDER BY/);
  });

  it('syntax errors reject spark.sql with a ParseError', async () => {
    const err = await spark.sql('SELECT k\nFROM t\nWHERE v >= ORDER BY k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toBe("syntax error at line 3, column 12: expected an expression, found 'ORDER'\n  WHERE v >= ORDER BY k\n             ^");
  });

  it('parsed but not bound yet: clear NotImplementedErrors', async () => {
    for (const [q, what] of [
      ['SELECT DISTINCT k, rank() OVER (ORDER BY sum(v)) FROM t GROUP BY k', /window functions or scalar subqueries in an aggregate query with SELECT DISTINCT/],
      ['SELECT v & 1 FROM t', /bitwise operator/],
      ['SELECT * FROM csv.`/tmp/x.csv`', /reading csv files/],
    ] as const) {
      await expect(spark.sql(q), q).rejects.toThrow(NotImplementedError);
      await expect(spark.sql(q), q).rejects.toThrow(what);
    }
  });
});

describe('VALUES', () => {
  const types = (df: DataFrame) => df.schema.fields.map((f) => `${f.name}:${f.type.kind}:${f.nullable}`);

  it('in FROM with an alias and column names; types and nullability from the values', async () => {
    const df = await spark.sql("SELECT * FROM VALUES (1, 'a'), (2, null) AS v(id, name)");
    expect(types(df)).toEqual(['id:int32:false', 'name:utf8:true']);
    expect(await rows(df)).toEqual([[1, 'a'], [2, null]]);
    expect(await sqlRows('SELECT v.x FROM (VALUES (1), (2)) AS v(x) WHERE v.x > 1')).toEqual([[2]]);
  });

  it('as a query: columns default to col1, col2, ...; single-column rows without parentheses', async () => {
    const df = await spark.sql('VALUES (1, 2)');
    expect(df.columns).toEqual(['col1', 'col2']);
    expect(await rows(df)).toEqual([[1, 2]]);
    expect(await sqlRows('VALUES 1, 2, 3')).toEqual([[1], [2], [3]]);
    expect((await spark.sql('SELECT * FROM VALUES (1, 2)')).columns).toEqual(['col1', 'col2']);
    expect(await sqlRows('VALUES (3), (1), (2) ORDER BY 1 LIMIT 2')).toEqual([[1], [2]]);
    expect(sorted(await sqlRows('VALUES (1) UNION ALL SELECT 2'))).toEqual([[1], [2]]);
  });

  it('column types are the union-widened common type (int/double -> double, int/string -> string)', async () => {
    const df = await spark.sql("SELECT * FROM VALUES (1, 'x', 1), (2.5D, 3, CAST(2 AS bigint))");
    expect(types(df)).toEqual(['col1:float64:false', 'col2:utf8:false', 'col3:int64:false']);
    expect(await rows(df)).toEqual([[1, 'x', 1n], [2.5, '3', 2n]]);
  });

  it('constant expressions: negatives, arithmetic, casts, dates; NULL-only columns are void', async () => {
    const df = await spark.sql("VALUES (-1 + 3 * 2, DATE '2020-01-31', CAST('7' AS int), NULL), (-4, NULL, 1, NULL)");
    expect(types(df)).toEqual(['col1:int32:false', 'col2:date32:true', 'col3:int32:false', 'col4:null:true']);
    const r = await rows(df);
    expect(r.map((x) => [x[0], x[2], x[3]])).toEqual([[5, 7, null], [-4, 1, null]]);
    expect(r[1]![1]).toBeNull();
  });

  it('rows of different arity and non-constant items are analysis errors naming the row', async () => {
    await expect(spark.sql('VALUES (1, 2), (3)')).rejects.toThrow(/row 2 has 1 values but the first row has 2/);
    await expect(spark.sql('SELECT * FROM VALUES (1), (k) AS v(a)')).rejects.toThrow(AnalysisError);
    await expect(spark.sql('SELECT * FROM VALUES (1, 2) AS v(a)')).rejects.toThrow(/1 column names given for 2 columns/);
  });

  it('in joins, CTEs and temp views', async () => {
    expect(sorted(await sqlRows("SELECT u.name, m.n FROM u JOIN VALUES ('a', 10), ('c', 30) AS m(k, n) ON u.k = m.k"))).toEqual([
      ['Alpha', 10],
      ['Gamma', 30],
    ]);
    expect(await sqlRows('WITH c AS (VALUES (1, 2), (3, 4)) SELECT col1 + col2 FROM c ORDER BY 1')).toEqual([[3], [7]]);
    await spark.sql("CREATE OR REPLACE TEMP VIEW vals_a AS VALUES (1, 'one'), (2, 'two')");
    await spark.sql("CREATE OR REPLACE TEMPORARY VIEW vals_b AS SELECT * FROM VALUES (2, 'zwei'), (3, 'drei') AS vals_b(a, b)");
    expect(await sqlRows('SELECT vals_a.col2, vals_b.b FROM vals_a JOIN vals_b ON vals_a.col1 = vals_b.a')).toEqual([['two', 'zwei']]);
    expect(sorted(await sqlRows('SELECT x.col1 FROM vals_a x JOIN vals_a y ON x.col1 = y.col1'))).toEqual([[1], [2]]);
  });

  it("view column lists, Spark's cast functions in rows, a reserved word as alias before column names", async () => {
    await spark.sql('CREATE OR REPLACE TEMP VIEW vals_c (p, q) AS VALUES (1, 2), (3, 4)');
    expect(await sqlRows('SELECT q FROM vals_c WHERE p = 3')).toEqual([[4]]);
    await expect(spark.sql('CREATE OR REPLACE TEMP VIEW vals_d (p) AS VALUES (1, 2)')).rejects.toThrow(/1 column names given for 2 columns/);
    const df = await spark.sql("SELECT * FROM VALUES (float(15), smallint('7'), date('2020-01-02'), decimal(3)) AS grouping(a, b, c, d)");
    expect(df.schema.fields.map((f) => f.type.kind)).toEqual(['float32', 'int16', 'date32', 'decimal']);
    expect((await rows(df))[0]!.slice(0, 2)).toEqual([15, 7]);
  });
});
