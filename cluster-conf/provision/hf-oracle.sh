#!/usr/bin/env bash
# Provisions the Hugging Face oracle: an implementation independent of ours (Debian's
# python3-transformers on python3-torch, with python3-safetensors and python3-tokenizers) that
# the tests of the Hugging Face checkpoint loader compare against. A Debian sid root made with
# debootstrap (Debian stable has no transformers), with OpenBLAS as the root's BLAS so torch
# does not fall back to the reference BLAS. Downloads about 290 MB of packages from the Debian
# archive once (1.6 GB unpacked, about 4 minutes); a finished root is reused in seconds. Run
# python3 from the root with bwrap, e.g. (what the tests' HfOracle does)
#   bwrap --ro-bind ROOT / --proc /proc --dev /dev --tmpfs /tmp --unshare-net \
#     --ro-bind scripts/hf-oracle /opt/hf-oracle --ro-bind SCENES_DIR /in --bind OUT_DIR /out \
#     python3 /opt/hf-oracle/tiny_models.py /out /in
#
# Usage: hf-oracle.sh [--root DIR] [--check]
#   --root DIR   where the root lives (default: $MANIM_GRPO_HF_ORACLE or
#                ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/runtime/hf-oracle-sid)
#   --check      only report whether the root is ready (exit 0) or not (exit 1)
# Environment: MANIM_GRPO_DEBIAN_MIRROR overrides the Debian mirror (default: the first
# mirror in this host's apt sources). MANIM_GRPO_HF_ORACLE=skip builds nothing (the tests
# tagged 'hf' then need -Dtest.excludedGroups=hf).
set -euo pipefail

say() { printf '[hf-oracle] %s\n' "$*"; }
if [ "${MANIM_GRPO_HF_ORACLE:-}" = skip ]; then
  say "MANIM_GRPO_HF_ORACLE=skip: no Hugging Face oracle root (exclude the tests tagged 'hf')"
  [ "${1:-}" = --check ] && exit 1 || exit 0
fi
ROOT="${MANIM_GRPO_HF_ORACLE:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/runtime/hf-oracle-sid}"
MODE=build
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$2"; shift 2 ;;
    --check) MODE=check; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hf-oracle: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# libopenblas0 (its pthread flavour) registers itself as the libblas.so.3 / liblapack.so.3
# alternative; step 3 makes sure it, not the reference BLAS, is the one selected.
PACKAGES="python3-transformers python3-torch python3-safetensors python3-tokenizers python3-numpy libopenblas0"
MARKER="$ROOT/.manim-grpo-hf-oracle"

if [ -f "$MARKER" ]; then
  say "hf-oracle root ready at $ROOT: $(cat "$MARKER")"
  exit 0
fi
if [ "$MODE" = check ]; then
  say "no hf-oracle root at $ROOT (run this script without --check to build it)"; exit 1
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
say "step 1/4: debootstrap a minimal Debian sid into $PARTIAL (about 1 minute)"
if ! $SUDO debootstrap --variant=minbase sid "$PARTIAL" "$MIRROR" > "$LOG" 2>&1; then
  say "debootstrap failed; last lines of $LOG:"; tail -n 15 "$LOG"; exit 1
fi

in_root() { $SUDO chroot "$PARTIAL" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root "$@"; }
# apt's resolver (not debootstrap's) installs the packages: it follows every dependency
# alternative, and --no-install-recommends keeps the root to what they need.
say "step 2/4: installing $PACKAGES (about 290 MB from the Debian archive, 1.6 GB unpacked; about 3 minutes)"
in_root apt-get -q -y --no-install-recommends install $PACKAGES >> "$LOG" 2>&1 || {
    say "installing the packages failed; see $LOG"; tail -n 15 "$LOG"; exit 1; }
in_root apt-get clean
$SUDO rm -rf "$PARTIAL/var/lib/apt/lists/"* "$PARTIAL/usr/share/doc/"* "$PARTIAL/usr/share/man/"*

say "step 3/4: selecting OpenBLAS as the root's BLAS and LAPACK"
# Debian's torch is built with BLAS_INFO=generic: it links libblas.so.3 / liblapack.so.3,
# which the alternatives system points at one implementation (libopenblas0 satisfies torch's
# libblas.so.3 dependency, so the reference libblas3 is not installed; should another package
# bring it, OpenBLAS stays selected). Every libblas/liblapack alternative is set to OpenBLAS's.
BLAS=""
for name in $(in_root update-alternatives --get-selections | awk '$1 ~ /^lib(blas|lapack)\.so\.3/ {print $1}'); do
  target=$(in_root update-alternatives --list "$name" | grep -m1 openblas || true)
  if [ -z "$target" ]; then
    say "no OpenBLAS alternative for $name in the root"; exit 1
  fi
  in_root update-alternatives --set "$name" "$target" >> "$LOG" 2>&1
  case "$name" in libblas*) BLAS="$target" ;; esac
done
if [ -z "$BLAS" ]; then
  say "no libblas.so.3 alternative in the root"; exit 1
fi

say "step 4/4: checking the root"
# bwrap cannot create mount points inside a read-only root: the tests' bind targets are made
# here (/opt/hf-oracle for the scripts, /in for their read-only input, /out for what they write).
# Without /proc in the chroot, the MPI transport torch links (UCX) prints an error line on
# stdout when it loads: only the last line is the versions.
$SUDO mkdir -p "$PARTIAL/opt/hf-oracle" "$PARTIAL/in" "$PARTIAL/out"
versions=$(in_root python3 -c '
import sys, numpy, safetensors, tokenizers, torch, transformers
x = torch.randn(64, 64)
assert torch.allclose(x @ torch.eye(64), x)
print("torch=%s transformers=%s tokenizers=%s safetensors=%s numpy=%s python=%d.%d.%d" % (
    torch.__version__, transformers.__version__, tokenizers.__version__, safetensors.__version__,
    numpy.__version__, *sys.version_info[:3]))
' 2>> "$LOG" | tail -n 1) || { say "python3 cannot import torch/transformers in the root; see $LOG"; tail -n 15 "$LOG"; exit 1; }
printf '%s blas=%s built=%s\n' "$versions" "$BLAS" "$(date -u +%FT%TZ)" | $SUDO tee "$PARTIAL/.manim-grpo-hf-oracle" >/dev/null
$SUDO mv "$PARTIAL" "$ROOT"
say "hf-oracle root ready at $ROOT: $versions, blas $BLAS ($(( $(date +%s) - START )) s, $(du -sh "$ROOT" | cut -f1))"
