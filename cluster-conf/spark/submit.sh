#!/usr/bin/env bash
# Submits a manim-grpo job to a Spark cluster with spark-submit: standalone, YARN or Kubernetes,
# chosen by MASTER. Adds what every manager needs: the Java 17 module options (from
# spark-defaults.conf, for driver and executors), the properties file, the log4j2 configuration,
# ND4J's native cache; then what the manager needs (below).
#
# Usage: submit.sh [--dry-run] MASTER COMMAND [manim-grpo options...]
#   MASTER     spark://host:7077 (standalone) | yarn | k8s://https://host:6443 | local[N]
#   COMMAND    rollout | eval | render-samples | dataset validate ... (a manim-grpo command that runs on Spark)
#   --dry-run  print the spark-submit command, one argument a line, and exit (nothing is submitted)
# Example: submit.sh spark://10.0.0.5:7077 rollout --run-id exp1 --step 0 --prompts 256 \
#            --conf dataset.path=s3a://bucket/manimbench --conf rollout.dir=s3a://bucket/manim-grpo/rollouts
#
# Environment (all optional but SPARK_HOME):
#   SPARK_HOME                   a Spark 4.x (Scala 2.13) distribution; with Kubernetes, one built with -Pkubernetes
#                                (the binary distributions are)
#   MANIM_GRPO_JAR               the cluster jar (default pipeline-jobs/target/pipeline-jobs-*-cluster.jar)
#   MANIM_GRPO_DEPLOY_MODE       client (default) | cluster (YARN, Kubernetes: the driver runs in the cluster)
#   MANIM_GRPO_SUBMIT_ARGS       more spark-submit options, split at spaces (e.g. "--num-executors 8")
#   MANIM_GRPO_JAVACPP_CACHE     where executors unpack ND4J's natives (default /tmp/manim-grpo-javacpp)
#   MANIM_GRPO_EXECUTOR_LOG4J    standalone: the log4j2 file on the workers (default file:<this checkout>/cluster-conf/spark/log4j2.properties)
#   MANIM_GRPO_EXECUTOR_JAVA_OPTS  more executor JVM options, e.g. "-Dorg.bytedeco.javacpp.maxbytes=1g" (sizing:
#                                cluster-conf/README.md)
# YARN:
#   MANIM_GRPO_RUNTIME           the Manim runtime on every node (default /opt/manim-grpo/runtime/manim-sid,
#                                installed by cluster-conf/provision/yarn-node.sh)
#   MANIM_GRPO_YARN_QUEUE        the queue (default: the cluster's default queue)
# Kubernetes:
#   MANIM_GRPO_IMAGE             the executor image (cluster-conf/image; required)
#   MANIM_GRPO_K8S_NAMESPACE     namespace (default manim-grpo)
#   MANIM_GRPO_K8S_SERVICE_ACCOUNT  the driver's service account, allowed to create pods (default spark)
#   MANIM_GRPO_POD_TEMPLATE      executor pod template (default cluster-conf/kubernetes/executor-pod-template.yaml)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONF="$HERE/cluster-conf/spark"
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
DRY=0
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --dry-run) DRY=1; shift ;;
esac
[ $# -ge 2 ] || { usage >&2; exit 2; }
MASTER="$1"; shift
COMMAND="$1"; shift

JAR="${MANIM_GRPO_JAR:-$(ls "$HERE"/pipeline-jobs/target/pipeline-jobs-*-cluster.jar 2>/dev/null | head -1)}"
[ -n "$JAR" ] || { echo "no cluster jar: run mvn -q package -DskipTests first (or set MANIM_GRPO_JAR)" >&2; exit 1; }
if [ "$DRY" = 1 ]; then SUBMIT="${SPARK_HOME:-\$SPARK_HOME}/bin/spark-submit"; else
  SUBMIT="${SPARK_HOME:?set SPARK_HOME to a Spark 4.x (Scala 2.13) installation}/bin/spark-submit"; fi
DEPLOY="${MANIM_GRPO_DEPLOY_MODE:-client}"
case "$DEPLOY" in client|cluster) ;; *) echo "MANIM_GRPO_DEPLOY_MODE must be client or cluster" >&2; exit 2 ;; esac

# The Java 17 module options Spark needs, kept once in spark-defaults.conf. They are repeated here
# because --driver-java-options and --conf spark.executor.extraJavaOptions replace, not extend, the file's.
JAVA17=$(sed -n 's/^spark.driver.extraJavaOptions[[:space:]]*//p' "$CONF/spark-defaults.conf")
JAVACPP="-Dorg.bytedeco.javacpp.cachedir=${MANIM_GRPO_JAVACPP_CACHE:-/tmp/manim-grpo-javacpp}"
LOG4J_FILE="$CONF/log4j2.properties"
# YARN localizes --files into each container's working directory before the JVM starts: executors, and a
# driver in cluster mode, find log4j2.properties there.
DRIVER_LOG="-Dlog4j2.configurationFile=file:$LOG4J_FILE"
EXEC_LOG="-Dlog4j2.configurationFile=log4j2.properties"
[ "$DEPLOY" = cluster ] && DRIVER_LOG="-Dlog4j2.configurationFile=log4j2.properties"

