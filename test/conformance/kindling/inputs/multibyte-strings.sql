-- Kindling's own conformance file (multi-byte UTF-8 strings in string functions).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT length('héllo') AS a, length('日本語') AS b, char_length('🎯x') AS c;

SELECT octet_length('é') AS a, octet_length('🎯') AS b;

SELECT substring('日本語テキスト', 2, 3) AS a, substring('héllo', -3) AS b, substring('héllo', 2) AS c;

SELECT substring('héllo', 0, 2) AS a, substring('héllo', 10) AS b;

SELECT upper('héllo') AS a, lower('ÉCOLE') AS b, upper('日本') AS c;

SELECT reverse('añb') AS a;

SELECT concat('日', '本') AS a, concat('é', NULL) AS b;

SELECT 'é' < 'z' AS a, 'Z' < 'a' AS b;

SELECT lpad('日本', 4, '*') AS a, rpad('é', 3, 'x') AS b;

SELECT instr('日本語', '語') AS a;

SELECT trim('  é  ') AS a, substring('🎯ab', 1, 1) AS b;

SELECT left('héllo', 2) AS a;
