#!/usr/bin/env bash
# Submits the render-samples job (reference renders) to a cluster: submit.sh MASTER render-samples ...
# Usage: cluster-conf/spark/submit-render-samples.sh MASTER [manim-grpo options...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MASTER="${1:?usage: $0 MASTER [manim-grpo options...]}"; shift
exec "$HERE/submit.sh" "$MASTER" render-samples "$@"
