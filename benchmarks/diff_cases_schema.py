"""Spec pairs for the differ, one per rule plus pairs that must not break, in three tiers (see
bench_diff_accuracy.py). Each case: (tier, name, base, revision, expected rule ids, policy options).

Expected ids follow oasdiff's checker (the reference catalogue's ids and levels) with its default deprecation
policy (0 days for every stability level) unless a case sets one. A schema change is written once and placed
wherever oasdiff has an id for it (request/response body or property, parameter, header, ...).
"""

from __future__ import annotations

import copy
from typing import Any

FUTURE, PAST, EARLIER_PAST = "2099-01-01", "2021-06-01", "2020-01-01"
Case = tuple[str, str, dict, dict, set[str], dict[str, Any]]


def skeleton(version: str = "3.0.3") -> dict:
    return {
        "openapi": version, "info": {"title": "pairs", "version": "1.0.0"},
        "paths": {"/items": {
            "get": {"operationId": "listItems", "responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}},
            "post": {"operationId": "createItem", "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
                "responses": {"201": {"description": "created"}}},
        }},
        "components": {"schemas": {}},
    }


def _get(doc):
    return doc["paths"]["/items"]["get"]


def _post(doc):
    return doc["paths"]["/items"]["post"]


def _set_request(doc, schema, media="application/json"):
    _post(doc)["requestBody"]["content"] = {media: {"schema": schema}}


def _set_response(doc, schema, media="application/json"):
    _get(doc)["responses"]["200"]["content"] = {media: {"schema": schema}}


def _obj(schema, required=False, **extra):
    return {"type": "object", "properties": {"field": schema}, **({"required": ["field"]} if required else {}), **extra}


# placement -> (id prefix, function(doc, schema)); the id is f"{prefix}-{concept}"
PLACEMENTS = {
    "request-body": ("request-body", lambda d, s: _set_request(d, s)),
    "request-property": ("request-property", lambda d, s: _set_request(d, _obj(s))),
    "request-read-only-property": ("request-read-only-property",
                                   lambda d, s: _set_request(d, _obj({**s, "readOnly": True}))),
    "response-body": ("response-body", lambda d, s: _set_response(d, s)),
    "response-property": ("response-property", lambda d, s: _set_response(d, _obj(s))),
    "response-write-only-property": ("response-write-only-property",
                                     lambda d, s: _set_response(d, _obj({**s, "writeOnly": True}))),
    "request-parameter": ("request-parameter", lambda d, s: _get(d).__setitem__(
        "parameters", [{"name": "q", "in": "query", "schema": s}])),
    "request-parameter-property": ("request-parameter-property", lambda d, s: _get(d).__setitem__(
        "parameters", [{"name": "filter", "in": "query", "schema": _obj(s)}])),
    "request-header-property": ("request-header-property", lambda d, s: _get(d).__setitem__(
        "parameters", [{"name": "X-Meta", "in": "header", "schema": _obj(s)}])),
    "response-header": ("response-header", lambda d, s: _get(d)["responses"]["200"].__setitem__(
        "headers", {"X-Rate": {"schema": s}})),
    "request-body-xml": ("request-body", lambda d, s: _set_request(d, s, "application/xml")),
    "request-property-xml": ("request-property", lambda d, s: _set_request(d, _obj(s), "application/xml")),
    "response-body-xml": ("response-body", lambda d, s: _set_response(d, s, "application/xml")),
    "response-property-xml": ("response-property", lambda d, s: _set_response(d, _obj(s), "application/xml")),
}
ALL = [p for p in PLACEMENTS if not p.endswith("-xml")]
BODIES = ["request-body", "request-property", "response-body", "response-property"]
XML = ["request-body-xml", "request-property-xml", "response-body-xml", "response-property-xml"]

S, I, N, A = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "array", "items": {"type": "string"}}
REFS = {"Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "meows": {"type": "boolean"}}},
        "Dog": {"type": "object", "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}}},
        "Cat2": {"type": "object", "properties": {"type": {"type": "string"}, "meows": {"type": "boolean"}}},
        "Dog2": {"type": "object", "properties": {"type": {"type": "string"}, "barks": {"type": "boolean"}}},
        "Fox": {"type": "object", "properties": {"kind": {"type": "string"}, "hunts": {"type": "integer"}}}}
PETS = [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
# the same two components, whose discriminating property `kind` became `type`
RENAMED = {**REFS, "Cat": REFS["Cat2"], "Dog": REFS["Dog2"]}


def _bound(keyword, low, high, base):
    return {"increased": ({**base, keyword: low}, {**base, keyword: high}),
            "decreased": ({**base, keyword: high}, {**base, keyword: low}),
            "set": (dict(base), {**base, keyword: low}), "unset": ({**base, keyword: low}, dict(base))}


# concept -> (tier, old schema, new schema, placements)
SCHEMA_CONCEPTS: dict[str, tuple[str, dict, dict, list[str]]] = {
    "type-changed": ("core", S, I, ALL),
    "type-generalized": ("core", I, N, ALL),
    "type-specialized": ("core", N, I, ALL),
    # XML, text and forms carry every value as text: a value that becomes a string is still read the same way
    "type-compatible": ("core", S, I, ["response-body-xml", "response-property-xml"]),
    "type-compatible/request": ("core", I, S, ["request-body-xml", "request-property-xml"]),
    "type-changed/xml-request": ("core", S, I, ["request-body-xml", "request-property-xml"]),
    "type-changed/xml-response": ("core", I, S, ["response-body-xml", "response-property-xml"]),
    "type-generalized/format": ("core", {**I, "format": "int32"}, {**I, "format": "int64"},
                                ["request-property", "request-parameter"]),
    "type-changed/format": ("core", {**I, "format": "int32"}, {**I, "format": "int64"}, ["response-property"]),
    "type-specialized/format": ("core", {**S, "format": "date-time"}, {**S, "format": "date"}, ["response-property"]),
    "became-nullable": ("core", S, {**S, "nullable": True}, ALL),
    "became-not-nullable": ("core", {**S, "nullable": True}, S, ALL),
    "became-enum": ("core", S, {**S, "enum": ["a", "b"]}, ALL),
    "enum-value-removed": ("core", {**S, "enum": ["a", "b"]}, {**S, "enum": ["a"]}, ALL),
    "enum-value-added": ("core", {**S, "enum": ["a"]}, {**S, "enum": ["a", "b"]}, ALL),
    "x-extensible-enum-value-removed": ("lifecycle", {**S, "x-extensible-enum": ["a", "b"]},
                                        {**S, "x-extensible-enum": ["a"]}, ALL),
    "pattern-added": ("core", S, {**S, "pattern": "^a+$"}, ALL),
    "pattern-removed": ("core", {**S, "pattern": "^a+$"}, S, ALL),
    "pattern-changed": ("core", {**S, "pattern": "^a+$"}, {**S, "pattern": "^b+$"}, ALL),
    "pattern-generalized": ("core", {**S, "pattern": "^a+$"}, {**S, "pattern": ".*"}, ALL),
    "default-value-added": ("core", S, {**S, "default": "x"}, ALL),
    "default-value-removed": ("core", {**S, "default": "x"}, S, ALL),
    "default-value-changed": ("core", {**S, "default": "x"}, {**S, "default": "y"}, ALL),
    "const-added": ("oas31", S, {**S, "const": "x"}, BODIES),
    "const-removed": ("oas31", {**S, "const": "x"}, S, BODIES),
    "const-changed": ("oas31", {**S, "const": "x"}, {**S, "const": "y"}, BODIES),
    "list-of-types-widened": ("oas31", {"type": ["string"]}, {"type": ["string", "integer"]}, ALL),
    "list-of-types-narrowed": ("oas31", {"type": ["string", "integer"]}, {"type": ["string"]}, ALL),
    "one-of-added": ("core", {"oneOf": [S, I]}, {"oneOf": [S, I, {"type": "boolean"}]}, BODIES),
    "one-of-removed": ("core", {"oneOf": [S, I, {"type": "boolean"}]}, {"oneOf": [S, I]}, BODIES),
    "any-of-added": ("core", {"anyOf": [S, I]}, {"anyOf": [S, I, {"type": "boolean"}]}, BODIES),
    "any-of-removed": ("core", {"anyOf": [S, I, {"type": "boolean"}]}, {"anyOf": [S, I]}, BODIES),
    "all-of-added": ("core", {"allOf": [{"type": "object"}, {"properties": {"a": S}}]},
                     {"allOf": [{"type": "object"}, {"properties": {"a": S}}, {"required": ["a"]}]}, BODIES),
    "all-of-removed": ("core", {"allOf": [{"type": "object"}, {"properties": {"a": S}}, {"required": ["a"]}]},
                       {"allOf": [{"type": "object"}, {"properties": {"a": S}}]}, BODIES),
    "all-of-added-annotation-only": ("core", {"allOf": [{"type": "object"}, {"properties": {"a": S}}]},
                                     {"allOf": [{"type": "object"}, {"properties": {"a": S}}, {"title": "A"}]}, BODIES),
    "all-of-removed-annotation-only": ("core", {"allOf": [{"type": "object"}, {"properties": {"a": S}}, {"title": "A"}]},
                                       {"allOf": [{"type": "object"}, {"properties": {"a": S}}]}, BODIES),
    "wrapped-in-one-of": ("core", {"type": "object", "properties": {"a": S}},
                          {"oneOf": [{"type": "object", "properties": {"a": S}}, S]}, ["request-body", "response-body"]),
    "discriminator-added": ("core", {"oneOf": PETS}, {"oneOf": PETS, "discriminator": {"propertyName": "kind"}}, BODIES),
    "discriminator-removed": ("core", {"oneOf": PETS, "discriminator": {"propertyName": "kind"}}, {"oneOf": PETS}, BODIES),
    "discriminator-property-name-changed": ("core", {"oneOf": PETS, "discriminator": {"propertyName": "kind"}},
                                            {"oneOf": PETS, "discriminator": {"propertyName": "type"}}, BODIES),
    "discriminator-mapping-added": ("core", {"oneOf": PETS, "discriminator": {"propertyName": "kind"}},
                                    {"oneOf": PETS, "discriminator": {"propertyName": "kind", "mapping": {
                                        "cat": "#/components/schemas/Cat"}}}, BODIES),
    "discriminator-mapping-deleted": ("core", {"oneOf": PETS, "discriminator": {"propertyName": "kind", "mapping": {
        "cat": "#/components/schemas/Cat"}}}, {"oneOf": PETS, "discriminator": {"propertyName": "kind"}}, BODIES),
    "discriminator-mapping-changed": ("core", {"oneOf": PETS, "discriminator": {"propertyName": "kind", "mapping": {
        "cat": "#/components/schemas/Cat"}}}, {"oneOf": PETS, "discriminator": {"propertyName": "kind", "mapping": {
            "cat": "#/components/schemas/Fox"}}}, BODIES),
    "prefix-items-added": ("oas31", {"type": "array", "prefixItems": [S]}, {"type": "array", "prefixItems": [S, I]}, BODIES),
    "prefix-items-removed": ("oas31", {"type": "array", "prefixItems": [S, I]}, {"type": "array", "prefixItems": [S]}, BODIES),
    "contains-added": ("oas31", A, {**A, "contains": {"const": "x"}}, BODIES),
    "contains-removed": ("oas31", {**A, "contains": {"const": "x"}}, A, BODIES),
    "min-contains-increased": ("oas31", {**A, "contains": S, "minContains": 1}, {**A, "contains": S, "minContains": 2}, BODIES),
    "min-contains-decreased": ("oas31", {**A, "contains": S, "minContains": 2}, {**A, "contains": S, "minContains": 1}, BODIES),
    "max-contains-increased": ("oas31", {**A, "contains": S, "maxContains": 2}, {**A, "contains": S, "maxContains": 3}, BODIES),
    "max-contains-decreased": ("oas31", {**A, "contains": S, "maxContains": 3}, {**A, "contains": S, "maxContains": 2}, BODIES),
    "dependent-required-added": ("oas31", {"type": "object"}, {"type": "object", "dependentRequired": {"a": ["b"]}}, BODIES),
    "dependent-required-removed": ("oas31", {"type": "object", "dependentRequired": {"a": ["b"]}}, {"type": "object"}, BODIES),
    "dependent-required-changed": ("oas31", {"type": "object", "dependentRequired": {"a": ["b"]}},
                                   {"type": "object", "dependentRequired": {"a": ["c"]}}, BODIES),
    "dependent-schema-added": ("oas31", {"type": "object"}, {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}}, BODIES),
    "dependent-schema-removed": ("oas31", {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}}, {"type": "object"}, BODIES),
    "pattern-property-added": ("oas31", {"type": "object"}, {"type": "object", "patternProperties": {"^x-": S}}, BODIES),
    "pattern-property-removed": ("oas31", {"type": "object", "patternProperties": {"^x-": S}}, {"type": "object"}, BODIES),
    "property-names-added": ("oas31", {"type": "object"}, {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}, BODIES),
    "property-names-removed": ("oas31", {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}, {"type": "object"}, BODIES),
    "unevaluated-items-added": ("oas31", {"type": "array", "prefixItems": [S]},
                                {"type": "array", "prefixItems": [S], "unevaluatedItems": False}, BODIES),
    "unevaluated-items-removed": ("oas31", {"type": "array", "prefixItems": [S], "unevaluatedItems": False},
                                  {"type": "array", "prefixItems": [S]}, BODIES),
    "unevaluated-properties-added": ("oas31", {"type": "object", "properties": {"a": S}},
                                     {"type": "object", "properties": {"a": S}, "unevaluatedProperties": False}, BODIES),
    "unevaluated-properties-removed": ("oas31", {"type": "object", "properties": {"a": S}, "unevaluatedProperties": False},
                                       {"type": "object", "properties": {"a": S}}, BODIES),
    "if-added": ("oas31", {"type": "object"}, {"type": "object", "if": {"required": ["a"]}}, BODIES),
    "if-removed": ("oas31", {"type": "object", "if": {"required": ["a"]}}, {"type": "object"}, BODIES),
    "then-added": ("oas31", {"type": "object", "if": {"required": ["a"]}},
                   {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}}, BODIES),
    "then-removed": ("oas31", {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}},
                     {"type": "object", "if": {"required": ["a"]}}, BODIES),
    "else-added": ("oas31", {"type": "object", "if": {"required": ["a"]}},
                   {"type": "object", "if": {"required": ["a"]}, "else": {"required": ["c"]}}, BODIES),
    "else-removed": ("oas31", {"type": "object", "if": {"required": ["a"]}, "else": {"required": ["c"]}},
                     {"type": "object", "if": {"required": ["a"]}}, BODIES),
    "content-schema-added": ("oas31", {**S, "contentMediaType": "application/json"},
                             {**S, "contentMediaType": "application/json", "contentSchema": {"type": "object"}}, BODIES),
    "content-schema-removed": ("oas31", {**S, "contentMediaType": "application/json", "contentSchema": {"type": "object"}},
                               {**S, "contentMediaType": "application/json"}, BODIES),
    "content-media-type-changed": ("oas31", {**S, "contentMediaType": "application/json"},
                                   {**S, "contentMediaType": "application/xml"}, BODIES),
    "content-encoding-changed": ("oas31", {**S, "contentEncoding": "base64"}, {**S, "contentEncoding": "base32"}, BODIES),
}
for _stem, _keyword, _low, _high, _base in (
        ("max", "maximum", 10, 20, N), ("min", "minimum", 10, 20, N),
        ("exclusive-max", "exclusiveMaximum", 10, 20, N), ("exclusive-min", "exclusiveMinimum", 10, 20, N),
        ("max-length", "maxLength", 10, 20, S), ("min-length", "minLength", 2, 4, S),
        ("max-items", "maxItems", 2, 4, A), ("min-items", "minItems", 2, 4, A)):
    for _direction, (_old, _new) in _bound(_keyword, _low, _high, _base).items():
        SCHEMA_CONCEPTS[f"{_stem}-{_direction}"] = ("core", _old, _new, ALL)

