-- Kindling's own conformance file: Spark built-in functions added by the functions helper (greatest/least,
-- rand/randn, approx_count_distinct, count(a, b), string, math and date functions, LIKE NULL).
-- Expected outputs were produced by Apache Spark 4 (pyspark, spark.sql.ansi.enabled=false, UTC session time zone).
--SET spark.sql.ansi.enabled=false

SELECT greatest(1, NULL, 3) AS a, least(NULL, 2) AS b, greatest(1.5, 2) AS c, greatest('a', 'B') AS d, least('é', 'z') AS e, greatest(CAST(NULL AS INT), NULL) AS f;

SELECT greatest(CAST('NaN' AS DOUBLE), 1.0D) AS a, least(CAST('NaN' AS DOUBLE), 1.0D) AS b, greatest(1, 2L) AS c, least(DATE '2024-01-01', DATE '2023-01-01') AS d;

SELECT rand(0) AS r FROM VALUES (1), (2), (3) AS t(x);

SELECT randn(0) AS r FROM VALUES (1), (2), (3) AS t(x);

SELECT approx_count_distinct(x) AS a, approx_count_distinct(y) AS b FROM VALUES (1, 'a'), (2, 'b'), (1, NULL), (NULL, 'a') AS t(x, y);

SELECT count(x, y) AS c FROM VALUES (1, 2), (NULL, 2), (3, NULL), (4, 5) AS t(x, y);

SELECT repeat('ab', 3) AS a, repeat('é', 2) AS b, repeat('x', 0) AS c, repeat('x', -1) AS d, repeat(NULL, 2) AS e;

SELECT pow(2, 10) AS a, power(2.0, 0.5) AS b, pmod(-7, 3) AS c, pmod(7, -3) AS d, pmod(-7, -3) AS e, pmod(7, 0) AS f, pmod(-7.5D, 2D) AS g;

SELECT bit_length('é') AS a, octet_length('') AS b, reverse('🎯x') AS c, reverse('') AS d;

SELECT lpad('abc', 2, 'x') AS a, rpad('abc', 2) AS b, lpad('abc', 8, 'xy') AS c, lpad('abc', 5, '') AS d, lpad('abc', -1, 'x') AS e, rpad('ab', 7, 'é日') AS f, lpad('ab', 5) AS g;

SELECT instr('abc', '') AS a, instr('abc', 'd') AS b, locate('b', 'abcb', 3) AS c, locate('b', 'abcb') AS d, locate('b', 'abc', 0) AS e, locate('b', 'abc', NULL) AS f, locate('z', 'abc', 10) AS g;

SELECT right('héllo', 2) AS a, left('abc', 0) AS b, right('abc', -1) AS c, left('abc', 10) AS d, right('abc', 10) AS e;

SELECT initcap('hello wORLD') AS a, initcap('  a  b') AS b, initcap('élan vital') AS c, initcap('a-b c_d') AS d;

SELECT translate('abcabc', 'ab', 'x') AS a, translate('日本語', '本', 'b') AS b, translate('abc', 'aa', 'xy') AS c, translate('abc', '', 'x') AS d;

SELECT concat_ws('-', 'a', NULL, 'b') AS a, concat_ws(',', 'x') AS b, concat_ws(NULL, 'a', 'b') AS c, concat_ws('|') AS d;

SELECT nvl2(NULL, 1, 2) AS a, nvl2(0, 1, 2) AS b, nullif(1, 1) AS c, nullif(1, 2) AS d, ifnull(NULL, 'x') AS e, nvl(NULL, 3) AS f;

SELECT add_months(DATE '2024-02-29', 12) AS a, add_months(DATE '2023-02-28', 1) AS b, add_months(TIMESTAMP '2024-01-31 10:00:00', 1) AS c, last_day(DATE '2023-12-31') AS d;

SELECT trunc(DATE '2024-02-29', 'Q') AS a, trunc(DATE '2024-02-29', 'WEEK') AS b, trunc(DATE '2024-05-29', 'QUARTER') AS c, trunc(DATE '2024-02-29', 'mon') AS d, trunc(DATE '2024-02-29', 'yy') AS e;

SELECT date_trunc('HOUR', TIMESTAMP '2024-02-29 13:14:15') AS a, date_trunc('WEEK', TIMESTAMP '2024-02-29 13:14:15') AS b, date_trunc('QUARTER', TIMESTAMP '2024-02-29 13:14:15') AS c, date_trunc('bogus', TIMESTAMP '2024-02-29 13:14:15') AS d, date_trunc('YEAR', DATE '2024-05-05') AS e;

SELECT weekofyear(DATE '2021-01-01') AS a, weekofyear(DATE '2020-12-31') AS b, EXTRACT(DAYOFWEEK_ISO FROM DATE '2024-02-29') AS c, EXTRACT(YEAROFWEEK FROM DATE '2021-01-01') AS d, EXTRACT(WEEK FROM DATE '2021-01-04') AS e;

SELECT make_date(2024, 13, 1) AS a, make_date(NULL, 1, 1) AS b, make_date(2000, 12, 31) AS c;

SELECT months_between(TIMESTAMP '1997-02-28 10:30:00', TIMESTAMP '1996-10-30 00:00:00') AS a, months_between(TIMESTAMP '1997-02-28 10:30:00', TIMESTAMP '1996-10-30 00:00:00', false) AS b, months_between(DATE '2024-03-31', DATE '2024-02-29') AS c, months_between(DATE '2024-01-01', DATE '2024-03-15') AS d;

SELECT next_day(DATE '2024-02-29', 'MO') AS a, next_day(DATE '2024-02-29', 'Thursday') AS b, next_day(DATE '2024-02-29', 'fri') AS c, next_day(DATE '2024-02-29', 'xx') AS d;

SELECT 'a' NOT LIKE NULL AS a, NULL LIKE 'a' AS b;

SELECT DATE '2024-01-31' + INTERVAL 1 MONTH AS a;

SELECT x, add_months(d, x) AS a FROM VALUES (1, DATE '2024-01-31'), (-1, DATE '2024-03-31'), (13, DATE '2023-02-28') AS t(x, d) ORDER BY x;

SELECT EXTRACT(SECOND FROM TIMESTAMP '2024-02-29 13:14:15.125') AS a, EXTRACT(SEC FROM TIMESTAMP '1969-12-31 23:59:58.5') AS b, EXTRACT(SECOND FROM DATE '2024-02-29') AS c, EXTRACT(MINS FROM TIMESTAMP '2024-02-29 13:14:15') AS d, EXTRACT(HRS FROM TIMESTAMP '2024-02-29 13:14:15') AS e, EXTRACT(MONS FROM DATE '2024-02-29') AS f, EXTRACT(YRS FROM DATE '2024-02-29') AS g;

SELECT date_part('week', DATE '2024-02-29') AS a, date_part('SECOND', TIMESTAMP '2024-02-29 13:14:15.5') AS b, datepart('doy', DATE '2024-02-29') AS c;

SELECT second(TIMESTAMP '2024-02-29 13:14:15.5') AS a;

