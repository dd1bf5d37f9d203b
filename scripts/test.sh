#!/usr/bin/env bash
# Runs every test, from a fresh clone on a fresh Debian machine: installs
# what is missing, builds the module and the unit tests, runs the C unit
# tests and the integration tests (real nginx, real Redis), and ends with
# "N passed, N failed".  Arguments select test files (e.g. t/010-decisions.t).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
make -s -j"$(nproc)" all
exec perl scripts/run-tests.pl "$@"
