"""The typed evidence model: what the contract writes is what the report reads, field for field; a record of the
wrong shape is a one-line error when read strictly and a coerced record plus a warning when read leniently."""

from __future__ import annotations

import json

import pytest

from vapi_contract.evidence.model import EvidenceError, Finding, OperationRecord, RunMeta, SpecIssue
from vapi_contract.evidence.reader import load_evidence
from vapi_contract.evidence.writer import RunWriter

FINDING = Finding("GET /tool/{id}", "undocumented_status_code", "spec-gap", "0123456789abcdef0123",
                  "status 404 is not documented", "curl -X GET http://127.0.0.1:1/tool/x", False, 404,
                  {"generation_mode": "negative"}, "2026-12-04T12:00:00.000Z")
OPERATION = OperationRecord("GET /tool/{id}", "failed", 7, {"positive": 3, "negative": 4}, 0.5, None,
                            ["not_a_server_error"], None, 0.25, 0.1)


@pytest.mark.parametrize("record", [FINDING, OPERATION, SpecIssue("slow-operation", "POST /x", "cut", "ab" * 10),
                                    RunMeta(run_id="r1", status="completed", exit_code=0, shard="1/2",
                                            spec_issues=[SpecIssue("dangling-ref", "/a", "m", "cd" * 8)])])
def test_round_trip_strict(record):
    again = type(record).from_json(json.loads(json.dumps(record.to_json())))
    assert again == record


@pytest.mark.parametrize(("cls", "data", "error"), [
    (Finding, {"operation": "GET /x", "check": "c", "classification": "server-bug", "fingerprint": "ab" * 8,
               "message": "m", "status_code": "500"}, "finding: 'status_code' must be an integer or null"),
    (Finding, {"operation": "GET /x", "classification": "mystery", "fingerprint": "ab" * 8},
     "has classification 'mystery'"),
    (OperationRecord, {"operation": "GET /x", "status": "exploded"}, "operation GET /x has status 'exploded'"),
    (OperationRecord, {"operation": "GET /x", "status": "passed", "checks": "all"}, "'checks' must be a list"),
    (RunMeta, {"status": "done"}, "run.json status 'done'"),
    (SpecIssue, ["not", "an", "object"], "spec issue: expected a JSON object, got list"),
])
def test_strict_reading_is_one_line(cls, data, error):
    with pytest.raises(EvidenceError) as raised:
        cls.from_json(data)
    assert error in str(raised.value) and "\n" not in str(raised.value)


def test_lenient_reading_coerces_and_warns():
    warnings: list[str] = []
    finding = Finding.from_json({"operation": 7, "classification": "mystery", "fingerprint": "AB" * 8,
                                 "status_code": 500.0, "reproducer": "", "flaky": "yes"}, warnings)
    assert (finding.operation, finding.check, finding.classification, finding.fingerprint) == \
        ("7", "unknown", "server-bug", "ab" * 8)
    assert (finding.status_code, finding.reproducer, finding.flaky) == (500, None, False)
    operation = OperationRecord.from_json({"operation": "GET /x", "status": "??", "cases": -3}, warnings)
    assert (operation.status, operation.cases, operation.checks) == ("error", 0, None)
    assert warnings == ["finding abababababababab (7) has classification 'mystery'; reported as server-bug",
                        "operation GET /x has status '??'; reported as error"]


def test_the_contract_writes_what_the_report_reads(tmp_path):
    with RunWriter(tmp_path, [], worker="gw0") as writer:
        writer.start({"run_id": "r1", "shard": "1/2", "spec_issues": [{"kind": "dangling-ref", "pointer": "/a",
                                                                       "message": "m", "fingerprint": "f1"}]})
        writer.finding(FINDING)
        writer.operation(OPERATION)
        writer.spec_issue(SpecIssue("slow-operation", "POST /x", "cut", "f2"))
        writer.spec_issue(SpecIssue("dangling-ref", "/a", "again", "f1"))  # seen in run.json: kept once
        writer.finish({"exit_code": 1})
    evidence = load_evidence(tmp_path)
    assert evidence.findings == [FINDING] and evidence.operations == [OPERATION]
    assert [i.fingerprint for i in evidence.meta.spec_issues] == ["f1", "f2"]
    assert (evidence.meta.run_id, evidence.meta.shard, evidence.meta.status) == ("r1", "1/2", "completed")
    assert evidence.warnings == []
    assert "generation_s" not in OPERATION.result() and OPERATION.to_json()["generation_s"] == 0.25
