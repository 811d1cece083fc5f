"""Stateful lifecycle of every CRUD family derived from the spec (Vapi's spec has no OpenAPI links), with the
cross-tenant checks when VAPI_API_KEY_SECONDARY (or the twin's second org) is available."""

from __future__ import annotations

import time

import pytest

from vapi_contract.contract.accepted import known_reason
from vapi_contract.contract.budget import OperationCut, watch
from vapi_contract.contract.engine import OperationOutcome
from vapi_contract.contract.lifecycle import Lifecycle

pytestmark = pytest.mark.contract


def test_lifecycle(engine, resources, family, accepted_baseline):
    started = time.perf_counter()
    scenario = Lifecycle(engine, resources, family)
    outcome = OperationOutcome(f"lifecycle {family.name}")
    try:
        with watch(engine.options.op_budget_s, engine.options.memory_cap_mb):
            outcome.status = scenario.run()
    except OperationCut as cut:
        outcome.status, outcome.reason = "timeout", f"lifecycle {cut.reason}"
    outcome.cases = scenario.requests
    outcome.findings = scenario.findings
    skip_reason = getattr(scenario, "skip_reason", None)
    if outcome.status == "error" and skip_reason:
        outcome.status, outcome.reason = "skipped", skip_reason
    elif outcome.status == "error":
        outcome.reason = "could not create an object to follow"
    outcome.duration_s = time.perf_counter() - started
    engine.write_operation(outcome, checks=["lifecycle", "tenant_isolation"])
    if outcome.status == "skipped":
        pytest.skip(skip_reason)
    real = [f for f in scenario.findings if not f["flaky"] and f["classification"] != "infra"]
    known = known_reason(real, accepted_baseline)
    if known and outcome.status not in ("error", "timeout"):
        pytest.xfail(f"lifecycle {family.name}: {known}")
    if real:
        pytest.fail("\n".join(f"[{f['classification']}] {f['operation']} {f['check']}: {f['message']}"
                              for f in real), pytrace=False)
    if outcome.status in ("error", "timeout"):
        pytest.fail(f"lifecycle {family.name}: {outcome.reason}", pytrace=False)
