"""Credentials in URLs (`http://user:secret@host/...`, `?api_key=...`) never reach run.json, summary.json, the
nightly spec stage, the night's dashboard and history, or the gate's verdict (issue 11 item 3)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build

SECRET = "hunter2-very-secret"


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("VAPI_SPEC_MIRROR", "")
    monkeypatch.delenv("VAPI_API_KEY", raising=False)


@pytest.fixture
def spec_server(scorecard_spec):
    """The cut-down spec over HTTP on loopback (any path), like a published spec behind basic auth."""
    body = scorecard_spec.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _no_secret_under(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".gz":
            assert SECRET not in path.read_text(errors="replace"), path


def test_run_json_and_summary_never_hold_url_credentials(tmp_path):
    run_dir = tmp_path / "run"
    with RunWriter(run_dir, [], worker="gw0") as writer:
        writer.start({"spec": {"sha256": "ab" * 32, "operations": 1,
                               "origin": f"http://qa:{SECRET}@specs.example.com/api-json?api_key={SECRET}"},
                      "target": {"kind": "live", "base_url": f"https://bot:{SECRET}@staging.example.com"},
                      "options": {"notes": [f"fell back: http://qa:{SECRET}@specs.example.com/x timed out"]}})
        writer.operation({"operation": "GET /tool", "status": "passed", "cases": 1, "duration_s": 0.1,
                          "latency_ms": {"count": 1, "p50": 1.0, "p95": 1.0, "max": 1.0}, "checks": [],
                          "reason": None})
        writer.finish({"exit_code": 0})
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["spec"]["origin"] == "http://***@specs.example.com/api-json?api_key=***"
    assert meta["target"]["base_url"] == "https://***@staging.example.com"
    assert meta["options"]["notes"] == ["fell back: http://***@specs.example.com/x timed out"]
    build(run_dir)
    _no_secret_under(run_dir)


def test_the_nightly_spec_stage_and_terminal_never_show_url_credentials(tmp_path, spec_server, capsys,
                                                                         monkeypatch):
    out = tmp_path / "night"
    argv = ["nightly", "--spec-only", "--store", str(tmp_path / "store"), "--out", str(out),
            "--history", str(tmp_path / "h.json")]
    assert main([*argv, "--source", f"http://qa:{SECRET}@{spec_server}/spec.json?token={SECRET}"]) == 0
    monkeypatch.setenv("VAPI_SPEC_URL", f"http://qa:{SECRET}@{spec_server}/api-json")  # the default source
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    stage = json.loads((out / "spec-stage.json").read_text())
    assert stage["spec"]["origin"].startswith("http://***@127.0.0.1:")
    _no_secret_under(out)
    _no_secret_under(tmp_path / "store")


def test_the_night_and_its_history_never_show_a_target_with_credentials(tmp_path, scorecard_spec, capsys):
    run_dir = tmp_path / "run"
    with RunWriter(run_dir, [], worker=None) as writer:
        writer.start({"spec": {"sha256": "f" * 64, "operations": 5},
                      "target": {"kind": "live", "base_url": f"https://bot:{SECRET}@staging.example.com"}})
        writer.finish({"exit_code": 0})
    code = main(["nightly", "--source", str(scorecard_spec), "--store", str(tmp_path / "store"), "--out",
                 str(tmp_path / "night"), "--history", str(tmp_path / "h.json"), "--contract-dir", str(run_dir),
                 "--target", f"https://bot:{SECRET}@staging.example.com"])
    assert code in (0, 1, 3)
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert night["target"] == "https://***@staging.example.com"
    _no_secret_under(tmp_path / "night")
    assert SECRET not in (tmp_path / "h.json").read_text()


def test_the_gate_verdict_never_shows_url_credentials(tmp_path, spec_server, scorecard_spec, capsys):
    code = main(["gate", "--candidate", f"http://qa:{SECRET}@{spec_server}/candidate.json",
                 "--baseline", f"http://qa:{SECRET}@{spec_server}/production.json?api_key={SECRET}",
                 "--store", str(tmp_path / "store"), "--skip-contract", "--out", str(tmp_path / "gate")])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert SECRET not in captured.out + captured.err
    _no_secret_under(tmp_path / "gate")
    assert "http://***@127.0.0.1:" in (tmp_path / "gate" / "verdict.md").read_text()
