"""Rule registration: each rule (or rule family) is one small function registered with a decorator.

Three scopes, so a rule only sees what it needs:
- `document_rule(fn(doc: DocumentPair))`: once per diff (security schemes, removed components...).
- `operation_rule(fn(op: OperationPair))`: once per operation present in both versions (parameters, bodies...).
- `schema_rule(fn(pair: SchemaPair))`: once per pair of matching schema nodes the walker reaches (type, enum...).
Rules never recurse themselves: the walker descends through $refs, properties, items and compositions.

Every id a rule module can emit is written out literally in that module with `rule_ids(...)`; the engine refuses
any other id, so `DECLARED` is exactly what the differ can report (tests/unit/diff/test_catalogue.py checks it
against the catalogue, and that each one has its own fixture pair).
"""

from __future__ import annotations

from collections.abc import Callable

DOCUMENT_RULES: list[Callable] = []
OPERATION_RULES: list[Callable] = []
SCHEMA_RULES: list[Callable] = []
DECLARED: dict[str, str] = {}  # rule id -> the rule module that emits it


def rule_ids(module: str, block: str) -> frozenset[str]:
    """Declare the ids MODULE emits, one or more per line (whitespace separated)."""
    ids = frozenset(block.split())
    for rule_id in ids:
        DECLARED.setdefault(rule_id, module)
    return ids


def document_rule(fn: Callable) -> Callable:
    DOCUMENT_RULES.append(fn)
    return fn


def operation_rule(fn: Callable) -> Callable:
    OPERATION_RULES.append(fn)
    return fn


def schema_rule(fn: Callable) -> Callable:
    SCHEMA_RULES.append(fn)
    return fn


def load_rules() -> None:
    """Import every rule family once; registration happens as a side effect of the import."""
    from .rules import (  # noqa: F401
        bodies,
        composition,
        constraints,
        enums,
        json_schema,
        lifecycle,
        operations,
        parameters,
        properties,
        responses,
        schema_values,
        security,
        types,
    )
