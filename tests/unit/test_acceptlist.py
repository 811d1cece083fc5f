"""The shared accepted-list mechanism (known spec errors, accepted findings, approvals): reading, fields, locked
writes, classification into new / known / expired / unmatched."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from vapi_contract import acceptlist
from vapi_contract.errors import UsageError

TODAY = dt.date(2026, 12, 4)


@dataclass(frozen=True)
class Entry:
    key: str
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return acceptlist.expired_on(self.expires, today)


class CustomError(UsageError):
    pass


def test_classify_by_key_new_known_expired_and_unmatched():
    live, old, never, stale = Entry("a", TODAY), Entry("b", TODAY - dt.timedelta(days=1)), Entry("c"), Entry("d")
    entries = [live, old, never, stale]
    items = ["a", "b", "c", "x", "a"]
    result = acceptlist.classify(items, entries, acceptlist.by_key(entries, lambda e: e.key, lambda i: i),
                                 today=TODAY)
    assert [(item, status) for item, status, _ in result.rows] == [
        ("a", "known"), ("b", "new"), ("c", "known"), ("x", "new"), ("a", "known")]
    assert result.new == ["b", "x"]
    assert result.known == [("a", live), ("c", never), ("a", live)]
    assert result.expired == [("b", old)]  # valid through its day, new from the next one
    assert result.unmatched == [stale]
    assert result.hits == [2, 1, 1, 0]


def test_classify_takes_the_first_live_candidate_and_keeps_the_first_expired_one():
    expired_1 = Entry("p1", TODAY - dt.timedelta(days=30))
    expired_2 = Entry("p2", TODAY - dt.timedelta(days=1))
    live = Entry("p3", TODAY + dt.timedelta(days=1))
    entries = [expired_1, expired_2, live]
    everything = acceptlist.classify(["x"], entries, lambda item: entries, today=TODAY)
    assert everything.rows == [("x", "known", live)]
    only_expired = acceptlist.classify(["x"], entries, lambda item: entries[:2], today=TODAY)
    assert only_expired.rows == [("x", "new", expired_1)] and only_expired.unmatched == [live]


def test_by_match_lists_every_matching_entry_in_order():
    entries = [Entry("GET /a"), Entry("GET *"), Entry("POST /a")]
    candidates = acceptlist.by_match(entries, lambda e, item: item.startswith(e.key.rstrip("*")))
    assert candidates("GET /a") == entries[:2] and candidates("DELETE /a") == []


@pytest.mark.parametrize("value", ["2027-02-30", "2027-13-01", "soon", "20270131", 20270131, True, [1], "2027-1-5"])
def test_parse_date_refuses_what_is_not_a_real_date_in_one_line(value):
    with pytest.raises(CustomError) as info:
        acceptlist.parse_date(value, "file x: entry 2", error=CustomError)
    assert str(info.value).startswith("file x: entry 2: 'expires' must be a date YYYY-MM-DD")
    assert "\n" not in str(info.value) and info.value.exit_code == 2


def test_parse_date_reads_dates_datetimes_and_iso_text():
    assert acceptlist.parse_date(dt.date(2028, 2, 29), "w") == dt.date(2028, 2, 29)
    assert acceptlist.parse_date(dt.datetime(2028, 2, 29, 10, 0), "w") == dt.date(2028, 2, 29)
    assert acceptlist.parse_date(" 2028-02-29 ", "w") == dt.date(2028, 2, 29)
    assert acceptlist.optional_date({}, "expires", "w") is None


def test_reading_a_file_that_is_not_a_reviewed_file(tmp_path):
    (tmp_path / "folder").mkdir()
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (acceptlist.MAX_BYTES + 1))
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    for path, message in ((tmp_path / "folder", "is a folder, not a file"), (big, "larger than 5 MB"),
                          (latin, "not UTF-8 text")):
        with pytest.raises(CustomError, match=message):
            acceptlist.read_text(path, "list", CustomError)
    with pytest.raises(FileNotFoundError):  # the caller says what a missing file means
        acceptlist.read_text(tmp_path / "absent.yaml", "list")


@pytest.mark.parametrize("text, message", [
    ("a: [\n", "not valid YAML at line"),
    ("accepted:\n  - expires: 2027-02-30\n", "not valid YAML at line 2: '2027-02-30' is not a real date"),
    ("a: " + "[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_yaml_problems_are_one_line(text, message):
    with pytest.raises(UsageError) as info:
        acceptlist.load_yaml(text, "list f.yaml")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_json_problems_are_one_line():
    for text in ("{", "[" * 100000 + "]" * 100000):
        with pytest.raises(UsageError, match="list f.json: ") as info:
            acceptlist.load_json(text, "list f.json")
        assert "\n" not in str(info.value)


@pytest.mark.parametrize("data, message", [
    ([1, 2], "expected a mapping with an 'items' list"),
    ({"items": {"a": 1}}, "expected a mapping with an 'items' list"),
    ({"items": [], "itemz": [], 1: 2}, "unknown top-level key(s) 1, 'itemz'"),
])
def test_entry_list_refuses_other_shapes(data, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        acceptlist.entry_list(data, "items", "w")


def test_entry_list_reads_an_empty_or_listed_document():
    assert acceptlist.entry_list(None, "items", "w") == []
    assert acceptlist.entry_list({"items": None}, "items", "w") == []
    assert acceptlist.entry_list({"items": [1], "format": 1}, "items", "w", allowed_top=("format",)) == [1]


def test_field_checks():
    raw = {"fingerprint": "ABCDEF0123456789", "reason": "r", "owner": 7, "note": "x"}
    assert acceptlist.fingerprint(raw["fingerprint"], "w") == "abcdef0123456789"
    for call, message in (
        (lambda: acceptlist.fingerprint("abc", "w"), "16\\+ hex"),
        (lambda: acceptlist.fingerprint(["abcdef0123456789"], "w"), "16\\+ hex"),
        (lambda: acceptlist.require(raw, ("reason", "expires", "approver"), "w"), "missing 'expires', 'approver'"),
        (lambda: acceptlist.require_strings(raw, ("reason", "owner"), "w"), "'owner' must be a non-empty string"),
        (lambda: acceptlist.optional_strings(raw, ("owner",), "w"), "'owner' must be a string"),
        (lambda: acceptlist.reject_unknown(raw, ("fingerprint", "reason", "owner"), "w"), "unknown key\\(s\\) 'note'"),
        (lambda: acceptlist.mapping([1], "w", "a 'rule'"), "expected a mapping with a 'rule', got list"),
    ):
        with pytest.raises(UsageError, match=message):
            call()
    seen = acceptlist.Duplicates()
    assert seen.first("a", 1) is None and seen.first("b", 2) is None and seen.first("a", 3) == 1


def test_locked_writes_lose_nothing_and_replace_atomically(tmp_path):
    path = tmp_path / "deep" / "list.txt"

    def add(line: str) -> None:
        with acceptlist.locked(path, "list"):
            old = path.read_text() if path.exists() else ""
            acceptlist.write_text(path, old + line + "\n", "list")

    threads = [threading.Thread(target=add, args=(f"entry {i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(path.read_text().splitlines()) == sorted(f"entry {i}" for i in range(8))
    assert acceptlist.lock_path(path) == tmp_path / "deep" / ".list.txt.lock"
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def _take(path: Path, error=UsageError, timeout: float = 1.0) -> None:
    with acceptlist.locked(path, "list", error, timeout=timeout):
        pass


def test_locked_refuses_a_folder_a_held_lock_and_an_unwritable_place(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(CustomError, match="list .*folder: is a folder, not a file"):
        _take(tmp_path / "folder", CustomError)
    path = tmp_path / "list.yaml"
    with acceptlist.locked(path, "list"), pytest.raises(
            UsageError, match=r"still locked by another writer after 0 s \(.*\.list\.yaml\.lock\)"):
        _take(path, timeout=0.05)
    _take(path)  # released again
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="cannot write there"):
        _take(tmp_path / "file" / "list.yaml")


def test_a_device_is_never_replaced(tmp_path):
    """A rename onto /dev/null as root would replace the device with a regular file."""
    import os
    import stat

    with pytest.raises(UsageError, match="/dev/null: is not a regular file"):
        _take(Path("/dev/null"))
    with pytest.raises(UsageError, match="/dev/null: is not a regular file"):
        acceptlist.write_text(Path("/dev/null"), "x", "list")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_write_text_failure_is_one_line_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "list.yaml"
    path.write_text("old\n")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(acceptlist, "atomic_write", full)
    with pytest.raises(UsageError, match="list .*list.yaml: cannot write \\(No space left on device\\)"):
        acceptlist.write_text(path, "new\n", "list")
    assert Path(path).read_text() == "old\n"
