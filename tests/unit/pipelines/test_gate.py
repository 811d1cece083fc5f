"""The release gate's spec checks on real spec versions: a passing gate and a FAIL for each reason.

Candidates are derived from the newest published spec: an operation removed, a request property made required,
an invalid parameter added. The contract check is covered end to end in test_gate_e2e.py.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.pipelines import contract_stage, gate
from vapi_contract.spec import validate as spec_validate
from vapi_contract.spec.sources import load_file
from vapi_contract.spec.store import SnapshotStore


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("VAPI_SPEC_MIRROR", "")  # empty: no mirror (unset means ../shared when present)


@pytest.fixture
def store(tmp_path, newest_spec_path) -> Path:
    """A store whose latest snapshot is the newest real spec, with its 42 errors recorded as known."""
    root = tmp_path / "store"
    loaded = load_file(newest_spec_path)
    SnapshotStore(root).add(loaded)
    errors = spec_validate.validate_cached(loaded.document)
    spec_validate.write_baseline(root / "known-spec-errors.json", errors, spec_sha256=None, source="test")
    return root


def write_candidate(tmp_path: Path, document: dict, name: str = "candidate.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def removed_operation(spec: dict) -> dict:
    doc = copy.deepcopy(spec)
    del doc["paths"]["/assistant/{id}"]["delete"]
    return doc


def required_property(spec: dict) -> dict:
    doc = copy.deepcopy(spec)
    schema = doc["components"]["schemas"]["UpdateAssistantDTO"]
    schema["required"] = [*schema.get("required", []), "name"]
    return doc


def gate_run(tmp_path, store, candidate, **kw) -> gate.Verdict:
    options = gate.GateOptions(candidate=candidate, store=store, out=tmp_path / "gate", skip_contract=True, **kw)
    return gate.run(options)


def check(verdict, name):
    return next(c for c in verdict.checks if c.name == name)


def test_unchanged_candidate_passes(tmp_path, store, newest_spec):
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, newest_spec))
    assert verdict.label == "PASS" and verdict.exit_code() == 0
    assert check(verdict, "spec validation").summary == "42 validation errors: 0 new, 42 known, 0 fixed"
    assert "0 breaking" in check(verdict, "breaking changes").summary
    assert (tmp_path / "gate" / "verdict.md").read_text().startswith("## ✅")


def test_removed_operation_fails_with_the_rule_and_operation(tmp_path, store, newest_spec):
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, removed_operation(newest_spec)))
    assert verdict.label == "FAIL" and verdict.exit_code() == 1
    assert verdict.reasons == [
        ("breaking changes: api-removed-without-deprecation at DELETE /assistant/{id} operation: "
        "DELETE /assistant/{id}: operation removed without deprecation")
    ]
    assert check(verdict, "spec validation").status == "pass"


def test_required_property_change_fails(tmp_path, store, newest_spec):
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, required_property(newest_spec)))
    assert verdict.label == "FAIL"
    (reason,) = verdict.reasons
    assert reason.startswith("breaking changes: request-property-became-required at PATCH /assistant/{id}")


def test_new_validation_error_fails(tmp_path, store, newest_spec):
    doc = copy.deepcopy(newest_spec)
    doc["paths"]["/assistant"]["get"]["parameters"].append({"name": "x", "schema": {"type": "string"}})
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, doc))
    validation = check(verdict, "spec validation")
    assert validation.status == "fail" and validation.summary.startswith("43 validation errors: 1 new, 42 known")
    assert validation.reasons[0].startswith("new validation error at /paths/~1assistant/get/parameters/")
    assert "\n" not in validation.reasons[0]


def test_every_reason_is_listed_at_once(tmp_path, store, newest_spec):
    doc = required_property(removed_operation(newest_spec))
    doc["paths"]["/assistant"]["get"]["parameters"].append({"name": "x", "schema": {"type": "string"}})
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, doc))
    assert [r.split(":")[0] for r in verdict.reasons] == ["spec validation", "breaking changes", "breaking changes"]
    junit = (tmp_path / "gate" / "junit.xml").read_text()
    assert "api-removed-without-deprecation" in junit and "request-property-became-required" in junit


APPROVALS = """\
approved:
  - rule: api-removed-without-deprecation
    operation: DELETE /assistant/{id}
    reason: assistants are archived, not deleted (API-412)
    approver: jane.doe
    expires: %s
  - rule: request-property-became-required
    operation: PATCH /assistant/{id}
    location: "request body application/json: name"
    reason: every assistant needs a name
    approver: qa-team
