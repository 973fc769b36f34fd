#!/usr/bin/env bash
# Installs PySpark (Apache Spark in local mode) for the multi-engine benchmark runner's 'spark' engine.
#
#   bash bench/setup-spark.sh            # creates bench/.venv and pip-installs pyspark into it
#   PYSPARK_VERSION=3.5.3 bash bench/setup-spark.sh
#
# Needs python3 (>= 3.8, with the venv module) and a Java runtime (JDK 11 or 17) on PATH. The runner
# (bench/engines/spark.ts) uses bench/.venv/bin/python when it exists, else python3 (or $KINDLING_PYTHON),
# and skips Spark with a note when `import pyspark` fails or `java` is missing. Nothing in `npm test` needs it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
PY="${PYTHON:-python3}"
command -v java >/dev/null 2>&1 || echo "warning: java is not on PATH; Spark needs a JDK 11/17 (e.g. apt-get install openjdk-17-jre-headless)" >&2
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --upgrade --quiet pip
"$VENV/bin/python" -m pip install --quiet "pyspark${PYSPARK_VERSION:+==$PYSPARK_VERSION}" pyarrow
"$VENV/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__, "installed in '"$VENV"'")'
