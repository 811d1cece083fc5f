"""Spec pairs for operations, parameters, request bodies and responses (see diff_cases_schema.py)."""

from __future__ import annotations

import copy

from diff_cases_schema import (
    EARLIER_PAST,
    FUTURE,
    PAST,
    A,
    Case,
    I,
    S,
    _get,
    _obj,
    _set_request,
    _set_response,
    skeleton,
)


def _pair(version="3.0.3"):
    return skeleton(version), skeleton(version)


def _case(tier, name, edit_base, edit_revision, expected, version="3.0.3", **options) -> Case:
    base, revision = _pair(version)
    edit_base(base)
    edit_revision(revision)
    return (tier, name, base, revision, set(expected), options)


def _nothing(doc):
    pass


def _with(path, value):
    """An edit that sets doc[path...] = value (path is a tuple of keys; lists by index)."""
    def edit(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = copy.deepcopy(value)
    return edit


def _both(*edits):
    def edit(doc):
        for one in edits:
            one(doc)
    return edit


def _without(path):
    def edit(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1], None)
    return edit


GET, POST = ("paths", "/items", "get"), ("paths", "/items", "post")
LEGACY = {"get": {"responses": {"200": {"description": "ok"}}}}


def _op(doc, **fields):
    _get(doc).update(copy.deepcopy(fields))


def _param(doc, **param):
    _get(doc).setdefault("parameters", []).append({"name": "limit", "in": "query", "schema": {"type": "integer"}, **param})


def _prop(doc, direction, schema, required=False, parent_extra=None):
    obj = _obj(schema, required, **(parent_extra or {}))
    (_set_request if direction == "request" else _set_response)(doc, obj)


