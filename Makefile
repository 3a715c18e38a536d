# Arpenteur — the README's commands. Everything installs into .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed
CATALOG := app/translations/en/LC_MESSAGES/messages

.PHONY: install run test test-sqlite test-postgresql bench bench-scale lint translations browser-deps redis-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(CATALOG).mo

$(CATALOG).mo: $(CATALOG).po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d app/translations -f

## run: SQLite in instance/, the real perimeter, demo data, http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) geodata load
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: unit, integration and browser tests on SQLite, then on PostgreSQL if
## TEST_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@localhost/arpenteur_test)
test: install browser-deps redis-deps
	env -u TEST_DATABASE_URL $(PY) -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(PY) -m pytest; \
	else echo "TEST_DATABASE_URL unset: PostgreSQL run skipped"; fi

## browser-deps: Debian's Chromium for Playwright (never `playwright install`)
browser-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

## redis-deps: Debian's redis-server, which the rate-limit tests start on a free port
redis-deps:
	@command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)

bench: install
	$(PY) bench/run.py

## bench-scale: the public map's bbox read against its floor at 10,000 and 100,000 items
## (SQLite, or the throwaway PostgreSQL database BENCH_DATABASE_URL, dropped and created
## again); MILLION=1 grows on to 1,000,000 items (PostgreSQL)
bench-scale: install
	$(PY) bench/scale.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL)) $(if $(MILLION),--million)

lint: install
	$(VENV)/bin/ruff check .

## translations: extract the strings, merge them into the English catalog, write the French
## plural forms (French is the source language), compile
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ --ignore-dirs ".* __pycache__" -o app/translations/messages.pot app
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching
	$(PY) app/translations/french_plurals.py
	$(VENV)/bin/pybabel compile -d app/translations -f
