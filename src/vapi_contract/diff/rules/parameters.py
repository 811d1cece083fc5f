"""Parameters (path, query, header, cookie): added, removed, required, deprecated (with the deprecation policy),
and their schemas (`schema`, or the one schema under `content`)."""

from __future__ import annotations

import re
from typing import Any

from ..engine import OperationPair
from ..registry import operation_rule, rule_ids
from . import lifecycle

IDS = rule_ids(__name__, """
    new-request-path-parameter new-required-request-parameter new-optional-request-parameter
    new-required-request-default-parameter-to-existing-path new-optional-request-default-parameter-to-existing-path
    request-parameter-removed request-parameter-removed-with-deprecation request-parameter-removed-before-sunset
    request-parameter-sunset-parse request-parameter-became-required request-parameter-became-optional
    request-parameter-deprecated request-parameter-reactivated request-parameter-deprecated-sunset-missing
    request-parameter-sunset-date-too-small request-parameter-sunset-deleted
    request-parameter-sunset-date-changed-too-small
""")

_TEMPLATE = re.compile(r"\{([^}/]*)\}")


def _parameters(op, deref) -> dict[tuple[str, str], tuple[dict[str, Any], bool]]:
    """Path-level parameters overridden by operation-level ones, keyed by (in, name): (parameter, from path item)."""
    found: dict[tuple[str, str], tuple[dict[str, Any], bool]] = {}
    for source, shared in ((op.path_item.get("parameters"), True), (op.definition.get("parameters"), False)):
        for item in source if isinstance(source, list) else []:
            param = deref(item)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                where = param.get("in") if isinstance(param.get("in"), str) else "query"
                # header names are case-insensitive: X-Trace and x-trace are one parameter
                found[(where, param["name"].lower() if where == "header" else param["name"])] = (param, shared)
    return found


def _path_renames(old_path: str, new_path: str) -> dict[str, str]:
    """`/x/{id}` -> `/x/{assistantId}`: the same path parameter under a new name."""
    return dict(zip(_TEMPLATE.findall(old_path), _TEMPLATE.findall(new_path)))


def _schema(param: dict) -> tuple[Any, str]:
    if isinstance(param.get("schema"), dict):
        return param["schema"], ""
    content = param.get("content")
    if isinstance(content, dict) and len(content) == 1:
        media, body = next(iter(content.items()))
        if isinstance(body, dict) and isinstance(body.get("schema"), dict):
            return body["schema"], media
    return None, ""


@operation_rule
def parameters(op: OperationPair) -> None:
    differ = op.differ
    old = _parameters(op.old, differ.deref_old)
    new = _parameters(op.new, differ.deref_new)
    renames = _path_renames(op.old.path, op.new.path)
    old = {(("path", renames.get(name, name)) if where == "path" else (where, name)): p for (where, name), p in old.items()}
    for key in sorted(new.keys() - old.keys()):
        where, _ = key
        param, shared = new[key]
        location = f"{where} parameter {param['name']}"
        if where == "path":
            op.report("new-request-path-parameter", location, f"{location}: new path parameter")
        elif param.get("required") is True:
            rule = "new-required-request-default-parameter-to-existing-path" if shared else "new-required-request-parameter"
            op.report(rule, location, f"{location}: new required parameter" + (" (for the whole path)" if shared else ""))
        else:
            rule = "new-optional-request-default-parameter-to-existing-path" if shared else "new-optional-request-parameter"
            op.report(rule, location, f"{location}: new optional parameter" + (" (for the whole path)" if shared else ""))
    for key in sorted(old.keys() - new.keys()):
        param = old[key][0]
        location = f"{key[0]} parameter {param['name']}"
        outcome, detail = lifecycle.removal_outcome(differ.policy, param)
        if outcome == "before-sunset":
            op.report("request-parameter-removed-before-sunset", location, f"{location}: {detail}")
        elif outcome == "invalid":
            op.report("request-parameter-sunset-parse", location, f"{location}: removed; {detail}")
        elif outcome == "with-deprecation":
            op.report("request-parameter-removed-with-deprecation", location, f"{location}: removed after deprecation")
        else:
            op.report("request-parameter-removed", location, f"{location}: removed")
    for key in sorted(old.keys() & new.keys()):
        (before, _), (after, _) = old[key], new[key]
        location = f"{key[0]} parameter {after['name']}"
        if key[0] != "path":  # path parameters are always required
            if after.get("required") is True and before.get("required") is not True:
                op.report("request-parameter-became-required", location, f"{location}: became required")
            elif before.get("required") is True and after.get("required") is not True:
                op.report("request-parameter-became-optional", location, f"{location}: became optional")
        _deprecation(op, before, after, location)
        (old_schema, _), (new_schema, media) = _schema(before), _schema(after)
        if old_schema is not None and new_schema is not None:
            op.walk_schema(old_schema, new_schema, direction="request", kind="parameter", where=location, media=media)


def _deprecation(op: OperationPair, before: dict, after: dict, location: str) -> None:
    was, now = before.get("deprecated") is True, after.get("deprecated") is True
    if was and not now:
        op.report("request-parameter-reactivated", location, f"{location}: no longer deprecated")
    elif now and not was:
        outcome, detail = lifecycle.deprecation_outcome(op.differ.policy, after, op.new.definition)
        rule = {"ok": "request-parameter-deprecated", "with-sunset": "request-parameter-deprecated",
                "missing": "request-parameter-deprecated-sunset-missing", "invalid": "request-parameter-sunset-parse",
                "too-small": "request-parameter-sunset-date-too-small"}[outcome]
        op.report(rule, location, f"{location}: deprecated" + (f" ({detail})" if detail else ""))
    elif was and now:
        changed = lifecycle.sunset_change(op.differ.policy, before, after)
        if changed:
            rule = {"deleted": "request-parameter-sunset-deleted", "invalid": "request-parameter-sunset-parse",
                    "too-small": "request-parameter-sunset-date-changed-too-small"}[changed[0]]
            op.report(rule, location, f"{location}: {changed[1]}")
