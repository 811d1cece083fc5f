"""A release the twin has never seen, made from the newest real spec: every family it can create gets a versioned
nested sub-resource (`/v2/<family>/{id}/note/{noteId}`, uuid-typed) and a versioned action (`POST /v2/<family>/{id}/
publish`), the shapes newer Vapi specs add. Every operation, old and new, must answer as documented, and the new
ones must find their parents through the version prefix."""

from __future__ import annotations

import copy
import uuid

import httpx

from vapi_contract.twin.server import start_twin
from vapi_contract.twin.state import Served

from .test_every_operation import _failures, exercise

NOTE = {"type": "object", "properties": {
    "id": {"type": "string", "format": "uuid"}, "orgId": {"type": "string", "format": "uuid"},
    "createdAt": {"type": "string", "format": "date-time"}, "text": {"type": "string", "maxLength": 40},
    "authorId": {"type": "string", "format": "uuid"}}, "required": ["id", "orgId", "createdAt", "text"]}
CREATE_NOTE = {"type": "object", "properties": {"text": {"type": "string", "maxLength": 40},
                                                "authorId": {"type": "string", "format": "uuid"}},
               "required": ["text"]}


def _ok(code: str, ref: str | None) -> dict:
    answer: dict = {"description": "ok"}
    if ref:
        answer["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}
    return {code: answer}


def newer(spec: dict) -> tuple[dict, list[str]]:
    """The spec plus a note sub-resource and a publish action under every creatable family's items."""
    spec = copy.deepcopy(spec)
    spec["components"]["schemas"].update(TwinNote=NOTE, CreateTwinNoteDTO=CREATE_NOTE)
    served = Served.build(spec, 1)
    families = sorted({r.collection for r in served.routes if r.kind == "get" and r.collection in served.creatable
                       and "{" not in r.collection})
    uid = {"type": "string", "format": "uuid"}
    for family in families:
        parent = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        note = parent + [{"name": "noteId", "in": "path", "required": True, "schema": uid}]
        base = f"/v2{family}/{{id}}/note"
        spec["paths"][base] = {
            "post": {"parameters": parent, "responses": _ok("201", "TwinNote"), "requestBody": {
                "required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/CreateTwinNoteDTO"}}}}},
            "get": {"parameters": parent, "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/TwinNote"}}}}}}}}
        spec["paths"][base + "/{noteId}"] = {"get": {"parameters": note, "responses": _ok("200", "TwinNote")},
                                             "delete": {"parameters": note, "responses": _ok("200", "TwinNote")}}
        spec["paths"][f"/v2{family}/{{id}}/publish"] = {"post": {"parameters": parent, "responses": _ok("201", None)}}
    return spec, families


def test_versioned_nested_families_and_actions_of_a_newer_release(newest_spec):
    spec, families = newer(newest_spec)
    assert len(families) >= 8
    served = Served.build(spec, 1)
    with start_twin(spec=spec) as twin, httpx.Client(base_url=twin.base_url, headers=twin.headers(), timeout=60) as http:
        outcomes = exercise(http, served)
        assert len(outcomes) == len(served.routes)
        assert not _failures(outcomes), "\n".join(_failures(outcomes))
        family, stranger = families[0], str(uuid.uuid4())
        created = http.post(family, json={}).json() if family == "/assistant" else None
        missing = [http.post(f"/v2{family}/{stranger}/publish"), http.get(f"/v2{family}/{stranger}/note"),
                   http.post(f"/v2{family}/{stranger}/note", json={"text": "hi"})]
        assert [r.status_code for r in missing] == [404, 404, 404], [r.text for r in missing]
        if created:  # a note never created under an existing parent, and a non-uuid note id
            assert http.get(f"/v2{family}/{created['id']}/note/{stranger}").status_code == 404
            assert http.get(f"/v2{family}/{created['id']}/note/nope").status_code == 400
            assert http.get(f"/v2{family}/{created['id']}/note").json() == []


def test_the_newest_spec_labelled_openapi_31_is_served_as_documented(newest_spec):
    """A release that moves to OpenAPI 3.1 (Draft 2020-12, formats checked the same way): every operation
    answers as documented. 3.1 specs used to stop the twin at start-up."""
    spec = copy.deepcopy(newest_spec)
    spec["openapi"] = "3.1.0"
    served = Served.build(spec, 1)
    assert not [p for p in served.pointers() if served.book.validator(p) is None]
    with start_twin(spec=spec) as twin, httpx.Client(base_url=twin.base_url, headers=twin.headers(), timeout=60) as http:
        outcomes = exercise(http, served)
    assert len(outcomes) == len(served.routes)
    assert not _failures(outcomes), "\n".join(_failures(outcomes))
