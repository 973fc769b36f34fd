-- Kindling's own conformance file (LIKE patterns and escapes).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT 'a_c' LIKE 'a\_c' AS a, 'abc' LIKE 'a\_c' AS b, '100%' LIKE '100\%' AS c, '1000' LIKE '100\%' AS d;

SELECT 'a%c' LIKE 'a!%c' ESCAPE '!' AS a, 'abc' LIKE 'a!%c' ESCAPE '!' AS b, 'a!c' LIKE 'a!!c' ESCAPE '!' AS c;

SELECT 'ABC' LIKE 'abc' AS a, 'abc' LIKE 'a%' AS b, 'abc' LIKE '_b_' AS c, 'abc' LIKE '%' AS d, '' LIKE '%' AS e;

SELECT 'é' LIKE '_' AS a, '日本語' LIKE '日_語' AS b, 'a\nb' LIKE 'a_b' AS c;

SELECT NULL LIKE 'a' AS a, 'abc' NOT LIKE 'a%' AS b;

SELECT 'a' LIKE NULL AS a;

SELECT 'aXb' LIKE 'a%b%' AS a, '%' LIKE '\%' AS b;

SELECT 'a.c' LIKE 'a.c' AS a, 'abc' LIKE 'a.c' AS b, 'a*c' LIKE 'a*c' AS c, 'a[b]c' LIKE 'a[b]c' AS d;