"""


def test_approved_breaking_changes_pass_and_are_credited(tmp_path, store, newest_spec):
    (store / "approved-changes.yaml").write_text(APPROVALS % "2099-01-01")
    candidate = write_candidate(tmp_path, required_property(removed_operation(newest_spec)))
    verdict = gate_run(tmp_path, store, candidate)
    assert verdict.label == "PASS", verdict.reasons
    notes = check(verdict, "breaking changes").notes
    assert any("by jane.doe: assistants are archived" in n for n in notes)
    assert "approved api-removed-without-deprecation" in (tmp_path / "gate" / "verdict.md").read_text()


def test_expired_approval_fails_and_says_so(tmp_path, store, newest_spec):
    (store / "approved-changes.yaml").write_text(APPROVALS % "2020-01-01")
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, removed_operation(newest_spec)))
    assert verdict.label == "FAIL"
    assert "approval entry 1 expired 2020-01-01" in verdict.reasons[0]


def test_explicit_baseline_replaces_the_store(tmp_path, store, newest_spec, oldest_spec_path):
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, newest_spec), baseline=str(oldest_spec_path))
    breaking = check(verdict, "breaking changes")
    assert oldest_spec_path.name in breaking.summary


def test_empty_store_without_mirror_is_an_error_not_a_pass(tmp_path, store, newest_spec):
    verdict = gate_run(tmp_path, tmp_path / "empty-store", write_candidate(tmp_path, newest_spec),
                       known_errors=store / "known-spec-errors.json")
    breaking = check(verdict, "breaking changes")
    assert breaking.status == "error" and "no production spec" in breaking.summary
    assert verdict.label == "FAIL" and verdict.exit_code() == 3


def test_cli_exit_codes_and_one_line_errors(tmp_path, store, newest_spec, capsys):
    candidate = write_candidate(tmp_path, removed_operation(newest_spec))
    common = ["--store", str(store), "--skip-contract", "--out", str(tmp_path / "g")]
    assert main(["gate", "--candidate", candidate, *common]) == 1
    out = capsys.readouterr().out
    assert out.startswith("release gate for file:") and "FAIL" in out.splitlines()[0]

    (tmp_path / "bad.yaml").write_text("approved:\n  - rule: x\n")
    assert main(["gate", "--candidate", candidate, "--approvals", str(tmp_path / "bad.yaml"), *common]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("vapi-contract: error:") and "entry 1" in err and "\n" not in err

    (tmp_path / "broken.json").write_text('{"openapi": ')
    assert main(["gate", "--candidate", str(tmp_path / "broken.json"), *common]) == 2
    assert "invalid JSON" in capsys.readouterr().err


def test_gate_contract_line_shows_exercised(tmp_path):
    summary = {"exit_code": 0, "totals": {"findings": 0, "new": 0, "new_contract": 0, "known": 0, "fixed": 0,
                                          "pass_rate": 100.0, "exercised": 56, "exercised_of": 79},
               "operations": [{"operation": "GET /call/{id}", "exercised": False, "statuses": {"404": 7},
                               "not_exercised_reason": "no object to address"}], "findings": []}
    outcome = contract_stage.ContractOutcome(tmp_path, 0, summary=summary)
    check = gate.check_contract(outcome, "twin")
    assert check.summary.endswith("pass rate 100%, exercised 56/79")
    assert any("1 operation never received a checked success answer" in n for n in check.notes)
    old = {**summary, "totals": {k: v for k, v in summary["totals"].items() if not k.startswith("exercised")}}
    assert gate.check_contract(contract_stage.ContractOutcome(tmp_path, 0, summary=old), "twin").summary.endswith(
        "exercised n/a")


def test_the_gate_names_the_operations_a_candidate_adds_and_removes(tmp_path, store, newest_spec, capsys):
    doc = removed_operation(newest_spec)
    doc["paths"]["/assistant/{id}/clone"] = {"post": {"responses": {"201": {"description": "the clone"}}}}
    doc["paths"]["/assistant/{id}"]["put"] = {"responses": {"200": {"description": "replaced"}}}
    candidate = write_candidate(tmp_path, doc)
    assert main(["gate", "--candidate", candidate, "--store", str(store), "--skip-contract",
                 "--out", str(tmp_path / "gate")]) == 1
    breaking = json.loads((tmp_path / "gate" / "verdict.json").read_text())
    assert breaking["operations"] == {"added": ["PUT /assistant/{id}", "POST /assistant/{id}/clone"],
                                      "removed": ["DELETE /assistant/{id}"]}
    out = capsys.readouterr().out
    assert "2 operations added, 1 removed" in out
    for line in ("+ added PUT /assistant/{id}", "+ added POST /assistant/{id}/clone",
                 "- removed DELETE /assistant/{id}"):
        assert line in out
    markdown = (tmp_path / "gate" / "verdict.md").read_text()
    assert "2 operations added: `PUT /assistant/{id}`, `POST /assistant/{id}/clone`" in markdown
    assert "1 operation removed: `DELETE /assistant/{id}`" in markdown
    assert "added: POST /assistant/{id}/clone" in (tmp_path / "gate" / "junit.xml").read_text()


def test_an_unchanged_candidate_adds_and_removes_no_operation(tmp_path, store, newest_spec):
    verdict = gate_run(tmp_path, store, write_candidate(tmp_path, newest_spec))
    assert check(verdict, "breaking changes").summary.endswith("0 operations added, 0 removed")
    assert verdict.to_dict()["operations"] == {"added": [], "removed": []}
    assert "operations added:" not in (tmp_path / "gate" / "verdict.md").read_text()
