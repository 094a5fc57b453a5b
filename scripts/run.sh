#!/usr/bin/env bash
# The main job on the embedded default: sets up what is missing (host packages, the Manim
# runtime, the Maven build), then runs the GRPO loop on local Spark: for each step, the rollout
# job samples G = 8 programs for each of 8 prompts of the bundled sample set with the current
# policy (first the bundled starter, bundled-hf), renders every program in the sandbox, scores it
# against the cached reference render and writes the shards; the trainer then runs GRPO on them (a
# LoRA adapter over the starter) and its checkpoint samples the next step. The reward curve is printed after every step.
# Arguments go to `manim-grpo grpo-loop` (try --help), e.g. --steps 5 --prompts 16 --run-id mine.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
bash scripts/setup.sh
jar=pipeline-jobs/target/pipeline-jobs.jar
if [ ! -f "$jar" ] || [ ! -f trainer/target/trainer.jar ] \
    || [ -n "$(find pom.xml */pom.xml */src -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  echo "[run] building with Maven (first time: downloads dependencies, a few minutes)"
  mvn -q -B package -DskipTests
else
  echo "[run] build is up to date"
fi
echo "[run] manim-grpo grpo-loop $*"
exec bin/manim-grpo grpo-loop "$@"
