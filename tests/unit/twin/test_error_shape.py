"""Every error the twin answers is Vapi's JSON error shape, whatever the path: odd characters, unmatched paths,
wrong methods on the twin's own endpoints."""

from __future__ import annotations

import httpx
import pytest

from vapi_contract.twin.state import Served


def assert_vapi_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("statusCode") == status and isinstance(body.get("error"), str) and "message" in body, body


ODD_IDS = ["hd%0AK", "a%0D%0Ab", "%0A", "x%00y", "%E2%80%A8", "..%2F..", "a%20b"]


@pytest.mark.parametrize("raw_id", ODD_IDS)
def test_item_operations_with_odd_ids_answer_json_errors(client, newest_spec, raw_id):
    """The contract suite's 33 findings: GET/DELETE of /assistant/hd%0AK and friends answered a plain-text 404."""
    served = Served.build(newest_spec, 1)
    checked = 0
    for route in served.routes:
        if route.kind not in ("get", "delete") or route.op.path.count("{") != 1:
            continue
        path = route.op.path.replace("{" + route.id_param + "}", raw_id) if route.id_param else None
        if not path or "{" in path:
            continue
        response = client.request(route.op.method, path)
        assert response.status_code in (400, 404), f"{route.label} {path}: {response.status_code} {response.text}"
        assert_vapi_error(response, response.status_code)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("method,path", [
    ("GET", "/no-such-thing"), ("GET", "/no%0Asuch"), ("DELETE", "/%0A"), ("GET", "/a/b/c/%0A/d"),
    ("TRACE", "/assistant"), ("GET", "/api-json/"), ("DELETE", "/__twin/health"), ("GET", "/__twin/reset"),
])
def test_unmatched_paths_and_methods_answer_json_errors(client, method, path):
    response = client.request(method, path)
    assert response.status_code in (404, 405)
    assert_vapi_error(response, response.status_code)


def test_unknown_path_message_names_method_and_path(client):
    response = client.delete("/assistant/hd%0AK/extra")
    assert_vapi_error(response, 404)
    assert response.json()["message"] == "Cannot DELETE /assistant/hd%0AK/extra"


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
@pytest.mark.parametrize("depth", [70, 300, 100_000])
def test_deeply_nested_bodies_are_a_400_not_a_500(client, opener, closer, depth):
    """300 nested arrays used to pass json.loads and break the validator (500); 100,000 broke json.loads itself."""
    body = '{"name": "deep", "metadata": ' + opener * depth + "1" * (opener == '{"a":') + closer * depth + "}"
    response = client.post("/assistant", content=body, headers={"content-type": "application/json"})
    assert_vapi_error(response, 400)
    assert "nested deeper than" in response.json()["message"][0]


@pytest.mark.parametrize("body", ["null", "5", '"text"', "true"])
def test_a_json_body_that_is_not_an_object_or_array_is_a_400(client, body):
    """body-parser's strict mode, as Vapi's NestJS answers: a scalar body never reaches validation. The twin used to
    read `null` as 'no body' and create a credential from it (a server bug on the 2024-12-10 spec)."""
    response = client.post("/assistant", content=body, headers={"content-type": "application/json"})
    assert_vapi_error(response, 400)
    assert "must be an object or an array" in response.json()["message"][0]
