#!/usr/bin/env bash
# Provisions the Manim Community Edition runtime that render sandboxes use: a Debian sid
# root made with debootstrap (Debian stable has no manim), with ffmpeg and the LaTeX
# packages MathTex/Tex need. Idempotent: a finished runtime is reused in seconds.
#
# Usage: manim-runtime.sh [--root DIR] [--check] [--host]
#   --root DIR   where the runtime lives (default: $MANIM_GRPO_RUNTIME or
#                ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/runtime/manim-sid)
#   --check      only report whether the runtime is ready (exit 0) or not (exit 1)
#   --host       do not build a root: check that manim is installed on this host (cluster
#                executors with a native manim) and print its version
# Environment: MANIM_GRPO_DEBIAN_MIRROR overrides the Debian mirror (default: the first
# mirror in this host's apt sources).
set -euo pipefail

ROOT="${MANIM_GRPO_RUNTIME:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/runtime/manim-sid}"
MODE=build
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$2"; shift 2 ;;
    --check) MODE=check; shift ;;
    --host) MODE=host; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "manim-runtime: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Packages inside the root. texlive-latex-extra carries standalone.cls, which Manim's
# LaTeX template needs; dvisvgm turns DVI into the SVG that MathTex reads.
PACKAGES_BASE="python3-manim,ffmpeg"
PACKAGES_TEX="texlive-latex-base texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra dvisvgm fonts-dejavu-core"
MARKER="$ROOT/.manim-grpo-runtime"
say() { printf '[manim-runtime] %s\n' "$*"; }

if [ "$MODE" = host ]; then
  if v=$(python3 -c 'import manim; print(manim.__version__)' 2>/dev/null); then
    say "host manim $v found ($(command -v python3))"; exit 0
  fi
  say "no manim on this host: install Manim Community Edition (python3-manim or pip install manim) or drop --host"; exit 1
fi

if [ -f "$MARKER" ]; then
  say "runtime ready at $ROOT: $(cat "$MARKER")"
  exit 0
fi
if [ "$MODE" = check ]; then
  say "no runtime at $ROOT (run this script without --check to build it)"; exit 1
fi

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then echo sudo; else
      say "building the runtime needs root (debootstrap, chroot); run as root or install sudo"; exit 1
    fi
  fi
}
SUDO=$(need_root)

host_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing host packages: ${missing[*]}"
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}
host_install debootstrap bubblewrap debian-archive-keyring

mirror() {
  if [ -n "${MANIM_GRPO_DEBIAN_MIRROR:-}" ]; then echo "$MANIM_GRPO_DEBIAN_MIRROR"; return; fi
  local m=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb" && $2 !~ /^\[/ {print $2; exit} $1=="deb" {print $3; exit}' /etc/apt/sources.list)
  fi
  if [ -z "$m" ]; then
    say "cannot find a Debian mirror in this host's apt sources; set MANIM_GRPO_DEBIAN_MIRROR"; exit 1
  fi
  # Security mirrors do not carry sid.
  echo "${m%-security}"
}

PARTIAL="$ROOT.partial"
STAGE="$PARTIAL/.manim-grpo-stage-debootstrap"
mkdir -p "$(dirname "$ROOT")"
if [ -d "$PARTIAL" ] && [ ! -f "$STAGE" ]; then
  say "removing an unfinished build at $PARTIAL"
  $SUDO rm -rf "$PARTIAL"
fi
START=$(date +%s)
if [ -f "$STAGE" ]; then
  say "step 1/4: reusing the finished debootstrap in $PARTIAL"
else
  MIRROR=$(mirror)
  say "step 1/4: debootstrap Debian sid with python3-manim and ffmpeg into $PARTIAL (about 2-3 minutes)"
  if ! $SUDO debootstrap --variant=minbase --include="$PACKAGES_BASE" sid "$PARTIAL" "$MIRROR" \
      > "$ROOT.debootstrap.log" 2>&1; then
    # debootstrap does not resolve python3-pyglet's GL dependency and reports a failure
    # while configuring; apt-get --fix-broken below completes it. Anything else is fatal.
    if [ -x "$PARTIAL/usr/bin/apt-get" ] && grep -q 'python3-pyglet is at fault' "$ROOT.debootstrap.log"; then
      say "debootstrap left python3-pyglet unconfigured (expected); step 2 completes it"
    else
      say "debootstrap failed; last lines of $ROOT.debootstrap.log:"; tail -n 15 "$ROOT.debootstrap.log"; exit 1
    fi
  fi
  $SUDO touch "$STAGE"
fi

in_root() { $SUDO chroot "$PARTIAL" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
say "step 2/4: completing dependencies debootstrap leaves unresolved (pyglet's GL)"
in_root apt-get -q -y --fix-broken install >> "$ROOT.debootstrap.log" 2>&1 || {
    say "apt-get --fix-broken failed; see $ROOT.debootstrap.log"; tail -n 15 "$ROOT.debootstrap.log"; exit 1; }
say "step 3/4: installing LaTeX for MathTex/Tex (about 2-3 minutes)"
in_root apt-get -q -y --no-install-recommends install $PACKAGES_TEX >> "$ROOT.debootstrap.log" 2>&1 || {
    say "LaTeX install failed; see $ROOT.debootstrap.log"; tail -n 15 "$ROOT.debootstrap.log"; exit 1; }
in_root apt-get clean
$SUDO rm -rf "$PARTIAL/var/lib/apt/lists/"* "$PARTIAL/usr/share/doc/"* "$PARTIAL/usr/share/man/"*

say "step 4/4: checking the runtime"
# bwrap cannot create mount points inside a read-only root, so the sandbox's bind
# targets are made here: /scratch (the render's only writable place) and /opt/manim-grpo
# (the worker script, bound read-only).
$SUDO mkdir -p "$PARTIAL/scratch" "$PARTIAL/opt/manim-grpo"
$SUDO touch "$PARTIAL/opt/manim-grpo/worker.py"
$SUDO chmod 1777 "$PARTIAL/scratch"
VERSION=$(in_root python3 -c 'import manim; print(manim.__version__)')
PY=$(in_root python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
FF=$(in_root ffmpeg -hide_banner -version | awk 'NR==1{print $3}')
in_root sh -c 'command -v latex >/dev/null && command -v dvisvgm >/dev/null' || {
  say "latex or dvisvgm missing in the runtime"; exit 1; }
printf 'manim=%s python=%s ffmpeg=%s built=%s\n' "$VERSION" "$PY" "$FF" "$(date -u +%FT%TZ)" \
  | $SUDO tee "$PARTIAL/.manim-grpo-runtime" >/dev/null
echo "$VERSION" | $SUDO tee "$PARTIAL/opt/manim-grpo/manim-version" >/dev/null
$SUDO rm -f "$STAGE"
$SUDO mv "$PARTIAL" "$ROOT"
say "runtime ready at $ROOT: manim $VERSION, python $PY, ffmpeg $FF ($(( $(date +%s) - START )) s, $(du -sh "$ROOT" | cut -f1))"
