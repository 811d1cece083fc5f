"""Request bodies: added, removed, required, media types, and their schemas."""

from __future__ import annotations

from ..engine import OperationPair
from ..registry import operation_rule


@operation_rule
def request_body(op: OperationPair) -> None:
    differ = op.differ
    before = differ.deref_old(op.old.definition.get("requestBody"))
    after = differ.deref_new(op.new.definition.get("requestBody"))
    before = before if isinstance(before, dict) else None
    after = after if isinstance(after, dict) else None
    if before is None and after is None:
        return
    if before is None:
        if after.get("required") is True:
            op.report("request-body-added-required", "request body", "request body: added as required")
        else:
            op.report("request-body-added-optional", "request body", "request body: added as optional")
        return
    if after is None:
        op.report("request-body-removed", "request body", "request body: removed")
        return
    if after.get("required") is True and before.get("required") is not True:
        op.report("request-body-became-required", "request body", "request body: became required")
    elif before.get("required") is True and after.get("required") is not True:
        op.report("request-body-became-optional", "request body", "request body: became optional")
    old_content = before.get("content") or {}
    new_content = after.get("content") or {}
    for media in sorted(old_content.keys() - new_content.keys()):
        op.report("request-body-media-type-removed", f"request body {media}", f"request body: media type {media} removed")
    for media in sorted(new_content.keys() - old_content.keys()):
        op.report("request-body-media-type-added", f"request body {media}", f"request body: media type {media} added")
    for media in sorted(old_content.keys() & new_content.keys()):
        old_schema = (old_content[media] or {}).get("schema")
        new_schema = (new_content[media] or {}).get("schema")
        if isinstance(old_schema, dict) and isinstance(new_schema, dict):
            op.walk_schema(old_schema, new_schema, direction="request", kind="body", where=f"request body {media}")