# placements whose id differs from prefix + concept
ID_OVERRIDES = {("response-body", "enum-value-removed"): "response-mediatype-enum-value-removed"}


def schema_cases(levels: dict[str, str]) -> list[Case]:
    """One case per (concept, placement) that has a catalogue id; components the concepts refer to included."""
    cases: list[Case] = []
    used: set[str] = set()
    for concept, (tier, old, new, placements) in SCHEMA_CONCEPTS.items():
        for placement in placements:
            prefix, place = PLACEMENTS[placement]
            concept_id, _, variant = concept.partition("/")
            rule = ID_OVERRIDES.get((placement, concept), f"{prefix}-{concept_id}")
            if rule not in levels:
                continue
            version = "3.1.0" if tier == "oas31" else "3.0.3"
            base, revision = skeleton(version), skeleton(version)
            for doc, schema in ((base, old), (revision, new)):
                refs = RENAMED if doc is revision and concept == "discriminator-property-name-changed" else REFS
                doc["components"]["schemas"] = copy.deepcopy(refs) if "discriminator" in concept else {}
                place(doc, copy.deepcopy(schema))
            name = f"{rule}--{variant}" if rule in used else rule  # the first pair of a rule is named after it
            used.add(name)
            cases.append((tier, name, base, revision, {rule}, {}))
    return cases

