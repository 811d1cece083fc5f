"""A run in which a selected test has no result is never a pass: run.json `options.selected` against the results."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from vapi_contract.contract.context import missing_text
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build
from vapi_contract.report.builder import schema_path

TODAY = dt.date(2026, 11, 21)
SELECTED = ["GET /a", "GET /a/{id}", "POST /a", "lifecycle /a", "behaviour GET /a"]


def fake_run(tmp_path: Path, results: dict[str, dict], *, selected=SELECTED, worker="gw0") -> Path:
    run_dir = tmp_path / "run"
    with RunWriter(run_dir, [], worker="controller") as writer:
        options = {"profile": "smoke"} if selected is None else {"profile": "smoke", "selected": selected}
        writer.start({"run_id": "r1", "spec": {"operations": 3}, "options": options})
    with RunWriter(run_dir, [], worker=worker) as writer:
        for label, result in results.items():
            writer.operation({"operation": label, "status": "passed", "cases": 4, "duration_s": 0.1, "checks": [],
                              **result})
    with RunWriter(run_dir, []) as writer:
        writer.finish({"status": "completed"})
    return run_dir


def validate(summary):
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(summary)


def test_every_selected_result_present_is_a_pass(tmp_path):
    summary = build(fake_run(tmp_path, {label: {} for label in SELECTED}), today=TODAY)
    validate(summary)
    assert (summary["verdict"], summary["exit_code"], summary["missing"]) == ("pass", 0, [])


def test_deselected_tests_make_the_run_incomplete_and_are_listed(tmp_path):
    """`-- -k ...` or a worker that died: the tests never wrote their result."""
    run_dir = fake_run(tmp_path, {"GET /a": {}, "POST /a": {}, "behaviour GET /a": {}})
    summary = build(run_dir, today=TODAY)
    validate(summary)
    assert summary["verdict"] == "incomplete" and summary["exit_code"] == 3
    assert [m["operation"] for m in summary["missing"]] == ["GET /a/{id}", "lifecycle /a"]
    assert "did not run" in summary["missing"][0]["reason"]
    markdown = (run_dir / "summary.md").read_text()
    assert "Selected but no result (2)" in markdown and "`lifecycle /a`" in markdown
    on_disk = json.loads((run_dir / "summary.json").read_text())
    assert on_disk["missing"] == summary["missing"]
    assert missing_text(summary) == "; 2 selected without a result: GET /a/{id}, lifecycle /a"


def test_operations_all_cut_before_their_first_case_are_missing(tmp_path):
    cut = {"status": "timeout", "cases": 0, "reason": "generation cut at 1600 MB RSS (memory cap 1500 MB) after 0 cases"}
    summary = build(fake_run(tmp_path, {label: cut for label in SELECTED}), today=TODAY)
    assert summary["verdict"] == "incomplete" and summary["exit_code"] == 3
    assert len(summary["missing"]) == len(SELECTED)
    assert all(m["reason"].startswith("no case ran: generation cut at") for m in summary["missing"])


def test_an_operation_cut_after_some_cases_has_a_result(tmp_path):
    results = {label: {} for label in SELECTED}
    results["GET /a"] = {"status": "timeout", "cases": 7, "reason": "generation cut after its 60 s time budget"}
    summary = build(fake_run(tmp_path, results), today=TODAY)
    assert summary["missing"] == [] and summary["verdict"] == "pass"


def test_a_skipped_result_counts_as_a_result(tmp_path):
    results = {label: {} for label in SELECTED}
    results["lifecycle /a"] = {"status": "skipped", "cases": 0, "reason": "no create operation the run may call"}
    assert build(fake_run(tmp_path, results), today=TODAY)["missing"] == []


def test_new_findings_still_fail_with_missing_results(tmp_path):
    run_dir = fake_run(tmp_path, {"GET /a": {"status": "failed"}})
    with RunWriter(run_dir, [], worker="gw0") as writer:
        writer.finding({"operation": "GET /a", "check": "not_a_server_error", "classification": "server-bug",
                        "fingerprint": "ab" * 8, "message": "500", "status_code": 500, "flaky": False})
    summary = build(run_dir, today=TODAY)
    assert (summary["verdict"], summary["exit_code"]) == ("fail", 1)
    assert len(summary["missing"]) == len(SELECTED) - 1  # still listed


@pytest.mark.parametrize("selected", [None, "GET /a"])
def test_runs_without_a_selected_list_are_judged_as_before(tmp_path, selected):
    summary = build(fake_run(tmp_path, {"GET /a": {}}, selected=selected), today=TODAY)
    assert summary["missing"] == [] and summary["verdict"] == "pass"


def test_an_empty_selection_misses_nothing(tmp_path):
    summary = build(fake_run(tmp_path, {"GET /a": {}}, selected=[]), today=TODAY)
    assert summary["missing"] == [] and summary["verdict"] == "pass"


def test_missing_text_is_short():
    summary = {"missing": [{"operation": f"GET /x{i}", "reason": "r"} for i in range(8)]}
    assert missing_text(summary) == ("; 8 selected without a result: GET /x0, GET /x1, GET /x2, GET /x3, GET /x4 "
                                     "(+3 more)")
    assert missing_text({"missing": []}) == "" and missing_text({}) == ""


def test_a_run_that_skipped_everything_tested_nothing_and_is_not_a_pass(tmp_path):
    """e.g. every operation excluded by the profile: only skip records, nothing selected, nothing tested."""
    skipped = {"status": "skipped", "cases": 0, "reason": "mutating: not on a live target"}
    summary = build(fake_run(tmp_path, {"POST /a": skipped}, selected=[]), today=TODAY)
    assert summary["totals"]["tested"] == 0 and summary["missing"] == []
    assert (summary["verdict"], summary["exit_code"]) == ("incomplete", 3)


def test_an_auth_probe_has_a_result_when_its_answers_were_checked():
    from vapi_contract.report.summary import _missing

    meta = {"options": {"selected": ["auth GET /a", "auth GET /b"]}}
    coverage = [{"operation": "GET /a", "source": "auth", "checked": 2, "statuses": {"401": 2}},
                {"operation": "GET /b", "source": "fuzz", "checked": 5, "statuses": {"200": 5}}]
    assert [m["operation"] for m in _missing(meta, [], coverage)] == ["auth GET /b"]
