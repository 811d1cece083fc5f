"""Enums JSON Schema meta-schemas reject: empty (nothing is valid) or with duplicate values."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import canonical, matches_type


@schema_rule("enum")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> dict[str, Any] | None:
    enum = schema["enum"]
    if not isinstance(enum, list):
        ctx.report("enum-not-array", pointer, f"enum is not a list ({type(enum).__name__}); dropped")
        del schema["enum"]
        return None
    if not enum:
        ctx.report("unsatisfiable-schema", pointer, "empty enum: no value can match; read as matching nothing")
        return _never(schema)
    seen: dict[str, Any] = {}
    for value in enum:
        seen.setdefault(canonical(value), value)
    if len(seen) != len(enum):
        dupes = len(enum) - len(seen)
        ctx.report("enum-duplicates", pointer, f"enum lists {dupes} value(s) twice; duplicates dropped")
        schema["enum"] = list(seen.values())
    declared = schema.get("type")
    if declared == "array":
        return None  # an array's scalar enum lists its items' values (enum_on_array)
    nullable_null = schema.get("nullable") and None in schema["enum"]
    if isinstance(declared, str) and not nullable_null and not any(matches_type(v, declared) for v in schema["enum"]):
        ctx.report("unsatisfiable-schema", pointer, f"no enum value is of type {declared!r}")
        return _never(schema)
    return None


def _never(schema: dict[str, Any]) -> dict[str, Any]:
    kept = {k: schema[k] for k in ("title", "description") if k in schema}
    return {**kept, "not": {}}
