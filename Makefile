# Accord — run `make help` for the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help install dev demo test test-all lint typecheck architecture check docs bench clean

help: ## List the targets with one line each
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP) $@

install: $(STAMP) ## Create .venv and install Accord
dev: $(DEV_STAMP) ## Create .venv and install Accord with the dev extras

demo: $(STAMP) ## Simulate a company, load it, analyse it and show the scorecard (./accord-demo)
	$(BIN)/accord demo $(DEMO_ARGS)

test: $(DEV_STAMP) ## Lint, type-check, check the layers and run the test suite
	$(MAKE) --no-print-directory check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-all: $(DEV_STAMP) ## Also run the slow tier (long simulations)
	$(BIN)/python -m pytest -m "not benchmark and not spark" $(PYTEST_ARGS)

lint: $(DEV_STAMP) ## ruff check and format check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP) ## mypy --strict on src/
	$(BIN)/mypy

architecture: $(DEV_STAMP) ## import-linter: layers import downward only, engines are pure
	$(BIN)/lint-imports

check: lint typecheck architecture ## All static checks

docs: $(STAMP) ## Regenerate docs/cli.md from the CLI
	$(BIN)/python -m accord.cli.docs > docs/cli.md

bench: $(DEV_STAMP) ## Run the benchmarks (slow; peers install into benchmarks/.venvs)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## Remove the venv, caches and the demo workspace
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis accord-demo build dist
