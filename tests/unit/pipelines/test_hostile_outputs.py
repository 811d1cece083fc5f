"""The jobs under hostile options, files and disks: one line and exit 2, never a traceback or exit 1 (which means
"something new"), and nothing half-written (issue 11 item 6)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.pipelines import history
from vapi_contract.spec.store import SnapshotStore


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("VAPI_SPEC_MIRROR", "")


def _one_line_exit_2(argv: list[str], capsys) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage error
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    errors = [line for line in err.splitlines() if "error:" in line]  # progress lines may precede it
    assert len(errors) == 1 and "Traceback" not in err, err
    return errors[0]


@pytest.mark.parametrize("budget", ["nan", "-1", "inf", "-inf", "0", "abc", "1e999"])
def test_a_time_budget_that_is_not_a_duration_is_a_usage_error(budget, tmp_path, scorecard_spec, capsys):
    for job in (["nightly", "--source", str(scorecard_spec)], ["gate", "--candidate", str(scorecard_spec)]):
        err = _one_line_exit_2([*job, "--time-budget", budget, "--out", str(tmp_path / "out")], capsys)
        assert "--time-budget" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option, value", [("--max-examples", "0"), ("--max-examples", "-5"), ("--max-examples", "x"),
                                           ("--seed", "abc"), ("--seed", "1.5")])
def test_run_options_the_contract_run_would_refuse_are_refused_up_front(option, value, tmp_path, scorecard_spec,
                                                                        capsys):
    for job in (["nightly", "--source", str(scorecard_spec), "--workers", "0" if option == "--seed" else "1"],
                ["gate", "--candidate", str(scorecard_spec)]):
        err = _one_line_exit_2([*job, option, value, "--out", str(tmp_path / "out")], capsys)
        assert "--" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content, message", [
    (None, "is a folder, not a trend history file"),
    ("{not json", "corrupt trend history"),
    ('{"nights": [5]}', "night 1 is not an entry with a 'night' date"),
    ('{"nights": [{"night": 20261121}]}', "night 1 is not an entry with a 'night' date"),
    ('{"nights": {}}', "not a trend history"),
    ("[" * 100_000 + "]" * 100_000, "corrupt trend history"),
])
def test_a_broken_history_stops_the_night_before_anything_runs(tmp_path, scorecard_spec, capsys, content, message):
    path = tmp_path / "history.json"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    store = tmp_path / "store"
    err = _one_line_exit_2(["nightly", "--source", str(scorecard_spec), "--store", str(store), "--out",
                            str(tmp_path / "night"), "--history", str(path)], capsys)
    assert message in err
    assert not store.exists() or SnapshotStore(store).latest() is None  # the spec stage never ran
    if content is not None:
        assert path.read_text() == content


def test_hand_edited_history_values_become_gaps_in_the_charts():
    nights = [{"night": "2026-11-20", "pass_rate": "abc", "findings": {"new": True}},
              {"night": "2026-11-21", "pass_rate": float("nan"), "findings": [1, 2], "latency_ms": "fast"},
              {"night": "2026-11-22", "pass_rate": 99.0, "findings": {"new": 1, "known": 2, "fixed": 0}}]
    charts = history.charts(nights)
    assert len(charts) == 4 and all(c.startswith("<svg") or "<svg" in c for c in charts)


def test_an_out_path_that_is_a_file_or_cannot_be_created(tmp_path, scorecard_spec, capsys):
    (tmp_path / "file").write_text("x")
    for out, message in ((tmp_path / "file", "is a file, not a directory"),
                         (tmp_path / "file" / "night", "cannot create it")):
        store = ["--store", str(tmp_path / "store"), "--out", str(out)]
        nightly = ["nightly", "--source", str(scorecard_spec), *store, "--history", str(tmp_path / "h.json")]
        gate = ["gate", "--candidate", str(scorecard_spec), "--skip-contract", *store]
        for argv in (nightly, gate):
            assert message in _one_line_exit_2(argv, capsys)


def test_a_full_disk_under_the_out_dir_is_one_line_and_leaves_no_half_file(tmp_path, full_dir, fill_disk,
                                                                           scorecard_spec, capsys):
    out = full_dir / "night"
    argv = ["nightly", "--spec-only", "--source", str(scorecard_spec), "--store", str(tmp_path / "store"),
            "--out", str(out), "--history", str(tmp_path / "h.json")]
    assert main(argv) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    fill_disk(full_dir)
    err = _one_line_exit_2(argv, capsys)
    assert "cannot write" in err and "No space left on device" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    gate_out = full_dir / "gate"
    err = _one_line_exit_2(["gate", "--candidate", str(scorecard_spec), "--store", str(tmp_path / "store"),
                            "--skip-contract", "--out", str(gate_out)], capsys)
    assert "No space left on device" in err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("variable, value", [
    ("VAPI_SPEC_TIMEOUT", "nan"), ("VAPI_SPEC_TIMEOUT", "-1"), ("VAPI_SPEC_TIMEOUT", "inf"),
    ("VAPI_SPEC_TIMEOUT", "abc"), ("VAPI_SPEC_RETRIES", "-3"), ("VAPI_SPEC_RETRIES", "nan"),
    ("VAPI_SPEC_BACKOFF", "nan"), ("VAPI_SPEC_BACKOFF", "-1"),
])
def test_a_nonsense_timeout_in_the_environment_is_exit_2_through_the_nightly(tmp_path, variable, value):
    env = {**os.environ, "VAPI_SPEC_URL": f"http://127.0.0.1:{_closed_port()}/api-json", "VAPI_SPEC_MIRROR": "",
           "VAPI_SPEC_RETRIES": "0", variable: value, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "nightly", "--spec-only", "--store",
                           str(tmp_path / "store"), "--out", str(tmp_path / "night"), "--history",
                           str(tmp_path / "h.json")], capture_output=True, text=True, check=False, env=env,
                          timeout=120)
    lines = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-1500:]
    assert len(lines) == 1 and variable in lines[0], proc.stderr


def test_history_json_stays_whole_under_concurrent_nights_as_processes(tmp_path):
    path = tmp_path / "history.json"
    code = ("import sys; from pathlib import Path; from vapi_contract.pipelines import history; "
            "history.append(Path(sys.argv[1]), {'night': sys.argv[2], 'verdict': 'pass'})")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), f"2026-11-{day:02d}"])
             for day in range(1, 11)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 10
    nights = json.loads(path.read_text())["nights"]
    assert [n["night"] for n in nights] == [f"2026-11-{day:02d}" for day in range(1, 11)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.json", "history.json.lock"]


def test_no_hand_rolled_temp_file_writes_remain_in_the_pipelines():
    root = Path(__file__).resolve().parents[3] / "src" / "vapi_contract"
    for area in ("pipelines", "report"):
        for path in (root / area).glob("*.py"):
            text = path.read_text()
            assert "tmp.replace(" not in text and "os.replace(" not in text, path
