import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from vapi_contract.errors import UsageError
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.render.html import FILTER_SCRIPT
from vapi_contract.report import build
from vapi_contract.report.builder import REPORT_FILES, schema_path


@pytest.fixture
def built(nightly_dir, baseline_file):
    import datetime as dt

    return nightly_dir, build(nightly_dir, baseline_file, today=dt.date(2026, 11, 21))


def _validate(summary):
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(summary)


def test_summary_json_matches_its_shipped_schema(built):
    run_dir, summary = built
    on_disk = json.loads((run_dir / "summary.json").read_text())
    assert on_disk == summary
    _validate(on_disk)


def test_schema_rejects_a_summary_missing_a_documented_field(built):
    _, summary = built
    del summary["findings"][0]["reproducer"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(summary)


def test_triage_totals_and_verdict(built):
    _, summary = built
    t = summary["totals"]
    assert summary["verdict"] == "fail" and summary["exit_code"] == 1
    assert (t["findings"], t["new"], t["known"], t["fixed"], t["flaky"]) == (12, 10, 2, 1, 1)
    assert t["by_classification"] == {"server-bug": 6, "spec-gap": 5, "infra": 1}
    assert (t["operations"], t["skipped"], t["timeout"]) == (77, 10, 1)
    expired = next(f for f in summary["findings"] if f["fingerprint"] == "48b8035b31a532a9")
    assert expired["status"] == "new" and expired["baseline"]["expired"] is True
    known = {f["operation"] for f in summary["findings"] if f["status"] == "known"}
    assert known == {"POST /squad", "GET /squad"}
    assert [e["fingerprint"] for e in summary["fixed"]] == ["0badc0ffee15dead"]
    assert [e["operation"] for e in summary["not_covered"]] == ["GET /knowledge-base"]
    ops = {o["operation"]: o for o in summary["operations"]}
    assert ops["POST /squad"]["outcome"] == "known" and ops["POST /squad"]["status"] == "failed"
    assert ops["GET /call/{id}"]["outcome"] == "failed"
    assert ops["POST /call"]["outcome"] == "skipped"
    assert ops["GET /assistant/{id}"]["family"] == "assistant"
    assert summary["resources"] == {"created": 16, "deleted": 15, "delete_failed": 1, "leaks": 1,
                                    "leaked": [summary["resources"]["leaked"][0]]}
    assert summary["resources"]["leaked"][0]["name"] == "vc-test-file-31"
    slowest = summary["latency"]["slowest"]
    assert len(slowest) == 10 and slowest[0]["p95"] >= slowest[-1]["p95"]
    assert summary["spec_issue_counts"]["undocumented-4xx"] == 9


def test_junit_is_one_testcase_per_operation_with_findings_as_failures(built):
    run_dir, _ = built
    root = ET.parse(run_dir / "junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(cases) == 77 and len(set(names)) == 77 and "GET /assistant/{id}" in names
    by_name = {c.get("name"): c for c in cases}
    failure = by_name["GET /call/{id}"].find("failure")
    assert failure is not None and "48b8035b31a532a9" in failure.text and "EXPIRED" in failure.text
    assert "Bearer ***" in failure.text
    assert by_name["GET /call/{id}"].get("classname") == "vapi.call"
    # Accepted findings do not turn CI red; they are reported in system-out.
    squad = by_name["POST /squad"]
    assert squad.find("failure") is None and "4492224da708ce0b" in squad.find("system-out").text
    assert by_name["POST /call"].find("skipped") is not None
    assert by_name["GET /call"].find("error").get("type") == "infra"
    timeout = by_name["POST /provider/{provider}/{resourceName}"].find("error")
    assert timeout.get("type") == "timeout"
    counted = {k: int(root.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    actual = {"tests": len(cases), "failures": sum(c.find("failure") is not None for c in cases),
              "errors": sum(c.find("error") is not None for c in cases),
              "skipped": sum(c.find("skipped") is not None for c in cases)}
    assert counted == actual == {"tests": 77, "failures": 9, "errors": 2, "skipped": 10}
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))


def test_markdown_comment_leads_with_the_verdict(built):
    run_dir, _ = built
    text = (run_dir / "summary.md").read_text()
    assert text.startswith("## vapi-contract: \u274c **FAIL**")
    assert "### New findings (10)" in text and "<details><summary>Reproducers (10)</summary>" in text
    assert "(baseline entry expired 2026-01-15)" in text
    assert "### Fixed (1)" in text and "0badc0ffee15dead" in text
    assert "1 leaked" in text and "Operations cut short or not completed (1)" in text
    assert len(text) < 65536


def test_dashboard_is_one_self_contained_file(built):
    run_dir, summary = built
    html = (run_dir / "index.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<script") == 1 and FILTER_SCRIPT in html  # the inline filter script, nothing else
    assert not re.search(r"<(script|link|img|iframe)\b", html.replace(FILTER_SCRIPT, ""), re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html
    for finding in summary["findings"]:
        assert finding["fingerprint"] in html
    assert html.count('class="tile"') == 77
    assert "Latency per operation" in html and "Spec issues" in html and "vc-test-file-31" in html
    # Every SVG chart is well-formed XML.
    for svg in re.findall(r"<svg.*?</svg>", html, re.DOTALL):
        ET.fromstring(svg)


def test_no_api_key_in_any_file(tmp_path, sample_run, monkeypatch):
    secret, secondary = "5f0c2b7e-91d4-4a8e-b1c3-7e9d2f4a6b8c", "sk-second-org-4d3c2b1a0f9e8d7c"
    monkeypatch.setenv("VAPI_API_KEY", secret)
    monkeypatch.setenv("VAPI_API_KEY_SECONDARY", secondary)
    run_dir = tmp_path / "run"
    sample_run.write(run_dir, secret=secret)
    # Evidence written around the writer (e.g. by a crashing worker) is still masked in reports.
    with open(run_dir / "findings.gw9.jsonl", "a") as fh:
        fh.write(json.dumps({"operation": "GET /tool", "check": "api_key_not_echoed", "classification":
                             "server-bug", "fingerprint": "abcdefabcdef0123",
                             "message": f"response echoed {secondary}",
                             "reproducer": f"curl -H 'Authorization: Bearer {secret}'",
                             "details": {"body": f"{{\"key\":\"{secondary}\"}}"}}) + "\n")
    dumped = (run_dir / "findings.gw9.jsonl").read_bytes()
    summary = build(run_dir)
    files = sorted(p.name for p in run_dir.iterdir())
    assert set(REPORT_FILES) <= set(files)
    for path in run_dir.iterdir():
        text = path.read_text()
        if path.name == "findings.gw9.jsonl":  # evidence is never rewritten; the reports say it holds a key
            assert text.encode() == dumped
            continue
        assert secret not in text and secondary not in text, path.name
    assert "response echoed ***" in (run_dir / "summary.md").read_text()
    assert any(w.startswith("findings.gw9.jsonl holds an API key") and "left unchanged" in w
               for w in summary["warnings"])


def test_killed_run_with_a_truncated_line_builds_and_says_so(tmp_path):
    writer = RunWriter(tmp_path, [], worker="gw0")
    writer.start({"spec": {"sha256": "ab" * 32, "operations": 3}, "target": {"kind": "twin"}})
    writer.operation({"operation": "GET /tool", "status": "passed", "cases": 5, "duration_s": 0.4,
                      "latency_ms": {"count": 5, "p50": 3.0, "p95": 9.0, "max": 11.0}, "checks": [],
                      "reason": None})
    writer.finding({"operation": "POST /tool", "check": "not_a_server_error", "classification": "server-bug",
                    "fingerprint": "1111222233334444", "message": "500", "reproducer": "curl ...",
                    "flaky": False, "status_code": 500, "details": {}})
    writer.close()
    with open(tmp_path / "operations.gw0.jsonl", "a") as fh:  # killed mid-write
        fh.write('{"operation": "POST /tool", "status": "pas')
    summary = build(tmp_path)
    _validate(summary)
    assert any("truncated last line" in w and "operations.gw0.jsonl" in w for w in summary["warnings"])
    assert any("did not finish" in w for w in summary["warnings"])
    ops = {o["operation"]: o for o in summary["operations"]}
    assert ops["POST /tool"]["status"] == "unfinished" and ops["POST /tool"]["outcome"] == "failed"
    assert summary["verdict"] == "fail"
    assert "truncated last line" in (tmp_path / "index.html").read_text()


def test_interrupted_run_without_findings_is_incomplete_never_pass(tmp_path):
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32}})
    writer.operation({"operation": "GET /tool", "status": "passed", "cases": 5})
    writer.finish({"status": "interrupted", "exit_code": 130})
    summary = build(tmp_path)
    assert (summary["verdict"], summary["exit_code"]) == ("incomplete", 3)
    assert "INCOMPLETE" in (tmp_path / "summary.md").read_text()


