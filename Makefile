# Quick start: `make run` serves the site on http://127.0.0.1:5000; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := app

.PHONY: run test test-fast lint translations migrate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/flask translate compile

migrate: translations
	$(BIN)/flask db upgrade

run: migrate
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: translations
	$(BIN)/ruff check app tests bench
	$(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider

test-fast: translations
	$(BIN)/pytest -m "not browser and not slow" -n 2

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

bench: translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
