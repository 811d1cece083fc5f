"""The nightly pipeline on real spec versions, with contract evidence written through the real RunWriter
(as a CI shard would leave it), so the spec stage, triage, dashboard, history and exit code are all exercised."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.pipelines import history, nightly
from vapi_contract.pipelines.dashboard import render_html, render_markdown
from vapi_contract.render.html import FILTER_SCRIPT
from vapi_contract.spec import validate as spec_validate
from vapi_contract.spec.sources import load_file
from vapi_contract.spec.store import SnapshotStore

FINDING_FP = "a1b2c3d4e5f60718"


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("VAPI_SPEC_MIRROR", "")  # empty: no mirror (unset means ../shared when present)


@pytest.fixture
def store(tmp_path, spec_history, history_versions) -> Path:
    """A store holding the second-newest real version, with the newest version's errors known."""
    root = tmp_path / "store"
    SnapshotStore(root).add(load_file(spec_history / history_versions[-2]["file"]))
    newest = load_file(spec_history / history_versions[-1]["file"]).document
    spec_validate.write_baseline(root / "known-spec-errors.json", spec_validate.validate_cached(newest),
                                 spec_sha256=None, source="test")
    (root / "accepted-findings.yaml").write_text("accepted: []\n")  # none accepted (else the shipped ones apply)
    return root


def write_run(run_dir: Path, *, shard: str | None = None, ops=("GET /assistant", "POST /assistant"),
              finding_on: str | None = "POST /assistant", status: str = "completed", exit_code: int = 1) -> Path:
    writer = RunWriter(run_dir, [], worker=None, fsync=False)
    writer.start({"target": {"kind": "twin", "base_url": "http://127.0.0.1:1"}, "profile": "nightly",
                  "spec": {"sha256": "f" * 64, "operations": 79}, "shard": shard})
    for i, op in enumerate(ops):
        failed = op == finding_on
        writer.operation({"operation": op, "status": "failed" if failed else "passed", "cases": 25,
                          "duration_s": 1.5, "latency_ms": {"count": 25, "p50": 3.0 + i, "p95": 9.0 + 4 * i,
                                                            "max": 20.0}, "checks": ["response_schema_conformance"],
                          "reason": None})
        if failed:
            writer.finding({"operation": op, "check": "undocumented_status_code", "classification": "spec-gap",
                            "fingerprint": FINDING_FP, "message": "400 returned, only 201 documented",
                            "reproducer": "curl -X POST http://127.0.0.1:1/assistant -H 'Authorization: Bearer ***'",
                            "flaky": False, "status_code": 400, "details": {}})
    writer.finish({"status": status, "exit_code": exit_code, "finished_at": "2026-11-21T03:00:00Z"})
    writer.close()
    return run_dir


def options(tmp_path, store, newest_spec_path, **kw) -> nightly.NightlyOptions:
    defaults = {"source": str(newest_spec_path), "store": store, "out": tmp_path / "night",
                "history_file": tmp_path / "history.json", "night": "2026-11-21"}
    return nightly.NightlyOptions(**{**defaults, **kw})


def test_night_with_a_new_finding_fails_and_writes_one_dashboard(tmp_path, store, newest_spec_path):
    run_dir = write_run(tmp_path / "run")
    code = nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[run_dir]))
    assert code == 1
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert night["verdict"] == "fail" and night["reasons"] == ["1 new contract finding"]
    assert night["spec"]["snapshot_created"] is True
    assert night["spec"]["validation"]["total"] == 42 and night["spec"]["validation"]["new"] == 0
    assert night["spec_changes"]["previous"] is not None
    assert night["contract"]["counts"]["new"] == 1 and night["contract"]["pass_rate"] == 50.0
    assert night["contract"]["latency"]["p95_max"] == 13.0
    html = (tmp_path / "night" / "index.html").read_text()
    for section in ("Spec status", "Spec changes since the last snapshot", "Contract findings", "Latency",
                    "Trends across nights", "400 returned, only 201 documented"):
        assert section in html
    assert html.count("<script") == 1 and FILTER_SCRIPT in html  # the inline filter script only
    html = html.replace(FILTER_SCRIPT, "")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace(
        "http://127.0.0.1:1", "")  # self-contained
    assert (tmp_path / "night" / "summary.md").read_text().startswith("## ❌ vapi-contract nightly 2026-11-21")
    with gzip.open(tmp_path / "night" / "spec.json.gz") as fh:
        assert json.load(fh)["openapi"].startswith("3.")
    (entry,) = history.read(tmp_path / "history.json")
    assert entry["findings"] == {"new": 1, "known": 0, "fixed": 0} and entry["spec_changed"] is True


