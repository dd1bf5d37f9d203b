#!/usr/bin/env bash
# Runs every test, from a fresh clone on a fresh Debian 12 machine:
# installs what is missing, builds the module and the unit tests, and runs
# five targets, each ending with its own "N passed, N failed":
#   1. the C unit tests and the integration tests (real nginx, real Redis)
#      against this machine's packages (Debian 12: nginx 1.22, hiredis
#      0.14, Redis 7);
#   2. the same suite against the ASan+UBSan build (make asan);
#   3. Debian 13 (scripts/test-debian.sh trixie): built in a debootstrap
#      root against trixie's nginx-dev 1.26 and hiredis 1.2, the suite
#      run there against its nginx, Redis 8 and Valkey 8.1;
#   4. Debian unstable (scripts/test-debian.sh sid): built against the
#      newest nginx-dev Debian ships, the suite run against its nginx;
#   5. the Debian packages (scripts/test-packages.sh): built for Debian 12
#      and 13, lintian, installed with apt in a clean root of each, nginx
#      -t, and a smoke test (a window made with maintctl: 503, then 200).
# and ends with one "N passed, N failed" for all of them.  Arguments
# select test files (e.g. t/010-decisions.t) and run them once, plain.
#
#   --plain     target 1 alone
#   --asan      the sanitizer pass alone: the module, maint-admind,
#               maintctl and the unit tests built with ASan+UBSan; any
#               sanitizer report fails the test that caused it
#   --debian13  target 3 alone (test files may follow)
#   --unstable  target 4 alone (test files may follow)
#   --packages  target 5 alone (bookworm or trixie may follow)
#   --valgrind  the integration tests with nginx and maint-admind under
#               valgrind (MAINT_VALGRIND=leaks); the verdict is valgrind's
#               (one check per process): invalid accesses, uninitialised
#               values and the module's definite leaks fail
# (docs/reliability.md, "Sanitizers, valgrind and fuzzing")
set -euo pipefail
cd "$(dirname "$0")/.."

mode=""
case "${1:-}" in
    --plain|--asan|--valgrind) mode=$1; shift ;;
    --debian13) shift; exec scripts/test-debian.sh trixie "$@" ;;
    --unstable) shift; exec scripts/test-debian.sh sid "$@" ;;
    --packages) shift; exec scripts/test-packages.sh "$@" ;;
esac

scripts/install-deps.sh --tests
make -s -j"$(nproc)" all

# the sanitizer pass: every test but the fuzzers (sanitized already)
asan_tests() {
    local f
    for f in build/asan/tests/test_* t/*.t; do
        case $f in *.c|*.o|t/900-fuzz.t) ;; *) echo "$f" ;; esac
    done
}

asan_env() {
    export MAINT_ASAN=1 MAINT_BUILD=build/asan \
           MAINT_MODULE="$PWD/build/asan/ngx_maint_module.so" \
           MAINT_ADMIND="$PWD/build/asan/maint-admind" \
           MAINTCTL="$PWD/build/asan/maintctl" \
           MAINT_TIME_SCALE="${MAINT_TIME_SCALE:-3}"
}

case "$mode" in
    --asan)
        make -s -j"$(nproc)" asan
        asan_env
        if [ $# -eq 0 ]; then
            mapfile -t all < <(asan_tests)
            set -- "${all[@]}"
        fi
        exec perl scripts/run-tests.pl "$@"
        ;;
    --valgrind)
        export MAINT_VALGRIND=leaks MAINT_TIME_SCALE="${MAINT_TIME_SCALE:-10}"
        exec perl scripts/run-tests.pl "$@"
        ;;
esac

if [ "$mode" = --plain ] || [ $# -gt 0 ]; then
    exec perl scripts/run-tests.pl "$@"
fi

# The passes here, each in its own server root (the fuzzers are built with
# sanitizers already and run in the plain pass only), then the roots.
sums=$(mktemp -d)
trap 'rm -rf "$sums"' EXIT
rc=0

MAINT_PASS="plain pass" MAINT_SUMMARY="$sums/plain" \
    perl scripts/run-tests.pl || rc=1

if make -s -j"$(nproc)" asan; then
    mapfile -t all < <(asan_tests)
    (
        asan_env
        export MAINT_PASS="ASan+UBSan pass" MAINT_SUMMARY="$sums/asan" \
               MAINT_SERVROOT="${MAINT_SERVROOT:-$PWD/t/servroot}-asan"
        exec perl scripts/run-tests.pl "${all[@]}"
    ) || rc=1
else
    echo "make asan failed: no sanitizer pass"
    rc=1
fi

MAINT_SUMMARY="$sums/trixie" scripts/test-debian.sh trixie || rc=1
MAINT_SUMMARY="$sums/sid" scripts/test-debian.sh sid || rc=1
MAINT_SUMMARY="$sums/packages" scripts/test-packages.sh || rc=1

# every target's counts again with the test files that failed in it, then
# the total; a target that ended without its counts counts as one failure
echo
declare -A names=([plain]="Debian 12" [asan]="Debian 12, ASan+UBSan"
                  [trixie]="Debian 13" [sid]="Debian unstable"
                  [packages]="Debian packages")
passed=0 failed=0
for target in plain asan trixie sid packages; do
    if [ -s "$sums/$target" ] && read -r p f < "$sums/$target"; then
        echo "${names[$target]}: $p passed, $f failed"
        tail -n +2 "$sums/$target" | sed 's/^/  failed in /'
        passed=$((passed + p)) failed=$((failed + f))
    else
        echo "${names[$target]}: ended without a summary"
        failed=$((failed + 1)) rc=1
    fi
done
echo "$passed passed, $failed failed"
exit $rc
