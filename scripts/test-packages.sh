#!/usr/bin/env bash
# The Debian packages tested the way an operator uses them, for Debian 12
# and Debian 13: built and checked by scripts/package.sh (the build and
# lintian, no errors, count as a test each), the unit's systemd-analyze
# security exposure, then, in a clean root of the release (a fresh copy of
# its debootstrap minbase root, not the build root):
#   apt-get install ./libnginx-mod-http-maint_*.deb ./ngx-maint-admin_*.deb
#       nginx redis-server              (apt resolves the rest)
#   the module enabled the Debian way, the service user, the
#   configuration's owner and mode, the unit enabled, nginx -t with a site
#   using the module; then the smoke test: redis-server, maint-admind run
#   as the unit runs it (its ExecStart as its User, no systemd in a root),
#   nginx with the module in front of an upstream: a window created with
#   maintctl -> 503, completed -> 200.
#
#   scripts/test-packages.sh [bookworm|trixie|all]     (default: all)
#
# Each check prints "ok - ..." or "not ok - ..."; ends with one
# "N passed, N failed", also written as "N N" to MAINT_SUMMARY when set.
# Every process started is stopped by its pid; mounts are undone.  Roots:
# scripts/package.sh (MAINT_ROOTS); the clean roots are pkg-clean-<release>,
# made afresh each run, the .debs apt downloads kept in pkg-apt-<release>.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    exec sudo -E "$0" "$@"
fi

. scripts/lib-root.sh

pkg_releases test-packages.sh "$@"

roots=${MAINT_ROOTS:-/var/cache/ngx_maint}
passed=0 failed=0 label="" bad=()
pids=()
root=""

ok()     { echo "$label: ok - $*"; passed=$((passed + 1)); }
not_ok() {
    echo "$label: not ok - $*"
    failed=$((failed + 1))
    bad+=("$label: $*")
}

# a test: its description, then a command (the end of its output shown)
check() {
    local desc=$1 log
    shift
    log=$(mktemp)
    if "$@" > "$log" 2>&1; then
        ok "$desc"
        sed 's/^/    /' "$log" | tail -3
    else
        not_ok "$desc"
        sed 's/^/    /' "$log" | tail -30
    fi
    rm -f "$log"
}

stop_all() {
    local p
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    pids=()
}

cleanup() {
    stop_all
    if [ -n "$root" ]; then
        if mountpoint -q "$root/var/cache/apt/archives"; then
            umount "$root/var/cache/apt/archives" \
                || umount -l "$root/var/cache/apt/archives"
        fi
        root_unmount
    fi
}
trap cleanup EXIT

# starts a command in the root in the background, its output to LOG (in
# the root); the pid recorded is the command's (chroot and env exec it; a
# backgrounded shell function would record a subshell's)
start_in_root() {
    local log=$1
    shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 "$@" > "$root$log" 2>&1 &
    pids+=($!)
}

free_port() {
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
        LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1)->sockport'
}

# polls URL until it answers STATUS, for at most SECONDS; prints how many
# requests it took
poll_status() {
    local url=$1 want=$2 secs=$3 got="" n=0 end
    end=$(($(date +%s%N) + secs * 1000000000))
    while [ "$(date +%s%N)" -lt "$end" ]; do
        n=$((n + 1))
        got=$(in_root curl -s -o /dev/null -w '%{http_code}' "$url" || true)
        if [ "$got" = "$want" ]; then
            echo "$want on request $n"
            return 0
        fi
        sleep 0.05
    done
    echo "no $want from $url within ${secs}s (last: $got, $n requests)"
    return 1
}

# -- the checks run in the clean root ------------------------------------

t_install() {
    local d debs=()
    for d in "$root"/tmp/pkgs/*.deb; do
        debs+=("/tmp/pkgs/${d##*/}")
    done
    echo "apt-get install ${debs[*]} nginx redis-server"
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        "${debs[@]}" nginx redis-server curl
}

