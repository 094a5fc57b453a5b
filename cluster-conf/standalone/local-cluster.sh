#!/usr/bin/env bash
# A real Spark standalone cluster on loopback (one Master, one Worker), built from the
# Maven jars alone, to try cluster mode on one machine.
#   local-cluster.sh start            start Master (spark://127.0.0.1:7077) and a Worker
#   local-cluster.sh submit ARGS...   spark-submit the manim-grpo cluster jar to it
#   local-cluster.sh stop             stop both
# Needs a build (mvn -q package -DskipTests). Logs and state: $STATE (default
# ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/standalone). Ports: SPARK_MASTER_PORT (7077),
# SPARK_MASTER_WEBUI_PORT (8080), SPARK_WORKER_WEBUI_PORT (8081).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LIB="$HERE/pipeline-jobs/target/lib"
STATE="${STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/standalone}"
PORT="${SPARK_MASTER_PORT:-7077}"
UI_PORT="${SPARK_MASTER_WEBUI_PORT:-8080}"
WORKER_UI_PORT="${SPARK_WORKER_WEBUI_PORT:-8081}"
MASTER="spark://127.0.0.1:$PORT"
[ -d "$LIB" ] || { echo "not built: run mvn -q package -DskipTests first" >&2; exit 1; }
FLAGS=$(sed -n 's/^spark.driver.extraJavaOptions[[:space:]]*//p' "$HERE/cluster-conf/spark/spark-defaults.conf")
export SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
# Executors are launched from $SPARK_HOME/jars: a folder of links to the Maven jars will do.
export SPARK_HOME="$STATE/spark-home"

jars_home() {
  rm -rf "$SPARK_HOME"; mkdir -p "$SPARK_HOME/jars" "$STATE/work"
  for j in "$LIB"/*.jar; do ln -s "$j" "$SPARK_HOME/jars/"; done
}

wait_port() {
  for _ in $(seq 1 180); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "nothing listens on 127.0.0.1:$1; see $STATE/*.log" >&2; return 1
}

case "${1:-}" in
  start)
    jars_home
    # shellcheck disable=SC2086
    nohup java $FLAGS -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT" > "$STATE/master.log" 2>&1 &
    echo $! > "$STATE/master.pid"
    wait_port "$PORT"
    # shellcheck disable=SC2086
    nohup java $FLAGS -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker "$MASTER" \
      --host 127.0.0.1 --cores "${WORKER_CORES:-2}" --memory "${WORKER_MEMORY:-6g}" --work-dir "$STATE/work" \
      --webui-port "$WORKER_UI_PORT" \
      > "$STATE/worker.log" 2>&1 &
    echo $! > "$STATE/worker.pid"
    for _ in $(seq 1 180); do grep -q "Successfully registered with master" "$STATE/worker.log" && break; sleep 0.5; done
    grep -q "Successfully registered with master" "$STATE/worker.log" || { echo "worker did not register; see $STATE/worker.log" >&2; exit 1; }
    echo "standalone cluster up: $MASTER (web UI http://127.0.0.1:$UI_PORT)"
    ;;
  submit)
    shift
    JAR=$(ls "$HERE"/pipeline-jobs/target/pipeline-jobs-*-cluster.jar | head -1)
    # shellcheck disable=SC2086
    # ND4J's natives (the dl4j policy samples in the executors) unpack once into the user's cache.
    JAVACPP="-Dorg.bytedeco.javacpp.cachedir=${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/javacpp"
    exec java $FLAGS -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit --master "$MASTER" \
      --properties-file "$HERE/cluster-conf/spark/spark-defaults.conf" \
      --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=2g \
      --conf "spark.executor.extraJavaOptions=$FLAGS $JAVACPP" \
      --class dev.manimgrpo.jobs.cli.ManimGrpoCommand "$JAR" "$@"
    ;;
  stop)
    for p in worker master; do
      [ -f "$STATE/$p.pid" ] && kill "$(cat "$STATE/$p.pid")" 2>/dev/null || true
      rm -f "$STATE/$p.pid"
    done
    echo "standalone cluster stopped"
    ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
