"""`vapi-contract spec validate` in text: every error shows its whole reason, wrapped, never cut off."""

from __future__ import annotations

import json

import pytest

from vapi_contract.cli import main
from vapi_contract.render.text import _VERDICT


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("COLUMNS", "100")


def test_every_error_of_the_newest_spec_shows_its_whole_reason(newest_spec_path, tmp_path, capsys):
    argv = ["spec", "validate", str(newest_spec_path), "--store", str(tmp_path / "store")]
    assert main([*argv, "--format", "json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert main(argv) == 1
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0].endswith("42 spec errors, 42 new, 0 known, 0 fixed (no baseline: every error is new)")
    assert all(len(line) <= 99 for line in lines if line.startswith(" " * 8))  # reasons wrap to the terminal
    assert not any(line.endswith("...") for line in lines)
    flat = " ".join(text.split())
    reasons = {"is not valid under any of the schemas listed in the 'oneOf' keyword": 22,
               "has non-unique elements (repeated: ": 5, "is not one of ['id', 'assistantId',": 1}
    for reason, count in reasons.items():
        assert flat.count(reason) == count, reason
    for error in errors:  # what failed (the message after the quoted instance) is on screen, whole
        first = " ".join(error["message"].split("\n\n")[0].split())
        verdicts = list(_VERDICT.finditer(first))
        what_failed = first[verdicts[-1].start():] if verdicts else first
        assert what_failed in flat, error["pointer"]
    assert '(repeated: "arcas", "asteria", "athena", "hera", "luna", "orion", "orpheus", "zeus")' in flat


def test_short_messages_are_shown_as_they_are_and_duplicates_are_named(fixtures, tmp_path, capsys):
    assert main(["spec", "validate", str(fixtures / "semantic-errors.json"), "--store", str(tmp_path / "s")]) == 1
    out = capsys.readouterr().out
    assert "\n        Operation ID 'CallController_findOne' for 'delete' in '/call/{id}' is not unique\n" in out
    assert '[{"name":"Calls"},{"name":"Calls"}] has non-unique elements (repeated: {"name": "Calls"})' in out
    assert "..." not in out
