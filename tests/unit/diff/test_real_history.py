"""The diff on Vapi's real published versions: quirks tolerated, known events found, nothing invented."""

from __future__ import annotations

import gzip
import json

import pytest

from vapi_contract.diff import compare


def _doc(spec_history, name: str) -> dict:
    with gzip.open(spec_history / name) as fh:
        return json.load(fh)


def test_a_version_against_itself_has_no_changes(newest_spec):
    assert compare(newest_spec, newest_spec).changes == []


def test_oldest_to_newest_reports_shared_component_changes_once_with_their_reach(oldest_spec, newest_spec):
    result = compare(oldest_spec, newest_spec)
    summary = result.summary()
    assert summary["error"] > 0 and summary["info"] > summary["error"]
    keys = [(c.id, c.location, c.message) for c in result.changes]
    assert len(keys) == len(set(keys))
    # Assistant is returned by several operations: its changes are reported once, listing all of them
    in_assistant = [c for c in result.changes if c.component == "#/components/schemas/Assistant"]
    assert in_assistant
    for change in in_assistant:
        assert {"GET /assistant", "GET /assistant/{id}"} <= set(change.operations)
        assert change.operation == change.operations[0]
    # The /block endpoints were removed without deprecation
    removed = {c.operation for c in result.changes if c.id == "api-path-removed-without-deprecation"}
    assert {"GET /block", "POST /block"} <= removed


def test_the_27_operations_removed_in_august_2025_are_breaking(spec_history):
    old = _doc(spec_history, "2025-08-27T1731-af45f6d.json.gz")
    new = _doc(spec_history, "2025-08-31T2134-02e562a.json.gz")
    result = compare(old, new)
    removed = {c.operation: c for c in result.changes if c.id.startswith("api-path-removed")}
    assert len(removed) == 27
    for family in ("/knowledge-base", "/logs", "/test-suite", "/workflow"):
        assert any(op.split(" ", 1)[1].startswith(family) for op in removed), family
    # /logs was deprecated first, so its removal is announced (info); the other 25 break clients
    deprecated = {op for op, c in removed.items() if c.id == "api-path-removed-with-deprecation"}
    assert deprecated == {"GET /logs", "DELETE /logs"}
    assert all(c.level == "error" for op, c in removed.items() if op not in deprecated)


def test_consecutive_recent_versions(spec_history):
    old = _doc(spec_history, "2026-04-02T0037-80eff64.json.gz")
    new = _doc(spec_history, "2026-04-22T1131-7dc5137.json.gz")
    result = compare(old, new)
    assert [(c.id, c.level) for c in result.changes] == [("response-optional-property-added", "info")]
    assert len(result.changes[0].operations) > 1


def test_republished_identical_content_is_no_change(spec_history, history_versions):
    by_sha: dict[str, list[str]] = {}
    for version in history_versions:
        by_sha.setdefault(version["sha256"], []).append(version["file"])
    twins = next((files for files in by_sha.values() if len(files) > 1), None)
    if twins is None:
        pytest.skip("no two versions with the same bytes")
    assert compare(_doc(spec_history, twins[0]), _doc(spec_history, twins[1])).changes == []


def test_renaming_every_component_of_a_real_spec_is_no_contract_change(oldest_spec):
    """Compare by resolved structure: the same spec with every schema renamed differs only in names."""
    renamed = json.loads(json.dumps(oldest_spec).replace('"#/components/schemas/', '"#/components/schemas/Renamed'))
    schemas = renamed["components"]["schemas"]
    renamed["components"]["schemas"] = {f"Renamed{name}": schema for name, schema in schemas.items()}
    result = compare(oldest_spec, renamed)
    assert {c.id for c in result.changes} == {"api-schema-removed"}
    assert len(result.changes) == len(schemas)


def test_output_is_deterministic_across_hash_seeds(oldest_spec_path, newest_spec_path):
    """First-reach locations must not depend on set iteration order."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "diff", str(oldest_spec_path),
                               str(newest_spec_path), "--format", "json"], env=env, capture_output=True,
                              check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


def test_one_edit_copied_into_sibling_components_is_one_entry(spec_history):
    """2025-12-09 added CreateCodeToolDTO to `tools[]` of every LLM model schema: one finding, not fifteen."""
    result = compare(_doc(spec_history, "2025-11-19T1002-7c67a05.json.gz"),
                     _doc(spec_history, "2025-12-09T1521-4fdb5a7.json.gz"))
    tools = [c for c in result.changes if c.id == "response-property-one-of-added"
             and c.location.endswith("model.tools[]") and "CreateCodeToolDTO added" in c.message]
    assert len(tools) == 1
    assert "AnthropicModel" in tools[0].message and "more)" in tools[0].message
    assert len(tools[0].operations) > 10