def test_known_findings_do_not_fail_the_night_and_trends_accumulate(tmp_path, store, newest_spec_path):
    nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[write_run(tmp_path / "r1")],
                        night="2026-11-20"))
    (store / "accepted-findings.yaml").write_text(
        f"accepted:\n  - fingerprint: {FINDING_FP}\n    reason: documented soon (API-9)\n    owner: qa\n"
        "    expires: 2099-01-01\n")
    code = nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[write_run(tmp_path / "r2")]))
    assert code == 0
    nights = history.read(tmp_path / "history.json")
    assert [n["night"] for n in nights] == ["2026-11-20", "2026-11-21"]
    assert nights[1]["findings"] == {"new": 0, "known": 1, "fixed": 0}
    # An operation whose only finding is accepted passes: 2 of 2 operations, not 1 of 2.
    assert (nights[0]["pass_rate"], nights[1]["pass_rate"]) == (50.0, 100.0)
    # 'failed' counts what the pass rate counts: an operation with accepted findings only is not failed.
    assert (nights[0]["operations"], nights[1]["operations"]) == ({"failed": 1, "passed": 1},
                                                                  {"known": 1, "passed": 1})
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert night["contract"]["known_operations"] == 1
    assert "operations with known findings" in (tmp_path / "night" / "index.html").read_text()
    assert "pass rate 100% (1 operation(s) passing with known findings only)" in (
        tmp_path / "night" / "summary.md").read_text()
    assert nights[1]["spec_changed"] is False  # same spec as the night before: no new snapshot
    assert "Trends across nights (2)" in (tmp_path / "night" / "index.html").read_text()


def test_new_spec_validation_error_fails_the_night(tmp_path, store, newest_spec_path):
    (store / "known-spec-errors.json").unlink()
    code = nightly.run(options(tmp_path, store, newest_spec_path,
                               contract_dirs=[write_run(tmp_path / "run", finding_on=None, exit_code=0)]))
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert code == 1 and night["reasons"] == ["42 new spec validation errors"]


def test_sharded_runs_are_merged(tmp_path, store, newest_spec_path):
    shards = [write_run(tmp_path / "s1", shard="1/2", ops=("GET /assistant",), finding_on=None, exit_code=0),
              write_run(tmp_path / "s2", shard="2/2", ops=("GET /tool", "POST /tool"), finding_on=None, exit_code=0)]
    code = nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=shards))
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert code == 0, night["reasons"]
    assert night["contract"]["operation_counts"] == {"passed": 3}
    assert (tmp_path / "night" / "contract" / "summary.json").exists()


def test_a_missing_shard_makes_the_night_incomplete(tmp_path, store, newest_spec_path):
    shards = [write_run(tmp_path / "s1", shard="1/3", finding_on=None, exit_code=0),
              write_run(tmp_path / "s3", shard="3/3", ops=("GET /tool",), finding_on=None, exit_code=0)]
    assert nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=shards)) == 3
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert "shard(s) 2/3 missing" in night["reasons"][0]


def test_a_shard_missing_from_a_merge_done_in_ci_makes_the_night_incomplete(tmp_path, store, newest_spec_path):
    from vapi_contract.report import merge

    shards = [write_run(tmp_path / "s1", shard="1/3", finding_on=None, exit_code=0),
              write_run(tmp_path / "s3", shard="3/3", ops=("GET /tool",), finding_on=None, exit_code=0)]
    merge(shards, tmp_path / "merged")  # what the workflow's `vapi-contract report merge` step does
    assert nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[tmp_path / "merged"])) == 3
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert "shard(s) 2/3 missing" in night["reasons"][0]


def test_a_run_that_could_not_test_is_never_a_pass(tmp_path, store, newest_spec_path):
    run_dir = write_run(tmp_path / "run", finding_on=None, status="interrupted", exit_code=3)
    assert nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[run_dir])) == 3
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert night["verdict"] == "incomplete" and "did not complete" in night["reasons"][0]
    missing = nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[tmp_path / "absent"]))
    assert missing == 3


def test_spec_only_stage_for_ci_writes_the_spec_and_no_history(tmp_path, store, newest_spec_path, capsys):
    argv = ["nightly", "--spec-only", "--source", str(newest_spec_path), "--store", str(store),
            "--out", str(tmp_path / "night"), "--history", str(tmp_path / "history.json")]
    assert main(argv) == 0
    stage = json.loads((tmp_path / "night" / "spec-stage.json").read_text())
    assert stage["spec"]["operations"] == 79 and (tmp_path / "night" / "spec.json.gz").exists()
    assert not (tmp_path / "history.json").exists()


