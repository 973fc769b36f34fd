-- Kindling's own conformance file (implicit casts between strings and numbers in comparisons).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT '10' > 9 AS a, '10' < 9 AS b, 9 < '10' AS c;

SELECT '1' = 1 AS a, ' 1' = 1 AS b, '1.0' = 1 AS c;

SELECT 'abc' = 1 AS a, 'abc' > 1 AS b;

SELECT '2' + 3 AS a;

SELECT 1 = 1.0 AS a, 1 < 1.5 AS b;

SELECT CAST(1 AS BIGINT) = 1 AS a, CAST(1 AS TINYINT) = 1 AS b;
