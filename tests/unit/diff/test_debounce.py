"""Drift alerts wait until a change persists, so one partial publish never pages twice (issue 13 item 3)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from vapi_contract.diff.debounce import Debounce, DriftState
from vapi_contract.diff.drift import check_drift
from vapi_contract.errors import UsageError

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
BASE = {"openapi": "3.0.3", "info": {"title": "t", "version": "1.0"},
        "paths": {"/assistant": {"get": {"responses": {"200": {"description": "ok"}}},
                                 "delete": {"responses": {"204": {"description": "gone"}}}}}}


def _variant(**paths):
    doc = copy.deepcopy(BASE)
    for path, item in paths.items():
        if item is None:
            doc["paths"].pop(path.replace("_", "/"), None)
        else:
            doc["paths"][path.replace("_", "/")] = item
    return doc


PARTIAL = _variant(_assistant=None, _call={"get": {"responses": {"200": {"description": "ok"}}}})
REAL = _variant(_assistant={"get": {"responses": {"200": {"description": "ok"}}}})  # DELETE removed for good


class Publisher:
    """What the drift job fetches: a spec file rewritten between fetches, and a clock."""

    def __init__(self, tmp_path, hook=None, **debounce):
        self.file, self.store, self.hook = tmp_path / "published.json", tmp_path / "store", hook
        self.alerts = tmp_path / "alerts"
        self.debounce = Debounce(**debounce)

    def fetch(self, doc, at, **kwargs):
        self.file.write_text(json.dumps(doc))
        return check_drift(str(self.file), self.store, alert_dir=self.alerts, debounce=self.debounce, now=at,
                           webhook=self.hook, webhook_retries=0, fail_on="error", **kwargs)

    def alerts_written(self):
        return sorted(p.name for p in self.alerts.iterdir()) if self.alerts.exists() else []


def _hours(h):
    return T0 + dt.timedelta(hours=h)


def test_a_change_is_alerted_once_after_it_persisted(tmp_path, local_server):
    hook = local_server()
    hook.routes["/hook"] = (200, b"ok", "text/plain")
    pub = Publisher(tmp_path, hook.url("/hook"), minutes=1440)
    assert pub.fetch(BASE, _hours(0)).status == "baseline"
    first = pub.fetch(REAL, _hours(1))
    assert first.status == "pending" and first.exit_code == 0 and pub.alerts_written() == []
    assert pub.fetch(REAL, _hours(5)).status == "pending"
    confirmed = pub.fetch(REAL, _hours(25))
    assert confirmed.status == "changed" and confirmed.exit_code == 1
    assert [c.id for c in confirmed.result.breaking] == ["api-removed-without-deprecation"]
    assert "Seen in 3 consecutive fetches" in (tmp_path / "alerts" / confirmed.snapshot_id / "alert.md").read_text()
    assert pub.fetch(REAL, _hours(29)).status == "unchanged"
    assert len(hook.requests) == 1 and len(pub.alerts_written()) == 1


def test_a_partial_publish_that_reverts_is_one_flap_and_no_page(tmp_path, local_server):
    hook = local_server()
    hook.routes["/hook"] = (200, b"ok", "text/plain")
    pub = Publisher(tmp_path, hook.url("/hook"), minutes=1440)
    pub.fetch(BASE, _hours(0))
    assert pub.fetch(PARTIAL, _hours(1)).status == "pending"
    flap = pub.fetch(BASE, _hours(6))
    assert flap.status == "flap" and flap.exit_code == 0
    assert flap.flapped == (["GET /call"], ["DELETE /assistant", "GET /assistant"])
    assert pub.fetch(BASE, _hours(10)).status == "unchanged"
    assert pub.alerts_written() == [f"flap-{flap.snapshot_id}"]
    [(_, _, body)] = hook.requests  # one informational message, no alert
    message = json.loads(body)
    assert message["flap"] is True and message["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert ":rotating_light:" not in message["text"] and "no action needed" in message["text"]


def test_a_flap_inside_a_real_change_is_named_in_its_one_alert(tmp_path):
    pub = Publisher(tmp_path, minutes=180)
    pub.fetch(BASE, _hours(0))
    pub.fetch(PARTIAL, _hours(0.1))
    assert pub.fetch(REAL, _hours(2)).status == "pending"  # PARTIAL lived 1.9 h: part of the window, no alert
    confirmed = pub.fetch(REAL, _hours(5.5))
    assert confirmed.status == "changed" and confirmed.flapped == (["GET /call"], ["GET /assistant"])
    text = (tmp_path / "alerts" / confirmed.snapshot_id / "slack.json").read_text()
    assert "appeared and vanished again" in text and "GET /call" in text


def test_content_that_outlived_the_debounce_is_alerted_when_found_replaced(tmp_path):
    """One fetch per publication (a replay, or a slow schedule): what lived long enough is confirmed by the
    fetch that finds it replaced, and the replacement starts its own wait."""
    pub = Publisher(tmp_path, minutes=60)
    pub.fetch(BASE, _hours(0))
    assert pub.fetch(PARTIAL, _hours(0.1)).status == "pending"
    outcome = pub.fetch(REAL, _hours(2))  # PARTIAL was live for 1.9 h > 60 min
    assert outcome.status == "changed" and {c.id for c in outcome.result.changes} >= {"endpoint-added"}
    state = json.loads((pub.store / "snapshots" / "drift-state.json").read_text())
    assert state["baseline"] == outcome.snapshot_id and state["pending"]["current_fetches"] == 1


def test_consecutive_fetches_can_confirm_instead_of_time(tmp_path):
    pub = Publisher(tmp_path, fetches=3, minutes=0)
    pub.fetch(BASE, _hours(0))
    assert [pub.fetch(REAL, _hours(0)).status for _ in range(3)] == ["pending", "pending", "changed"]


def test_no_debounce_alerts_at_once(tmp_path):
    pub = Publisher(tmp_path, fetches=0, minutes=0)
    pub.fetch(BASE, _hours(0))
    assert pub.fetch(REAL, _hours(0)).status == "changed"


@pytest.mark.parametrize("kwargs", [{"fetches": -1}, {"minutes": -5}, {"minutes": float("nan")}])
def test_bad_debounce_is_a_usage_error(kwargs):
    with pytest.raises(UsageError):
        Debounce(**kwargs)


def test_a_corrupt_state_file_is_one_line_exit_2(tmp_path, capsys):
    from vapi_contract.cli import main

    pub = Publisher(tmp_path)
    pub.fetch(BASE, _hours(0))
    (pub.store / "snapshots" / "drift-state.json").write_text('{"baseline": "x", "pending": {"since": "yesterday"}}')
    pub.file.write_text(json.dumps(REAL))
    assert main(["drift", "--source", str(pub.file), "--store", str(pub.store)]) == 2
    assert "drift state" in capsys.readouterr().err
    with pytest.raises(UsageError):
        DriftState.load(pub.store)


@pytest.mark.slow
def test_replaying_the_shared_history_alerts_each_real_change_at_most_once(tmp_path, spec_history, history_versions):
    """One fetch per published version, in order, at its publication time, with the default debounce: the
    partial publishes (2024-11-11 38 -> 99 -> 37 operations, 2024-12-10 42 -> 107 -> 42, 2025-10-03 65 -> 70
    -> 65, each gone within 22 h) are never alerted, and each is named once as a flap."""
    from vapi_contract.spec.store import SnapshotStore

    store, alerts = tmp_path / "store", tmp_path / "alerts"
    version_of, outcomes = {}, []
    for version in history_versions:
        at = dt.datetime.strptime(version["published"], "%Y-%m-%dT%H%M").replace(tzinfo=dt.timezone.utc)
        outcome = check_drift(str(spec_history / version["file"]), store, alert_dir=alerts, validate=False, now=at)
        version_of.setdefault(SnapshotStore(store).latest().id, version)
        outcomes.append(outcome)
    alerted = [version_of[o.snapshot_id]["published"] for o in outcomes if o.status == "changed"]
    assert len(alerted) == len(set(alerted)) > 40  # every real change alerted, none twice
    partial = {"2024-11-11T1745", "2024-12-10T1906", "2025-10-03T1428"}
    assert not partial & set(alerted)
    named = [o.flapped[0] for o in outcomes if o.status in ("changed", "flap") and o.flapped[0]]
    assert len(named) >= 3 and any(len(ops) >= 60 for ops in named)  # the 99- and 107-operation publishes


def test_an_approved_change_is_settled_without_an_alert(tmp_path, local_server, capsys):
    from vapi_contract.cli import main

    hook = local_server()
    hook.routes["/hook"] = (200, b"ok", "text/plain")
    pub = Publisher(tmp_path)
    pub.fetch(BASE, _hours(0))
    (pub.store / "approved-changes.yaml").write_text(
        "approved:\n  - rule: api-removed-without-deprecation\n    operation: DELETE /assistant\n"
        "    reason: retired (API-412)\n    approver: jane\n")
    pub.file.write_text(json.dumps(REAL))
    args = ["drift", "--source", str(pub.file), "--store", str(pub.store), "--alert-dir", str(pub.alerts),
            "--webhook", hook.url("/hook"), "--debounce-minutes", "0", "--fail-on", "error"]
    assert main(args) == 0
    assert hook.requests == [] and pub.alerts_written() == []
    assert main(args) == 0 and "no change" in capsys.readouterr().out  # settled: the new baseline
    assert main(args + ["--severity", "no-such-rule=info"]) == 2
