from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "diff"


def _load(name: str, side: str) -> dict:
    return yaml.safe_load((FIXTURES / name / f"{side}.yaml").read_text())


@pytest.fixture
def fixture_pair():
    """fixture_pair("enums") -> (old_doc, new_doc) from tests/fixtures/diff/enums/{old,new}.yaml"""
    return lambda name: (_load(name, "old"), _load(name, "new"))


@pytest.fixture
def diff_fixture(fixture_pair):
    """diff_fixture("enums") -> {(rule id, location): Change} for the fixture pair."""
    from vapi_contract.diff import compare

    def run(name: str):
        result = compare(*fixture_pair(name))
        found = {(c.id, c.location): c for c in result.changes}
        assert len(found) == len(result.changes), "a change was reported twice at the same place"
        return found

    return run
