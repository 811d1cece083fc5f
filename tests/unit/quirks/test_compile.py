"""to_json_schema (OpenAPI 3.0 -> Draft 4) and compile_check on small documents, 3.0 and 3.1."""

from __future__ import annotations

import jsonschema

from vapi_contract.spec.quirks import compile_check, to_json_schema


def _valid(schema, value, defs=None) -> bool:
    root = {**to_json_schema(schema), "definitions": {k: to_json_schema(v) for k, v in (defs or {}).items()}}
    return jsonschema.Draft4Validator(root).is_valid(value)


def test_nullable_reads_as_or_null():
    assert _valid({"type": "string", "nullable": True}, None)
    assert not _valid({"type": "string"}, None)
    assert _valid({"type": "string", "enum": ["a"], "nullable": True}, None)
    assert not _valid({"type": "string", "enum": ["a"], "nullable": True}, "b")
    defs = {"A": {"type": "object", "required": ["x"]}}
    assert _valid({"$ref": "#/components/schemas/A", "nullable": True}, None, defs)
    assert not _valid({"$ref": "#/components/schemas/A", "nullable": True}, {}, defs)
    assert _valid({"oneOf": [{"type": "string"}], "nullable": True}, None)


def test_openapi_only_keywords_are_dropped_and_refs_repointed():
    schema = to_json_schema({"type": "object", "discriminator": {"propertyName": "t"}, "example": 1,
                             "properties": {"a": {"$ref": "#/components/schemas/A"}}})
    assert schema == {"type": "object", "properties": {"a": {"$ref": "#/definitions/A"}}}


def _doc(version: str, schema) -> dict:
    return {
        "openapi": version, "info": {"title": "t", "version": "1"},
        "paths": {"/x/{id}": {"post": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}},
        }}},
        "components": {"schemas": {"S": {"type": "object", "properties": {"n": {"type": ["string", "null"]}}}}},
    }


def test_operation_schemas_are_checked_with_their_pointer():
    issues = compile_check(_doc("3.0.0", {"type": "string", "minLength": -1}))
    assert [i.pointer for i in issues if "jsonschema_rs" in i.message] == [
        "/paths/~1x~1{id}/post/responses/200/content/application~1json/schema/minLength"
    ]
    assert all(i.kind == "schema-compile-error" for i in issues)


def test_openapi_31_uses_draft_2020_12():
    assert compile_check(_doc("3.1.0", {"type": "string", "examples": ["a"]})) == []
    assert compile_check(_doc("3.1.0", {"type": "string", "pattern": "\\p{L"})) != []


def test_unresolvable_refs_are_reported():
    issues = compile_check(_doc("3.0.0", {"$ref": "#/components/schemas/Missing"}))
    assert any("unresolvable $ref" in i.message for i in issues)
