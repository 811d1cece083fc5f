"""`report accept --run RUN --new` with filters, its refusals and dry run, and the copy-paste accept command
beside each new finding in summary.md and the dashboard (issue 14)."""

from __future__ import annotations

import html
import json
import shlex

import pytest
import yaml

from vapi_contract import acceptlist
from vapi_contract.cli import main
from vapi_contract.report import accepting

TERMS = ["--reason", "gaps of the spec, API-7", "--owner", "qa", "--expires", "2099-01-01"]


@pytest.fixture
def built(nightly_dir, capsys):
    assert main(["report", "build", str(nightly_dir)]) == 0
    capsys.readouterr()
    return nightly_dir


def _new(run_dir):
    return [f for f in json.loads((run_dir / "summary.json").read_text())["findings"] if f["status"] == "new"]


def test_bulk_accept_takes_every_matching_new_finding_in_one_write(built, tmp_path, capsys, monkeypatch):
    path = tmp_path / "accepted.yaml"
    path.write_text("# reviewed by qa: keep this comment\naccepted:\n  - fingerprint: 0123456789abcdef\n"
                    "    reason: r\n    owner: o\n    expires: 2099-01-01\n")
    writes = []
    real = acceptlist.write_text
    monkeypatch.setattr(acceptlist, "write_text", lambda *a, **k: (writes.append(a[0]), real(*a, **k)))
    assert main(["report", "accept", "--run", str(built), "--new", "--class", "spec-gap", "--check",
                 "undocumented_properties", *TERMS, "--accepted", str(path)]) == 0
    out = capsys.readouterr().out
    expected = [f for f in _new(built) if f["classification"] == "spec-gap"
                and f["check"] == "undocumented_properties"]
    assert len(expected) == 2 and writes == [path]
    assert out.startswith(f"accepted 2 new finding(s) of {built} until 2099-01-01 in {path}:")
    assert all(f["fingerprint"] in out for f in expected)
    text = path.read_text()
    assert text.startswith("# reviewed by qa: keep this comment")  # appended, not rewritten
    entries = yaml.safe_load(text)["accepted"]
    assert [e["fingerprint"] for e in entries[1:]] == [f["fingerprint"] for f in expected]
    assert {e["operation"] for e in entries[1:]} == {f["operation"] for f in expected}
    assert all(e["check"] == "undocumented_properties" and e["reason"] == "gaps of the spec, API-7"
               for e in entries[1:])
    assert main(["report", "build", str(built), "--accepted", str(path)]) == 0
    status = {f["fingerprint"]: f["status"] for f in json.loads((built / "summary.json").read_text())["findings"]}
    assert all(status[f["fingerprint"]] == "known" for f in expected)


