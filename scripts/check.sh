#!/usr/bin/env bash
# Run sendpath's checks from the ready .venv and print a summary. Used by `make lint` / `make test`.
#
#   scripts/check.sh lint   ruff check, ruff format --check, mypy
#   scripts/check.sh test   the above + makemigrations --check, pytest on SQLite (all tests,
#                           browser tests included), pytest on a throwaway PostgreSQL
#                           (-m "not browser", via scripts/with-postgres.sh)
#
# Every step runs even when an earlier one failed; the exit code is non-zero if any step failed.
# A pytest run that collects no test (exit code 5) counts as a failure.
# PYTEST_ARGS (e.g. "-x" or "-n 2") is passed to both pytest runs.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

mode="${1:-test}"
case "$mode" in
lint | test) ;;
*)
    echo "usage: $0 lint|test" >&2
    exit 2
    ;;
esac

VENV="${VENV:-.venv}"
BIN="$VENV/bin"
if [ ! -x "$BIN/python" ]; then
    echo "check: $VENV is missing; run scripts/venv.sh (make does this)." >&2
    exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Tests get their own data folder (SQLite file, outbox, key), never the developer's ./data.
export SENDPATH_DATA_DIR="$WORK/data"
read -r -a pytest_extra <<<"${PYTEST_ARGS:-}"

names=()
results=()
times=()
failed=0
total_passed=0
total_failed=0
total_skipped=0

banner() { printf '\n===== %s =====\n' "$1"; }

record() { # name rc seconds [note]
    local name="$1" rc="$2" secs="$3" note="${4:-}"
    names+=("$name")
    times+=("$secs")
    if [ "$rc" -eq 0 ]; then
        results+=("ok${note:+ ($note)}")
    else
        results+=("FAILED (exit $rc)${note:+ ($note)}")
        failed=1
    fi
}

step() { # name cmd...
    local name="$1"
    shift
    banner "$name"
    echo "+ $*"
    local start=$SECONDS
    "$@"
    local rc=$?
    record "$name" "$rc" $((SECONDS - start))
}

junit_counts() { # junit.xml -> "passed failed skipped"
    "$BIN/python" - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failures = errors = skipped = 0
for s in suites:
    tests += int(s.get("tests", 0))
    failures += int(s.get("failures", 0))
    errors += int(s.get("errors", 0))
    skipped += int(s.get("skipped", 0))
# A test whose teardown errors is counted as failed here (pytest counts it "passed" + "error").
print(max(tests - failures - errors - skipped, 0), failures + errors, skipped)
PY
}

pytest_step() { # name junit-file cmd...
    local name="$1" junit="$2"
    shift 2
    banner "$name"
    echo "+ $*"
    local start=$SECONDS
    "$@"
    local rc=$?
    local secs=$((SECONDS - start))
    local p f s note
    read -r p f s < <(junit_counts "$junit")
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    total_skipped=$((total_skipped + s))
    note="$p passed, $f failed, $s skipped"
    if [ "$rc" -eq 5 ]; then
        note="NO TESTS RAN"
    fi
    record "$name" "$rc" "$secs" "$note"
}

t0=$SECONDS

step "ruff check" "$BIN/ruff" check .
step "ruff format --check" "$BIN/ruff" format --check .
step "mypy" "$BIN/mypy" .

if [ "$mode" = test ]; then
    step "migrations up to date" \
        env -u SENDPATH_DATABASE_URL -u DATABASE_URL DJANGO_SETTINGS_MODULE=sendpath.settings_test \
        "$BIN/sendpath" makemigrations --check --dry-run

    pytest_step "pytest on SQLite (all, incl. browser)" "$WORK/sqlite.xml" \
        env -u SENDPATH_DATABASE_URL -u DATABASE_URL \
        "$BIN/pytest" --liveserver=127.0.0.1 --junitxml="$WORK/sqlite.xml" "${pytest_extra[@]}"

    pytest_step "pytest on PostgreSQL (not browser)" "$WORK/postgres.xml" \
        env -u DATABASE_URL bash scripts/with-postgres.sh \
        "$BIN/pytest" -m "not browser" --junitxml="$WORK/postgres.xml" "${pytest_extra[@]}"
fi

banner "summary ($mode)"
for i in "${!names[@]}"; do
    printf '  %-40s %5ss  %s\n' "${names[$i]}" "${times[$i]}" "${results[$i]}"
done
printf '  %-40s %5ss\n' "total" $((SECONDS - t0))
if [ "$failed" -ne 0 ]; then
    echo "RESULT: FAILED (see the steps marked FAILED above)"
else
    echo "RESULT: all checks passed"
fi
if [ "$mode" = test ]; then
    # One plain closing line over both pytest runs (a test run on SQLite and PostgreSQL counts twice).
    echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped"
fi
exit "$failed"