def test_completed_clean_run_passes(tmp_path):
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32}})
    writer.operation({"operation": "GET /tool", "status": "passed", "cases": 5})
    writer.finish({"exit_code": 0})
    summary = build(tmp_path)
    assert (summary["verdict"], summary["exit_code"]) == ("pass", 0)
    _validate(summary)


def test_not_a_run_dir_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such run directory"):
        build(tmp_path / "missing")
    with pytest.raises(UsageError, match="not a run directory"):
        build(tmp_path)
    (tmp_path / "run.json").write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        build(tmp_path)


def test_a_failing_renderer_leaves_previous_reports_untouched(built, baseline_file, monkeypatch):
    run_dir, _ = built
    before = {name: (run_dir / name).read_text() for name in REPORT_FILES}

    def boom(summary):
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("vapi_contract.report.builder.render_dashboard", boom)
    with pytest.raises(RuntimeError):
        build(run_dir, baseline_file)
    assert {name: (run_dir / name).read_text() for name in REPORT_FILES} == before
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]


def test_rebuild_is_deterministic_apart_from_the_generation_time(built, baseline_file):
    import datetime as dt

    run_dir, first = built
    second = build(run_dir, baseline_file, today=dt.date(2026, 11, 21))
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second


def test_unknown_classification_and_status_are_reported_not_hidden(tmp_path):
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32}})
    writer.operation({"operation": "GET /tool", "status": "exploded", "cases": 1})
    writer.finding({"operation": "GET /tool", "check": "x", "classification": "mystery",
                    "fingerprint": "9999aaaabbbbcccc", "message": "m"})
    writer.finish({"exit_code": 1})
    summary = build(tmp_path)
    _validate(summary)
    assert summary["operations"][0]["status"] == "error"
    assert summary["findings"][0]["classification"] == "server-bug"
    assert any("'mystery'" in w for w in summary["warnings"])
    assert any("'exploded'" in w for w in summary["warnings"])


