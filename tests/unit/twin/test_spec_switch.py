"""The served spec can be switched at runtime, so drift detection can be exercised end to end."""

from __future__ import annotations

import copy

import httpx
import pytest

from vapi_contract.errors import UsageError
from vapi_contract.twin.server import start_twin


@pytest.fixture()
def small_twin(oldest_spec_path):
    with start_twin(spec=oldest_spec_path) as twin:
        yield twin


def test_set_spec_switches_routes_and_api_json(small_twin, oldest_spec):
    headers = small_twin.headers()
    assert httpx.get(small_twin.base_url + "/block", headers=headers).status_code == 200
    drifted = copy.deepcopy(oldest_spec)
    drifted["info"]["version"] = "drifted"
    del drifted["paths"]["/block"]
    drifted["paths"]["/block-v2"] = copy.deepcopy(oldest_spec["paths"]["/block"])
    result = small_twin.set_spec(drifted)
    assert result["generation"] == 2
    assert httpx.get(small_twin.base_url + "/api-json").json()["info"]["version"] == "drifted"
    assert httpx.get(small_twin.base_url + "/block", headers=headers).status_code == 404
    assert httpx.get(small_twin.base_url + "/block-v2", headers=headers).status_code == 200


def test_objects_survive_a_switch_and_conform_to_the_new_spec(small_twin, oldest_spec, newest_spec_path):
    headers = small_twin.headers()
    created = httpx.post(small_twin.base_url + "/assistant", json={"name": "kept"}, headers=headers).json()
    small_twin.set_spec(newest_spec_path)  # a source the twin loads itself
    after = httpx.get(f"{small_twin.base_url}/assistant/{created['id']}", headers=headers)
    assert after.status_code == 200 and after.json()["name"] == "kept"
    health = httpx.get(small_twin.base_url + "/__twin/health").json()
    assert health["generation"] == 2 and health["operations"] > 70


def test_switch_needs_the_admin_token(small_twin, oldest_spec):
    for token in (None, small_twin.tokens["org-a"]):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(small_twin.base_url + "/__twin/spec", json=oldest_spec, headers=headers)
        assert response.status_code == 401


def test_switch_to_a_bad_document_is_refused_and_keeps_serving(small_twin):
    with pytest.raises(UsageError, match="OpenAPI"):
        small_twin.set_spec({"swagger": "2.0", "paths": {}})
    with pytest.raises(UsageError, match="not found"):
        small_twin.set_spec("/no/such/spec.json")
    assert httpx.get(small_twin.base_url + "/__twin/health").json()["generation"] == 1


def test_an_inline_spec_gets_the_spec_layers_caps(small_twin):
    """A document sent inline is read like any other source: one nested past VAPI_SPEC_MAX_DEPTH is a 400 with
    one line, not a recursion error, and the twin keeps serving."""
    deep: dict = {}
    for _ in range(3000):
        deep = {"a": deep}
    document = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x-deep": deep}
    headers = {"Authorization": f"Bearer {small_twin.admin_token}", "content-type": "application/json"}
    import json
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10000)  # only to encode the test document
    try:
        body = json.dumps(document)
    finally:
        sys.setrecursionlimit(limit)
    response = httpx.post(small_twin.base_url + "/__twin/spec", content=body, headers=headers, timeout=30)
    assert response.status_code == 400, response.text
    assert "deeper than" in response.json()["message"][0]
    assert httpx.get(small_twin.base_url + "/__twin/health").json()["generation"] == 1
