"""One format reading for every twin check: `format: uuid` (and the other Draft 2020-12 formats) is enforced on
OpenAPI 3.0 specs (Draft 4) and 3.1 specs alike, in request bodies, parameters and answers."""

from __future__ import annotations

import asyncio
import copy
import uuid

import httpx
import pytest

from vapi_contract.twin import formats
from vapi_contract.twin.app import build_app
from vapi_contract.twin.schemas import SchemaBook
from vapi_contract.twin.state import TwinState

HEADERS = {"Authorization": "Bearer twin-token-org-a"}


def spec(openapi: str = "3.0.0", owner: dict | None = None) -> dict:
    owner = owner or {"type": "string", "format": "uuid"}
    thing = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "ownerId": owner,
                                              "when": {"type": "string", "format": "date-time"}},
             "required": ["id"]}
    create = {"type": "object", "properties": {"ownerId": owner}}
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
    item_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}]
    return {
        "openapi": openapi, "info": {"title": "t", "version": "1"},
        "components": {"schemas": {"Thing": thing, "CreateThingDTO": create}},
        "paths": {
            "/thing": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/CreateThingDTO"}}}}, "responses": {"201": ok}},
                       "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                           "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}}},
            "/thing/{id}": {"get": {"parameters": item_param, "responses": {"200": ok}}},
        },
    }


def call(state: TwinState, *requests: tuple[str, str, dict | None]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=build_app(state))
        async with httpx.AsyncClient(transport=transport, base_url="http://twin", headers=HEADERS) as client:
            return [await client.request(m, p, json=b) for m, p, b in requests]

    return asyncio.run(run())


@pytest.mark.parametrize("fmt, good, bad", [
    ("uuid", "00000000-0000-4000-8000-000000000000", "not-a-uuid"),
    ("date-time", "2026-01-01T00:00:00Z", "2026-01-01"),
    ("duration", "P1D", "one day"),
    ("uri-reference", "/a/b", "\\\\bad ref"),
    ("binary", "anything", "anything"),  # an annotation: never checked
])
def test_each_format_has_one_reading_and_an_example(fmt, good, bad):
    assert formats.check(fmt, good)
    assert formats.check(fmt, bad) is (fmt == "binary")
    made = formats.example(fmt)
    assert made is None or formats.check(fmt, made)


@pytest.mark.parametrize("openapi", ["3.0.0", "3.1.0"])
def test_request_bodies_and_parameters_declared_uuid_reject_other_strings(openapi):
    state = TwinState(spec(openapi))
    made, bad_body, bad_path, unknown = call(
        state, ("POST", "/thing", {"ownerId": str(uuid.uuid4())}), ("POST", "/thing", {"ownerId": "owner-1"}),
        ("GET", "/thing/owner-1", None), ("GET", f"/thing/{uuid.uuid4()}", None))
    assert made.status_code == 201 and uuid.UUID(made.json()["id"])
    for response in (bad_body, bad_path):
        assert response.status_code == 400
        body = response.json()
        assert body["statusCode"] == 400 and body["error"] == "Bad Request" and isinstance(body["message"], list)
    assert unknown.status_code == 404


def test_a_stored_value_that_a_new_spec_version_declares_uuid_is_never_echoed():
    """An object stored under a spec where `ownerId` was any string, read after a switch to one where it is a
    uuid: the answer holds a uuid (conformed), never the old text."""
    state = TwinState(spec(owner={"type": "string"}))
    (made,) = call(state, ("POST", "/thing", {"ownerId": "owner-1"}))
    assert made.status_code == 201 and made.json()["ownerId"] == "owner-1"
    state.switch(spec())
    (read,) = call(state, ("GET", f"/thing/{made.json()['id']}", None))
    assert read.status_code == 200 and uuid.UUID(read.json()["ownerId"])


def test_the_same_validator_configuration_checks_answers():
    book = SchemaBook(spec())
    ptr = "/components/schemas/Thing"
    assert book.errors(ptr, {"id": "x"}) and not book.errors(ptr, {"id": str(uuid.uuid4())})
    inline = copy.deepcopy(spec()["components"]["schemas"]["Thing"])
    assert not book.schema_valid(inline, {"id": "x"}) and book.schema_valid(inline, {"id": str(uuid.uuid4())})
