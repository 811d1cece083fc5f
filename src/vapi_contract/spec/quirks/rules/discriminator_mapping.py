"""Discriminator mappings naming schemas that do not exist: the entry is dropped (nothing to map to)."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.issues import escape_token
from vapi_contract.spec.quirks.rules import schema_rule


@schema_rule("discriminator")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    discriminator = schema["discriminator"]
    if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
        del schema["discriminator"]
        ctx.report("discriminator-invalid", pointer + "/discriminator", "discriminator has no propertyName; dropped")
        return
    mapping = discriminator.get("mapping")
    if not isinstance(mapping, dict):
        return
    kept = {}
    for value, target in mapping.items():
        ref = target if isinstance(target, str) and target.startswith("#") else f"#/components/schemas/{target}"
        if ctx.resolve(ref) is None:
            ctx.report(
                "dangling-discriminator-mapping",
                f"{pointer}/discriminator/mapping/{escape_token(str(value))}",
                f"discriminator value {value!r} maps to missing {target}; mapping entry dropped",
            )
        else:
            kept[value] = target
    if len(kept) != len(mapping):
        schema["discriminator"] = {**discriminator, "mapping": kept}
        if not kept:
            del schema["discriminator"]["mapping"]
