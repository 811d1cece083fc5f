"""Registry of per-schema quirk rules. Add a quirk: one module here with a @schema_rule function + its test.

A rule receives one schema object of normalize()'s private copy of the document (its own to edit in place),
the JSON pointer of that schema in the original document, and the Context (which reads the original).
It returns None, or a replacement schema. Rules run in RUN_ORDER (below).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vapi_contract.spec.quirks.context import Context

SchemaFix = Callable[[dict[str, Any], str, Context], "dict[str, Any] | None"]


@dataclass(frozen=True, eq=False)
class SchemaRule:
    name: str
    triggers: frozenset[str]  # the rule only runs on schemas that have one of these keys
    fix: SchemaFix
    order: int


RULES: list[SchemaRule] = []
_BY_KEY: dict[str, list[SchemaRule]] = {}
# Rules on parameter/header objects (not schemas): fix(parameter, pointer, ctx) -> None.
PARAMETER_RULES: list[Callable[[dict[str, Any], str, Context], None]] = []


def parameter_rule(fix: Callable[[dict[str, Any], str, Context], None]):
    PARAMETER_RULES.append(fix)
    return fix


# Rules on whole operations, run after its schemas: fix(operation, path_item, path, pointer, ctx) -> None.
OperationFix = Callable[[dict[str, Any], dict[str, Any], str, str, Context], None]
OPERATION_RULES: list[OperationFix] = []


def operation_rule(fix: OperationFix) -> OperationFix:
    OPERATION_RULES.append(fix)
    return fix


def schema_rule(*triggers: str) -> Callable[[SchemaFix], SchemaFix]:
    def register(fix: SchemaFix) -> SchemaFix:
        rule = SchemaRule(fix.__module__.rsplit(".", 1)[-1], frozenset(triggers), fix, len(RULES))
        RULES.append(rule)
        for key in triggers:
            _BY_KEY.setdefault(key, []).append(rule)
        return fix

    return register


def rules_for(schema: dict[str, Any]) -> list[SchemaRule]:
    found: list[SchemaRule] = []
    for key in schema:
        rules = _BY_KEY.get(key)
        if rules:
            found.extend(r for r in rules if r not in found)
    if len(found) > 1:
        found.sort(key=lambda r: r.order)
    return found


# Run order (a tuple, not import order, which linters sort). Dangling refs first: they replace the whole
# schema; enum shape before enum-on-array, so duplicates are reported where they are written; patterns are
# translated before defaults/examples are checked against them; overlap is judged last.
RUN_ORDER = (
    "dangling_ref",
    "type_enum",
    "enum_on_object",
    "enum_shape",
    "enum_on_array",
    "required_not_array",
    "pattern",
    "default_invalid",
    "example_invalid",
    "discriminator_mapping",
    "openapi30_shape",
    "enum_beside_oneof",
    "oneof_overlap",
    "parameter_keywords",
    "path_parameters",
    "duplicate_parameters",
)
for _module in RUN_ORDER:
    importlib.import_module(f"{__name__}.{_module}")
