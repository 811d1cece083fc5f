"""Each documented fault is observable from outside, so the suite's checks have something real to catch."""

from __future__ import annotations

import time

import httpx
import pytest

from vapi_contract.errors import UsageError
from vapi_contract.twin.faults import FAULTS
from vapi_contract.twin.state import Served


@pytest.fixture()
def faulty(twin):
    twin.reset()
    yield twin
    twin.set_fault(None)


@pytest.fixture(scope="module")
def served(newest_spec):
    return Served.build(newest_spec, 1)


def _ptr(served, label):
    return next(r.response_ptr for r in served.routes if r.label == label)


def _create(twin, org="org-a"):
    return httpx.post(twin.base_url + "/assistant", json={"name": "f"}, headers=twin.headers(org))


def test_every_fault_has_a_test_here():
    tested = {name[len("test_fault_"):].replace("_", "-") for name in globals() if name.startswith("test_fault_")}
    assert tested == set(FAULTS)


def test_fault_drop_required(faulty, served):
    object_id = _create(faulty).json()["id"]
    faulty.set_fault("drop-required")
    body = httpx.get(f"{faulty.base_url}/assistant/{object_id}", headers=faulty.headers()).json()
    assert "orgId" not in body
    assert served.book.errors(_ptr(served, "GET /assistant/{id}"), body)
    listed = httpx.get(f"{faulty.base_url}/assistant", headers=faulty.headers()).json()
    assert served.book.errors(_ptr(served, "GET /assistant"), listed)


def test_fault_wrong_type(faulty, served):
    faulty.set_fault("wrong-type")
    body = _create(faulty).json()
    assert isinstance(body["createdAt"], int)
    assert served.book.errors(_ptr(served, "POST /assistant"), body)


def test_fault_ignore_auth(faulty):
    faulty.set_fault("ignore-auth")
    assert httpx.get(faulty.base_url + "/assistant").status_code == 200


def test_fault_undeletable(faulty):
    object_id = _create(faulty).json()["id"]
    faulty.set_fault("undeletable")
    url = f"{faulty.base_url}/assistant/{object_id}"
    assert httpx.delete(url, headers=faulty.headers()).status_code == 200
    assert httpx.get(url, headers=faulty.headers()).status_code == 200


def test_fault_server_error(faulty):
    faulty.set_fault("server-error")
    response = _create(faulty)
    assert response.status_code == 500 and response.json()["statusCode"] == 500


def test_fault_accept_invalid(faulty):
    faulty.set_fault("accept-invalid")
    response = httpx.post(faulty.base_url + "/assistant", json={"name": 42}, headers=faulty.headers())
    assert response.status_code == 201


def test_fault_leak_orgs(faulty):
    faulty.set_fault("leak-orgs")
    object_id = _create(faulty, "org-a").json()["id"]
    assert httpx.get(f"{faulty.base_url}/assistant/{object_id}", headers=faulty.headers("org-b")).status_code == 200


def test_fault_slow(faulty):
    faulty.set_fault("slow")
    started = time.monotonic()
    assert httpx.get(faulty.base_url + "/assistant", headers=faulty.headers(), timeout=10).status_code == 200
    assert time.monotonic() - started >= 1.4


BODIES = {"/assistant": {"name": "f"}, "/tool": {"type": "function", "function": {"name": "lookup"}},
          "/eval": {"type": "chat.mockConversation", "messages": [{"role": "user", "content": "hi"}]}}


def _make(twin, collection="/assistant", **fields):
    """One object of a family through the API: JSON families from BODIES, `/file` as a multipart upload."""
    if collection == "/file":
        response = httpx.post(twin.base_url + "/file", files={"file": ("a.txt", b"hi")}, headers=twin.headers())
    else:
        body = {k: v for k, v in {**BODIES[collection], **fields}.items() if v is not None}  # None: leave it out
        response = httpx.post(twin.base_url + collection, json=body, headers=twin.headers())
    assert response.status_code == 201, response.text
    return response.json()


def _listed(twin, collection, **params):
    body = httpx.get(twin.base_url + collection, params=params, headers=twin.headers()).json()
    return body["results"] if isinstance(body, dict) else body


def test_fault_delete_wrong_type(faulty, served):
    made = {c: _make(faulty, c) for c in ("/assistant", "/tool", "/file", "/eval")}
    faulty.set_fault("delete-wrong-type")
    for collection, created in made.items():
        url = f"{faulty.base_url}{collection}/{created['id']}"
        assert isinstance(httpx.get(url, headers=faulty.headers()).json()["createdAt"], str)
        assert all(isinstance(item["createdAt"], str) for item in _listed(faulty, collection))
        deleted = httpx.delete(url, headers=faulty.headers())
        assert deleted.status_code == 200 and isinstance(deleted.json()["createdAt"], int), collection
        assert served.book.errors(_ptr(served, f"DELETE {collection}/{{id}}"), deleted.json()), collection
    assert isinstance(_make(faulty)["createdAt"], str)


def test_fault_seeded_wrong_type(faulty, served):
    faulty.seed(2)
    try:
        own = _make(faulty)["id"]
        faulty.set_fault("seeded-wrong-type")
        lists = [r for r in served.routes if r.kind == "list" and "{" not in r.op.path
                 and any(g.kind == "get" and g.collection == r.collection for g in served.routes)]
        assert len(lists) >= 10
        for route in lists:  # every family: its seeded objects read by id carry a number
            listed = _listed(faulty, route.op.path)
            assert all(isinstance(item["createdAt"], str) for item in listed if "createdAt" in item)
            seeded = [item["id"] for item in listed if item["id"] != own]
            assert len(seeded) == 2, route.label
            get = next(g for g in served.routes if g.kind == "get" and g.collection == route.collection)
            for object_id in seeded:
                body = httpx.get(f"{faulty.base_url}{route.collection}/{object_id}", headers=faulty.headers()).json()
                assert isinstance(body["createdAt"], int), route.label
                assert served.book.errors(get.response_ptr, body), route.label
        mine = httpx.get(f"{faulty.base_url}/assistant/{own}", headers=faulty.headers()).json()
        assert isinstance(mine["createdAt"], str)
    finally:
        faulty.seed(0)


