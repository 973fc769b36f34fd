/**
 * General decorrelation (src/sql/decorrelate.ts, src/sql/subquery-joins.ts) against DuckDB:
 * correlation inside derived tables, UNION branches and joins of a subquery, non-equality and
 * expression correlation, the count bug at any depth, correlated HAVING, IN / EXISTS anywhere in an
 * expression (mark joins, three-valued), and LATERAL joins; on random data with NULLs and duplicates,
 * and with empty outer / inner tables. Plans are joins: the explain() text has no per-row subquery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeConfig, SparkSession, type DataFrame } from '../src/index.js';
import { canonical, duckQuery, expectRowsEqual, runKindling } from './helpers/oracle.js';
import { mulberry32 } from './helpers/random.js';

let spark: SparkSession;
let instance: DuckDBInstance;
let db: DuckDBConnection;

type Row = { a: number | null; b: number | null; c: number | null };

function randomRows(rand: () => number, n: number): Row[] {
  const v = (range: number) => (rand() < 0.15 ? null : Math.floor(rand() * range));
  return Array.from({ length: n }, () => ({ a: v(5), b: v(8), c: v(10) }));
}

/** Creates tables o, i, j (columns a, b, c) with the same rows in Kindling and DuckDB. */
async function load(tables: Record<'o' | 'i' | 'j', Row[]>): Promise<void> {
  for (const [name, rows] of Object.entries(tables)) {
    spark.createDataFrame(rows, 'a int, b int, c int').createOrReplaceTempView(name);
    await db.run(`DROP TABLE IF EXISTS ${name}`);
    await db.run(`CREATE TABLE ${name} (a INTEGER, b INTEGER, c INTEGER)`);
    if (rows.length) {
      const lit = (x: number | null) => (x === null ? 'NULL' : String(x));
      await db.run(`INSERT INTO ${name} VALUES ${rows.map((r) => `(${lit(r.a)}, ${lit(r.b)}, ${lit(r.c)})`).join(', ')}`);
    }
  }
}

/** Runs `query` (or [Kindling SQL, an equivalent DuckDB can run]) on both engines and compares the rows. */
async function check(query: string | readonly [string, string]): Promise<DataFrame> {
  const [sql, duckSql] = typeof query === 'string' ? [query, query] : query;
  const df = await spark.sql(sql);
  const expected = await duckQuery({ db } as Parameters<typeof duckQuery>[0], duckSql);
  const actual = await runKindling(df);
  expectRowsEqual(canonical(actual.rows), canonical(expected.rows), { rel: 1e-9, abs: 1e-9 }, sql);
  return df;
}

