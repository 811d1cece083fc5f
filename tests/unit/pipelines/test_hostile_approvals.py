"""Approvals files a person or a bad merge could write: each is one line and exit 2, never a traceback or exit 1
(issue 11 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.diff import approvals

APPROVAL = "approved:\n  - rule: api-removed\n    operation: GET /x\n    reason: r\n    approver: a\n"

HOSTILE_APPROVALS = {
    "impossible date": APPROVAL + "    expires: 2027-02-30\n",
    "impossible timestamp": APPROVAL + "    expires: 2027-04-31 12:00:00\n",
    "date as a list": APPROVAL + "    expires: [1]\n",
    "date as a bool": APPROVAL + "    expires: false\n",
    "approved is a mapping": "approved: {rule: x}\n",
    "entry is a number": "approved:\n  - 7\n",
    "rule is a number": "approved:\n  - rule: 5\n    operation: GET /x\n    reason: r\n    approver: a\n",
    "operation is a list": "approved:\n  - rule: x\n    operation: [GET /x]\n    reason: r\n    approver: a\n",
    "mixed-type keys": "approved: []\n1: a\nb: c\n",
    "unhashable key": "? [a, b]\n: c\n",
    "deep nesting": "approved: " + "[" * 5000 + "]" * 5000 + "\n",
    "binary": "\x00\x01\x02",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_APPROVALS))
def test_a_hostile_approvals_file_is_one_line(tmp_path, name):
    path = tmp_path / "approved-changes.yaml"
    path.write_text(HOSTILE_APPROVALS[name])
    with pytest.raises(approvals.ApprovalsError) as info:
        approvals.load(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert info.value.exit_code == 2


def test_an_approvals_path_that_is_a_folder_ends_the_gate_with_exit_2(tmp_path, scorecard_spec, capsys):
    folder = tmp_path / "approved-changes.yaml"
    folder.mkdir()
    with pytest.raises(approvals.ApprovalsError, match="is a folder, not a file"):
        approvals.load(folder)
    code = main(["gate", "--candidate", str(scorecard_spec), "--store", str(tmp_path / "store"), "--approvals",
                 str(folder), "--skip-contract", "--out", str(tmp_path / "gate")])
    err = capsys.readouterr().err
    assert code == 2 and "error: approvals file" in err and "is a folder, not a file" in err


def test_real_dates_still_load(tmp_path):
    path = tmp_path / "approved-changes.yaml"
    path.write_text(APPROVAL + "    expires: 2028-02-29\n")
    assert approvals.load(path)[0].expires.isoformat() == "2028-02-29"
    approvals.load(Path(__file__).resolve().parents[3] / "specs" / "vapi" / "approved-changes.yaml")
