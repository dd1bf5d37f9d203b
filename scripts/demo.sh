#!/usr/bin/env bash
# Starts the demo on a fresh Debian machine: installs what is missing,
# builds the module, the admin API and maintctl, starts Redis, the admin
# API (with a new admin token), the sample legacy app ("Acme CRM") and NGINX
# with the module in front, and a local SMTP server that keeps the mail the
# admin API sends (t/lib/smtp_sink.py: every window notifies the target
# "demo-mail", whose messages land as .eml files in demo/run/mail) and a
# webhook receiver that checks their signatures (t/lib/webhook_sink.py,
# target "demo-hook", demo/run/webhooks.jsonl), and
# prints where to look and how to schedule maintenance.
# `scripts/demo.sh stop` stops it all.
#
# Ports: DEMO_PORT (gateway, 8080), DEMO_APP_PORT (8081), DEMO_API_PORT
# (admin API, 8090), DEMO_REDIS_PORT (6380), DEMO_SMTP_PORT (the SMTP
# sink, 8025).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
run=$root/demo/run

port=${DEMO_PORT:-8080}
app_port=${DEMO_APP_PORT:-8081}
redis_port=${DEMO_REDIS_PORT:-6380}
api_port=${DEMO_API_PORT:-8090}
smtp_port=${DEMO_SMTP_PORT:-8025}
hook_port=${DEMO_HOOK_PORT:-8026}

step() {            # step TEXT: one line of progress
    printf '%s\n' "-- $*"
}

