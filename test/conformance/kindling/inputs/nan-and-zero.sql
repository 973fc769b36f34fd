-- Kindling's own conformance file (NaN ordering and grouping, -0.0 grouping).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT CAST('NaN' AS DOUBLE) = CAST('NaN' AS DOUBLE) AS a, CAST('NaN' AS DOUBLE) > CAST('Infinity' AS DOUBLE) AS b, -0.0D = 0.0D AS c;

CREATE TEMPORARY VIEW fl AS SELECT CAST('NaN' AS DOUBLE) AS d UNION ALL SELECT 1.0D AS d UNION ALL SELECT CAST('NaN' AS DOUBLE) AS d UNION ALL SELECT CAST(NULL AS DOUBLE) AS d UNION ALL SELECT CAST('-Infinity' AS DOUBLE) AS d UNION ALL SELECT -0.0D AS d UNION ALL SELECT 0.0D AS d;

SELECT d FROM fl WHERE d IS NULL OR d <> 0 ORDER BY d;

SELECT d FROM fl WHERE d IS NULL OR d <> 0 ORDER BY d DESC NULLS LAST;

SELECT d, count(*) AS n FROM fl GROUP BY d;

SELECT count(DISTINCT d) AS n FROM fl;

SELECT max(d) AS mx, min(d) AS mn FROM fl;

SELECT a.d FROM fl a JOIN fl b ON a.d = b.d WHERE a.d = 0;
