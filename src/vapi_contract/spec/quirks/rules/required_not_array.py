"""`required: true` (Swagger 2 style) inside a schema: not a list of names, so meta-schemas reject it."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule


@schema_rule("required")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    required = schema["required"]
    if isinstance(required, list) and all(isinstance(n, str) for n in required):
        if len(set(required)) != len(required):
            schema["required"] = list(dict.fromkeys(required))
            ctx.report("required-duplicates", pointer + "/required", "required lists a name twice; deduplicated")
        elif not required:
            del schema["required"]  # Draft 4 meta-schema wants minItems 1; [] means nothing anyway
        return
    del schema["required"]
    ctx.report("required-not-array", pointer + "/required", f"required is {required!r}, not a list; dropped")
