"""Issue 15 item 6: an accepted finding is `fixed` only when the run re-checked it with a case of the same kind
(the first four tests by H-versions)."""
from __future__ import annotations

import datetime as dt

from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build

CHECKS_POSITIVE_ONLY = ["not_a_server_error", "response_schema_conformance", "undocumented_status_code"]


def _run(tmp_path, *, modes, checks, cases=30):
    run_dir = tmp_path / "run"
    writer = RunWriter(run_dir, [], worker=None, fsync=False)
    writer.start({"target": {"kind": "twin", "base_url": "http://127.0.0.1:1"}, "spec": {"operations": 1},
                  "options": {"modes": modes}})
    writer.operation({"operation": "POST /assistant", "status": "passed", "cases": cases, "duration_s": 1.0,
                      "latency_ms": {"count": cases, "p50": 1.0, "p95": 2.0, "max": 3.0}, "checks": checks,
                      "reason": None})
    writer.finish({"status": "completed", "finished_at": "2026-11-21T03:00:00Z"})
    writer.close()
    return run_dir


def _baseline(tmp_path, check, kind=None):
    path = tmp_path / "accepted-findings.yaml"
    path.write_text("accepted:\n  - fingerprint: 8262676655b53078cd45\n    reason: r\n    owner: qa\n"
                    f"    expires: 2099-01-01\n    operation: POST /assistant\n    check: {check}\n"
                    + (f"    kind: {kind}\n" if kind else ""))
    return path


def test_negative_finding_is_not_fixed_by_a_positive_only_run(tmp_path):
    # accepted: POST /assistant answered 2xx to invalid data (negative_data_rejection, a negative case);
    # tonight's run sent positive cases only -- nothing re-checked it
    run_dir = _run(tmp_path, modes=["positive"], checks=CHECKS_POSITIVE_ONLY)
    summary = build(run_dir, _baseline(tmp_path, "negative_data_rejection"), today=dt.date(2026, 11, 21))
    assert summary["fixed"] == []
    assert [e["check"] for e in summary["not_covered"]] == ["negative_data_rejection"]


def test_finding_of_a_check_that_never_ran_is_not_fixed(tmp_path):
    run_dir = _run(tmp_path, modes=["positive", "negative"], checks=CHECKS_POSITIVE_ONLY)
    summary = build(run_dir, _baseline(tmp_path, "api_key_not_echoed"), today=dt.date(2026, 11, 21))
    assert summary["fixed"] == []


def test_same_kind_rechecked_is_fixed(tmp_path):
    run_dir = _run(tmp_path, modes=["positive", "negative"],
                   checks=CHECKS_POSITIVE_ONLY + ["negative_data_rejection"])
    summary = build(run_dir, _baseline(tmp_path, "negative_data_rejection"), today=dt.date(2026, 11, 21))
    assert [e["check"] for e in summary["fixed"]] == ["negative_data_rejection"]


def test_lifecycle_finding_is_not_fixed_by_fuzzing_alone(tmp_path):
    # accepted: DELETE answered a wrong body in the lifecycle (details.source == "lifecycle"); tonight ran with
    # --no-lifecycle: the fuzzed cases of POST /assistant ran fully, the lifecycle never did
    run_dir = _run(tmp_path, modes=["positive", "negative"], checks=CHECKS_POSITIVE_ONLY)
    summary = build(run_dir, _baseline(tmp_path, "response_schema_conformance", kind="lifecycle"),
                    today=dt.date(2026, 11, 21))
    assert summary["fixed"] == [] and [e["kind"] for e in summary["not_covered"]] == ["lifecycle"]


def _coverage(run_dir, source, checked=1):
    with RunWriter(run_dir, [], worker="controller", fsync=False) as writer:
        writer.coverage({"operation": "POST /assistant", "source": source, "checked": checked,
                         "statuses": {"201": checked}, "reason": None})


def test_lifecycle_kind_rechecked_by_the_lifecycle_is_fixed(tmp_path):
    run_dir = _run(tmp_path, modes=["positive", "negative"], checks=CHECKS_POSITIVE_ONLY)
    _coverage(run_dir, "lifecycle")
    summary = build(run_dir, _baseline(tmp_path, "response_schema_conformance", kind="lifecycle"),
                    today=dt.date(2026, 11, 21))
    assert [e["kind"] for e in summary["fixed"]] == ["lifecycle"]


def test_a_lifecycle_check_without_kind_is_fixed_only_when_an_exchange_ran_there(tmp_path):
    run_dir = _run(tmp_path, modes=["positive", "negative"], checks=CHECKS_POSITIVE_ONLY)
    baseline = _baseline(tmp_path, "patch_persisted")
    assert build(run_dir, baseline, today=dt.date(2026, 11, 21))["fixed"] == []
    _coverage(run_dir, "fuzz", checked=30)  # fuzzing alone never runs a lifecycle check
    assert build(run_dir, baseline, today=dt.date(2026, 11, 21))["fixed"] == []
    _coverage(run_dir, "lifecycle")
    assert [e["check"] for e in build(run_dir, baseline, today=dt.date(2026, 11, 21))["fixed"]] == ["patch_persisted"]


