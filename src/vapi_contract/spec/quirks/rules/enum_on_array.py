"""`type: array` with an enum of scalars: Vapi means "every item is one of these"."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import canonical, infer_type


@schema_rule("enum")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    enum = schema["enum"]
    if schema.get("type") != "array" or not isinstance(enum, list):
        return
    if any(isinstance(v, list) for v in enum):
        return  # a real enum of whole arrays
    del schema["enum"]
    items = schema.get("items")
    if not isinstance(items, dict) or "$ref" in items:
        if isinstance(items, dict):
            ctx.moved(items, pointer + "/items")
        items = {"allOf": [items]} if isinstance(items, dict) else {}
    else:
        items = dict(items)
    if "enum" in items:
        same = {canonical(v) for v in items["enum"]} == {canonical(v) for v in enum}
        note = "equal to" if same else "differing from"
        ctx.report("enum-on-array", pointer, f"array-level enum ({note} items.enum) dropped; items.enum applies")
    else:
        items["enum"] = list(enum)
        if "type" not in items and (inferred := infer_type(enum)):
            items["type"] = inferred
        ctx.report("enum-on-array", pointer, "enum on an array; read as the allowed values of its items")
    schema["items"] = items
