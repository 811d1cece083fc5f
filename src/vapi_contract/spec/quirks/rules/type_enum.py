"""`type: "enum"` is no JSON type: drop it, and type the schema from its enum values."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import infer_type

JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


@schema_rule("type")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    declared = schema["type"]
    if isinstance(declared, str) and declared in JSON_TYPES:
        return
    if isinstance(declared, list) and declared and all(isinstance(t, str) and t in JSON_TYPES for t in declared):
        return  # OpenAPI 3.1 / JSON Schema: a list of types
    enum = schema.get("enum")
    inferred = infer_type(enum) if isinstance(enum, list) and enum else None
    kind = "type-enum" if declared == "enum" else "type-unknown"
    if inferred:
        schema["type"] = inferred
        ctx.report(kind, pointer, f"type {declared!r} is not a JSON type; read as {inferred!r} from its enum")
    else:
        del schema["type"]
        ctx.report(kind, pointer, f"type {declared!r} is not a JSON type; dropped (any type)")