def test_positive_kind_needs_the_mode_and_the_check(tmp_path):
    run_dir = _run(tmp_path, modes=["negative"], checks=CHECKS_POSITIVE_ONLY)
    baseline = _baseline(tmp_path, "not_a_server_error", kind="positive")
    assert build(run_dir, baseline, today=dt.date(2026, 11, 21))["fixed"] == []
    run_dir = _run(tmp_path / "again", modes=["positive"], checks=CHECKS_POSITIVE_ONLY)
    assert len(build(run_dir, baseline, today=dt.date(2026, 11, 21))["fixed"]) == 1


def test_an_entry_without_an_operation_is_never_claimed_fixed(tmp_path):
    run_dir = _run(tmp_path, modes=["positive", "negative"], checks=CHECKS_POSITIVE_ONLY)
    path = tmp_path / "accepted-findings.yaml"
    path.write_text("accepted:\n  - fingerprint: 8262676655b53078cd45\n    reason: r\n    owner: qa\n"
                    "    expires: 2099-01-01\n")
    summary = build(run_dir, path, today=dt.date(2026, 11, 21))
    assert summary["fixed"] == [] and len(summary["not_covered"]) == 1


def test_accept_records_the_kind(tmp_path):
    from vapi_contract.cli import main
    from vapi_contract.report import baseline

    path = tmp_path / "accepted-findings.yaml"
    assert main(["report", "accept", "8262676655b53078cd45", "--reason", "r", "--owner", "qa", "--expires",
                 "2099-01-01", "--operation", "POST /assistant", "--check", "patch_persisted", "--kind", "lifecycle",
                 "--baseline", str(path)]) == 0
    assert baseline.load(path).entries[0].kind == "lifecycle"


def test_a_mode_the_run_used_but_that_produced_no_case_on_the_operation_fixes_nothing(tmp_path):
    def run(counts):
        run_dir = tmp_path / str(counts["negative"]) / "run"
        with RunWriter(run_dir, [], worker=None, fsync=False) as writer:
            writer.start({"spec": {"operations": 1}, "options": {"modes": ["positive", "negative"]}})
            writer.operation({"operation": "POST /assistant", "status": "passed", "cases": 30, "duration_s": 1.0,
                              "latency_ms": {"count": 30, "p50": 1.0, "p95": 2.0, "max": 3.0}, "reason": None,
                              "checks": CHECKS_POSITIVE_ONLY + ["negative_data_rejection"],
                              "cases_by_mode": counts})
            writer.finish({"status": "completed"})
        return run_dir

    baseline = _baseline(tmp_path, "negative_data_rejection", kind="negative")
    summary = build(run({"positive": 30, "negative": 0}), baseline, today=dt.date(2026, 11, 21))
    assert summary["fixed"] == [] and len(summary["not_covered"]) == 1
    assert summary["operations"][0]["cases_by_mode"] == {"positive": 30, "negative": 0}
    summary = build(run({"positive": 25, "negative": 5}), baseline, today=dt.date(2026, 11, 21))
    assert len(summary["fixed"]) == 1


def test_accept_from_a_run_fills_operation_check_and_kind(tmp_path, capsys):
    from vapi_contract.cli import main
    from vapi_contract.report import baseline

    run_dir = tmp_path / "run"
    with RunWriter(run_dir, [], worker=None, fsync=False) as writer:
        writer.start({"spec": {"operations": 1}})
        for fp, details in (("1111222233334444", {"generation_mode": "negative", "case_id": "c1"}),
                            ("5555666677778888", {"source": "lifecycle"})):
            writer.finding({"operation": "POST /assistant", "check": "negative_data_rejection", "fingerprint": fp,
                            "classification": "server-bug", "message": "m", "details": details})
        writer.finish({"status": "completed"})
    build(run_dir)
    path = tmp_path / "accepted-findings.yaml"
    common = ["--reason", "r", "--owner", "qa", "--expires", "2099-01-01", "--baseline", str(path), "--run", str(run_dir)]
    assert main(["report", "accept", "1111222233334444", *common]) == 0
    assert main(["report", "accept", "5555666677778888", *common, "--check", "patch_persisted"]) == 0
    entries = {e.fingerprint: e for e in baseline.load(path).entries}
    first, second = entries["1111222233334444"], entries["5555666677778888"]
    assert (first.operation, first.check, first.kind) == ("POST /assistant", "negative_data_rejection", "negative")
    assert (second.check, second.kind) == ("patch_persisted", "lifecycle")  # an explicit option wins
    capsys.readouterr()
    assert main(["report", "accept", "9999999999999999", *common]) == 2
    assert "no finding 9999999999999999" in capsys.readouterr().err
    assert main(["report", "accept", "9999999999999999", *common[:-1], str(tmp_path)]) == 2
    assert "no readable summary.json" in capsys.readouterr().err
