"""Parameters (path, query, header, cookie): added, removed, required, deprecated, and their schemas."""

from __future__ import annotations

import re
from typing import Any

from ..engine import OperationPair
from ..registry import operation_rule

_TEMPLATE = re.compile(r"\{([^}/]*)\}")


def _parameters(differ, op, deref) -> dict[tuple[str, str], dict[str, Any]]:
    """Path-level parameters overridden by operation-level ones, keyed by (in, name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for source in (op.path_item.get("parameters"), op.definition.get("parameters")):
        for item in source or []:
            param = deref(item)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                where = param.get("in", "query")
                # header names are case-insensitive: X-Trace and x-trace are one parameter
                found[(where, param["name"].lower() if where == "header" else param["name"])] = param
    return found


def _path_renames(old_path: str, new_path: str) -> dict[str, str]:
    """`/x/{id}` -> `/x/{assistantId}`: the same path parameter under a new name."""
    return dict(zip(_TEMPLATE.findall(old_path), _TEMPLATE.findall(new_path)))


@operation_rule
def parameters(op: OperationPair) -> None:
    differ = op.differ
    old = _parameters(differ, op.old, differ.deref_old)
    new = _parameters(differ, op.new, differ.deref_new)
    renames = _path_renames(op.old.path, op.new.path)
    old = {(("path", renames.get(name, name)) if where == "path" else (where, name)): p for (where, name), p in old.items()}
    for key in sorted(new.keys() - old.keys()):
        where, _ = key
        param = new[key]
        name = param["name"]
        location = f"{where} parameter {name}"
        if where == "path":
            op.report("new-request-path-parameter", location, f"{location}: new path parameter")
        elif param.get("required") is True:
            op.report("new-required-request-parameter", location, f"{location}: new required parameter")
        else:
            op.report("new-optional-request-parameter", location, f"{location}: new optional parameter")
    for key in sorted(old.keys() - new.keys()):
        where, name = key[0], old[key]["name"]
        location = f"{where} parameter {name}"
        if old[key].get("deprecated") is True:
            op.report("request-parameter-removed-with-deprecation", location, f"{location}: removed after deprecation")
        else:
            op.report("request-parameter-removed", location, f"{location}: removed")
    for key in sorted(old.keys() & new.keys()):
        before, after = old[key], new[key]
        location = f"{key[0]} parameter {after['name']}"
        if key[0] != "path":  # path parameters are always required
            if after.get("required") is True and before.get("required") is not True:
                op.report("request-parameter-became-required", location, f"{location}: became required")
            elif before.get("required") is True and after.get("required") is not True:
                op.report("request-parameter-became-optional", location, f"{location}: became optional")
        if after.get("deprecated") is True and before.get("deprecated") is not True:
            op.report("request-parameter-deprecated", location, f"{location}: deprecated")
        elif before.get("deprecated") is True and after.get("deprecated") is not True:
            op.report("request-parameter-reactivated", location, f"{location}: no longer deprecated")
        if isinstance(before.get("schema"), dict) and isinstance(after.get("schema"), dict):
            op.walk_schema(before["schema"], after["schema"], direction="request", kind="parameter", where=location)
