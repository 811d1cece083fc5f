"""Stateful lifecycle of every CRUD family derived from the spec (Vapi's spec has no OpenAPI links), with the
cross-tenant checks when VAPI_API_KEY_SECONDARY (or the twin's second org) is available; and the read-only
behaviour of every selected list that documents `limit` (limit honoured, filters filter), on whatever objects the
account holds, families or not."""

from __future__ import annotations

import time

import pytest

from vapi_contract.contract.accepted import known_reason
from vapi_contract.contract.budget import OperationCut, watch
from vapi_contract.contract.engine import OperationOutcome
from vapi_contract.contract.findings import Finding
from vapi_contract.contract.lifecycle import Lifecycle

pytestmark = pytest.mark.contract


def _verdict(outcome: OperationOutcome, findings: list[Finding], accepted_baseline, what: str) -> None:
    real = [f for f in findings if f.real]
    known = known_reason(real, accepted_baseline)
    if known and outcome.status not in ("error", "timeout"):
        pytest.xfail(f"{what}: {known}")
    if real:
        pytest.fail("\n".join(f.line() for f in real), pytrace=False)
    if outcome.status in ("error", "timeout"):
        pytest.fail(f"{what}: {outcome.reason}", pytrace=False)


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
    # the steps' own findings, and the battery's findings on every response the steps received
    drained = engine.drain_findings()
    outcome.findings = scenario.findings + drained  # the record's status stays the steps' own verdict
    skip_reason = scenario.skip_reason
    if outcome.status == "error" and skip_reason:
        outcome.status, outcome.reason = "skipped", skip_reason
    elif outcome.status == "error":
        outcome.reason = "could not create an object to follow"
    outcome.duration_s = time.perf_counter() - started
    engine.write_operation(outcome, checks=["lifecycle", "tenant_isolation", "behaviour"])
    if outcome.status == "skipped":
        pytest.skip(skip_reason)
    _verdict(outcome, outcome.findings, accepted_baseline, f"lifecycle {family.name}")


def test_list_behaviour(engine, list_label, accepted_baseline):
    from vapi_contract.contract.behaviour import ListProbe

    started = time.perf_counter()
    probe = ListProbe(engine, list_label)
    outcome = OperationOutcome(f"behaviour {list_label}")
    try:
        with watch(engine.options.op_budget_s, engine.options.memory_cap_mb):
            probe.run()
        outcome.status = "failed" if any(not f.flaky for f in probe.findings) else "passed"
    except OperationCut as cut:
        outcome.status, outcome.reason = "timeout", f"behaviour {cut.reason}"
    drained = engine.drain_findings()
    outcome.cases, outcome.findings = probe.requests, probe.findings + drained
    outcome.duration_s = time.perf_counter() - started
    engine.write_operation(outcome, checks=["behaviour"])
    _verdict(outcome, outcome.findings, accepted_baseline, f"behaviour {list_label}")