def operation_cases() -> list[Case]:
    c: list[Case] = []
    legacy = lambda extra: _with(("paths", "/legacy"), {"get": {**extra, "responses": {"200": {"description": "ok"}}}})
    dep = {"deprecated": True}
    c.append(_case("core", "endpoint-added", _nothing, legacy({}), ["endpoint-added"]))
    c.append(_case("core", "api-path-removed-without-deprecation", legacy({}), _nothing, ["api-path-removed-without-deprecation"]))
    c.append(_case("lifecycle", "api-path-removed-with-deprecation", legacy(dep), _nothing, ["api-path-removed-with-deprecation"]))
    c.append(_case("lifecycle", "api-path-removed-before-sunset", legacy({**dep, "x-sunset": FUTURE}), _nothing,
                   ["api-path-removed-before-sunset"]))
    c.append(_case("lifecycle", "api-path-sunset-parse", legacy({**dep, "x-sunset": "next spring"}), _nothing,
                   ["api-path-sunset-parse"]))
    c.append(_case("lifecycle", "removed-draft-path-is-no-promise", legacy({"x-stability-level": "draft"}), _nothing, []))
    c.append(_case("lifecycle", "removed-after-sunset-passed", legacy({**dep, "x-sunset": PAST}), _nothing,
                   ["api-path-removed-with-deprecation"]))
    drop_post = _without(("paths", "/items", "post"))
    c.append(_case("core", "api-removed-without-deprecation", _nothing, drop_post, ["api-removed-without-deprecation"]))
    c.append(_case("lifecycle", "api-removed-with-deprecation", _with(POST + ("deprecated",), True), drop_post,
                   ["api-removed-with-deprecation"]))
    c.append(_case("lifecycle", "api-removed-before-sunset",
                   _both(_with(POST + ("deprecated",), True), _with(POST + ("x-sunset",), FUTURE)), drop_post,
                   ["api-removed-before-sunset"]))
    deprecate = lambda **extra: lambda d: _op(d, deprecated=True, **extra)
    c.append(_case("lifecycle", "endpoint-deprecated", _nothing, deprecate(), ["endpoint-deprecated"]))
    c.append(_case("lifecycle", "endpoint-deprecated-with-sunset", _nothing, deprecate(**{"x-sunset": FUTURE}),
                   ["endpoint-deprecated-with-sunset"]))
    c.append(_case("lifecycle", "api-deprecated-sunset-parse", _nothing, deprecate(**{"x-sunset": "2027-02-30"}),
                   ["api-deprecated-sunset-parse"]))
    c.append(_case("lifecycle", "api-sunset-date-too-small", _nothing, deprecate(**{"x-sunset": PAST}),
                   ["api-sunset-date-too-small"]))
    c.append(_case("lifecycle", "api-deprecated-sunset-missing", _nothing, deprecate(), ["api-deprecated-sunset-missing"],
                   stable_days=180))
    c.append(_case("lifecycle", "deprecated-beta-with-short-sunset-under-policy", _nothing,
                   deprecate(**{"x-sunset": FUTURE, "x-stability-level": "beta"}), ["endpoint-deprecated-with-sunset",
                                                                                     "api-stability-decreased"],
                   beta_days=31, stable_days=180))
    c.append(_case("lifecycle", "endpoint-reactivated", deprecate(), _nothing, ["endpoint-reactivated"]))
    c.append(_case("lifecycle", "sunset-deleted", deprecate(**{"x-sunset": FUTURE}), deprecate(), ["sunset-deleted"]))
    c.append(_case("lifecycle", "api-sunset-date-changed-too-small", deprecate(**{"x-sunset": PAST}),
                   deprecate(**{"x-sunset": EARLIER_PAST}), ["api-sunset-date-changed-too-small"]))
    c.append(_case("lifecycle", "sunset-moved-later", deprecate(**{"x-sunset": PAST}), deprecate(**{"x-sunset": FUTURE}), []))
    c.append(_case("lifecycle", "api-invalid-stability-level", _nothing, lambda d: _op(d, **{"x-stability-level": "gamma"}),
                   ["api-invalid-stability-level"]))
    c.append(_case("lifecycle", "api-stability-decreased", lambda d: _op(d, **{"x-stability-level": "stable"}),
                   lambda d: _op(d, **{"x-stability-level": "beta"}), ["api-stability-decreased"]))
    c.append(_case("lifecycle", "api-stability-increased", lambda d: _op(d, **{"x-stability-level": "alpha"}),
                   lambda d: _op(d, **{"x-stability-level": "stable"}), ["api-stability-increased"]))
    c.append(_case("lifecycle", "absent-stability-is-stable", _nothing, lambda d: _op(d, **{"x-stability-level": "stable"}), []))
    c.append(_case("core", "api-operation-id-removed", _nothing, _without(GET + ("operationId",)), ["api-operation-id-removed"]))
    c.append(_case("core", "api-operation-id-added", _without(GET + ("operationId",)), _nothing, ["api-operation-id-added"]))
    c.append(_case("core", "api-tag-added", _nothing, _with(GET + ("tags",), ["items"]), ["api-tag-added"]))
    c.append(_case("core", "api-tag-removed", _with(GET + ("tags",), ["items"]), _nothing, ["api-tag-removed"]))
    c.append(_case("core", "api-schema-removed", _with(("components", "schemas", "Unused"), S), _nothing, ["api-schema-removed"]))
    c.append(_case("core", "api-version-decreased", _with(("info", "version"), "2.1.0"), _with(("info", "version"), "2.0.9"),
                   ["api-version-decreased"]))
    hook = {"post": {"requestBody": {"content": {"application/json": {"schema": S}}}, "responses": {"200": {"description": "ok"}}}}
    c.append(_case("oas31", "webhook-added", _nothing, _with(("webhooks",), {"callEnded": hook}), ["webhook-added"], "3.1.0"))
    c.append(_case("oas31", "webhook-removed", _with(("webhooks",), {"callEnded": hook}), _nothing, ["webhook-removed"], "3.1.0"))
    return c


