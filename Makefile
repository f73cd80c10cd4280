# Rapport's commands. README.md documents `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck migrations-check pytest bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Start Rapport: set up the data folder, migrate, demo data, admin account, serve on :8000.
run: install
	$(BIN)/rapport start

## Lint, type-check, check migrations, and run every test (SQLite, then PostgreSQL if configured).
test: install lint typecheck migrations-check pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy config rapport rapport_analytics

migrations-check:
	RAPPORT_DATA_DIR=$(CURDIR)/var/test $(BIN)/rapport makemigrations --check --dry-run

pytest:
	bash scripts/pytest-all.sh

## Benchmarks (not part of the tests): see bench/README.md.
bench: install
	bash scripts/bench-all.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
