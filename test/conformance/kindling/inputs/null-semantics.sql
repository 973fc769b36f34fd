-- Kindling's own conformance file (null handling in operators, IN / NOT IN, three-valued logic).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT 1 IN (1, NULL) AS a, 2 IN (1, NULL) AS b, NULL IN (1, 2) AS c, 2 IN (1, 3) AS d;

SELECT 1 NOT IN (1, NULL) AS a, 2 NOT IN (1, NULL) AS b, 2 NOT IN (1, 3) AS c;

SELECT NULL AND false AS a, NULL AND true AS b, NULL OR true AS c, NULL OR false AS d, NOT CAST(NULL AS BOOLEAN) AS e;

SELECT NULL = NULL AS a, NULL <=> NULL AS b, 1 <=> NULL AS c, 1 <=> 1 AS d, 1 != NULL AS e;

SELECT CASE WHEN NULL THEN 1 ELSE 2 END AS a, coalesce(NULL, NULL, 3) AS b, CASE NULL WHEN NULL THEN 'x' ELSE 'y' END AS c;

CREATE TEMPORARY VIEW nl_a AS SELECT 1 AS x UNION ALL SELECT 2 AS x UNION ALL SELECT CAST(NULL AS INT) AS x;

CREATE TEMPORARY VIEW nl_b AS SELECT 1 AS y UNION ALL SELECT CAST(NULL AS INT) AS y;

CREATE TEMPORARY VIEW nl_c AS SELECT 1 AS y UNION ALL SELECT 3 AS y;

SELECT x FROM nl_a WHERE x IN (SELECT y FROM nl_b);

SELECT x FROM nl_a WHERE x NOT IN (SELECT y FROM nl_b);

SELECT x FROM nl_a WHERE x NOT IN (SELECT y FROM nl_c);

SELECT x FROM nl_a WHERE NOT EXISTS (SELECT 1 FROM nl_c WHERE y = x);

SELECT count(*) AS n, count(x) AS nx, sum(x) AS s, min(x) AS mn, max(x) AS mx, avg(x) AS av FROM nl_a;

SELECT count(x) AS nx, sum(x) AS s, avg(x) AS av FROM nl_a WHERE x IS NULL;

SELECT x, count(*) AS n FROM (SELECT x FROM nl_a UNION ALL SELECT x FROM nl_a) GROUP BY x;

SELECT DISTINCT x FROM (SELECT x FROM nl_a UNION ALL SELECT x FROM nl_a);

SELECT x FROM nl_a ORDER BY x;

SELECT x FROM nl_a ORDER BY x DESC;

SELECT a.x, b.y FROM nl_a a JOIN nl_b b ON a.x = b.y;

SELECT a.x, b.y FROM nl_a a LEFT JOIN nl_b b ON a.x = b.y;

SELECT a.x, b.y FROM nl_a a JOIN nl_b b ON a.x <=> b.y;

SELECT nullif(1, 1) AS a, nullif(1, 2) AS b, concat('a', NULL) AS c;

SELECT greatest(1, NULL, 3) AS a, least(NULL, 2) AS b;

SELECT x FROM nl_a WHERE x > 1 OR x IS NULL;

SELECT count(DISTINCT x) AS n FROM nl_a;

SELECT x FROM nl_a UNION SELECT y FROM nl_b;

SELECT x FROM nl_a EXCEPT SELECT y FROM nl_b;

SELECT x FROM nl_a INTERSECT SELECT y FROM nl_b;
