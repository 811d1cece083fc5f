"""Property-based: any pair of (small, possibly odd) OpenAPI documents is compared without crashing, an
unchanged document has no changes, and every finding is catalogued with a valid level."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vapi_contract.diff import compare
from vapi_contract.diff.catalogue import LEVELS

NAMES = st.sampled_from(["id", "name", "voice", "model", "items", "type", "A", "B"])
REFS = st.sampled_from(["#/components/schemas/A", "#/components/schemas/B", "#/components/schemas/Missing"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", "/^a$/", "enum"]))

schemas = st.recursive(
    st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean", "enum", "null"])},
                              optional={"enum": st.lists(SCALARS, max_size=3), "maxLength": st.integers(0, 5),
                                        "minimum": st.integers(0, 5), "pattern": st.sampled_from(["^a$", "/^b$/"]),
                                        "nullable": st.booleans(), "default": SCALARS, "format": st.just("uuid")}),
        st.builds(lambda r: {"$ref": r}, REFS),
        SCALARS,
    ),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"type": st.just("object")},
                              optional={"properties": st.dictionaries(NAMES, inner, max_size=3),
                                        "required": st.one_of(st.lists(NAMES, max_size=2), st.booleans()),
                                        "additionalProperties": inner}),
        st.fixed_dictionaries({"type": st.just("array"), "items": inner}, optional={"minItems": st.integers(0, 2)}),
        st.builds(lambda k, b: {k: b}, st.sampled_from(["oneOf", "anyOf", "allOf"]), st.lists(inner, max_size=3)),
    ),
    max_leaves=8,
)

operations = st.fixed_dictionaries({}, optional={
    "parameters": st.lists(st.fixed_dictionaries({"name": NAMES, "in": st.sampled_from(["query", "path", "header"])},
                                                 optional={"required": st.booleans(), "schema": schemas}),
                           max_size=3),
    "requestBody": st.fixed_dictionaries({"content": st.dictionaries(
        st.sampled_from(["application/json", "text/plain"]), st.fixed_dictionaries({"schema": schemas}), max_size=2)},
        optional={"required": st.booleans()}),
    "responses": st.dictionaries(st.sampled_from(["200", "201", "400", "default"]), st.fixed_dictionaries(
        {"description": st.just("")}, optional={"content": st.dictionaries(
            st.just("application/json"), st.fixed_dictionaries({"schema": schemas}), max_size=1)}), max_size=2),
    "deprecated": st.booleans(),
    "security": st.lists(st.dictionaries(st.sampled_from(["bearer", "key"]), st.lists(st.just("s"), max_size=1),
                                         max_size=1), max_size=2),
})

documents = st.fixed_dictionaries({
    "openapi": st.just("3.0.0"),
    "paths": st.dictionaries(st.sampled_from(["/a", "/a/{id}", "/b/{x}", "/b/{y}"]),
                             st.dictionaries(st.sampled_from(["get", "post", "patch"]), operations, max_size=2),
                             max_size=3),
    "components": st.fixed_dictionaries({"schemas": st.dictionaries(st.sampled_from(["A", "B"]), schemas,
                                                                    max_size=2)}),
})

SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(documents)
def test_a_document_against_itself_has_no_changes(doc):
    assert compare(doc, copy.deepcopy(doc)).changes == []


@SETTINGS
@given(documents, documents)
def test_any_pair_compares_with_catalogued_findings(old, new):
    result = compare(old, new)
    for change in result.changes:
        assert LEVELS[change.id] == change.level
        assert change.message and "\n" not in change.message
        assert change.operation is None or change.operation == change.operations[0]
    assert sum(result.summary().values()) == len(result.changes)
