"""The bounded negative-mode walk and the per-operation budget: a slow operation is cut, never hangs."""

from __future__ import annotations

import time

import pytest

from vapi_contract.contract.budget import OperationCut, watch
from vapi_contract.contract.generation import bounded_mutation_targets


def test_bounded_walk_matches_schemathesis_on_small_schemas():
    from schemathesis.specs.openapi.negative.mutations import compute_mutation_targets

    schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3},
                                               "b": {"type": "array", "items": {"type": "integer"}},
                                               "c": {"oneOf": [{"type": "string"}, {"type": "null"}]}}}
    ours = {d.walk for d in bounded_mutation_targets(schema)}
    theirs = {d.walk for d in compute_mutation_targets(schema)}
    assert ours == theirs


def test_bounded_walk_caps_exponential_schemas():
    leaf = {"type": "string", "minLength": 1}
    node = leaf
    for _ in range(20):  # 2**20 paths if unfolded
        node = {"type": "object", "properties": {"x": node, "y": node}}
    targets = bounded_mutation_targets(node, max_targets=500)
    assert len(targets) == 500
    assert len(targets[0].walk) == 0 and len(targets[1].walk) == 1  # breadth first: shallow targets kept


def test_watchdog_cuts_a_busy_loop():
    started = time.monotonic()
    with pytest.raises(OperationCut, match="time budget"), watch(0.5, 0):
        while True:
            sum(range(1000))
    assert time.monotonic() - started < 3


def test_watchdog_cuts_on_memory_cap():
    with pytest.raises(OperationCut, match="memory cap"), watch(30, 1):  # 1 MB: any process is over it
        time.sleep(2)


def test_release_memory_empties_the_generation_caches_a_heavy_operation_filled(newest_spec):
    """Generating for one of Vapi's big bodies fills process-wide strategy/validator caches; released, they no
    longer hold it (they held 100-180 MB per heavy operation, and the memory cap then cut every later one)."""
    import copy
    import gc

    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.strategies._internal import utils as strategy_utils
    from schemathesis.core import jsonschema

    from vapi_contract.contract import patches
    from vapi_contract.contract.budget import rss_mb
    from vapi_contract.spec.quirks import normalize

    patches.install()
    schema = schemathesis.openapi.from_dict(normalize(copy.deepcopy(newest_spec)).document)
    operation = schema["/tool"]["POST"]

    @settings(max_examples=5, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def draw(case):
        pass

    draw()
    assert len(strategy_utils._STRATEGY_CACHE) > 0
    gc.collect()
    before = rss_mb()
    patches.release_memory()
    assert len(strategy_utils._STRATEGY_CACHE) == 0 and not jsonschema.validator_cache._data
    assert rss_mb() <= before
