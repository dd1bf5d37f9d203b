#!/usr/bin/env bash
# Installs, from Debian's packages only, what building the module and the
# admin programs and running the demo need; with --tests, also what only
# the tests need (cmocka for the unit tests, faketime, h2load, clang's
# sanitizer runtime, valgrind, Universal Ctags for the structure check,
# and chromium with node for the browser tests, whose t/300-browser.t runs
# `npm ci` in t/browser for playwright-core, and Debian's python3-icalendar,
# which t/260-calendar-feed.t reads the feed with besides ical.js from
# t/browser); python3-aiosmtpd, the SMTP server of t/lib/smtp_sink.py,
# which the demo and the notification tests send their mail to, is in
# the demo's part; plus any packages named as
# arguments (the benchmark's).
# Does nothing when all of it is there.  Services the packages would start
# on their own (nginx on :80, redis on :6379) are kept from starting: the
# tests and the demo start their own on ports of their choosing.
set -euo pipefail

tests=""
if [ "${1:-}" = --tests ]; then
    tests=1
    shift
fi

packages=(
    make gcc libc6-dev pkg-config
    nginx nginx-dev libhiredis-dev libjansson-dev libpcre2-dev libssl-dev
    zlib1g-dev libmicrohttpd-dev libgnutls28-dev libcurl4-openssl-dev
    libical-dev
    redis-server redis-sentinel perl curl iproute2 python3-aiosmtpd
    "$@"
)

if [ -n "$tests" ]; then
    packages+=(libcmocka-dev faketime nghttp2-client openssl
               clang libclang-rt-14-dev valgrind chromium
               universal-ctags binutils python3-icalendar)

    # node and npm from Debian unless a node is already installed
    command -v node >/dev/null && command -v npm >/dev/null \
        || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

echo "installing: ${missing[*]}"

policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    made_policy=1
fi

cleanup() {
    if [ -n "$made_policy" ]; then $sudo rm -f "$policy"; fi
}
trap cleanup EXIT

$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