stop() {
    for name in nginx app admin smtp hook redis; do
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

# A start that fails half-way stops what it had started.
started=""
on_exit() {
    local rc=$?
    if [ "$rc" -ne 0 ] && [ -n "$started" ]; then
        echo "stopping what the demo had started" >&2
        stop
    fi
}
trap on_exit EXIT

fail() {            # fail MESSAGE...
    echo "demo: $*" >&2
    exit 1
}

wait_for() {        # wait_for WHAT LOG COMMAND...: up to 10 s
    local what=$1 log=$2; shift 2
    for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "demo: $what did not start; the end of $log:" >&2
    tail -n 5 "$log" >&2 || true
    exit 1
}

# Every port is checked before anything starts, so a busy one is named
# with the variable that moves it instead of surfacing as a bind error in
# some log.
check_ports() {
    local spec var p who
    for spec in "DEMO_PORT $port gateway" "DEMO_APP_PORT $app_port app" \
                "DEMO_API_PORT $api_port admin API" \
                "DEMO_REDIS_PORT $redis_port Redis" \
                "DEMO_SMTP_PORT $smtp_port SMTP sink" \
                "DEMO_HOOK_PORT $hook_port webhook receiver"
    do
        read -r var p who <<<"$spec"
        if ss -Hltn "sport = :$p" | grep -q .; then
            fail "port $p (the $who, $var) is in use by another" \
                 "program; choose a free one, e.g." \
                 "$var=$((p + 100)) scripts/demo.sh"
        fi
    done
}

if [ "${1:-start}" = stop ]; then
    stop
    echo "demo stopped"
    exit 0
fi

step "checking the packages it needs"
scripts/install-deps.sh
step "building the module, maint-admind and maintctl"
make -s module admin
stop
check_ports
started=1

mkdir -p "$run/logs" "$run/tmp" "$run/sessions" "$run/mail"

step "starting Redis on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$run/redis.pid" --logfile "$run/logs/redis.log" \
    --dir "$run"
wait_for Redis "$run/logs/redis.log" redis-cli -p "$redis_port" ping

# where the notification mail goes: a real SMTP server on loopback that
# keeps each message as demo/run/mail/N.eml (plain SMTP: a local relay,
# hence smtp_starttls off below; the tests run it with STARTTLS and AUTH)
step "starting the SMTP sink on 127.0.0.1:$smtp_port (mail kept in $run/mail)"
nohup /usr/bin/python3 t/lib/smtp_sink.py --dir "$run/mail" --port "$smtp_port" \
    >"$run/logs/smtp.log" 2>&1 &
echo $! >"$run/smtp.pid"
wait_for "the SMTP sink" "$run/logs/smtp.log" grep -q ready "$run/logs/smtp.log"

# where the webhooks go: a receiver on loopback that checks each one's
# Standard Webhooks signature with the target's secret (made here, given
# to the target below) and keeps every request as a JSON line
hook_secret="whsec_$(head -c 32 /dev/urandom | base64)"
step "starting the webhook receiver on 127.0.0.1:$hook_port (requests kept in $run/webhooks.jsonl)"
nohup /usr/bin/python3 t/lib/webhook_sink.py --port "$hook_port" \
    --log "$run/webhooks.jsonl" --secret "$hook_secret" \
    >"$run/logs/hook.log" 2>&1 &
echo $! >"$run/hook.pid"
wait_for "the webhook receiver" "$run/logs/hook.log" grep -q ready "$run/logs/hook.log"

# the admin API, with a fresh admin token (and a viewer one) each start
admin=$(build/maint-admind gen-token demo admin)
viewer=$(build/maint-admind gen-token board viewer)
token=$(sed -n 's/^token: *//p' <<<"$admin")
viewer_token=$(sed -n 's/^token: *//p' <<<"$viewer")
{
    echo "listen 127.0.0.1:$api_port"
    echo "redis 127.0.0.1:$redis_port"
    echo "public_url http://127.0.0.1:$api_port"
    echo "smtp_url smtp://127.0.0.1:$smtp_port"
    echo "smtp_starttls off"
    echo "smtp_from maintenance@demo.example"
    echo "notify_backoff 1s"
    sed -n 's/^config: *//p' <<<"$admin"
    sed -n 's/^config: *//p' <<<"$viewer"
} >"$run/admin.conf"
chmod 600 "$run/admin.conf"

step "starting the admin API on 127.0.0.1:$api_port"
nohup build/maint-admind --config "$run/admin.conf" >"$run/logs/admin.log" 2>&1 &
echo $! >"$run/admin.pid"
wait_for "the admin API" "$run/logs/admin.log" curl -sf "http://127.0.0.1:$api_port/healthz"

cat >"$run/env" <<ENV
export MAINT_API_URL=http://127.0.0.1:$api_port
export MAINT_API_TOKEN=$token
export PATH="$root/build:\$PATH"
ENV
chmod 600 "$run/env"

# a superadmin, who may work on the app during a window; the credential is
# shown this once (the API keeps only its hash)
credential=$(MAINT_API_URL=http://127.0.0.1:$api_port MAINT_API_TOKEN=$token \
             build/maintctl superadmin add ops 2>/dev/null \
             | sed -n 's/^credential: *//p')

# an email target and a webhook that every window notifies (the
# settings' default)
MAINT_API_URL=http://127.0.0.1:$api_port MAINT_API_TOKEN=$token \
    build/maintctl notify target add demo-mail \
    --email ops@demo.example,dba@demo.example >/dev/null \
    && MAINT_API_URL=http://127.0.0.1:$api_port MAINT_API_TOKEN=$token \
    build/maintctl notify target add demo-hook \
    --webhook "http://127.0.0.1:$hook_port/maintenance" \
    --secret "$hook_secret" >/dev/null \
    && MAINT_API_URL=http://127.0.0.1:$api_port MAINT_API_TOKEN=$token \
    build/maintctl settings set --notify-default-targets demo-mail,demo-hook \
    >/dev/null \
    || fail "could not make the notification targets demo-mail and demo-hook"

step "starting the app (Acme CRM) on 127.0.0.1:$app_port"
nohup perl demo/app.pl "$app_port" "$run/sessions" >"$run/logs/app.log" 2>&1 &
echo $! >"$run/app.pid"
wait_for "the app" "$run/logs/app.log" curl -sf "http://127.0.0.1:$app_port/health"

step "starting NGINX with the module on 127.0.0.1:$port"
sed -e "s|@ROOT@|$root|g" -e "s|@RUN@|$run|g" -e "s|@PORT@|$port|g" \
    -e "s|@APP_PORT@|$app_port|g" -e "s|@REDIS_PORT@|$redis_port|g" \
    demo/nginx.conf.in >"$run/nginx.conf"
nginx -p "$run" -c "$run/nginx.conf" -e "$run/logs/error.log" \
    || fail "NGINX did not start; see $run/logs/error.log"
wait_for NGINX "$run/logs/error.log" curl -sf "http://127.0.0.1:$port/health"

cat <<TXT

ngx_maint demo is running.

  Acme CRM through the gateway   http://127.0.0.1:$port/   (sign in as anyone)
  Acme CRM directly (no gateway) http://127.0.0.1:$app_port/
  Admin page (and API)           http://127.0.0.1:$api_port/  (sign in with the admin token;
                                 a whole maintenance from there: schedule, start, complete,
                                 sessions, superadmins; /openapi.json, /healthz)
  Gateway metrics                http://127.0.0.1:$port/metrics
  Gateway log (\$maint_status)   $run/logs/access.log

  Mail the admin API sends       $run/mail/   (one N.eml per message: plain text,
                                 HTML and a calendar invitation; every window notifies
                                 "demo-mail", ops@ and dba@demo.example: open one in a
                                 mail client, or: ls $run/mail; cat $run/mail/1.eml)
  Signed webhooks received       $run/webhooks.jsonl   (one JSON line per request to
                                 "demo-hook": its type, webhook-id and whether its
                                 signature checked out, sig_valid)
  Notifications sent:            maintctl notify deliveries

  Admin token:   $token
  Viewer token:  $viewer_token

  First, in your shell:          source demo/run/env     (MAINT_API_URL, MAINT_API_TOKEN, PATH)

  A window in 10 minutes:        maintctl window create --app crm --title "Database upgrade" \\
                                   --start \$(date -u -d '+10 min' +%FT%TZ) --for 30m \\
                                   --notify-message "Acme CRM goes down for maintenance at 22:00"
                                 (every page shows the notice as a dismissible banner)
  Start it now:                  maintctl window start ID
  ...or a window right now:      maintctl window create --app crm --title Deploy --start now --for 30m \\
                                   --message "Upgrading the database"
  What the edge decides:         maintctl status --app crm
  End it (app is back):          maintctl window complete ID
  All windows:                   maintctl window list
  Read-only maintenance:         add --mode read_only to create
  Try the API side:              curl -i http://127.0.0.1:$port/api/orders

  Sessions and superadmins (README, "The superadmin flow"):
  Superadmin "ops", credential:  $credential
  Sign in to the CRM as alice, then as bob in a private window.
  The sessions the edge saw:     maintctl sessions list
  Log bob off:                   maintctl sessions end ID-PREFIX
  Everyone but alice:            maintctl sessions end-all --app crm --except ID-PREFIX --yes
  A window that logs everyone off, superadmins excepted:
                                 maintctl window create --app crm --title Upgrade --start now \\
                                   --for 30m --terminate-sessions
  Get in as the superadmin:      http://127.0.0.1:$port/customers?forceLogin=true
                                 (name ops, the credential above; then the CRM's own login)

  Stop the demo:                 scripts/demo.sh stop
TXT
