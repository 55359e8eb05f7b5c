# Amtsbote: set up, run and test on one Debian 12 / Ubuntu machine.
#
#   make run    install what is missing, prepare the database and demo data, start web + worker
#   make test   install what is missing, then lint, type-check and run the tests on SQLite and
#               PostgreSQL
#
# Settings are AMTSBOTE_* environment variables (see README.md); none are needed.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# uv installed by pipx lands in ~/.local/bin.
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_FROZEN := 1

UV ?= uv
PY := $(UV) run python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= --durations=25
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/amtsbote
# Tests keep their files (SQLite test database, secret key) apart from the demo's var/.
TEST_VAR_DIR ?= $(CURDIR)/var/test

.PHONY: help run setup setup-test system-deps system-deps-test python-deps messages \
	prepare test lint ruff format-check mypy imports migrations-check test-sqlite \
	test-postgres bench

help:
	@echo "make run            set up (system packages, uv, npm), seed the demo, start web + worker"
	@echo "make test           set up, then lint and run the tests on SQLite and PostgreSQL"
	@echo "make lint           ruff, ruff format --check, mypy, import-linter, makemigrations --check"
	@echo "make test-sqlite    pytest on SQLite"
	@echo "make test-postgres  pytest on PostgreSQL ($(POSTGRES_URL))"
	@echo "make bench          upload latency benchmark (prints JSON)"

# --- set-up ----------------------------------------------------------------------------------

system-deps:
	scripts/install-system-deps.sh

system-deps-test:
	scripts/install-system-deps.sh --test

python-deps:
	$(UV) sync --frozen

# npm ci only when package-lock.json changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# KERN's Fira Sans cut into Latin / Latin Extended / Cyrillic pieces (page weight on phones).
build/fonts/fira-sans.css: node_modules/.package-lock.json scripts/subset_fonts.py
	$(PY) scripts/subset_fonts.py

messages: python-deps
	@if find src -path '*/locale/*' -name '*.po' -print -quit | grep -q .; then \
		echo "$(MANAGE) compilemessages"; \
		$(MANAGE) compilemessages --ignore=node_modules --ignore=var --ignore=.venv; \
	else \
		echo "No translations (.po files) to compile."; \
	fi

setup: system-deps python-deps node_modules/.package-lock.json build/fonts/fira-sans.css messages

setup-test: system-deps-test python-deps node_modules/.package-lock.json build/fonts/fira-sans.css \
	messages

# --- run ---------------------------------------------------------------------------------------

prepare: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seal_certificate_create
	$(MANAGE) seed_demo
	AMTSBOTE_STATIC_MANIFEST=1 $(MANAGE) collectstatic --noinput --verbosity 0

run: prepare
	@$(MANAGE) seed_demo --print-logins --site-url "http://$(HOST):$(PORT)"
	DEMO=1 HOST=$(HOST) PORT=$(PORT) scripts/run.sh

# --- checks and tests --------------------------------------------------------------------------

# Lint and both databases' test runs side by side, each run with its own var/ and temporary
# folder; each prints its output when it ends. Every check and both runs go on after a
# failure; make fails if any failed. The 25 slowest tests of each run are listed.
test: setup-test
	$(MAKE) --no-print-directory -k -j3 --output-sync=line lint test-sqlite test-postgres

lint:
	$(MAKE) --no-print-directory -k ruff format-check mypy imports migrations-check

ruff:
	$(UV) run ruff check

format-check:
	$(UV) run ruff format --check

mypy:
	$(UV) run mypy

imports:
	$(UV) run lint-imports

migrations-check:
	AMTSBOTE_VAR_DIR=$(TEST_VAR_DIR) $(MANAGE) makemigrations --check --dry-run

test-sqlite:
	env -u AMTSBOTE_DATABASE_URL AMTSBOTE_VAR_DIR=$(TEST_VAR_DIR)/sqlite $(UV) run pytest \
		--basetemp=$(TEST_VAR_DIR)/sqlite-tmp $(PYTEST_ARGS)

test-postgres:
	AMTSBOTE_TEST_POSTGRES_URL=$(POSTGRES_URL) scripts/ensure-postgres.sh
	AMTSBOTE_VAR_DIR=$(TEST_VAR_DIR)/postgres AMTSBOTE_DATABASE_URL=$(POSTGRES_URL) \
		$(UV) run pytest --basetemp=$(TEST_VAR_DIR)/postgres-tmp $(PYTEST_ARGS)

bench:
	$(PY) bench/upload_latency.py