def parameter_cases() -> list[Case]:
    c: list[Case] = []
    path_item = lambda **p: _with(("paths", "/items", "parameters"), [{"name": "org", "in": "query", "schema": S, **p}])
    c.append(_case("core", "new-required-request-parameter", _nothing, lambda d: _param(d, required=True),
                   ["new-required-request-parameter"]))
    c.append(_case("core", "new-optional-request-parameter", _nothing, lambda d: _param(d), ["new-optional-request-parameter"]))
    c.append(_case("core", "new-required-request-default-parameter-to-existing-path", _nothing, path_item(required=True),
                   ["new-required-request-default-parameter-to-existing-path"]))
    c.append(_case("core", "new-optional-request-default-parameter-to-existing-path", _nothing, path_item(),
                   ["new-optional-request-default-parameter-to-existing-path"]))
    by_id = lambda params: _with(("paths", "/items/{id}"), {"get": {"parameters": params, "responses": {"200": {"description": "ok"}}}})
    idp = {"name": "id", "in": "path", "required": True, "schema": S}
    c.append(_case("core", "new-request-path-parameter", by_id([]), by_id([idp]), ["new-request-path-parameter"]))
    c.append(_case("core", "renamed-path-parameter-is-no-change", by_id([idp]),
                   _with(("paths", "/items/{itemId}"), {"get": {"parameters": [{**idp, "name": "itemId"}],
                                                                "responses": {"200": {"description": "ok"}}}}), []))
    c.append(_case("core", "request-parameter-removed", lambda d: _param(d), _nothing, ["request-parameter-removed"]))
    c.append(_case("lifecycle", "request-parameter-removed-with-deprecation", lambda d: _param(d, deprecated=True), _nothing,
                   ["request-parameter-removed-with-deprecation"]))
    c.append(_case("lifecycle", "request-parameter-removed-before-sunset",
                   lambda d: _param(d, deprecated=True, **{"x-sunset": FUTURE}), _nothing, ["request-parameter-removed-before-sunset"]))
    c.append(_case("lifecycle", "request-parameter-sunset-parse", lambda d: _param(d, deprecated=True, **{"x-sunset": "soon"}),
                   _nothing, ["request-parameter-sunset-parse"]))
    c.append(_case("core", "request-parameter-became-required", lambda d: _param(d), lambda d: _param(d, required=True),
                   ["request-parameter-became-required"]))
    c.append(_case("core", "request-parameter-became-optional", lambda d: _param(d, required=True), lambda d: _param(d),
                   ["request-parameter-became-optional"]))
    c.append(_case("lifecycle", "request-parameter-deprecated", lambda d: _param(d), lambda d: _param(d, deprecated=True),
                   ["request-parameter-deprecated"]))
    c.append(_case("lifecycle", "request-parameter-reactivated", lambda d: _param(d, deprecated=True), lambda d: _param(d),
                   ["request-parameter-reactivated"]))
    c.append(_case("lifecycle", "request-parameter-deprecated-sunset-missing", lambda d: _param(d),
                   lambda d: _param(d, deprecated=True), ["request-parameter-deprecated-sunset-missing"], stable_days=90))
    c.append(_case("lifecycle", "parameter-of-an-alpha-endpoint-needs-no-sunset",
                   lambda d: (_param(d), _op(d, **{"x-stability-level": "alpha"})),
                   lambda d: (_param(d, deprecated=True), _op(d, **{"x-stability-level": "alpha"})),
                   ["request-parameter-deprecated"], stable_days=90, beta_days=30))
    c.append(_case("lifecycle", "request-parameter-sunset-date-too-small", lambda d: _param(d),
                   lambda d: _param(d, deprecated=True, **{"x-sunset": PAST}), ["request-parameter-sunset-date-too-small"]))
    c.append(_case("lifecycle", "request-parameter-sunset-deleted", lambda d: _param(d, deprecated=True, **{"x-sunset": FUTURE}),
                   lambda d: _param(d, deprecated=True), ["request-parameter-sunset-deleted"]))
    c.append(_case("lifecycle", "request-parameter-sunset-date-changed-too-small",
                   lambda d: _param(d, deprecated=True, **{"x-sunset": PAST}),
                   lambda d: _param(d, deprecated=True, **{"x-sunset": EARLIER_PAST}),
                   ["request-parameter-sunset-date-changed-too-small"]))
    content = lambda s: lambda d: _get(d).__setitem__("parameters", [
        {"name": "tags", "in": "query", "content": {"application/json": {"schema": s}}}])
    c.append(_case("core", "parameter-content-max-items-decreased", content({**A, "maxItems": 5}), content({**A, "maxItems": 3}),
                   ["request-parameter-max-items-decreased"]))
    header = lambda s: lambda d: _get(d).__setitem__("parameters", [{"name": "X-Meta", "in": "header", "schema": s}])
    c.append(_case("core", "new-required-request-header-property", header({"type": "object", "properties": {}}),
                   header(_obj(S, required=True)), ["new-required-request-header-property"]))
    c.append(_case("core", "request-header-property-became-required", header(_obj(S)), header(_obj(S, required=True)),
                   ["request-header-property-became-required"]))
    return c


