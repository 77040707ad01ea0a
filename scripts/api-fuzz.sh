#!/usr/bin/env bash
# Fuzz the API with schemathesis (all checks, a bounded number of examples per operation) against
# its own OpenAPI document, on a throwaway server: a command beside the bench (issue 12).
#
#   bash scripts/api-fuzz.sh [--examples N] [--as LOGIN] [--seed N] [--port P] [-- schemathesis args]
#
#   --examples N   test cases per API operation (default 20)
#   --as LOGIN     the demo login whose token the requests carry (default senco; see `sendpath demo`)
#   --seed N       schemathesis' random seed (default 1), so a run can be repeated
#   --port P       where gunicorn listens on 127.0.0.1 (default 18797)
#
# Steps: a fresh SENDPATH_DATA_DIR (SQLite) with the demo schools built in it and the static files
# collected, an API token for
# the chosen login, gunicorn on 127.0.0.1 with DEBUG off, then `schemathesis run` of
# /api/v1/openapi.json with --checks all. gunicorn is stopped by its PID and the data directory
# removed on exit. Exit code: schemathesis' (non-zero when a check failed). A server error (5xx)
# shows as a `not_a_server_error` failure, with the request as a curl command to repeat it.
# It uses .venv (scripts/venv.sh), where the dev extra installs schemathesis.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.venv/bin"
EXAMPLES=20
LOGIN=senco
SEED=1
PORT="${SENDPATH_FUZZ_PORT:-18797}"
EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --examples) EXAMPLES="$2"; shift 2 ;;
        --as) LOGIN="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --) shift; EXTRA=("$@"); break ;;
        *) echo "api-fuzz: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ ! -x "$BIN/schemathesis" ]; then
    echo "api-fuzz: $BIN/schemathesis is missing: run bash scripts/venv.sh" >&2
    exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-fuzz.XXXXXX")"
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export SENDPATH_DATA_DIR="$WORK/data" DJANGO_SETTINGS_MODULE=sendpath.settings SENDPATH_DEBUG=0
unset SENDPATH_DATABASE_URL DATABASE_URL
cd "$ROOT"
echo "api-fuzz: building the demo in $SENDPATH_DATA_DIR"
"$BIN/sendpath" demo --no-serve >/dev/null
# DEBUG off serves pages through the static manifest: without it every error page is a 500.
"$BIN/sendpath" collectstatic --noinput -v0
KEY="$("$BIN/sendpath" shell --no-imports -c "
from accounts.models import ApiToken, User
from records.demo import username
print(ApiToken.issue(user=User.objects.get(username=username('$LOGIN')), name='api-fuzz')[1])
" | tail -n 1)"

"$BIN/gunicorn" sendpath.wsgi --bind "127.0.0.1:$PORT" --workers 2 --no-control-socket \
    --access-logfile - >"$WORK/access.log" 2>"$WORK/server.log" &
GUNICORN_PID=$!
for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done

# The document is fetched once here: built cold on a busy machine it takes longer than
# schemathesis' 10 s for loading a schema.
curl -fsS --max-time 300 "http://127.0.0.1:$PORT/api/v1/openapi.json" -o "$WORK/openapi.json"
echo "api-fuzz: schemathesis, $EXAMPLES examples per operation, as $LOGIN, seed $SEED"
status=0
"$BIN/schemathesis" run "$WORK/openapi.json" --url "http://127.0.0.1:$PORT" \
    --checks all --max-examples "$EXAMPLES" --seed "$SEED" --workers 2 \
    --header "Authorization: Bearer $KEY" --generation-database none --no-color \
    --report-dir "$WORK/report" "${EXTRA[@]}" || status=$?
echo "api-fuzz: 5xx answers in the server's access log:"
awk '$9 ~ /^5/ {print $6, $7, $9}' "$WORK/access.log" | sort | uniq -c | sort -rn || true
echo "api-fuzz: the exceptions behind them:"
grep -E "^Internal Server Error|^[A-Za-z_.]+(Error|Exception)(:|$)" "$WORK/server.log" \
    | sort | uniq -c | sort -rn | head -40 || true
exit "$status"
