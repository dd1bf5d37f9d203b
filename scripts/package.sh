#!/usr/bin/env bash
# Builds the Debian packages (debian/: libnginx-mod-http-maint and
# ngx-maint-admin) for Debian 12 and/or Debian 13, each in a root of that
# release made with debootstrap, against that release's nginx-dev, hiredis
# and compiler, then runs that release's lintian on them.
#
#   scripts/package.sh [bookworm|trixie|all]...    (default: all)
#
# Output: build/packages/<release>/*.deb (and .changes, .buildinfo, the
# build log and lintian.txt).  Versions: debian/changelog's, +deb12 or
# +deb13, so a repository can hold both and an upgrade to Debian 13 takes
# the Debian 13 build.  Exit status: 0 built and lintian without errors,
# 3 built but lintian reported errors, 1 otherwise.
#
# Roots are cached in MAINT_ROOTS (default /var/cache/ngx_maint):
# pkg-base-<release> (debootstrap minbase, nothing installed; the clean
# roots of scripts/test-packages.sh are copies of it) and
# pkg-build-<release> (a copy of it with the build dependencies and
# lintian).  `rm -rf` them to start afresh.  Needs root (chroot, mounts);
# one run at a time per release (a lock).  docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    exec sudo -E "$0" "$@"
fi

. scripts/lib-root.sh

pkg_releases package.sh "$@"

roots=${MAINT_ROOTS:-/var/cache/ngx_maint}
out_top=$PWD/build/packages

scripts/install-deps.sh debootstrap systemd
mkdir -p "$roots"

release_label() {
    case $1 in bookworm) echo "Debian 12" ;; trixie) echo "Debian 13" ;; esac
}
release_tag() {
    case $1 in bookworm) echo deb12 ;; trixie) echo deb13 ;; esac
}

# pkg-base-<release>: debootstrap minbase with the release's main,
# -updates and -security suites, package lists refreshed once a day
# (callers hold the release's lock)
pkg_base() {
    local release=$1 label
    label=$(release_label "$release")
    root=$roots/pkg-base-$release
    root_make "$release" "$label"
    root_prepare
    cat > "$root/etc/apt/sources.list" <<SOURCES
deb $(root_mirror) $release main
deb $(root_mirror) $release-updates main
deb $(root_security_mirror) $release-security main
SOURCES
    if [ -z "$(find "$root.updated" -mmin -1440 2>/dev/null)" ]; then
        echo "$label: apt-get update in $root"
        in_root apt-get update -qq > "$root.apt.log" 2>&1 \
            || { tail -20 "$root.apt.log"; return 1; }
        touch "$root.updated"
    fi
}

build_release() {
    local release=$1 label tag version out base rc=0
    label=$(release_label "$release")
    tag=$(release_tag "$release")
    out=$out_top/$release

    exec 8> "$roots/pkg-$release.lock"
    flock 8

    pkg_base "$release"
    base=$root

    root=$roots/pkg-build-$release
    if [ ! -x "$root/usr/bin/apt-get" ]; then
        echo "$label: making the build root $root from $base"
        rm -rf "$root"
        cp -a "$base" "$root"
    fi
    cp "$base/etc/apt/sources.list" "$root/etc/apt/sources.list"
    root_prepare
    trap root_unmount EXIT
    root_mount
    root_install "$label" build-essential dpkg-dev debhelper lintian

    # the checkout as it is, with this release's version and distribution
    root_copy_checkout "$root/build/ngx-maint"
    version="$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)+$tag"
    sed -i "1s/(.*).*;/($version) $release;/" \
        "$root/build/ngx-maint/debian/changelog"

    if ! in_root sh -c 'cd /build/ngx-maint && dpkg-checkbuilddeps' \
            > /dev/null 2>&1; then
        echo "$label: installing the build dependencies"
        in_root env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq \
            /build/ngx-maint > "$root.apt.log" 2>&1 \
            || { tail -20 "$root.apt.log"; return 1; }
    fi

    rm -rf "$out"
    mkdir -p "$out"
    rm -f "$root"/build/*.deb "$root"/build/*.changes "$root"/build/*.buildinfo
    echo "$label: building ngx-maint $version"
    if ! in_root sh -c 'cd /build/ngx-maint && dpkg-buildpackage -b -us -uc' \
            > "$out/build.log" 2>&1; then
        tail -30 "$out/build.log"
        echo "$label: the build failed (log: $out/build.log)"
        root_unmount
        return 1
    fi
    cp "$root"/build/*.deb "$root"/build/*.changes "$root"/build/*.buildinfo \
        "$out/"

    # this release's lintian, on the .changes (every .deb and the
    # .buildinfo), errors, warnings and infos; run as nobody (it warns
    # when run as root)
    in_root setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env HOME=/tmp sh -c 'cd /build && lintian --fail-on error \
        --display-info --tag-display-limit 0 *.changes' \
        > "$out/lintian.txt" 2>&1 || rc=3
    echo "$label: lintian $(in_root lintian --version | cut -d' ' -f2):" \
         "$(grep -c '^E: ' "$out/lintian.txt" || true) errors," \
         "$(grep -c '^W: ' "$out/lintian.txt" || true) warnings," \
         "$(grep -c '^I: ' "$out/lintian.txt" || true) infos" \
         "($out/lintian.txt)"
    sed 's/^/  /' "$out/lintian.txt"

    root_unmount
    trap - EXIT
    exec 8>&-

    (cd "$out" && for d in *.deb; do
        printf '%s: %s bytes, installed %s KiB\n' "$d" "$(stat -c %s "$d")" \
            "$(dpkg-deb -f "$d" Installed-Size)"
    done) | sed "s/^/$label: /"
    return $rc
}

# each release in a subshell with set -e of its own (a function called
# where its status is tested would run without it)
status=0
for r in "${releases[@]}"; do
    set +e
    (set -e; build_release "$r")
    rc=$?
    set -e
    if [ $rc -ne 0 ] && [ $status -ne 1 ]; then
        status=$rc
    fi
done
exit $status
