"""Verdicts that never lie: run.json `options.selected` (what the run means to test), collection-only pytest
invocations without side effects, and a run whose selected tests were deselected ending incomplete (exit 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from vapi_contract.contract import plugin
from vapi_contract.contract.context import SUITES, dry_plan, selected_ids
from vapi_contract.contract.options import resolve
from vapi_contract.contract.plan import build

REPO = Path(__file__).resolve().parents[3]
SUITE = plugin.SUITE_DIR  # the suite inside the package
SHIPPED = REPO / "specs" / "vapi" / "accepted-findings.yaml"


def test_selected_names_every_result_the_tests_record(newest_spec):
    from vapi_contract.contract.behaviour import list_labels

    plan = build(newest_spec, resolve({"target": "twin"}))
    ids = selected_ids(plan, newest_spec)
    lifecycles = [f"lifecycle {f.name}" for f in plan.families]
    behaviours = [f"behaviour {label}" for label in list_labels(newest_spec, plan.operations)]
    auths = [f"auth {label}" for label in plan.auth_operations]  # result: the probe's checked answers
    assert ids == plan.operations + lifecycles + behaviours + auths
    assert "lifecycle /assistant" in ids and "GET /assistant/{id}" in ids and "auth GET /assistant" in ids
    assert selected_ids(plan, newest_spec, ("operations",)) == plan.operations
    assert selected_ids(plan, newest_spec, ("lifecycle",)) == lifecycles + behaviours
    assert selected_ids(plan, newest_spec, ("auth",)) == auths


def test_a_shard_selects_its_own_share(newest_spec):
    whole = set(selected_ids(build(newest_spec, resolve({"target": "twin"})), newest_spec))
    shares = [selected_ids(build(newest_spec, resolve({"target": "twin", "shard": f"{i}/3"})), newest_spec)
              for i in (1, 2, 3)]
    assert all(shares) and sum(len(s) for s in shares) == len(whole) and set().union(*shares) == whole


def test_dry_plan_reads_the_spec_only(newest_spec_path, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plan, origin = dry_plan(resolve({"target": "twin", "spec": str(newest_spec_path)}))
    assert plan is not None and plan.operations and origin.startswith("file:")
    # the default source is a URL: never fetched for a listing; without a snapshot or mirror nothing is listed
    monkeypatch.setenv("VAPI_CONTRACT_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("VAPI_SPEC_MIRROR", str(tmp_path / "no-mirror"))
    monkeypatch.setenv("VAPI_SPEC_URL", "http://127.0.0.1:9/never-fetched.json")
    plan, why = dry_plan(resolve({"target": "twin"}))
    assert plan is None and "--spec FILE" in why
    monkeypatch.setenv("VAPI_SPEC_MIRROR", str(newest_spec_path.parent))
    plan, origin = dry_plan(resolve({"target": "https://api.example.test"}))
    assert plan is not None and origin.startswith("file:")


@pytest.mark.parametrize(("args", "suites"), [
    ([str(SUITE)], SUITES),
    ([str(SUITE / "test_operations.py")], ("operations",)),
    ([str(SUITE / "test_lifecycle.py") + "::test_lifecycle", str(SUITE / "test_auth.py")], ("lifecycle", "auth")),
    ([str(REPO / "tests" / "unit")], ()),
    ([str(REPO)], ()),  # a bare `pytest` over the repo never starts the suite
    ([str(REPO / "tests")], ()),
])
def test_the_suite_files_an_invocation_names(args, suites):
    assert plugin._suites(SimpleNamespace(args=args)) == suites


@pytest.mark.parametrize(("args", "suites"), [
    (["vapi_contract.contract.suite"], SUITES),
    (["vapi_contract.contract.suite.test_auth::test_auth_required"], ("auth",)),
    (["vapi_contract.contract"], ()),  # the package around the suite is not the suite
    (["tests/unit"], ()),
])
def test_pyargs_names_the_suite_by_module(args, suites):
    """`pytest --pyargs vapi_contract.contract.suite` from any folder: the plugin finds the suite by module name."""
    assert plugin._suites(SimpleNamespace(args=args, option=SimpleNamespace(pyargs=True))) == suites
    if suites:  # the same names without --pyargs are paths that do not exist: nothing of the suite is named
        assert plugin._suites(SimpleNamespace(args=args, option=SimpleNamespace(pyargs=False))) == ()


@pytest.mark.parametrize("option", plugin.NO_RUN_OPTIONS)
def test_listing_options_are_collection_only(option):
    options = {name: False for name in plugin.NO_RUN_OPTIONS}
    assert not plugin._collection_only(SimpleNamespace(option=SimpleNamespace(**options)))
    options[option] = 1 if option == "version" else True
    assert plugin._collection_only(SimpleNamespace(option=SimpleNamespace(**options)))


def _pytest(tmp_path: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "VAPI_CONTRACT_STORE": str(tmp_path / "store")}
    env.pop("VAPI_CONTRACT_CONTEXT", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd or tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("option", ["--co", "--markers", "--fixtures", "--help"])
def test_collection_only_invocations_have_no_side_effects(tmp_path, newest_spec_path, option):
    done = _pytest(tmp_path, str(SUITE), option, "-q", "--spec", str(newest_spec_path))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert not (tmp_path / "reports").exists(), output[-2000:]  # no run dir
    assert "(exit " not in output and "twin" not in done.stderr.lower().replace("no twin started", "")
    if option == "--co":  # still lists what a run would test, from the spec alone
        assert "test_operation[GET /assistant/{id}]" in done.stdout and "test_lifecycle[/assistant]" in done.stdout
        assert "collection only" in done.stderr


def test_a_run_with_deselected_tests_is_incomplete_and_lists_them(tmp_path, newest_spec_path):
    report = tmp_path / "run"
    done = _pytest(tmp_path, str(SUITE), "-q", "--target", "twin", "--spec", str(newest_spec_path),
                   "--profile", "smoke", "--max-examples", "2", "--operations", "GET /assistant,GET /assistant/{id}",
                   "--no-lifecycle", "--report-dir", str(report), "--baseline", str(SHIPPED), "-k", "test_operation",
                   "--deselect", f"{SUITE.relative_to(REPO)}/test_operations.py::test_operation[GET /assistant/{{id}}]",
                   cwd=REPO)
    output = done.stdout + done.stderr
    assert done.returncode == 3, output[-3000:]
    summary = json.loads((report / "summary.json").read_text())
    assert summary["verdict"] == "incomplete"
    missing = {m["operation"] for m in summary["missing"]}
    assert "GET /assistant/{id}" in missing and "GET /assistant" not in missing
    assert "selected without a result: " in done.stderr and "GET /assistant/{id}" in done.stderr
    assert "GET /assistant/{id}" in (report / "summary.md").read_text()
