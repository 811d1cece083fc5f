"""Success-path coverage: coverage*.jsonl records summed per operation into summary.json, Markdown and dashboard."""

import json

import jsonschema
import pytest

from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build, merge
from vapi_contract.report.builder import schema_path

SPEC = {"origin": "spec.json", "sha256": "ab" * 32, "title": "Vapi API", "version": "1.0", "operations": 9}
SKIP_COST = "costs money or reaches the real world; pass --allow-cost"


def _op(name, status="passed", reason=None, cases=20):
    return {"operation": name, "status": status, "cases": cases if status != "skipped" else 0, "duration_s": 1.0,
            "latency_ms": None, "checks": ["status_code_conformance"], "reason": reason}


def _cov(name, source, statuses, reason=None):
    return {"operation": name, "source": source, "statuses": statuses, "checked": sum(statuses.values()),
            "reason": reason}


def _run(run_dir, operations, coverage_by_worker, *, shard=None, spec=SPEC, findings=()):
    """A finished run dir written through the real RunWriter: operations on gw0, coverage spread over workers."""
    controller = RunWriter(run_dir, worker="")
    controller.start({"run_id": run_dir.name, "target": {"kind": "twin", "base_url": "http://127.0.0.1:1"},
                      "spec": spec, "profile": "default", "shard": shard})
    writers = {w: RunWriter(run_dir, worker=w) for w in ("gw0", *coverage_by_worker)}
    for record in operations:
        writers["gw0"].operation(record)
    for record in findings:
        writers["gw0"].finding(record)
    for worker, records in coverage_by_worker.items():
        for record in records:
            writers[worker]._append("coverage", record)
    for writer in writers.values():
        writer.close()
    controller.finish({"exit_code": 0})
    controller.close()
    return run_dir


def _validate(summary):
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(summary)


OPERATIONS = [
    _op("GET /assistant"), _op("POST /assistant"), _op("GET /assistant/{id}"), _op("DELETE /assistant/{id}"),
    _op("POST /call", "skipped", SKIP_COST), _op("GET /call/{id}"), _op("PATCH /call/{id}"),
]
COVERAGE = {
    "gw0": [_cov("GET /assistant", "fuzz", {"200": 10, "400": 2}), _cov("POST /assistant", "fuzz", {"400": 5}),
            _cov("GET /assistant/{id}", "fuzz", {"404": 7}), _cov("GET /call/{id}", "fuzz", {"404": 4}),
            _cov("PATCH /call/{id}", "fuzz", {"404": 3})],
    "gw1": [_cov("GET /assistant", "harvest", {"200": 1}), _cov("POST /assistant", "lifecycle", {"201": 1}),
            _cov("GET /assistant/{id}", "lifecycle", {"200": 2, "404": 1}), _cov("GET /call/{id}", "fuzz", {"404": 3}),
            _cov("PATCH /call/{id}", "harvest", {}, "no object to address: GET /call returned none"),
            # reached only through the lifecycle: no fuzzing result, still an operation of the report
            _cov("PATCH /assistant/{id}", "lifecycle", {"200": 1}),
            _cov("DELETE /assistant/{id}", "teardown", {"200": 1}), _cov("DELETE /assistant/{id}", "lifecycle",
                                                                       {"200": 1})],
}


@pytest.fixture
def summary(tmp_path):
    return build(_run(tmp_path / "run", OPERATIONS, COVERAGE))


def test_sources_and_workers_are_summed_per_operation(summary):
    _validate(summary)
    ops = {o["operation"]: o for o in summary["operations"]}
    assert ops["GET /assistant"]["statuses"] == {"200": 11, "400": 2} and ops["GET /assistant"]["checked"] == 13
    assert ops["GET /assistant/{id}"]["statuses"] == {"200": 2, "404": 8} and ops["GET /assistant/{id}"]["exercised"]
    assert ops["POST /assistant"]["exercised"] is True  # the lifecycle's 201, although fuzzing only saw 400
    assert ops["DELETE /assistant/{id}"]["statuses"] == {"200": 2}
    assert ops["GET /call/{id}"]["statuses"] == {"404": 7}
    assert all(o["not_exercised_reason"] is None for o in summary["operations"] if o["exercised"])


def test_reasons_skip_first_then_coverage_then_statuses_seen(summary):
    ops = {o["operation"]: o for o in summary["operations"]}
    costly = ops["POST /call"]
    assert (costly["exercised"], costly["statuses"], costly["checked"]) == (False, {}, 0)
    assert costly["not_exercised_reason"] == SKIP_COST
    assert ops["PATCH /call/{id}"]["not_exercised_reason"] == "no object to address: GET /call returned none"
    only_404 = ops["GET /call/{id}"]
    assert only_404["exercised"] is False
    assert only_404["not_exercised_reason"] == "no success answer received (statuses seen: 404 x7)"


def test_operation_seen_only_in_coverage_is_listed(summary):
    ops = {o["operation"]: o for o in summary["operations"]}
    lifecycle_only = ops["PATCH /assistant/{id}"]
    assert lifecycle_only["exercised"] is True and lifecycle_only["status"] == "passed"
    assert lifecycle_only["cases"] == 0 and "lifecycle" in lifecycle_only["reason"]
    assert lifecycle_only["family"] == "assistant"
    assert summary["verdict"] == "pass"


def test_totals_use_the_spec_operation_count(summary):
    t = summary["totals"]
    # GET/POST /assistant, GET/PATCH/DELETE /assistant/{id}: 5 of the spec's 9 (one has no record at all)
    assert (t["exercised"], t["exercised_of"], t["exercised_text"]) == (5, 9, "5/9")
    assert t["operations"] == 8


