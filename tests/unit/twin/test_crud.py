"""Stateful behaviour on the newest real spec: create/get/list/update/delete, org scoping, Vapi's error shapes."""

from __future__ import annotations

import time
import uuid

import httpx

from vapi_contract.twin.state import org_uuid


def test_create_returns_stored_object_with_server_fields(client, twin):
    created = client.post("/assistant", json={"name": "Front desk", "firstMessage": "Hello"})
    assert created.status_code == 201
    body = created.json()
    assert uuid.UUID(body["id"]).version == 4
    assert body["orgId"] == org_uuid("org-a") == twin.org_ids["org-a"]
    assert body["createdAt"] == body["updatedAt"] and body["createdAt"].endswith("Z")
    assert body["name"] == "Front desk" and body["firstMessage"] == "Hello"
    assert client.get(f"/assistant/{body['id']}").json() == body


def test_client_cannot_choose_server_fields(client):
    body = client.post("/assistant", json={"name": "x", "id": "mine", "orgId": "theirs"}).json()
    assert body["id"] != "mine" and body["orgId"] != "theirs"


def test_patch_merges_and_persists(client):
    created = client.post("/assistant", json={"name": "a", "firstMessage": "hi"}).json()
    time.sleep(0.002)
    patched = client.patch(f"/assistant/{created['id']}", json={"name": "b"})
    assert patched.status_code == 200
    body = patched.json()
    assert body["name"] == "b" and body["firstMessage"] == "hi"
    assert body["createdAt"] == created["createdAt"] and body["updatedAt"] > created["updatedAt"]
    assert client.get(f"/assistant/{created['id']}").json() == body


def test_delete_returns_object_then_404(client):
    created = client.post("/tool", json={"type": "function", "function": {"name": "lookup"}}).json()
    deleted = client.delete(f"/tool/{created['id']}")
    assert deleted.status_code == 200 and deleted.json()["id"] == created["id"]
    for method in ("GET", "DELETE"):
        gone = client.request(method, f"/tool/{created['id']}")
        assert gone.status_code == 404
        assert gone.json() == {"message": "Tool not found", "error": "Not Found", "statusCode": 404}
    assert client.patch(f"/tool/{created['id']}", json={}).status_code == 404


def test_list_honours_limit_order_and_time_filters(client):
    ids = []
    for index in range(4):
        ids.append(client.post("/assistant", json={"name": f"n{index}"}).json()["id"])
        time.sleep(0.003)
    listed = client.get("/assistant").json()
    assert [a["id"] for a in listed] == ids[::-1]  # newest first, like Vapi
    assert [a["id"] for a in client.get("/assistant", params={"limit": 2}).json()] == ids[:1:-1]
    third = client.get(f"/assistant/{ids[2]}").json()["createdAt"]
    assert {a["id"] for a in client.get("/assistant", params={"createdAtGe": third}).json()} == set(ids[2:])
    assert {a["id"] for a in client.get("/assistant", params={"createdAtLt": third}).json()} == set(ids[:2])
    client.patch(f"/assistant/{ids[0]}", json={"name": "touched"})
    touched = client.get(f"/assistant/{ids[0]}").json()["updatedAt"]
    assert [a["id"] for a in client.get("/assistant", params={"updatedAtGe": touched}).json()] == [ids[0]]


def test_paginated_list_shape_where_the_spec_says_so(client):
    for index in range(3):
        client.post("/phone-number", json={"provider": "vapi", "name": f"line {index}"})
    page = client.get("/v2/phone-number", params={"limit": 2}).json()
    assert len(page["results"]) == 2
    assert page["metadata"]["totalItems"] == 3 and page["metadata"]["itemsPerPage"] == 2
    assert len(client.get("/phone-number").json()) == 3  # same collection as the unversioned path


def test_nested_provider_resources_are_their_own_collections(client):
    created = client.post("/provider/11labs/pronunciation-dictionary", headers={"Content-Type": "application/json"})
    assert created.status_code == 201
    object_id = created.json()["id"]
    assert client.get(f"/provider/11labs/pronunciation-dictionary/{object_id}").status_code == 200
    assert client.get(f"/provider/cartesia/pronunciation-dictionary/{object_id}").status_code == 404


def test_objects_are_scoped_to_their_organisation(client, twin):
    created = client.post("/assistant", json={"name": "private"}).json()
    with httpx.Client(base_url=twin.base_url, headers=twin.headers("org-b")) as other:
        assert other.get(f"/assistant/{created['id']}").status_code == 404
        assert other.get("/assistant").json() == []
        assert other.delete(f"/assistant/{created['id']}").status_code == 404
    assert client.get(f"/assistant/{created['id']}").status_code == 200


def test_missing_or_unknown_token_is_401(twin):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": twin.tokens["org-a"]}):
        response = httpx.get(twin.base_url + "/assistant", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "Unauthorized" and response.json()["statusCode"] == 401


def test_invalid_body_is_400_in_vapis_shape(client):
    response = client.post("/assistant", json={"name": 42, "maxDurationSeconds": "long"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Bad Request" and body["statusCode"] == 400
    assert isinstance(body["message"], list) and len(body["message"]) == 2
    assert any("name" in m for m in body["message"]) and any("maxDurationSeconds" in m for m in body["message"])


def test_malformed_json_is_400(client):
    response = client.post("/assistant", content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"] == "Bad Request"


def test_invalid_query_parameter_is_400(client):
    for params in ({"limit": "many"}, {"createdAtGt": "yesterday-ish"}, {"limit": "-5"}):
        response = client.get("/assistant", params=params)
        assert response.status_code == 400, params
        assert response.json()["statusCode"] == 400


def test_unknown_path_is_404_like_nestjs(client):
    response = client.get("/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"message": "Cannot GET /no-such-thing", "error": "Not Found", "statusCode": 404}


def test_action_under_an_unknown_item_is_404(client):
    response = client.post(f"/reporting/insight/{uuid.uuid4()}/run", json={})
    assert response.status_code == 404


def test_api_json_serves_the_running_spec_without_auth(twin, newest_spec):
    served = httpx.get(twin.base_url + "/api-json")
    assert served.status_code == 200 and served.json() == newest_spec


def test_file_upload_is_multipart_and_validated(client):
    created = client.post("/file", files={"file": ("notes.txt", b"call notes")})
    assert created.status_code == 201
    assert client.get(f"/file/{created.json()['id']}").status_code == 200
    missing = client.post("/file", files={"other": ("x.txt", b"x")})
    assert missing.status_code == 400 and any("file" in m for m in missing.json()["message"])
    assert client.post("/file", json={"file": "x"}).status_code == 400


def test_the_honest_twin_accepts_an_update_any_variant_of_the_spec_accepts(client):
    """The spec's update body is a oneOf of every tool's DTO: `async` on a dtmf tool is valid by it, so the honest
    twin answers 200 (cut to the dtmf tool's own documented properties)."""
    dtmf = client.post("/tool", json={"type": "dtmf"}).json()
    accepted = client.patch(f"/tool/{dtmf['id']}", json={"async": True})
    assert accepted.status_code == 200 and "async" not in accepted.json()
