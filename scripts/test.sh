#!/usr/bin/env bash
# Runs every test, from a fresh clone on a fresh Debian machine: installs
# what is missing, builds the module and the unit tests, runs the C unit
# tests and the integration tests (real nginx, real Redis), and ends with
# "N passed, N failed".  Arguments select test files (e.g. t/010-decisions.t).
#
#   --asan      the same suite with the ASan+UBSan build (make asan) of the
#               module, maint-admind, maintctl and the unit tests; any
#               sanitizer report fails the test that caused it
#   --valgrind  the integration tests with nginx and maint-admind under
#               valgrind (MAINT_VALGRIND=leaks): invalid accesses and the
#               module's definite leaks fail
# (docs/reliability.md, "Sanitizers, valgrind and fuzzing")
set -euo pipefail
cd "$(dirname "$0")/.."

mode=""
case "${1:-}" in
    --asan|--valgrind) mode=$1; shift ;;
esac

scripts/install-deps.sh
make -s -j"$(nproc)" all

case "$mode" in
    --asan)
        make -s -j"$(nproc)" asan
        export MAINT_ASAN=1 MAINT_BUILD=build/asan \
               MAINT_MODULE="$PWD/build/asan/ngx_maint_module.so" \
               MAINT_ADMIND="$PWD/build/asan/maint-admind" \
               MAINTCTL="$PWD/build/asan/maintctl" \
               MAINT_TIME_SCALE="${MAINT_TIME_SCALE:-3}"
        ;;
    --valgrind)
        export MAINT_VALGRIND=leaks MAINT_TIME_SCALE="${MAINT_TIME_SCALE:-10}"
        ;;
esac

exec perl scripts/run-tests.pl "$@"
