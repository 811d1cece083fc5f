"""Known spec errors as an accepted list: expiry, hand-written reasons kept on update, one-line bad files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from vapi_contract.cli import main
from vapi_contract.errors import UsageError
from vapi_contract.spec import known_errors
from vapi_contract.spec.validate import SpecError

TODAY = dt.date(2026, 12, 4)
A = SpecError("schema", "type", "/a", "a is wrong")
B = SpecError("schema", "enum", "/b", "b is wrong")


def _write(path, entries, **top):
    path.write_text(json.dumps({"format": 1, **top, "errors": entries}))
    return path


def test_an_expired_entry_no_longer_accepts_its_error(tmp_path):
    path = _write(tmp_path / "known.json", [
        {"fingerprint": A.fingerprint, "pointer": "/a", "reason": "upstream bug", "owner": "api",
         "expires": "2026-12-04"},
        {"fingerprint": B.fingerprint, "pointer": "/b"},
        {"fingerprint": "f" * 16, "pointer": "/gone", "message": "was here"},
    ])
    baseline = known_errors.load_baseline(path)
    today = known_errors.compare([A, B], baseline, today=TODAY)
    assert [status for _, status in today.errors] == ["known", "known"]
    assert today.fixed == [{"fingerprint": "f" * 16, "pointer": "/gone", "message": "was here"}]
    tomorrow = known_errors.compare([A, B], baseline, today=TODAY + dt.timedelta(days=1))
    assert [status for _, status in tomorrow.errors] == ["new", "known"]
    assert tomorrow.expired == [{"fingerprint": A.fingerprint, "expires": "2026-12-04"}]
    assert tomorrow.to_json()["summary"] == {"total": 2, "new": 1, "known": 1, "fixed": 1}


def test_update_keeps_what_a_person_wrote_for_errors_still_raised(tmp_path):
    path = tmp_path / "store" / known_errors.BASELINE_NAME
    known_errors.write_baseline(path, [A, B], spec_sha256="s1", source="v1")
    data = json.loads(path.read_text())
    data["errors"][0].update(reason="tracked in API-9", owner="api-team", expires="2027-01-31")
    path.write_text(json.dumps(data))
    known_errors.write_baseline(path, [A], spec_sha256="s2", source="v2")
    data = json.loads(path.read_text())
    assert data["spec_sha256"] == "s2" and [e["fingerprint"] for e in data["errors"]] == [A.fingerprint]
    assert data["errors"][0]["reason"] == "tracked in API-9" and data["errors"][0]["expires"] == "2027-01-31"
    assert known_errors.load_baseline(path)[A.fingerprint]["owner"] == "api-team"


def test_update_replaces_a_baseline_that_does_not_load(tmp_path):
    path = tmp_path / "known.json"
    path.write_text("{")
    known_errors.write_baseline(path, [B], spec_sha256=None, source="v")
    assert list(known_errors.load_baseline(path)) == [B.fingerprint]


@pytest.mark.parametrize("entries, top, message", [
    ([{"fingerprint": A.fingerprint, "expires": "2027-02-30"}], {}, "entry 1: 'expires' must be a date"),
    ([{"fingerprint": A.fingerprint, "expires": 20270131}], {}, "entry 1: 'expires' must be a date"),
    ([{"fingerprint": A.fingerprint, "reason": ["x"]}], {}, "entry 1: 'reason' must be a string"),
    ([{"fingerprint": "xyz"}], {}, "entry 1: 'fingerprint' must be 16+ hex"),
    ([{"pointer": "/a"}], {}, "entry 1: missing 'fingerprint'"),
    ([{"fingerprint": A.fingerprint, "ownr": "x"}], {}, "entry 1: unknown key(s) 'ownr'"),
    (["just text"], {}, "entry 1: expected a mapping"),
    ([{"fingerprint": A.fingerprint}, {"fingerprint": A.fingerprint.upper()}], {}, "entry 2: fingerprint"),
    ([], {"extra": 1}, "unknown top-level key(s) 'extra'"),
])
def test_a_bad_baseline_is_one_line_naming_the_entry(tmp_path, entries, top, message):
    path = _write(tmp_path / "known.json", entries, **top)
    with pytest.raises(UsageError) as info:
        known_errors.load_baseline(path)
    assert message in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_folder_or_binary_baseline_is_one_line_exit_2(tmp_path, fixtures, capsys):
    folder = tmp_path / "known.json"
    folder.mkdir()
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    spec = str(fixtures / "minimal.yaml")
    for path, message in ((folder, "is a folder, not a file"), (binary, "not UTF-8 text")):
        assert main(["spec", "validate", spec, "--store", str(tmp_path / "s"), "--known-errors", str(path)]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err
    assert main(["spec", "validate", spec, "--store", str(tmp_path / "s"), "--known-errors", str(folder),
                 "--update-baseline"]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err


def test_the_shipped_baseline_still_loads():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[3] / "specs" / "vapi" / known_errors.BASELINE_NAME
    assert len(known_errors.load_baseline(shipped)) == 42
