"""The live-account safety classification, checked against the real newest spec."""

from __future__ import annotations

from vapi_contract.contract import safety
from vapi_contract.spec.model import iter_operations


def test_classification_of_the_real_spec(newest_spec):
    kinds = {op.label: safety.classify(op.method, op.path, op.operation_id).kind for op in iter_operations(newest_spec)}
    costly = {label for label, kind in kinds.items() if kind == "cost"}
    # money or the real world: dialling, campaigns, buying numbers, LLM conversations, eval/insight/SO runs
    assert {"POST /call", "POST /campaign", "POST /phone-number", "POST /chat", "POST /chat/responses",
            "POST /session", "POST /eval/run", "POST /structured-output/run", "POST /reporting/insight/{id}/run",
            "POST /reporting/insight/preview", "PATCH /campaign/{id}", "PATCH /call/{id}"} <= costly
    # every read is a read; the analytics query is a read sent with POST
    assert all(kind == "read" for label, kind in kinds.items() if label.startswith("GET "))
    assert kinds["POST /analytics"] == "read"
    # ordinary configuration objects are mutating but not costly
    for label in ("POST /assistant", "PATCH /assistant/{id}", "DELETE /assistant/{id}", "POST /tool", "POST /squad",
                  "DELETE /phone-number/{id}", "POST /eval", "POST /structured-output"):
        assert kinds[label] == "mutating", label


def test_exclusions_depend_on_target_and_flags():
    assert safety.exclusion_reason("GET", "/call", None, live=True, allow_cost=False, profile="safe-live") is None
    assert "costly" in safety.exclusion_reason("POST", "/call", None, live=False, allow_cost=False, profile="nightly")
    assert safety.exclusion_reason("POST", "/call", None, live=False, allow_cost=True, profile="nightly") is None
    assert "safe-live" in safety.exclusion_reason("POST", "/assistant", None, live=True, allow_cost=False,
                                                  profile="safe-live")
    assert safety.exclusion_reason("POST", "/assistant", None, live=False, allow_cost=False, profile="nightly") is None


def test_new_endpoints_of_a_known_kind_are_classified_without_code_changes():
    assert safety.classify("POST", "/v3/call", None).is_cost
    assert safety.classify("POST", "/workflow/{id}/run", None).is_cost
    assert safety.classify("POST", "/thing", "ThingController_dialOut").is_cost
    assert safety.family("/v2/phone-number/{id}") == "phone-number"


# -- default-deny: a write is allowed only when recognised as create/update/delete of an object the run can own --

def _op(summary: str = "x") -> dict:
    return {"summary": summary, "responses": {"200": {"description": "ok"}}}


