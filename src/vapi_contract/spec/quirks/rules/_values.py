"""Helpers on JSON values shared by the enum/type rules."""

from __future__ import annotations

import json
from typing import Any


def json_type(value: Any) -> str:
    """JSON Schema type name of a value (`integer` for whole numbers, as Draft 4 does)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def infer_type(values: list[Any]) -> str | None:
    """The single type all values share (`number` for int/float mixes), None when they disagree."""
    types = {json_type(v) for v in values} - {"null"}
    if types == {"integer", "number"}:
        return "number"
    return types.pop() if len(types) == 1 else None


def matches_type(value: Any, schema_type: Any) -> bool:
    if not isinstance(schema_type, str):
        return True
    actual = json_type(value)
    return actual == schema_type or (schema_type == "number" and actual == "integer")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
