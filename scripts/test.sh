#!/usr/bin/env bash
# The whole test suite, real renders included: sets up what is missing (host packages, the
# Manim runtime), then runs every module's tests with Maven. Extra arguments go to Maven,
# e.g. scripts/test.sh -Dtest.excludedGroups=manim for the fast unit tests only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
bash scripts/setup.sh
echo "[test] mvn verify (all modules; tests tagged 'manim' render with the real runtime)"
mvn -B -ntp verify "$@"
