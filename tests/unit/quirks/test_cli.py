"""`vapi-contract spec quirks`: output formats, --output, --check and exit codes."""

from __future__ import annotations

import json
import os
import stat

from vapi_contract.cli import main


def _spec(tmp_path, extra_schema: dict | None = None):
    schemas = {
        "Voice": {"type": "object", "properties": {
            "provider": {"type": "object", "enum": ["11labs", "azure"]},
            "keywords": {"type": "array", "items": {"type": "string", "pattern": "/^\\p{L}+$/u"}},
            "fallback": {"$ref": "#/components/schemas/Missing"},
        }},
        **({"Broken": extra_schema} if extra_schema else {}),
    }
    doc = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    return path


def test_text_output_lists_issues_and_summary(tmp_path, capsys):
    assert main(["spec", "quirks", str(_spec(tmp_path)), "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("dangling-ref") and "/components/schemas/Voice/properties/fallback" in line for line in out)
    assert out[-1].startswith("4 spec issue(s) in file:")


def test_json_output_kind_filter_and_written_document(tmp_path, capsys):
    target = tmp_path / "normalized.json"
    code = main(["spec", "quirks", str(_spec(tmp_path)), "--store", str(tmp_path / "store"), "--format", "json",
                 "--kind", "enum-on-object", "--output", str(target)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert [i["kind"] for i in report["issues"]] == ["enum-on-object"]
    assert report["summary"] == {"total": 1, "by_kind": {"enum-on-object": 1}, "compile_errors": 0}
    written = json.loads(target.read_text())
    assert written["components"]["schemas"]["Voice"]["properties"]["provider"]["type"] == "string"
    assert not list(tmp_path.glob(".*.tmp"))


def test_check_exits_1_when_a_schema_still_does_not_compile(tmp_path, capsys):
    spec = _spec(tmp_path, {"type": "string", "minLength": -1})
    assert main(["spec", "quirks", str(spec), "--store", str(tmp_path / "store"), "--check"]) == 1
    out = capsys.readouterr().out
    assert "schema-compile-error" in out and "/components/schemas/Broken" in out
    assert main(["spec", "quirks", str(_spec(tmp_path)), "--store", str(tmp_path / "store"), "--check"]) == 0


def test_bad_source_and_unwritable_output_are_one_line_errors(tmp_path, capsys):
    assert main(["spec", "quirks", str(tmp_path / "nope.json"), "--store", str(tmp_path / "store")]) == 2
    assert capsys.readouterr().err.startswith("vapi-contract: error:")
    code = main(["spec", "quirks", str(_spec(tmp_path)), "--store", str(tmp_path / "store"),
                 "--output", str(tmp_path / "missing-dir" / "x.json")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err


def test_output_that_is_a_folder_or_a_device_is_refused_and_left_alone(tmp_path, capsys):
    """A rename onto /dev/null (as root) would replace the device with a regular file."""
    folder = tmp_path / "out"
    folder.mkdir()
    for target in (folder, "/dev/null"):
        code = main(["spec", "quirks", str(_spec(tmp_path)), "--store", str(tmp_path / "store"), "--output",
                     str(target)])
        assert code == 2 and "not a regular file" in capsys.readouterr().err
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
