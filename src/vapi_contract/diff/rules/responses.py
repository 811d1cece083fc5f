"""Responses: success and error status codes, media types, headers, and their body schemas."""

from __future__ import annotations

from ..engine import OperationPair
from ..registry import operation_rule, rule_ids
from .media import base, by_base, covers

IDS = rule_ids(__name__, """
    response-success-status-removed response-non-success-status-removed response-success-status-added
    response-non-success-status-added response-media-type-removed response-media-type-added
    response-media-type-name-changed response-media-type-name-generalized response-media-type-name-specialized
    response-body-media-type-schema-added response-body-media-type-schema-removed
    required-response-header-removed optional-response-header-removed response-header-added
    response-header-became-optional
""")


def _success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


@operation_rule
def responses(op: OperationPair) -> None:
    differ = op.differ
    old, new = op.old.definition.get("responses"), op.new.definition.get("responses")
    old = {str(k): v for k, v in old.items()} if isinstance(old, dict) else {}
    new = {str(k): v for k, v in new.items()} if isinstance(new, dict) else {}
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
    old_content, new_content = by_base(before.get("content")), by_base(after.get("content"))
    removed = sorted(old_content.keys() - new_content.keys())
    added = sorted(new_content.keys() - old_content.keys())
    pairs = [(media, media) for media in sorted(old_content.keys() & new_content.keys())]
    if len(removed) == 1 and len(added) == 1 and (covers(added[0], removed[0]) or covers(removed[0], added[0])):
        # one media type swapped for a range that covers it (or the reverse): a rename, not a removal
        old_key, new_key = old_content[removed[0]][0], new_content[added[0]][0]
        rule = ("response-media-type-name-generalized" if covers(added[0], removed[0])
                else "response-media-type-name-specialized")
        op.report(rule, f"response {status} {new_key}", f"response {status}: media type {old_key} became {new_key}")
        pairs.append((removed.pop(), added.pop()))
    for media in removed:
        key = old_content[media][0]
        op.report("response-media-type-removed", f"response {status} {key}", f"response {status}: media type {key} removed")
    for media in added:
        key = new_content[media][0]
        op.report("response-media-type-added", f"response {status} {key}", f"response {status}: media type {key} added")
    for old_media, new_media in pairs:
        (old_key, old_body), (new_key, new_body) = old_content[old_media], new_content[new_media]
        where = f"response {status} {new_key}"
        if old_key != new_key and base(old_key) == base(new_key):
            op.report("response-media-type-name-changed", where, f"response {status}: media type {old_key} is now {new_key}")
        old_schema, new_schema = old_body.get("schema"), new_body.get("schema")
        if isinstance(old_schema, dict) and isinstance(new_schema, dict):
            op.walk_schema(old_schema, new_schema, direction="response", kind="body", where=where, media=new_key)
        elif isinstance(new_schema, dict):
            op.report("response-body-media-type-schema-added", where, f"{where}: schema added")
        elif isinstance(old_schema, dict):
            # anything may come back now: clients that parsed the old shape may break
            op.report("response-body-media-type-schema-removed", where, f"{where}: schema removed")


def _headers(op: OperationPair, status: str, before: dict, after: dict) -> None:
    differ = op.differ
    # header names are case-insensitive; reports keep the spelling of the version that has it
    old_headers = before.get("headers") if isinstance(before.get("headers"), dict) else {}
    new_headers = after.get("headers") if isinstance(after.get("headers"), dict) else {}
    old = {str(k).lower(): differ.deref_old(v) for k, v in old_headers.items()}
    new = {str(k).lower(): differ.deref_new(v) for k, v in new_headers.items()}
    spelled = {str(k).lower(): str(k) for k in (*old_headers, *new_headers)}
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
        if isinstance(was.get("schema"), dict) and isinstance(now.get("schema"), dict):
            op.walk_schema(was["schema"], now["schema"], direction="response", kind="header", where=location)
