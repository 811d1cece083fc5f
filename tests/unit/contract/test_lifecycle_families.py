"""CRUD families from path shapes: nameless creates (tracked by id), multipart creates (a generated file), families
under a parent path (parent made first), version-prefixed duplicates; costly families on the twin always, on a
URL only with --allow-cost."""

from __future__ import annotations

import copy
import gzip
import json

import pytest

from vapi_contract.contract.options import resolve
from vapi_contract.contract.plan import build, family_chain, family_is_costly, find_families

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _crud(create_body: dict | None, item: str = "{id}", params: list | None = None, patch: bool = True) -> tuple:
    collection = {"post": {"responses": OK, **({"requestBody": create_body} if create_body else {})},
                  "get": {"responses": OK}}
    member = {"get": {"responses": OK}, "delete": {"responses": OK}}
    if patch:
        member["patch"] = {"responses": OK, "requestBody": _json_body({"type": "object"})}
    for operation in list(collection.values()) + list(member.values()):
        operation["parameters"] = list(params or [])
    member_params = [{"name": item.strip("{}"), "in": "path", "required": True, "schema": {"type": "string"}}]
    for operation in member.values():
        operation["parameters"] = operation["parameters"] + member_params
    return collection, member


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


@pytest.fixture
def synthetic() -> dict:
    named = _json_body({"type": "object", "properties": {"name": {"type": "string", "maxLength": 40}}})
    nameless = _json_body({"oneOf": [
        {"type": "object", "properties": {"type": {"const": "a"}, "name": {"type": "string"}}, "required": ["type"]},
        {"type": "object", "properties": {"type": {"const": "b"}, "description": {"type": "string"}}},
    ]})
    titled = _json_body({"type": "object", "properties": {"title": {"type": "string"}}})
    upload = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"upload": {"type": "string", "format": "binary"}}, "required": ["upload"]}}}}
    paths = {}
    for name, body in (("/widget", named), ("/tool", nameless), ("/note", titled), ("/file", upload),
                       ("/v2/widget", named)):
        paths[name], paths[name + "/{id}"] = _crud(body)
    parent = [_path_param("suiteId")]
    paths["/suite"], paths["/suite/{id}"] = _crud(named)
    paths["/suite/{suiteId}/case"], paths["/suite/{suiteId}/case/{caseId}"] = _crud(named, "{caseId}", parent)
    provider = [_path_param("provider")]
    paths["/provider/{provider}/thing"], paths["/provider/{provider}/thing/{id}"] = _crud(None, params=provider)
    paths["/v2/listing"] = {"get": {"responses": OK}}  # a version-prefixed list alone is no family
    return {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def test_every_shape_is_a_family(synthetic):
    families = {f.name: f for f in find_families(synthetic)}
    assert set(families) == {"/widget", "/tool", "/note", "/file", "/v2/widget", "/suite", "/suite/{suiteId}/case",
                             "/provider/{provider}/thing"}
    assert families["/widget"].tag_field == "name"
    assert families["/tool"].tag_field is None  # one branch has no `name`: tracked by id alone
    assert families["/note"].tag_field == "title"  # tagged through the name-like field the schema offers
    assert (families["/file"].media, families["/file"].file_field, families["/file"].tag_field) == (
        "multipart/form-data", "upload", None)
    case = families["/suite/{suiteId}/case"]
    assert (case.parent, case.parent_param, case.id_param) == ("/suite", "suiteId", "caseId")
    assert [f.name for f in family_chain(list(families.values()), case)] == ["/suite", "/suite/{suiteId}/case"]
    thing = families["/provider/{provider}/thing"]
    assert thing.parent is None and thing.media is None  # a plain path parameter, and a create with no body
    assert families["/v2/widget"].get == "GET /v2/widget/{id}" and families["/widget"].get == "GET /widget/{id}"


def test_a_child_under_a_costly_parent_is_costly(synthetic):
    document = copy.deepcopy(synthetic)
    document["paths"]["/call/{callId}/note"], document["paths"]["/call/{callId}/note/{id}"] = _crud(
        None, params=[_path_param("callId")])
    document["paths"]["/call"], document["paths"]["/call/{id}"] = _crud(None)
    families = find_families(document)
    child = next(f for f in families if f.name == "/call/{callId}/note")
    assert child.parent == "/call" and family_is_costly(families, child)
    assert not family_is_costly(families, next(f for f in families if f.name == "/widget"))


def test_versioned_duplicates_plan_and_shard_cleanly(synthetic):
    plans = [build(synthetic, resolve({"target": "twin", "shard": f"{i}/2"})) for i in (1, 2)]
    names = [f.name for p in plans for f in p.families]
    assert sorted(names) == sorted({f.name for f in find_families(synthetic)})  # each once, none lost


def test_real_spec_families(newest_spec):
    families = {f.name: f for f in find_families(newest_spec)}
    assert families["/tool"].tag_field is None and families["/tool"].media == "application/json"
    assert families["/file"].media == "multipart/form-data" and families["/file"].file_field == "file"
    assert families["/assistant"].tag_field == "name"
    provider = families["/provider/{provider}/{resourceName}"]
    assert provider.parent is None and provider.get == "GET /provider/{provider}/{resourceName}/{id}"
    assert families["/eval/run"].update is None and families["/eval"].get == "GET /eval/{id}"
    twin = {f.name for f in build(newest_spec, resolve({"target": "twin"})).families}
    live = {f.name for f in build(newest_spec, resolve({"target": "https://api.example.test"})).families}
    paid = {f.name for f in build(newest_spec, resolve({"target": "https://api.example.test", "allow_cost": True}))
            .families}
    assert twin == paid == set(families)  # every family on the twin; on a URL with --allow-cost
    assert live == set(families) - {"/call", "/campaign", "/chat", "/session", "/phone-number", "/eval/run"}
    assert {"/tool", "/file", "/provider/{provider}/{resourceName}"} <= live  # no more "takes no name" skip


def test_nested_families_of_an_older_spec(spec_history):
    document = json.loads(gzip.decompress((spec_history / "2025-03-08T0141-570dd60.json.gz").read_bytes()))
    families = {f.name: f for f in find_families(document)}
    test = families["/test-suite/{testSuiteId}/test"]
    assert (test.parent, test.parent_param) == ("/test-suite", "testSuiteId")


def test_a_create_whose_documented_answer_has_no_id_is_a_spec_issue_not_a_server_bug():
    from vapi_contract.contract.lifecycle import documents_id

    def doc(schema):
        return {"paths": {"/a": {"post": {"responses": {"201": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/A"}}}}}}}}, "components": {"schemas": {"A": schema}}}

    assert not documents_id(doc({"type": "object", "properties": {"name": {"type": "string"}}}), "POST /a", 201)
    assert documents_id(doc({"type": "object", "properties": {"id": {"type": "string"}}}), "POST /a", 201)
    assert documents_id(doc({"allOf": [{"properties": {"id": {}}}, {"properties": {"name": {}}}]}), "POST /a", 201)
    assert documents_id(doc({"type": "object"}), "POST /a", 201)  # free-form: may hold an id
    assert documents_id({"paths": {}}, "POST /a", 201)  # nothing documented: still expect one


def test_a_bulk_create_taking_an_array_is_recognised():
    from vapi_contract.contract.lifecycle import takes_array

    def doc(schema, media="application/json"):
        return {"paths": {"/t": {"post": {"requestBody": {"content": {media: {"schema": schema}}}}}},
                "components": {"schemas": {"T": {"type": "object"}}}}

    assert takes_array(doc({"type": "array", "items": {"$ref": "#/components/schemas/T"}}), "POST /t")
    assert not takes_array(doc({"$ref": "#/components/schemas/T"}), "POST /t")
    assert not takes_array(doc({"type": "array"}, "multipart/form-data"), "POST /t")
