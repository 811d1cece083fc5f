"""Schema keywords written on a parameter object instead of in its `schema` (63 times in 26 versions, e.g.
`GET /session` `assistantOverrides`: `allOf: [AssistantOverrides]` beside `schema: {}`). OpenAPI ignores
them; the declared schema (usually `{}`) is what applies, so a server accepts any value. Moving them into
the schema would make generators serialize a whole object into one query parameter, which no server reads.
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import parameter_rule

_SCHEMA_ONLY = ("allOf", "oneOf", "anyOf", "not", "type", "enum", "items", "properties", "format", "pattern")


@parameter_rule
def fix(parameter: dict[str, Any], pointer: str, ctx: Context) -> None:
    misplaced = [key for key in _SCHEMA_ONLY if key in parameter]
    if not misplaced:
        return
    for key in misplaced:
        del parameter[key]
    ctx.report(
        "parameter-schema-misplaced", pointer,
        f"schema keyword(s) {', '.join(misplaced)} on the parameter object itself are ignored by OpenAPI; "
        "dropped, its schema applies",
    )
