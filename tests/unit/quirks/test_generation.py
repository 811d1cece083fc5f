"""schemathesis/hypothesis can generate requests from the normalized spec (the contract suite's use)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from vapi_contract.spec.quirks import normalize

# Cheap operations with request bodies, oneOfs and patterns; the slow test covers every operation.
QUICK = [("/tool", "POST"), ("/file/{id}", "PATCH"), ("/phone-number", "POST")]


def _schema(document: dict):
    fixed = normalize(document).document
    fixed["servers"] = [{"url": "http://127.0.0.1:9"}]  # never used: strategies only, no request is sent
    return schemathesis.openapi.from_dict(fixed)


def _draw(operation, count: int = 3) -> list:
    drawn = []

    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def draw(case):
        drawn.append(case)

    draw()
    return drawn


@pytest.mark.parametrize(("path", "method"), QUICK)
def test_quick_operations_generate(oldest_spec, path, method):
    schema = _schema(oldest_spec)
    assert _draw(schema[path][method])


@pytest.mark.slow
@pytest.mark.parametrize("which", ["oldest_spec", "newest_spec"])
def test_every_operation_generates(request, which):
    schema = _schema(request.getfixturevalue(which))
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            assert _draw(operation, 2)
        except Exception as exc:  # noqa: BLE001 - collect all, report together
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:300]
    assert not failures
