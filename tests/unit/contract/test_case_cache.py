"""Generated cases are reused exactly across runs with the same spec fingerprint, seed and options."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings

from vapi_contract.contract.case_cache import CaseCache
from vapi_contract.contract.options import resolve


def generate(operation, count):
    cases = []

    @settings(max_examples=count, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def collect(case):
        cases.append(case)

    collect()
    return cases


def test_cases_round_trip_through_the_cache(tmp_path, monkeypatch, mini_schema):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    operation = mini_schema["/assistant"]["POST"]
    options = resolve({"seed": 5, "max_examples": 4})
    first = CaseCache("spec123")
    assert list(first.replay(operation, options)) == []  # cold
    cases = generate(operation, 4)
    for case in cases:
        first.remember(case)
    first.store(operation.label)
    second = CaseCache("spec123")
    replayed = list(second.replay(operation, options))
    assert second.was_replayed(operation.label)
    assert [(c.method, c.path, c.body, c.query) for c in replayed] == [(c.method, c.path, c.body, c.query)
                                                                        for c in cases]
    assert replayed[0].meta is not None  # generation metadata kept: negative_data_rejection still applies
    # another seed, another spec, or a random seed: no reuse
    assert list(CaseCache("spec123").replay(operation, resolve({"seed": 6, "max_examples": 4}))) == []
    assert list(CaseCache("other").replay(operation, options)) == []
    assert list(CaseCache("spec123").replay(operation, resolve({"max_examples": 4}))) == []
