"""Lifecycles end to end against a real twin (`vapi-contract run --target twin`): a nameless family (tools, tracked
by id), a multipart family (files, a generated upload), a family under a parent path (an older spec's test-suite
tests); every step's response is checked and counted as coverage; each behaviour fault of the twin is caught."""

from __future__ import annotations

import json

from .test_run_end_to_end import findings, run


def records(report, kind: str) -> list[dict]:
    return [json.loads(line) for p in report.glob(f"{kind}*.jsonl") for line in p.read_text().splitlines()
            if line.strip()]


def lifecycle_coverage(report) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for record in records(report, "coverage"):
        if record.get("source") == "lifecycle":
            for status, count in record["statuses"].items():
                out.setdefault(record["operation"], {}).setdefault(status, 0)
                out[record["operation"]][status] += count
    return out


def test_nameless_and_multipart_families_run_their_lifecycle(tmp_path, newest_spec_path):
    code, report, output = run(tmp_path, newest_spec_path, "--operations", "GET /tool/{id},GET /file/{id}",
                               "--max-examples", "2", "--modes", "positive")
    assert code in (0, 1), output[-3000:]
    assert [f for f in findings(report) if f["classification"] == "server-bug" and not f["flaky"]] == []
    ops = {o["operation"]: o for o in records(report, "operations")}
    for family in ("/tool", "/file"):
        assert ops[f"lifecycle {family}"]["status"] in ("passed", "failed"), ops[f"lifecycle {family}"]
    seen = lifecycle_coverage(report)
    for label in ("POST /tool", "GET /tool/{id}", "PATCH /tool/{id}", "DELETE /tool/{id}", "GET /tool",
                  "POST /file", "GET /file/{id}", "DELETE /file/{id}", "GET /file"):
        assert any(s.startswith("2") for s in seen.get(label, {})), (label, seen.get(label))
    resources = records(report, "resources")
    created = {r["resource_id"] for r in resources if r["action"] == "created"}
    deleted = {r["resource_id"] for r in resources if r["action"] == "deleted"}
    assert len(created) >= 4 and created <= deleted  # two objects per family (one with non-ASCII text), no leak


def test_a_family_under_a_parent_runs_under_a_parent_it_creates(tmp_path, spec_history):
    spec = spec_history / "2025-03-08T0141-570dd60.json.gz"
    code, report, output = run(tmp_path, spec, "--operations", "GET /test-suite/{testSuiteId}/test/{id}",
                               "--max-examples", "1", "--modes", "positive")
    assert code in (0, 1), output[-3000:]
    ops = {o["operation"]: o for o in records(report, "operations")}
    assert ops["lifecycle /test-suite/{testSuiteId}/test"]["status"] in ("passed", "failed"), output[-3000:]
    seen = lifecycle_coverage(report)
    assert "201" in seen.get("POST /test-suite", {}) or "200" in seen.get("POST /test-suite", {}), seen
    assert any(s.startswith("2") for s in seen.get("POST /test-suite/{testSuiteId}/test", {})), seen
    assert any(s.startswith("2") for s in seen.get("DELETE /test-suite/{id}", {})), seen  # the parent, too
    resources = records(report, "resources")
    assert {r["resource_id"] for r in resources if r["action"] == "created"} <= {
        r["resource_id"] for r in resources if r["action"] == "deleted"}

# Each behaviour fault of the twin is proven caught by URL in the default profile: test_live_depth.py.
