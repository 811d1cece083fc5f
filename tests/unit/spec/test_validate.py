"""Validation: every rule reported with a stable fingerprint, dangling refs never crash, baseline, cache."""

from __future__ import annotations

import copy
import json

import pytest

from vapi_contract.errors import UsageError
from vapi_contract.spec import validate as v
from vapi_contract.spec.validate import SpecError, compare, fingerprint, validate_document


@pytest.fixture
def semantic(fixtures) -> dict:
    return json.loads((fixtures / "semantic-errors.json").read_text())


def _by_check(errors):
    return {(e.check, e.keyword, e.pointer) for e in errors}


def test_each_semantic_rule_is_reported_where_it_happens(semantic):
    found = _by_check(validate_document(semantic))
    call = "/paths/~1call~1{id}"
    assert {
        ("duplicate-tag", "uniqueTagName", "/tags"),
        ("path-parameter", "pathParameter", f"{call}/get/parameters"),
        ("duplicate-operation-id", "uniqueOperationId", f"{call}/delete/operationId"),
        ("duplicate-parameter", "uniqueParameter", f"{call}/delete/parameters"),
        ("default", "enum", "/components/schemas/Call/properties/status/default"),
        ("required-properties", "required", "/components/schemas/Call/required"),
        ("schema", "format", "/components/schemas/Keyword/pattern"),  # `\p{L}` is not a Python regex
        ("openapi-schema", "uniqueItems", "/tags"),
    } <= found


def test_clean_spec_has_no_errors(fixtures):
    from vapi_contract.spec.sources import load

    assert validate_document(load(fixtures / "minimal.yaml").document) == []


def test_recursive_refs_terminate(fixtures):
    assert validate_document(json.loads((fixtures / "recursive-refs.json").read_text())) == []


def test_dangling_refs_are_errors_not_crashes(fixtures):
    errors = validate_document(json.loads((fixtures / "dangling-refs.json").read_text()))
    dangling = sorted(e.pointer for e in errors if e.check == "unresolved-ref")
    assert dangling == [
        "/components/schemas/CreateToolDTO/properties/hook/$ref",
        "/paths/~1tool/post/responses/201/content/application~1json/schema/oneOf/0/$ref",
    ]
    assert all("does not resolve" in e.message for e in errors if e.check == "unresolved-ref")


def test_real_version_with_dangling_refs(spec_history):
    from vapi_contract.spec.sources import load

    errors = validate_document(load(spec_history / "2025-04-16T0942-95edb21.json.gz").document)
    assert any(e.check == "unresolved-ref" and "PhoneNumberHookCallRinging" in e.message for e in errors)


def test_fingerprint_ignores_message_but_not_place_or_keyword():
    a = SpecError("schema", "type", "/components/schemas/A", "one wording")
    b = SpecError("schema", "type", "/components/schemas/A", "another wording")
    assert a.fingerprint == b.fingerprint == fingerprint("schema", "type", "/components/schemas/A")
    assert a.fingerprint != SpecError("schema", "enum", "/components/schemas/A", "").fingerprint
    assert a.fingerprint != SpecError("schema", "type", "/components/schemas/B", "").fingerprint


def test_fingerprints_survive_unrelated_edits(semantic):
    before = {e.fingerprint for e in validate_document(semantic)}
    edited = copy.deepcopy(semantic)
    edited["info"]["description"] = "reworded docs"
    edited["components"]["schemas"]["Extra"] = {"type": "object"}
    assert {e.fingerprint for e in validate_document(edited)} == before


def test_compare_new_known_fixed():
    known = SpecError("schema", "type", "/a", "m")
    new = SpecError("schema", "type", "/b", "m")
    baseline = {known.fingerprint: {"fingerprint": known.fingerprint, "pointer": "/a"},
                "f" * 16: {"fingerprint": "f" * 16, "pointer": "/gone", "message": "was here"}}
    result = compare([known, new], baseline).to_json()
    assert [e["status"] for e in result["errors"]] == ["known", "new"]
    assert result["fixed"] == [{"fingerprint": "f" * 16, "pointer": "/gone", "message": "was here"}]
    assert result["summary"] == {"total": 2, "new": 1, "known": 1, "fixed": 1}


def test_baseline_round_trip_and_bad_baselines(tmp_path, semantic):
    errors = validate_document(semantic)
    path = tmp_path / "known.json"
    v.write_baseline(path, errors, spec_sha256="abc", source="test")
    assert compare(errors, v.load_baseline(path)).new == 0
    for text, match in (("{", "not valid JSON"), ('{"errors": [{}]}', "fingerprint")):
        path.write_text(text)
        with pytest.raises(UsageError, match=match):
            v.load_baseline(path)
    with pytest.raises(UsageError, match="not found"):
        v.load_baseline(tmp_path / "absent.json")


def test_results_are_cached_by_canonical_hash(semantic, monkeypatch, tmp_path):
    first = v.validate_cached(semantic)
    assert list((tmp_path / "cache" / "vapi-contract" / "validation").glob("*.json"))

    def must_not_run(document):
        raise AssertionError("validated again despite an unchanged canonical hash")

    monkeypatch.setattr(v, "validate_document", must_not_run)
    reordered = json.loads(json.dumps(semantic, sort_keys=True))
    assert v.validate_cached(reordered) == first


def test_damaged_cache_entry_is_recomputed(semantic, tmp_path):
    first = v.validate_cached(semantic)
    for path in (tmp_path / "cache" / "vapi-contract" / "validation").glob("*.json"):
        path.write_text("{broken")
    assert v.validate_cached(semantic) == first


def test_summary_counts_by_check(semantic):
    summary = v.summarize(semantic)
    assert summary["errors"] == sum(summary["by_check"].values()) and summary["unresolved_refs"] == 0
