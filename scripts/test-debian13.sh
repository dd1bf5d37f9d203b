#!/usr/bin/env bash
# The suite on Debian 13 (trixie): a root made with debootstrap from the
# Debian mirror apt uses here, with trixie's nginx (1.26), nginx-dev,
# hiredis (1.2), Redis (8.0) and Valkey (8.1).  The module, maint-admind,
# maintctl and the unit tests are built there against trixie's packages,
# then the unit tests and t/ run there (not the browser test nor the
# fuzzers), against Redis 8, and the Redis-facing tests again against
# Valkey.  Ends with one "N passed, N failed" for all of it.
#
# The root is kept in MAINT_DEB13_ROOT (default build/debian13) and reused
# while it has every package; `rm -rf` it to start afresh.  Runs as root
# (chroot, mounts).  Arguments: test files to run instead of the whole
# suite.
set -euo pipefail
cd "$(dirname "$0")/.."

root=${MAINT_DEB13_ROOT:-$PWD/build/debian13}
suite=trixie

packages=(
    nginx nginx-dev libhiredis-dev libpcre2-dev libssl-dev zlib1g-dev
    libjansson-dev libmicrohttpd-dev libcurl4-openssl-dev libcmocka-dev
    gcc make libc6-dev pkg-config perl openssl curl faketime nghttp2-client
    redis-server redis-sentinel valkey-server
)

scripts/install-deps.sh debootstrap

# the mirror apt uses on this machine
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources \
             2>/dev/null || true)
if [ -z "$mirror" ]; then
    mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
fi

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                HOME=/root LANG=C.UTF-8 "$@"; }

unmount() {
    for m in dev proc; do
        if mountpoint -q "$root/$m"; then umount "$root/$m" || umount -l "$root/$m"; fi
    done
}
trap unmount EXIT

if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "debian13: making the $suite root in $root"
    rm -rf "$root"
    mkdir -p "$root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$root.log" 2>&1 \
        || { tail -20 "$root.log"; exit 1; }
fi

# services the packages would start are kept from starting; names resolve
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' > "$root/etc/hosts"
cp /etc/resolv.conf "$root/etc/resolv.conf"

mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

missing=()
for p in "${packages[@]}"; do
    in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
        | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "debian13: installing ${missing[*]}"
    in_root apt-get update -qq
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" > /dev/null
fi

# the checkout as it is (tracked files and new ones), in a clean tree
rm -rf "$root/src"
mkdir -p "$root/src"
git ls-files -z --cached --others --exclude-standard \
    | tar --null -T - -c | tar -x -C "$root/src"

# Valkey in place of redis-server and redis-sentinel (it takes its mode
# from the name it is called by)
mkdir -p "$root/opt/valkey"
ln -sf /usr/bin/valkey-server "$root/opt/valkey/redis-server"
ln -sf /usr/bin/valkey-server "$root/opt/valkey/redis-sentinel"

echo "debian13: $(in_root nginx -v 2>&1), hiredis" \
     "$(in_root dpkg-query -W -f='${Version}' libhiredis-dev)," \
     "$(in_root redis-server --version | cut -d' ' -f1-3)," \
     "$(in_root valkey-server --version | cut -d' ' -f1-3)"

in_root sh -c 'cd /src && make -s -j"$(nproc)" all'

if [ $# -eq 0 ]; then
    set -- $(cd "$root/src" && ls build/tests/test_* t/*.t \
                 | grep -v -e '\.[co]$' -e 't/300-browser.t' -e 't/900-fuzz.t')
fi

# the tests that talk to Redis or Sentinel, again against Valkey
valkey=()
for t in "$@"; do
    case $t in
        t/0[2-3]*|t/17*|t/2[0-5]*) valkey+=("$t") ;;
    esac
done

sums=$(mktemp -d)
rc=0

in_root env MAINT_PASS="debian13, Redis 8" MAINT_SUMMARY=/tmp/sum-redis \
    sh -c 'cd /src && perl scripts/run-tests.pl "$@"' sh "$@" || rc=1
cp "$root/tmp/sum-redis" "$sums/redis" 2>/dev/null || true

if [ ${#valkey[@]} -gt 0 ]; then
    in_root env PATH=/opt/valkey:/usr/sbin:/usr/bin:/sbin:/bin \
        MAINT_PASS="debian13, Valkey 8.1" MAINT_SUMMARY=/tmp/sum-valkey \
        sh -c 'cd /src && perl scripts/run-tests.pl "$@"' sh "${valkey[@]}" \
        || rc=1
    cp "$root/tmp/sum-valkey" "$sums/valkey" 2>/dev/null || true
fi

passed=0 failed=0
for f in redis ${valkey:+valkey}; do
    if [ -s "$sums/$f" ] && read -r p fl < "$sums/$f"; then
        passed=$((passed + p)) failed=$((failed + fl))
    else
        echo "debian13, $f: ended without a summary"
        failed=$((failed + 1)) rc=1
    fi
done
rm -rf "$sums"

echo "$passed passed, $failed failed"
exit $rc
