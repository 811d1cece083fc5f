"""`$ref` to a schema that does not exist (44 published versions): a server accepts anything there."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule

_ANNOTATIONS = ("title", "description")


@schema_rule("$ref")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> dict[str, Any] | None:
    ref = schema["$ref"]
    if not isinstance(ref, str):
        ctx.report("dangling-ref", pointer, f"$ref is not a string ({ref!r}); read as any value")
    elif ctx.resolve(ref) is not None:
        return None
    else:
        ctx.report("dangling-ref", pointer, f"$ref {ref} points to nothing; read as any value")
    return {k: schema[k] for k in _ANNOTATIONS if isinstance(schema.get(k), str)}
