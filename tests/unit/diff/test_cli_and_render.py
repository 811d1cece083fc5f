"""`vapi-contract diff`: every output format, exit codes, and bad input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.diff import compare, render

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diff"


def _pair(name: str) -> list[str]:
    return [str(FIXTURES / name / "old.yaml"), str(FIXTURES / name / "new.yaml")]


def test_json_format_is_exactly_the_documented_shape(capsys):
    assert main(["diff", *_pair("refs"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"changes", "summary"}
    assert set(data["summary"]) == {"error", "warning", "info"}
    for change in data["changes"]:
        assert {"id", "level", "operation", "operations", "location", "message"} <= set(change)
        assert change["level"] in ("error", "warning", "info")
    shared = next(c for c in data["changes"] if c["id"] == "response-property-enum-value-added")
    assert shared["operation"] == "GET /assistant"
    assert shared["operations"] == ["GET /assistant", "POST /assistant", "GET /assistant/{id}"]
    assert shared["component"] == "#/components/schemas/Assistant"
    assert sum(data["summary"].values()) == len(data["changes"])


@pytest.mark.parametrize("fail_on,expected", [(None, 0), ("error", 1), ("warning", 1)])
def test_fail_on_error_level(fail_on, expected, capsys):
    extra = ["--fail-on", fail_on] if fail_on else []
    assert main(["diff", *_pair("properties"), *extra]) == expected


def test_fail_on_levels(fixture_pair):
    # security fixture: info only, so even --fail-on warning passes; access fixture: info only too
    assert main(["diff", *_pair("security"), "--fail-on", "warning"]) == 0
    assert not compare(*fixture_pair("access")).fails("warning")
    refs = compare(*fixture_pair("refs"))  # errors and warnings
    assert refs.fails("warning") and refs.fails("error") and not refs.fails(None)


def test_text_markdown_junit_html_render(fixture_pair):
    result = compare(*fixture_pair("properties"))
    text = render(result, "text")
    assert text.splitlines()[0].endswith("4 breaking, 2 possibly breaking, 3 info")
    markdown = render(result, "markdown")
    assert "### Breaking changes (4)" in markdown and "`new-required-request-property`" in markdown
    junit = ET.fromstring(render(result, "junit"))
    suite = junit.find("testsuite")
    assert suite.get("failures") == "4" and len(suite.findall("testcase")) == 9
    html = render(result, "html")
    assert html.startswith("<!DOCTYPE html>") and html.count("<tr>") == 10 and "<script" not in html


def test_no_changes_renders_cleanly(fixture_pair):
    old, _ = fixture_pair("refs")
    result = compare(old, old)
    assert "No changes." in render(result, "markdown")
    assert ET.fromstring(render(result, "junit")).find("testsuite").get("failures") == "0"
    assert json.loads(render(result, "json")) == {"changes": [], "summary": {"error": 0, "warning": 0, "info": 0}}


def test_output_file(tmp_path, capsys):
    out = tmp_path / "diff.md"
    assert main(["diff", *_pair("enums"), "--format", "markdown", "-o", str(out)]) == 0
    assert out.read_text().startswith("## API changes")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("bad", ["missing.json", "not-a-spec"])
def test_bad_source_is_one_line_exit_2(tmp_path, capsys, bad):
    path = tmp_path / bad
    if bad == "not-a-spec":
        path.write_text('{"hello": "world"}')
    assert main(["diff", str(path), _pair("enums")[1]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vapi-contract: error: ") and len(err.strip().splitlines()) == 1


def test_real_versions_from_gzip_files(oldest_spec_path, newest_spec_path, capsys):
    assert main(["diff", str(oldest_spec_path), str(newest_spec_path), "--format", "json", "--fail-on", "error"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["error"] > 0


def test_snapshot_ids_and_latest_from_a_store(tmp_path, fixture_pair, capsys):
    from vapi_contract.spec.sources import LoadedSpec
    from vapi_contract.spec.store import SnapshotStore

    store = SnapshotStore(tmp_path / "store")
    ids = []
    for when, document in zip(("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"), fixture_pair("enums")):
        raw = json.dumps(document).encode()
        entry, _ = store.add(LoadedSpec(document=document, raw=raw, origin="test"), published_at=when,
                             validate=False)
        ids.append(entry.id)
    assert main(["diff", ids[0], "latest", "--store", str(store.root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"error": 2, "warning": 1, "info": 3}


def test_unwritable_output_is_one_line_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["diff", *_pair("enums"), "-o", str(blocker / "report.md")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vapi-contract: error: ") and len(err.strip().splitlines()) == 1


def test_junit_stays_valid_xml_with_control_characters_in_spec_text():
    import xml.etree.ElementTree as ET

    from vapi_contract.diff.model import Change, DiffResult
    from vapi_contract.diff.renderers import render

    weird = "enum \x00\x07\x1b[31m value\ufffe"
    change = Change("request-property-enum-value-removed", "error", "POST /a\x01", ("POST /a\x01",),
                    f"request body application/json: {weird}", f"value {weird} removed")
    suite = ET.fromstring(render(DiffResult([change], "old\x02", "new"), "junit")).find("testsuite")
    case = suite.find("testcase")
    assert "\\x00" in case.get("name") and "\\x1b" in case.find("failure").get("message")