t_module_enabled() {
    local link=$root/etc/nginx/modules-enabled/50-mod-http-maint.conf
    [ -L "$link" ] || { echo "no symlink $link"; return 1; }
    [ "$(readlink "$link")" = \
      /usr/share/nginx/modules-available/mod-http-maint.conf ] \
        || { echo "$link -> $(readlink "$link")"; return 1; }
    in_root grep -qx 'load_module modules/ngx_maint_module.so;' \
        /etc/nginx/modules-enabled/50-mod-http-maint.conf || return 1
    [ -f "$root/usr/lib/nginx/modules/ngx_maint_module.so" ] || return 1
    echo "ok: $(readlink "$link")"
}

t_admin_files() {
    local st
    in_root getent passwd ngx-maint | grep -q ':/nonexistent:/usr/sbin/nologin$' \
        || { in_root getent passwd ngx-maint; return 1; }
    st=$(in_root stat -c '%U:%G %a' /etc/ngx-maint/admin.conf)
    [ "$st" = "root:ngx-maint 640" ] || { echo "admin.conf: $st"; return 1; }
    # the shipped configuration is valid, read as the service user
    in_root setpriv --reuid=ngx-maint --regid=ngx-maint --init-groups \
        /usr/sbin/maint-admind -t --config /etc/ngx-maint/admin.conf
}

t_unit_enabled() {
    [ -L "$root/etc/systemd/system/multi-user.target.wants/maint-admind.service" ]
}

t_nginx_t() {
    in_root nginx -t
}

# the unit's ExecStart as its User (no systemd in the root)
t_admind_start() {
    local unit exec user
    unit=$(in_root dpkg -L ngx-maint-admin | grep '/maint-admind\.service$')
    exec=$(sed -n 's/^ExecStart=//p' "$root$unit")
    user=$(sed -n 's/^User=//p' "$root$unit")
    echo "$unit: User=$user ExecStart=$exec"
    # shellcheck disable=SC2086
    start_in_root /tmp/maint-admind.log setpriv --reuid="$user" \
        --regid="$user" --init-groups --no-new-privs --inh-caps=-all \
        --bounding-set=-all $exec
    local end=$(($(date +%s) + 10))
    until ctl status --app default > /dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$end" ]; then
            cat "$root/tmp/maint-admind.log"
            ctl status --app default
            return 1
        fi
        sleep 0.05
    done
    # running as the user, without privileges
    local pid=${pids[-1]} uid
    uid=$(in_root id -u "$user")
    awk -v u="$uid" '/^Uid:/ { ok = ($2 == u && $3 == u) }
                     END { exit !ok }' "/proc/$pid/status" || return 1
    grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$pid/status" || return 1
    grep -q '^CapEff:[[:space:]]*0*$' "/proc/$pid/status" || return 1
    echo "pid $pid uid $uid ($user), no new privileges, no capabilities"
}

ctl() {
    in_root env MAINT_API_URL="http://127.0.0.1:$admin_port" \
        MAINT_API_TOKEN="$token" maintctl "$@"
}

t_window_503() {
    local json
    json=$(ctl --json window create --app smoke --title "Package smoke test" \
               --start now --for 10m)
    window=$(printf '%s' "$json" \
                 | perl -ne 'print $1 if /"id"\s*:\s*"(w_[^"]+)"/' | head -1)
    [ -n "$window" ] || { echo "$json"; return 1; }
    echo "window $window"
    poll_status "http://127.0.0.1:$site_port/" 503 5
}

t_window_complete_200() {
    ctl window complete "$window"
    poll_status "http://127.0.0.1:$site_port/" 200 5
}

# -- the same root booted with systemd as its init ------------------------

