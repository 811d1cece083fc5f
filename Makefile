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

.PHONY: setup test lint bench clean help nightly gate drift run twin

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

# --- The three jobs (pipelines area). Optional variables: TARGET=twin|URL, SOURCE=spec source, SPEC=spec source,
# CANDIDATE/BASELINE=spec sources, PROFILE, SHARD=I/N, REPORT_DIR, PORT, NIGHTLY_ARGS/GATE_ARGS/DRIFT_ARGS.
# Secrets (VAPI_API_KEY, VAPI_DRIFT_WEBHOOK) are read by the shell from the environment, never expanded by make,
# so the command lines make echoes never contain them.
nightly: $(STAMP) ## the main job: spec fetch+validate+snapshot, diff, contract run (twin unless TARGET=URL), dashboard
	$(BIN)/vapi-contract nightly $(if $(TARGET),--target "$(TARGET)") $(if $(SOURCE),--source "$(SOURCE)") $(NIGHTLY_ARGS)

gate: $(STAMP) ## pre-release gate: make gate CANDIDATE=SRC [BASELINE=SRC] [TARGET=URL]
	@test -n "$(CANDIDATE)" || { echo "usage: make gate CANDIDATE=SRC [BASELINE=SRC] [TARGET=URL]" >&2; exit 2; }
	$(BIN)/vapi-contract gate --candidate "$(CANDIDATE)" $(if $(BASELINE),--baseline "$(BASELINE)") $(if $(TARGET),--target "$(TARGET)") $(GATE_ARGS)

drift: $(STAMP) ## spec-drift check of the published spec; alerts to reports/drift and $$VAPI_DRIFT_WEBHOOK
	$(BIN)/vapi-contract drift --source "$${VAPI_SPEC_URL:-https://api.vapi.ai/api-json}" --alert-dir reports/drift $${VAPI_DRIFT_WEBHOOK:+--webhook "$$VAPI_DRIFT_WEBHOOK"} $(DRIFT_ARGS)

run: $(STAMP) ## one contract run: make run [TARGET=twin|URL] [SPEC=SRC] [PROFILE=nightly] [SHARD=I/N] [REPORT_DIR=DIR]
	$(BIN)/vapi-contract run $(if $(TARGET),--target "$(TARGET)") $(if $(SPEC),--spec "$(SPEC)") $(if $(PROFILE),--profile "$(PROFILE)") $(if $(SHARD),--shard "$(SHARD)") $(if $(REPORT_DIR),--report-dir "$(REPORT_DIR)") $(RUN_ARGS)

twin: $(STAMP) ## serve the local stand-in API: make twin [SPEC=SRC] [PORT=8787]
	$(BIN)/vapi-contract twin $(if $(SPEC),--spec "$(SPEC)") --port "$(or $(PORT),8787)"
