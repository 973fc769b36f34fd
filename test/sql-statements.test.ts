/**
 * SET (session configuration from SQL, and the legacy parser flags it controls) and duplicate CTE
 * names, Spark's behaviour.
 */
import { describe, expect, it } from 'vitest';
import { ParseError, RuntimeConfig, SparkSession } from '../src/index.js';

async function rows(spark: SparkSession, sql: string): Promise<unknown[][]> {
  return (await (await spark.sql(sql)).collect()).map((r) => Object.values(r));
}
const sorted = (r: unknown[][]) => [...r].sort((a, b) => (JSON.stringify(a, big) < JSON.stringify(b, big) ? -1 : 1));
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

describe('SET', () => {
  it('sets and reads session configuration', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'set-test', 'local');
    expect(await rows(spark, 'SET spark.kindling.batchSize = 7')).toEqual([['spark.kindling.batchSize', '7']]);
    expect(spark.conf.batchSize).toBe(7);
    expect(await rows(spark, 'SET spark.kindling.batchSize')).toEqual([['spark.kindling.batchSize', '7']]);
    await expect(spark.sql('SET spark.kindling.batchSize = -1')).rejects.toThrow();
  });

  it('spark.sql.legacy.setopsPrecedence.enabled: all set operators bind equally, left to right', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'set-test', 'local');
    const q = 'SELECT * FROM VALUES (1), (2) AS a(x) UNION ALL SELECT * FROM VALUES (3) AS b(x) INTERSECT SELECT * FROM VALUES (1), (3) AS c(x)';
    expect(sorted(await rows(spark, q))).toEqual([[1], [2], [3]]); // INTERSECT first
    await spark.sql('SET spark.sql.legacy.setopsPrecedence.enabled = true');
    expect(sorted(await rows(spark, q))).toEqual([[1], [3]]); // (a UNION ALL b) INTERSECT c
  });

  it('spark.sql.legacy.parser.havingWithoutGroupByAsWhere: HAVING without GROUP BY filters rows', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'set-test', 'local');
    expect(await rows(spark, 'SELECT 1 FROM range(10) HAVING true')).toEqual([[1]]);
    await spark.sql('SET spark.sql.legacy.parser.havingWithoutGroupByAsWhere=true');
    expect((await rows(spark, 'SELECT 1 FROM range(10) HAVING true')).length).toBe(10);
    expect((await rows(spark, 'SELECT id FROM range(10) HAVING id > 6')).length).toBe(3);
    await expect(spark.sql('SELECT 1 FROM range(10) HAVING max(id) > 0')).rejects.toThrow(/aggregate functions are not allowed in WHERE/);
  });
});

describe('spark.sql.groupByOrdinal', () => {
  it('false makes GROUP BY <int> a constant grouping', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'ord-test', 'local');
    const q = 'SELECT sum(id) FROM range(4) GROUP BY -1';
    await expect(spark.sql(q)).rejects.toThrow(/position -1/);
    await spark.sql('SET spark.sql.groupByOrdinal=false');
    expect(await rows(spark, q)).toEqual([[6n]]);
    expect(await rows(spark, 'SELECT sum(id) FROM range(4) GROUP BY 1')).toEqual([[6n]]);
  });
});

describe('WITH', () => {
  it('rejects duplicate CTE names (ParseError), case-insensitively', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'cte-test', 'local');
    await expect(spark.sql('WITH t(x) AS (SELECT 1), t(x) AS (SELECT 2) SELECT * FROM t')).rejects.toThrow(ParseError);
    await expect(spark.sql('WITH t AS (SELECT 1), T AS (SELECT 2) SELECT * FROM t')).rejects.toThrow(/duplicate/);
    expect(await rows(spark, 'WITH t AS (SELECT 1 AS a), u AS (SELECT a + 1 AS b FROM t) SELECT * FROM u')).toEqual([[2]]);
  });
});

describe('timestamp_seconds', () => {
  it('turns seconds since the epoch (with fractions) into a timestamp, constant in VALUES too', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'ts-test', 'local');
    const df = await spark.sql('SELECT timestamp_seconds(1501545600), timestamp_seconds(CAST(NULL AS INT))');
    expect(df.columns).toEqual(['timestamp_seconds(1501545600)', 'timestamp_seconds(CAST(NULL AS INT))']);
    expect(await rows(spark, 'SELECT timestamp_seconds(1501545600), timestamp_seconds(CAST(NULL AS INT))')).toEqual([[new Date('2017-08-01T00:00:00Z'), null]]);
    expect(await rows(spark, 'SELECT * FROM VALUES (timestamp_seconds(1.5D)) AS t(ts)')).toEqual([[new Date(1500)]]);
  });
});

describe('CREATE TEMP VIEW v (col type, ...) USING format', () => {
  it('creates an empty view with that schema', async () => {
    const spark = new SparkSession(new RuntimeConfig(), 'view-test', 'local');
    await spark.sql("CREATE OR REPLACE TEMPORARY VIEW zt (a INT, b STRING, c DECIMAL(10,2)) USING parquet OPTIONS (path 'x')");
    const df = await spark.sql('SELECT * FROM zt');
    expect(df.columns).toEqual(['a', 'b', 'c']);
    expect(df.schema.fields.map((f) => f.type.kind)).toEqual(['int32', 'utf8', 'decimal']);
    expect(await rows(spark, 'SELECT * FROM zt')).toEqual([]);
    expect(await rows(spark, 'SELECT x.k, zt.a FROM (SELECT 1 AS k) x LEFT JOIN zt ON x.k = zt.a')).toEqual([[1, null]]);
  });
});