def test_fault_nameless_unlisted(faulty):
    named, nameless = _make(faulty)["id"], _make(faulty, name=None)["id"]
    tool = _make(faulty, "/tool")["id"]
    faulty.set_fault("nameless-unlisted")
    assert [a["id"] for a in _listed(faulty, "/assistant")] == [named]
    assert tool not in [t["id"] for t in _listed(faulty, "/tool")]
    for path in (f"/assistant/{nameless}", f"/tool/{tool}"):  # they exist: only the lists forget them
        assert httpx.get(faulty.base_url + path, headers=faulty.headers()).status_code == 200


def test_fault_create_accepts_invalid(faulty, served):
    faulty.set_fault("create-accepts-invalid")
    for collection, invalid in (("/assistant", {"name": 42}), ("/tool", {"type": 12}), ("/eval", {"messages": "x"})):
        response = httpx.post(faulty.base_url + collection, json=invalid, headers=faulty.headers())
        assert response.status_code == 201, (collection, response.text)
        assert not served.book.errors(_ptr(served, f"POST {collection}"), response.json())  # a stored object
    created = _make(faulty)["id"]
    patched = httpx.patch(f"{faulty.base_url}/assistant/{created}", json={"name": 42}, headers=faulty.headers())
    assert patched.status_code == 400  # only creates skip validation
    assert httpx.get(faulty.base_url + "/assistant", params={"limit": "x"}, headers=faulty.headers()).status_code == 400


def test_fault_limit_ignored(faulty):
    for collection in ("/assistant", "/tool", "/eval"):
        for _ in range(3):
            _make(faulty, collection)
    assert len(_listed(faulty, "/assistant", limit=1)) == 1
    faulty.set_fault("limit-ignored")
    for collection in ("/assistant", "/tool", "/eval"):
        assert len(_listed(faulty, collection, limit=1)) == 3, collection
    meta = httpx.get(faulty.base_url + "/eval", params={"limit": 1}, headers=faulty.headers()).json()["metadata"]
    assert meta["itemsPerPage"] == 1


def test_fault_patch_not_persisted(faulty):
    assistant, file = _make(faulty, name="before")["id"], _make(faulty, "/file")["id"]
    faulty.set_fault("patch-not-persisted")
    for path in (f"/assistant/{assistant}", f"/file/{file}"):
        url = faulty.base_url + path
        patched = httpx.patch(url, json={"name": "after"}, headers=faulty.headers())
        assert patched.status_code == 200 and patched.json()["name"] == "after"
        assert httpx.get(url, headers=faulty.headers()).json().get("name") != "after", path


def test_fault_per_variant_updates(faulty):
    dtmf = httpx.post(faulty.base_url + "/tool", json={"type": "dtmf"}, headers=faulty.headers()).json()["id"]
    url = f"{faulty.base_url}/tool/{dtmf}"
    assert httpx.patch(url, json={"async": True}, headers=faulty.headers()).status_code == 200  # the spec's reading
    faulty.set_fault("per-variant-updates")
    refused = httpx.patch(url, json={"async": True}, headers=faulty.headers())
    assert refused.status_code == 400 and refused.json()["message"] == ["property async should not exist"]


def test_fault_non_ascii_500(faulty):
    created = _make(faulty)["id"]
    faulty.set_fault("non-ascii-500")
    for text in ("Café", "東京", "👋"):
        assert httpx.post(faulty.base_url + "/assistant", json={"name": text}, headers=faulty.headers()).status_code == 500
        patched = httpx.patch(f"{faulty.base_url}/assistant/{created}", json={"name": text}, headers=faulty.headers())
        assert patched.status_code == 500 and patched.json()["statusCode"] == 500
    tool = {"type": "function", "function": {"name": "lookup", "description": "réservation"}}
    assert httpx.post(faulty.base_url + "/tool", json=tool, headers=faulty.headers()).status_code == 500
    assert _make(faulty, name="plain")["name"] == "plain"  # ASCII bodies are fine


def test_fault_deleted_still_listed(faulty):
    made = {c: _make(faulty, c)["id"] for c in ("/assistant", "/tool", "/eval")}
    faulty.set_fault("deleted-still-listed")
    for collection, object_id in made.items():
        url = f"{faulty.base_url}{collection}/{object_id}"
        assert httpx.delete(url, headers=faulty.headers()).status_code == 200
        assert httpx.get(url, headers=faulty.headers()).status_code == 404
        assert object_id in [item["id"] for item in _listed(faulty, collection)], collection
    faulty.set_fault(None)
    assert not _listed(faulty, "/assistant")


def test_unknown_fault_is_refused(faulty):
    with pytest.raises(UsageError, match="known faults"):
        faulty.set_fault("nope")
    response = httpx.post(faulty.base_url + "/__twin/fault", json={"name": "nope"},
                          headers={"Authorization": f"Bearer {faulty.admin_token}"})
    assert response.status_code == 400


def test_start_with_a_fault_flag(oldest_spec_path):
    from vapi_contract.twin.server import start_twin

    with start_twin(spec=oldest_spec_path, fault="ignore-auth") as twin:
        assert twin.fault == "ignore-auth"
        assert httpx.get(twin.base_url + "/assistant").status_code == 200
        assert httpx.get(twin.base_url + "/__twin/health").json()["fault"] == "ignore-auth"
