"""Responses: success and error status codes, media types, headers, and their body schemas."""

from __future__ import annotations

from ..engine import OperationPair
from ..registry import operation_rule
from ..schemas import types_of


def _success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


@operation_rule
def responses(op: OperationPair) -> None:
    differ = op.differ
    old = op.old.definition.get("responses") or {}
    new = op.new.definition.get("responses") or {}
    for status in sorted(old.keys() - new.keys()):
        rule = "response-success-status-removed" if _success(status) else "response-non-success-status-removed"
        op.report(rule, f"response {status}", f"response {status}: status removed")
    for status in sorted(new.keys() - old.keys()):
        rule = "response-success-status-added" if _success(status) else "response-non-success-status-added"
        op.report(rule, f"response {status}", f"response {status}: status added")
    for status in sorted(old.keys() & new.keys()):
        before, after = differ.deref_old(old[status]), differ.deref_new(new[status])
        if isinstance(before, dict) and isinstance(after, dict):
            _media_types(op, status, before, after)
            _headers(op, status, before, after)


def _media_types(op: OperationPair, status: str, before: dict, after: dict) -> None:
    old_content = before.get("content") or {}
    new_content = after.get("content") or {}
    for media in sorted(old_content.keys() - new_content.keys()):
        op.report("response-media-type-removed", f"response {status} {media}",
                  f"response {status}: media type {media} removed")
    for media in sorted(new_content.keys() - old_content.keys()):
        op.report("response-media-type-added", f"response {status} {media}",
                  f"response {status}: media type {media} added")
    for media in sorted(old_content.keys() & new_content.keys()):
        old_schema = (old_content[media] or {}).get("schema")
        new_schema = (new_content[media] or {}).get("schema")
        if isinstance(old_schema, dict) and isinstance(new_schema, dict):
            op.walk_schema(old_schema, new_schema, direction="response", kind="body",
                           where=f"response {status} {media}")


def _headers(op: OperationPair, status: str, before: dict, after: dict) -> None:
    differ = op.differ
    # header names are case-insensitive; reports keep the spelling of the version that has it
    old = {k.lower(): differ.deref_old(v) for k, v in (before.get("headers") or {}).items()}
    new = {k.lower(): differ.deref_new(v) for k, v in (after.get("headers") or {}).items()}
    spelled = {k.lower(): k for k in (*(before.get("headers") or {}), *(after.get("headers") or {}))}
    for name in sorted(old.keys() - new.keys()):
        required = isinstance(old[name], dict) and old[name].get("required") is True
        rule = "required-response-header-removed" if required else "optional-response-header-removed"
        op.report(rule, f"response {status} header {spelled[name]}", f"response {status}: header {spelled[name]} removed")
    for name in sorted(new.keys() - old.keys()):
        op.report("response-header-added", f"response {status} header {spelled[name]}",
                  f"response {status}: header {spelled[name]} added")
    for name in sorted(old.keys() & new.keys()):
        was, now = old[name], new[name]
        if not isinstance(was, dict) or not isinstance(now, dict):
            continue
        location = f"response {status} header {spelled[name]}"
        if was.get("required") is True and now.get("required") is not True:
            op.report("response-header-became-optional", location, f"{location}: became optional")
        old_schema, new_schema = differ.deref_old(was.get("schema")), differ.deref_new(now.get("schema"))
        if isinstance(old_schema, dict) and isinstance(new_schema, dict):
            old_types, new_types = types_of(old_schema), types_of(new_schema)
            if old_types and new_types and old_types != new_types:
                op.report("response-header-type-changed", location,
                          f"{location}: type changed from {'/'.join(sorted(old_types))} to {'/'.join(sorted(new_types))}")
