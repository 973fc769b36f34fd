/**
 * End-to-end DataFrame tests against DuckDB: select, filter/where, expressions and scalar functions.
 * Data and comparison helpers: test/helpers/oracle.ts. Where Spark and DuckDB differ, the SQL is
 * written to produce Spark's answer and the difference is commented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions as F, type DataFrame, type Column } from '../src/index.js';
import { type Env, Rng, checkQuery, checkRows, duckQuery, randomPredicate, setupTables, teardownEnv } from './helpers/oracle.js';

const { col, lit } = F;

let env: Env;
let facts: DataFrame;
let small: DataFrame;
let empty: DataFrame;

beforeAll(async () => {
  ({ env, facts, small, empty } = await setupTables());
});
afterAll(() => teardownEnv(env));

describe('select', () => {
  it("'*' and plain names keep every type (read from DuckDB-written Parquet)", async () => {
    await checkQuery(env, facts.select('*'), 'SELECT * FROM facts');
    await checkQuery(env, facts.select('id', 'k', 'd', 'm', 'dt', 'ts'), 'SELECT id, k, d, m, dt, ts FROM facts');
    await checkQuery(env, facts.select(['s', 'b'], 'l'), 'SELECT s, b, l FROM facts');
    await checkQuery(env, small.select('*'), 'SELECT * FROM small', { small: true });
    await checkQuery(env, empty.select('*'), 'SELECT * FROM empty', { small: true });
  });

  it('arithmetic with Spark result types', async () => {
    const df = facts.select(
      col('id'),
      col('i').plus(1).alias('i1'),
      col('i').multiply(col('g')).alias('ig'),
      col('i').divide(col('g')).alias('q'),
      col('i').mod(col('g')).alias('r'),
      col('d').negate().alias('nd'),
      col('l').minus(1).alias('l1'),
      col('i').plus(col('l')).alias('il'),
      col('i').plus(col('d')).alias('id_'),
      col('d').divide(0).alias('dz'),
      col('i').divide(2).alias('half'),
    );
    // Spark: int / int is double, and x / 0 (and x % 0) is NULL for every numeric type
    // (DuckDB also returns NULL, but we spell it out to not depend on that). int + bigint is bigint.
    await checkQuery(
      env,
      df,
      `SELECT id, i + 1 AS i1, i * g AS ig,
              CASE WHEN g = 0 THEN NULL ELSE i::DOUBLE / g END AS q,
              CASE WHEN g = 0 THEN NULL ELSE i % g END AS r,
              -d AS nd, l - 1 AS l1, i + l AS il, i + d AS id_, NULL::DOUBLE AS dz, i / 2 AS half
       FROM facts`,
    );
  });

  it("names of unaliased expressions follow Spark's", async () => {
    const df = small.select(col('i').plus(1), col('d').multiply(2), col('k'), F.upper('k'), 'i');
    expect(df.columns).toEqual(['(i + 1)', '(d * 2)', 'k', 'upper(k)', 'i']);
  });

  it('withColumn adds and replaces, withColumnRenamed, drop', async () => {
    await checkQuery(env, facts.withColumn('x', col('i').multiply(2)), 'SELECT *, i * 2 AS x FROM facts');
    await checkQuery(env, facts.withColumn('i', col('i').plus(1)), 'SELECT * REPLACE (i + 1 AS i) FROM facts');
    await checkQuery(
      env,
      facts.withColumnRenamed('k', 'key').withColumnRenamed('nope', 'x').select('key', 'id'),
      'SELECT k AS key, id FROM facts',
    );
    await checkQuery(env, facts.drop('s', 'ts', 'no_such_column').drop(col('d')), 'SELECT * EXCLUDE (s, ts, d) FROM facts');
    await checkQuery(
      env,
      facts.withColumn('x', lit(1)).withColumn('y', col('x').plus(col('g'))).drop('x'),
      'SELECT *, 1 + g AS y FROM facts',
    );
  });
});

// Every comparison on every kind of column, as a filter and as a selected boolean.
type Cmp = 'gt' | 'geq' | 'lt' | 'leq' | 'eq' | 'notEqual' | 'eqNullSafe';
const SQL_OP: Record<Cmp, string> = { gt: '>', geq: '>=', lt: '<', leq: '<=', eq: '=', notEqual: '<>', eqNullSafe: 'IS NOT DISTINCT FROM' };
const CMP_OPERANDS: readonly { col: string; value: Parameters<Column['gt']>[0]; sql: string }[] = [
  { col: 'i', value: 0, sql: '0' },
  { col: 'i', value: col('g'), sql: 'g' },
  { col: 'l', value: 2n ** 53n, sql: '9007199254740992' },
  // Spark: NaN = NaN is true and NaN is greater than every number (DuckDB agrees).
  { col: 'd', value: 1.5, sql: '1.5' },
  { col: 'd', value: NaN, sql: "'NaN'::DOUBLE" },
  { col: 'd', value: -0.0, sql: '0.0' }, // -0.0 = 0.0
  { col: 'm', value: '100.50', sql: '100.50' }, // string vs decimal: Spark compares as double
  { col: 'k', value: 'hot', sql: "'hot'" },
  { col: 'k', value: 'é', sql: "'é'" }, // byte-wise UTF-8 order in both engines
  { col: 'dt', value: '2000-01-01', sql: "DATE '2000-01-01'" }, // string vs date: Spark casts the string to date
  { col: 'ts', value: new Date('2001-02-03T04:05:06.789Z'), sql: "TIMESTAMP '2001-02-03 04:05:06.789'" },
  { col: 'b', value: true, sql: 'true' },
];

describe('filter / where', () => {
  for (const o of CMP_OPERANDS) {
    it(`${o.col} vs ${o.sql} with every comparison`, async () => {
      for (const op of Object.keys(SQL_OP) as Cmp[]) {
        const cond = (col(o.col)[op] as (v: typeof o.value) => Column)(o.value);
        await checkQuery(env, facts.filter(cond).select('id', o.col), `SELECT id, ${o.col} FROM facts WHERE ${o.col} ${SQL_OP[op]} ${o.sql}`);
        if (op === 'eq' || op === 'eqNullSafe') {
          await checkQuery(env, small.select(col('id'), cond.alias('c')), `SELECT id, ${o.col} ${SQL_OP[op]} ${o.sql} AS c FROM small`, { small: true });
        }
      }
    });
  }

  it('and / or / not with three-valued logic', async () => {
    const p = col('i').gt(0);
    const q = col('b');
    const r = col('k').eq('hot');
    const cases: [Column, string][] = [
      [p.and(q), 'i > 0 AND b'],
      [p.or(q), 'i > 0 OR b'],
      [p.not(), 'NOT (i > 0)'],
      [p.and(q).not(), 'NOT (i > 0 AND b)'],
      [p.or(q).not(), 'NOT (i > 0 OR b)'],
      [p.and(q.or(r)), 'i > 0 AND (b OR k = \'hot\')'],
      [p.or(q).and(r.not()), "(i > 0 OR b) AND NOT (k = 'hot')"],
      [q.and(lit(null)), 'b AND NULL'],
      [q.or(lit(null)), 'b OR NULL'],
    ];
    for (const [c, sql] of cases) {
      await checkQuery(env, facts.where(c).select('id'), `SELECT id FROM facts WHERE ${sql}`);
      await checkQuery(env, facts.select(col('id'), c.alias('v')), `SELECT id, (${sql}) AS v FROM facts`);
    }
  });

  it('isNull / isNotNull on every column', async () => {
    for (const c of ['k', 'g', 'i', 'l', 'd', 'm', 'dt', 'ts', 'b', 's']) {
      await checkQuery(env, facts.filter(col(c).isNull()).select('id'), `SELECT id FROM facts WHERE ${c} IS NULL`);
      await checkQuery(env, facts.filter(col(c).isNotNull()).select('id', c), `SELECT id, ${c} FROM facts WHERE ${c} IS NOT NULL`);
    }
    await checkQuery(
      env,
      facts.select(col('id'), col('d').isNull().alias('dn'), F.isnull('k').alias('kn')),
      'SELECT id, d IS NULL AS dn, k IS NULL AS kn FROM facts',
    );
  });

  it('isin, with nulls in the list and as a value', async () => {
    await checkQuery(env, facts.filter(col('k').isin('a', 'é', '🔥', 'hot', '日本語')).select('id', 'k'), `SELECT id, k FROM facts WHERE k IN ('a', 'é', '🔥', 'hot', '日本語')`);
    await checkQuery(env, facts.filter(col('g').isin([1, 2, 3])).select('id', 'g'), 'SELECT id, g FROM facts WHERE g IN (1, 2, 3)');
    // x IN (.., NULL) is NULL when x matches nothing, so NOT IN with a null never keeps a row.
    await checkQuery(env, facts.filter(col('i').isin(0, 1, 2, null)).select('id'), 'SELECT id FROM facts WHERE i IN (0, 1, 2, NULL)');
    await checkQuery(env, facts.filter(col('i').isin(0, 1, null).not()).select('id'), 'SELECT id FROM facts WHERE NOT (i IN (0, 1, NULL))');
    await checkQuery(env, facts.filter(col('i').isin(0, 1).not()).select('id'), 'SELECT id FROM facts WHERE NOT (i IN (0, 1))');
    await checkQuery(env, facts.filter(col('d').isin(NaN, 1.5)).select('id', 'd'), "SELECT id, d FROM facts WHERE d IN ('NaN'::DOUBLE, 1.5)");
    await checkQuery(env, facts.select(col('id'), col('g').isin(1, null).alias('v')), 'SELECT id, g IN (1, NULL) AS v FROM facts');
  });

  it('between on ints, dates, strings and decimals', async () => {
    await checkQuery(env, facts.filter(col('i').between(-10, 10)).select('id', 'i'), 'SELECT id, i FROM facts WHERE i BETWEEN -10 AND 10');
    await checkQuery(env, facts.filter(col('dt').between('2000-01-01', '2010-12-31')).select('id', 'dt'), "SELECT id, dt FROM facts WHERE dt BETWEEN DATE '2000-01-01' AND DATE '2010-12-31'");
    await checkQuery(env, facts.filter(col('k').between('a', 'k5')).select('id', 'k'), "SELECT id, k FROM facts WHERE k BETWEEN 'a' AND 'k5'");
    await checkQuery(env, facts.filter(col('m').between(-1000, 1000)).select('id', 'm'), 'SELECT id, m FROM facts WHERE m BETWEEN -1000 AND 1000');
  });

  it('like, startsWith, endsWith, contains with multi-byte text and escapes', async () => {
    // DuckDB's LIKE has no default escape character; Spark's is '\'.
    const patterns = ['%a%', 'a\\_b', 'a_b', '_', '%🔥%', '日本%', '', '%', '% ', ' %', '__', 'é%', '%r_y'];
    for (const p of patterns) {
      await checkQuery(env, facts.filter(col('s').like(p)).select('id', 's'), `SELECT id, s FROM facts WHERE s LIKE '${p}' ESCAPE '\\'`);
    }
    await checkQuery(env, facts.filter(col('s').contains('%')).select('id'), "SELECT id FROM facts WHERE contains(s, '%')");
    await checkQuery(env, facts.filter(col('s').startsWith('a_')).select('id'), "SELECT id FROM facts WHERE starts_with(s, 'a_')");
    await checkQuery(env, facts.filter(col('k').endsWith('語')).select('id'), "SELECT id FROM facts WHERE suffix(k, '語')");
    await checkQuery(env, facts.select(col('id'), col('s').like('%e%').alias('v')), "SELECT id, s LIKE '%e%' AS v FROM facts");
  });

  it('filters on an empty table and filters that keep nothing or everything', async () => {
    await checkQuery(env, empty.filter(col('i').gt(0)).select('id', 'i'), 'SELECT id, i FROM empty WHERE i > 0', { small: true });
    await checkQuery(env, facts.filter(col('i').gt(100_000)).select('id'), 'SELECT id FROM facts WHERE i > 100000');
    await checkQuery(env, facts.filter(lit(true)).select('id'), 'SELECT id FROM facts');
    await checkQuery(env, facts.filter(lit(false)).select('id'), 'SELECT id FROM facts WHERE false');
    await checkQuery(env, facts.filter(lit(null).cast('boolean')).select('id'), 'SELECT id FROM facts WHERE false');
  });

  it('random predicates (seeded): comparisons, IN with nulls, BETWEEN, IS NULL under AND/OR/NOT', async () => {
    const rng = new Rng(99);
    for (let q = 0; q < 25; q++) {
      const p = randomPredicate(rng, 3);
      await checkQuery(env, facts.filter(p.col).select('id', 'k', 'd'), `SELECT id, k, d FROM facts WHERE ${p.sql}`);
    }
  });

  it('chained filters and projections', async () => {
    const df = facts
      .filter(col('i').isNotNull())
      .withColumn('j', col('i').multiply(3))
      .filter(col('j').gt(100).or(col('k').eq('é')))
      .select('id', 'j', 'k')
      .where(col('k').isNotNull());
    await checkQuery(env, df, "SELECT id, i * 3 AS j, k FROM facts WHERE i IS NOT NULL AND (i * 3 > 100 OR k = 'é') AND k IS NOT NULL");
  });
});

describe('scalar functions', () => {
  it('when / otherwise, coalesce', async () => {
    const cls = F.when(col('i').gt(0), 'pos').when(col('i').lt(0), 'neg').otherwise('zero');
    const noElse = F.when(col('b'), col('i'));
    const mixed = F.when(col('b'), col('i')).otherwise(col('d')); // int and double -> double
    await checkQuery(
      env,
      facts.select(col('id'), cls.alias('c'), noElse.alias('n'), mixed.alias('x')),
      "SELECT id, CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END AS c, CASE WHEN b THEN i END AS n, CASE WHEN b THEN i ELSE d END AS x FROM facts",
    );
    await checkQuery(
      env,
      facts.select(col('id'), F.coalesce('i', 'g').alias('a'), F.coalesce(col('k'), col('s'), lit('?')).alias('t'), F.coalesce(col('i'), col('l')).alias('w')),
      "SELECT id, coalesce(i, g) AS a, coalesce(k, s, '?') AS t, coalesce(i, l) AS w FROM facts",
    );
  });

  it('abs and round (HALF_UP, Spark result types)', async () => {
    await checkQuery(
      env,
      facts.select(col('id'), F.abs('i').alias('ai'), F.abs('d').alias('ad'), F.abs('m').alias('am'), F.abs('l').alias('al')),
      'SELECT id, abs(i) AS ai, abs(d) AS ad, abs(m) AS am, abs(l) AS al FROM facts',
    );
    // Spark rounds a double through its shortest decimal text (BigDecimal(Double.toString)) HALF_UP:
    // d has three decimals, so rounding d::DECIMAL(18,3) is exactly Spark's answer (2.675 -> 2.68).
    // round(decimal(15,2), 1) is decimal(15,1) and round(decimal(15,2)) is decimal(14,0) in Spark.
    await checkQuery(
      env,
      facts.select(col('id'), F.round('d', 2).alias('r2'), F.round('d').alias('r0'), F.round('m', 1).alias('rm1'), F.round('m').alias('rm0'), F.round('i').alias('ri')),
      `SELECT id,
         CASE WHEN isnan(d) OR isinf(d) THEN d ELSE round(d::DECIMAL(18,3), 2)::DOUBLE END AS r2,
         CASE WHEN isnan(d) OR isinf(d) THEN d ELSE round(d::DECIMAL(18,3), 0)::DOUBLE END AS r0,
         round(m, 1)::DECIMAL(15,1) AS rm1, round(m, 0)::DECIMAL(14,0) AS rm0, i AS ri
       FROM facts`,
    );
  });

  it('upper, lower, length, trim family on multi-byte strings', async () => {
    // Spark's length returns int (DuckDB: bigint) and counts characters, like DuckDB.
    await checkQuery(
      env,
      facts.select(col('id'), F.upper('k').alias('u'), F.lower('s').alias('lo'), F.length('s').alias('n'), F.length('k').alias('nk')),
      'SELECT id, upper(k) AS u, lower(s) AS lo, length(s)::INTEGER AS n, length(k)::INTEGER AS nk FROM facts',
    );
    // Spark's trim removes spaces only (like DuckDB's default).
    await checkQuery(
      env,
      facts.select(col('id'), F.trim('s').alias('t'), F.ltrim('s').alias('lt'), F.rtrim('s').alias('rt')),
      'SELECT id, trim(s) AS t, ltrim(s) AS lt, rtrim(s) AS rt FROM facts',
    );
  });

  it('substring with positive, negative and zero positions', async () => {
    // Spark: position 0 means 1 (DuckDB's 0 starts before the string, so we write 1 there).
    await checkQuery(
      env,
      facts.select(
        col('id'),
        F.substring('s', 2, 3).alias('a'),
        F.substring('s', -3, 2).alias('b'),
        F.substring('s', 0, 2).alias('c'),
        col('k').substr(1, 4).alias('d'),
        F.substring('s', 30, 2).alias('e'),
      ),
      'SELECT id, substring(s, 2, 3) AS a, substring(s, -3, 2) AS b, substring(s, 1, 2) AS c, substring(k, 1, 4) AS d, substring(s, 30, 2) AS e FROM facts',
    );
  });

  it('concat is null when any argument is null', async () => {
    // DuckDB's concat() skips nulls; Spark's concat is null if any input is: use || in DuckDB.
    await checkQuery(
      env,
      facts.select(col('id'), F.concat('k', lit('/'), 's').alias('c'), F.concat(col('k'), col('i').cast('string')).alias('ci')),
      "SELECT id, k || '/' || s AS c, k || i::VARCHAR AS ci FROM facts",
    );
  });

  it('year, month, dayofmonth of dates and timestamps (incl. before 1970)', async () => {
    // Spark returns int for these (DuckDB bigint).
    await checkQuery(
      env,
      facts.select(
        col('id'),
        F.year('dt').alias('y'),
        F.month('dt').alias('mo'),
        F.dayofmonth('dt').alias('dd'),
        F.year('ts').alias('ty'),
        F.month('ts').alias('tm'),
        F.dayofmonth('ts').alias('td'),
      ),
      'SELECT id, year(dt)::INT AS y, month(dt)::INT AS mo, dayofmonth(dt)::INT AS dd, year(ts)::INT AS ty, month(ts)::INT AS tm, dayofmonth(ts)::INT AS td FROM facts',
    );
  });

  it('to_date, date_add, date_sub, datediff', async () => {
    // Spark's to_date(string) accepts yyyy-[m]m-[d]d (and a 4+ digit year alone), else NULL; the
    // strings of column s are either ISO dates or not dates at all, where TRY_CAST agrees.
    await checkQuery(
      env,
      facts.select(col('id'), F.to_date('s').alias('a'), F.to_date(col('ts')).alias('b'), F.to_date('s', 'yyyy-MM-dd').alias('c')),
      "SELECT id, CASE WHEN regexp_full_match(trim(s), '\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(trim(s) AS DATE) END AS a, ts::DATE AS b, TRY_CAST(try_strptime(s, '%Y-%m-%d') AS DATE) AS c FROM facts",
    );
    await checkQuery(
      env,
      facts.select(
        col('id'),
        F.date_add('dt', 30).alias('p'),
        F.date_add('dt', -400).alias('n'),
        F.date_sub('dt', 7).alias('s7'),
        F.datediff('dt', F.to_date(lit('2000-01-01'))).alias('dd'),
        F.datediff(F.to_date(col('ts')), col('dt')).alias('d2'),
        F.date_add(col('dt'), col('g')).alias('pg'),
      ),
      `SELECT id, dt + 30 AS p, dt - 400 AS n, dt - 7 AS s7, (dt - DATE '2000-01-01')::INT AS dd,
              (ts::DATE - dt)::INT AS d2, dt + g AS pg FROM facts`,
    );
  });

  it('cast between types (Spark non-ANSI semantics)', async () => {
    await checkQuery(
      env,
      facts.select(
        col('id'),
        col('i').cast('string').alias('is'),
        col('i').cast('double').alias('id_'),
        col('i').cast('bigint').alias('il'),
        col('i').cast('decimal(15,2)').alias('im'),
        col('m').cast('string').alias('ms'),
        col('m').cast('double').alias('md'),
        col('dt').cast('string').alias('ds'),
        col('dt').cast('timestamp').alias('dts'),
        col('ts').cast('date').alias('tsd'),
        col('b').cast('int').alias('bi'),
        col('b').cast('string').alias('bs'),
        col('i').cast('boolean').alias('ib'),
      ),
      `SELECT id, i::VARCHAR AS "is", i::DOUBLE AS id_, i::BIGINT AS il, i::DECIMAL(15,2) AS im, m::VARCHAR AS ms,
              m::DOUBLE AS md, dt::VARCHAR AS ds, dt::TIMESTAMP AS dts, ts::DATE AS tsd, b::INT AS bi, b::VARCHAR AS bs, i::BOOLEAN AS ib
       FROM facts`,
    );
    // Spark: double -> int truncates toward zero (DuckDB rounds), NaN -> 0, +-Infinity saturate;
    // bigint -> int keeps the low 32 bits (DuckDB raises an overflow error);
    // string -> int trims spaces, anything else unparsable is NULL.
    await checkQuery(
      env,
      facts.select(col('id'), col('d').cast('int').alias('di'), col('l').cast('int').alias('li'), col('s').cast('int').alias('si'), col('d').cast('bigint').alias('dl')),
      `SELECT id,
         CASE WHEN isnan(d) THEN 0 WHEN d = 'Infinity'::DOUBLE THEN 2147483647 WHEN d = '-Infinity'::DOUBLE THEN -2147483648 ELSE trunc(d)::INT END AS di,
         (CASE WHEN ((l % 4294967296) + 4294967296) % 4294967296 >= 2147483648
               THEN ((l % 4294967296) + 4294967296) % 4294967296 - 4294967296
               ELSE ((l % 4294967296) + 4294967296) % 4294967296 END)::INT AS li,
         CASE WHEN regexp_full_match(trim(s), '-?\\d+') THEN TRY_CAST(trim(s) AS INT) END AS si,
         CASE WHEN isnan(d) THEN 0 WHEN d = 'Infinity'::DOUBLE THEN 9223372036854775807 WHEN d = '-Infinity'::DOUBLE THEN -9223372036854775808 ELSE trunc(d)::BIGINT END AS dl
       FROM facts`,
    );
    // Narrowing a decimal rounds HALF_UP and overflows to NULL (non-ANSI).
    await checkQuery(env, facts.select(col('id'), col('m').cast('decimal(10,1)').alias('m1')), 'SELECT id, TRY_CAST(m AS DECIMAL(10,1)) AS m1 FROM facts');
    await checkQuery(env, facts.select(col('id'), col('l').cast('double').alias('ld')), 'SELECT id, l::DOUBLE AS ld FROM facts');
  });

  it('decimal arithmetic is exact, with Spark result types (up to 38 digits)', async () => {
    // Spark's DecimalPrecision (src/types/type-coercion.ts, src/plan/arithmetic-coercion.ts): an
    // integral literal counts as the decimal of its digits; results wider than 18 digits are int128.
    await checkQuery(
      env,
      facts.select(
        col('id'),
        col('m').plus(col('m')).alias('a'), // decimal(16,2)
        col('m').minus(1).alias('b'), // literal 1 is decimal(1,0): decimal(16,2)
        col('m').multiply(col('m')).alias('c'), // decimal(31,4), exact
        col('m').multiply(2).alias('e'), // decimal(17,2)
        col('m').plus(col('d')).alias('f'), // decimal with double is double
      ),
      `SELECT id, (m + m)::DECIMAL(16,2) AS a, (m - 1)::DECIMAL(16,2) AS b,
              (m::DECIMAL(38,2) * m)::DECIMAL(31,4) AS c,
              (m::DECIMAL(38,2) * 2)::DECIMAL(17,2) AS e, m::DOUBLE + d AS f
       FROM facts`,
    );
    // m / 3 is decimal(19,6) with HALF_UP rounding: computed exactly here from DuckDB's unscaled values.
    const src = await duckQuery(env, 'SELECT id, (m * 100)::BIGINT AS u FROM facts');
    const rows = src.rows.map(([id, u]) => {
      if (u === null) return [id!, null];
      const num = (u as bigint) * 10_000n; // unscaled at scale 6
      const q = num / 3n;
      const rem = num % 3n;
      const rounded = 2n * (rem < 0n ? -rem : rem) >= 3n ? q + (num < 0n ? -1n : 1n) : q;
      const neg = rounded < 0n;
      const digits = (neg ? -rounded : rounded).toString().padStart(7, '0');
      return [id!, `${neg ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`];
    });
    await checkRows(env, facts.select(col('id'), col('m').divide(3).alias('q')), { names: ['id', 'q'], types: ['bigint', 'decimal(19,6)'], rows });
  });

  it('functions of literals only (constant folding) agree with the oracle', async () => {
    await checkQuery(
      env,
      small.select(col('id'), lit(1).plus(2).alias('a'), F.upper(lit('é日')).alias('b'), F.coalesce(lit(null), lit('x')).alias('c'), lit(7).divide(0).alias('z')),
      "SELECT id, 3 AS a, 'É日' AS b, 'x' AS c, NULL::DOUBLE AS z FROM small",
      { small: true },
    );
  });
});
