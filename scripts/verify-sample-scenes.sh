#!/usr/bin/env bash
# Renders every scene listed in samples.yaml with Manim CE (-ql) inside the
# sandboxed runtime root and reports: id, status, duration (s), render time (s).
# Usage: scripts/verify-sample-scenes.sh [id-substring-filter]
# Env:   MANIM_GRPO_RUNTIME  runtime root (default ~/.cache/manim-grpo/runtime/manim-sid)
#        SAMPLES_YAML        index to read (default: samples.yaml next to this script)
#        KEEP_MEDIA=1        keep the per-scene scratch folders (their path is printed)
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../pipeline-core/src/main/resources/manimbench-sample" && pwd)"
R="${MANIM_GRPO_RUNTIME:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/runtime/manim-sid}"
FILTER="${1:-}"
INDEX="${SAMPLES_YAML:-$HERE/samples.yaml}"

if [ ! -f "$R/.manim-grpo-runtime" ]; then
  echo "runtime not ready: $R/.manim-grpo-runtime missing" >&2
  exit 2
fi
command -v bwrap >/dev/null || { echo "bwrap not found" >&2; exit 2; }

# "id<TAB>file" pairs from the index (entries start with '- id:', then 'file:').
pairs=$(awk '
  /^- id:/    { id=$3 }
  /^  file:/  { print id "\t" $2 }
' "$INDEX")

printf '%-40s %-6s %9s %8s\n' id status duration render_s
total=0; failed=0
while IFS=$'\t' read -r id file; do
  [ -n "$id" ] || continue
  case "$id" in *"$FILTER"*) ;; *) continue ;; esac
  total=$((total + 1))
  S=$(mktemp -d)
  cp "$HERE/$file" "$S/scene.py"
  chmod -R a+rwX "$S"
  start=$(date +%s.%N)
  bwrap --ro-bind "$R" / --proc /proc --dev /dev --tmpfs /tmp --bind "$S" /scratch \
    --chdir /scratch --unshare-all --die-with-parent --clearenv \
    --setenv HOME /tmp --setenv PATH /usr/bin:/bin --setenv LC_ALL C.UTF-8 \
    timeout 300 python3 -m manim render -ql --media_dir /scratch/media scene.py \
    >"$S/render.log" 2>&1
  rc=$?
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  mp4=$(find "$S/media/videos/scene/480p15" -maxdepth 1 -name '*.mp4' 2>/dev/null | head -n 1)
  png=$(find "$S/media/images/scene" -maxdepth 1 -name '*.png' 2>/dev/null | head -n 1)
  status=FAIL; duration=-
  if [ "$rc" -eq 0 ] && [ -n "$mp4" ]; then
    duration=$(bwrap --ro-bind "$R" / --proc /proc --dev /dev --bind "$S" /scratch \
      --unshare-all --clearenv /usr/bin/ffprobe -v error -show_entries format=duration \
      -of csv=p=0 "/scratch/media/videos/scene/480p15/$(basename "$mp4")")
    [ -n "$duration" ] && status=OK
  elif [ "$rc" -eq 0 ] && [ -n "$png" ]; then
    status=OK; duration=png
  fi
  printf '%-40s %-6s %9s %8.1f\n' "$id" "$status" "$duration" "$secs"
  if [ "$status" != OK ]; then
    failed=$((failed + 1))
    tail -n 15 "$S/render.log" | sed 's/^/    | /'
  fi
  if [ "${KEEP_MEDIA:-0}" = 1 ]; then echo "    media: $S"; else rm -rf "$S"; fi
done <<<"$pairs"

echo "rendered $total scene(s), $((total - failed)) ok, $failed failed"
[ "$failed" -eq 0 ]
