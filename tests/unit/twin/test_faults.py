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
