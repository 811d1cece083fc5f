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


def test_a_plain_pytest_run_claims_its_report_dir_before_anything_starts(tmp_path):
    """A plain pytest run of the suite (`--report-dir X`) goes through prepare(), not the CLI: a folder holding
    foreign files is refused there (exit 2) before the spec loads or a twin starts."""
    import pytest

    from vapi_contract.contract import context
    from vapi_contract.errors import UsageError

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="report-dir"):
        context.prepare(resolve({"report_dir": str(tmp_path)}), owner="pytest")
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert context._HELD_LOCKS == []


def test_a_live_target_may_receive_the_key_for_its_own_spec_url():
    from vapi_contract.contract.context import live_hosts

    assert live_hosts(resolve({"target": "https://staging.example.test"})) == ("https://staging.example.test",)
    assert live_hosts(resolve({})) == ()
