# Coffeechat — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint test-postgres test-browser test-fuzz bench bench-load clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make run: the app at http://127.0.0.1:8000 on SQLite (migrates first).
run: install
	COFFEECHAT_DEBUG=$${COFFEECHAT_DEBUG:-1} $(BIN)/coffeechat serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	COFFEECHAT_DEBUG=1 COFFEECHAT_DATA_DIR=$$(mktemp -d) DATABASE_URL= $(BIN)/mypy
	COFFEECHAT_DEBUG=1 COFFEECHAT_DATA_DIR=$$(mktemp -d) DATABASE_URL= $(BIN)/python -m django makemigrations --check --dry-run --settings=coffeechat.settings

## make test: lint, type check, migrations check and the whole suite on SQLite.
test: lint
	DATABASE_URL= $(BIN)/pytest

## The same suite on PostgreSQL (DATABASE_URL, default: local server, trust auth).
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coffeechat} $(BIN)/pytest

## The browser journeys in Debian's Chromium (apt-get install chromium).
test-browser: install
	DATABASE_URL= $(BIN)/pytest -m browser

## Schemathesis over every API operation as alice, with her ids and bob's (tests/fuzz).
## Bounded for CI; FUZZ_EXAMPLES=100 runs it longer, DATABASE_URL=postgres://… on PostgreSQL.
test-fuzz: install
	DATABASE_URL=$${DATABASE_URL:-} $(BIN)/pytest -m fuzz tests/fuzz

bench: install
	$(BIN)/python bench/contact_list.py
	$(BIN)/python bench/import_linkedin.py
	$(BIN)/python bench/calendar_ics.py
	$(BIN)/python bench/outreach.py
	$(BIN)/python bench/conversations.py
	$(BIN)/python bench/followups.py

## Load run over HTTP (gunicorn, loopback) on SQLite and PostgreSQL; about 6 minutes each.
## BENCH_LOAD_ARGS overrides, e.g. BENCH_LOAD_ARGS='--databases sqlite --duration 5'.
BENCH_LOAD_ARGS ?= --databases sqlite postgres
bench-load: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/load.py $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
