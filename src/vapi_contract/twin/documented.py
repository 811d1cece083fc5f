"""Cut a value to what its schema documents, at every depth: the twin answers no property its spec does not list.

Vapi's schemas never say `additionalProperties: false`, so a request may carry properties they do not list (the
twin accepts them, as a whitelisting NestJS pipe does) and the twin must not store or echo them. Where a schema
lists its properties, every other property is dropped, in nested objects and array items too; a schema that lists
none, or allows more (`additionalProperties: true` or a schema), keeps what it has. `oneOf`/`anyOf` are read
through the branches the value matches (a tool of type `function` keeps only the function tool's properties),
`allOf` through all of its parts; `required` names count as documented.
"""

from __future__ import annotations

from typing import Any

from .schemas import SchemaBook

MAX_DEPTH = 32


def documented_only(book: SchemaBook, value: Any, schema: Any, depth: int = 0) -> Any:
    """`value` without the properties `schema` does not document (a new value; the input is not changed)."""
    schema = book.resolve(schema)
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return value
    if isinstance(value, list):
        items = _items(book, value, schema)
        return value if items is None else [documented_only(book, v, items, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    parts = _parts(book, value, schema, depth)
    if parts is None:
        return value
    listed: dict[str, list[Any]] = {}
    required: set[str] = set()
    for part in parts:
        for name, sub in (part.get("properties") or {}).items():
            listed.setdefault(name, []).append(sub)
        required |= {r for r in part.get("required") or [] if isinstance(r, str)}
    result = {}
    for name, item in value.items():
        subs = listed.get(name)
        if subs:
            result[name] = documented_only(book, item, subs[0] if len(subs) == 1 else {"anyOf": subs}, depth + 1)
        elif name in required:
            result[name] = item
    return result


def _parts(book: SchemaBook, value: dict[str, Any], schema: dict[str, Any], depth: int) -> list[dict] | None:
    """The object schemas that apply to `value` (flattened), or None when one of them allows unlisted names."""
    if depth > MAX_DEPTH:
        return None
    extra = schema.get("additionalProperties")
    if extra not in (None, False):
        return None
    parts: list[dict[str, Any]] = [schema] if "properties" in schema else []
    for key in ("allOf", "oneOf", "anyOf"):
        branches = [book.resolve(b) for b in schema.get(key) or []]
        branches = [b for b in branches if isinstance(b, dict)]
        if key != "allOf":
            matching = [b for b in branches if book.schema_valid(b, value)]
            branches = matching or branches
        for branch in branches:
            found = _parts(book, value, branch, depth + 1)
            if found is None and key == "allOf" and branch.get("additionalProperties") in (None, False):
                continue  # a part that lists nothing (`{"type": "object"}`) documents nothing, allows nothing
            if found is None:
                return None
            parts += found
    if not parts and "properties" not in schema:
        composite = any(schema.get(k) for k in ("allOf", "oneOf", "anyOf"))
        return [] if composite else None  # `{"type": "object"}` alone is free-form
    return parts


def _items(book: SchemaBook, value: list[Any], schema: dict[str, Any]) -> Any:
    """The item schema of an array schema (through the branches the array matches), or None."""
    if "items" in schema:
        return schema["items"]
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            branch = book.resolve(branch)
            if isinstance(branch, dict) and (key == "allOf" or book.schema_valid(branch, value)):
                found = _items(book, value, branch)
                if found is not None:
                    return found
    return None