def test_untrusted_text_cannot_inject_markup(tmp_path):
    evil_op = 'GET /x"><img src=x onerror=alert(1)>'
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32, "title": "<script>alert(2)</script>"}})
    writer.operation({"operation": evil_op, "status": "failed", "cases": 1,
                      "reason": "</details><script>alert(3)</script>"})
    writer.finding({"operation": evil_op, "check": "c`|d", "classification": "server-bug",
                    "fingerprint": "abcabcabcabcabca", "message": "body was <script>alert(4)</script> | x",
                    "reproducer": "curl 'http://127.0.0.1:1/x' -d '```\\n</details>'"})
    writer.finish({"exit_code": 1})
    build(tmp_path)
    html = (tmp_path / "index.html").read_text().replace(FILTER_SCRIPT, "")
    assert "<script" not in html and "<img" not in html
    ET.parse(tmp_path / "junit.xml")
    md = (tmp_path / "summary.md").read_text()
    assert "<script" not in md and "<img" not in md
    assert "````sh\n" in md  # the reproducer's own ``` cannot close its fence
    outside_code = re.sub(r"(`{3,})sh\n.*?\n\1", "", md, flags=re.DOTALL)
    assert outside_code.count("<details>") == outside_code.count("</details>")
    new_rows = [line for line in md.splitlines() if line.startswith("| `GET /x")]
    assert len(new_rows) == 1 and new_rows[0].count(" | ") == 5  # six cells, none split by the message


