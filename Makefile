# Alongside — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export ALONGSIDE_DATA_DIR ?= $(CURDIR)/var

.PHONY: install run test lint typecheck bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp makes install idempotent and fast: it reinstalls only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $@

install: $(VENV)/.installed

run: install
	ALONGSIDE_DEMO_MODE=1 $(BIN)/alongside manage migrate --no-input
	ALONGSIDE_DEMO_MODE=1 $(BIN)/alongside demo
	ALONGSIDE_DEMO_MODE=1 $(BIN)/alongside run --port $(PORT)

# `make test COVERAGE=1` (CI's SQLite pass) also measures coverage against a floor that only
# rises: the best figure rounded down, less two points (docs/architecture.md, "Coverage floor").
COVERAGE_FLOOR := 91
test: install
	$(BIN)/python -m pytest $(if $(COVERAGE),--cov=alongside --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)) $(PYTEST_ARGS)

# The django-stubs plugin imports the settings, which refuse to load without a secret key
# unless in demo mode; demo mode at type-check time changes no type. `lint` runs both type
# checks: all of src/ with the django-stubs plugin (`typecheck`, 0 errors), then the pure
# core under --strict.
lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	ALONGSIDE_DEMO_MODE=1 $(BIN)/mypy src
	ALONGSIDE_DEMO_MODE=1 $(BIN)/mypy --strict src/alongside/core

# mypy with the django-stubs plugin over all of src/ (config in pyproject.toml); part of `lint`.
typecheck: install
	ALONGSIDE_DEMO_MODE=1 $(BIN)/mypy src

# The long fuzzing run: 1,000 generated requests per API operation (the suite sends 100).
fuzz: install
	ALONGSIDE_FUZZ_EXAMPLES=1000 $(BIN)/python -m pytest tests/api/test_fuzz.py $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/matching.py

# The load test needs the national demo in PostgreSQL (docs/performance.md, "Load"):
#   DATABASE_URL=postgres://…/alongside_national make bench-load
bench-load: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache
