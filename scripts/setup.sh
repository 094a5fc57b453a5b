#!/usr/bin/env bash
# Brings a fresh Debian machine to the point where manim-grpo builds, runs and tests:
# host packages (JDK 17, Maven, bubblewrap, debootstrap; Jupyter's nbconvert with JPype, pandas and
# matplotlib for the notebooks), then the Manim runtime, the llama-server root the openai
# backend's tests use and the Hugging Face oracle root (transformers, torch) the checkpoint
# loader's tests compare against (all cached under ~/.cache/manim-grpo, built once). Safe to run
# again: it skips what is there. MANIM_GRPO_LLAMA_SERVER=skip leaves the llama-server root out
# (then run the tests with -Dtest.excludedGroups=llama); MANIM_GRPO_HF_ORACLE=skip leaves the
# Hugging Face oracle out (then -Dtest.excludedGroups=hf).
# Used by scripts/run.sh and scripts/test.sh; rarely needed on its own.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '[setup] %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; fi
fi

need=()
command -v java >/dev/null && java -version 2>&1 | grep -qE 'version "(17|2[0-9])' || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v setpriv >/dev/null || need+=(util-linux)
# The notebooks (notebooks/*.ipynb) and the tests that execute them (tag 'jupyter'): Debian's Python with
# nbconvert, ipykernel, JPype (Spark in the kernel's own JVM, no PySpark), pandas and matplotlib.
if ! /usr/bin/python3 -c 'import jpype, nbclient, nbconvert, pandas, matplotlib, ipykernel' 2>/dev/null; then
  need+=(python3 jupyter-nbconvert python3-nbclient python3-ipykernel python3-jpype python3-pandas python3-matplotlib)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    say "missing host packages: ${need[*]}; install them (apt-get install ${need[*]}) or run as root"; exit 1
  fi
  say "installing host packages: ${need[*]}"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
else
  say "host packages present (java, maven, bubblewrap, debootstrap, python3 with nbconvert/jpype/pandas/matplotlib)"
fi

if [ "${MANIM_GRPO_RUNTIME_MODE:-sandbox-root}" = host ]; then
  bash "$HERE/cluster-conf/provision/manim-runtime.sh" --host
else
  bash "$HERE/cluster-conf/provision/manim-runtime.sh"
fi

if [ "${MANIM_GRPO_LLAMA_SERVER:-}" = skip ]; then
  say "MANIM_GRPO_LLAMA_SERVER=skip: not provisioning llama-server (tests tagged 'llama' will fail; exclude them)"
else
  say "llama.cpp's llama-server for the openai backend's tests (built once, about 1.5 minutes, then reused)"
  bash "$HERE/cluster-conf/provision/llama-server.sh"
fi

if [ "${MANIM_GRPO_HF_ORACLE:-}" = skip ]; then
  say "MANIM_GRPO_HF_ORACLE=skip: not provisioning the Hugging Face oracle (tests tagged 'hf' will fail; exclude them)"
else
  say "the Hugging Face oracle (transformers, torch) for the checkpoint loader's tests (built once, about 4 minutes and 1.6 GB, then reused)"
  bash "$HERE/cluster-conf/provision/hf-oracle.sh"
fi