def test_spec_operations_may_be_a_count_or_the_list_of_labels(tmp_path):
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32, "operations": ["GET /tool", "POST /tool", "GET /file"]}})
    writer.operation({"operation": "GET /tool", "status": "passed", "cases": 3})
    writer.finish({"exit_code": 0})
    summary = build(tmp_path)
    assert summary["totals"]["operations_in_spec"] == 3
    markdown = (tmp_path / "summary.md").read_text()
    assert "| tests |" in markdown and "the spec's 3 operations" in markdown  # tests are counted apart from them
    assert "2 of the spec's 3 operations have no result" in summary["warnings"][0]


@pytest.mark.parametrize("cases, verdict", [(7, "pass"), (0, "incomplete")])
def test_a_timed_out_operation_is_incomplete_only_when_nothing_ran(tmp_path, cases, verdict):
    writer = RunWriter(tmp_path, [], worker="")
    writer.start({"spec": {"sha256": "cd" * 32, "operations": 2}})
    writer.operation({"operation": "GET /tool", "status": "passed", "cases": 5})
    writer.operation({"operation": "POST /squad", "status": "timeout", "cases": cases, "reason": "budget 60 s"})
    writer.finish({"exit_code": 0})
    assert build(tmp_path)["verdict"] == verdict


def test_spec_issues_streamed_by_workers_reach_the_report_even_when_killed(tmp_path):
    controller = RunWriter(tmp_path, [], worker="")
    controller.start({"spec": {"sha256": "cd" * 32}, "spec_issues": [
        {"kind": "dangling-ref", "pointer": "/a", "message": "m", "fingerprint": "f1"}]})
    with RunWriter(tmp_path, [], worker="gw1") as worker:
        worker.spec_issue({"kind": "dangling-ref", "pointer": "/a", "message": "m", "fingerprint": "f1"})
        worker.spec_issue({"kind": "unsatisfiable-schema", "pointer": "/b", "message": "no value fits",
                           "fingerprint": "f2"})
        worker.operation({"operation": "GET /tool", "status": "passed", "cases": 5})
    summary = build(tmp_path)  # never finished
    assert [i["fingerprint"] for i in summary["spec_issues"]] == ["f1", "f2"]
    assert summary["spec_issue_counts"] == {"dangling-ref": 1, "unsatisfiable-schema": 1}


