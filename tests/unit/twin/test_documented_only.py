"""The twin answers only what its spec version documents: pagination metadata and server fields included."""

from __future__ import annotations

import datetime as dt


def test_list_metadata_has_only_documented_fields(client, newest_spec):
    documented = set(newest_spec["components"]["schemas"]["PaginationMeta"]["properties"])
    client.post("/eval", json={"type": "chat.mockConversation", "messages": [{"role": "user", "content": "hi"}]})
    listed = client.get("/eval", params={"limit": 1})
    assert listed.status_code == 200
    meta = listed.json()["metadata"]
    assert "totalPages" not in meta
    assert set(meta) <= documented
    assert meta["itemsPerPage"] == 1 and meta["currentPage"] == 1 and meta["itemsBeyondRetention"] is False


def test_list_metadata_echoes_the_created_at_window(client):
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    meta = client.get("/eval", params={"createdAtGe": since}).json()["metadata"]
    assert meta["createdAtGe"] == since and "createdAtLe" not in meta


def test_older_spec_metadata_has_only_its_three_fields(spec_history):
    """PaginationMeta of 2025-06-05 documents only itemsPerPage, totalItems and currentPage (the oldest spec has
    no paginated list of stored objects)."""
    import httpx

    from vapi_contract.spec.sources import load
    from vapi_contract.twin.server import start_twin

    path = spec_history / "2025-06-05T0900-8918329.json.gz"
    documented = set(load(path).document["components"]["schemas"]["PaginationMeta"]["properties"])
    with start_twin(spec=path) as twin, httpx.Client(base_url=twin.base_url, headers=twin.headers()) as http:
        meta = http.get("/session").json()["metadata"]
    assert set(meta) == documented == {"itemsPerPage", "totalItems", "currentPage"}


def test_server_fields_a_family_does_not_document_are_not_invented(client, newest_spec):
    """Eval runs document no `updatedAt`; the twin used to stamp it on every stored object."""
    schemas = newest_spec["components"]["schemas"]
    assert "updatedAt" not in schemas["EvalRun"]["properties"]
    created = client.post("/eval/run", json={"type": "eval", "evalId": "00000000-0000-4000-8000-000000000000",
                                             "target": {"type": "assistant", "assistantId": "x"}})
    assert created.status_code in (200, 201), created.text
    listed = client.get("/eval/run").json()["results"]
    assert listed and all("updatedAt" not in run for run in listed)
