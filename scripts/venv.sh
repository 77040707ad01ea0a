#!/usr/bin/env bash
# Create .venv (if missing) with Python >= 3.12 and install sendpath into it from requirements.lock.
#
# Python: $PYTHON if set; else the newest of python3.13 / python3.12 on PATH that really runs
# (pyenv's shims exist for every version but only run the one selected by .python-version);
# else pyenv's newest ~/.pyenv/versions/3.12.*/bin/python. Django 6 needs >= 3.12 (Debian 12's
# python3 is 3.11, where pip would quietly fall back to Django 5.2), so anything older is refused.
#
# Install: `pip install -r requirements.lock` then `pip install --no-deps -e .`. A stamp file in
# .venv records the hashes of requirements.lock and pyproject.toml; when neither changed, nothing
# is reinstalled.
#
# Usage: scripts/venv.sh            make sure .venv is ready (what `make demo` / `make test` run)
#        scripts/venv.sh --python   only print the interpreter that would be used
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
STAMP="$VENV/.sendpath-installed"

ok_python() { # $1 runs and is Python >= 3.12 with venv + ensurepip
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

pick_python() {
    if [ -n "${PYTHON:-}" ]; then
        if ok_python "$PYTHON"; then
            echo "$PYTHON"
            return 0
        fi
        echo "PYTHON=$PYTHON is not a working Python >= 3.12 with venv/ensurepip." >&2
        return 1
    fi
    local c
    for c in python3.13 python3.12; do
        if command -v "$c" >/dev/null 2>&1 && ok_python "$c"; then
            "$c" -c 'import sys; print(sys.executable)' # the real interpreter, not a pyenv shim
            return 0
        fi
    done
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    # Newest 3.12.x first (version sort).
    while IFS= read -r c; do
        if [ -n "$c" ] && ok_python "$c"; then
            echo "$c"
            return 0
        fi
    done < <(compgen -G "$pyenv_root/versions/3.12.*/bin/python" | sort -rV)
    {
        echo "ERROR: no Python >= 3.12 found (Django 6 needs it)."
        echo "  Looked for: python3.13, python3.12 on PATH, $pyenv_root/versions/3.12.*/bin/python."
        echo "  Found: $(python3 --version 2>&1 || echo 'no python3')."
        echo "  Install one (e.g. 'pyenv install 3.12'), or point PYTHON=/path/to/python3.12 at one."
    } >&2
    return 1
}

if [ "${1:-}" = "--python" ]; then
    pick_python
    exit
fi

# A .venv made by an older or vanished interpreter is rebuilt.
if [ -e "$VENV" ] && ! ok_python "$VENV/bin/python"; then
    echo "venv: $VENV does not hold a working Python >= 3.12; recreating it."
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    py="$(pick_python)"
    echo "venv: creating $VENV with $py ($("$py" --version 2>&1))"
    "$py" -m venv "$VENV"
fi

want="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1) $("$VENV/bin/python" --version 2>&1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/sendpath" ]; then
    echo "venv: $VENV is up to date with requirements.lock ($("$VENV/bin/python" --version))."
    exit 0
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
echo "venv: installing requirements.lock into $VENV"
"$VENV/bin/python" -m pip install -q -r requirements.lock
echo "venv: installing sendpath (editable, --no-deps)"
"$VENV/bin/python" -m pip install -q --no-deps -e .
echo "$want" >"$STAMP"
echo "venv: ready ($("$VENV/bin/python" --version), $(wc -l <requirements.lock) lines of pins)."