def test_an_operation_with_only_known_findings_passes_and_counts_in_the_pass_rate(tmp_path):
    """A PASS run whose failures are all accepted spec gaps reads as a pass rate of 100%, not 50%."""
    import datetime as dt

    fp = "0d47ca63" + "e" * 12
    run_dir = tmp_path / "run"
    writer = RunWriter(run_dir, [], worker=None, fsync=False)
    writer.start({"target": {"kind": "twin", "base_url": "http://127.0.0.1:1"}, "spec": {"operations": 3}})
    for op, status in (("GET /tool/{id}", "failed"), ("GET /tool", "passed"), ("POST /call", "skipped")):
        writer.operation({"operation": op, "status": status, "cases": 0 if status == "skipped" else 5,
                          "duration_s": 0.5, "latency_ms": {"count": 5, "p50": 2.0, "p95": 4.0, "max": 5.0},
                          "checks": [], "reason": "not selected" if status == "skipped" else None})
    writer.finding({"operation": "GET /tool/{id}", "check": "undocumented_status_code",
                    "classification": "spec-gap", "fingerprint": fp, "message": "404 returned, only 200 documented",
                    "reproducer": "curl -X GET http://127.0.0.1:1/tool/x", "flaky": False, "status_code": 404,
                    "details": {}})
    writer.finish({"status": "completed", "finished_at": "2026-11-21T03:00:00Z"})
    writer.close()
    baseline = tmp_path / "accepted-findings.yaml"
    baseline.write_text(f"accepted:\n  - fingerprint: {fp}\n    reason: r\n    owner: qa\n    expires: 2099-01-01\n")

    summary = build(run_dir, baseline, today=dt.date(2026, 11, 21))
    _validate(summary)
    t = summary["totals"]
    assert summary["verdict"] == "pass"
    assert (t["passed"], t["passed_with_known"], t["failed"], t["skipped"], t["tested"]) == (2, 1, 0, 1, 2)
    assert t["pass_rate"] == 100.0
    ops = {o["operation"]: o for o in summary["operations"]}
    assert ops["GET /tool/{id}"]["outcome"] == "known" and ops["GET /tool/{id}"]["status"] == "failed"
    html = (run_dir / "index.html").read_text()
    assert "with known findings" in html and "passed, known findings only (1)" in html
    assert "pass rate 100%: 2 of 2 tested operations without new findings, 1 with known findings" in html
    markdown = (run_dir / "summary.md").read_text()
    assert "| 2 (1 with known findings) | 0 |" in markdown and "Pass rate 100%" in markdown


def test_pass_rate_of_the_sample_night_counts_known_operations_as_passing(built):
    _, summary = built
    t, ops = summary["totals"], summary["operations"]
    outcomes = [o["outcome"] for o in ops]
    assert t["passed_with_known"] == outcomes.count("known") > 0
    assert t["passed"] == outcomes.count("passed") + outcomes.count("known")
    assert t["tested"] == len(ops) - outcomes.count("skipped")
    assert t["pass_rate"] == round(100 * t["passed"] / t["tested"], 1)


def test_an_accepted_finding_of_an_operation_cut_by_its_budget_is_not_covered_not_fixed(tmp_path):
    """POST /squad cut after 49 of its cases never reached negative mode, where its accepted 400 arises: that
    entry is not re-checked (not_covered); only a fully run operation without it proves it fixed."""
    import datetime as dt

    run_dir = tmp_path / "run"
    writer = RunWriter(run_dir, [], worker=None, fsync=False)
    writer.start({"target": {"kind": "twin", "base_url": "http://127.0.0.1:1"}, "spec": {"operations": 2}})
    writer.operation({"operation": "POST /squad", "status": "timeout", "cases": 49, "duration_s": 60.0,
                      "latency_ms": {"count": 49, "p50": 2.0, "p95": 4.0, "max": 5.0}, "checks": [],
                      "reason": "generation cut after its 60 s time budget after 49 cases"})
    writer.operation({"operation": "POST /tool", "status": "passed", "cases": 70, "duration_s": 9.0,
                      "latency_ms": {"count": 70, "p50": 2.0, "p95": 4.0, "max": 5.0}, "checks": [], "reason": None})
    writer.finish({"status": "completed", "finished_at": "2026-11-21T03:00:00Z"})
    writer.close()
    baseline = tmp_path / "accepted-findings.yaml"
    baseline.write_text("accepted:\n" + "".join(
        f"  - fingerprint: {fp}\n    reason: r\n    owner: qa\n    expires: 2099-01-01\n    operation: {op}\n"
        for fp, op in (("8262676655b53078cd45", "POST /squad"), ("0123456789abcdef0123", "POST /tool"))))

    summary = build(run_dir, baseline, today=dt.date(2026, 11, 21))
    assert [e["operation"] for e in summary["not_covered"]] == ["POST /squad"]
    assert [e["operation"] for e in summary["fixed"]] == ["POST /tool"]
