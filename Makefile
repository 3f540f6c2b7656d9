# The two commands a newcomer needs: `make demo` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: install chromium demo test test-sqlite test-postgres lint bench bench-outcomes bench-care bench-quality bench-reports bench-exchange bench-public bench-apply bench-trials eval-trials screens clean

install: $(STAMP)  ## create .venv with Cellpath and its development tools installed

$(STAMP): pyproject.toml package.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing Cellpath into $(VENV) (first run takes a minute)…"
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet --progress-bar off -e '.[dev]'
	@if command -v npm > /dev/null; then \
	  echo "Installing the browser-test tools (axe-core) with npm…"; \
	  npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: install Node.js and npm for the accessibility checks"; fi
	@touch $(STAMP)

demo: install  ## migrate, load the demo data and serve at http://127.0.0.1:$(PORT)
	@PORT=$(PORT) $(VENV)/bin/cellpath demo --port $(PORT)

chromium:  ## Debian's chromium for the browser tests, installed with apt-get (as root) if missing
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; fi; \
	fi

test: install chromium  ## the whole suite on SQLite, then what touches the database on PostgreSQL
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

# CELLPATH_TEST_DATABASE names the PostgreSQL test database (default test_cellpath), so that
# several people can test against one server; the SQLite pass stays in memory, private to it.
test-sqlite: install
	@echo "== Tests on SQLite =="
	@env -u DATABASE_URL -u CELLPATH_TEST_DATABASE $(PY) -m pytest $(PYTEST_ARGS)

# The PostgreSQL pass (CELLPATH_TEST_PASS=database, see tests/conftest.py) leaves out the tests that
# never touch the database and the browser tests: the SQLite pass has run them.
test-postgres: install
	@if [ -n "$$DATABASE_URL" ] || $(PY) -m cellpath.site.pgcheck "$(PG_URL)"; then \
	  echo "== Tests on PostgreSQL =="; \
	  DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" \
	  CELLPATH_TEST_DATABASE="$${CELLPATH_TEST_DATABASE:-test_cellpath}" \
	  CELLPATH_TEST_PASS=database $(PY) -m pytest $(PYTEST_ARGS); \
	else \
	  echo "== PostgreSQL tests skipped: no DATABASE_URL and no server on 127.0.0.1:5432 =="; \
	fi

lint: install  ## ruff, and the import contracts (layers point down; see pyproject.toml)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

bench: bench-outcomes bench-care bench-quality bench-reports bench-exchange bench-public bench-apply bench-trials

bench-outcomes: install  ## time the outcomes engine on 100,000 synthetic patients
	@$(PY) bench/bench_outcomes.py

bench-care: install  ## time the progression page and dashboard with 10,000 patients (PostgreSQL)
	@$(PY) bench/bench_care.py

bench-quality: install  ## the data-quality rules over 2,000 patients, and their cost on one save (PostgreSQL)
	@$(PY) bench/bench_quality.py

bench-reports: install  ## time the cohort report and its PDF with 10,000 patients (PostgreSQL), and `cellpath report`
	@$(PY) bench/bench_reports.py

bench-exchange: install  ## time the cohort CSV and FHIR exports at two sizes up to 10,000 patients, and a 50,000-row REDCap import (PostgreSQL)
	@$(PY) bench/bench_exchange.py

bench-public: install  ## public pages under 50 concurrent visitors (SQLite, then PostgreSQL)
	@$(PY) bench/bench_public.py

eval-trials: install  ## the trial reader and matcher: pairs written blind, and atoms of real registry texts
	@$(PY) -m tests.trials.heldout.score
	@$(PY) -m tests.trials.realset.score

bench-apply: install  ## 20 concurrent applicants sending the form (PostgreSQL), and the packet PDF
	@$(PY) bench/bench_apply.py

bench-trials: install  ## import 100,000 synthetic studies, search them, match a patient (PostgreSQL)
	@$(PY) bench/bench_trials.py

screens: install chromium  ## screenshots of the main page types at 390 and 1280 px into docs/screens/ (fresh demo)
	@$(PY) scripts/screens.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
