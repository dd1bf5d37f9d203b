# Shell helpers for Debian roots made with debootstrap, sourced by
# scripts/test-debian.sh and scripts/package.sh / test-packages.sh.
# Every helper works on the root in $root (set by the caller); in_root runs
# a command in it with a clean environment.  Needs root (chroot, mounts).

# the registry apt uses on this machine (deb822 sources first)
root_mirror() {
    local m
    m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources \
            2>/dev/null || true)
    if [ -z "$m" ]; then
        m=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
    fi
    echo "$m"
}

# the security registry apt uses here, or Debian's
root_security_mirror() {
    local m
    m=$(grep -h -o 'https\?://[^ ]*security[^ ]*' \
            /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
            2>/dev/null | grep -v snapshot | head -1 || true)
    echo "${m:-http://deb.debian.org/debian-security}"
}

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                HOME=/root LANG=C.UTF-8 "$@"; }

root_unmount() {
    local m
    for m in dev proc; do
        if mountpoint -q "$root/$m"; then
            umount "$root/$m" || umount -l "$root/$m"
        fi
    done
}

root_mount() {
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
}

# debootstrap --variant=minbase SUITE into $root unless it has apt already
# (LABEL for the messages; the log goes to $root.log)
root_make() {
    local suite=$1 label=$2
    if [ ! -x "$root/usr/bin/apt-get" ]; then
        echo "$label: making the $suite root in $root"
        rm -rf "$root"
        mkdir -p "$root"
        debootstrap --variant=minbase "$suite" "$root" "$(root_mirror)" \
            > "$root.log" 2>&1 || { tail -20 "$root.log"; return 1; }
    fi
}

# Services the packages would start are kept from starting; names resolve.
# A registry that serves a snapshot may be past its Release file's
# Valid-Until (sid's is a week); signatures are still checked.
root_prepare() {
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    printf 'Acquire::Check-Valid-Until "false";\n' \
        > "$root/etc/apt/apt.conf.d/90ngx-maint"
    printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' \
        > "$root/etc/hosts"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
}

# installs (without recommends) the packages given that the root lacks;
# the log goes to $root.apt.log
root_install() {
    local label=$1 p missing=()
    shift
    for p in "$@"; do
        in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "$label: installing ${missing[*]}"
        in_root apt-get update -qq
        in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" > "$root.apt.log" 2>&1 \
            || { tail -20 "$root.apt.log"; return 1; }
    fi
}

# the checkout as it is (tracked files and new ones, not those deleted),
# in a clean tree at DIR (inside the root: "$root/src", say)
root_copy_checkout() {
    local dir=$1
    rm -rf "$dir"
    mkdir -p "$dir"
    git ls-files -z --cached --others --exclude-standard \
        | perl -0 -ne 'chomp; print "$_\0" if -e' \
        | tar --null -T - -c | tar -x -C "$dir"
}

# pkg_releases SCRIPT ARGS...: the releases the packages are made for,
# from the arguments (default "all"), into the array "releases"
pkg_releases() {
    local script=$1 a
    shift
    releases=()
    for a in "${@:-all}"; do
        case $a in
            all) releases+=(bookworm trixie) ;;
            bookworm|trixie) releases+=("$a") ;;
            *) echo "usage: scripts/$script [bookworm|trixie|all]..." >&2
               exit 2 ;;
        esac
    done
}
