# vapi-contract: every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Offline spec source: the shared history of published versions, when it sits beside the clone.
ifneq ($(wildcard ../shared/vapi-spec-history/index.json),)
export VAPI_SPEC_MIRROR ?= $(abspath ../shared/vapi-spec-history)
endif

PYTEST_WORKERS ?= 2

.PHONY: setup test lint bench clean help

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its pinned dependency ranges

test: $(STAMP) ## run the project's own tests (fast suite; slow property-based runs are in bench targets)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not slow" --ignore=tests/contract tests

lint: $(STAMP) ## static checks
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP) ## every benchmark under benchmarks/ (prints medians and ratios against named peers)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit $$?; done

clean: ## remove the virtualenv and caches (keeps specs/ and reports/)
	rm -rf $(VENV) .pytest_cache .hypothesis build src/*.egg-info
