#!/usr/bin/env bash
# A load run: the bench database on PostgreSQL served by gunicorn, driven by wrk on loopback.
#
#   SENDPATH_PG_PORT=54339 bash scripts/with-postgres.sh bash scripts/bench-load.sh [OPTIONS]
#
# Options (all optional):
#   --scale tiny|school|la   data to seed when there is no bench database yet (default: la)
#   --reuse                  use an existing <name>_bench database instead of seeding a new one
#   --workers N              gunicorn workers (default 2)
#   --duration 30s           how long wrk drives each page (default 30s)
#   --connections N          wrk's open connections (default 8; wrk uses 2 threads)
#   --pages "a b"            which bench pages to drive (default: pupil_record register school_home la_overview)
#   --out FILE               also write the results as JSON here
#
# It needs SENDPATH_DATABASE_URL to point at a PostgreSQL database (scripts/with-postgres.sh sets
# it). Steps: `sendpath bench --scale S --keep` seeds <name>_bench (and prints the in-process
# figures), collectstatic into a temporary STATIC_ROOT, a session for the bench SENCo and one for
# the bench LA officer, gunicorn on 127.0.0.1 with --no-control-socket and DEBUG off, then wrk on
# each page for the duration, bounded by `timeout`. gunicorn is stopped by its PID on exit; the
# bench database is left for scripts/bench-backup-restore.sh (with-postgres.sh deletes the whole
# cluster when it exits).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
SCALE=la
REUSE=0
WORKERS=2
DURATION=30s
CONNECTIONS=8
PAGES="pupil_record register school_home la_overview"
OUT=""
PORT="${SENDPATH_LOAD_PORT:-18787}"  # gunicorn listens on 127.0.0.1 only

while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE="$2"; shift 2 ;;
        --reuse) REUSE=1; shift ;;
        --workers) WORKERS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --pages) PAGES="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        *) echo "bench-load: unknown option $1" >&2; exit 2 ;;
    esac
done

case "${SENDPATH_DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *)
        echo "bench-load: SENDPATH_DATABASE_URL must point at PostgreSQL; run it as" >&2
        echo "  SENDPATH_PG_PORT=54339 bash scripts/with-postgres.sh bash scripts/bench-load.sh" >&2
        exit 2
        ;;
esac

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "bench-load: installing wrk (Debian package)"
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        echo "bench-load: wrk is missing: apt-get install -y wrk" >&2
        exit 1
    fi
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-load.XXXXXX")"
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

BASE_URL="${SENDPATH_DATABASE_URL%/*}"
BENCH_DB="${SENDPATH_DATABASE_URL##*/}_bench"
BENCH_JSON="$WORK/bench.json"
export SENDPATH_DATA_DIR="$WORK/data"

cd "$ROOT"
if [ "$REUSE" = 1 ] && psql "$BASE_URL/$BENCH_DB" -Atc "select 1 from accounts_user where username = 'bench-senco'" 2>/dev/null | grep -q 1; then
    echo "bench-load: reusing $BENCH_DB"
    REUSED=1
else
    echo "bench-load: seeding $BENCH_DB at scale $SCALE (sendpath bench --keep)"
    "$PY" manage.py bench --scale "$SCALE" --keep --json "$BENCH_JSON"
    REUSED=0
fi

# From here on the app itself runs against the bench database, as in production: DEBUG off,
# hashed static files from collectstatic, no secure-cookie flag (plain HTTP on loopback).
export SENDPATH_DATABASE_URL="$BASE_URL/$BENCH_DB"
export SENDPATH_DEBUG=0 SENDPATH_SECURE_COOKIES=0 SENDPATH_ALLOWED_HOSTS=127.0.0.1
SENDPATH_SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SENDPATH_SECRET_KEY
"$PY" manage.py collectstatic --noinput -v 0

# One session per persona, made the way a sign-in makes it, and the bench's page paths.
"$PY" manage.py shell -v 0 -c "
import json
from django.test import Client
from accounts.models import Membership, User
from perf.bench import fullest_record
out = {}
for persona in ('bench-senco', 'bench-la-officer'):
    client = Client()
    client.force_login(User.objects.get(username=persona))
    out[persona] = client.cookies['sessionid'].value
pupil = fullest_record(Membership.objects.get(user__username='bench-senco').school)
out['paths'] = {'pupil_record': f'/staff/pupils/{pupil.pk}/', 'register': '/staff/register/',
                'school_home': '/staff/', 'la_overview': '/overview/'}
print(json.dumps(out))
" >"$WORK/sessions.json"

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "bench-load: something already listens on 127.0.0.1:$PORT (set SENDPATH_LOAD_PORT)" >&2
    exit 1
fi
"$ROOT/.venv/bin/gunicorn" sendpath.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
    --no-control-socket --access-logfile /dev/null --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 50); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }

field() { "$PY" -c "import json,sys; d=json.load(open('$WORK/sessions.json')); print($1)"; }
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
for page in $PAGES; do
    path="$(field "d['paths']['$page']")"
    who=bench-senco
    [ "$page" = la_overview ] && who=bench-la-officer
    cookie="sessionid=$(field "d['$who']")"
    status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path")"
    if [ "$status" != 200 ]; then
        echo "bench-load: $page ($path) answered $status, not 200" >&2
        tail -n 30 "$WORK/gunicorn.log" >&2
        exit 1
    fi
    echo "bench-load: wrk on $page ($path) for $DURATION, $CONNECTIONS connections, $WORKERS workers"
    # timeout bounds the run even if wrk hangs; wrk's own -d ends it normally.
    timeout 300 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $cookie" \
        "http://127.0.0.1:$PORT$path" | tee "$WORK/wrk-$page.txt"
    rps="$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk-$page.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$WORK/wrk-$page.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$page.txt")"
    total="$(awk '/requests in/ {print $1}' "$WORK/wrk-$page.txt")"
    non2xx="$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk-$page.txt")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$page" "$rps" "$p50" "$p99" "$total" "${non2xx:-0}" >>"$RESULTS"
done

echo
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "Load run: $WORKERS gunicorn workers, wrk -t2 -c$CONNECTIONS for $DURATION a page, $(nproc) cores, load average $LOADAVG"
printf '%-14s %10s %10s %10s %10s %8s\n' page req/s p50 p99 requests non-2xx
while IFS=$'\t' read -r page rps p50 p99 total non2xx; do
    printf '%-14s %10s %10s %10s %10s %8s\n' "$page" "$rps" "$p50" "$p99" "$total" "$non2xx"
done <"$RESULTS"

if [ -n "$OUT" ]; then
    "$PY" - "$RESULTS" "$OUT" "$WORKERS" "$CONNECTIONS" "$DURATION" "$LOADAVG" <<'EOF'
import json, os, sys
rows, out, workers, connections, duration, loadavg = sys.argv[1:]
pages = []
for line in open(rows):
    page, rps, p50, p99, total, non2xx = line.rstrip("\n").split("\t")
    pages.append({"name": page, "requests_per_second": float(rps), "latency_p50": p50,
                  "latency_p99": p99, "requests": int(total), "non_2xx": int(non2xx or 0)})
json.dump({"workers": int(workers), "connections": int(connections), "duration": duration,
           "cores": os.cpu_count(), "load_avg": [float(x) for x in loadavg.split()],
           "results": pages}, open(out, "w"), indent=2)
EOF
fi
if [ "$REUSED" = 0 ] && [ -n "$OUT" ]; then
    cp "$BENCH_JSON" "${OUT%.json}-bench.json"
fi
