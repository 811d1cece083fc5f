"""Spec pairs for object properties, readOnly/writeOnly, property lifecycle, security, the walker's own ids, and
refactorings that must not be reported as breaking (see diff_cases_schema.py)."""

from __future__ import annotations

import copy

from diff_cases_api import _both, _case, _nothing, _with
from diff_cases_schema import FUTURE, PAST, Case, I, N, S, _set_request, _set_response

RB = ("paths", "/items", "post", "requestBody", "content", "application/json", "schema")
RS = ("paths", "/items", "get", "responses", "200", "content", "application/json", "schema")


def _body(direction, schema):
    return (lambda d: _set_request(d, copy.deepcopy(schema))) if direction == "request" else \
        (lambda d: _set_response(d, copy.deepcopy(schema)))


def _props(props, required=()):
    return {"type": "object", "properties": props, **({"required": list(required)} if required else {})}


def property_cases() -> list[Case]:
    c: list[Case] = []
    base = _props({"a": S})
    for direction in ("request", "response"):
        b = lambda s, d=direction: _body(d, s)
        if direction == "request":
            c.append(_case("core", "new-required-request-property", b(base), b(_props({"a": S, "b": S}, ["b"])),
                           ["new-required-request-property"]))
            c.append(_case("core", "new-required-request-property-with-default", b(base),
                           b(_props({"a": S, "b": {**S, "default": "x"}}, ["b"])), ["new-required-request-property-with-default"]))
            c.append(_case("core", "new-optional-request-property", b(base), b(_props({"a": S, "b": S})),
                           ["new-optional-request-property"]))
            c.append(_case("core", "new-required-read-only-request-property-is-not-sent", b(base),
                           b(_props({"a": S, "b": {**S, "readOnly": True}}, ["b"])), []))
            c.append(_case("core", "request-property-removed", b(_props({"a": S, "b": S})), b(base), ["request-property-removed"]))
            c.append(_case("core", "request-property-became-required", b(base), b(_props({"a": S}, ["a"])),
                           ["request-property-became-required"]))
            c.append(_case("core", "request-property-became-required-with-default", b(_props({"a": {**S, "default": "x"}})),
                           b(_props({"a": {**S, "default": "x"}}, ["a"])), ["request-property-became-required-with-default"]))
            c.append(_case("core", "request-property-became-optional", b(_props({"a": S}, ["a"])), b(base),
                           ["request-property-became-optional"]))
        else:
            for req in ("required", "optional"):
                for wo in ("", "write-only-"):
                    schema = {**S, "writeOnly": True} if wo else S
                    reqs = ["b"] if req == "required" else []
                    c.append(_case("core", f"response-{req}-{wo}property-added", b(base),
                                   b(_props({"a": S, "b": schema}, reqs)), [f"response-{req}-{wo}property-added"]))
                    c.append(_case("core", f"response-{req}-{wo}property-removed", b(_props({"a": S, "b": schema}, reqs)),
                                   b(base), [f"response-{req}-{wo}property-removed"]))
            for wo in ("", "write-only-"):
                schema = {**S, "writeOnly": True} if wo else S
                c.append(_case("core", f"response-{wo}property-became-required", b(_props({"a": schema})),
                               b(_props({"a": schema}, ["a"])), [f"response-{wo}property-became-required"]))
                c.append(_case("core", f"response-{wo}property-became-optional", b(_props({"a": schema}, ["a"])),
                               b(_props({"a": schema})), [f"response-{wo}property-became-optional"]))
        for req in ("required", "optional"):
            reqs = ["a"] if req == "required" else []
            for key, word in (("readOnly", "read-only"), ("writeOnly", "write-only")):
                on, off = _props({"a": {**S, key: True}}, reqs), _props({"a": S}, reqs)
                c.append(_case("core", f"{direction}-{req}-property-became-{word}", b(off), b(on),
                               [f"{direction}-{req}-property-became-{word}"]))
                c.append(_case("core", f"{direction}-{req}-property-became-not-{word}", b(on), b(off),
                               [f"{direction}-{req}-property-became-not-{word}"]))
        # the property lifecycle: deprecated, x-sunset, x-stability-level
        plain = _props({"a": S})
        marked = lambda **x: _props({"a": {**S, **x}})
        lifecycle = [
            ("deprecated", plain, marked(deprecated=True), {}),
            ("deprecated-with-sunset", plain, marked(deprecated=True, **{"x-sunset": FUTURE}), {}),
            ("deprecated-sunset-missing", plain, marked(deprecated=True), {"stable_days": 180}),
            ("deprecated-sunset-invalid", plain, marked(deprecated=True, **{"x-sunset": "Q3"}), {}),
            ("sunset-date-too-small", plain, marked(deprecated=True, **{"x-sunset": PAST}), {}),
            ("reactivated", marked(deprecated=True), plain, {}),
            ("stability-decreased", marked(**{"x-stability-level": "stable"}), marked(**{"x-stability-level": "alpha"}), {}),
            ("stability-increased", marked(**{"x-stability-level": "beta"}), plain, {}),
        ]
        for concept, old, new, options in lifecycle:
            rule = f"{direction}-property-{concept}"
            c.append(_case("lifecycle", rule, b(old), b(new), [rule], **options))
    c.append(_case("lifecycle", "deprecated-on-the-allof-wrapper",
                   _body("response", _props({"a": {"allOf": [{"$ref": "#/components/schemas/Thing"}]}})),
                   _body("response", _props({"a": {"allOf": [{"$ref": "#/components/schemas/Thing"}], "deprecated": True}})),
                   ["response-property-deprecated"]))
    for doc_case in c[-1][2:4]:
        doc_case["components"]["schemas"]["Thing"] = _props({"x": S})
    return c


