"""Concurrent `report accept` runs, as real processes: none loses another's entry (issue 11 item 7)."""

from __future__ import annotations

import subprocess
import sys

import yaml

from vapi_contract.report import baseline

HEADER = "# reviewed by qa-team: keep this comment\naccepted:\n"
FIRST = "  - fingerprint: ffffffffffffffff\n    reason: first\n    owner: qa\n    expires: 2099-01-01\n"


def _accept(path, fingerprint: str, reason: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "vapi_contract.cli", "report", "accept", fingerprint, "--reason", reason,
         "--owner", "qa", "--expires", "2099-12-31", "--baseline", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_ten_concurrent_accepts_and_a_renewal_keep_every_entry(tmp_path):
    path = tmp_path / "accepted-findings.yaml"
    path.write_text(HEADER + FIRST)
    fingerprints = [f"{i:016x}" for i in range(100, 110)]
    procs = [_accept(path, fp, f"reason {fp}") for fp in fingerprints]
    procs.append(_accept(path, "ffffffffffffffff", "renewed"))  # rewrites the whole file, under the same lock
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    assert all(out.startswith("accepted ") for _, out, _ in results)
    loaded = baseline.load(path)
    assert sorted(e.fingerprint for e in loaded.entries) == sorted([*fingerprints, "ffffffffffffffff"])
    assert loaded.get("ffffffffffffffff").reason == "renewed"
    assert len(yaml.safe_load(path.read_text())["accepted"]) == 11
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == [".accepted-findings.yaml.lock", "accepted-findings.yaml"]  # no temp files left behind


def test_appending_keeps_hand_written_comments_under_the_lock(tmp_path):
    path = tmp_path / "accepted-findings.yaml"
    path.write_text(HEADER + FIRST)
    procs = [_accept(path, f"{i:016x}", "r") for i in range(200, 204)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 4
    text = path.read_text()
    assert text.startswith("# reviewed by qa-team: keep this comment\n")
    assert len(baseline.load(path).entries) == 5
