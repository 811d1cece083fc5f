"""Severity overrides, reviewed approvals and the githubactions format, through the CLI where a user meets them."""

from __future__ import annotations

import json

import pytest

from vapi_contract.cli import main

BASE = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
    "/assistant": {"get": {"responses": {"200": {"description": "ok"}}},
                   "delete": {"responses": {"204": {"description": "gone"}}}},
    "/call": {"get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                      "responses": {"200": {"description": "ok"}}}}}}


def _revision():
    doc = json.loads(json.dumps(BASE))
    del doc["paths"]["/assistant"]["delete"]  # api-removed-without-deprecation (error)
    doc["paths"]["/call"]["get"]["parameters"] = []  # request-parameter-removed (warning)
    return doc


@pytest.fixture
def specs(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(BASE, indent=1))
    new.write_text(json.dumps(_revision(), indent=1))
    return str(old), str(new)


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_severity_override_changes_the_level_and_the_exit_code(specs, capsys):
    assert main(["diff", *specs, "--format", "json", "--fail-on", "error"]) == 1
    capsys.readouterr()
    code = main(["diff", *specs, "--format", "json", "--fail-on", "error",
                 "--severity", "api-removed-without-deprecation=warning"])
    levels = {c["id"]: c["level"] for c in _json(capsys)["changes"]}
    assert code == 0 and levels["api-removed-without-deprecation"] == "warning"


def test_severity_levels_file_drops_a_rule(specs, tmp_path, capsys):
    levels = tmp_path / "levels.txt"
    levels.write_text("# ours\nrequest-parameter-removed none\n")
    main(["diff", *specs, "--format", "json", "--severity-levels", str(levels)])
    assert [c["id"] for c in _json(capsys)["changes"]] == ["api-removed-without-deprecation"]


@pytest.mark.parametrize("arg", ["no-such-rule=error", "api-removed-without-deprecation=fatal", "noequals"])
def test_bad_override_is_one_line_exit_2(specs, capsys, arg):
    assert main(["diff", *specs, "--severity", arg]) == 2
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err


def _approvals(tmp_path, expires="2099-01-01", rule="api-removed-without-deprecation"):
    path = tmp_path / "approved.yaml"
    path.write_text(f"approved:\n  - rule: {rule}\n    operation: DELETE /assistant\n"
                    f"    reason: retired in favour of archive (API-412)\n    approver: jane\n    expires: {expires}\n")
    return str(path)


def test_an_approved_change_leaves_the_verdict_and_is_listed(specs, tmp_path, capsys):
    code = main(["diff", *specs, "--format", "json", "--fail-on", "error", "--approvals", _approvals(tmp_path)])
    data = _json(capsys)
    assert code == 0
    assert [c["id"] for c in data["changes"]] == ["request-parameter-removed"]
    assert data["approved"][0]["id"] == "api-removed-without-deprecation"
    assert data["approved"][0]["approval"]["approver"] == "jane"


def test_an_expired_approval_approves_nothing(specs, tmp_path, capsys):
    code = main(["diff", *specs, "--format", "markdown", "--fail-on", "error",
                 "--approvals", _approvals(tmp_path, expires="2020-01-01")])
    out = capsys.readouterr().out
    assert code == 1 and "expired on 2020-01-01" in out


def test_approval_of_an_unknown_rule_is_refused(specs, tmp_path, capsys):
    assert main(["diff", *specs, "--approvals", _approvals(tmp_path, rule="api-gone")]) == 2
    assert "unknown rule id" in capsys.readouterr().err


def test_githubactions_annotates_the_spec_file_at_the_path_line(specs, capsys):
    assert main(["diff", *specs, "--format", "githubactions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    assert f"file={specs[1]}" in error and "title=api-removed-without-deprecation (error)" in error
    assert ",line=" in error  # /assistant is named in the new file
    assert any(line.startswith("::warning ") and "request-parameter-removed" in line for line in lines)


def test_githubactions_escapes_workflow_command_syntax():
    from vapi_contract.diff.model import Change, DiffResult
    from vapi_contract.diff.renderers import render

    change = Change("endpoint-added", "info", "GET /a", ("GET /a",), "operation", "line1\n::error::forged %0A")
    out = render(DiffResult([change]), "githubactions", spec_file="spec,x:y.json").splitlines()
    assert out[0].startswith("::notice file=spec%2Cx%3Ay.json,")
    assert "line1%0A::error::forged %250A" in out[0] and len(out) == 2


def test_a_url_source_is_shown_without_its_credentials(local_server, capsys):
    server = local_server()
    server.routes["/old.json?api_key=k9"] = (200, json.dumps(BASE).encode(), "application/json")
    server.routes["/new.json"] = (200, json.dumps(_revision()).encode(), "application/json")
    old = server.url("/old.json").replace("http://", "http://user:s3cret@") + "?api_key=k9"
    new = server.url("/new.json").replace("http://", "http://user:s3cret@")
    for fmt in ("text", "markdown", "githubactions", "html"):
        assert main(["diff", old, new, "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "api-removed-without-deprecation" in out and "127.0.0.1" in out
        assert "s3cret" not in out and "k9" not in out, fmt
