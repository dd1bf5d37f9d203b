#!/usr/bin/env bash
# The suite in a Debian root other than this machine's: a root made with
# debootstrap from the package registry apt uses here, in which the module,
# maint-admind, maintctl and the unit tests are built against that
# release's packages (its nginx-dev with the flags of its nginx, its
# hiredis, its compiler, -Werror), then the unit tests and t/ run there
# against its nginx and redis-server (not the browser test nor the
# fuzzers, which the Debian 12 passes run).
#
#   scripts/test-debian.sh trixie [TESTS...]   Debian 13: nginx 1.26,
#       hiredis 1.2, Redis 8.0; the Redis-facing tests again against
#       Valkey 8.1
#   scripts/test-debian.sh sid [TESTS...]      Debian unstable: the newest
#       nginx Debian ships (1.30 when written) and its compiler
#
# The build counts as one test (a compile error or warning fails it and
# ends the target).  Ends with one "N passed, N failed" for the target,
# also written as "N N" to MAINT_SUMMARY when that is set.
#
# Roots are cached in MAINT_ROOTS (default /var/cache/ngx_maint), one per
# release, and reused while they have every package: `rm -rf` one to start
# afresh (a cached sid root keeps the packages it was made with).  Needs
# root (chroot, mounts); one run at a time per root (a lock).
set -euo pipefail
cd "$(dirname "$0")/.."

suite=${1:?usage: scripts/test-debian.sh trixie|sid [TESTS...]}
shift

case $suite in
    trixie) label="Debian 13" ;;
    sid)    label="Debian unstable" ;;
    *)      echo "test-debian.sh: unknown release \"$suite\"" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
    exec sudo -E "$0" "$suite" "$@"
fi

roots=${MAINT_ROOTS:-/var/cache/ngx_maint}
root=$roots/debian-$suite

packages=(
    nginx nginx-dev libhiredis-dev libpcre2-dev libssl-dev zlib1g-dev
    libjansson-dev libmicrohttpd-dev libgnutls28-dev libcurl4-openssl-dev
    libical-dev
    libcmocka-dev
    gcc make libc6-dev pkg-config perl openssl ca-certificates curl faketime
    nghttp2-client universal-ctags python3-aiosmtpd python3-icalendar
    redis-server redis-sentinel
)
[ "$suite" = trixie ] && packages+=(valkey-server)

scripts/install-deps.sh debootstrap

mkdir -p "$roots"
exec 9> "$root.lock"
flock 9

. scripts/lib-root.sh
trap root_unmount EXIT

root_make "$suite" "$label"
root_prepare
root_mount
root_install "$label" "${packages[@]}"
root_copy_checkout "$root/src"

server_version() { in_root "$1" --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p'; }

versions="$(in_root nginx -v 2>&1 | cut -d' ' -f3), gcc"
versions+=" $(in_root gcc -dumpfullversion), hiredis"
versions+=" $(in_root dpkg-query -W -f='${Version}' libhiredis-dev),"
versions+=" Redis $(server_version redis-server)"
if [ "$suite" = trixie ]; then
    versions+=", Valkey $(server_version valkey-server)"
fi
echo "$label: $versions"

sums=$(mktemp -d)
trap 'root_unmount; rm -rf "$sums"' EXIT
rc=0

if in_root sh -c 'cd /src && make -s -j"$(nproc)" all'; then
    echo "$label: ok - build (-Werror) against its nginx-dev and hiredis"
    echo "1 0" > "$sums/build"
else
    echo "$label: not ok - build (-Werror) against its nginx-dev and hiredis"
    printf '0 1\nmake all (-Werror)\n' > "$sums/build"
    set --
    rc=1
fi

if [ $rc -eq 0 ] && [ $# -eq 0 ]; then
    set -- $(cd "$root/src" && ls build/tests/test_* t/*.t \
                 | grep -v -e '\.[co]$' -e 't/300-browser.t' -e 't/900-fuzz.t')
fi

# trixie: the tests that talk to Redis or Sentinel, again against Valkey
# (it takes its mode from the name it is called by)
valkey=()
if [ "$suite" = trixie ]; then
    mkdir -p "$root/opt/valkey"
    ln -sf /usr/bin/valkey-server "$root/opt/valkey/redis-server"
    ln -sf /usr/bin/valkey-server "$root/opt/valkey/redis-sentinel"
    for t in "$@"; do
        case $t in
            t/0[2-3]*|t/17*|t/2[0-5]*) valkey+=("$t") ;;
        esac
    done
fi

run_in_root() {         # name, PATH, tests...
    local name=$1 path=$2
    shift 2
    rm -f "$root/tmp/sum"
    # MAINT_ROOT_PASS: tests that time only daemon-side logic at length
    # (t/131's minute at the edge) leave it to the plain pass
    in_root env PATH="$path" MAINT_PASS="$label, $name" MAINT_ROOT_PASS=1 \
        MAINT_SUMMARY=/tmp/sum \
        sh -c 'cd /src && perl scripts/run-tests.pl "$@"' sh "$@" || rc=1
    if [ -s "$root/tmp/sum" ]; then
        cp "$root/tmp/sum" "$sums/$name"
    else
        echo "$label, $name: ended without a summary"
        printf '0 1\nended without a summary\n' > "$sums/$name"
        rc=1
    fi
}

if [ $# -gt 0 ]; then
    run_in_root "Redis $(server_version redis-server)" \
        /usr/sbin:/usr/bin:/sbin:/bin "$@"
fi
if [ ${#valkey[@]} -gt 0 ]; then
    run_in_root "Valkey $(server_version valkey-server)" \
        /opt/valkey:/usr/sbin:/usr/bin:/sbin:/bin "${valkey[@]}"
fi

# the counts summed, then each run's failed test files (run-tests.pl's
# summary after its first line), named by the server they ran against
passed=0 failed=0
bad=()
for f in "$sums"/*; do
    read -r p fl < "$f"
    passed=$((passed + p)) failed=$((failed + fl))
    while IFS= read -r line; do
        bad+=("${f##*/}: $line")
    done < <(tail -n +2 "$f")
done

echo "$label: $passed passed, $failed failed"
if [ -n "${MAINT_SUMMARY:-}" ]; then
    { echo "$passed $failed"
      [ ${#bad[@]} -eq 0 ] || printf '%s\n' "${bad[@]}"
    } > "$MAINT_SUMMARY"
fi
exit $rc
