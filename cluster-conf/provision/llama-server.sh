#!/usr/bin/env bash
# Provisions llama.cpp's llama-server, an OpenAI-compatible chat-completions server, for the
# tests of the openai policy backend: a Debian sid root made with debootstrap (Debian stable
# has no llama.cpp) with llama.cpp-tools and python3-gguf (which the tests use to write a tiny
# model). Idempotent: a finished root is reused in seconds. Run the server from the root with
# bwrap, e.g.
#   bwrap --ro-bind ROOT / --proc /proc --dev /dev --tmpfs /tmp --ro-bind MODEL_DIR /models \
#     llama-server -m /models/tiny.gguf --host 127.0.0.1 --port 8080
#
# Usage: llama-server.sh [--root DIR] [--check]
#   --root DIR   where the root lives (default: $MANIM_GRPO_LLAMA_ROOT or
#                ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/runtime/llama-sid)
#   --check      only report whether the root is ready (exit 0) or not (exit 1)
# Environment: MANIM_GRPO_DEBIAN_MIRROR overrides the Debian mirror (default: the first
# mirror in this host's apt sources).
set -euo pipefail

ROOT="${MANIM_GRPO_LLAMA_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/runtime/llama-sid}"
MODE=build
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$2"; shift 2 ;;
    --check) MODE=check; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "llama-server: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

PACKAGES="llama.cpp-tools,python3-gguf"
MARKER="$ROOT/.manim-grpo-llama"
say() { printf '[llama-server] %s\n' "$*"; }

if [ -f "$MARKER" ]; then
  say "llama-server root ready at $ROOT: $(cat "$MARKER")"
  exit 0
fi
if [ "$MODE" = check ]; then
  say "no llama-server root at $ROOT (run this script without --check to build it)"; exit 1
fi

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then echo sudo; else
      say "building the root needs root (debootstrap, chroot); run as root or install sudo"; exit 1
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
LOG="$ROOT.debootstrap.log"
mkdir -p "$(dirname "$ROOT")"
if [ -d "$PARTIAL" ]; then
  say "removing an unfinished build at $PARTIAL"
  $SUDO rm -rf "$PARTIAL"
fi
START=$(date +%s)
MIRROR=$(mirror)
say "step 1/3: debootstrap Debian sid with llama.cpp-tools and python3-gguf into $PARTIAL (about 1-2 minutes)"
if ! $SUDO debootstrap --variant=minbase --include="$PACKAGES" sid "$PARTIAL" "$MIRROR" > "$LOG" 2>&1; then
  # debootstrap does not resolve every dependency alternative; apt-get --fix-broken in step 2
  # completes a root whose apt works. Anything else is fatal.
  if [ -x "$PARTIAL/usr/bin/apt-get" ]; then
    say "debootstrap reported a failure while configuring; step 2 tries to complete it"
  else
    say "debootstrap failed; last lines of $LOG:"; tail -n 15 "$LOG"; exit 1
  fi
fi

in_root() { $SUDO chroot "$PARTIAL" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root "$@"; }
say "step 2/3: completing dependencies debootstrap may leave unresolved"
in_root apt-get -q -y --fix-broken install >> "$LOG" 2>&1 || {
    say "apt-get --fix-broken failed; see $LOG"; tail -n 15 "$LOG"; exit 1; }
in_root apt-get clean
$SUDO rm -rf "$PARTIAL/var/lib/apt/lists/"* "$PARTIAL/usr/share/doc/"* "$PARTIAL/usr/share/man/"*

say "step 3/3: checking the root"
# bwrap cannot create mount points inside a read-only root: the models directory is made here.
$SUDO mkdir -p "$PARTIAL/models"
in_root sh -c 'command -v llama-server >/dev/null' || { say "llama-server missing in the root"; exit 1; }
LLAMA=$(in_root dpkg-query -W -f '${Version}' llama.cpp-tools)
GGUF=$(in_root dpkg-query -W -f '${Version}' python3-gguf)
in_root python3 -c 'import gguf, numpy' || { say "python3 cannot import gguf in the root"; exit 1; }
printf 'llama.cpp-tools=%s python3-gguf=%s built=%s\n' "$LLAMA" "$GGUF" "$(date -u +%FT%TZ)" \
  | $SUDO tee "$PARTIAL/.manim-grpo-llama" >/dev/null
$SUDO mv "$PARTIAL" "$ROOT"
say "llama-server root ready at $ROOT: llama.cpp-tools $LLAMA, python3-gguf $GGUF ($(( $(date +%s) - START )) s, $(du -sh "$ROOT" | cut -f1))"
