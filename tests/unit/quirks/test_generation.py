"""schemathesis/hypothesis can generate requests from the normalized spec (the contract suite's use)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from vapi_contract.spec.quirks import normalize, to_json_schema

MINI = Path(__file__).resolve().parents[2] / "fixtures" / "quirks" / "documents" / "mini_vapi.json"

# Cheap operations with request bodies, oneOfs and patterns; the slow test covers every operation.
QUICK = [("/tool", "POST"), ("/file/{id}", "PATCH"), ("/phone-number", "POST")]


def _schema(document: dict):
    fixed = normalize(document).document
    fixed["servers"] = [{"url": "http://127.0.0.1:9"}]  # never used: strategies only, no request is sent
    return schemathesis.openapi.from_dict(fixed)


def _draw(operation, count: int = 3, *, derandomize: bool = True) -> list:
    """Cases schemathesis generates; derandomized (stable CI) unless a slow test wants fresh ones each run."""
    drawn = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=derandomize,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def draw(case):
        drawn.append(case)

    draw()
    return drawn


def _body_validator(document: dict, path: str, method: str):
    """Python jsonschema validator for the operation's JSON body, built from the normalized document."""
    fixed = normalize(document).document
    body = fixed["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]["schema"]
    root = {**to_json_schema(body), "definitions": {
        name: to_json_schema(s) for name, s in fixed["components"]["schemas"].items()
    }}
    return jsonschema.Draft4Validator(root)


@pytest.mark.parametrize(("path", "method"), QUICK)
def test_quick_operations_generate_bodies_our_schema_accepts(oldest_spec, path, method):
    """What schemathesis generates as valid, the normalized schema (read by jsonschema) accepts too."""
    schema = _schema(oldest_spec)
    cases = _draw(schema[path][method], 5)
    assert cases
    validator = _body_validator(oldest_spec, path, method)
    for case in cases:
        errors = [e.message for e in validator.iter_errors(case.body)]
        assert not errors, (case.body, errors[:3])


def test_every_quirk_in_one_document_generates_valid_bodies():
    """A small document with each Vapi quirk: schemathesis generates, jsonschema on the normalized schema agrees,
    and the generated strings satisfy the original ECMA patterns in Node.js when it is available."""
    document = json.loads(MINI.read_text())
    kinds = {i.kind for i in normalize(document).issues}
    assert {"pattern-js-literal", "pattern-unsupported-syntax", "dangling-ref", "enum-on-array", "type-enum",
            "enum-on-object", "enum-contradicts-oneof", "enum-duplicates", "oneof-overlap", "example-invalid"} <= kinds
    cases = _draw(_schema(document)["/assistant"]["POST"], 25)
    validator = _body_validator(document, "/assistant", "POST")
    keywords = []
    for case in cases:
        assert not list(validator.iter_errors(case.body)), case.body
        keywords += case.body.get("transcriber", {}).get("keywords", [])
    if keywords and shutil.which("node"):
        script = "const r=/^\\p{L}[\\p{L}\\d]*(?::[+-]?\\d+)?$/u;" \
                 "console.log(JSON.stringify(JSON.parse(process.argv[1]).map(s=>r.test(s))))"
        out = subprocess.run(["node", "-e", script, json.dumps(keywords)], capture_output=True, text=True, check=True)
        assert all(json.loads(out.stdout)), keywords


@pytest.mark.slow
@pytest.mark.parametrize("which", ["oldest_spec", "newest_spec"])
def test_every_operation_generates(request, which):
    schema = _schema(request.getfixturevalue(which))
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            assert _draw(operation, 2, derandomize=False)
        except Exception as exc:  # noqa: BLE001 - collect all, report together
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:300]
    assert not failures
