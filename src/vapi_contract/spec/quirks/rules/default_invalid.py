"""A `default` that the schema itself rejects (e.g. a list as default of a string enum): dropped.

Defaults never change what a server accepts, but generators send them as examples.
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import canonical, matches_type


@schema_rule("default")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    default = schema["default"]
    if default is None and schema.get("nullable"):
        return
    enum = schema.get("enum")
    reason = None
    if not matches_type(default, schema.get("type")):
        reason = f"is not of type {schema.get('type')!r}"
    elif isinstance(enum, list) and canonical(default) not in {canonical(v) for v in enum}:
        reason = "is not one of the enum values"
    if reason:
        del schema["default"]
        ctx.report("default-invalid", pointer + "/default", f"default {reason}; dropped")
