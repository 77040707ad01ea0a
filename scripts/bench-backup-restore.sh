#!/usr/bin/env bash
# Prove a backup restores: pg_dump the bench database, restore it into a new database, compare
# the row count of every table, check the audit trail's append-only triggers came back and the
# schema is fully migrated, then drop the copy.
#
#   SENDPATH_PG_PORT=54339 bash scripts/with-postgres.sh bash scripts/bench-backup-restore.sh [--scale la] [--reuse]
#
# Needs SENDPATH_DATABASE_URL (PostgreSQL; scripts/with-postgres.sh sets it) and the PostgreSQL
# client tools (pg_dump, pg_restore, psql) of the server's major version. Seeds <name>_bench with
# `sendpath bench --scale S --keep` unless --reuse finds one already.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
SCALE=la
REUSE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) SCALE="$2"; shift 2 ;;
        --reuse) REUSE=1; shift ;;
        *) echo "bench-backup-restore: unknown option $1" >&2; exit 2 ;;
    esac
done

case "${SENDPATH_DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "bench-backup-restore: SENDPATH_DATABASE_URL must point at PostgreSQL" >&2; exit 2 ;;
esac

BASE_URL="${SENDPATH_DATABASE_URL%/*}"
SOURCE="${SENDPATH_DATABASE_URL##*/}_bench"
COPY="${SENDPATH_DATABASE_URL##*/}_restored"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-backup.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export SENDPATH_DATA_DIR="$WORK/data"
cd "$ROOT"

if [ "$REUSE" = 1 ] && psql "$BASE_URL/$SOURCE" -Atc "select 1" >/dev/null 2>&1; then
    echo "backup: reusing $SOURCE"
else
    echo "backup: seeding $SOURCE at scale $SCALE (sendpath bench --keep)"
    "$PY" manage.py bench --scale "$SCALE" --keep --repeats 3 --warmups 1 >/dev/null
fi

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

# The custom format: compressed, restorable table by table and in parallel (pg_restore -j).
t=$(seconds)
pg_dump --format=custom --no-owner --file="$WORK/sendpath.dump" "$BASE_URL/$SOURCE"
dump_s=$(elapsed "$t")
dump_size=$(du -h "$WORK/sendpath.dump" | cut -f1)

PGOPTIONS="-c client_min_messages=warning" \
    psql "$BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$COPY\"" -c "CREATE DATABASE \"$COPY\""
t=$(seconds)
pg_restore --no-owner --exit-on-error --jobs=2 --dbname="$BASE_URL/$COPY" "$WORK/sendpath.dump"
restore_s=$(elapsed "$t")

# Exact row counts of every table in both databases, side by side.
count_rows() {
    local url="$1"
    psql "$url" -At -c "select tablename from pg_tables where schemaname = 'public' order by 1" |
        while read -r table; do
            printf '%s\t%s\n' "$table" "$(psql "$url" -Atc "select count(*) from \"$table\"")"
        done
}
count_rows "$BASE_URL/$SOURCE" >"$WORK/source.tsv"
count_rows "$BASE_URL/$COPY" >"$WORK/copy.tsv"
tables=$(wc -l <"$WORK/source.tsv")
rows=$(awk -F'\t' '{ s += $2 } END { print s }' "$WORK/source.tsv")

status=0
if diff -u "$WORK/source.tsv" "$WORK/copy.tsv" >"$WORK/diff.txt"; then
    echo "backup: row counts match in all $tables tables ($rows rows)"
else
    echo "backup: ROW COUNTS DIFFER:" >&2
    cat "$WORK/diff.txt" >&2
    status=1
fi

triggers=$(psql "$BASE_URL/$COPY" -Atc "select count(*) from pg_trigger where tgrelid = 'audit_auditevent'::regclass and not tgisinternal")
if [ "$triggers" -ge 2 ]; then
    echo "backup: the audit trail's append-only triggers were restored ($triggers)"
else
    echo "backup: the audit trail's triggers are MISSING from the copy" >&2
    status=1
fi
audit_rows=$(psql "$BASE_URL/$COPY" -Atc "select count(*) from audit_auditevent")
if [ "$audit_rows" -eq 0 ]; then
    echo "backup: (the audit trail is empty, so a DELETE proves nothing: skipped)"
elif psql "$BASE_URL/$COPY" -qc "delete from audit_auditevent where id = (select min(id) from audit_auditevent)" 2>/dev/null; then
    echo "backup: the restored audit trail accepted a DELETE" >&2
    status=1
else
    echo "backup: and they refuse a DELETE on the restored audit trail"
fi

if SENDPATH_DATABASE_URL="$BASE_URL/$COPY" "$PY" manage.py migrate --check >/dev/null; then
    echo "backup: the restored schema has every migration applied"
else
    echo "backup: the restored database has unapplied migrations" >&2
    status=1
fi

psql "$BASE_URL/postgres" -qc "DROP DATABASE \"$COPY\""
printf 'backup: pg_dump %s s (%s), pg_restore -j2 %s s, %s tables, %s rows\n' \
    "$dump_s" "$dump_size" "$restore_s" "$tables" "$rows"
exit "$status"
