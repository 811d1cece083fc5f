"""`requestBody.required: true` is enforced on every operation: no body is Vapi's 400, not an empty object."""

from __future__ import annotations

from vapi_contract.spec.model import iter_operations

PLACEHOLDER = "00000000-0000-4000-8000-000000000000"
MESSAGE = "request body is required and must not be empty"


def _concrete(template: str) -> str:
    parts = [PLACEHOLDER if s.startswith("{") and s.endswith("}") else s for s in template.split("/")]
    return "/".join(parts)


def json_only(op) -> bool:
    return not op.definition["requestBody"]["content"].keys() - {"application/json"}


def test_every_operation_with_a_required_body_rejects_a_missing_one(client, newest_spec):
    required = [op for op in iter_operations(newest_spec) if (op.definition.get("requestBody") or {}).get("required")]
    assert len(required) >= 30
    wrong = []
    for op in required:
        response = client.request(op.method, _concrete(op.path))
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
        ok = (response.status_code == 400 and isinstance(body, dict) and body.get("statusCode") == 400
              and body.get("error") == "Bad Request")
        if not ok:
            wrong.append(f"{op.label}: {response.status_code} {response.text[:200]}")
        elif json_only(op) and MESSAGE not in body["message"]:  # refused for being missing, not for another reason
            wrong.append(f"{op.label}: 400 without naming the missing body: {body['message']}")
    assert not wrong, "\n".join(wrong)


def test_create_without_body_is_400_and_stores_nothing(client):
    """POST /assistant (its schema requires no property) with no body used to create an empty assistant."""
    response = client.post("/assistant")
    assert response.status_code == 400
    assert response.json() == {"message": [MESSAGE], "error": "Bad Request", "statusCode": 400}
    assert client.get("/assistant").json() == []


def test_empty_object_is_a_body(client):
    assert client.post("/assistant", json={}).status_code == 201


def test_whitespace_only_body_is_missing_too(client):
    response = client.post("/assistant", content=b"  \n", headers={"content-type": "application/json"})
    assert response.status_code == 400 and MESSAGE in response.json()["message"]


def test_accept_invalid_fault_accepts_a_missing_body(twin, client):
    twin.set_fault("accept-invalid")
    try:
        assert client.post("/assistant").status_code == 201
    finally:
        twin.set_fault(None)
