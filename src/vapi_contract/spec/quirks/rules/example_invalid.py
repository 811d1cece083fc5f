"""`example`s the schema itself rejects: mostly `example: null` on non-nullable fields (NestJS writes it
for "no example"), some stale enum values. Generators (schemathesis' examples phase) send examples as
valid payloads, so an invalid one would make a correct server look wrong: dropped and reported.
"""

from __future__ import annotations

import json
from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import local_violation

_COMPOSITE = ("$ref", "allOf", "oneOf", "anyOf", "not")


@schema_rule("example", "examples")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    if any(key in schema for key in _COMPOSITE):
        return  # only the schema's own keywords are checked; composites need a real validator
    if "example" in schema:
        reason = local_violation(schema, schema["example"])
        if reason:
            shown = json.dumps(schema.pop("example"), ensure_ascii=False)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            ctx.report("example-invalid", pointer + "/example", f"example {shown} {reason}; dropped")
    examples = schema.get("examples")
    if isinstance(examples, list):
        kept = [e for e in examples if local_violation(schema, e) is None]
        if len(kept) != len(examples):
            ctx.report(
                "example-invalid", pointer + "/examples",
                f"{len(examples) - len(kept)} of {len(examples)} examples break the schema; dropped",
            )
            if kept:
                schema["examples"] = kept
            else:
                del schema["examples"]
