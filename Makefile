# qualcode — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

# both cores: tests marked `serial` run alone afterwards (see CONTRIBUTING.md)
XDIST ?= -n 2

.PHONY: run test test-fast check static install install-dev format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# dependency groups need pip >= 25.1, which the line above installs
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

## run: install, then open the workbench on the demo project
run: $(VENV)/.installed-run
	$(BIN)/qualcode demo

## test: install the dev group, then run every check
test: $(VENV)/.installed-dev
	$(MAKE) check

## check: lint, format check, types, layer contracts, tests (no install)
check: static
	$(BIN)/pytest $(XDIST) -m "not serial" $(PYTEST_ARGS)
	$(BIN)/pytest -m serial $(PYTEST_ARGS)

## static: everything of check but the tests
static:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/vulture qualcode .vulture_whitelist.py --min-confidence 60

## test-fast: the inner loop: no external programs, nothing marked slow, both cores
test-fast: $(VENV)/.installed-dev
	QUALCODE_NO_EXTERNAL=1 QUALCODE_TEST_FAST=1 $(BIN)/pytest $(XDIST) -q \
		-m "not slow and not external and not serial" $(PYTEST_ARGS)

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: every benchmark on a corpus it generates; one JSON summary in bench/results/
##        (BENCH_ARGS="--tiny" for the smoke run, "--out FILE", "--only NAME ...")
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
