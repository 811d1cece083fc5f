"""Trend history: one entry per night, atomic replace, concurrent writers, corrupt files refused, charts."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from vapi_contract.errors import VapiContractError
from vapi_contract.pipelines import history


def night(date, new=0, known=0, rate=100.0, **extra):
    return {"night": date, "findings": {"new": new, "known": known, "fixed": 0}, "pass_rate": rate, **extra}


def test_append_keeps_one_entry_per_night_in_order(tmp_path):
    path = tmp_path / "reports" / "history.json"
    history.append(path, night("2026-11-20", new=2))
    history.append(path, night("2026-11-19", new=5))
    nights = history.append(path, night("2026-11-20", new=0, known=2))  # a rerun replaces that night
    assert [(n["night"], n["findings"]["new"]) for n in nights] == [("2026-11-19", 5), ("2026-11-20", 0)]
    assert history.read(path) == nights
    assert json.loads(path.read_text())["version"] == history.FORMAT_VERSION
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".history")] == []


def test_entry_needs_a_night(tmp_path):
    with pytest.raises(TypeError):
        history.append(tmp_path / "h.json", {"findings": {}})


def test_corrupt_history_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "history.json"
    path.write_text('{"nights": [')
    with pytest.raises(VapiContractError, match="corrupt trend history"):
        history.append(path, night("2026-11-21"))
    assert path.read_text() == '{"nights": ['
    path.write_text("[]")
    with pytest.raises(VapiContractError, match="not a trend history"):
        history.read(path)


def _append_many(path, start):
    for day in range(start, start + 5):
        history.append(path, night(f"2026-10-{day:02d}"))


def test_concurrent_writers_lose_no_night(tmp_path):
    path = tmp_path / "history.json"
    procs = [multiprocessing.Process(target=_append_many, args=(path, start)) for start in (1, 11)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert len(history.read(path)) == 10


def test_charts_plot_findings_pass_rate_errors_and_latency_with_spec_markers():
    nights = [
        night("2026-11-19", new=1, rate=90.0, latency_ms={"p95_max": 120.0, "p95_median": 40.0}),
        night("2026-11-20", new=0, known=1, rate=95.5, spec_changed=True, snapshot_id="20261120T0000Z-abc",
              spec_errors={"total": 42, "new": 0}, spec_changes={"error": 3}),
    ]
    svgs = history.charts(nights)
    assert len(svgs) == 4 and all(s.startswith("<svg") for s in svgs)
    assert "Contract findings per night" in svgs[0] and "spec 20261120T000" in svgs[0]
    assert "95.5" in svgs[1]
