# sendpath — developer commands. See docs/development.md.
#
#   make demo    set up .venv and run the demo on http://127.0.0.1:8000 (embedded SQLite in ./data)
#   make test    the whole suite: lint, types, migrations, pytest on SQLite (with browser tests),
#                pytest on a throwaway PostgreSQL
#   make lint    ruff check, ruff format --check, mypy
#   make css     rebuild GOV.UK Frontend's CSS from frontend/sendpath-govuk.scss (needs npm)
#   make lock    regenerate requirements.lock from a fresh venv
#   make clean   remove .venv, node_modules and caches (keeps ./data)
#
# Works on a fresh Debian machine: as root it installs missing Debian packages itself; otherwise it
# says which are missing. Only PyPI, Debian and npm are used.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory
.NOTPARALLEL:

VENV := .venv
BIN := $(VENV)/bin
GOVUK_FRONTEND := 6.6.0
CSS_OUT := sendpath/static/vendor/govuk-frontend-$(GOVUK_FRONTEND)/govuk-frontend.min.css

.PHONY: help demo test lint css lock clean venv system-deps-demo system-deps-test system-deps-css

help:
	@sed -n '3,9p' Makefile | sed 's/^# \{0,1\}//'

# --- internal ------------------------------------------------------------------------------------

venv:
	@bash scripts/venv.sh

system-deps-demo:
	@bash scripts/install-system-deps.sh demo

system-deps-test:
	@bash scripts/install-system-deps.sh test

system-deps-css:
	@bash scripts/install-system-deps.sh css

# --- user-facing ---------------------------------------------------------------------------------

demo: system-deps-demo venv
	SENDPATH_DEBUG=1 $(BIN)/sendpath demo

test: system-deps-test venv
	@bash scripts/check.sh test

lint: venv
	@bash scripts/check.sh lint

css: system-deps-css
	npm install --no-save --no-audit --no-fund --no-package-lock govuk-frontend@$(GOVUK_FRONTEND) sass@1
	npx --yes sass@1 --style=compressed --no-source-map --quiet-deps --silence-deprecation=import \
		frontend/sendpath-govuk.scss $(CSS_OUT)
	@echo "css: wrote $(CSS_OUT) ($$(wc -c < $(CSS_OUT)) bytes)"

lock:
	@bash scripts/lock.sh

clean:
	rm -rf $(VENV) node_modules test-results build *.egg-info .mypy_cache .ruff_cache \
		.pytest_cache .hypothesis
	find . -path ./data -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
