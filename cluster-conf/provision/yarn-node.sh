#!/usr/bin/env bash
# Prepares a YARN NodeManager host to run manim-grpo executors: installs bubblewrap and a Java 17
# runtime, provisions the Manim runtime at a fixed path (every node the same, so one
# spark.executorEnv.MANIM_GRPO_RUNTIME fits all: cluster-conf/spark/submit.sh sets it), and runs
# `manim-grpo preflight` against it. Idempotent: a ready node is checked in seconds.
#
# Usage: yarn-node.sh [--prefix DIR] [--check] [--dry-run] [--no-preflight]
#   --prefix DIR     install root (default /opt/manim-grpo; the runtime goes to DIR/runtime/manim-sid)
#   --check          change nothing: report what is present and missing (exit 0 ready, 1 not)
#   --dry-run        print the actions it would take, change nothing (exit 0)
#   --no-preflight   skip the final `manim-grpo preflight`
# The preflight runs this checkout's bin/manim-grpo (needs mvn -q package -DskipTests) with the
# runtime above; without a build it is skipped with a note. Needs root (apt-get, debootstrap) unless
# --check or --dry-run.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PREFIX=/opt/manim-grpo; MODE=install; PREFLIGHT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --check) MODE=check; shift ;;
    --dry-run) MODE=dry; shift ;;
    --no-preflight) PREFLIGHT=0; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "yarn-node: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
RUNTIME="$PREFIX/runtime/manim-sid"
PACKAGES=(bubblewrap openjdk-17-jre-headless)
say() { printf '[yarn-node] %s\n' "$*"; }
act() { if [ "$MODE" = dry ]; then say "would run: $*"; else "$@"; fi; }

missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
java_ok=0
if command -v java >/dev/null && java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then java_ok=1; fi
runtime_ok=0; [ -f "$RUNTIME/.manim-grpo-runtime" ] && runtime_ok=1
userns=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)

if [ "$MODE" = check ]; then
  ok=0
  if [ ${#missing[@]} -eq 0 ]; then say "packages: ${PACKAGES[*]} installed"; else say "packages missing: ${missing[*]}"; ok=1; fi
  [ "$java_ok" = 1 ] && say "java: $(java -version 2>&1 | head -1)" || { say "java: no Java 17+ on PATH"; ok=1; }
  [ "$runtime_ok" = 1 ] && say "runtime: $RUNTIME ($(cat "$RUNTIME/.manim-grpo-runtime"))" \
    || { say "runtime: none at $RUNTIME"; ok=1; }
  [ "$userns" -gt 0 ] && say "user namespaces: allowed ($userns)" \
    || { say "user namespaces: disabled (sysctl user.max_user_namespaces=0); a non-root executor cannot sandbox"; ok=1; }
  exit $ok
fi

if [ "$MODE" = install ] && [ "$(id -u)" -ne 0 ]; then say "needs root (apt-get, debootstrap); try --check or --dry-run"; exit 1; fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  act apt-get update -q
  act env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "packages ${PACKAGES[*]} already installed"
fi
if [ "$runtime_ok" = 1 ]; then
  say "runtime ready at $RUNTIME"
else
  say "provisioning the Manim runtime at $RUNTIME (debootstrap; several minutes)"
  act mkdir -p "$PREFIX/runtime"
  act "$HERE/cluster-conf/provision/manim-runtime.sh" --root "$RUNTIME"
fi
# Executors run as the yarn user (or the submitting user): the runtime must be readable, never writable.
act chmod -R go-w,a+rX "$PREFIX"
[ "$userns" -gt 0 ] || say "warning: user namespaces are disabled; executors not running as root cannot sandbox" \
  "(sysctl -w user.max_user_namespaces=15000)"

if [ "$PREFLIGHT" = 1 ]; then
  if [ -x "$HERE/bin/manim-grpo" ] && [ -f "$HERE/pipeline-jobs/target/pipeline-jobs.jar" ]; then
    say "preflight against $RUNTIME"
    act env MANIM_GRPO_RUNTIME="$RUNTIME" "$HERE/bin/manim-grpo" preflight
  else
    say "preflight skipped: no build in $HERE (mvn -q package -DskipTests), or run it where there is one:" \
      "MANIM_GRPO_RUNTIME=$RUNTIME bin/manim-grpo preflight"
  fi
fi
[ "$MODE" = dry ] && { say "dry run: nothing was changed"; exit 0; }
say "node ready: set spark.executorEnv.MANIM_GRPO_RUNTIME=$RUNTIME (submit.sh does for yarn)"
