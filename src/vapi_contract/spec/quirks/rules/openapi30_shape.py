"""OpenAPI 3.0 schema-shape errors that validators tolerate: reported, left as a lenient reader takes them.

- `type: "null"` does not exist in OpenAPI 3.0 (it has `nullable`); JSON Schema reads it as JSON null.
- `type: array` without `items` is invalid in OpenAPI 3.0; any items are accepted.
- `examples` (a list, JSON Schema style) is not an OpenAPI 3.0 schema keyword (it has `example`);
  validators ignore it, and examples_invalid already dropped any entry the schema rejects.
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import schema_rule


@schema_rule("type")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    declared = schema["type"]
    if declared == "null" and str(ctx.original.get("openapi", "")).startswith("3.0"):
        ctx.report("type-null", pointer, "type 'null' does not exist in OpenAPI 3.0; read as JSON null")
    elif declared == "array" and "items" not in schema:
        ctx.report("array-without-items", pointer, "array without items (required in OpenAPI 3.0); any items")


@schema_rule("examples")
def examples_keyword(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    if str(ctx.original.get("openapi", "")).startswith("3.0"):
        ctx.report("examples-in-schema", pointer + "/examples",
                   "'examples' is not an OpenAPI 3.0 schema keyword (use 'example'); ignored by validators")
