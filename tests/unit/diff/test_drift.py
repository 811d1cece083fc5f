"""`vapi-contract drift` against a real local spec server and a real local webhook receiver."""

from __future__ import annotations

import gzip
import json

import pytest

from vapi_contract.cli import main

RECENT_OLD = "2026-04-02T0037-80eff64.json.gz"  # -> RECENT_NEW: one info change
RECENT_NEW = "2026-04-22T1131-7dc5137.json.gz"
BREAKING_OLD = "2025-08-27T1731-af45f6d.json.gz"  # -> BREAKING_NEW: 27 operations removed
BREAKING_NEW = "2025-08-31T2134-02e562a.json.gz"


@pytest.fixture
def spec_bytes(spec_history):
    return lambda name: gzip.decompress((spec_history / name).read_bytes())


@pytest.fixture(autouse=True)
def _quick_fetch(monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_RETRIES", "0")
    monkeypatch.setenv("VAPI_SPEC_TIMEOUT", "5")
    monkeypatch.delenv("VAPI_API_KEY", raising=False)


def _snapshots(store) -> int:
    index = store / "index.json"
    return len(json.loads(index.read_text())["snapshots"]) if index.exists() else 0


def test_baseline_then_unchanged_then_changed_with_alert_and_webhook(tmp_path, local_server, spec_bytes, capsys):
    spec, hook = local_server(), local_server()
    hook.routes["/hook"] = (200, b"ok", "text/plain")
    spec.routes["/api-json"] = (200, spec_bytes(RECENT_OLD), "application/json")
    store, alerts = tmp_path / "store", tmp_path / "alerts"
    args = ["drift", "--source", spec.url("/api-json"), "--store", str(store), "--alert-dir", str(alerts),
            "--webhook", hook.url("/hook"), "--fail-on", "warning", "--debounce-minutes", "0"]

    assert main(args) == 0 and _snapshots(store) == 1  # empty store: baseline
    assert "baseline" in capsys.readouterr().out
    assert main(args) == 0 and _snapshots(store) == 1  # same spec: nothing new
    assert "no change" in capsys.readouterr().out
    assert hook.requests == []

    spec.routes["/api-json"] = (200, spec_bytes(RECENT_NEW), "application/json")
    assert main(args) == 0  # one info change is below --fail-on warning
    assert _snapshots(store) == 2
    folder = next(alerts.iterdir())
    assert {p.name for p in folder.iterdir()} == {"diff.md", "diff.json", "alert.md", "slack.json"}
    report = json.loads((folder / "diff.json").read_text())
    assert report["summary"] == {"error": 0, "warning": 0, "info": 1}
    assert report["changes"][0]["id"] == "response-optional-property-added"
    [(method, path, body)] = hook.requests
    payload = json.loads(body)
    assert method == "POST" and path == "/hook"
    assert payload == json.loads((folder / "slack.json").read_text())
    assert "text" in payload and payload["blocks"][0]["type"] == "section"
    assert "delivered" in (folder / "alert.md").read_text()


def test_breaking_change_fails_and_a_failing_webhook_is_reported_not_raised(tmp_path, local_server, spec_bytes,
                                                                              capsys):
    spec, hook = local_server(), local_server()
    hook.routes["/hook"] = (503, b"busy", "text/plain")  # retryable under retry.py (a 500 is an answer)
    spec.routes["/api-json"] = (200, spec_bytes(BREAKING_OLD), "application/json")
    store = tmp_path / "store"
    base = ["drift", "--source", spec.url("/api-json"), "--store", str(store), "--debounce-minutes", "0"]
    assert main(base) == 0
    spec.routes["/api-json"] = (200, spec_bytes(BREAKING_NEW), "application/json")
    code = main(base + ["--fail-on", "error", "--webhook", hook.url("/hook"), "--webhook-retries", "1"])
    captured = capsys.readouterr()
    assert code == 1
    assert len(hook.requests) == 2  # first attempt + one retry
    assert "webhook delivery failed" in captured.err and "HTTP 503" in captured.err
    alert = next((store / "alerts").iterdir()) / "alert.md"
    text = alert.read_text()
    assert "FAILED" in text and "api-path-removed-without-deprecation" in text
    slack = json.loads((alert.parent / "slack.json").read_text())
    assert slack["summary"]["error"] >= 25 and len(slack["blocks"][-1]["text"]["text"]) <= 3000


def test_changes_below_fail_on_exit_zero(tmp_path, local_server, spec_bytes):
    spec = local_server()
    spec.routes["/s"] = (200, spec_bytes(BREAKING_OLD), "application/json")
    store = tmp_path / "store"
    assert main(["drift", "--source", spec.url("/s"), "--store", str(store)]) == 0
    spec.routes["/s"] = (200, spec_bytes(BREAKING_NEW), "application/json")
    assert main(["drift", "--source", spec.url("/s"), "--store", str(store), "--debounce-minutes", "0"]) == 0


@pytest.mark.parametrize("route", [
    None,  # nothing listening
    (503, b"unavailable", "text/plain"),
    (200, b"<html>maintenance</html>", "text/html"),
    (200, b'{"openapi": "3.0.0", "paths": {', "application/json"),
])
def test_unreachable_or_unusable_spec_exits_2_without_snapshot(tmp_path, local_server, route, capsys):
    store = tmp_path / "store"
    if route is None:
        server = local_server()
        url = server.url("/api-json")
        server.close()
    else:
        server = local_server()
        server.routes["/api-json"] = route
        url = server.url("/api-json")
    assert main(["drift", "--source", url, "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vapi-contract: error: ") and len(err.strip().splitlines()) == 1
    assert _snapshots(store) == 0


def test_a_spec_file_can_be_the_source(tmp_path, spec_history, capsys):
    store = tmp_path / "store"
    assert main(["drift", "--source", str(spec_history / RECENT_OLD), "--store", str(store)]) == 0
    assert main(["drift", "--source", str(spec_history / RECENT_NEW), "--store", str(store),
                 "--fail-on", "warning", "--debounce-minutes", "0"]) == 0
    assert "changed:" in capsys.readouterr().out and _snapshots(store) == 2
    assert main(["drift", "--source", str(tmp_path / "missing.json"), "--store", str(store)]) == 2
    assert _snapshots(store) == 2