ARGS=(--master "$MASTER" --deploy-mode "$DEPLOY" --name "manim-grpo $COMMAND"
  --properties-file "$CONF/spark-defaults.conf")
case "$MASTER" in
  spark://*|local*)
    # Standalone executors fetch --files only after their JVM has started (and log4j2 configured itself):
    # they read the file where the workers have it, by default this checkout's path.
    EXEC_LOG="-Dlog4j2.configurationFile=${MANIM_GRPO_EXECUTOR_LOG4J:-file:$LOG4J_FILE}"
    [ "$DEPLOY" = cluster ] && DRIVER_LOG="$EXEC_LOG" ;;
  yarn)
    RUNTIME="${MANIM_GRPO_RUNTIME:-/opt/manim-grpo/runtime/manim-sid}"
    ARGS+=(--files "$LOG4J_FILE"
      # Every node has the runtime at the same path (yarn-node.sh); the driver of cluster mode renders nothing
      # but checks the configuration, so it gets the same environment.
      --conf "spark.executorEnv.MANIM_GRPO_RUNTIME=$RUNTIME"
      --conf "spark.yarn.appMasterEnv.MANIM_GRPO_RUNTIME=$RUNTIME"
      # Reference renders and LaTeX formats live in a node-local cache, not the yarn user's home.
      --conf "spark.executorEnv.XDG_CACHE_HOME=/tmp/manim-grpo-cache"
      --conf "spark.yarn.appMasterEnv.XDG_CACHE_HOME=/tmp/manim-grpo-cache"
      --conf "spark.yarn.appMasterEnv.OMP_NUM_THREADS=1")
    [ -n "${MANIM_GRPO_YARN_QUEUE:-}" ] && ARGS+=(--queue "$MANIM_GRPO_YARN_QUEUE") ;;
  k8s://*)
    IMAGE="${MANIM_GRPO_IMAGE:?set MANIM_GRPO_IMAGE to the executor image (cluster-conf/image)}"
    TEMPLATE="${MANIM_GRPO_POD_TEMPLATE:-$HERE/cluster-conf/kubernetes/executor-pod-template.yaml}"
    # The image carries the log configuration and the jar, so nothing is uploaded.
    EXEC_LOG="-Dlog4j2.configurationFile=/opt/manim-grpo/conf/log4j2.properties"
    [ "$DEPLOY" = cluster ] && DRIVER_LOG="$EXEC_LOG" && JAR="local:///opt/manim-grpo/lib/$(basename "$JAR")"
    ARGS+=(--conf "spark.kubernetes.container.image=$IMAGE"
      --conf "spark.kubernetes.namespace=${MANIM_GRPO_K8S_NAMESPACE:-manim-grpo}"
      --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${MANIM_GRPO_K8S_SERVICE_ACCOUNT:-spark}"
      --conf "spark.kubernetes.executor.podTemplateFile=$TEMPLATE"
      --conf "spark.kubernetes.executor.podTemplateContainerName=executor"
      # The image's entrypoint runs `manim-grpo preflight` before the executor: a node whose pods cannot
      # sandbox fails fast instead of failing every render.
      --conf "spark.kubernetes.container.image.pullPolicy=IfNotPresent") ;;
  *) echo "unknown master '$MASTER': spark://..., yarn, k8s://... or local[N]" >&2; exit 2 ;;
esac
ARGS+=(--driver-java-options "$JAVA17 $DRIVER_LOG"
  --conf "spark.executor.extraJavaOptions=$JAVA17 $EXEC_LOG $JAVACPP${MANIM_GRPO_EXECUTOR_JAVA_OPTS:+ $MANIM_GRPO_EXECUTOR_JAVA_OPTS}")
# shellcheck disable=SC2206
[ -n "${MANIM_GRPO_SUBMIT_ARGS:-}" ] && ARGS+=(${MANIM_GRPO_SUBMIT_ARGS})
ARGS+=(--class dev.manimgrpo.jobs.cli.ManimGrpoCommand "$JAR" "$COMMAND" "$@")

if [ "$DRY" = 1 ]; then
  printf '%s\n' "$SUBMIT" "${ARGS[@]}"
  exit 0
fi
exec "$SUBMIT" "${ARGS[@]}"
