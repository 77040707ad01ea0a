#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and delete the cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# - initdb into a fresh mktemp directory (as the `postgres` user when run as root: initdb refuses
#   root), trust auth, fsync off; listens on 127.0.0.1:$SENDPATH_PG_PORT (default 54329) and on a
#   unix socket inside the temp directory, so it never touches a system cluster.
# - creates the database `sendpath` and exports
#     SENDPATH_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/sendpath
#   (and PGHOST/PGPORT/PGUSER/PGDATABASE for psql), then runs CMD as the calling user.
# - always stops the cluster by its data directory and removes it (trap EXIT), and exits with
#   CMD's exit code.
# The server binaries are found with a glob (/usr/lib/postgresql/*/bin, newest major version), or
# taken from $SENDPATH_PG_BIN, or from initdb on PATH.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

PORT="${SENDPATH_PG_PORT:-54329}"

find_pgbin() {
    if [ -n "${SENDPATH_PG_BIN:-}" ]; then
        echo "$SENDPATH_PG_BIN"
        return
    fi
    local newest
    newest="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)"
    if [ -n "$newest" ]; then
        dirname "$newest"
        return
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    return 1
}

if ! PGBIN="$(find_pgbin)" || [ ! -x "$PGBIN/initdb" ]; then
    echo "with-postgres: no PostgreSQL server binaries (initdb) found." >&2
    echo "  Debian: apt-get install -y postgresql   (or: scripts/install-system-deps.sh test)" >&2
    exit 1
fi

PGTMP="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-pg.XXXXXX")"
PGDATA_DIR="$PGTMP/data"

# As root, the cluster belongs to `postgres`; otherwise to the calling user.
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "with-postgres: running as root but there is no 'postgres' user (install postgresql)." >&2
        rm -rf "$PGTMP"
        exit 1
    fi
    chown postgres:postgres "$PGTMP"
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    as_pg() { (cd / && "$@"); }
fi

# shellcheck disable=SC2329 # invoked by the EXIT trap
cleanup() {
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
            echo "with-postgres: could not stop the cluster in $PGDATA_DIR" >&2
    fi
    rm -rf "$PGTMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$PGTMP/initdb.log" 2>&1 || {
    echo "with-postgres: initdb failed:" >&2
    cat "$PGTMP/initdb.log" >&2
    exit 1
}

if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGTMP/server.log" -w -t 30 \
    -o "-p $PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    echo "with-postgres: the server did not start (is port $PORT in use? set SENDPATH_PG_PORT). Log:" >&2
    cat "$PGTMP/server.log" >&2 || true
    exit 1
fi

as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres sendpath

export SENDPATH_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/sendpath"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres PGDATABASE=sendpath
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (data in $PGDATA_DIR)"

set +e
"$@"
rc=$?
set -e
exit "$rc"
