"""Run dirs no run of ours would write: deep nesting, huge files, bad limits. Each ends in a report with a warning
or in one line and exit 2, never a traceback, and memory stays bounded (issue 11, "beyond these")."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from vapi_contract.cli import main
from vapi_contract.evidence.writer import MAX_RECORD_DEPTH, RunWriter
from vapi_contract.report import build


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def _finding(fingerprint: str, **extra) -> dict:
    return {"operation": "GET /tool", "check": "not_a_server_error", "classification": "server-bug",
            "fingerprint": fingerprint, "message": "500", "reproducer": "curl ...", **extra}


@pytest.mark.parametrize("depth", [MAX_RECORD_DEPTH + 1, 990, 100_000])
def test_a_deeply_nested_evidence_line_is_skipped_with_a_warning(nightly_dir, depth):
    with open(nightly_dir / "findings.gw0.jsonl", "a") as fh:
        head = json.dumps(_finding("0123456789abcdef"))[:-1]  # the text by hand: json.dumps would recurse too
        fh.write(f'{head}, "details": {"[" * depth}{"]" * depth}}}\n')
        fh.write(json.dumps(_finding("fedcba9876543210")) + "\n")  # the line after it still counts
    summary = build(nightly_dir)
    assert any("findings.gw0.jsonl: line" in w and f"nested deeper than {MAX_RECORD_DEPTH} levels" in w
               for w in summary["warnings"])
    assert "fedcba9876543210" in {f["fingerprint"] for f in summary["findings"]}


def test_a_deep_run_json_is_one_line_exit_2(nightly_dir, capsys):
    (nightly_dir / "run.json").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["report", "build", str(nightly_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run.json" in err
    (nightly_dir / "run.json").write_text(json.dumps({"spec": _nested(500)}))
    assert main(["report", "build", str(nightly_dir)]) == 2
    assert "nested deeper than" in capsys.readouterr().err


def test_the_writer_keeps_a_record_whose_echoed_body_is_too_deep(tmp_path):
    body = _nested(2000)
    with RunWriter(tmp_path, [], worker="") as writer:
        writer.start({"spec": {"sha256": "ab" * 32}})
        writer.finding(_finding("0123456789abcdef", details={"body": body}, status_code=500))
    record = json.loads((tmp_path / "findings.jsonl").read_text())
    assert record["fingerprint"] == "0123456789abcdef" and record["status_code"] == 500
    assert record["details"] == f"<nested deeper than {MAX_RECORD_DEPTH} levels: not recorded>"
    assert build(tmp_path)["findings"][0]["fingerprint"] == "0123456789abcdef"


def test_evidence_above_the_limit_is_refused_before_it_is_read(nightly_dir, capsys, monkeypatch):
    with open(nightly_dir / "findings.gw9.jsonl", "wb") as fh:  # sparse: 3 GB on paper, nothing on disk
        fh.truncate(3 * 1024 ** 3)
    assert main(["report", "build", str(nightly_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "more than the 64 MB a report reads (VAPI_REPORT_MAX_EVIDENCE_MB)" in err
    for value in ("nan", "-1", "0", "abc", "inf"):
        monkeypatch.setenv("VAPI_REPORT_MAX_EVIDENCE_MB", value)
        assert main(["report", "build", str(nightly_dir)]) == 2
        assert "VAPI_REPORT_MAX_EVIDENCE_MB" in capsys.readouterr().err
    (nightly_dir / "findings.gw9.jsonl").unlink()
    monkeypatch.setenv("VAPI_REPORT_MAX_EVIDENCE_MB", "0.01")  # 10 KB: the fixture's 70 KB is too much
    assert main(["report", "build", str(nightly_dir)]) == 2
    monkeypatch.setenv("VAPI_REPORT_MAX_EVIDENCE_MB", "1")
    assert main(["report", "build", str(nightly_dir)]) == 0


def test_building_the_largest_readable_run_stays_under_512_mb(tmp_path):
    run_dir = tmp_path / "big"
    run_dir.mkdir()
    (run_dir / "run.json").write_text(json.dumps({"spec": {"sha256": "ab" * 32}, "status": "completed",
                                                  "finished_at": "2026-11-21T03:00:00Z"}))
    line = json.dumps(_finding("0" * 16, details={"body": "x" * 200})).encode() + b"\n"
    count = (63 * 1024 * 1024) // len(line)  # just under the default limit
    with open(run_dir / "findings.gw0.jsonl", "wb") as fh:
        fh.writelines(line.replace(b"0" * 16, f"{i % 400:016x}".encode()) for i in range(count))
    proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "report", "build", str(run_dir)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    assert peak_mb < 512, f"peak {peak_mb:.0f} MB"


def test_evidence_names_that_are_not_regular_files_are_skipped(nightly_dir):
    (nightly_dir / "findings.gw5.jsonl").mkdir()
    (nightly_dir / "findings.gw7.jsonl").symlink_to("/dev/zero")  # would never end if read
    summary = build(nightly_dir)
    for name in ("findings.gw5.jsonl", "findings.gw7.jsonl"):
        assert f"{name}: not a regular file, skipped" in summary["warnings"]
    assert summary["totals"]["findings"] > 0


def test_a_run_json_that_is_a_folder_is_one_line(nightly_dir, tmp_path, capsys):
    (nightly_dir / "run.json").unlink()
    (nightly_dir / "run.json").mkdir()
    assert main(["report", "build", str(nightly_dir)]) == 2
    assert main(["report", "merge", str(nightly_dir), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "run.json" in err


def test_merging_the_same_run_twice_is_refused(nightly_dir, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(nightly_dir, copy)
    for dirs in ([nightly_dir, nightly_dir], [nightly_dir, nightly_dir.parent / nightly_dir.name / "."],
                 [nightly_dir, copy]):
        assert main(["report", "merge", *map(str, dirs), "--out", str(tmp_path / "m")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "give each shard once" in err
    assert not (tmp_path / "m").exists()
