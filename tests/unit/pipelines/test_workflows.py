"""The CI workflows are valid, call only Make targets that exist, and never print a secret."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
WORKFLOWS = REPO / ".github" / "workflows"
NAMES = ("nightly.yml", "gate.yml", "drift.yml")
SECRET_ENV = re.compile(r"\$\{\{\s*secrets\.")
PRINTERS = ("echo", "printf", "cat", "env", "printenv", "tee")


def _load(name: str) -> dict:
    doc = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in doc:  # YAML 1.1 reads the bare key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def _steps(doc: dict):
    for job_name, job in doc["jobs"].items():
        for step in job["steps"]:
            yield job_name, step


def _make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def _make_calls(script: str) -> list[str]:
    """Targets named by each `make ...` command in a shell script (variables and flags skipped)."""
    targets = []
    for line in script.replace("\\\n", " ").splitlines():
        for command in re.split(r"&&|\|\||;|\|", line):
            words = shlex.split(command, comments=True)
            if not words or words[0] != "make":
                continue
            targets += [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return targets


def _secret_names(doc: dict) -> set[str]:
    """Env var names whose value comes from the secret store, at workflow, job or step level."""
    names = set()
    scopes = [doc.get("env") or {}]
    for job in doc["jobs"].values():
        scopes.append(job.get("env") or {})
        scopes += [step.get("env") or {} for step in job["steps"]]
    for scope in scopes:
        names |= {k for k, v in scope.items() if SECRET_ENV.search(str(v))}
    return names


@pytest.fixture(scope="module", params=NAMES)
def workflow(request):
    return request.param, _load(request.param)


def test_each_workflow_is_a_valid_workflow_document(workflow):
    name, doc = workflow
    assert isinstance(doc.get("name"), str)
    assert doc["on"], f"{name}: no trigger"
    assert doc["jobs"], f"{name}: no jobs"
    for job_name, job in doc["jobs"].items():
        assert "runs-on" in job, f"{name}/{job_name}: no runs-on"
        assert isinstance(job.get("timeout-minutes"), int), f"{name}/{job_name}: no timeout"
        for need in [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []):
            assert need in doc["jobs"], f"{name}/{job_name}: needs unknown job {need}"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}/{job_name}: a step needs exactly one of uses/run"


def test_every_make_call_names_a_target_that_exists(workflow):
    name, doc = workflow
    targets = _make_targets()
    calls = [t for _, step in _steps(doc) for t in _make_calls(step.get("run", ""))]
    assert calls, f"{name}: calls no Make target"
    missing = sorted(set(calls) - targets)
    assert not missing, f"{name}: calls Make targets that do not exist: {missing}"


def test_make_call_parser_sees_through_variables_and_chains():
    assert _make_calls('make setup && .venv/bin/x report merge a b') == ["setup"]
    assert _make_calls('make run PROFILE=nightly SHARD="1/4" \\\n  REPORT_DIR=x') == ["run"]
    assert _make_calls("make -s gate GATE_ARGS='--out r'; make drift") == ["gate", "drift"]


def test_secrets_reach_steps_only_through_env_and_are_never_printed(workflow):
    name, doc = workflow
    secret_names = _secret_names(doc)
    for job_name, step in _steps(doc):
        script = step.get("run", "")
        assert not SECRET_ENV.search(script), f"{name}/{job_name}: a secret is interpolated into a script"
        assert "set -x" not in script, f"{name}/{job_name}: shell tracing would print secrets"
        for line in script.splitlines():
            words = line.strip().split()
            if words and words[0] in PRINTERS:
                leaked = [s for s in secret_names if s in line]
                assert not leaked, f"{name}/{job_name}: prints secret {leaked}"
        for value in (step.get("with") or {}).values():
            assert not SECRET_ENV.search(str(value)), f"{name}/{job_name}: a secret is passed to an action input"


def test_makefile_never_expands_a_secret_into_an_echoed_command():
    text = (REPO / "Makefile").read_text()
    for secret in ("VAPI_API_KEY", "VAPI_API_KEY_SECONDARY", "VAPI_DRIFT_WEBHOOK"):
        assert f"$({secret})" not in text and f"${{{secret}}}" not in text.replace("$${", "")


def test_scheduled_jobs_have_valid_cron_lines():
    for name in ("nightly.yml", "drift.yml"):
        crons = [entry["cron"] for entry in _load(name)["on"]["schedule"]]
        assert crons
        for cron in crons:
            fields = cron.split()
            assert len(fields) == 5, f"{name}: bad cron {cron!r}"
            assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields), f"{name}: bad cron {cron!r}"


def _cached_paths(doc: dict) -> str:
    return "\n".join(
        str(step["with"]["path"]) for _, step in _steps(doc) if str(step.get("uses", "")).startswith("actions/cache")
    )


def test_venv_and_hypothesis_database_are_cached():
    for name in NAMES:
        assert ".venv" in _cached_paths(_load(name)), f"{name}: .venv is not cached"
    for name in ("nightly.yml", "gate.yml"):
        assert ".hypothesis" in _cached_paths(_load(name)), f"{name}: the hypothesis database is not cached"


def test_reports_are_uploaded_as_artifacts_even_on_failure():
    for name in NAMES:
        uploads = [s for _, s in _steps(_load(name)) if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert uploads, f"{name}: no report artifact"
        assert any(s.get("if", "").startswith("always()") for s in uploads), f"{name}: artifacts lost on failure"


def test_nightly_shards_the_contract_run_and_merges_the_shards():
    doc = _load("nightly.yml")
    sharded = [job for job in doc["jobs"].values() if "matrix" in job.get("strategy", {})]
    assert len(sharded) == 1
    job = sharded[0]
    shards = job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) >= 2
    assert str(len(shards)) == doc["env"]["SHARDS"]
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "make run" in runs and "SHARD=" in runs and "matrix.shard" in runs
    merge_jobs = [j for j in doc["jobs"].values() if "report merge" in "\n".join(s.get("run", "") for s in j["steps"])]
    assert merge_jobs and merge_jobs[0].get("if", "").startswith("always()")
    needs = merge_jobs[0]["needs"]
    assert next(n for n, j in doc["jobs"].items() if j is job) in needs
