"""Every operation that requires bearer auth answers 401 without a token and with a wrong token."""

from __future__ import annotations

import pytest

from vapi_contract.contract.accepted import known_reason
from vapi_contract.contract.lifecycle import auth_probe

pytestmark = pytest.mark.contract


def test_auth_required(engine, auth_label, accepted_baseline):
    problems = auth_probe(engine, auth_label)
    for finding in problems:
        engine.record_finding(_Outcome(), finding)
    real = [f for f in problems if not f["flaky"] and f["classification"] != "infra"]
    known = known_reason(real, accepted_baseline)
    if known:
        pytest.xfail(f"{auth_label}: {known}")
    if real:
        pytest.fail("\n".join(f"[{f['classification']}] {f['message']}" for f in real), pytrace=False)


class _Outcome:
    def __init__(self):
        self.findings = []
