"""The same parameter (name + in) declared twice in one list (GET /session `name`, 24 versions). OpenAPI
forbids it; a server reads one value, valid if either declaration accepts it: the first declaration is kept,
with its schema widened to anyOf both when they differ, and required only if both say so."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import operation_rule


@operation_rule
def fix(operation: dict[str, Any], path_item: dict[str, Any], path: str, pointer: str, ctx: Context) -> None:
    params = operation.get("parameters")
    if not isinstance(params, list) or len(params) < 2:
        return
    first: dict[tuple, dict[str, Any]] = {}
    kept = []
    for index, param in enumerate(params):
        key = (param.get("name"), param.get("in")) if isinstance(param, dict) and "$ref" not in param else None
        if key is None or key not in first:
            if key is not None:
                first[key] = param
            kept.append(param)
            continue
        original = first[key]
        if "schema" in param and param.get("schema") != original.get("schema"):
            original["schema"] = {"anyOf": [original.get("schema", {}), param["schema"]]}
        original["required"] = bool(original.get("required")) and bool(param.get("required"))
        ctx.report(
            "parameter-duplicate", f"{pointer}/parameters/{index}",
            f"{key[1]} parameter {key[0]!r} declared again; merged into the first declaration",
        )
    if len(kept) != len(params):
        operation["parameters"] = kept
