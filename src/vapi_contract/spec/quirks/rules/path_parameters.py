"""Path template variables no parameter declares (DELETE /call/{id} in 30 versions, /{provider}/voices/...):
a server routes any segment there, so a required string path parameter is added (generators need one)."""

from __future__ import annotations

import re
from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules import operation_rule

_TEMPLATE = re.compile(r"{([^}/]+)}")


@operation_rule
def fix(operation: dict[str, Any], path_item: dict[str, Any], path: str, pointer: str, ctx: Context) -> None:
    declared = {
        p.get("name")
        for p in [*_list(path_item.get("parameters")), *_list(operation.get("parameters"))]
        if isinstance(p, dict) and p.get("in") == "path"
    }
    missing = [name for name in dict.fromkeys(_TEMPLATE.findall(path)) if name not in declared]
    if not missing:
        return
    added = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in missing]
    operation["parameters"] = [*_list(operation.get("parameters")), *added]
    ctx.report(
        "path-parameter-undeclared", pointer,
        f"path variable(s) {', '.join(missing)} not declared as parameters; read as required strings",
    )


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
