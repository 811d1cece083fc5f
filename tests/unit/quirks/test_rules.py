"""One fixture file per quirk rule (tests/fixtures/quirks/<rule>.json): input schema -> expected + issues.

Adding a quirk = a rule module + a fixture file; this harness picks the file up by itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vapi_contract.spec.quirks import compile_check, normalize
from vapi_contract.spec.quirks.rules import RULES

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "quirks"
CASE = "/components/schemas/Case"


def _cases():
    for path in sorted(FIXTURES.glob("*.json")):
        fixture = json.loads(path.read_text())
        for case in fixture["cases"]:
            yield pytest.param(fixture.get("components", {}), case, id=f"{path.stem}: {case['name']}")


def _document(components: dict, schema: dict) -> dict:
    return {
        "openapi": "3.0.0",
        "info": {"title": "quirks fixture", "version": "1"},
        "paths": {},
        "components": {"schemas": {**components, "Case": schema}},
    }


@pytest.mark.parametrize(("components", "case"), list(_cases()))
def test_rule_fixture(components, case):
    document = _document(components, case["input"])
    before = json.dumps(document, sort_keys=True)

    result = normalize(document)

    assert json.dumps(document, sort_keys=True) == before, "input mutated"
    assert result.document["components"]["schemas"]["Case"] == case["expected"]
    found = sorted((i.kind, i.pointer) for i in result.issues if i.pointer.startswith(CASE))
    assert found == sorted((kind, CASE + pointer) for kind, pointer in case["issues"])
    assert compile_check(result.document) == []


def test_every_rule_has_a_fixture():
    names = {rule.name for rule in RULES}
    assert names <= {p.stem for p in FIXTURES.glob("*.json")}


def test_fixture_inputs_fail_compilation_where_the_quirk_breaks_validators():
    """Proves the compile check can fail: the raw quirks break jsonschema/jsonschema_rs."""
    broken = {
        "empty enum": {"type": "string", "enum": []},
        "duplicate enum": {"type": "string", "enum": ["a", "a"]},
        "required true": {"type": "object", "required": True},
        "\\p{L}": {"type": "string", "pattern": "^\\p{L}+$"},
    }
    for name, schema in broken.items():
        issues = compile_check(_document({}, schema))
        assert issues, name
        assert all(i.kind == "schema-compile-error" and i.pointer.startswith(CASE) for i in issues)


def test_strict_mode_reports_overlap_but_keeps_oneof():
    doc = _document({}, {"oneOf": [{"type": "string"}, {"type": "string", "enum": ["a"]}]})
    result = normalize(doc, lenient_oneof=False)
    assert "oneOf" in result.document["components"]["schemas"]["Case"]
    assert [(i.kind, i.pointer) for i in result.issues] == [("oneof-overlap", CASE + "/oneOf")]
    assert "kept strict" in result.issues[0].message


def test_every_rule_module_is_in_the_run_order():
    from vapi_contract.spec.quirks import rules

    modules = {p.stem for p in Path(rules.__file__).parent.glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(rules.RUN_ORDER)


@pytest.mark.parametrize("declared", [["object", "null"], ["string", ["x"]], [{"a": 1}], {"x": 1}, 5, None, []])
def test_any_type_value_is_read_without_crashing(declared):
    """OpenAPI 3.1 type lists crashed the type rules (a list is unhashable); hostile values must not either."""
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {
        "A": {"type": declared, "enum": [1]}, "B": {"type": declared},
        "C": {"oneOf": [{"type": declared}, {"type": declared, "properties": {"p": {"type": declared}}}]}}}}
    result = normalize(doc)
    kinds = {issue.kind for issue in result.issues}
    if declared == ["object", "null"]:
        assert "type-unknown" not in kinds and result.document["components"]["schemas"]["B"]["type"] == declared
    else:
        assert "type-unknown" in kinds


def test_the_openapi_31_fixture_reads_clean():
    path = Path(__file__).resolve().parents[2] / "fixtures" / "spec" / "openapi31.json"
    assert normalize(json.loads(path.read_text())).issues == []