# Boots the root's systemd as PID 1 of new PID, mount, UTS, IPC and network
# namespaces (only a loopback: the Debian units' default ports collide with
# nothing), as a container manager would: its own /dev, /proc, a read-only
# /sys, a cgroup2 hierarchy, pivot_root.  Sets sd_pid (its pid here).
boot_systemd() {
    unshare --fork --pid --mount --uts --ipc --net bash -euc '
        r=$1
        mount --make-rprivate /
        mount --bind "$r" "$r"
        mount -t tmpfs -o mode=755 tmpfs "$r/dev"
        for n in null zero full random urandom tty; do
            touch "$r/dev/$n"
            mount --bind "/dev/$n" "$r/dev/$n"
        done
        mkdir -p "$r/dev/pts" "$r/dev/shm"
        mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts"
        ln -s pts/ptmx "$r/dev/ptmx"
        mount -t tmpfs tmpfs "$r/dev/shm"
        mount -t proc proc "$r/proc"
        mount -t sysfs -o ro sysfs "$r/sys"
        mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup"
        mkdir -p "$r/.oldroot"
        cd "$r"
        pivot_root . .oldroot
        cd /
        umount -l /.oldroot
        exec /usr/bin/env -i container=ngx-maint-test \
            /lib/systemd/systemd --system --log-target=journal
    ' boot "$root" > "$root.boot.log" 2>&1 &
    sd_unshare=$!
    pids+=("$sd_unshare")
    sd_pid=""
    local end=$(($(date +%s) + 10))
    until [ -n "$sd_pid" ]; do
        sd_pid=$(pgrep -P "$sd_unshare" || true)
        [ "$(date +%s)" -lt "$end" ] || return 1
        [ -n "$sd_pid" ] || sleep 0.05
    done
}

# a command in the booted root
sd() {
    nsenter -t "$sd_pid" -a -r -w /usr/bin/env -i \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

t_systemd_boot() {
    local state="" end=$(($(date +%s) + 60))
    boot_systemd || { cat "$root.boot.log"; return 1; }
    while [ "$(date +%s)" -lt "$end" ]; do
        state=$(sd systemctl is-system-running 2>/dev/null || true)
        case $state in running|degraded) break ;; esac
        sleep 0.1
    done
    echo "systemd $(sd systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p'): $state"
    sd systemctl --no-pager --failed
    case $state in running|degraded) ;; *) cat "$root.boot.log"; return 1 ;; esac
}

# a line of a /proc/PID/status text matching a pattern, or why not
t_status_has() {
    printf '%s\n' "$1" | grep -Eq "$2" && return 0
    echo "MainPID ${pid:-?}: no line matches $2 in:"
    printf '%s\n' "$1" | grep -E '^(Name|State|Uid|NoNewPrivs|Seccomp|CapEff):' \
        | sed 's/^/    /'
    return 1
}

# the unit as shipped: active, as its user, sandboxed, logging to the journal
t_systemd_unit() {
    local pid st uid
    sd systemctl is-active maint-admind || {
        sd systemctl --no-pager status maint-admind
        sd journalctl --no-pager -u maint-admind -n 20
        return 1
    }
    pid=$(sd systemctl show -p MainPID --value maint-admind)
    st=$(sd cat "/proc/$pid/status")
    uid=$(sd id -u ngx-maint)
    # each condition says which one failed, with what the kernel says
    t_status_has "$st" "^Uid:[[:space:]]+$uid[[:space:]]+$uid" || return 1
    t_status_has "$st" '^NoNewPrivs:[[:space:]]*1' || return 1
    t_status_has "$st" '^Seccomp:[[:space:]]*2' || return 1
    t_status_has "$st" '^CapEff:[[:space:]]*0*$' || return 1
    sd journalctl --no-pager -o cat -u maint-admind | grep -q '"msg":"listening"' \
        || { sd journalctl --no-pager -u maint-admind; return 1; }
    echo "MainPID $pid: uid $uid, seccomp filter, no capabilities, no new privileges;"
    echo "journal: $(sd journalctl --no-pager -o cat -u maint-admind \
                        | grep '"msg":"listening"' | tail -1)"
    sd systemd-analyze security --no-pager maint-admind | tail -1
}

sd_ctl() {
    sd env MAINT_API_URL="http://127.0.0.1:8090" MAINT_API_TOKEN="$token" \
        maintctl "$@"
}

