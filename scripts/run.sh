#!/usr/bin/env bash
# The main job on the embedded default: sets up what is missing (host packages, the Manim
# runtime, the Maven build), then renders the bundled sample set on local Spark and prints
# a summary table, then has the bundled starter policy write code for the sample test
# prompts, renders it in the sandbox and prints its render success rate.
# Arguments go to `manim-grpo render-samples` (try --help).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
bash scripts/setup.sh
jar=pipeline-jobs/target/pipeline-jobs.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml */pom.xml */src -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  echo "[run] building with Maven (first time: downloads dependencies, a few minutes)"
  mvn -q -B package -DskipTests
else
  echo "[run] build is up to date"
fi
echo "[run] manim-grpo render-samples $*"
bin/manim-grpo render-samples "$@"
echo "[run] manim-grpo-trainer rsr --split test (the default policy: the bundled starter, engine samediff)"
exec bin/manim-grpo-trainer rsr --split test