def test_operation_is_a_glob_and_filters_combine(built, tmp_path, capsys):
    path = tmp_path / "accepted.yaml"
    assert main(["report", "accept", "--run", str(built), "--new", "--operation", "POST *", "--class", "spec-gap",
                 *TERMS, "--accepted", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    expected = [f["fingerprint"] for f in _new(built) if f["operation"].startswith("POST ")
                and f["classification"] == "spec-gap"]
    assert expected and out.startswith(f"would accept {len(expected)} new finding(s)") and "dry run" in out
    assert [line.split()[0] for line in out.splitlines()[1:]] == expected
    assert not path.exists()  # a dry run writes nothing


def test_nothing_matching_accepts_nothing(built, tmp_path, capsys):
    path = tmp_path / "accepted.yaml"
    assert main(["report", "accept", "--run", str(built), "--new", "--check", "no_such_check", *TERMS,
                 "--accepted", str(path)]) == 0
    assert capsys.readouterr().out.startswith("nothing accepted: no new finding")
    assert not path.exists()


@pytest.mark.parametrize("args, message", [
    (["--new"], "refusing to accept every new finding"),
    (["--new", "--kind", ""], "refusing to accept every new finding"),
    ([], "give the FINGERPRINT to accept, or --run RUN_DIR --new"),
    (["--new", "--class", "spec-bug"], "--class 'spec-bug' is not one of server-bug, spec-gap, infra"),
    (["0123456789abcdef", "--new", "--class", "spec-gap"], "not both"),
    (["0123456789abcdef", "--class", "spec-gap"], "--class only narrows --new"),
    (["--new", "--class", "infra", "--expires", "2027-02-30"], "'expires' must be a date YYYY-MM-DD"),
])
def test_refusals_are_one_line_exit_2(built, tmp_path, capsys, args, message):
    path = tmp_path / "accepted.yaml"
    assert main(["report", "accept", "--run", str(built), *TERMS, *args, "--accepted", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert not path.exists()


def test_new_needs_a_run(tmp_path, capsys):
    assert main(["report", "accept", "--new", "--class", "infra", *TERMS, "--accepted", str(tmp_path / "a")]) == 2
    assert "--new needs --run RUN_DIR" in capsys.readouterr().err


def test_dry_run_of_one_fingerprint_checks_the_file_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "accepted.yaml"
    assert main(["report", "accept", "0123456789abcdef", *TERMS, "--accepted", str(path), "--dry-run"]) == 0
    assert "would accept 0123456789abcdef until 2099-01-01" in capsys.readouterr().out and not path.exists()
    path.write_text("accepted: [\n")
    assert main(["report", "accept", "0123456789abcdef", *TERMS, "--accepted", str(path), "--dry-run"]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_the_accept_command_is_quoted_and_runs_once_filled_in(tmp_path, capsys):
    finding = {"fingerprint": "abcdef0123456789", "operation": "GET /x/{id}", "check": "c",
               "details": {"generation_mode": "negative"}}
    command = accepting.accept_command(finding)
    assert "--operation 'GET /x/{id}'" in command
    words = shlex.split(command)
    assert words[:4] == ["vapi-contract", "report", "accept", "abcdef0123456789"]
    assert words[words.index("--kind") + 1] == "negative"
    path = tmp_path / "accepted.yaml"
    assert main([*words[1:], "--accepted", str(path)]) == 2  # placeholders: refused until filled in
    assert "'expires' must be a date" in capsys.readouterr().err
    filled = [w.replace("YYYY-MM-DD", "2099-01-01") for w in words[1:]]
    assert main([*filled, "--accepted", str(path)]) == 0
    entry = yaml.safe_load(path.read_text())["accepted"][0]
    assert entry["operation"] == "GET /x/{id}" and entry["kind"] == "negative"


def test_planted_text_never_reaches_the_accept_command():
    finding = {"fingerprint": "abcdef0123456789'; rm -rf ~", "operation": "GET /x'; touch /tmp/pwned #",
               "check": "c`id`<img src=x>", "details": {"source": "lifecycle"}}
    command = accepting.accept_command(finding)
    assert command.startswith("vapi-contract report accept FINGERPRINT --kind lifecycle --reason")
    assert not set("'`<>;#") & set(command.replace("'WHY (ticket)'", ""))


def test_summary_md_and_dashboard_show_one_accept_command_per_new_finding(built, baseline_file):
    assert main(["report", "build", str(built), "--accepted", str(baseline_file)]) == 0
    assert 0 < len(_new(built)) < len(json.loads((built / "summary.json").read_text())["findings"])
    summary_md = (built / "summary.md").read_text()
    dashboard = (built / "index.html").read_text()
    for finding in _new(built):
        command = accepting.accept_command(finding)
        assert summary_md.count(f"- `{command}`\n") == 1 and len(command) < 250
        assert dashboard.count(f"<pre>{html.escape(command)}</pre>") == 1
    assert dashboard.count("accept it:") == len(_new(built))  # none for a known finding
    assert "--run RUN_DIR --new --class" in summary_md
    assert len(summary_md.encode()) < 65536