const SCALAR: (string | readonly [string, string])[] = [
  // correlation inside UNION ALL / UNION branches of a derived table
  'SELECT a, b FROM o WHERE b < (SELECT sum(x.c) FROM (SELECT i.c FROM i WHERE i.a = o.a UNION ALL SELECT j.b FROM j WHERE j.a = o.b) x)',
  'SELECT a, b, (SELECT count(*) FROM (SELECT c FROM i WHERE i.a > o.a UNION SELECT b FROM j WHERE j.b <= o.b) x) AS n FROM o',
  'SELECT a, (SELECT sum(x.d) FROM (SELECT i.a - o.a AS d FROM i UNION ALL SELECT j.a - o.a AS d FROM j) x) AS s FROM o',
  // non-equality and expression correlation
  'SELECT a, b, (SELECT max(i.c) FROM i WHERE i.b > o.b) AS m FROM o',
  'SELECT a, (SELECT sum(i.c) FROM i WHERE i.a + 1 = o.a * 2) AS s FROM o',
  'SELECT a, (SELECT count(*) + 1 FROM i WHERE i.b > o.b OR i.a = o.c) AS n FROM o',
  // joins inside the subquery, outer references in their ON conditions
  'SELECT a, (SELECT sum(i.c) FROM i JOIN j ON i.a = j.a AND j.b < o.b) AS s FROM o',
  // (DuckDB cannot decorrelate an outer join with outer references: the same count without one)
  ['SELECT a, (SELECT count(j.b) FROM i LEFT JOIN j ON i.a = j.a AND j.b = o.b) AS n FROM o', 'SELECT a, (SELECT count(*) FROM i JOIN j ON i.a = j.a WHERE j.b = o.b) AS n FROM o'],
  'SELECT * FROM o WHERE a < (SELECT sum(x.c) FROM (SELECT i.c FROM i JOIN j ON (i.a = o.a AND j.b = i.b)) x)',
  // the count bug below another aggregate and in a derived table
  'SELECT a, (SELECT count(*) FROM (SELECT count(*) AS n FROM i WHERE i.a = o.a) x WHERE x.n = 0) AS e FROM o',
  'SELECT a, (SELECT sum(x.n) FROM (SELECT count(i.c) AS n FROM i WHERE i.b < o.b) x) AS s FROM o',
  // correlated, without an aggregate (one row per outer row)
  'SELECT a, (SELECT DISTINCT i.a FROM i WHERE i.a = o.a) AS x FROM o',
  // outer references in aggregate arguments and results, DISTINCT aggregates, windows
  'SELECT a, (SELECT sum(i.c * o.b) FROM i WHERE i.a = o.a) AS s FROM o',
  'SELECT a, (SELECT count(*) + o.b FROM i WHERE i.a = o.a) AS s FROM o',
  'SELECT a, (SELECT count(DISTINCT i.b) FROM i WHERE i.a < o.a) AS n FROM o',
  'SELECT a, (SELECT CAST(max(x.r) AS BIGINT) FROM (SELECT row_number() OVER (ORDER BY i.c, i.b) AS r FROM i WHERE i.a = o.a) x) AS r FROM o',
  // two levels: the innermost subquery references both enclosing queries
  'SELECT a FROM o WHERE b < (SELECT sum(i.c) FROM i WHERE i.a = o.a AND EXISTS (SELECT 1 FROM j WHERE j.b = i.b AND j.c > o.c))',
  'SELECT a, (SELECT max((SELECT count(*) FROM j WHERE j.a = i.a AND j.b < o.b)) FROM i WHERE i.c > o.c) AS m FROM o',
  // ORDER BY a subquery value; a CTE as the outer relation
  'WITH w AS (SELECT a, b FROM o WHERE a IS NOT NULL) SELECT a, b, (SELECT count(*) FROM i WHERE i.b >= w.b) AS n FROM w ORDER BY n, a, b',
  // HAVING and the select list of an aggregate query, correlated on grouping columns
  'SELECT a, max(b) FROM o GROUP BY a HAVING max(b) <= (SELECT max(i.b) FROM i WHERE i.a = o.a)',
  'SELECT a, c FROM o GROUP BY a, c HAVING count(*) >= (SELECT count(*) FROM i WHERE i.c > o.c)',
  'SELECT a, count(*) AS n, (SELECT sum(i.c) FROM i WHERE i.a > o.a) AS s FROM o GROUP BY a',
  'SELECT a, b FROM o GROUP BY a, b HAVING a < (SELECT sum(x.c) FROM (SELECT c FROM i WHERE i.a > o.a UNION ALL SELECT c FROM j WHERE j.b <= o.b) x)',
];

const PREDICATES = [
  'SELECT a, b FROM o WHERE b > 3 OR a IN (SELECT a FROM i)',
  'SELECT a, b FROM o WHERE b > 3 OR a NOT IN (SELECT a FROM i WHERE i.c = o.c)',
  'SELECT a, a IN (SELECT a FROM i WHERE i.b < o.b) AS x, EXISTS (SELECT 1 FROM j WHERE j.a = o.a) AS y, NOT EXISTS (SELECT 1 FROM j WHERE j.b > o.c) AS z FROM o',
  'SELECT a, count(*) FROM o GROUP BY a HAVING a IN (SELECT a FROM i) OR count(*) > 2',
  'SELECT a, b FROM o WHERE CAST(a AS BIGINT) * 2 IN (SELECT i.b FROM i WHERE i.c < o.c) OR b IS NULL',
  'SELECT a, count(*) FROM o GROUP BY a HAVING NOT EXISTS (SELECT 1 FROM i WHERE i.a = o.a)',
  'SELECT * FROM o WHERE NOT EXISTS (SELECT 1 FROM (SELECT * FROM i WHERE i.a = o.a) x WHERE x.b > 2)',
  'SELECT * FROM o WHERE a IN (SELECT a FROM i WHERE i.b = o.b UNION ALL SELECT b FROM j WHERE j.a = o.c)',
  'SELECT * FROM o WHERE a NOT IN (SELECT x.a FROM (SELECT a FROM i WHERE i.b > o.b) x)',
  'SELECT * FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.a = o.a AND i.b > (SELECT min(j.b) FROM j WHERE j.c = o.c))',
];

