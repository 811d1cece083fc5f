"""A run never mixes its evidence with an earlier run's (issue 11 item 8): a previous run in `--report-dir` is
cleared and said so in one line, a folder with anything else is refused with exit 2, a read-only one too."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vapi_contract.errors import UsageError
from vapi_contract.evidence.writer import LOCK_NAME, EvidenceWriteError, RunWriter, claim_run_dir


def _previous_run(run_dir: Path) -> None:
    with RunWriter(run_dir, [], worker="gw0") as writer:
        writer.start({"run_id": "20261201T000000Z-abcdef", "spec": {"sha256": "cd" * 32}})
        writer.operation({"operation": "GET /old", "status": "passed"})
        writer.finding({"operation": "GET /old", "fingerprint": "0123456789abcdef"})
        writer.finish({"exit_code": 1})
    for name in ("summary.json", "summary.md", "junit.xml", "index.html", ".summary.json.x1y2.tmp"):
        (run_dir / name).write_text("old report")


def test_a_new_or_empty_folder_is_used_as_is(tmp_path):
    lock, note = claim_run_dir(tmp_path / "new" / "run")
    assert note is None and lock.is_locked
    lock.release()
    (tmp_path / "empty").mkdir()
    lock, note = claim_run_dir(tmp_path / "empty")
    assert note is None
    lock.release()


def test_a_previous_run_is_cleared_and_said_in_one_line(tmp_path):
    run_dir = tmp_path / "run"
    _previous_run(run_dir)
    lock, note = claim_run_dir(run_dir)
    lock.release()
    assert note == (f"--report-dir {run_dir} held a previous run (run 20261201T000000Z-abcdef); its 8 file(s) "
                    "were removed, this run starts clean")
    assert [p.name for p in run_dir.iterdir()] in ([], [LOCK_NAME])


@pytest.mark.parametrize("intruder", ["notes.txt", "subdir/", "index.html-only"])
def test_a_folder_holding_anything_else_is_refused_and_left_alone(tmp_path, intruder):
    run_dir = tmp_path / "run"
    if intruder == "index.html-only":  # report-like names alone do not make a folder a run dir
        run_dir.mkdir()
        (run_dir / "index.html").write_text("<html>my site</html>")
    else:
        _previous_run(run_dir)
        if intruder.endswith("/"):
            (run_dir / intruder).mkdir()
        else:
            (run_dir / intruder).write_text("keep me")
    before = sorted(p.name for p in run_dir.iterdir())
    with pytest.raises(UsageError, match=r"is not empty and is not a run directory \(holds \w.*\); choose a new"):
        claim_run_dir(run_dir)
    assert sorted(p.name for p in run_dir.iterdir() if p.name != LOCK_NAME) == before


def test_a_file_or_a_folder_in_use_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="is a file, not a directory"):
        claim_run_dir(tmp_path / "file")
    lock, _ = claim_run_dir(tmp_path / "run")
    try:  # a run still writing there (here: its lock held by this process); the second run is refused
        proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "run", "--report-dir",
                               str(tmp_path / "run"), "--spec", str(tmp_path / "no-spec.json")],
                              check=False, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            (f"vapi-contract: error: --report-dir {tmp_path / 'run'}: another run is writing there; "
             "choose another directory")]
    finally:
        lock.release()


def test_a_folder_that_cannot_be_created_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")  # works as root too, unlike a read-only folder
    with pytest.raises(UsageError, match="cannot write there"):
        claim_run_dir(tmp_path / "file" / "run")
    with pytest.raises(EvidenceWriteError, match=r"cannot write .*file/run2: Not a directory"):
        RunWriter(tmp_path / "file" / "run2", [])


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_a_read_only_folder_is_one_line(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(UsageError, match="cannot write there"):
            claim_run_dir(ro / "run")
        with pytest.raises(EvidenceWriteError, match=r"cannot write .*ro/run2"):
            RunWriter(ro / "run2", [])
    finally:
        ro.chmod(0o700)


def test_a_full_disk_mid_run_is_one_line_exit_3_and_the_evidence_stays_readable(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    run_dir = tmp_path / "run"
    writer = RunWriter(run_dir, [], worker="gw0")
    writer.start({"spec": {"sha256": "ab" * 32}})
    writer.operation({"operation": "GET /a", "status": "passed"})
    os.symlink("/dev/full", run_dir / "findings.gw0.jsonl")  # every write there fails with ENOSPC
    with pytest.raises(EvidenceWriteError, match="No space left on device") as info:
        writer.finding({"operation": "GET /a", "fingerprint": "0123456789abcdef"})
    assert info.value.exit_code == 3 and "\n" not in str(info.value)
    writer.close()
    assert json.loads((run_dir / "run.json").read_text())["status"] == "running"
    assert json.loads((run_dir / "operations.gw0.jsonl").read_text())["operation"] == "GET /a"


def _spec(document: dict, paths: tuple[str, ...], out: Path) -> Path:
    """The newest spec cut down to PATHS and the schemas they reach (a run of seconds against the twin)."""
    doc = copy.deepcopy(document)
    doc["paths"] = {p: doc["paths"][p] for p in paths}
    schemas, keep, todo = doc["components"]["schemas"], set(), [doc["paths"]]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/") and ref[21:] not in keep:
                keep.add(ref[21:])
                todo.append(schemas.get(ref[21:]))
            todo += list(node.values())
        elif isinstance(node, list):
            todo += node
    doc["components"]["schemas"] = {k: v for k, v in schemas.items() if k in keep}
    out.write_text(json.dumps(doc))
    return out


def test_a_rerun_into_the_same_report_dir_reports_only_itself(tmp_path, newest_spec):
    pytest.importorskip("vapi_contract.contract.cli")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "VAPI_SPEC_URL": "off",
           "VAPI_CONTRACT_STORE": str(tmp_path / "store")}
    env.pop("VAPI_API_KEY", None)
    run_dir = tmp_path / "run"
    runs = []
    for name, paths in (("first", ("/observability/scorecard", "/observability/scorecard/{id}")),
                        ("second", ("/tool",))):
        spec = _spec(newest_spec, paths, tmp_path / f"{name}.json")
        proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "run", "--spec", str(spec), "--report-dir",
                               str(run_dir), "-q", "--seed", "7", "--max-examples", "3"],
                              check=False, capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        runs.append(proc.stderr)
    assert "held a previous run" not in runs[0]
    notes = [line for line in runs[1].splitlines() if "held a previous run" in line]
    assert len(notes) == 1 and notes[0].startswith(f"vapi-contract: --report-dir {run_dir} held a previous run (run ")
    assert notes[0].endswith("file(s) were removed, this run starts clean")
    summary = json.loads((run_dir / "summary.json").read_text())
    operations = {o["operation"] for o in summary["operations"]}
    assert operations and not any("scorecard" in label for label in operations), operations
    assert json.loads((run_dir / "run.json").read_text())["spec"]["operations"] == 2


def test_report_build_on_a_full_disk_is_one_line_and_leaves_evidence_and_old_reports(full_dir, fill_disk, nightly_dir,
                                                                                     capsys):
    from vapi_contract.cli import main

    run_dir = full_dir / "run"
    shutil.copytree(nightly_dir, run_dir)
    assert main(["report", "build", str(run_dir)]) == 0
    before = {p.name: p.read_bytes() for p in run_dir.iterdir()}
    capsys.readouterr()
    fill_disk(full_dir)
    assert main(["report", "build", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("vapi-contract: error: cannot write ")
    assert "No space left on device" in err
    assert {p.name: p.read_bytes() for p in run_dir.iterdir()} == before  # no temp file, nothing half-written