def body_cases() -> list[Case]:
    c: list[Case] = []
    body = lambda **b: _with(POST + ("requestBody",), {"content": {"application/json": {"schema": S}}, **b})
    no_body = _without(POST + ("requestBody",))
    c.append(_case("core", "request-body-added-required", no_body, body(required=True), ["request-body-added-required"]))
    c.append(_case("core", "request-body-added-optional", no_body, body(), ["request-body-added-optional"]))
    c.append(_case("core", "request-body-removed", _nothing, no_body, ["request-body-removed"]))
    c.append(_case("core", "request-body-became-required", body(), body(required=True), ["request-body-became-required"]))
    c.append(_case("core", "request-body-became-optional", body(required=True), body(), ["request-body-became-optional"]))
    media = lambda *types: _with(POST + ("requestBody", "content"), {t: {"schema": S} for t in types})
    c.append(_case("core", "request-body-media-type-removed", media("application/json", "text/plain"), media("application/json"),
                   ["request-body-media-type-removed"]))
    c.append(_case("core", "request-body-media-type-added", media("application/json"), media("application/json", "text/plain"),
                   ["request-body-media-type-added"]))
    c.append(_case("core", "request-body-media-type-schema-added", _with(POST + ("requestBody", "content"), {"text/plain": {}}),
                   media("text/plain"), ["request-body-media-type-schema-added"]))
    c.append(_case("core", "request-body-media-type-schema-removed", media("text/plain"),
                   _with(POST + ("requestBody", "content"), {"text/plain": {}}), ["request-body-media-type-schema-removed"]))
    c.append(_case("core", "media-type-parameters-are-the-same-type", media("application/json"),
                   media("application/json; charset=utf-8"), []))
    c.append(_case("core", "request-body-default-changed-is-no-media-change",
                   _with(POST + ("requestBody", "content"), {"application/json": {"schema": {**S, "default": "a"}}}),
                   _with(POST + ("requestBody", "content"), {"application/json": {"schema": {**S, "default": "b"}}}),
                   ["request-body-default-value-changed"]))
    return c


def response_cases() -> list[Case]:
    c: list[Case] = []
    resp = ("paths", "/items", "get", "responses")
    ok = {"description": "ok"}
    c.append(_case("core", "response-success-status-removed", _with(resp + ("202",), ok), _nothing, ["response-success-status-removed"]))
    c.append(_case("core", "response-success-status-added", _nothing, _with(resp + ("202",), ok), ["response-success-status-added"]))
    c.append(_case("core", "response-non-success-status-removed", _with(resp + ("404",), ok), _nothing,
                   ["response-non-success-status-removed"]))
    c.append(_case("core", "response-non-success-status-added", _nothing, _with(resp + ("404",), ok),
                   ["response-non-success-status-added"]))
    media = lambda *types: _with(resp + ("200", "content"), {t: {"schema": S} for t in types})
    c.append(_case("core", "response-media-type-removed", media("application/json", "text/csv"), media("application/json"),
                   ["response-media-type-removed"]))
    c.append(_case("core", "response-media-type-added", media("application/json"), media("application/json", "text/csv"),
                   ["response-media-type-added"]))
    c.append(_case("core", "response-media-type-name-changed", media("application/json"), media("application/json; charset=utf-8"),
                   ["response-media-type-name-changed"]))
    c.append(_case("core", "response-media-type-name-generalized", media("application/json"), media("application/*"),
                   ["response-media-type-name-generalized"]))
    c.append(_case("core", "response-media-type-name-specialized", media("application/*"), media("application/json"),
                   ["response-media-type-name-specialized"]))
    c.append(_case("core", "response-media-type-name-generalized--suffix", media("application/problem+json"),
                   media("application/json"), ["response-media-type-name-generalized"]))
    c.append(_case("core", "response-media-type-name-specialized--suffix", media("application/json"),
                   media("application/problem+json"), ["response-media-type-name-specialized"]))
    c.append(_case("core", "response-body-media-type-schema-added", _with(resp + ("200", "content"), {"text/csv": {}}),
                   media("text/csv"), ["response-body-media-type-schema-added"]))
    c.append(_case("core", "response-body-media-type-schema-removed", media("text/csv"),
                   _with(resp + ("200", "content"), {"text/csv": {}}), ["response-body-media-type-schema-removed"]))
    hdr = lambda **h: _with(resp + ("200", "headers"), {"X-Rate": {"schema": I, **h}})
    c.append(_case("core", "required-response-header-removed", hdr(required=True), _nothing, ["required-response-header-removed"]))
    c.append(_case("core", "optional-response-header-removed", hdr(), _nothing, ["optional-response-header-removed"]))
    c.append(_case("core", "response-header-added", _nothing, hdr(), ["response-header-added"]))
    c.append(_case("core", "response-header-became-optional", hdr(required=True), hdr(), ["response-header-became-optional"]))
    c.append(_case("core", "header-name-case-is-no-change", hdr(), _with(resp + ("200", "headers"), {"x-rate": {"schema": I}}), []))
    return c
