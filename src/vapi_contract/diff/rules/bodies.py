"""Request bodies: added, removed, required, media types, and their schemas."""

from __future__ import annotations

from ..engine import OperationPair
from ..registry import operation_rule, rule_ids
from .media import by_base

IDS = rule_ids(__name__, """
    request-body-added-required request-body-added-optional request-body-removed request-body-became-required
    request-body-became-optional request-body-media-type-removed request-body-media-type-added
    request-body-media-type-schema-added request-body-media-type-schema-removed
""")


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
    old_content, new_content = by_base(before.get("content")), by_base(after.get("content"))
    for media in sorted(old_content.keys() - new_content.keys()):
        key = old_content[media][0]
        op.report("request-body-media-type-removed", f"request body {key}", f"request body: media type {key} removed")
    for media in sorted(new_content.keys() - old_content.keys()):
        key = new_content[media][0]
        op.report("request-body-media-type-added", f"request body {key}", f"request body: media type {key} added")
    for media in sorted(old_content.keys() & new_content.keys()):
        key = new_content[media][0]
        old_schema, new_schema = old_content[media][1].get("schema"), new_content[media][1].get("schema")
        where = f"request body {key}"
        if isinstance(old_schema, dict) and isinstance(new_schema, dict):
            op.walk_schema(old_schema, new_schema, direction="request", kind="body", where=where, media=key)
        elif isinstance(new_schema, dict):
            # no schema accepted any payload; one now limits what clients may send
            op.report("request-body-media-type-schema-added", where, f"{where}: schema added")
        elif isinstance(old_schema, dict):
            op.report("request-body-media-type-schema-removed", where, f"{where}: schema removed")
