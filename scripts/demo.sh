#!/usr/bin/env bash
# Starts the demo on a fresh Debian machine: installs what is missing,
# builds the module, starts Redis, the sample legacy app ("Acme CRM") and
# NGINX with the module in front, and prints where to look and how to
# switch maintenance on and off.  `scripts/demo.sh stop` stops it all.
#
# Ports: DEMO_PORT (gateway, 8080), DEMO_APP_PORT (8081), DEMO_REDIS_PORT
# (6380).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
run=$root/demo/run

port=${DEMO_PORT:-8080}
app_port=${DEMO_APP_PORT:-8081}
redis_port=${DEMO_REDIS_PORT:-6380}

stop() {
    for name in nginx app redis; do
        local f="$run/$name.pid"
        [ -f "$f" ] || continue
        local pid
        pid=$(cat "$f")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$f"
    done
}

wait_for() {        # wait_for WHAT COMMAND...: up to 10 s
    local what=$1; shift
    for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "$what did not start; see $run/logs" >&2
    exit 1
}

if [ "${1:-start}" = stop ]; then
    stop
    echo "demo stopped"
    exit 0
fi

scripts/install-deps.sh
make -s module
stop

mkdir -p "$run/logs" "$run/tmp" "$run/sessions"

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$run/redis.pid" --logfile "$run/logs/redis.log" \
    --dir "$run"
wait_for Redis redis-cli -p "$redis_port" ping

nohup perl demo/app.pl "$app_port" "$run/sessions" >"$run/logs/app.log" 2>&1 &
echo $! >"$run/app.pid"
wait_for "the app" curl -sf "http://127.0.0.1:$app_port/health"

sed -e "s|@ROOT@|$root|g" -e "s|@RUN@|$run|g" -e "s|@PORT@|$port|g" \
    -e "s|@APP_PORT@|$app_port|g" -e "s|@REDIS_PORT@|$redis_port|g" \
    demo/nginx.conf.in >"$run/nginx.conf"
nginx -p "$run" -c "$run/nginx.conf" -e "$run/logs/error.log"
wait_for NGINX curl -sf "http://127.0.0.1:$port/health"

export DEMO_REDIS_PORT=$redis_port
demo/maint off >/dev/null

cat <<TXT

ngx_maint demo is running.

  Acme CRM through the gateway   http://127.0.0.1:$port/   (sign in as anyone)
  Acme CRM directly (no gateway) http://127.0.0.1:$app_port/
  Gateway metrics                http://127.0.0.1:$port/metrics
  Gateway log (\$maint_status)   $run/logs/access.log

  Maintenance on, now:           demo/maint on --for 30m --message "Upgrading the database"
  Read-only maintenance:         demo/maint on --read-only
  A window in 10 minutes:        demo/maint soon --in 10m      (banner on every page)
  Maintenance off:               demo/maint off
  Try the API side:              curl -i http://127.0.0.1:$port/api/orders
  Stop the demo:                 scripts/demo.sh stop
TXT
[ "$redis_port" = 6380 ] || echo "  (export DEMO_REDIS_PORT=$redis_port for demo/maint)"
