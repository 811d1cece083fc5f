"""Rule ids and levels match oasdiff's public catalogue, so findings map across tools."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from vapi_contract.diff.catalogue import EXTENSIONS, OASDIFF_LEVELS

REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "breaking-change-rule-ids.csv"
SOURCES = Path(__file__).resolve().parents[3] / "src" / "vapi_contract" / "diff"


def test_levels_equal_the_reference_catalogue():
    if not REFERENCE.exists():
        pytest.skip(f"reference catalogue not found at {REFERENCE}")
    names = {"ERR": "error", "WARN": "warning", "INFO": "info"}
    with REFERENCE.open() as fh:
        reference = {row["id"]: names[row["level"]] for row in csv.DictReader(fh)}
    assert OASDIFF_LEVELS == reference


def test_extensions_do_not_shadow_oasdiff_ids_and_are_kebab_case():
    assert not set(EXTENSIONS) & set(OASDIFF_LEVELS)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule) for rule in EXTENSIONS)


def test_every_literal_rule_id_in_the_rules_is_catalogued():
    """Ids written out in rule code (not built from a concept) must exist, or the rule would crash at run time."""
    known = set(OASDIFF_LEVELS) | set(EXTENSIONS)
    literal = re.compile(r'"((?:api|endpoint|request|response|new|required|optional|schema)-[a-z-]+)"')
    found = set()
    for path in (SOURCES / "rules").glob("*.py"):
        found.update(literal.findall(path.read_text()))
    assert found and found <= known, sorted(found - known)
