-- Kindling's own conformance file (decimal precision and scale).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT CAST(1 AS DECIMAL(10,2)) + CAST(2 AS DECIMAL(5,3)) AS a;

SELECT CAST(1 AS DECIMAL(10,2)) - CAST(2 AS DECIMAL(5,3)) AS a;

SELECT CAST(1 AS DECIMAL(10,2)) * CAST(2 AS DECIMAL(5,3)) AS a;

SELECT CAST(1 AS DECIMAL(10,2)) / CAST(2 AS DECIMAL(5,3)) AS a;

SELECT 1.5 + 2.25 AS a;

SELECT 0.1 + 0.2 AS a;

SELECT CAST(10.5 AS DECIMAL(3,1)) * CAST(2 AS INT) AS a;

SELECT CAST(1.0 AS DECIMAL(2,1)) / CAST(0 AS INT) AS a;

SELECT CAST(123.456 AS DECIMAL(5,2)) AS a, CAST(-0.005 AS DECIMAL(3,2)) AS b;

SELECT CAST(12345.6 AS DECIMAL(4,1)) AS a;

CREATE TEMPORARY VIEW dec_t AS SELECT CAST(1.25 AS DECIMAL(5,2)) AS x, 1 AS i UNION ALL SELECT CAST(2.50 AS DECIMAL(5,2)) AS x, 2 AS i UNION ALL SELECT CAST(NULL AS DECIMAL(5,2)) AS x, CAST(NULL AS INT) AS i;

SELECT sum(x) AS s, avg(x) AS a, min(x) AS mn, max(x) AS mx FROM dec_t;

SELECT sum(i) AS s, avg(i) AS a FROM dec_t;

SELECT sum(x) AS s, avg(x) AS a FROM dec_t WHERE i > 5;

SELECT CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)) + CAST(1 AS DECIMAL(38,0)) AS a;

SELECT 123456789012345678901 AS a;

SELECT CAST(12345678901234567890 AS DECIMAL(20,0)) * CAST(10 AS DECIMAL(2,0)) AS a;

SELECT CAST(1 AS DECIMAL(20,2)) / CAST(3 AS DECIMAL(20,2)) AS a;

SELECT sum(CAST(x AS DECIMAL(30,2))) AS s FROM dec_t;
