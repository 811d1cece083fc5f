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


def canonical(value: Any) -> Any:
    """A hashable key equal for equal JSON values (1 == 1.0, but true != 1), cheap for scalars."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if value is None:
        return ("null",)
    return ("json", json.dumps(value, sort_keys=True, separators=(",", ":")))


def type_of_key(key: Any) -> str:
    """json_type of the value a canonical() key stands for."""
    if isinstance(key, str):
        return "string"
    if key[0] == "number":
        return json_type(key[1])
    if key[0] == "json":
        return json_type(json.loads(key[1]))
    return key[0]


def local_violation(schema: dict[str, Any], value: Any) -> str | None:
    """Why `value` breaks the schema's own scalar keywords (type, enum, bounds, lengths, pattern), or None.

    Deliberately local: refs and combinators are not followed (defaults/examples are checked cheaply).
    Patterns are expected in their normalized (Python-compatible) form.
    """
    import re

    if value is None and schema.get("nullable") is True:
        return None
    declared = schema.get("type")
    if not matches_type(value, declared):
        return f"is not of type {declared!r}"
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and canonical(value) not in {canonical(v) for v in enum}:
        return "is not one of the enum values"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        if isinstance(low, (int, float)) and (value < low or value == low and schema.get("exclusiveMinimum") is True):
            return f"is below the minimum {low}"
        if isinstance(high, (int, float)) and (value > high or value == high and schema.get("exclusiveMaximum") is True):
            return f"is above the maximum {high}"
    if isinstance(value, str):
        if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
            return f"is shorter than minLength {schema['minLength']}"
        if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
            return f"is longer than maxLength {schema['maxLength']}"
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            try:
                if not re.search(pattern, value):
                    return "does not match the pattern"
            except re.error:
                return None
    return None
