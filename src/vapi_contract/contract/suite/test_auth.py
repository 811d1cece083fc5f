"""Every operation that requires bearer auth answers 401 without a token and with a wrong token."""

from __future__ import annotations

import pytest

from vapi_contract.contract.accepted import known_reason
from vapi_contract.contract.probes import auth_probe

pytestmark = pytest.mark.contract


def test_auth_required(engine, auth_label, accepted_baseline):
    problems = auth_probe(engine, auth_label)
    for finding in problems:
        engine.record_finding(finding)
    problems += engine.drain_findings()  # the 401 answers' own shape, content type, schema
    real = [f for f in problems if f.real]
    known = known_reason(real, accepted_baseline)
    if known:
        pytest.xfail(f"{auth_label}: {known}")
    if real:
        pytest.fail("\n".join(f.line() for f in real), pytrace=False)