def test_markdown_and_dashboard_show_the_figure_and_the_misses(tmp_path, summary):
    md = (tmp_path / "run" / "summary.md").read_text()
    assert "Success path exercised: **5/9**" in md
    section = md.split("### Success-path coverage: 5/9", 1)[1]
    assert "| `POST /call` | none | costs money" in section
    assert "| `GET /call/{id}` | 404 x7 | no success answer received (statuses seen: 404 x7) |" in section
    assert "`GET /assistant`" not in section.split("Exercised by family")[0]
    assert "Exercised by family: assistant 5/5, call 0/3" in section
    assert "1 operation(s) of the spec have no record" in section
    html = (tmp_path / "run" / "index.html").read_text()
    assert "<b>5/9</b><span>success path exercised (2xx checked)</span>" in html
    assert "Success-path coverage" in html and "Never exercised (3)" in html
    assert html.count('data-exercised="no"') == 3 and html.count('data-exercised="yes"') == 5
    assert html.count('class="tile"') == 8


def test_a_shard_counts_the_operations_it_has(tmp_path):
    summary = build(_run(tmp_path / "shard", OPERATIONS[:4], {"gw1": COVERAGE["gw1"][:3]}, shard="1/2"))
    assert summary["totals"]["exercised_of"] == 4 and summary["totals"]["exercised_text"] == "3/4"


def test_merged_shards_sum_their_coverage(tmp_path):
    first = _run(tmp_path / "s1", OPERATIONS[:4], {"gw0": COVERAGE["gw0"][:3]}, shard="1/2")
    second = _run(tmp_path / "s2", OPERATIONS[4:], {"gw0": COVERAGE["gw0"][3:], "gw1": COVERAGE["gw1"]},
                  shard="2/2")
    merged = merge([first, second], tmp_path / "merged")
    _validate(merged)
    whole = build(_run(tmp_path / "whole", OPERATIONS, COVERAGE))
    assert merged["totals"]["exercised_text"] == whole["totals"]["exercised_text"] == "5/9"
    strip = ("operation", "exercised", "statuses", "checked", "not_exercised_reason")
    assert [{k: o[k] for k in strip} for o in merged["operations"]] == \
        [{k: o[k] for k in strip} for o in whole["operations"]]
    assert (tmp_path / "merged" / "coverage.jsonl").exists()


def test_an_older_run_without_coverage_shows_n_a(tmp_path):
    old = _run(tmp_path / "old", OPERATIONS, {})
    assert not list(old.glob("coverage*"))
    summary = build(old)
    _validate(summary)
    t = summary["totals"]
    assert (t["exercised"], t["exercised_of"], t["exercised_text"]) == (None, 9, "n/a")
    assert all(o["exercised"] is None and o["not_exercised_reason"] is None for o in summary["operations"])
    assert "Success path exercised: n/a" in (old / "summary.md").read_text()
    assert "Success-path coverage" not in (old / "summary.md").read_text().split("Success path exercised")[1]
    html = (old / "index.html").read_text()
    assert "n/a" in html and 'data-exercised="' not in html
    merged = merge([old], tmp_path / "merged")  # a merge of old runs stays n/a and writes no coverage file
    assert merged["totals"]["exercised_text"] == "n/a" and not (tmp_path / "merged" / "coverage.jsonl").exists()


def test_fuzz_coverage_without_a_result_is_unfinished_never_a_pass(tmp_path):
    summary = build(_run(tmp_path / "run", OPERATIONS, {"gw0": [_cov("GET /tool", "fuzz", {"200": 3})]}))
    tool = next(o for o in summary["operations"] if o["operation"] == "GET /tool")
    assert tool["status"] == "unfinished" and tool["exercised"] is True
    assert summary["verdict"] == "incomplete"


def test_nothing_checked_through_a_lifecycle_is_skipped_with_its_reason(tmp_path):
    why = "create refused every valid body (422)"
    summary = build(_run(tmp_path / "run", OPERATIONS, {"gw0": [_cov("GET /tool/{id}", "lifecycle", {}, why)]}))
    tool = next(o for o in summary["operations"] if o["operation"] == "GET /tool/{id}")
    assert (tool["status"], tool["exercised"], tool["not_exercised_reason"]) == ("skipped", False, why)


def test_bad_records_and_pseudo_operations_never_crash(tmp_path):
    run_dir = _run(tmp_path / "run", [*OPERATIONS, _op("lifecycle assistant")], COVERAGE)
    bad = ({"operation": "GET /assistant", "statuses": {"2xx": 3, "200": "many", "201": -1}},
           {"operation": "GET /assistant", "statuses": [200], "checked": "x"}, {"statuses": {"200": 1}}, "not an object")
    killed = '{"operation": "GET /assistant", "statuses": {"200"'  # the writer died mid-line
    (run_dir / "coverage.gw7.jsonl").write_text("".join(json.dumps(r) + "\n" for r in bad) + killed)
    summary = build(run_dir)
    _validate(summary)
    ops = {o["operation"]: o for o in summary["operations"]}
    assert ops["GET /assistant"]["statuses"] == {"200": 11, "400": 2}
    assert ops["lifecycle assistant"]["exercised"] is None
    assert summary["totals"]["exercised_text"] == "5/9"
    assert any("coverage of GET /assistant" in w for w in summary["warnings"])
    assert "unknown" not in ops and any("names no operation" in w for w in summary["warnings"])
    assert any("truncated last line" in w for w in summary["warnings"])
