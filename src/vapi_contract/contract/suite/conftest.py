"""The contract suite's fixtures. The suite is started by `vapi-contract run` or by
`pytest --pyargs vapi_contract.contract.suite [--target twin|URL ...]`; its options and hooks are the installed
`pytest11` plugin `vapi_contract.contract.plugin`, so this file only holds what the suite's tests use."""

from __future__ import annotations

import time

import pytest

from vapi_contract.contract.plugin import _STATE, context


@pytest.fixture(scope="session")
def engine():
    from hypothesis.configuration import set_hypothesis_home_dir

    from vapi_contract.contract.case_cache import cache_root
    from vapi_contract.contract.engine import Engine

    # hypothesis keeps its own files (a unicode table) in ./.hypothesis by default: the run may be started in any
    # folder, so they go to the run's cache instead of the user's working directory
    set_hypothesis_home_dir(cache_root() / "hypothesis-home")
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
