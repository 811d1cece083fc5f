"""Small pure helpers to read JSON schemas the way Vapi writes them (wrappers, quirks, 3.0 and 3.1 forms)."""

from __future__ import annotations

import json
import re
from typing import Any

JSON_TYPES = {"string", "number", "integer", "boolean", "array", "object", "null"}
# Keys that only annotate: a single-element allOf wrapper carrying only these is the element itself.
ANNOTATIONS = {"description", "title", "example", "examples", "deprecated", "externalDocs", "x-stainless-naming"}


def unwrap(schema: Any) -> Any:
    """`{"allOf": [X], "description": ...}` (NestJS writes ~800 of these) means X."""
    while (
        isinstance(schema, dict)
        and isinstance(schema.get("allOf"), list)
        and len(schema["allOf"]) == 1
        and all(key in ANNOTATIONS or key.startswith("x-") for key in schema if key != "allOf")
    ):
        schema = schema["allOf"][0]
    return schema


def _is_null(branch: Any) -> bool:
    return isinstance(branch, dict) and branch.get("type") in ("null", ["null"]) and \
        all(key in ANNOTATIONS or key == "type" for key in branch)


def null_wrapped(schema: Any) -> Any:
    """`oneOf`/`anyOf: [{type: "null"}, X]` (how 3.1 makes a `$ref` nullable) is X, nullable; returns X or None."""
    if not isinstance(schema, dict):
        return None
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and len(branches) == 2 and sum(map(_is_null, branches)) == 1 and \
                all(k == key or k in ANNOTATIONS or k.startswith("x-") for k in schema):
            return next(b for b in branches if not _is_null(b))
    return None


def types_of(schema: dict) -> frozenset[str]:
    """Declared JSON types without null; inferred from properties/items when undeclared; unknown names dropped
    (Vapi writes `type: "enum"`)."""
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared] if isinstance(declared, str) else []
    found = {name for name in names if isinstance(name, str) and name in JSON_TYPES and name != "null"}
    if not found:
        if isinstance(schema.get("properties"), dict):
            found.add("object")
        elif isinstance(schema.get("items"), dict):
            found.add("array")
    return frozenset(found)


def nullable(schema: dict) -> bool:
    declared = schema.get("type")
    return schema.get("nullable") is True or (isinstance(declared, list) and "null" in declared)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _mask_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("#ref" if k == "$ref" else _mask_refs(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_refs(v) for v in value]
    return value


def shape(value: Any) -> str:
    """Canonical JSON with every $ref target masked: two schemas of the same shape whose refs point at renamed
    components compare equal. Used only to pair things up; the walker then compares the pair in depth."""
    return canonical(_mask_refs(value))


def enum_values(schema: dict) -> dict[str, Any] | None:
    """Enum values keyed by canonical JSON (so 1 and "1" differ), or None without an enum."""
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    return {canonical(value): value for value in values}


_JS_LITERAL = re.compile(r"/(?P<body>.+)/(?P<flags>[dgimsuvy]*)", re.DOTALL)


def pattern_of(schema: dict) -> str | None:
    """The regex with a JS literal wrapper (`/^a$/u`, a Vapi quirk) taken off, so the same regex written both
    ways is no change; flags other than u/g (which do not change what matches here) stay visible."""
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return None
    literal = _JS_LITERAL.fullmatch(pattern)
    if literal:
        flags = "".join(sorted(set(literal.group("flags")) - set("ugdy")))
        return (f"(?{flags})" if flags else "") + literal.group("body")
    return pattern


def show(values: list[Any], limit: int = 6) -> str:
    shown = ", ".join(canonical(value) for value in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]
