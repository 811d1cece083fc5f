"""Required header parameters are enforced like query ones: a request without one is Vapi's 400."""

from __future__ import annotations

from vapi_contract.spec.model import iter_operations

PROVIDER = "/provider/cartesia/pronunciation-dictionary"


def test_required_header_missing_is_400_and_stores_nothing(client):
    """The contract suite's finding: POST /provider/{provider}/{resourceName} with no body, hence no
    `content-type` header (a required header parameter in every spec version that has it), answered 201."""
    response = client.post(PROVIDER)
    assert response.status_code == 400
    assert response.json() == {"message": ["content-type should not be empty"], "error": "Bad Request",
                               "statusCode": 400}
    assert client.get(PROVIDER).json()["results"] == []


def test_required_header_present_is_served(client):
    assert client.post(PROVIDER, headers={"Content-Type": "application/json"}).status_code == 201
    assert client.post(PROVIDER, json={}).status_code == 201  # httpx sets the header with a JSON body


def test_every_required_header_parameter_is_enforced(client, newest_spec):
    required = [(op, p) for op in iter_operations(newest_spec) for p in op.definition.get("parameters") or []
                if p.get("in") == "header" and p.get("required")]
    assert required
    for op, param in required:
        path = op.path.replace("{provider}", "cartesia").replace("{resourceName}", "pronunciation-dictionary")
        response = client.request(op.method, path)
        assert response.status_code == 400, (op.label, response.text)
        assert f"{param['name']} should not be empty" in response.json()["message"]


def test_accept_invalid_fault_accepts_a_missing_header(twin, client):
    twin.set_fault("accept-invalid")
    try:
        assert client.post(PROVIDER).status_code == 201
    finally:
        twin.set_fault(None)
