# Rank and File — the same targets for developers and CI.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test check test-sqlite test-postgres install chromium lock clean \
        bench

# --- set-up -----------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rank and File needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(VENV)/.installed

# Browser tests drive Debian's chromium; install it when it is absent and apt is here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: the browser tests will say so"; \
	  else echo "no apt-get: install chromium yourself for the browser tests"; fi; }

# Regenerate the lock file from pyproject.toml (run after changing dependencies).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.venv-lock/bin/pip freeze --all --exclude-editable | grep -v -e '^-e' -e '^pip==' -e '^setuptools==' > requirements.lock
	rm -rf .venv-lock

# --- run --------------------------------------------------------------------

run: install
	$(BIN)/rankfile migrate
	$(BIN)/rankfile demo --if-empty
	$(BIN)/rankfile serve --port $(PORT)

# --- checks and tests -------------------------------------------------------

check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	env -u DATABASE_URL $(BIN)/rankfile makemigrations --check --dry-run

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -n 2 -p no:cacheprovider

# PostgreSQL: DATABASE_URL when it points at one, else the local server when it answers.
test-postgres: install
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)' 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then echo "no PostgreSQL reachable: the PostgreSQL run is skipped"; exit 0; fi; \
	echo "--- the suite again on PostgreSQL ($$url)"; \
	DATABASE_URL="$$url" $(BIN)/pytest -n 2 -p no:cacheprovider

test: install chromium check test-sqlite test-postgres

# --- benchmarks (never part of `make test`) --------------------------------

# `make bench-NAME` runs bench/bench_NAME.py (dashes become underscores), e.g.
# make bench-import, bench-directory, bench-audit, bench-apportion, bench-standing-one.
bench-%: install
	$(BIN)/python bench/bench_$(subst -,_,$*).py

bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3* .mypy_cache .ruff_cache .pytest_cache
