"""A `default` that the schema itself rejects (e.g. a list as default of a string enum): dropped.

Defaults never change what a server accepts, but generators send them as examples.
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule
from vapi_contract.spec.quirks.rules._values import local_violation


@schema_rule("default")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    reason = local_violation(schema, schema["default"])
    if reason:
        del schema["default"]
        ctx.report("default-invalid", pointer + "/default", f"default {reason}; dropped")
