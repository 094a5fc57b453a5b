#!/usr/bin/env bash
# Submits a manim-grpo job to a cluster with spark-submit.
# Usage: cluster-conf/spark/submit.sh MASTER COMMAND [manim-grpo options...]
#   MASTER    e.g. spark://host:7077, yarn, k8s://https://host:6443
#   COMMAND   rollout | render-samples | dataset ... (any `manim-grpo` command that runs on Spark)
# Example: submit.sh spark://10.0.0.5:7077 rollout --run-id exp1 --step 0 --prompts 256 \
#            --conf dataset.path=s3a://bucket/manimbench --conf rollout.dir=s3a://bucket/manim-grpo/rollouts
# Needs SPARK_HOME (a Spark 4.x / Scala 2.13 distribution) and a built cluster jar
# (mvn -q package -DskipTests writes pipeline-jobs/target/pipeline-jobs-*-cluster.jar; it carries the
# DL4J policy and ND4J's CPU natives, so executors sample without further set-up).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MASTER="${1:?usage: $0 MASTER COMMAND [manim-grpo options...]}"; shift
COMMAND="${1:?usage: $0 MASTER COMMAND [manim-grpo options...]}"; shift
JAR=$(ls "$HERE"/pipeline-jobs/target/pipeline-jobs-*-cluster.jar 2>/dev/null | head -1)
[ -n "$JAR" ] || { echo "no cluster jar: run mvn -q package -DskipTests first" >&2; exit 1; }
SUBMIT="${SPARK_HOME:?set SPARK_HOME to a Spark 4.x (Scala 2.13) installation}/bin/spark-submit"
exec "$SUBMIT" --master "$MASTER" --deploy-mode client \
  --properties-file "$HERE/cluster-conf/spark/spark-defaults.conf" \
  --class dev.manimgrpo.jobs.cli.ManimGrpoCommand "$JAR" "$COMMAND" --no-progress "$@"
