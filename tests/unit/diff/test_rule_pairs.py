"""Every rule the differ can emit has its own base/revision pair under tests/fixtures/diff/pairs/<tier>/<rule id>/,
and every pair reports exactly its expected ids, at the catalogue's level, with the expected breaking verdict.
The pairs are written by benchmarks/bench_diff_accuracy.py --write (which also measures accuracy on them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vapi_contract.diff import compare, registry
from vapi_contract.diff.catalogue import LEVELS, OASDIFF_LEVELS
from vapi_contract.diff.policy import Policy

PAIRS = Path(__file__).resolve().parents[2] / "fixtures" / "diff" / "pairs"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "diff.md"
FOLDERS = sorted(p for p in PAIRS.glob("*/*") if p.is_dir())


def _load(folder: Path):
    read = lambda name: json.loads((folder / name).read_text())
    return read("base.json"), read("revision.json"), read("expected.json")


@pytest.mark.parametrize("folder", FOLDERS, ids=[f"{p.parent.name}/{p.name}" for p in FOLDERS])
def test_pair_reports_exactly_its_rules(folder):
    base, revision, expected = _load(folder)
    result = compare(base, revision, policy=Policy(**expected["policy"]))
    assert {c.id for c in result.changes} == set(expected["ids"]), [c.message for c in result.changes]
    for change in result.changes:
        assert change.level == LEVELS[change.id]
    assert bool(result.at_least("warning")) == expected["breaking"]


def test_every_emittable_rule_has_its_own_pair():
    registry.load_rules()
    own = {}
    for folder in FOLDERS:
        own[folder.name] = set(json.loads((folder / "expected.json").read_text())["ids"])
    missing = sorted(rule for rule in registry.DECLARED if rule not in own.get(rule, set()))
    assert len(FOLDERS) > 400 and not missing, missing


def test_every_emittable_rule_is_in_the_catalogue_at_its_level():
    registry.load_rules()
    assert set(registry.DECLARED) <= set(LEVELS)
    assert all(LEVELS[rule] == OASDIFF_LEVELS[rule] for rule in registry.DECLARED if rule in OASDIFF_LEVELS)


def _not_implemented_in_docs() -> dict[str, str]:
    text = DOCS.read_text()
    section = text.split("#### Rules deliberately not implemented", 1)[1].split("\n#", 1)[0]
    return {rule: reason.strip() for rule, reason in re.findall(r"^\| `([a-z0-9-]+)` \| (.+?) \|$", section, re.MULTILINE)}


def test_every_catalogue_rule_is_implemented_or_documented_as_not():
    registry.load_rules()
    listed = _not_implemented_in_docs()
    assert not set(listed) & set(registry.DECLARED), "listed as not implemented but emitted"
    assert set(OASDIFF_LEVELS) - set(registry.DECLARED) == set(listed)
    assert all(len(reason) > 20 for reason in listed.values())


def test_an_undeclared_id_is_refused():
    from vapi_contract.diff.engine import Differ

    differ = Differ({"openapi": "3.0.3", "paths": {}}, {"openapi": "3.0.3", "paths": {}})
    key = differ.operation_node("GET /x")
    with pytest.raises(KeyError):
        differ.record(key, "response-header-type-compatible", "here", "not emitted by any rule module")


def test_the_pairs_on_disk_are_the_case_tables():
    """benchmarks/diff_cases_*.py are the source; a table edited without `bench_diff_accuracy.py --write` fails."""
    import importlib.util
    import sys

    bench = Path(__file__).resolve().parents[3] / "benchmarks"
    sys.path.insert(0, str(bench))
    try:
        spec = importlib.util.spec_from_file_location("bench_diff_accuracy", bench / "bench_diff_accuracy.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        built = {f"{tier}/{name}": (sorted(ids), options, base, revision)
                 for tier, name, base, revision, ids, options in module.build_cases()}
    finally:
        sys.path.remove(str(bench))
    on_disk = {f"{p.parent.name}/{p.name}": p for p in FOLDERS}
    assert set(built) == set(on_disk)
    for key, (ids, options, base, revision) in built.items():
        disk_base, disk_revision, expected = _load(on_disk[key])
        assert (expected["ids"], expected["policy"]) == (ids, options), key
        assert (disk_base, disk_revision) == (base, revision), key
