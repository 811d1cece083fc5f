"""One fingerprint recipe (spec/fingerprint.py) names every kind of evidence, and its values never move: stored
baselines (known-spec-errors.json, accepted-findings.yaml) hold them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from vapi_contract.contract import triage
from vapi_contract.evidence.model import Finding
from vapi_contract.spec import fingerprint as recipe
from vapi_contract.spec.quirks.issues import SpecIssue
from vapi_contract.spec.validate import SpecError

ROOT = Path(__file__).resolve().parents[3]
CAUSE = "status 404 is not documented by GET /assistant/{id}"


def test_each_kind_is_the_one_recipe_with_its_pinned_value(monkeypatch):
    calls: list[tuple] = []
    real = recipe.fingerprint

    def spy(*parts, **framing):
        calls.append(parts)
        return real(*parts, **framing)

    monkeypatch.setattr(recipe, "fingerprint", spy)
    kinds = {
        "spec error": (SpecError("schema", "type", "/paths/~1assistant/get", "any wording").fingerprint,
                       "8aa55d38e09aef78"),
        "quirk": (SpecIssue.make("dangling-ref", "/components/schemas/X", "m").fingerprint, "a149f6e936e0a6c3"),
        "finding": (triage.fingerprint("GET /assistant/{id}", "undocumented_status_code", "spec-gap", CAUSE),
                    "f797154127f4b494a869"),
        "report stand-in": (Finding.from_json({"fingerprint": "fp-1"}, []).fingerprint, "858c06cf9c505c9f"),
        "run spec issue": (recipe.run_issue("slow-operation", "POST /squad",
                                            "POST /squad: generation cut after 60 s after 12 cases"),
                           "5152429eec8d988977e7"),
    }
    assert {kind: value for kind, (value, _) in kinds.items()} == {kind: pinned for kind, (_, pinned) in kinds.items()}
    assert len(calls) == len(kinds)  # every kind went through the one recipe


def test_the_pinned_framings_are_the_historical_ones():
    """The values before the recipe was shared (what every stored baseline was written with)."""
    assert recipe.spec_error("schema", "type", "/p") == hashlib.sha256(b"schema\x00type\x00/p").hexdigest()[:16]
    assert recipe.quirk("dangling-ref", "/p") == hashlib.sha256(b"dangling-ref/p").hexdigest()[:16]
    assert triage.fingerprint("GET /x", "c", "server-bug", "boom") == \
        hashlib.sha256(b"GET /x\x1fc\x1fserver-bug\x1fboom").hexdigest()[:20]


def test_stored_known_spec_errors_still_match():
    stored = json.loads((ROOT / "specs/vapi/known-spec-errors.json").read_text(encoding="utf-8"))["errors"]
    assert stored
    for entry in stored:
        assert SpecError.from_json(entry).fingerprint == entry["fingerprint"]


@pytest.mark.parametrize(("one", "other"), [
    ("3f2a9c0d-1e2f-4a4b-8c8d-0123456789ab", "00000000-1111-2222-3333-444444444444"),
    ("2026-12-04T12:00:00Z", "2027-01-31T23:59:59.123+01:00"),
    ("127.0.0.1:41873", "localhost:8080"),
    ("'abcdefghijklmnopqrstuvwxyz0123'", "'a generated value of some length'"),
])
def test_a_finding_names_its_cause_not_the_generated_values(one, other):
    assert triage.fingerprint("GET /x", "c", "server-bug", f"boom at {one}") == \
        triage.fingerprint("GET /x", "c", "server-bug", f"boom at {other}")
    assert triage.fingerprint("GET /x", "c", "server-bug", f"bang at {one}") != \
        triage.fingerprint("GET /x", "c", "server-bug", f"boom at {one}")


def test_a_record_without_fingerprint_gets_the_engines():
    record = {"operation": "GET /x", "check": "c", "classification": "server-bug", "message": "boom"}
    assert Finding.from_json(record, []).fingerprint == triage.fingerprint("GET /x", "c", "server-bug", "boom")