def security_cases() -> list[Case]:
    c: list[Case] = []
    bearer = {"type": "http", "scheme": "bearer"}
    oauth = lambda **flow: {"type": "oauth2", "flows": {"clientCredentials": {
        "tokenUrl": "https://auth/token", "scopes": {"read": "read things"}, **flow}}}
    schemes = lambda **s: _with(("components", "securitySchemes"), s)
    c.append(_case("core", "api-security-component-added", _nothing, schemes(bearer=bearer), ["api-security-component-added"]))
    c.append(_case("core", "api-security-component-removed", schemes(bearer=bearer), _nothing, ["api-security-component-removed"]))
    c.append(_case("core", "api-security-component-type-changed", schemes(key=bearer),
                   schemes(key={"type": "apiKey", "in": "header", "name": "X-Key"}), ["api-security-component-type-changed"]))
    c.append(_case("core", "api-security-component-oauth-token-url-changed", schemes(o=oauth()),
                   schemes(o=oauth(tokenUrl="https://auth2/token")), ["api-security-component-oauth-token-url-changed"]))
    code = lambda url: {"type": "oauth2", "flows": {"authorizationCode": {
        "authorizationUrl": url, "tokenUrl": "https://auth/token", "scopes": {}}}}
    c.append(_case("core", "api-security-component-oauth-url-changed", schemes(o=code("https://a/authorize")),
                   schemes(o=code("https://b/authorize")), ["api-security-component-oauth-url-changed"]))
    c.append(_case("core", "api-security-component-oauth-scope-added", schemes(o=oauth()),
                   schemes(o=oauth(scopes={"read": "read things", "write": "write"})), ["api-security-component-oauth-scope-added"]))
    c.append(_case("core", "api-security-component-oauth-scope-removed", schemes(o=oauth(scopes={"read": "r", "write": "w"})),
                   schemes(o=oauth(scopes={"read": "r"})), ["api-security-component-oauth-scope-removed"]))
    c.append(_case("core", "api-security-component-oauth-scope-changed", schemes(o=oauth()),
                   schemes(o=oauth(scopes={"read": "read everything"})), ["api-security-component-oauth-scope-changed"]))
    op = ("paths", "/items", "get", "security")
    with_schemes = schemes(bearer=bearer, o=oauth(scopes={"read": "r", "write": "w"}))
    for prefix, path in (("", op), ("global-", ("security",))):
        sec = lambda value, p=path: _both(with_schemes, _with(p, value))
        c.append(_case("core", f"api-{prefix}security-added", sec([{"bearer": []}]), sec([{"bearer": []}, {"o": ["read"]}]),
                       [f"api-{prefix}security-added"]))
        c.append(_case("core", f"api-{prefix}security-removed", sec([{"bearer": []}, {"o": ["read"]}]), sec([{"bearer": []}]),
                       [f"api-{prefix}security-removed"]))
        c.append(_case("core", f"api-{prefix}security-scope-added", sec([{"o": ["read"]}]), sec([{"o": ["read", "write"]}]),
                       [f"api-{prefix}security-scope-added"]))
        c.append(_case("core", f"api-{prefix}security-scope-removed", sec([{"o": ["read", "write"]}]), sec([{"o": ["read"]}]),
                       [f"api-{prefix}security-scope-removed"]))
    return c


