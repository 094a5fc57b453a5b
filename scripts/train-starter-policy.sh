#!/usr/bin/env bash
# Reproduces the starter policy bundled in the trainer jar from scratch: SFT on the bundled
# sample set's train split with trainer/starter-policy.yaml, export of the final weights (no
# optimizer state) into policy/src/main/resources/dev/manimgrpo/policy/starter-policy, a
# rebuild, and its Render Success Rate on the test split. One BLAS thread (the launcher's
# default) makes the run bit-for-bit reproducible on the same machine type.
# Usage: scripts/train-starter-policy.sh [RUN_DIR]   (default target/starter-policy-run; an
# existing run directory is resumed from its newest checkpoint)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
RUN="${1:-target/starter-policy-run}"
DEST=policy/src/main/resources/dev/manimgrpo/policy/starter-policy
bash scripts/setup.sh
echo "[starter] building"
mvn -q -B package -DskipTests
echo "[starter] SFT into $RUN (trainer/starter-policy.yaml)"
bin/manim-grpo-trainer sft --config trainer/starter-policy.yaml --run-dir "$RUN"
echo "[starter] exporting the policy into $DEST"
bin/manim-grpo-trainer export-policy --from "$RUN" --to "$DEST"
echo "[starter] rebuilding the policy module and the trainer with the new starter policy"
mvn -q -B package -DskipTests -pl policy,trainer
echo "[starter] render success rate on the test split (default sampling, policy.sampling.*)"
bin/manim-grpo-trainer rsr --split test --conf policy.checkpoint=bundled-own
