import datetime as dt

import pytest
import yaml

from vapi_contract.errors import UsageError
from vapi_contract.report import baseline as bl

TODAY = dt.date(2026, 11, 21)
FP = "0123456789abcdef"


def test_fixture_baseline_loads(baseline_file):
    loaded = bl.load(baseline_file)
    assert len(loaded.entries) == 5
    first = loaded.entries[0]
    assert first.fingerprint == "4492224da708ce0b" and first.owner == "qa-team"
    assert first.expires == dt.date(2099, 1, 31) and first.operation == "POST /squad"


@pytest.mark.parametrize("text, message", [
    ("accepted: [", "not valid YAML at line"),
    ("- a\n- b\n", "expected a mapping with an 'accepted' list"),
    ("accepted: {fingerprint: x}", "expected a mapping with an 'accepted' list"),
    ("acepted: []", "unknown top-level key(s) 'acepted'"),
    ("accepted: [3]", "entry 1: expected a mapping"),
    (f"accepted: [{{fingerprint: {FP}, reason: r, owner: o}}]", "entry 1: missing 'expires'"),
    ("accepted: [{fingerprint: zz, reason: r, owner: o, expires: 2030-01-01}]", "16+ hex characters"),
    (f"accepted: [{{fingerprint: {FP}, reason: r, owner: o, expires: soon}}]", "'expires' must be a date"),
    (f"accepted: [{{fingerprint: {FP}, reason: r, owner: 7, expires: 2030-01-01}}]", "'owner' must be a non-empty"),
    (f"accepted: [{{fingerprint: {FP}, reason: r, owner: o, expires: 2030-01-01, ownr: x}}]", "unknown key(s) 'ownr'"),
    ((f"accepted:\n - {{fingerprint: {FP}, reason: r, owner: o, expires: 2030-01-01}}\n"
     f" - {{fingerprint: {FP.upper()}, reason: r, owner: o, expires: 2030-01-01}}\n"), "already accepted in entry 1"),
])
def test_bad_baseline_is_a_one_line_usage_error(tmp_path, text, message):
    path = tmp_path / "accepted.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        bl.load(path)
    assert message in str(info.value)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert info.value.exit_code == 2


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        bl.load(tmp_path / "nope.yaml")
    assert bl.load(tmp_path / "nope.yaml", missing_ok=True).entries == []
    (tmp_path / "empty.yaml").write_text("# nothing accepted yet\n")
    assert bl.load(tmp_path / "empty.yaml").entries == []


def test_triage_new_known_expired_fixed_not_covered(baseline_file):
    findings = [{"fingerprint": "4492224DA708CE0B"}, {"fingerprint": "48b8035b31a532a9"},
                {"fingerprint": "e839ca124e5d373a"}]
    result = bl.triage(findings, bl.load(baseline_file), tested_operations={"POST /squad", "PATCH /tool/{id}"},
                       today=TODAY)
    assert result.status == {"4492224da708ce0b": "known", "48b8035b31a532a9": "new", "e839ca124e5d373a": "new"}
    assert [e.fingerprint for e in result.expired] == ["48b8035b31a532a9"]
    # 13d1901f... has no operation recorded: unseen means fixed; 0badc0ff... was tested; feedface... was not.
    assert [e.fingerprint for e in result.fixed] == ["13d1901ff302a44a", "0badc0ffee15dead"]
    assert [e.fingerprint for e in result.not_covered] == ["feedfacecafebeef"]


def test_entry_is_valid_through_its_expiry_day(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(f"accepted: [{{fingerprint: {FP}, reason: r, owner: o, expires: 2026-11-21}}]")
    loaded = bl.load(path)
    assert bl.triage([{"fingerprint": FP}], loaded, today=TODAY).status[FP] == "known"
    assert bl.triage([{"fingerprint": FP}], loaded, today=TODAY + dt.timedelta(days=1)).status[FP] == "new"


def test_no_baseline_makes_everything_new():
    result = bl.triage([{"fingerprint": FP}], None, today=TODAY)
    assert result.status == {FP: "new"} and result.fixed == [] and result.expired == []


def test_accept_appends_renews_and_round_trips(tmp_path):
    path = tmp_path / "specs" / "accepted-findings.yaml"
    bl.accept(path, FP, reason="tracked in API-1", owner="qa", expires="2027-01-31", operation="POST /tool",
              today=TODAY)
    bl.accept(path, "fedcba9876543210", reason="r2", owner="docs", expires=dt.date(2027, 3, 1), today=TODAY)
    renewed = bl.accept(path, FP.upper(), reason="still tracked in API-1", owner="qa", expires="2027-06-30",
                        today=TODAY)
    assert renewed.operation == "POST /tool"  # kept from the original entry
    data = yaml.safe_load(path.read_text())
    assert [e["fingerprint"] for e in data["accepted"]] == [FP, "fedcba9876543210"]
    assert data["accepted"][0]["expires"] == dt.date(2027, 6, 30)
    assert data["accepted"][0]["added"] == "2026-11-21"
    assert bl.load(path).get(FP).reason == "still tracked in API-1"
    assert path.read_text().startswith("# Accepted contract findings")


def test_accept_rejects_past_dates_and_bad_fingerprints(tmp_path):
    path = tmp_path / "b.yaml"
    with pytest.raises(UsageError, match="already in the past"):
        bl.accept(path, FP, reason="r", owner="o", expires="2020-01-01", today=TODAY)
    with pytest.raises(UsageError, match="16\\+ hex"):
        bl.accept(path, "not-hex", reason="r", owner="o", expires="2030-01-01", today=TODAY)
    assert not path.exists()


def test_accept_keeps_hand_written_comments(tmp_path, baseline_file):
    path = tmp_path / "accepted.yaml"
    path.write_text(baseline_file.read_text())
    bl.accept(path, FP, reason="new one: API-9", owner="qa", expires="2099-01-01", operation="GET /tool",
              today=TODAY)
    text = path.read_text()
    assert text.startswith(baseline_file.read_text())  # comments and layout untouched, entry appended
    loaded = bl.load(path)
    assert len(loaded.entries) == 6 and loaded.entries[-1].fingerprint == FP
    assert loaded.entries[-1].operation == "GET /tool"
