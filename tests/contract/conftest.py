"""The contract suite: started by `vapi-contract run` or by `pytest tests/contract [--target twin|URL ...]`
(options are registered in the repo's top-level conftest.py)."""

from __future__ import annotations

import time

import pytest

from vapi_contract.contract.plugin import (  # noqa: F401 - pytest hooks
    _STATE,
    context,
    pytest_configure,
    pytest_generate_tests,
    pytest_sessionfinish,
    pytest_unconfigure,
)


@pytest.fixture(scope="session")
def engine():
    from vapi_contract.contract.engine import Engine

    started = time.perf_counter()
    eng = Engine(context(), collection_s=_STATE.get("collection_s", 0.0))
    eng.schema_load_s += time.perf_counter() - started - eng.schema_load_s
    yield eng
    eng.tracker.cleanup()  # every object the run created, whichever test made it, even when tests failed
    eng.close()


@pytest.fixture(scope="session")
def accepted_baseline():
    """The run's baseline, loaded once per session: a test whose findings are all accepted ends as xfail."""
    from vapi_contract.contract.accepted import run_baseline

    return run_baseline(context().options)


@pytest.fixture(scope="session")
def resources(engine):
    """Objects the run creates on the target: tagged, tracked, deleted at the end even when tests fail."""
    return engine.tracker  # cleaned up when the engine closes


@pytest.fixture(autouse=True)
def _flush_coverage(request):
    """After every test: latency of its hand-built requests, and its coverage counts to the run dir."""
    yield
    if "engine" in request.fixturenames:
        request.getfixturevalue("engine").end_test()
