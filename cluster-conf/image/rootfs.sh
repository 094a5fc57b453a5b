#!/usr/bin/env bash
# Builds the executor image's base root file system as a tarball: Debian stable (minbase) with a
# Java 17 runtime, bubblewrap (the render sandbox) and tini (PID 1 that reaps the render workers).
# Base images cannot be pulled where this project is built, so the image starts FROM scratch
# with this tarball (the same debootstrap skeleton as cluster-conf/provision/manim-runtime.sh).
# Idempotent: an existing tarball is reused.
#
# Usage: rootfs.sh [--out FILE] [--suite SUITE] [--check]
#   --out FILE    the tarball (default ${XDG_CACHE_HOME:-~/.cache}/manim-grpo/image/rootfs-SUITE.tar)
#   --suite S     Debian suite (default bookworm: openjdk-17-jre-headless)
#   --check       only report whether the tarball exists (exit 0) or not (exit 1)
# Environment: MANIM_GRPO_DEBIAN_MIRROR overrides the mirror (default: this host's apt sources).
set -euo pipefail
SUITE=bookworm
OUT=""
MODE=build
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --suite) SUITE="$2"; shift 2 ;;
    --check) MODE=check; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rootfs: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-${XDG_CACHE_HOME:-$HOME/.cache}/manim-grpo/image/rootfs-$SUITE.tar}"
# ca-certificates: s3a over TLS; procps: Spark's scripts call ps; tini: reaps orphaned render processes.
PACKAGES="openjdk-17-jre-headless,bubblewrap,tini,ca-certificates,procps,bash,coreutils"
say() { printf '[rootfs] %s\n' "$*"; }

if [ -f "$OUT" ]; then say "ready: $OUT ($(du -h "$OUT" | cut -f1))"; exit 0; fi
if [ "$MODE" = check ]; then say "no tarball at $OUT"; exit 1; fi
[ "$(id -u)" -eq 0 ] || { say "debootstrap needs root"; exit 1; }
command -v debootstrap >/dev/null || { say "install debootstrap first (apt-get install debootstrap)"; exit 1; }

mirror() {
  if [ -n "${MANIM_GRPO_DEBIAN_MIRROR:-}" ]; then echo "$MANIM_GRPO_DEBIAN_MIRROR"; return; fi
  local m=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb" && $2 !~ /^\[/ {print $2; exit} $1=="deb" {print $3; exit}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || { say "no Debian mirror in this host's apt sources; set MANIM_GRPO_DEBIAN_MIRROR"; exit 1; }
  echo "${m%-security}"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/manim-grpo-rootfs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
START=$(date +%s)
say "debootstrap $SUITE ($PACKAGES) into $WORK/root (about 2-4 minutes)"
if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$WORK/root" "$(mirror)" > "$WORK/log" 2>&1; then
  say "debootstrap failed:"; tail -n 15 "$WORK/log"; exit 1
fi
chroot "$WORK/root" apt-get clean
rm -rf "$WORK/root/var/lib/apt/lists/"* "$WORK/root/usr/share/doc/"* "$WORK/root/usr/share/man/"* \
  "$WORK/root/var/cache/apt/"*.bin "$WORK/root/var/log/"*
# The Spark user (uid 185, as in Spark's own images): executors never run as root.
chroot "$WORK/root" useradd --uid 185 --gid 0 --home-dir /opt/spark --no-create-home spark
mkdir -p "$(dirname "$OUT")"
tar -C "$WORK/root" --numeric-owner -cf "$OUT.partial" .
mv "$OUT.partial" "$OUT"
say "ready: $OUT ($(du -h "$OUT" | cut -f1), $(( $(date +%s) - START )) s)"