sd_poll() {
    local want=$1 got="" n=0 end=$(($(date +%s%N) + 5000000000))
    while [ "$(date +%s%N)" -lt "$end" ]; do
        n=$((n + 1))
        got=$(sd curl -s -o /dev/null -w '%{http_code}' \
                  "http://127.0.0.1:8080/" || true)
        if [ "$got" = "$want" ]; then
            echo "$want on request $n"
            return 0
        fi
        sleep 0.05
    done
    echo "no $want within 5s (last: $got, $n requests)"
    return 1
}

# nginx.service, redis-server.service and maint-admind.service as Debian
# runs them: a window made with maintctl -> 503, completed -> 200
t_systemd_smoke() {
    local json window
    sd_poll 200 || return 1
    json=$(sd_ctl --json window create --app smoke --title "Package smoke test" \
               --start now --for 10m) || { echo "$json"; return 1; }
    window=$(printf '%s' "$json" \
                 | perl -ne 'print $1 if /"id"\s*:\s*"(w_[^"]+)"/' | head -1)
    echo "window $window"
    sd_poll 503 || return 1
    sd_ctl window complete "$window" > /dev/null || return 1
    sd_poll 200
}

# systemctl reload: the configuration checked, then SIGHUP; the daemon
# keeps running (the same process) and answers
t_systemd_reload() {
    local before after
    before=$(sd systemctl show -p MainPID --value maint-admind)
    sd systemctl reload maint-admind || {
        sd journalctl --no-pager -u maint-admind -n 10
        return 1
    }
    after=$(sd systemctl show -p MainPID --value maint-admind)
    echo "MainPID $before -> $after"
    [ "$before" = "$after" ] || return 1
    sd_ctl status --app default > /dev/null
}

stop_systemd() {
    local end=$(($(date +%s) + 20))
    sd systemctl poweroff > /dev/null 2>&1 || true
    while kill -0 "$sd_unshare" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$end" ]; then
            kill -KILL "$sd_pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    wait "$sd_unshare" 2>/dev/null || true
}

