#!/usr/bin/env bash
# Regenerate requirements.lock: install sendpath's dependencies and dev extras into a fresh, throwaway venv
# (same interpreter choice as scripts/venv.sh) and write `pip freeze` of it.
# Review the diff, then run `make test` (which reinstalls .venv because the lock changed).
set -euo pipefail
cd "$(dirname "$0")/.."

py="$(bash scripts/venv.sh --python)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/sendpath-lock.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
echo "lock: fresh venv with $py ($("$py" --version 2>&1))"
"$py" -m venv "$tmp/venv"
# The project's own requirements (dependencies + the dev extra) straight from pyproject.toml, so
# nothing is built in the work tree.
"$tmp/venv/bin/python" - >"$tmp/requirements.in" <<'PY'
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
print("\n".join([*project["dependencies"], *project["optional-dependencies"]["dev"]]))
PY
echo "lock: installing from PyPI: $(tr '\n' ' ' <"$tmp/requirements.in")"
"$tmp/venv/bin/python" -m pip install -q -r "$tmp/requirements.in"
minor="$("$tmp/venv/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
{
    echo "# Exact pins for sendpath and its dev tools (Python $minor). Regenerate with \`make lock\`."
    "$tmp/venv/bin/python" -m pip freeze
} >"$tmp/requirements.lock"
mv "$tmp/requirements.lock" requirements.lock
echo "lock: wrote requirements.lock ($(grep -vc '^#' requirements.lock) packages)"
git --no-pager diff --stat -- requirements.lock 2>/dev/null || true
