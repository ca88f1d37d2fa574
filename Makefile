# Quick start: `make run` serves the site on http://127.0.0.1:5000 (`make run PORT=5001` for another
# port, e.g. a second copy or when 5000 is taken; a catalogue compiled with `flask translate compile`
# shows on the next page load); `make test` runs every test.
# Installs come from requirements.lock (exact, hash-checked versions); `make lock` regenerates it
# from the ranges in pyproject.toml, `make test-latest` tries the newest releases those ranges allow.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LATEST_VENV ?= .venv-latest
LOCK := requirements.lock
EXTRAS := test,postgres,redis
# The virtual screen reader the browser tests listen with (npm, exact versions from its lock).
SCREEN_READER := tests/browser/screen-reader
SCREEN_READER_STAMP := $(SCREEN_READER)/node_modules/.package-lock.json
UV_VERSION := 0.13.9
PORT ?= 5000
export FLASK_APP := app
# Python keeps compiled bytecode (in __pycache__/, ignored by git) from one run to the next, even
# where the environment turns that off: the suite starts many Python processes, and pytest keeps
# its rewritten test modules there, so a second `make test-fast` collects in half the time.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast test-latest latest-venv test-latest-checks venv lint lock translations migrate bench clean screen-reader mutation

$(STAMP): $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip check
	touch $(STAMP)

$(SCREEN_READER_STAMP): $(SCREEN_READER)/package.json $(SCREEN_READER)/package-lock.json
	npm ci --prefix $(SCREEN_READER) --ignore-scripts --no-audit --no-fund

screen-reader: $(SCREEN_READER_STAMP)

venv: $(STAMP)

translations: $(STAMP)
	$(BIN)/flask translate compile

migrate: translations
	$(BIN)/flask db upgrade

run: migrate
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" RELOAD_CATALOGUES=1 $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# PYTEST_ARGS narrows or adds to the run, e.g. PYTEST_ARGS='-m "not browser"' (.ci/run's PostgreSQL run).
test: translations $(SCREEN_READER_STAMP) lint
	$(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider $(PYTEST_ARGS)

test-fast: translations
	$(BIN)/pytest -m "not browser and not slow" -n 2 --dist loadgroup -p no:cacheprovider --hypothesis-profile=fast

# The newest releases pyproject.toml allows, in a venv of their own, against the fast tests:
# a new Babel/CLDR or library release shows up here the day it ships. `latest-venv` builds that
# venv (mostly downloads: .ci/run builds it while the suite runs), `test-latest-checks` checks
# against the one built.
test-latest: latest-venv
	@$(MAKE) --no-print-directory test-latest-checks

latest-venv:
	rm -rf $(LATEST_VENV)
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/pip install --quiet --upgrade --upgrade-strategy eager -e '.[$(EXTRAS)]'
	$(LATEST_VENV)/bin/pip freeze --exclude child-health-guide > $(LATEST_VENV)/versions.txt

test-latest-checks:
	@echo "Newest allowed releases that differ from $(LOCK):"
	@$(PYTHON) tools/lock_drift.py $(LOCK) $(LATEST_VENV)/versions.txt
	$(LATEST_VENV)/bin/flask translate check
	$(LATEST_VENV)/bin/flask translate compile
	$(LATEST_VENV)/bin/pytest -m "not browser and not slow" -n 2 --dist loadgroup -p no:cacheprovider -q

# Mutation testing of the modules that guard readers (sanitiser, cross-origin guard, trusted hosts,
# newsletter tokens, translation meaning checks; configured in pyproject.toml [tool.mutmut]): the
# score per module, failing under 95 % of non-equivalent mutants killed. Slow (tens of minutes on
# 2 cores), so not part of `make test` or CI. `mutmut run "app.cross_origin*"` runs one module.
mutation: translations
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python tools/mutation_score.py

# Regenerate the lock after changing dependencies in pyproject.toml (never edit it by hand).
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet uv==$(UV_VERSION)
	.venv-lock/bin/uv pip compile pyproject.toml --extra test --extra postgres --extra redis \
	  --generate-hashes --python-version 3.11 --no-header --upgrade -o $(LOCK)
	rm -rf .venv-lock

lint: $(STAMP)
	$(BIN)/ruff check app tests bench tools
	$(BIN)/ruff format --check app tests bench tools

bench: translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(LATEST_VENV) .pytest_cache $(SCREEN_READER)/node_modules
