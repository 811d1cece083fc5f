import json
import subprocess
import sys

import yaml

from vapi_contract.cli import main


def test_build_prints_verdict_and_exit_code_follows_it_only_when_asked(nightly_dir, baseline_file, capsys):
    assert main(["report", "build", str(nightly_dir), "--baseline", str(baseline_file)]) == 0
    out = capsys.readouterr().out
    # 'new' counts what fails the run (contract findings); the target's unanswered requests are named apart
    assert out.startswith("FAIL: 77 operations; findings: 9 new (+1 new infrastructure problem), 2 known, 1 fixed; "
                          "1 leaked resource; pass rate")
    assert main(["report", "build", str(nightly_dir), "--baseline", str(baseline_file), "--exit-code"]) == 1
    assert json.loads((nightly_dir / "summary.json").read_text())["exit_code"] == 1


def test_default_baseline_comes_from_the_store(nightly_dir, baseline_file, tmp_path, monkeypatch, capsys):
    store = tmp_path / "store"
    store.mkdir()
    (store / "accepted-findings.yaml").write_text(baseline_file.read_text())
    monkeypatch.setenv("VAPI_CONTRACT_STORE", str(store))
    main(["report", "build", str(nightly_dir)])
    assert "2 known" in capsys.readouterr().out


def test_accept_then_rebuild_turns_a_finding_known(nightly_dir, tmp_path, capsys):
    baseline = tmp_path / "accepted.yaml"
    assert main(["report", "accept", "e839ca124e5d373a", "--reason", "400 undocumented, API-7", "--owner", "qa",
                 "--expires", "2099-01-01", "--operation", "POST /assistant", "--baseline", str(baseline)]) == 0
    assert "accepted e839ca124e5d373a until 2099-01-01" in capsys.readouterr().out
    assert yaml.safe_load(baseline.read_text())["accepted"][0]["operation"] == "POST /assistant"
    main(["report", "build", str(nightly_dir), "--baseline", str(baseline)])
    summary = json.loads((nightly_dir / "summary.json").read_text())
    assert next(f for f in summary["findings"] if f["fingerprint"] == "e839ca124e5d373a")["status"] == "known"


def test_merge_command(nightly_dir, tmp_path, capsys):
    assert main(["report", "merge", str(nightly_dir), "--out", str(tmp_path / "m"), "--exit-code"]) == 1
    assert "reports:" in capsys.readouterr().out
    assert (tmp_path / "m" / "index.html").exists()


def test_errors_are_one_line_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("accepted:\n  - fingerprint: nothex\n")
    for args in (["report", "build", str(tmp_path / "missing")],
                 ["report", "build", str(tmp_path), "--baseline", str(bad)],
                 ["report", "merge", str(tmp_path), "--out", str(tmp_path)],
                 ["report", "accept", "abc", "--reason", "r", "--owner", "o", "--expires", "2099-01-01",
                  "--baseline", str(bad)]):
        proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", *args], capture_output=True, text=True,
                              check=False)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("vapi-contract: error: ")
        assert "Traceback" not in proc.stderr
