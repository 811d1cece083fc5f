"""The lifecycle's hand-built requests (create, get, list, patch, delete, and teardown's delete) carry every
parameter the spec requires for the operation, with schema-valid values: a server that correctly refuses a request
missing `?schemaOverride=` (PATCH /structured-output/{id}) must not become a lifecycle finding."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import jsonschema
import pytest

from vapi_contract.contract.lifecycle import Lifecycle
from vapi_contract.contract.parameters import declared, required_body, required_parameters, value_for
from vapi_contract.contract.plan import find_families
from vapi_contract.spec.quirks import normalize

RID = "0b7e3c8e-1f2a-4c3d-9e8f-0a1b2c3d4e5f"


@pytest.fixture(scope="module", params=["newest", "oldest"])
def document(request):
    spec = request.getfixturevalue(f"{request.param}_spec")
    return normalize(copy.deepcopy(spec)).document


def steps(family):
    return [(label, rid) for label, rid in ((family.create, None), (family.list, None), (family.get, RID),
                                             (family.update, RID), (family.delete, RID)) if label]


def assert_valid(document, schema, value, where):
    schema = schema or {"type": "string"}
    validator = jsonschema.Draft202012Validator({**schema, "components": document.get("components", {})},
                                                format_checker=jsonschema.FormatChecker())
    errors = [e.message for e in validator.iter_errors(value)]
    assert not errors, f"{where}: {value!r} is not valid: {errors}"


def test_every_lifecycle_request_satisfies_the_required_parameters(document):
    families = find_families(document)
    assert families
    checked = 0
    for family in families:
        lifecycle = Lifecycle(SimpleNamespace(document=document), None, family)
        for label, rid in steps(family):
            path, query, headers = lifecycle.request_parts(label, rid)
            assert "{" not in path, f"{label}: unfilled path parameter in {path}"
            if rid is not None:
                assert RID in path, f"{label}: the object's id is not in {path}"
            typed = required_parameters(document, label, path_values={family.id_param: rid} if rid else None)
            assert typed.unsatisfiable == [], label
            for param in declared(document, label):
                if not (param.get("required") or param["in"] == "path"):
                    continue
                name, where, schema = param["name"], param["in"], param.get("schema")
                if where == "query":
                    assert name in query, f"{label}: required query parameter {name} not sent"
                    assert_valid(document, schema, typed.query[name], f"{label} ?{name}")
                    checked += 1
                elif where == "header":
                    assert name in headers, f"{label}: required header {name} not sent"
                    checked += 1
                elif where == "path" and not (rid and name == family.id_param):
                    assert_valid(document, schema, typed.path[name], f"{label} {{{name}}}")
    if any(f.name == "/structured-output" for f in families):
        assert checked  # the newest spec's PATCH /structured-output/{id}?schemaOverride= is among them


def test_structured_output_patch_sends_schema_override(newest_spec):
    document = normalize(copy.deepcopy(newest_spec)).document
    family = next(f for f in find_families(document) if f.name == "/structured-output")
    path, query, _headers = Lifecycle(SimpleNamespace(document=document), None, family).request_parts(
        family.update, RID)
    assert path == f"/structured-output/{RID}"
    assert isinstance(query.get("schemaOverride"), str) and query["schemaOverride"]


@pytest.mark.parametrize("schema", [
    {"type": "string", "enum": ["b", "a"]},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "pattern": "^[a-z]{3}-\\d{2}$"},
    {"type": "string", "minLength": 20, "maxLength": 25},
    {"type": "string", "maxLength": 4},
    {"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 5},
    {"type": "number", "exclusiveMinimum": 0},
    {"type": "boolean"},
    {"type": "array", "items": {"type": "string", "enum": ["x"]}, "minItems": 2},
    {"oneOf": [{"type": "string", "format": "email"}]},
    {"type": "string", "default": "fixed"},
])
def test_generated_values_respect_the_schema(schema):
    value = value_for({}, schema, "p")
    assert_valid({}, schema, value, str(schema))
    assert value == value_for({}, schema, "p")  # deterministic: the same request every night


def test_query_booleans_go_on_the_wire_as_json_literals():
    document = {"paths": {"/x/{id}": {"patch": {"parameters": [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "dryRun", "in": "query", "required": True, "schema": {"type": "boolean"}},
        {"name": "tags", "in": "query", "required": True, "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "X-Org", "in": "header", "required": True, "schema": {"type": "string", "format": "uuid"}},
        {"name": "optional", "in": "query", "schema": {"type": "string"}},
    ]}}}}
    family = SimpleNamespace(id_param="id")
    path, query, headers = Lifecycle(SimpleNamespace(document=document), None, family).request_parts(
        "PATCH /x/{id}", "abc")
    assert path == "/x/abc"
    assert query == {"dryRun": "true", "tags": ["vapi-contract"]}
    assert "optional" not in query
    assert set(headers) == {"X-Org"}


def test_a_required_body_is_sent_with_required_properties_only(newest_spec):
    """DELETE /call/{id} requires a JSON body (`DeleteCallDTO`, nothing required): the lifecycle sends `{}`, never
    the optional `ids`, which would turn it into a bulk delete on a live account."""
    document = normalize(copy.deepcopy(newest_spec)).document
    family = next(f for f in find_families(document) if f.name == "/call")
    lifecycle = Lifecycle(SimpleNamespace(document=document), None, family)
    assert lifecycle.required_body(family.delete) == {}
    assert lifecycle.required_body(family.get) is None  # no request body: none is sent
    assert lifecycle.teardown_record(RID, None).delete_body == {}


def test_required_body_fills_required_properties_with_valid_values():
    schema = {"type": "object", "required": ["mode"], "properties": {
        "mode": {"type": "string", "enum": ["soft", "hard"]}, "ids": {"type": "array", "items": {"type": "string"}}}}
    document = {"paths": {"/x/{id}": {"delete": {"requestBody": {"required": True, "content": {
        "application/json": {"schema": schema}}}}, "patch": {"requestBody": {"content": {
            "application/json": {"schema": schema}}}}}}}
    body = required_body(document, "DELETE /x/{id}")
    assert body == {"mode": "soft"}
    assert_valid(document, schema, body, "DELETE /x/{id} body")
    assert required_body(document, "PATCH /x/{id}") is None  # optional body: none is sent
