"""Redaction never destroys evidence: it works on parsed values, ignores "keys" too short to be keys, and
`report build` reads evidence without rewriting it (issue 11 item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.evidence.redact import MIN_SECRET_LENGTH, Redactor
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build

KEY = "5f0c2b7e-91d4-4a8e-b1c3-7e9d2f4a6b8c"


def _write_run(run_dir: Path, secrets: list[str], *, extra: dict | None = None) -> None:
    with RunWriter(run_dir, secrets, worker="gw0") as writer:
        writer.start({"spec": {"sha256": "ab" * 32, "operations": 2, "origin": "file specs/x.json"},
                      "target": {"kind": "twin", "base_url": "http://127.0.0.1:41873"}, "seed": 1000,
                      "max_examples": 50, "workers": 1, "timings": {"spec_load_s": 0.5}})
        for op in ("GET /assistant", "POST /assistant"):
            writer.operation({"operation": op, "status": "passed", "cases": 10, "duration_s": 0.25,
                              "latency_ms": {"count": 10, "p50": 3.0, "p95": 9.0, "max": 10.0}, "checks": [],
                              "reason": None})
        writer.finding({"operation": "POST /assistant", "check": "not_a_server_error", "classification": "server-bug",
                        "fingerprint": "0123456789abcdef", "message": "status 500 for 10 cases", "status_code": 500,
                        "reproducer": "curl -X POST http://127.0.0.1:41873/assistant", "flaky": False,
                        "details": {"count": 10, "ratio": 0.5, **(extra or {})}})
        writer.finish({"exit_code": 1})


@pytest.mark.parametrize("key", ["0", "assistant", "500", "1", "true", "a"])
def test_a_key_too_short_to_be_a_key_corrupts_nothing_and_is_named_in_one_line(tmp_path, monkeypatch, capsys, key):
    monkeypatch.setenv("VAPI_API_KEY", key)
    run_dir = tmp_path / "run"
    _write_run(run_dir, [key])
    before = {p.name: p.read_bytes() for p in run_dir.iterdir()}
    assert main(["report", "build", str(run_dir)]) == 0
    meta = json.loads((run_dir / "run.json").read_text())  # still valid JSON, numbers intact
    assert meta["seed"] == 1000 and meta["max_examples"] == 50 and meta["timings"]["spec_load_s"] == 0.5
    summary = json.loads((run_dir / "summary.json").read_text())
    assert {o["operation"] for o in summary["operations"]} == {"GET /assistant", "POST /assistant"}
    assert summary["findings"][0]["message"] == "status 500 for 10 cases"
    for name, data in before.items():
        assert (run_dir / name).read_bytes() == data, f"{name} was rewritten"
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if "VAPI_API_KEY" in line]
    assert len(notes) == 1 and f"{len(key)} character(s) long: too short to be an API key" in notes[0]


def test_short_secrets_are_ignored_by_the_writer_too(tmp_path):
    redactor = Redactor(["0", "assistant", None, "", KEY])
    assert redactor.secrets == [KEY] and redactor.too_short == [1, 9]
    record = {"operation": "GET /assistant/{id}", "count": 0, "ok": True, "body": f"key={KEY}"}
    assert redactor.value(record) == {**record, "body": "key=***"}
    assert MIN_SECRET_LENGTH >= 16


def test_a_real_key_is_masked_wherever_it_occurs_and_the_records_stay_valid(tmp_path, monkeypatch):
    weird = 'sk-"quoted"\\back-0123456789'  # JSON-special characters: masked raw and JSON-escaped
    run_dir = tmp_path / "run"
    echoed = json.dumps({"token": weird, "apiKey": KEY})  # a body the server echoed, stored as JSON text
    _write_run(run_dir, [KEY, weird], extra={
        "request_headers": {"Authorization": f"Bearer {KEY}", "X-Other": weird},
        "curl": f"curl -H 'Authorization: Bearer {KEY}' 'http://h/assistant?key={KEY}'",
        "body": echoed, "nested": [[{"k": f"prefix {KEY} suffix"}]], KEY: "as a dict key",
        "url_encoded": "http://h/x?k=sk-%22quoted%22%5Cback-0123456789",
    })
    for path in run_dir.iterdir():
        text = path.read_text()
        assert KEY not in text and weird not in text and json.dumps(weird)[1:-1] not in text, path.name
        assert "sk-%22quoted%22%5Cback" not in text, path.name
    finding = json.loads((run_dir / "findings.gw0.jsonl").read_text())
    details = finding["details"]
    assert details["request_headers"] == {"Authorization": "Bearer ***", "X-Other": "***"}
    assert details["curl"] == "curl -H 'Authorization: Bearer ***' 'http://h/assistant?key=***'"
    assert json.loads(details["body"]) == {"token": "***", "apiKey": "***"}  # still parseable JSON text
    assert details["nested"] == [[{"k": "prefix *** suffix"}]] and details["***"] == "as a dict key"
    assert details["count"] == 10 and details["ratio"] == 0.5


def test_build_reads_evidence_and_never_rewrites_it(tmp_path, monkeypatch):
    run_dir = tmp_path / "run"
    _write_run(run_dir, [])  # the writer did not know the key
    with open(run_dir / "findings.gw0.jsonl", "a") as fh:  # a raw key written around the writer
        fh.write(json.dumps({"operation": "GET /assistant", "check": "api_key_not_echoed",
                             "classification": "server-bug", "fingerprint": "fedcba9876543210",
                             "message": f"response echoed {KEY}", "reproducer": "curl ..."}) + "\n")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in run_dir.iterdir()}
    monkeypatch.setenv("VAPI_API_KEY", KEY)
    summary = build(run_dir)
    for name, (data, mtime) in before.items():
        assert (run_dir / name).read_bytes() == data and (run_dir / name).stat().st_mtime_ns == mtime, name
    for name in ("summary.json", "summary.md", "junit.xml", "index.html"):
        assert KEY not in (run_dir / name).read_text(), name
    assert "response echoed ***" in {f["message"] for f in summary["findings"]}
    assert [w for w in summary["warnings"] if "holds an API key" in w] == [
        ("findings.gw0.jsonl holds an API key written around the run's redactor: the reports mask it, the evidence "
         "file is left unchanged (redact or delete it before sharing the run dir)")]


def test_merge_never_copies_a_raw_key_from_a_shard(tmp_path, monkeypatch):
    from vapi_contract.report import merge

    shard = tmp_path / "shard"
    _write_run(shard, [])
    with open(shard / "findings.gw0.jsonl", "a") as fh:  # a raw key written around the shard's writer
        fh.write(json.dumps({"operation": "GET /assistant", "fingerprint": "fedcba9876543210",
                             "message": f"echoed {KEY}", "count": 0}) + "\n")
    shard_bytes = (shard / "findings.gw0.jsonl").read_bytes()
    monkeypatch.setenv("VAPI_API_KEY", KEY)
    merge([shard], tmp_path / "merged")
    for path in (tmp_path / "merged").iterdir():
        assert KEY not in path.read_text(), path.name
    merged = [json.loads(line) for line in (tmp_path / "merged" / "findings.jsonl").read_text().splitlines()]
    assert {f["message"] for f in merged} == {"status 500 for 10 cases", "echoed ***"}
    assert (shard / "findings.gw0.jsonl").read_bytes() == shard_bytes  # the shard itself is left alone
