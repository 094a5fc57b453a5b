#!/bin/bash
# Entrypoint of the manim-grpo executor image. Spark's Kubernetes backend starts executor pods with
# the argument `executor` and its settings in the environment (as Spark's own image's entrypoint
# reads them): SPARK_DRIVER_URL, SPARK_EXECUTOR_ID, SPARK_EXECUTOR_CORES, SPARK_EXECUTOR_MEMORY,
# SPARK_APPLICATION_ID, SPARK_EXECUTOR_POD_IP, SPARK_RESOURCE_PROFILE_ID, SPARK_EXECUTOR_POD_NAME,
# SPARK_JAVA_OPT_0..N (spark.executor.extraJavaOptions, one option each), SPARK_CLASSPATH.
# First `manim-grpo preflight` checks this pod can sandbox and render (bubblewrap, user namespaces,
# the runtime); a pod that cannot exits 1 here, before it takes tasks, and says why.
#
# Usage: entrypoint.sh executor | driver ARGS... | preflight | any command (run as is)
# MANIM_GRPO_ENTRYPOINT_DRY_RUN=1: print the command it would exec, one argument a line, and exit 0.
# MANIM_GRPO_SKIP_PREFLIGHT=1: start without the preflight (debugging a pod only).
set -euo pipefail
SPARK_HOME="${SPARK_HOME:-/opt/spark}"
APP="${MANIM_GRPO_APP:-/opt/manim-grpo}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
DRY="${MANIM_GRPO_ENTRYPOINT_DRY_RUN:-0}"
CP="$SPARK_HOME/jars/*"
[ -n "${SPARK_CLASSPATH:-}" ] && CP="$SPARK_CLASSPATH:$CP"
[ -n "${SPARK_EXTRA_CLASSPATH:-}" ] && CP="$CP:$SPARK_EXTRA_CLASSPATH"
# The project's jar first: its classes, then Spark's.
JAR=$(ls "$APP"/lib/pipeline-jobs-*-cluster.jar 2>/dev/null | head -1 || true)
[ -n "$JAR" ] && CP="$JAR:$CP"
[ -n "${SPARK_CONF_DIR:-}" ] && CP="$SPARK_CONF_DIR:$CP"

# spark.executor.extraJavaOptions arrive as SPARK_JAVA_OPT_<i>, in order of i.
JAVA_OPTS=()
while IFS= read -r line; do JAVA_OPTS+=("$line"); done < <(
  env | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n | sed 's/^[^=]*=//')

run() {
  if [ "$DRY" = 1 ]; then printf '%s\n' "$@"; exit 0; fi
  exec "$@"
}

preflight() {
  [ "${MANIM_GRPO_SKIP_PREFLIGHT:-0}" = 1 ] && return 0
  [ "$DRY" = 1 ] && { echo "# preflight: $APP/bin/manim-grpo preflight"; return 0; }
  if ! "$APP/bin/manim-grpo" preflight; then
    echo "manim-grpo: preflight failed on pod ${SPARK_EXECUTOR_POD_NAME:-$(hostname)}; see above and" \
      "cluster-conf/kubernetes/executor-pod-template.yaml for what the sandbox needs" >&2
    exit 1
  fi
}

# Spark writes fetched files (--files) into the working directory; the root file system is read-only.
WORK="${MANIM_GRPO_WORK_DIR:-/tmp/spark-work}"
[ "$DRY" = 1 ] || { mkdir -p "$WORK" "${XDG_CACHE_HOME:-/tmp/manim-grpo-cache}"; cd "$WORK"; }

case "${1:-}" in
  executor)
    shift
    for v in SPARK_DRIVER_URL SPARK_EXECUTOR_ID SPARK_EXECUTOR_CORES SPARK_EXECUTOR_MEMORY SPARK_APPLICATION_ID \
        SPARK_EXECUTOR_POD_IP; do
      [ -n "${!v:-}" ] || { echo "entrypoint: $v is not set; is this pod started by Spark?" >&2; exit 2; }
    done
    preflight
    run "$JAVA" "${JAVA_OPTS[@]}" -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" -cp "$CP" \
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" --cores "$SPARK_EXECUTOR_CORES" \
      --app-id "$SPARK_APPLICATION_ID" --hostname "$SPARK_EXECUTOR_POD_IP" \
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}" --podName "${SPARK_EXECUTOR_POD_NAME:-}"
    ;;
  driver)
    # Cluster deploy mode: the driver pod runs spark-submit in client mode against itself.
    shift
    # Spark's launcher is not in the image: the driver JVM takes the Java 17 options from spark-defaults.conf.
    read -r -a DRIVER_OPTS <<< "$(sed -n 's/^spark.driver.extraJavaOptions[[:space:]]*//p' "$APP/conf/spark-defaults.conf")"
    run "$JAVA" "${DRIVER_OPTS[@]}" -Dlog4j2.configurationFile="$APP/conf/log4j2.properties" -cp "$CP" \
      org.apache.spark.deploy.SparkSubmit \
      --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS:?}" --deploy-mode client "$@"
    ;;
  preflight)
    shift
    run "$APP/bin/manim-grpo" preflight "$@"
    ;;
  *)
    run "$@"
    ;;
esac
