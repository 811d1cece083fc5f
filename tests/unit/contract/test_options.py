from __future__ import annotations

import pytest

from vapi_contract.contract.options import PROFILES, parse_shard, resolve
from vapi_contract.errors import UsageError


def test_defaults_depend_on_target():
    assert resolve({}).profile == "nightly"
    live = resolve({"target": "https://api.vapi.ai"})
    assert live.profile == "safe-live" and live.request_budget == PROFILES["safe-live"].request_budget


def test_overrides_and_errors():
    options = resolve({"profile": "smoke", "max_examples": 3, "modes": "negative", "operations": "GET /a*, POST /b"})
    assert (options.max_examples, options.modes, options.operations) == (3, ("negative",), ("GET /a*", "POST /b"))
    for bad in ({"target": "ftp://x"}, {"profile": "weekly"}, {"modes": "sideways"}, {"max_examples": 0},
                {"shard": "3/2"}, {"shard": "x"}, {"op_budget": 0}):
        with pytest.raises(UsageError):
            resolve(bad)
    assert parse_shard("2/4") == (2, 4) and parse_shard(None) is None
