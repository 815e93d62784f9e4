# Rehabit: `make run` to try it, `make test` to check it. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install run test test-sqlite bench lint clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# axe-core for the browser tests' accessibility checks; without npm those checks skip (CI has npm).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

var:
	mkdir -p var/mail var/media var/broker/queue var/broker/control var/broker/processed

# Links in emails and handouts point at the port actually served, unless SITE_URL says otherwise.
run: install var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_library
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo "Rehabit on http://127.0.0.1:$(PORT)/ · emails land in var/mail/ · Ctrl-C stops web, worker and beat"
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/honcho start --port $(PORT) --procfile Procfile

# Parallel test processes, each with its own test database, media and Celery queue (tests/settings.py).
# loadgroup: a module whose servers start once (xdist_group) stays on one worker; the rest is shared.
# Bytecode is written (whatever PYTHONDONTWRITEBYTECODE says): the processes the tests start, and
# the next run's collection, read the compiled and assertion-rewritten modules instead of redoing them.
TEST_WORKERS ?= 2
test: install
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# The suite again on SQLite, `make run`'s database (DATABASE_URL unset), for what the dialects do
# differently (a UNION of ordered querysets, an id overflowing): the workspace pages, the API and
# the rest through Django's test client. Left out: the tests that drive Chromium (the same pages
# and API, minutes of browser time), the schemathesis shards (the API's SQL, covered case by case)
# and, skipped, the tests that share PostgreSQL with other processes.
test-sqlite: install
	env -u DATABASE_URL PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup \
		-m "not browser" --ignore tests/clients/test_api_fuzz.py

bench: install var
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf var $(VENV) node_modules
