/**
 * Decimals of 19..38 digits (int128 columns) end to end through SQL against DuckDB, which also has
 * DECIMAL(38): arithmetic, casts, filters, grouping, joins, ordering, aggregates, set operations and
 * Parquet round trips. DuckDB's result types differ from Spark's, so the DuckDB side casts to
 * Spark's type and Spark's types are asserted separately (`types`).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../src/index.js';
import { RuntimeConfig } from '../src/api/config.js';
import { type Env, checkQuery, checkRows, duckQuery, setupEnv, teardownEnv } from './helpers/oracle.js';
import { formatDecimal } from '../src/types/values.js';
import { typeToString } from '../src/types/data-type.js';

let env: Env;

beforeAll(async () => {
  env = await setupEnv();
  (await env.read('facts')).createOrReplaceTempView('facts');
  (await env.read('small')).createOrReplaceTempView('small');
});
afterAll(() => teardownEnv(env));

const sql = async (text: string) => env.spark.sql(text);

describe('wide decimal arithmetic and casts vs DuckDB', () => {
  it('+ - * of wide and compact decimals, with Spark result types', async () => {
    const df = await sql(`SELECT id, CAST(m AS DECIMAL(20,2)) * CAST(m AS DECIMAL(20,2)) AS sq,
        CAST(m AS DECIMAL(30,2)) + m AS s, m - CAST(m AS DECIMAL(25,5)) * 3 AS t,
        CAST(m AS DECIMAL(38,2)) * 100000000000000000000 AS big, -CAST(m AS DECIMAL(20,2)) AS neg FROM facts`);
    expect(df.schema.fields.map((f) => typeToString(f.type))).toEqual(['bigint', 'decimal(38,4)', 'decimal(31,2)', 'decimal(28,5)', 'decimal(38,2)', 'decimal(20,2)']);
    await checkQuery(
      env,
      df,
      `SELECT id, (m::DECIMAL(20,2) * m::DECIMAL(20,2))::DECIMAL(38,4) AS sq, (m::DECIMAL(30,2) + m)::DECIMAL(31,2) AS s,
          (m - m::DECIMAL(25,5) * 3)::DECIMAL(28,5) AS t,
          CASE WHEN abs(m) >= 1000000000000000 THEN NULL ELSE (m::DECIMAL(38,2) * 100000000000000000000::DECIMAL(38,0)) END AS big,
          (-m)::DECIMAL(20,2) AS neg FROM facts`,
      { types: ['bigint', 'decimal(38,4)', 'decimal(31,2)', 'decimal(28,5)', 'decimal(38,2)', 'decimal(20,2)'] },
    );
  });

  it('/ and % with HALF_UP rounding (exact reference from unscaled values)', async () => {
    const df = await sql(`SELECT id, CAST(m AS DECIMAL(25,2)) / CAST(i AS DECIMAL(20,0)) AS q, CAST(m AS DECIMAL(25,2)) % 7 AS r FROM facts`);
    // Spark: decimal(25,2) / decimal(20,0): scale max(6, 2+20+1) = 23, precision 25-2+0+23 = 46 -> adjusted (38,15)
    // decimal(25,2) % decimal(1,0) (the literal 7): decimal(1,2) -> adjusted scale 2, precision 3 (Spark: min(23, 1) + 2)
    expect(df.schema.fields.map((f) => typeToString(f.type))).toEqual(['bigint', 'decimal(38,15)', 'decimal(3,2)']);
    const src = await duckQuery(env, 'SELECT id, (m * 100)::HUGEINT AS u, i FROM facts');
    const half = (a: bigint, b: bigint) => {
      const neg = a < 0n !== b < 0n;
      const x = a < 0n ? -a : a;
      const y = b < 0n ? -b : b;
      const q = x / y + ((x % y) * 2n >= y ? 1n : 0n);
      return neg ? -q : q;
    };
    const rows = src.rows.map(([id, u, i]) => {
      if (u === null) return [id!, null, null];
      const uu = u as bigint;
      const q = i === null || i === 0 ? null : formatDecimal(half(uu * 10n ** 13n, BigInt(i as number)), 15);
      return [id!, q, formatDecimal(uu % 700n, 2)];
    });
    await checkRows(env, df, { names: ['id', 'q', 'r'], types: ['bigint', 'decimal(38,15)', 'decimal(3,2)'], rows });
  });

  it('casts to and from double, bigint and string; literals wider than 18 digits', async () => {
    await checkQuery(
      env,
      await sql(`SELECT id, CAST(CAST(m AS DECIMAL(30,2)) AS DOUBLE) AS d, CAST(CAST(m AS DECIMAL(30,2)) AS BIGINT) AS l,
          CAST(CAST(m AS DECIMAL(30,2)) AS STRING) AS s, CAST(CAST(CAST(m AS STRING) AS DECIMAL(30,3)) AS DECIMAL(30,3)) AS p FROM facts`),
      `SELECT id, m::DOUBLE AS d, trunc(m)::BIGINT AS l, m::VARCHAR AS s, m::DECIMAL(30,3) AS p FROM facts`,
    );
    const lit = await sql('SELECT 123456789012345678901 AS a, 12345678901234567890.123 AS b, -99999999999999999999999999999999999999 AS c');
    expect(lit.schema.fields.map((f) => typeToString(f.type))).toEqual(['decimal(21,0)', 'decimal(23,3)', 'decimal(38,0)']);
    expect(await lit.collect()).toEqual([{ a: '123456789012345678901', b: '12345678901234567890.123', c: '-99999999999999999999999999999999999999' }]);
  });
});

describe('wide decimals through operators vs DuckDB', () => {
  it('filter, group by, order by and join on int128 keys', async () => {
    await checkQuery(
      env,
      await sql(`SELECT CAST(m AS DECIMAL(25,2)) AS w, count(*) AS n FROM facts WHERE CAST(m AS DECIMAL(25,2)) > 10 GROUP BY CAST(m AS DECIMAL(25,2))`),
      `SELECT m::DECIMAL(25,2) AS w, count(*) AS n FROM facts WHERE m > 10 GROUP BY 1`,
    );
    await checkQuery(
      env,
      await sql(`SELECT k, CAST(m AS DECIMAL(30,2)) AS w FROM small ORDER BY w DESC NULLS LAST, k`),
      `SELECT k, m::DECIMAL(30,2) AS w FROM small ORDER BY w DESC NULLS LAST, k`,
      { ordered: [1] },
    );
    await checkQuery(
      env,
      await sql(`SELECT a.id, b.id AS bid FROM small a JOIN small b ON CAST(a.m AS DECIMAL(20,2)) = CAST(b.m AS DECIMAL(20,2))`),
      `SELECT a.id, b.id AS bid FROM small a JOIN small b ON a.m = b.m`,
    );
    await checkQuery(
      env,
      await sql(`SELECT CAST(m AS DECIMAL(22,2)) AS w FROM small UNION SELECT CAST(m AS DECIMAL(22,2)) * 2 FROM small`),
      `SELECT m::DECIMAL(22,2) AS w FROM small UNION SELECT (m * 2)::DECIMAL(22,2) FROM small`,
      { types: ['decimal(24,2)'] },
    );
  });

  it('sum / min / max / count(DISTINCT) of wide decimals, grouped and global', async () => {
    const df = await sql(`SELECT k, sum(CAST(m AS DECIMAL(30,2))) AS s, min(CAST(m AS DECIMAL(30,2))) AS lo,
        max(CAST(m AS DECIMAL(30,2))) AS hi, sum(m) AS sm FROM facts GROUP BY k`);
    expect(df.schema.fields.map((f) => typeToString(f.type))).toEqual(['string', 'decimal(38,2)', 'decimal(30,2)', 'decimal(30,2)', 'decimal(25,2)']);
    await checkQuery(env, df, `SELECT k, sum(m)::DECIMAL(38,2) AS s, min(m)::DECIMAL(30,2) AS lo, max(m)::DECIMAL(30,2) AS hi, sum(m)::DECIMAL(25,2) AS sm FROM facts GROUP BY k`);
    await checkQuery(
      env,
      await sql(`SELECT sum(CAST(m AS DECIMAL(38,2)) * 1000000000000) AS s, count(DISTINCT CAST(m AS DECIMAL(20,2))) AS c FROM facts`),
      `SELECT (sum(m::DECIMAL(38,2) * 1000000000000))::DECIMAL(38,2) AS s, count(DISTINCT m) AS c FROM facts`,
    );
  });

  it('Parquet round trip of decimal(38,10) and decimal(20,1)', async () => {
    const df = await sql(`SELECT id, CAST(m AS DECIMAL(38,10)) AS a, CAST(m AS DECIMAL(20,1)) AS b FROM facts`);
    const path = join(env.dir, 'wide-decimals');
    await df.write.parquet(path);
    await checkQuery(env, await env.spark.read.parquet(path), `SELECT id, m::DECIMAL(38,10) AS a, m::DECIMAL(20,1) AS b FROM facts`);
    // filters on the wide columns (pushed into the scan where its statistics allow)
    (await env.spark.read.parquet(path)).createOrReplaceTempView('wide');
    await checkQuery(
      env,
      await sql(`SELECT id, a FROM wide WHERE a > 100.5 AND b <= 100000000000000000`),
      `SELECT id, m::DECIMAL(38,10) AS a FROM facts WHERE m > 100.5 AND m <= 100000000000000000`,
    );
    const shown = await (await sql(`SELECT a FROM wide WHERE a IS NOT NULL ORDER BY a LIMIT 1`)).collect();
    expect(typeof shown[0]!['a']).toBe('string');
  });
});

describe('wide decimals on local[2] (shuffles, partial aggregates, hash partitioning)', () => {
  it('grouped sum / avg / min / max and a join agree with DuckDB', async () => {
    const parallel = new SparkSession(new RuntimeConfig(), 'decimal128 parallel', 'local[2]');
    try {
      (await parallel.read.parquet(env.paths.facts)).createOrReplaceTempView('pfacts');
      const df = await parallel.sql(`SELECT CAST(g AS DECIMAL(20,0)) AS g, sum(CAST(m AS DECIMAL(30,2))) AS s, avg(CAST(m AS DECIMAL(30,2))) AS a,
          min(CAST(m AS DECIMAL(30,2))) AS lo, max(CAST(m AS DECIMAL(30,2))) AS hi, sum(m) AS sm, avg(m) AS am FROM pfacts GROUP BY CAST(g AS DECIMAL(20,0))`);
      expect(df.schema.fields.map((f) => typeToString(f.type))).toEqual(['decimal(20,0)', 'decimal(38,2)', 'decimal(34,6)', 'decimal(30,2)', 'decimal(30,2)', 'decimal(25,2)', 'decimal(19,6)']);
      // DuckDB's avg of decimals is a double: the exact HALF_UP average from its sum and count
      const src = await duckQuery(env, 'SELECT g::DECIMAL(20,0) AS g, (sum(m) * 100)::HUGEINT AS u, count(m) AS c, min(m)::DECIMAL(30,2) AS lo, max(m)::DECIMAL(30,2) AS hi FROM facts GROUP BY 1');
      const avg = (u: bigint, c: bigint) => {
        const x = u * 10000n;
        const neg = x < 0n;
        const a = neg ? -x : x;
        const q = a / c + ((a % c) * 2n >= c ? 1n : 0n);
        return formatDecimal(neg ? -q : q, 6);
      };
      const rows = src.rows.map(([g, u, c, lo, hi]) => {
        const sum = u === null ? null : (u as bigint);
        const mean = sum === null ? null : avg(sum, c as bigint);
        return [g!, sum === null ? null : formatDecimal(sum, 2), mean, lo!, hi!, sum === null ? null : formatDecimal(sum, 2), mean];
      });
      await checkRows(env, df, { names: ['g', 's', 'a', 'lo', 'hi', 'sm', 'am'], types: ['decimal(20,0)', 'decimal(38,2)', 'decimal(34,6)', 'decimal(30,2)', 'decimal(30,2)', 'decimal(25,2)', 'decimal(19,6)'], rows });
      const joined = await parallel.sql(`SELECT count(*) AS n FROM pfacts a JOIN pfacts b ON CAST(a.m AS DECIMAL(25,2)) = CAST(b.m AS DECIMAL(25,2)) AND a.g = b.g`);
      const want = await duckQuery(env, 'SELECT count(*) AS n FROM facts a JOIN facts b ON a.m = b.m AND a.g = b.g');
      expect((await joined.collect())[0]!['n']).toBe(want.rows[0]![0]);
    } finally {
      parallel.stop();
    }
  });
});