def test_unusable_spec_is_exit_2_and_leaves_store_and_history_alone(tmp_path, store, capsys):
    (tmp_path / "bad.json").write_text("<html>")
    before = (store / "index.json").read_text()
    argv = ["nightly", "--source", str(tmp_path / "bad.json"), "--store", str(store),
            "--out", str(tmp_path / "night"), "--history", str(tmp_path / "history.json")]
    assert main(argv) == 2
    assert "HTML" in capsys.readouterr().err
    assert (store / "index.json").read_text() == before and not (tmp_path / "history.json").exists()


def _with_coverage(run_dir):
    writer = RunWriter(run_dir, [], worker="gw0", fsync=False)
    writer._append("coverage", {"operation": "GET /assistant", "source": "fuzz", "statuses": {"200": 20},
                                "checked": 20, "reason": None})
    writer._append("coverage", {"operation": "POST /assistant", "source": "fuzz", "statuses": {"400": 25},
                                "checked": 25, "reason": None})
    writer.close()
    return run_dir


def test_nightly_shows_exercised_next_to_the_pass_rate(tmp_path, store, newest_spec_path, capsys):
    run_dir = _with_coverage(write_run(tmp_path / "run", finding_on=None, exit_code=0))
    nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[run_dir]))
    out = capsys.readouterr().out
    assert "pass rate 100%, exercised 1/79" in out
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    coverage = night["contract"]["coverage"]
    assert (coverage["exercised"], coverage["exercised_of"], coverage["text"]) == (1, 79, "1/79")
    assert coverage["not_exercised"] == [{"operation": "POST /assistant", "statuses": {"400": 25},
                                          "reason": "no success answer received (statuses seen: 400 x25)"}]
    html = (tmp_path / "night" / "index.html").read_text()
    assert "<b class=\"\">1/79</b><span>success path exercised</span>" in html
    assert "Success-path coverage: 1/79" in html and "no success answer received (statuses seen: 400 x25)" in html
    assert "success path exercised 1/79" in (tmp_path / "night" / "summary.md").read_text()
    (entry,) = history.read(tmp_path / "history.json")
    assert entry["exercised"] == {"exercised": 1, "exercised_of": 79}


def test_a_run_without_coverage_and_an_older_night_show_n_a(tmp_path, store, newest_spec_path, capsys):
    run_dir = write_run(tmp_path / "run", finding_on=None, exit_code=0)
    nightly.run(options(tmp_path, store, newest_spec_path, contract_dirs=[run_dir]))
    assert "pass rate 100%, exercised n/a" in capsys.readouterr().out
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert night["contract"]["coverage"]["text"] == "n/a" and night["contract"]["coverage"]["not_exercised"] == []
    del night["contract"]["coverage"]  # nightly.json written before coverage existed
    assert "Success-path coverage: n/a" in render_html(night, [], 1)
    assert "success path exercised n/a" in render_markdown(night)
    assert "exercised n/a" in nightly.terminal_summary(night, tmp_path)


def test_the_terminal_summary_reads_as_words_and_counts_new_findings_once(tmp_path):
    """No dict repr, no '1 fixed findings', and the same 'new' number as the reasons (infra apart)."""
    night = {"night": "2026-11-21", "verdict": "fail", "exit_code": 1, "reasons": ["11 new contract findings"],
             "spec": {"snapshot_id": "s2", "validation": {"total": 1, "new": 0, "known": 1, "fixed": 0}},
             "spec_changes": {"previous": "s1", "summary": {"error": 1, "warning": 0, "info": 2}},
             "contract": {"counts": {"findings": 16, "new": 12, "new_contract": 11, "known": 3, "fixed": 1},
                          "pass_rate": 90.0, "known_operations": 1, "coverage": {"text": "75/79"}}}
    text = nightly.terminal_summary(night, tmp_path)
    assert "{" not in text and "(s)" not in text
    assert "  spec      s2: 1 validation error (0 new, 1 known, 0 fixed)" in text
    assert "  changes   1 breaking, 0 possibly breaking, 2 info changes since s1" in text
    assert "findings: 11 new (+1 new infrastructure problem), 3 known, 1 fixed; pass rate 90%" in text
    assert "(1 operation with known findings only)" in text
    night["spec_changes"] = {"previous": None, "summary": {"error": 0, "warning": 0, "info": 0}}
    assert "0 breaking, 0 possibly breaking, 0 info changes (first snapshot" in nightly.terminal_summary(night, tmp_path)
