"""Baselines a person or a bad merge could write: each is one line on stderr and exit 2, never a
traceback or exit 1 (issue 11 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.errors import UsageError
from vapi_contract.report import baseline

ENTRY = "  - fingerprint: 0123456789abcdef\n    reason: r\n    owner: o\n"
PATTERN = "  - match: {check: undocumented_status_code, classification: spec-gap}\n    reason: r\n    owner: o\n"

HOSTILE_BASELINES = {
    "impossible date": "accepted:\n" + ENTRY + "    expires: 2027-02-30\n",
    "impossible month": "accepted:\n" + ENTRY + "    expires: 2027-13-01\n",
    "impossible timestamp": "accepted:\n" + ENTRY + "    expires: 2027-02-30T10:00:00\n",
    "impossible date in a pattern": "accepted:\n" + PATTERN + "    expires: 2027-02-29\n",
    "date as a number": "accepted:\n" + ENTRY + "    expires: 20270131\n",
    "date as a bool": "accepted:\n" + ENTRY + "    expires: true\n",
    "date as a list": "accepted:\n" + ENTRY + "    expires: [2027-01-31]\n",
    "accepted is a number": "accepted: 5\n",
    "accepted is a mapping": "accepted: {fingerprint: 0123456789abcdef}\n",
    "entry is a number": "accepted:\n  - 5\n",
    "entry is a list": "accepted:\n  - [a, b]\n",
    "reason is a list": "accepted:\n  - fingerprint: 0123456789abcdef\n    reason: [a]\n    owner: o\n"
                        "    expires: 2027-01-31\n",
    "owner is a mapping": "accepted:\n  - fingerprint: 0123456789abcdef\n    reason: r\n    owner: {a: 1}\n"
                          "    expires: 2027-01-31\n",
    "fingerprint is a list": "accepted:\n  - fingerprint: [1]\n    reason: r\n    owner: o\n    expires: 2027-01-31\n",
    "operation is a number": "accepted:\n" + ENTRY + "    expires: 2027-01-31\n    operation: 5\n",
    "match is a list": "accepted:\n  - match: [1]\n    reason: r\n    owner: o\n    expires: 2027-01-31\n",
    "match check is a number": "accepted:\n  - match: {check: 5, classification: spec-gap}\n    reason: r\n"
                               "    owner: o\n    expires: 2027-01-31\n",
    "match status is text": "accepted:\n  - match: {check: c, classification: spec-gap, status: '404'}\n"
                            "    reason: r\n    owner: o\n    expires: 2027-01-31\n",
    "mixed-type keys": "accepted: []\n1: a\nb: c\n",
    "mixed-type entry keys": "accepted:\n" + ENTRY + "    expires: 2027-01-31\n    1: x\n    z: y\n",
    "unhashable key": "? [a, b]\n: c\n",
    "top level list": "- a\n- b\n",
    "top level text": "just text\n",
    "deep nesting": "accepted: " + "[" * 5000 + "]" * 5000 + "\n",
    "tab indentation": "accepted:\n\t- fingerprint: x\n",
    "binary": "\x00\x01\x02",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BASELINES))
def test_a_hostile_baseline_is_one_line_exit_2(nightly_dir, tmp_path, capsys, name):
    path = tmp_path / "accepted.yaml"
    path.write_text(HOSTILE_BASELINES[name])
    assert main(["report", "build", str(nightly_dir), "--baseline", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vapi-contract: error: baseline ") and err.count("\n") == 1, err


def test_baseline_paths_that_are_not_files(nightly_dir, tmp_path, capsys):
    (tmp_path / "folder").mkdir()
    big = tmp_path / "big.yaml"
    big.write_text("accepted: []\n" + "#" * (6 * 1024 * 1024) + "\n")
    bad_utf8 = tmp_path / "latin1.yaml"
    bad_utf8.write_bytes("accepted: []\n# caf\xe9\n".encode("latin-1"))
    for path, message in ((tmp_path / "folder", "is a folder, not a file"), (big, "larger than 5 MB"),
                          (bad_utf8, "not UTF-8 text")):
        assert main(["report", "build", str(nightly_dir), "--baseline", str(path)]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert main(["report", "accept", "0123456789abcdef", "--reason", "r", "--owner", "o", "--expires", "2099-01-01",
                 "--baseline", str(tmp_path / "folder")]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err


@pytest.mark.parametrize("expires", ["2027-02-30", "2027-13-01", "tomorrow", "2027-1-5x"])
def test_accept_refuses_an_impossible_expiry_in_one_line(tmp_path, capsys, expires):
    path = tmp_path / "accepted.yaml"
    assert main(["report", "accept", "0123456789abcdef", "--reason", "r", "--owner", "o", "--expires", expires,
                 "--baseline", str(path)]) == 2
    err = capsys.readouterr().err
    assert "'expires' must be a date YYYY-MM-DD" in err and err.count("\n") == 1
    assert not path.exists()


def test_real_dates_still_load(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text("accepted:\n" + ENTRY + "    expires: 2028-02-29\n")
    assert baseline.load(path).entries[0].expires.isoformat() == "2028-02-29"
    with pytest.raises(UsageError):
        baseline.parse("accepted:\n" + ENTRY + "    expires: 2027-02-29\n")


def test_the_shipped_files_still_load():
    root = Path(__file__).resolve().parents[3] / "specs" / "vapi"
    assert baseline.load(root / "accepted-findings.yaml").has_entries
