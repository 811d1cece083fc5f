"""Behaviour beyond schemas, on a fake API: `limit` honoured, documented filters filter, non-ASCII text placed
where the schema allows it, scalar PATCH bodies valid against the update schema; each broken behaviour a finding
with a curl reproducer, replayed once."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from vapi_contract.contract.behaviour import NON_ASCII, ListProbe, fit, list_labels, patch_bodies, with_text
from vapi_contract.contract.engine import Engine

OBJECTS = [{"id": f"id-{n}", "status": "active" if n % 2 else "ended",
            "createdAt": f"2026-01-0{n}T00:00:00.000Z"} for n in range(1, 6)]
LIST_PARAMS = [{"name": n, "in": "query", "schema": s} for n, s in (
    ("limit", {"type": "number", "minimum": 0, "maximum": 1000}), ("status", {"type": "string"}),
    ("createdAtGt", {"type": "string", "format": "date-time"}), ("createdAtLt", {"type": "string", "format": "date-time"}))]
DOCUMENT = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
    "/thing": {"get": {"parameters": LIST_PARAMS, "responses": {"200": {"description": "ok"}}}},
    "/thing/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": True}], "responses": {}}},
    "/other": {"get": {"responses": {"200": {"description": "ok"}}}},
}}


class FakeResponse:
    def __init__(self, status: int, payload):
        self.status_code, self.payload = status, payload

    def json(self):
        return self.payload


def fake_engine(broken: set[str]):
    sent = []

    def exchange(label, method, path, *, params=None, **_kwargs):
        sent.append((label, params))
        items = list(OBJECTS)
        params = params or {}
        if "status" in params and "status" not in broken:
            items = [o for o in items if o["status"] == params["status"]]
        for name, keep in (("createdAtGt", lambda a, b: a > b), ("createdAtLt", lambda a, b: a < b)):
            if name in params and "time" not in broken:
                items = [o for o in items if keep(o["createdAt"], params[name])]
        if "limit" in params and "limit" not in broken:
            items = items[: int(params["limit"])]
        return FakeResponse(200, items)

    engine = SimpleNamespace(document=DOCUMENT, primary="sk-primary", secrets=["sk-primary"], exchange=exchange,
                             ctx=SimpleNamespace(base_url="http://api.test"), recorded=[],
                             finding=lambda *a, **k: Engine.finding(None, *a, **k))
    engine.record_finding = lambda finding, outcome=None: engine.recorded.append(finding)
    return engine, sent


def test_only_lists_that_document_limit_are_probed():
    assert list_labels(DOCUMENT, ["GET /thing", "GET /thing/{id}", "GET /other", "POST /thing"]) == ["GET /thing"]


def test_an_honest_list_passes_every_probe():
    engine, sent = fake_engine(set())
    probe = ListProbe(engine, "GET /thing")
    assert probe.run() == 5 and probe.findings == []
    asked = [set(params or {}) for _label, params in sent]
    assert {"limit"} in asked and any("createdAtGt" in a for a in asked) and any("status" in a for a in asked)


@pytest.mark.parametrize(("broken", "check", "words"), [
    ("limit", "lifecycle_list_limit", "limit=1"), ("time", "behaviour_filter", "createdAtGt"),
    ("status", "behaviour_filter", "status")])
def test_each_broken_list_behaviour_is_a_replayed_finding(broken, check, words):
    engine, _sent = fake_engine({broken})
    probe = ListProbe(engine, "GET /thing")
    probe.run()
    hits = [f for f in probe.findings if f.check == check]
    assert hits and words in hits[0].message and not hits[0].flaky
    assert hits[0].reproducer.startswith("curl -X GET 'http://api.test/thing?") and "sk-primary" not in \
        hits[0].reproducer
    assert engine.recorded == probe.findings


def test_limit_is_not_judged_on_fewer_than_two_objects():
    engine, sent = fake_engine({"limit"})
    OBJECTS_BACKUP = list(OBJECTS)
    try:
        del OBJECTS[1:]
        assert ListProbe(engine, "GET /thing").run() == 1
    finally:
        OBJECTS[:] = OBJECTS_BACKUP
    assert all((params or {}).get("limit") != 1 for _label, params in sent)


def test_fit_counts_utf16_units_like_a_js_server():
    text = fit("vapi-contract-abcdef-structured-output", NON_ASCII, 40)
    assert text.endswith(NON_ASCII) and len(text.encode("utf-16-le")) // 2 <= 40


def test_non_ascii_text_goes_where_the_real_schema_allows_it(newest_spec):
    from vapi_contract.contract.plan import request_media

    for label in ("POST /assistant", "POST /tool", "PATCH /tool/{id}"):
        schema = request_media(newest_spec, *label.split(" ", 1))[1]
        body = {"type": "dtmf"} if label == "POST /tool" else {}
        changed, field = with_text(newest_spec, schema, body, "vapi-contract-x")
        assert field is not None and NON_ASCII in changed[field], label


def test_patch_bodies_change_one_scalar_field(newest_spec):
    current = {"id": "x", "name": "vapi-contract-x-assistant", "type": "function"}
    field, value, body = next(patch_bodies(newest_spec, "PATCH /assistant/{id}", current, "vapi-contract-x"))
    assert field == "name" and value != current["name"] and body == {"name": value}
    tool = list(patch_bodies(newest_spec, "PATCH /tool/{id}", current, "vapi-contract-x"))
    assert tool and all(v != current.get(f) for f, v, _b in tool)
    assert json.dumps([b for _f, _v, b in tool])  # plain JSON, sendable as is


def test_non_ascii_text_goes_only_into_free_text_fields_even_when_a_oneof_branch_would_take_anything():
    """A loose branch (no additionalProperties: false) accepts text in a number field; a server conforms the
    number, so the text 'comes back changed' -- a false finding. Only free-text fields may carry it."""
    document = {"components": {"schemas": {
        "Strict": {"type": "object", "properties": {"width": {"type": "number"}, "name": {"type": "string"}}},
        "Loose": {"type": "object", "properties": {"digits": {"type": "string", "enum": ["1", "2"]}}}}}}
    schema = {"oneOf": [{"$ref": "#/components/schemas/Strict"}, {"$ref": "#/components/schemas/Loose"}]}
    assert with_text(document, schema, {"width": 3}, "x", fields=["width"]) == ({"width": 3}, None)
    changed, field = with_text(document, schema, {"width": 3}, "x")
    assert field == "name" and changed["name"].startswith("x")


def test_patch_checks_only_fields_the_objects_own_variant_keeps():
    """Update DTOs told apart only by their fields (Vapi's tools, May 2025): `async` is accepted by the update
    oneOf but a dtmf tool's answer does not keep it, so 'PATCHed async not returned' would be a false finding."""
    from vapi_contract.contract.behaviour import kept_fields

    document = {"paths": {
        "/tool/{id}": {
            "get": {"responses": {"200": {"content": {"application/json": {"schema": {"oneOf": [
                {"$ref": "#/components/schemas/Dtmf"}, {"$ref": "#/components/schemas/Function"}]}}}}}},
            "patch": {"requestBody": {"content": {"application/json": {"schema": {"oneOf": [
                {"type": "object", "properties": {"messages": {"type": "string"}}},
                {"type": "object", "properties": {"async": {"type": "boolean"}, "messages": {"type": "string"}}}]}}}},
                "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {
            "Dtmf": {"type": "object", "properties": {"type": {"type": "string", "enum": ["dtmf"]},
                                                      "messages": {"type": "string"}, "id": {"type": "string"}}},
            "Function": {"type": "object", "properties": {"type": {"type": "string", "enum": ["function"]},
                                                          "async": {"type": "boolean"}, "id": {"type": "string"}}}}}}
    dtmf = {"type": "dtmf", "id": "t1", "messages": "a"}
    kept = kept_fields(document, "GET /tool/{id}", dtmf)
    assert kept == {"type", "messages", "id"}
    fields = [f for f, _v, _b in patch_bodies(document, "PATCH /tool/{id}", dtmf, "x", kept)]
    assert "async" not in fields and "messages" in fields
    assert "async" in [f for f, _v, _b in patch_bodies(document, "PATCH /tool/{id}", dtmf, "x")]
