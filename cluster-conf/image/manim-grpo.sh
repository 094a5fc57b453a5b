#!/bin/bash
# `manim-grpo` inside the executor image (installed as /opt/manim-grpo/bin/manim-grpo): the cluster jar
# on Spark's jars, with the Java 17 module options of spark-defaults.conf. The entrypoint runs
# `manim-grpo preflight` with it; `kubectl exec POD -- manim-grpo sandbox-check` works too.
set -euo pipefail
APP="${MANIM_GRPO_APP:-/opt/manim-grpo}"
read -r -a OPTS <<< "$(sed -n 's/^spark.driver.extraJavaOptions[[:space:]]*//p' "$APP/conf/spark-defaults.conf")"
JAR=$(ls "$APP"/lib/pipeline-jobs-*-cluster.jar | head -1)
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${OPTS[@]}" -Dlog4j2.configurationFile="$APP/conf/log4j2.properties" \
  -Dorg.bytedeco.javacpp.cachedir="${XDG_CACHE_HOME:-/tmp/manim-grpo-cache}/javacpp" ${MANIM_GRPO_JAVA_OPTS:--Xmx1g} \
  -cp "$JAR:${SPARK_HOME:-/opt/spark}/jars/*" dev.manimgrpo.jobs.cli.ManimGrpoCommand "$@"
