"""Malformed or odd documents never crash the diff: it compares what it can and reports nothing invented."""

from __future__ import annotations

import copy

import pytest

from vapi_contract.diff import compare

GARBAGE = {
    "openapi": "3.0.0",
    "paths": {
        "/a": {"get": {"parameters": "x", "requestBody": 5, "responses": []}, "post": "nope"},
        "/b": ["not", "a", "path item"],
        "/c": {"get": {"parameters": [None, 3, {"in": "query"}, {"$ref": "#/nowhere"}],
                       "requestBody": {"content": {"application/json": None}},
                       "responses": {"200": {"$ref": "#/components/responses/Missing"},
                                     "201": {"content": {"application/json": {"schema": {"$ref": 7}}}}}}},
    },
    "components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}, "Odd": {"properties": []}}},
}


def test_garbage_against_itself_and_against_empty():
    assert compare(GARBAGE, copy.deepcopy(GARBAGE)).changes == []
    removed = compare(GARBAGE, {"openapi": "3.0.0", "paths": {}})
    assert {c.operation for c in removed.changes if c.location == "operation"} == {"GET /a", "GET /c"}
    assert compare({}, {}).changes == []


def test_self_referencing_ref_chain_terminates():
    old = {"openapi": "3.0.0", "paths": {"/x": {"post": {
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Loop"}}}},
        "responses": {}}}}, "components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}}}
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Loop"] = {"$ref": "#/components/schemas/Loop", "description": "still a loop"}
    assert compare(old, new).changes == []


@pytest.mark.parametrize("depth", [50, 150, 2000])
def test_deep_inline_nesting(depth):
    def nested(leaf):
        schema = leaf
        for _ in range(depth):
            schema = {"type": "object", "properties": {"child": schema}}
        return {"openapi": "3.0.0", "paths": {"/x": {"post": {
            "requestBody": {"content": {"application/json": {"schema": schema}}}, "responses": {}}}}}

    result = compare(nested({"type": "string"}), nested({"type": "integer"}))
    expected = "request-property-type-changed" if depth < 200 else "schema-depth-limit"
    assert [c.id for c in result.changes] == [expected]


def test_paths_of_the_same_shape_in_one_document_stay_apart():
    doc = {"openapi": "3.0.0", "paths": {"/a/{x}": {"get": {"responses": {}}}, "/a/{y}": {"get": {"responses": {}}}}}
    assert compare(doc, copy.deepcopy(doc)).changes == []
    fewer = {"openapi": "3.0.0", "paths": {"/a/{x}": {"get": {"responses": {}}}}}
    assert [c.operation for c in compare(doc, fewer).changes] == ["GET /a/{y}"]


def test_keywords_of_the_wrong_type_are_compared_never_a_crash():
    """Every rule pair with random keyword values swapped for values of the wrong type (a list where a mapping
    belongs, a number for a type name, ...): the differ answers, it never raises."""
    import copy
    import json
    import random
    from pathlib import Path

    from vapi_contract.diff import compare

    weird = [None, 5, 2.5, "x", "", [], {}, [{}], [None], True, {"a": 1}, [1, "a"], ["null"], [{"type": "x"}]]
    rng = random.Random(13)

    def mutate(node):
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        for key, value in items:
            if rng.random() < 0.15:
                node[key] = copy.deepcopy(rng.choice(weird))
            else:
                mutate(value)

    pairs = sorted(p for p in (Path(__file__).resolve().parents[2] / "fixtures" / "diff" / "pairs").glob("*/*")
                   if p.name != "schema-depth-limit")
    for folder in pairs[::3]:
        base = json.loads((folder / "base.json").read_text())
        revision = json.loads((folder / "revision.json").read_text())
        mutate(base)
        mutate(revision)
        compare(base, revision)
        compare(revision, base)
