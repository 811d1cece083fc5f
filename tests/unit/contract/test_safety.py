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
