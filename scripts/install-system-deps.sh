#!/usr/bin/env bash
# Install the Debian packages sendpath needs, only when something is missing.
#
#   scripts/install-system-deps.sh demo   WeasyPrint's libraries and a font (for `make demo`)
#   scripts/install-system-deps.sh test   the above + chromium, fonts, poppler-utils, PostgreSQL
#   scripts/install-system-deps.sh css    Node.js and npm (for `make css`)
#
# Idempotent: every package is checked first (dpkg-query / command -v). apt-get runs only when
# something is missing and we are root; `apt-get update` then runs once, before the install.
# Not root: it says exactly what is missing and how to install it, and carries on (exit 0), so the
# later step that needs the package fails with its own message.
set -euo pipefail

group="${1:-}"
case "$group" in
demo | test | css) ;;
*)
    echo "usage: $0 demo|test|css" >&2
    exit 2
    ;;
esac

# WeasyPrint (PDFs) needs Pango, HarfBuzz and fontconfig, plus at least one font. stack.md's list.
# fonts-hosny-amiri (Amiri): the parents' Urdu PDFs; DejaVu lacks Urdu letters such as ے and ہ.
WEASYPRINT_PKGS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core fonts-hosny-amiri)

installed() { # a Debian package is installed
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=()
need_pkg() { installed "$1" || missing+=("$1"); }

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-system-deps: not a Debian-based system (no dpkg-query); install these yourself:" >&2
    case "$group" in
    demo) echo "  Pango, HarfBuzz (with its subset library), fontconfig, the DejaVu fonts, Amiri (Urdu)" >&2 ;;
    test) echo "  the above + Chromium, poppler-utils (pdftoppm), PostgreSQL server binaries (initdb)" >&2 ;;
    css) echo "  Node.js with npm" >&2 ;;
    esac
    exit 0
fi

case "$group" in
demo)
    for p in "${WEASYPRINT_PKGS[@]}"; do need_pkg "$p"; done
    ;;
test)
    for p in "${WEASYPRINT_PKGS[@]}"; do need_pkg "$p"; done
    # Browser tests run Debian's chromium (Playwright cannot download its own browser here).
    if [ -n "${CHROMIUM_EXECUTABLE:-}" ] && [ -x "${CHROMIUM_EXECUTABLE}" ]; then
        : # a browser chosen by the developer
    elif ! installed chromium || ! command -v chromium >/dev/null 2>&1; then
        missing+=(chromium)
    fi
    need_pkg fonts-liberation # metric-compatible Arial/Times/Courier for screenshots
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
    # Any PostgreSQL major version will do: scripts/with-postgres.sh finds it with a glob.
    if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
        missing+=(postgresql)
    fi
    ;;
css)
    command -v npm >/dev/null 2>&1 && command -v npx >/dev/null 2>&1 || missing+=(nodejs npm)
    ;;
esac

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-system-deps ($group): all system packages present."
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    {
        echo "install-system-deps ($group): MISSING Debian packages: ${missing[*]}"
        echo "  Not root, so not installing them. Run:"
        echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        echo "  Carrying on; the steps that need them will fail until they are installed."
    } >&2
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps ($group): missing ${missing[*]} and no apt-get to install them." >&2
    exit 1
fi

echo "install-system-deps ($group): installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
# --no-install-recommends: chromium only recommends chromium-sandbox, which --no-sandbox skips.
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "install-system-deps ($group): done."
