"""Fixtures for the contract area's unit tests: a real schemathesis schema of a small hand-written spec, and
real schemathesis Responses built from raw bytes, so every check is exercised exactly as in a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MINI = Path(__file__).resolve().parents[2] / "fixtures" / "contract" / "mini-openapi.json"


@pytest.fixture(scope="session")
def mini_document() -> dict:
    return json.loads(MINI.read_text())


@pytest.fixture(scope="session")
def mini_schema(mini_document):
    import schemathesis

    return schemathesis.openapi.from_dict(mini_document)


@pytest.fixture
def make_case(mini_schema):
    def make(label: str, **kwargs):
        method, path = label.split(" ", 1)
        return mini_schema[path][method].Case(**kwargs)

    return make


@pytest.fixture
def make_response():
    import requests
    from schemathesis.core.transport import Response

    def make(status: int, body=None, headers: dict | None = None, raw: bytes | None = None, method="GET",
             url="http://127.0.0.1:1/assistant"):
        content = raw if raw is not None else json.dumps(body).encode()
        request = requests.Request(method, url, headers={"Authorization": "Bearer k"}).prepare()
        all_headers = {"content-type": ["application/json"], **{k: [v] for k, v in (headers or {}).items()}}
        return Response(status_code=status, headers=all_headers, content=content, request=request, elapsed=0.01,
                        verify=True)

    return make