test_release() {
    local release=$1 out rc tag debs
    case $release in
        bookworm) label="Debian 12 packages" tag=deb12 ;;
        trixie)   label="Debian 13 packages" tag=deb13 ;;
    esac
    out=build/packages/$release
    version="$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)+$tag"

    set +e
    scripts/package.sh "$release" 2>&1 | sed "s/^/  /"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        not_ok "build ($out/build.log)"
        return
    fi
    ok "build: $(cd "$out" && ls ./*.deb | grep -v dbgsym | tr '\n' ' ')"
    if [ "$rc" -eq 0 ]; then
        ok "lintian: no errors ($out/lintian.txt)"
    else
        not_ok "lintian: errors ($out/lintian.txt)"
    fi

    # the unit as shipped, judged by this machine's systemd-analyze
    rm -rf "$out/unpacked"
    dpkg-deb -x "$out/ngx-maint-admin_${version}_"*.deb "$out/unpacked"
    check "systemd-analyze security: exposure 2.0 or less" \
        systemd-analyze security --offline=true --threshold=20 \
        --no-pager "$(find "$out/unpacked" -name maint-admind.service)"

    # the clean root
    exec 8> "$roots/pkg-$release.lock"
    flock 8
    root=$roots/pkg-clean-$release
    rm -rf "$root"
    cp -a "$roots/pkg-base-$release" "$root"
    root_prepare
    root_mount
    mkdir -p "$roots/pkg-apt-$release/partial"
    mount --bind "$roots/pkg-apt-$release" "$root/var/cache/apt/archives"
    mkdir -p "$root/tmp/pkgs"
    debs=$(cd "$out" && ls ./*.deb | grep -v dbgsym)
    (cd "$out" && cp $debs "$root/tmp/pkgs/")

    check "apt-get install ./libnginx-mod-http-maint ./ngx-maint-admin nginx redis-server (in a clean root)" \
        t_install
    if [ ! -x "$root/usr/sbin/maint-admind" ]; then
        tail -30 "$root/var/log/apt/term.log" 2>/dev/null || true
        cleanup; root=""
        return
    fi
    check "module enabled: /etc/nginx/modules-enabled/50-mod-http-maint.conf" \
        t_module_enabled
    check "user ngx-maint, /etc/ngx-maint/admin.conf root:ngx-maint 0640, valid" \
        t_admin_files
    check "maint-admind.service enabled" t_unit_enabled

    redis_port=$(free_port) admin_port=$(free_port)
    site_port=$(free_port) app_port=$(free_port)

    # a site using the module in front of an upstream (a server block)
    rm -f "$root/etc/nginx/sites-enabled/default"
    cat > "$root/etc/nginx/sites-available/smoke" <<SITE
maint_redis 127.0.0.1:$redis_port timeout=200ms;

server {
    listen 127.0.0.1:$app_port;
    location / { return 200 "the app\n"; }
}

server {
    listen 127.0.0.1:$site_port;
    maint on;
    maint_app smoke;
    location / { proxy_pass http://127.0.0.1:$app_port; }
}
SITE
    ln -s ../sites-available/smoke "$root/etc/nginx/sites-enabled/smoke"
    check "nginx -t: the module loaded, a site with maint directives" t_nginx_t

    # the configuration as an operator writes it: the addresses and a
    # token made with gen-token (which prints the token once, and the line)
    local gen
    gen=$(in_root maint-admind gen-token smoke admin)
    token=$(printf '%s\n' "$gen" | sed -n 's/^token: *//p')
    {
        printf '\nlisten 127.0.0.1:%s\nredis 127.0.0.1:%s\n' \
            "$admin_port" "$redis_port"
        printf '%s\n' "$gen" | sed -n 's/^config: //p'
    } >> "$root/etc/ngx-maint/admin.conf"

    start_in_root /tmp/redis.log redis-server --port "$redis_port" \
        --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir /tmp
    start_in_root /tmp/nginx.log nginx -g 'daemon off;'

    check "maint-admind started as the unit starts it (setpriv, user ngx-maint)" \
        t_admind_start
    check "smoke: the site answers 200 (the app)" \
        poll_status "http://127.0.0.1:$site_port/" 200 5
    check "smoke: maintctl window create --start now -> 503" t_window_503
    check "smoke: maintctl window complete -> 200" t_window_complete_200
    stop_all

    # The unit itself, under the release's systemd: the same root with
    # systemd installed and booted, the services as Debian starts them
    # (Redis and the admin API on their default ports, the site on 8080)
    rm -f "$root/usr/sbin/policy-rc.d"
    if ! in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            systemd systemd-sysv dbus > "$root.systemd.log" 2>&1; then
        not_ok "systemd installed in the root"
        tail -20 "$root.systemd.log"
    else
        sed -i -e "s/^listen 127.0.0.1:$admin_port/listen 127.0.0.1:8090/" \
            -e "s/^redis 127.0.0.1:$redis_port/redis 127.0.0.1:6379/" \
            "$root/etc/ngx-maint/admin.conf"
        sed -i -e "s/127.0.0.1:$redis_port/127.0.0.1:6379/" \
            -e "s/127.0.0.1:$site_port/127.0.0.1:8080/" \
            "$root/etc/nginx/sites-available/smoke"
        cleanup
        check "systemd boots the root" t_systemd_boot
        check "systemd: maint-admind.service active, sandboxed, logs in the journal" \
            t_systemd_unit
        check "systemd: smoke through nginx, redis-server and maint-admind units (503, then 200)" \
            t_systemd_smoke
        if grep -q SIGHUP admin-api/main.c; then
            check "systemd: systemctl reload maint-admind keeps the process" \
                t_systemd_reload
        else
            echo "$label: skip - systemctl reload (no SIGHUP handler in" \
                 "admin-api/main.c yet: issue 14, part 4)"
        fi
        stop_systemd
    fi

    cleanup
    root=""
    exec 8>&-
}

for r in "${releases[@]}"; do
    test_release "$r"
done

echo "Debian packages: $passed passed, $failed failed"
if [ -n "${MAINT_SUMMARY:-}" ]; then
    { echo "$passed $failed"
      [ ${#bad[@]} -eq 0 ] || printf '%s\n' "${bad[@]}"
    } > "$MAINT_SUMMARY"
fi
[ "$failed" -eq 0 ]