const LATERAL: (string | readonly [string, string])[] = [
  // a generator over outer and inner columns (DuckDB spells explode(array(...)) unnest([...]))
  ['SELECT o.a, s.x FROM o, LATERAL (SELECT explode(array(o.a, o.b, i.c)) AS x FROM i WHERE i.a = o.a) s', 'SELECT o.a, s.x FROM o, LATERAL (SELECT unnest([o.a, o.b, i.c]) AS x FROM i WHERE i.a = o.a) s'],
  'SELECT o.a, s.v FROM o, LATERAL (SELECT (SELECT max(j.c) FROM j WHERE j.a = o.a) AS v) s',
  'SELECT o.a, s.n FROM o LEFT JOIN LATERAL (SELECT i.b, count(*) AS n FROM i WHERE i.a <= o.a GROUP BY i.b) s ON s.b = o.b',
  'SELECT o.a, s.m FROM o, LATERAL (SELECT max(i.c) AS m FROM i WHERE i.a = o.a) s',
  'SELECT o.a, o.b, s.n FROM o, LATERAL (SELECT count(*) AS n FROM i WHERE i.b > o.b) s',
  'SELECT o.a, o.b, s.n FROM o, LATERAL (SELECT count(*) + o.b AS n, max(i.c) AS m FROM i WHERE i.a = o.a) s',
  'SELECT o.a, s.* FROM o JOIN LATERAL (SELECT i.b, i.c FROM i WHERE i.a = o.a) s ON s.b > o.b',
  'SELECT o.a, s.y FROM o LEFT JOIN LATERAL (SELECT i.c + o.b AS y FROM i WHERE i.a = o.a) s ON true',
  'SELECT o.a, s.y FROM o LEFT JOIN LATERAL (SELECT i.c AS y FROM i WHERE i.b < o.b) s ON s.y > o.c',
  'SELECT * FROM o, LATERAL (SELECT o.a + 1) s(y)',
  'SELECT o.a, s.y, t.z FROM o, LATERAL (SELECT o.b * 2 AS y) s, LATERAL (SELECT s.y + o.a AS z) t',
  'SELECT o.a, s.c FROM o, LATERAL (SELECT i.c FROM i WHERE i.a = o.a ORDER BY i.c NULLS FIRST LIMIT 2) s',
  'SELECT o.a, s.b FROM o LEFT JOIN LATERAL (SELECT i.b FROM i WHERE i.a >= o.a ORDER BY i.c DESC NULLS LAST, i.b NULLS FIRST LIMIT 1 OFFSET 1) s ON true',
  'SELECT o.a, (SELECT i.b FROM i WHERE i.c > o.c ORDER BY i.c NULLS FIRST, i.b NULLS FIRST LIMIT 1) AS b FROM o',
  'SELECT o.a, s.k FROM o, LATERAL (SELECT x.a AS k FROM i x JOIN j y ON x.a = y.a WHERE y.b = o.b) s',
];

