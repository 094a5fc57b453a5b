#!/usr/bin/env bash
# Submits the render-samples job to a cluster with spark-submit.
# Usage: cluster-conf/spark/submit-render-samples.sh MASTER [manim-grpo options...]
#   MASTER   e.g. spark://host:7077, yarn, k8s://https://host:6443
# Example: submit-render-samples.sh spark://10.0.0.5:7077 --conf dataset.path=s3a://bucket/manimbench \
#            --conf output.dir=s3a://bucket/manim-grpo
# Needs SPARK_HOME (a Spark 4.x / Scala 2.13 distribution) and a built cluster jar
# (mvn -q package -DskipTests writes pipeline-jobs/target/pipeline-jobs-*-cluster.jar).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MASTER="${1:?usage: $0 MASTER [manim-grpo options...]}"; shift
JAR=$(ls "$HERE"/pipeline-jobs/target/pipeline-jobs-*-cluster.jar 2>/dev/null | head -1)
[ -n "$JAR" ] || { echo "no cluster jar: run mvn -q package -DskipTests first" >&2; exit 1; }
SUBMIT="${SPARK_HOME:?set SPARK_HOME to a Spark 4.x (Scala 2.13) installation}/bin/spark-submit"
exec "$SUBMIT" --master "$MASTER" --deploy-mode client \
  --properties-file "$HERE/cluster-conf/spark/spark-defaults.conf" \
  --class dev.manimgrpo.jobs.cli.ManimGrpoCommand "$JAR" render-samples --no-progress "$@"
