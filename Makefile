# Every target installs what it needs first and is safe to run twice.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist), a test file to a worker so that a module's shared fixture (a seeded
# history, a backup) is built once; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
# What mypy checks: every app's services, selectors and permissions, and the record registry.
TYPED = $(wildcard peyvand/*/services.py peyvand/*/services_*.py peyvand/*/selectors.py peyvand/*/selectors_*.py \
	peyvand/*/permissions.py) \
	peyvand/core/registry.py peyvand/core/links.py peyvand/core/records.py

.PHONY: install run test lint typecheck format browser mail-server pdf-libs demo clean

install: $(STAMP) node_modules/.installed peyvand/locale/fa/LC_MESSAGES/django.mo pdf-libs

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the UI falls back to system fonts instead of Vazirmatn"; mkdir -p node_modules; touch $@; fi

peyvand/locale/fa/LC_MESSAGES/django.mo: peyvand/locale/fa/LC_MESSAGES/django.po $(STAMP)
	cd peyvand && ../$(BIN)/peyvand compilemessages --ignore=.venv >/dev/null

# Pango and HarfBuzz, which WeasyPrint draws PDFs (reports, quotes) with.
pdf-libs:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
		else echo "Install Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) for PDF exports."; fi; \
	fi

# Debian's Chromium for the browser tests; Playwright never downloads a browser of its own.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Install Debian's chromium (apt-get install chromium) to run the browser tests."; fi; \
	fi

# Debian's Dovecot, the real IMAP server the mailbox tests and bench start on a free port of their own.
mail-server:
	@if [ ! -x /usr/sbin/dovecot ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; \
		else echo "Install Debian's Dovecot (apt-get install dovecot-imapd) to run the mailbox tests."; fi; \
	fi

run: install
	$(BIN)/peyvand migrate --noinput
	PEYVAND_HOST=$(HOST) PEYVAND_PORT=$(PORT) $(BIN)/peyvand demo --if-empty
	$(BIN)/peyvand serve --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/peyvand migrate --noinput
	$(BIN)/peyvand demo --if-empty

test: install browser mail-server
	$(BIN)/peyvand makemigrations --check --dry-run >/dev/null || (echo "Model changes without a migration: run 'peyvand makemigrations'"; exit 1)
	$(BIN)/ruff check peyvand tests e2e
	$(BIN)/mypy $(TYPED)
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check peyvand tests e2e
	$(BIN)/ruff format --check peyvand tests e2e

typecheck: install
	$(BIN)/mypy $(TYPED)

format: install
	$(BIN)/ruff check --fix peyvand tests e2e
	$(BIN)/ruff format peyvand tests e2e

clean:
	rm -rf $(VENV) node_modules var