def walker_cases() -> list[Case]:
    c: list[Case] = []
    ref = lambda name: _body("response", _props({"owner": {"$ref": f"#/components/schemas/{name}"}}))
    c.append(_case("core", "schema-ref-dangling", _both(ref("Owner"), _with(("components", "schemas", "Owner"), S)),
                   ref("Missing"), ["schema-ref-dangling", "api-schema-removed"]))
    deep_old, deep_new = {"type": "string"}, {"type": "integer"}
    for _ in range(205):
        deep_old, deep_new = _props({"n": deep_old}), _props({"n": deep_new})
    c.append(_case("core", "schema-depth-limit", _body("request", deep_old), _body("request", deep_new), ["schema-depth-limit"]))
    return c


def refactor_cases() -> list[Case]:
    """Edits a client cannot notice, and realistic mixes: the breaking yes/no verdict must hold."""
    c: list[Case] = []
    thing = _props({"a": S, "b": I})
    comp = lambda name: _with(("components", "schemas", name), thing)
    use = lambda name: _body("response", {"$ref": f"#/components/schemas/{name}"})
    c.append(_case("core", "component-renamed-same-shape", _both(comp("Thing"), use("Thing")), _both(comp("Item"), use("Item")),
                   ["api-schema-removed"]))
    c.append(_case("core", "ref-wrapped-in-single-allof", _both(comp("Thing"), use("Thing")),
                   _both(comp("Thing"), _body("response", {"allOf": [{"$ref": "#/components/schemas/Thing"}],
                                                          "description": "the thing"})), []))
    c.append(_case("core", "description-and-example-edits", _body("request", _props({"a": {**S, "description": "x"}})),
                   _body("request", _props({"a": {**S, "description": "y", "example": "z"}})), []))
    c.append(_case("core", "enum-reordered", _body("request", _props({"a": {**S, "enum": ["a", "b"]}})),
                   _body("request", _props({"a": {**S, "enum": ["b", "a"]}})), []))
    c.append(_case("core", "js-literal-pattern-is-the-same-regex", _body("request", _props({"a": {**S, "pattern": "/^a$/"}})),
                   _body("request", _props({"a": {**S, "pattern": "^a$"}})), []))
    c.append(_case("core", "vapi-type-enum-quirk", _body("request", _props({"a": {"type": "enum", "enum": ["a"]}})),
                   _body("request", _props({"a": {"type": "string", "enum": ["a"]}})), []))
    c.append(_case("oas31", "nullable-written-as-type-list", _body("response", _props({"a": {**S, "nullable": True}})),
                   _body("response", _props({"a": {"type": ["string", "null"]}})), [], "3.1.0"))
    c.append(_case("oas31", "type-list-gains-null", _body("response", _props({"a": {"type": ["string"]}})),
                   _body("response", _props({"a": {"type": ["string", "null"]}})), ["response-property-became-nullable"], "3.1.0"))
    # 3.1 makes a $ref nullable with `oneOf: [{type: "null"}, $ref]`: one nullability change, no oneOf/enum noise
    enum_ref = _both(_with(("components", "schemas", "Kind"), {**S, "enum": ["a", "b"]}))
    for direction, level in (("request", "request-property-became-nullable"), ("response", "response-property-became-nullable")):
        ref = {"$ref": "#/components/schemas/Kind"}
        for key in ("oneOf", "anyOf"):
            wrapped = {key: [{"type": "null"}, ref]} if key == "oneOf" else {key: [ref, {"type": "null"}]}
            c.append(_case("oas31", f"{direction}-ref-wrapped-nullable-with-{key}",
                           _both(enum_ref, _body(direction, _props({"k": ref}))),
                           _both(enum_ref, _body(direction, _props({"k": wrapped}))), [level], "3.1.0"))
        c.append(_case("oas31", f"{direction}-ref-unwrapped-from-nullable",
                       _both(enum_ref, _body(direction, _props({"k": {"oneOf": [{"type": "null"}, ref]}}))),
                       _both(enum_ref, _body(direction, _props({"k": ref}))),
                       [level.replace("became-nullable", "became-not-nullable")], "3.1.0"))
    c.append(_case("oas31", "prefix-items-repeating-items-is-no-change", _body("request", {"type": "array", "items": S}),
                   _body("request", {"type": "array", "items": S, "prefixItems": [S]}), [], "3.1.0"))
    c.append(_case("oas31", "const-same-value", _body("request", _props({"a": {"const": "x"}})),
                   _body("request", _props({"a": {"const": "x", "description": "fixed"}})), [], "3.1.0"))
    c.append(_case("oas31", "prefix-items-edited-in-place", _body("request", {"type": "array", "prefixItems": [S, I]}),
                   _body("request", {"type": "array", "prefixItems": [S, N]}), ["request-property-type-generalized"], "3.1.0"))
    c.append(_case("oas31", "pattern-property-schema-narrowed", _body("request", {"type": "object", "patternProperties": {"^x": N}}),
                   _body("request", {"type": "object", "patternProperties": {"^x": I}}), ["request-property-type-changed"], "3.1.0"))
    c.append(_case("oas31", "unevaluated-properties-true-is-no-constraint", _body("request", _props({"a": S})),
                   _body("request", {**_props({"a": S}), "unevaluatedProperties": True}), [], "3.1.0"))
    pet = lambda name: _props({name: S, "meows": {"type": "boolean"}}, [name])
    poly = lambda name: {**pet(name), "discriminator": {"propertyName": name}, "oneOf": [pet(name), pet(name)]}
    c.append(_case("core", "discriminator-renamed-on-a-schema-that-declares-it", _body("request", poly("kind")),
                   _body("request", poly("type")), ["request-body-discriminator-property-name-changed"]))
    c.append(_case("core", "response-number-to-integer-is-safe", _body("response", _props({"a": N})),
                   _body("response", _props({"a": I})), ["response-property-type-specialized"]))
    c.append(_case("core", "request-integer-to-number-is-safe", _body("request", _props({"a": I})),
                   _body("request", _props({"a": N})), ["request-property-type-generalized"]))
    c.append(_case("core", "response-pattern-removed-is-safe", _body("response", _props({"a": {**S, "pattern": "^a$"}})),
                   _body("response", _props({"a": S})), ["response-property-pattern-removed"]))
    c.append(_case("core", "many-safe-additions", _body("response", thing),
                   _body("response", _props({"a": S, "b": I, "c": S, "d": {**S, "format": "uuid"}})),
                   ["response-optional-property-added"]))
    return c