def _synthetic_spec() -> dict:
    """One ordinary CRUD family plus the kinds of endpoint a release may add that no rule knows."""
    paths = {
        "/widget": {"get": _op(), "post": _op()},
        "/widget/{id}": {"get": _op(), "patch": _op(), "delete": _op()},
        "/widget/{id}/publish": {"post": _op()},  # an action on an object (a verb)
        "/widget/summarize": {"post": _op()},  # an LLM run with a name no cost rule knows
        "/sms": {"post": _op()},  # a create nothing can undo: it sends a message
        "/widget/{id}/cache": {"delete": _op()},  # a delete of something that is not an object
        "/account/settings": {"put": _op()},
        "/ticket/{id}": {"patch": _op()},  # objects the run can never create
    }
    return {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": paths}


UNKNOWN = {"POST /widget/{id}/publish", "POST /widget/summarize", "POST /sms", "DELETE /widget/{id}/cache",
           "PUT /account/settings", "PATCH /ticket/{id}"}
CRUD = {"POST /widget", "PATCH /widget/{id}", "DELETE /widget/{id}"}


def test_unknown_writes_are_costly_and_crud_is_not():
    spec = _synthetic_spec()
    for label in UNKNOWN:
        verdict = safety.classify(*label.split(" ", 1), None, spec["paths"])
        assert verdict.is_cost and not verdict.recognised, label
        assert "unrecognised write" in verdict.reason and "LISTED" in verdict.reason, label
    assert "action endpoint" in safety.classify("POST", "/widget/{id}/publish", None, spec["paths"]).reason
    for label in CRUD:
        assert safety.classify(*label.split(" ", 1), None, spec["paths"]).kind == "mutating", label


def test_the_plan_never_sends_unknown_writes_to_a_live_account_and_says_why():
    from vapi_contract.contract.describe import describe
    from vapi_contract.contract.options import resolve
    from vapi_contract.contract.plan import build

    spec = _synthetic_spec()
    for raw in ({"target": "https://api.example.test"},  # safe-live
                {"target": "https://api.example.test", "profile": "nightly"},  # a staging organisation
                {"target": "twin"}):  # the same default on the twin
        plan = build(spec, resolve(raw))
        assert not UNKNOWN & set(plan.operations), raw
        assert all("costly: unrecognised write" in plan.excluded[label] for label in UNKNOWN), raw
        assert not UNKNOWN & set(plan.auth_operations), raw
        assert {"POST /widget", "PATCH /widget/{id}", "DELETE /widget/{id}"} <= set(plan.operations), raw
        _, rows = describe(spec, resolve(raw))
        shown = {row.operation: row for row in rows}
        assert all(shown[label].action == "never sent" and shown[label].kind == "cost" for label in UNKNOWN)
        assert all("unrecognised write" in shown[label].detail for label in UNKNOWN)
    # --allow-cost lifts it, but safe-live still never makes what it cannot undo
    allowed = build(spec, resolve({"target": "https://api.example.test", "allow_cost": True}))
    assert "POST /sms" in allowed.excluded and "safe-live" in allowed.excluded["POST /sms"]
    assert "POST /widget/{id}/publish" in allowed.operations
    staging = build(spec, resolve({"target": "https://api.example.test", "profile": "nightly", "allow_cost": True}))
    assert UNKNOWN <= set(staging.operations)


def test_a_listed_write_is_allowed_with_its_reviewed_reason(monkeypatch):
    from vapi_contract.contract.options import resolve
    from vapi_contract.contract.plan import build

    spec = _synthetic_spec()
    monkeypatch.setitem(safety.LISTED, "POST /widget/{id}/publish", ("mutating", "reviewed: flips a flag"))
    verdict = safety.classify("POST", "/widget/{id}/publish", None, spec["paths"])
    assert (verdict.kind, verdict.reason) == ("mutating", "reviewed: flips a flag")
    assert "POST /widget/{id}/publish" in build(spec, resolve({"target": "https://api.example.test"})).operations


def test_every_write_of_every_published_version_is_recognised_or_costly(spec_history, history_versions):
    """Across the real history: family CRUD stays allowed, every other write is costly, and the action endpoints
    Vapi really published (billing, LLM suggestions, invitations, log purges) are never fuzzed."""
    import gzip
    import json

    from vapi_contract.contract.plan import find_families
    from vapi_contract.spec.model import iter_operations

    dangerous = {"POST /subscription/{id}/credit", "POST /subscription/{id}/concurrency", "POST /org/{id}/invite",
                 "POST /structured-output/suggest", "POST /workflow/generate", "DELETE /logs",
                 "POST /voice-library/sync", "POST /tool/{id}/mcp-children", "POST /support/ticket"}
    seen = set()
    for version in history_versions:
        spec = json.loads(gzip.decompress((spec_history / version["file"]).read_bytes()))
        paths = spec["paths"]
        family_ops = {label for f in find_families(spec) for label in (f.create, f.update, f.delete) if label}
        for op in iter_operations(spec):
            verdict = safety.classify(op.method, op.path, op.operation_id, paths)
            if op.label in dangerous:
                seen.add(op.label)
                assert verdict.is_cost, (version["file"], op.label)
            if op.label in family_ops and not safety.classify(op.method, op.path, op.operation_id).is_cost:
                assert verdict.kind == "mutating", (version["file"], op.label)  # default-deny kept CRUD
            if verdict.kind == "mutating":
                assert safety.recognised(op.method, op.path, paths), (version["file"], op.label)
    assert seen == dangerous, dangerous - seen


def test_the_newest_spec_loses_no_live_depth(newest_spec):
    """Every write of the newest release is recognised: default-deny excludes nothing safe-live fuzzed before."""
    from vapi_contract.contract.options import resolve
    from vapi_contract.contract.plan import build

    plan = build(newest_spec, resolve({"target": "https://api.example.test"}))
    assert not [r for r in plan.excluded.values() if "unrecognised" in r], plan.excluded
    assert len(plan.operations) == 67 and len(plan.families) == 9  # measured before the change: 67 fuzzed, 9 lifecycles
