"""normalize() finds schemas everywhere OpenAPI puts them, and only there."""

from __future__ import annotations

import copy

from vapi_contract.spec.quirks import normalize

QUIRK = {"type": "enum", "enum": ["a"]}  # any quirk will do: type-enum


def test_every_schema_position_is_visited():
    doc = {
        "openapi": "3.0.0",
        "paths": {
            "/x/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": copy.deepcopy(QUIRK)}],
                "get": {
                    "parameters": [{"name": "q", "in": "query", "content": {"application/json": {"schema": copy.deepcopy(QUIRK)}}}],
                    "requestBody": {"content": {"application/json": {"schema": copy.deepcopy(QUIRK)}}},
                    "responses": {"200": {
                        "headers": {"X-Rate": {"schema": copy.deepcopy(QUIRK)}},
                        "content": {"text/plain": {"schema": copy.deepcopy(QUIRK)}},
                    }},
                },
            }
        },
        "components": {
            "schemas": {"S": copy.deepcopy(QUIRK)},
            "parameters": {"P": {"name": "p", "in": "query", "schema": copy.deepcopy(QUIRK)}},
            "headers": {"H": {"schema": copy.deepcopy(QUIRK)}},
            "requestBodies": {"B": {"content": {"application/json": {"schema": copy.deepcopy(QUIRK)}}}},
            "responses": {"R": {"description": "r", "content": {"application/json": {"schema": copy.deepcopy(QUIRK)}}}},
        },
    }
    pointers = sorted(i.pointer for i in normalize(doc).issues)
    assert pointers == sorted([
        "/paths/~1x~1{id}/parameters/0/schema",
        "/paths/~1x~1{id}/get/parameters/0/content/application~1json/schema",
        "/paths/~1x~1{id}/get/requestBody/content/application~1json/schema",
        "/paths/~1x~1{id}/get/responses/200/headers/X-Rate/schema",
        "/paths/~1x~1{id}/get/responses/200/content/text~1plain/schema",
        "/components/schemas/S",
        "/components/parameters/P/schema",
        "/components/headers/H/schema",
        "/components/requestBodies/B/content/application~1json/schema",
        "/components/responses/R/content/application~1json/schema",
    ])


def test_non_schema_places_are_left_alone():
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1", "x-enum": {"type": "enum"}},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok",
                  "content": {"application/json": {"example": {"type": "enum", "pattern": "/a/"}}}}}}}},
        "components": {"schemas": {"S": {"type": "object", "properties": {"type": {"type": "string"}},
                                         "example": {"type": "enum"}}}},
    }
    result = normalize(doc)
    assert result.issues == [] and result.document == doc and result.document is not doc


def test_empty_and_odd_documents():
    assert normalize({}).document == {} and normalize({}).issues == []
    odd = {"paths": {"/x": None, "/y": {"get": "nope", "parameters": "x"}}, "components": {"schemas": {"A": True}}}
    assert normalize(odd).document == odd


def test_deep_recursion_stays_refs():
    doc = {"openapi": "3.0.0", "components": {"schemas": {
        "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                 "next": {"oneOf": [{"$ref": "#/components/schemas/Node"}, {"$ref": "#/components/schemas/Leaf"}]}}},
        "Leaf": {"type": "object", "properties": {"up": {"$ref": "#/components/schemas/Node"}}},
    }}}
    result = normalize(doc)
    schemas = result.document["components"]["schemas"]
    assert schemas["Node"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}
    assert "anyOf" in schemas["Node"]["properties"]["next"]  # neither branch requires anything: overlap


def test_schema_keywords_on_parameter_objects_are_dropped_and_reported():
    param = {"name": "assistantOverrides", "in": "query", "allOf": [{"$ref": "#/components/schemas/A"}], "schema": {}}
    doc = {"openapi": "3.0.0", "paths": {"/session": {"get": {"parameters": [param]}}},
           "components": {"schemas": {"A": {"type": "object"}}}}
    result = normalize(doc)
    assert result.document["paths"]["/session"]["get"]["parameters"][0] == {
        "name": "assistantOverrides", "in": "query", "schema": {}}
    assert [(i.kind, i.pointer) for i in result.issues] == [
        ("parameter-schema-misplaced", "/paths/~1session/get/parameters/0")]
    assert "allOf" in doc["paths"]["/session"]["get"]["parameters"][0]  # input untouched


def test_undeclared_path_variables_become_required_string_parameters():
    doc = {"openapi": "3.0.0", "paths": {
        "/call/{id}": {"delete": {"responses": {}}, "get": {"parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "/{provider}/voices/{voiceId}": {"parameters": [{"name": "voiceId", "in": "path", "schema": {"type": "string"}}],
                                         "post": {}},
    }}
    result = normalize(doc)
    paths = result.document["paths"]
    assert paths["/call/{id}"]["delete"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    assert "parameters" in paths["/call/{id}"]["get"] and len(paths["/call/{id}"]["get"]["parameters"]) == 1
    assert [p["name"] for p in paths["/{provider}/voices/{voiceId}"]["post"]["parameters"]] == ["provider"]
    assert sorted((i.kind, i.pointer) for i in result.issues) == [
        ("path-parameter-undeclared", "/paths/~1call~1{id}/delete"),
        ("path-parameter-undeclared", "/paths/~1{provider}~1voices~1{voiceId}/post"),
    ]


def test_duplicate_parameters_merge_into_the_first():
    params = [
        {"name": "name", "in": "query", "required": False, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "number"}},
        {"name": "name", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 40}},
        {"name": "name", "in": "header", "schema": {"type": "string"}},
    ]
    doc = {"openapi": "3.0.0", "paths": {"/session": {"get": {"parameters": params}}}}
    result = normalize(doc)
    merged = result.document["paths"]["/session"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in merged] == [("name", "query"), ("limit", "query"), ("name", "header")]
    assert merged[0]["required"] is False
    assert merged[0]["schema"] == {"anyOf": [{"type": "string"}, {"type": "string", "maxLength": 40}]}
    assert [(i.kind, i.pointer) for i in result.issues] == [("parameter-duplicate", "/paths/~1session/get/parameters/2")]
