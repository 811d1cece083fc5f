"""`type: object` with an enum of strings: Vapi means "one of these strings" (e.g. a provider name)."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import infer_type


@schema_rule("enum")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    enum = schema["enum"]
    if schema.get("type") != "object" or not isinstance(enum, list) or not enum:
        return
    inferred = infer_type(enum)
    if inferred in (None, "object"):
        return
    schema["type"] = inferred
    ctx.report(
        "enum-on-object", pointer, f"type 'object' with an enum of {inferred} values; read as a {inferred} enum"
    )