beforeAll(async () => {
  spark = SparkSession.builder.master('local').getOrCreate();
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

describe('general decorrelation matches DuckDB', () => {
  const datasets: [string, () => Record<'o' | 'i' | 'j', Row[]>][] = [
    ['random data (seed 1)', () => { const r = mulberry32(1); return { o: randomRows(r, 14), i: randomRows(r, 18), j: randomRows(r, 10) }; }],
    ['random data (seed 7)', () => { const r = mulberry32(7); return { o: randomRows(r, 9), i: randomRows(r, 25), j: randomRows(r, 6) }; }],
    ['empty inner tables', () => { const r = mulberry32(3); return { o: randomRows(r, 10), i: [], j: [] }; }],
    ['empty outer table', () => { const r = mulberry32(4); return { o: [], i: randomRows(r, 10), j: randomRows(r, 5) }; }],
  ];
  for (const [what, data] of datasets) {
    it(`scalar subqueries: ${what}`, async () => {
      await load(data());
      for (const q of SCALAR) await check(q);
    });
    it(`IN / EXISTS in any position: ${what}`, async () => {
      await load(data());
      for (const q of PREDICATES) await check(q);
    });
    it(`LATERAL joins: ${what}`, async () => {
      await load(data());
      for (const q of LATERAL) await check(q);
    });
  }
});

describe('local[2]: partitioned scans, shuffles and broadcasts', () => {
  it('match DuckDB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-corr-'));
    const parallel = new SparkSession(new RuntimeConfig(), 'correlated local[2]', 'local[2]');
    try {
      const r = mulberry32(11);
      const data = { o: randomRows(r, 300), i: randomRows(r, 500), j: randomRows(r, 200) };
      await load(data);
      for (const [name, rows] of Object.entries(data)) {
        const path = join(dir, name);
        await parallel.createDataFrame(rows, 'a int, b int, c int').write.option('rowGroupSize', 40).option('maxRecordsPerFile', 120).parquet(path);
        (await parallel.read.parquet(path)).createOrReplaceTempView(name);
      }
      for (const q of [SCALAR[0]!, SCALAR[3]!, SCALAR[12]!, PREDICATES[1]!, LATERAL[2]!, LATERAL[5]!]) {
        const sql = typeof q === 'string' ? q : q[0];
        const expected = await duckQuery({ db } as Parameters<typeof duckQuery>[0], typeof q === 'string' ? q : q[1]);
        const actual = await runKindling(await parallel.sql(sql));
        expectRowsEqual(canonical(actual.rows), canonical(expected.rows), { rel: 1e-9, abs: 1e-9 }, `local[2]: ${sql}`);
      }
    } finally {
      parallel.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('plans', () => {
  it('are joins, with no per-row subquery; equality correlation needs no domain of the outer rows', async () => {
    const r = mulberry32(1);
    await load({ o: randomRows(r, 5), i: randomRows(r, 5), j: randomRows(r, 5) });
    const eq = (await spark.sql('SELECT a FROM o WHERE b < (SELECT sum(x.c) FROM (SELECT c FROM i WHERE i.a = o.a UNION ALL SELECT b FROM j WHERE j.a = o.a) x)')).explainString(true);
    const physical = eq.slice(eq.indexOf('== Physical Plan =='));
    expect(physical).toMatch(/HashJoin left/);
    expect(physical).not.toMatch(/subquery/i);
    // Substitution: the outer table is scanned once (no DISTINCT domain of its values).
    expect(physical.match(/LocalTableScan/g)?.length).toBe(3);
    const onJoin = (await spark.sql('SELECT * FROM o WHERE a < (SELECT sum(x.c) FROM (SELECT i.c FROM i JOIN j ON (i.a = o.a AND j.b = i.b)) x)')).explainString(true);
    expect(onJoin.slice(onJoin.indexOf('== Physical Plan ==')).match(/LocalTableScan/g)?.length).toBe(3);
    const ineq = (await spark.sql('SELECT a, (SELECT max(i.c) FROM i WHERE i.b > o.b) FROM o')).explainString(true);
    const p2 = ineq.slice(ineq.indexOf('== Physical Plan =='));
    expect(p2).toMatch(/HashJoin/);
    expect(p2).toMatch(/HashAggregate/);
    const lateral = (await spark.sql('SELECT * FROM o LEFT JOIN LATERAL (SELECT i.c FROM i WHERE i.a = o.a) s ON true')).explainString(true);
    expect(lateral.slice(lateral.indexOf('== Physical Plan =='))).toMatch(/HashJoin left/);
  });

  it('outer references keep Spark names; errors for what Spark rejects', async () => {
    const df = await spark.sql('SELECT * FROM o LEFT JOIN LATERAL (SELECT i.a AS x, o.a, coalesce(o.b, i.b) FROM i) s ON true');
    expect(df.columns).toEqual(['a', 'b', 'c', 'x', 'a', 'coalesce(outer(o.b), b)']);
    expect((await spark.sql('SELECT (WITH q AS (SELECT o.a) SELECT * FROM q), (SELECT max(i.c) FROM i WHERE i.b > o.b AND i.c < o.c) FROM o')).columns).toEqual([
      'scalarsubquery(a)',
      'scalarsubquery(b, c)',
    ]);
    await expect(spark.sql('SELECT * FROM o RIGHT JOIN LATERAL (SELECT o.a) s ON true')).rejects.toThrow(/INVALID_LATERAL_JOIN_TYPE/);
    await expect(spark.sql('SELECT * FROM o WHERE a < (SELECT sum(o.b) FROM i)')).rejects.toThrow(/CORRELATED_REFERENCE/);
    await expect(spark.sql('SELECT a FROM o GROUP BY a HAVING count(*) > (SELECT count(*) FROM i WHERE i.b = o.b)')).rejects.toThrow(/neither grouped nor aggregated/);
    await expect(spark.sql('SELECT a FROM o WHERE a < (SELECT sum(i.c) FROM i WHERE i.a = o.nope)')).rejects.toThrow(/nope/);
  });
});
