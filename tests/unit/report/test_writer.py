import json
import multiprocessing
import os
from pathlib import Path

import pytest

from vapi_contract.errors import UsageError
from vapi_contract.evidence.writer import RunWriter, atomic_write_text, new_run_id

SECRET = "sk-live-0f9e8d7c-6b5a-4321-9876-abcdefabcdef"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_every_string_and_key_is_redacted(tmp_path):
    with RunWriter(tmp_path, [SECRET, None, ""], worker="") as writer:
        writer.start({"options": {"api_key": SECRET, SECRET: "as a key"}, "target": {"kind": "twin"}})
        writer.finding({
            "operation": "GET /assistant/{id}",
            "message": f"key {SECRET} echoed in body",
            "reproducer": f"curl -H 'Authorization: Bearer {SECRET}' http://127.0.0.1:1/assistant/x",
            "details": {"body": [f'{{"token": "{SECRET}"}}'], "bytes": SECRET.encode()},
        })
        writer.finish({"exit_code": 1})
    for path in tmp_path.iterdir():
        text = path.read_text()
        assert SECRET not in text, path.name
    finding = _lines(tmp_path / "findings.jsonl")[0]
    assert finding["reproducer"] == "curl -H 'Authorization: Bearer ***' http://127.0.0.1:1/assistant/x"
    assert "***" in json.loads((tmp_path / "run.json").read_text())["options"]


def test_undeclared_bearer_tokens_are_masked_but_prose_is_not(tmp_path):
    with RunWriter(tmp_path, [], worker="") as writer:
        writer.finding({"reproducer": "curl -H 'Authorization: Bearer 1234abcd-5678'",
                        "message": "requires bearer authentication"})
    record = _lines(tmp_path / "findings.jsonl")[0]
    assert record["reproducer"] == "curl -H 'Authorization: Bearer ***'"
    assert record["message"] == "requires bearer authentication"


def test_start_and_finish_write_run_json_atomically(tmp_path):
    writer = RunWriter(tmp_path / "run", ["k3y-secret"], worker="")
    meta = writer.start({"spec": {"sha256": "ab"}, "timings": {"spec_load_s": 1.5}})
    assert meta["status"] == "running" and meta["finished_at"] is None
    assert len(meta["run_id"].split("-")[1]) == 6
    done = writer.finish({"exit_code": 0, "timings": {"total_s": 9.0}})
    on_disk = json.loads((tmp_path / "run" / "run.json").read_text())
    assert on_disk == done
    assert done["status"] == "completed" and done["finished_at"]
    assert done["timings"] == {"spec_load_s": 1.5, "total_s": 9.0}
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["run.json"]  # no temp files left


def test_finish_from_a_fresh_writer_reads_existing_meta(tmp_path):
    RunWriter(tmp_path, [], worker="").start({"run_id": "r1", "seed": 7})
    done = RunWriter(tmp_path, [], worker="").finish({"status": "interrupted", "exit_code": 130})
    assert done["run_id"] == "r1" and done["seed"] == 7 and done["status"] == "interrupted"


def test_atomic_write_keeps_old_file_when_serialisation_fails(tmp_path, monkeypatch):
    target = tmp_path / "summary.json"
    target.write_text("old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(UsageError, match="cannot write .*summary.json: disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_worker_id_selects_per_worker_files(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    with RunWriter(tmp_path, []) as writer:
        writer.operation({"operation": "GET /tool", "status": "passed"})
        writer.resource({"action": "created", "resource_id": "t1"})
    assert (tmp_path / "operations.gw3.jsonl").exists()
    assert _lines(tmp_path / "resources.gw3.jsonl")[0]["time"].endswith("Z")


def _hammer(run_dir: str, worker: str, count: int) -> None:
    with RunWriter(run_dir, [SECRET], worker=worker) as writer:
        for i in range(count):
            writer.finding({"operation": f"POST /w{worker}", "n": i, "pad": "x" * 3000, "k": SECRET})


@pytest.mark.parametrize("shared_file", [True, False], ids=["one-file", "per-worker"])
def test_concurrent_processes_never_interleave_lines(tmp_path, shared_file):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), "" if shared_file else f"gw{i}", 40))
             for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    records = [r for f in tmp_path.glob("findings*.jsonl") for r in _lines(f)]
    assert len(records) == 120
    assert all(r["k"] == "***" for r in records)


def test_run_ids_sort_by_time_and_are_unique():
    ids = {new_run_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == len("20261121T123456Z-1a2b3c") for i in ids)


def test_non_dict_record_is_rejected(tmp_path):
    with RunWriter(tmp_path, [], worker="") as writer, pytest.raises(TypeError):
        writer.finding(["not", "a", "dict"])


def test_fsync_is_rate_limited_and_completed_on_close(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    writer = RunWriter(tmp_path, [], worker="", fsync_interval=3600)
    for i in range(5):
        writer.finding({"n": i})
    assert len(synced) == 1  # the first record; the rest wait for the interval or close()
    writer.close()
    assert len(synced) == 2
    assert len(_lines(tmp_path / "findings.jsonl")) == 5
    synced.clear()
    with RunWriter(tmp_path, [], worker="", fsync_interval=0) as every:
        for i in range(3):
            every.operation({"n": i})
    assert len(synced) == 3
