"""One twin per session on the newest real spec: starting one costs about half a second."""

from __future__ import annotations

import httpx
import pytest

from vapi_contract.twin.server import start_twin


@pytest.fixture(scope="session")
def twin(newest_spec_path):
    with start_twin(spec=newest_spec_path) as running:
        yield running


@pytest.fixture()
def client(twin):
    twin.reset()
    with httpx.Client(base_url=twin.base_url, headers=twin.headers("org-a"), timeout=30) as http:
        yield http
