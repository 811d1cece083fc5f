# vapi-contract: every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Exact versions with hashes of every dependency (dev tools included), for every platform: `make lock` refreshes it.
LOCK := requirements.lock
LOCK_TOOLS := .venv-lock
# A checkout gives every file a new date, so dates cannot say whether .venv is current: its stamp is named after the
# content of the lock and pyproject.toml (a venv restored from CI's cache is used as it is, not reinstalled).
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) 2>/dev/null | cksum | cut -d' ' -f1)

PYTEST_WORKERS ?= 2

.PHONY: setup test lint bench clean help nightly gate drift run twin lock

# make itself exits 2 whatever a recipe's command returned; this names the command's own exit code (README:
# exit codes) on stderr first, so a log shows 1 (new), 2 (unusable input) or 3 (could not test).
# CI calls .venv/bin/vapi-contract directly (after `make setup`) to get the code itself.
define job
$(1) || { code=$$?; echo "make $@: vapi-contract exited $$code (0 nothing new, 1 new, 2 unusable input, 3 could not test)" >&2; exit $$code; }
endef

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check >&2; echo "$(LOCK) does not satisfy pyproject.toml: run make lock" >&2; exit 2; }
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the exact versions of requirements.lock, then the project itself

# Keeps the pins already in the lock and adds what pyproject.toml gained; LOCK_ARGS=--upgrade takes the newest
# versions its ranges allow (or --upgrade-package NAME). uv lives in its own venv, never in the project's.
lock: ## refresh requirements.lock from pyproject.toml: make lock [LOCK_ARGS=--upgrade]
	test -x $(LOCK_TOOLS)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet "uv>=0.5,<1"; }
	$(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
	    --python-version 3.11 --custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)

test: $(STAMP) ## run the project's own tests (fast suite; slow property-based runs are in bench targets)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not slow" tests

lint: $(STAMP) ## static checks: ruff, and zizmor over the CI workflows (no finding above low)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/zizmor --offline --min-severity medium --quiet .github/

bench: $(STAMP) ## every benchmark under benchmarks/ (prints medians and ratios against named peers)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit $$?; done

clean: ## remove the virtualenv and caches (keeps specs/ and reports/)
	rm -rf $(VENV) $(LOCK_TOOLS) .pytest_cache .hypothesis build src/*.egg-info

# --- The three jobs (pipelines area). Optional variables: TARGET=twin|URL, SOURCE=spec source, SPEC=spec source,
# CANDIDATE/BASELINE=spec sources, PROFILE, SHARD=I/N, REPORT_DIR, PORT, NIGHTLY_ARGS/GATE_ARGS/DRIFT_ARGS.
# Secrets (VAPI_API_KEY, VAPI_DRIFT_WEBHOOK) are read by the shell from the environment, never expanded by make,
# so the command lines make echoes never contain them.
nightly: $(STAMP) ## the main job: spec fetch+validate+snapshot, diff, contract run (twin unless TARGET=URL), dashboard
	$(call job,$(BIN)/vapi-contract nightly $(if $(TARGET),--target "$(TARGET)") $(if $(SOURCE),--source "$(SOURCE)") $(NIGHTLY_ARGS))

gate: $(STAMP) ## pre-release gate: make gate CANDIDATE=SRC [BASELINE=SRC] [TARGET=URL]
	@test -n "$(CANDIDATE)" || { echo "usage: make gate CANDIDATE=SRC [BASELINE=SRC] [TARGET=URL]" >&2; exit 2; }
	$(call job,$(BIN)/vapi-contract gate --candidate "$(CANDIDATE)" $(if $(BASELINE),--baseline "$(BASELINE)") $(if $(TARGET),--target "$(TARGET)") $(GATE_ARGS))

drift: $(STAMP) ## spec-drift check of the published spec; alerts to reports/drift and $$VAPI_DRIFT_WEBHOOK
	$(call job,$(BIN)/vapi-contract drift --source "$${VAPI_SPEC_URL:-https://api.vapi.ai/api-json}" --alert-dir reports/drift $${VAPI_DRIFT_WEBHOOK:+--webhook "$$VAPI_DRIFT_WEBHOOK"} $(DRIFT_ARGS))

run: $(STAMP) ## one contract run: make run [TARGET=twin|URL] [SPEC=SRC] [PROFILE=nightly] [SHARD=I/N] [REPORT_DIR=DIR]
	$(call job,$(BIN)/vapi-contract run $(if $(TARGET),--target "$(TARGET)") $(if $(SPEC),--spec "$(SPEC)") $(if $(PROFILE),--profile "$(PROFILE)") $(if $(SHARD),--shard "$(SHARD)") $(if $(REPORT_DIR),--report-dir "$(REPORT_DIR)") $(RUN_ARGS))

twin: $(STAMP) ## serve the local stand-in API: make twin [SPEC=SRC] [PORT=8787]
	$(BIN)/vapi-contract twin $(if $(SPEC),--spec "$(SPEC)") --port "$(or $(PORT),8787)"
