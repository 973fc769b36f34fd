"""Apache Spark (local mode, through PySpark) for Kindling's multi-engine benchmark runner.

Speaks JSON lines over stdin/stdout (one request, one response):
  {"op": "load", "tables": {"name": "/path.parquet", ...}}   -> {"ok": true, "ms": ...}
  {"op": "sql", "sql": "SELECT ..."}                          -> {"ok": true, "ms": ..., "rows": [[...], ...]}
  {"op": "version"}                                            -> {"ok": true, "version": "..."}
  {"op": "quit"}
Errors: {"ok": false, "error": "..."}. Tables are cached in memory (load = read + cache + count).
Started by bench/engines/spark.ts with argv[1] = number of threads (local[N]).
"""
import datetime
import decimal
import json
import sys
import time


def to_json(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        if isinstance(v, float) and v != v:
            return "NaN"
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return str(v)


def main():
    threads = sys.argv[1] if len(sys.argv) > 1 else "*"
    out = sys.stdout
    sys.stdout = sys.stderr  # keep Spark's chatter off the protocol channel
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("kindling-bench")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", str(max(2, int(threads) if threads.isdigit() else 2)))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    def reply(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    reply({"ok": True, "ready": True, "version": spark.version})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "quit":
                break
            if op == "version":
                reply({"ok": True, "version": spark.version})
            elif op == "load":
                t0 = time.perf_counter()
                for name, path in req["tables"].items():
                    df = spark.read.parquet(path).cache()
                    df.count()
                    df.createOrReplaceTempView(name)
                reply({"ok": True, "ms": (time.perf_counter() - t0) * 1000})
            elif op == "sql":
                t0 = time.perf_counter()
                rows = spark.sql(req["sql"]).collect()
                ms = (time.perf_counter() - t0) * 1000
                reply({"ok": True, "ms": ms, "rows": [[to_json(v) for v in r] for r in rows]})
            else:
                reply({"ok": False, "error": f"unknown op {op!r}"})
        except Exception as e:  # noqa: BLE001 - every failure goes back to the runner
            reply({"ok": False, "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"})
    spark.stop()


if __name__ == "__main__":
    main()
