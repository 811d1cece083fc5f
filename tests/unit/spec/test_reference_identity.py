"""Our validation reports exactly the errors openapi-spec-validator reports (fingerprint multisets equal).

The reference is run in-process (tests/unit/spec/reference.py locates each of its errors); it crashes on a
dangling $ref, so versions with dangling refs are compared on a copy whose missing targets exist as `{}`,
against our errors minus the unresolved-ref ones.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from vapi_contract.spec.validate import validate_document


def _ours(document, skip_dangling=False):
    return Counter(e.fingerprint for e in validate_document(document)
                   if not (skip_dangling and e.check == "unresolved-ref"))


def _load(path):
    with gzip.open(path, "rb") as fh:
        return json.load(fh)


@pytest.mark.parametrize("name", ["semantic-errors.json", "recursive-refs.json", "openapi31.json"])
def test_fixtures_match_reference(fixtures, reference, name):
    document = json.loads((fixtures / name).read_text())
    assert _ours(document) == reference.reference_fingerprints(document)


def test_fixture_with_dangling_refs_matches_reference(fixtures, reference):
    document = json.loads((fixtures / "dangling-refs.json").read_text())
    stubbed = reference.with_dangling_targets_stubbed(document)
    assert _ours(document, skip_dangling=True) == reference.reference_fingerprints(stubbed)


def test_oldest_real_version_matches_reference(oldest_spec, reference):
    ours = _ours(oldest_spec)
    assert sum(ours.values()) > 0 and ours == reference.reference_fingerprints(oldest_spec)


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    "2025-08-19T1915-dc58a1e.json.gz",  # middle
    "2025-12-10T1206-cece26e.json.gz",
    "2026-04-22T1131-7dc5137.json.gz",  # newest: 42 errors
])
def test_real_versions_match_reference(spec_history, reference, name):
    document = _load(spec_history / name)
    assert _ours(document) == reference.reference_fingerprints(document)


def test_newest_has_the_42_errors_the_reference_reports(newest_spec):
    assert sum(_ours(newest_spec).values()) == 42


@pytest.mark.slow
@pytest.mark.parametrize("name", ["2025-04-16T0942-95edb21.json.gz", "2025-06-30T1430-caf7c8f.json.gz"])
def test_real_versions_with_dangling_refs_match_reference(spec_history, reference, name):
    document = _load(spec_history / name)
    ours = _ours(document, skip_dangling=True)
    assert sum(_ours(document).values()) > sum(ours.values())  # dangling refs were reported
    assert ours == reference.reference_fingerprints(reference.with_dangling_targets_stubbed(document))


@pytest.mark.slow
def test_where_the_reference_crashes_we_report(spec_history, reference):
    """2024-11-21 has `required: true` inside a schema with a default: the reference dies with a TypeError,
    we report one malformed-schema error there and every other error."""
    document = _load(spec_history / "2024-11-21T1658-edf0c5b.json.gz")
    with pytest.raises(TypeError):
        reference.reference_fingerprints(reference.with_dangling_targets_stubbed(document))
    errors = validate_document(document)
    assert [e.pointer for e in errors if e.keyword == "malformed-schema"] == [
        "/components/schemas/FallbackPlan/properties/voices/items/default"
    ]


def _every_tenth_version():
    import os
    from pathlib import Path

    mirror = Path(os.environ.get("VAPI_SPEC_MIRROR", Path(__file__).resolve().parents[4] / "shared" / "vapi-spec-history"))
    index = mirror / "index.json"
    if not index.exists():
        return []
    versions = sorted(json.loads(index.read_text())["versions"], key=lambda v: v["published"])
    return [v["file"] for v in versions[::10]]


@pytest.mark.slow
@pytest.mark.parametrize("name", _every_tenth_version())
def test_sampled_history_matches_reference(spec_history, reference, name):
    document = _load(spec_history / name)
    stubbed = reference.with_dangling_targets_stubbed(document)
    try:
        expected = reference.reference_fingerprints(stubbed)
    except TypeError:
        pytest.skip("the reference itself crashes on this version (see test_where_the_reference_crashes_we_report)")
    assert _ours(document, skip_dangling=True) == expected
