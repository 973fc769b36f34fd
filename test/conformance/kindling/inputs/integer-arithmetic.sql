-- Kindling's own conformance file (integer division and overflow).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT 5 / 2 AS a, 7 / 7 AS b;

SELECT 1 / 0 AS a, 0 / 0 AS b;

SELECT 7 div 2 AS a, -7 div 2 AS b, 7 div -2 AS c;

SELECT 7 div 0 AS a;

SELECT 7 % 3 AS a, -7 % 3 AS b, 7 % -3 AS c, -7 % -3 AS d;

SELECT 7 % 0 AS a;

SELECT pmod(-7, 3) AS a, pmod(7, 3) AS b;

SELECT 2147483647 + 1 AS a;

SELECT -2147483647 - 2 AS a;

SELECT 2147483647 * 2 AS a;

SELECT 9223372036854775807 + 1 AS a;

SELECT CAST(2147483647 AS BIGINT) + 1 AS a;

SELECT CAST(2147483648 AS INT) AS a;

SELECT CAST(300 AS TINYINT) AS a, CAST(40000 AS SMALLINT) AS b;

SELECT CAST(3.99 AS INT) AS a, CAST(-3.99 AS INT) AS b;

SELECT CAST(1e10 AS INT) AS a, CAST(-1e10 AS INT) AS b;

SELECT CAST(CAST('NaN' AS DOUBLE) AS INT) AS a;

SELECT CAST('12' AS INT) + 1 AS a, CAST(' 12 ' AS INT) AS b, CAST('abc' AS INT) AS c;

SELECT 1 + NULL AS a;

SELECT -7 / 2 AS a;

SELECT CAST(-129 AS TINYINT) AS a;

SELECT CAST(32767 AS SMALLINT) + CAST(1 AS SMALLINT) AS a, CAST(127 AS TINYINT) + CAST(1 AS TINYINT) AS b;

SELECT -(CAST(-2147483648 AS INT)) AS a;
