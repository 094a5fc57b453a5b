#!/usr/bin/env bash
# Reproduces the bundled Hugging Face starter (policy.checkpoint: bundled-hf) from scratch: a new
# Qwen2 model with a tokenizer learned from the bundled sample set's train split (init-hf), every
# weight trained with SFT on that split (trainer/starter-hf.yaml), the last checkpoint's model files
# copied into policy/src/main/resources/dev/manimgrpo/policy/starter-hf, a rebuild, and its Render
# Success Rate on the test split. One BLAS thread (the launcher's default) makes the run
# bit-for-bit reproducible on the same machine type; about 15 minutes on 2 cores.
# Usage: scripts/train-starter-hf.sh [RUN_DIR]   (default target/starter-hf-run; an existing run
# directory is resumed from its newest checkpoint)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
RUN="${1:-target/starter-hf-run}"
INIT="$RUN-init"
DEST=policy/src/main/resources/dev/manimgrpo/policy/starter-hf
bash scripts/setup.sh
echo "[starter-hf] building"
mvn -q -B package -DskipTests
if [ ! -f "$INIT/config.json" ]; then
  echo "[starter-hf] a new Qwen2 model and tokenizer in $INIT"
  rm -rf "$INIT"
  bin/manim-grpo-trainer init-hf --to "$INIT"
fi
echo "[starter-hf] SFT of every weight into $RUN (trainer/starter-hf.yaml)"
bin/manim-grpo-trainer sft --config trainer/starter-hf.yaml --base-model "$INIT" --run-dir "$RUN"
LAST="$(ls -d "$RUN"/step-* | sort | tail -1)"
echo "[starter-hf] copying $LAST into $DEST"
mkdir -p "$DEST"
for f in model.safetensors tokenizer.json tokenizer_config.json config.json; do
  cp "$LAST/$f" "$DEST/$f"
done
echo "[starter-hf] rebuilding the policy module and the trainer with the new starter"
mvn -q -B install -DskipTests -pl pipeline-core,policy
mvn -q -B package -DskipTests -pl trainer
echo "[starter-hf] render success rate on the test split (default sampling, policy.sampling.*)"
bin/manim-grpo-trainer rsr --split test --conf policy.checkpoint=bundled-hf
