-- Kindling's own conformance file (date arithmetic and EXTRACT).
-- Expected outputs are what Apache Spark returns with spark.sql.ansi.enabled=false (Spark 3.x
-- semantics; Spark 4 defaults ANSI on). Derived from the Spark SQL reference and Spark's golden
-- files; statements whose Spark result was not certain were left out.
--SET spark.sql.ansi.enabled=false

SELECT date_add(DATE '2024-02-28', 1) AS a, date_sub(DATE '2024-03-01', 1) AS b, date_add(DATE '2024-02-29', 365) AS c;

SELECT datediff(DATE '2024-03-01', DATE '2024-02-01') AS a, datediff(DATE '2024-02-01', DATE '2024-03-01') AS b;

SELECT add_months(DATE '2024-01-31', 1) AS a, add_months(DATE '2024-03-31', -1) AS b;

SELECT last_day(DATE '2024-02-10') AS a;

SELECT EXTRACT(YEAR FROM DATE '2024-02-29') AS y, EXTRACT(MONTH FROM DATE '2024-02-29') AS m, EXTRACT(DAY FROM DATE '2024-02-29') AS d;

SELECT EXTRACT(QUARTER FROM DATE '2024-02-29') AS q, EXTRACT(DOY FROM DATE '2024-02-29') AS doy;

SELECT EXTRACT(WEEK FROM DATE '2024-02-29') AS w;

SELECT dayofweek(DATE '2024-02-25') AS a, dayofweek(DATE '2024-02-29') AS b;

SELECT year(DATE '1969-12-31') AS a, month(DATE '1969-12-31') AS b, dayofmonth(DATE '1970-01-01') AS c;

SELECT CAST('2024-02-30' AS DATE) AS a, CAST('2024-02-29' AS DATE) AS b;

SELECT trunc(DATE '2024-02-29', 'MM') AS a, trunc(DATE '2024-02-29', 'YEAR') AS b;

SELECT DATE '2024-02-29' > DATE '2024-02-28' AS a, DATE '2024-02-29' = '2024-02-29' AS b;

SELECT DATE '2024-03-01' - 1 AS a, DATE '2024-02-28' + 1 AS b;

SELECT EXTRACT(DAYOFWEEK FROM DATE '2024-02-29') AS a;

SELECT weekofyear(DATE '2024-02-29') AS a;

SELECT make_date(2024, 2, 29) AS a, make_date(2023, 2, 29) AS b;

SELECT to_date('2024-02-29') AS a;

SELECT CAST(DATE '2024-02-29' AS STRING) AS a, DATE '2024-02-29' < '2024-03-01' AS b;
