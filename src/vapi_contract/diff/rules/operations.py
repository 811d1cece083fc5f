"""Paths and operations: removed (with or without deprecation first), added, deprecated, reactivated, ids, tags."""

from __future__ import annotations

from ..engine import DocumentPair, OperationPair
from ..registry import document_rule, operation_rule


@document_rule
def operations_added_or_removed(doc: DocumentPair) -> None:
    old, new = doc.differ.old, doc.differ.new
    new_shapes = {shape for _, shape in new.operations}
    for key in sorted(old.operations.keys() - new.operations.keys(), key=lambda k: (k[1], k[0])):
        op = old.operations[key]
        deprecated = op.definition.get("deprecated") is True
        if key[1] not in new_shapes:
            rule = "api-path-removed-with-deprecation" if deprecated else "api-path-removed-without-deprecation"
            what = "path removed" + (" after deprecation" if deprecated else " without deprecation")
        else:
            rule = "api-removed-with-deprecation" if deprecated else "api-removed-without-deprecation"
            what = "operation removed" + (" after deprecation" if deprecated else " without deprecation")
        doc.report(rule, "operation", f"{op.label}: {what}", operation=op.label)
    for key in sorted(new.operations.keys() - old.operations.keys(), key=lambda k: (k[1], k[0])):
        op = new.operations[key]
        doc.report("endpoint-added", "operation", f"{op.label}: operation added", operation=op.label)


@operation_rule
def operation_deprecation(op: OperationPair) -> None:
    was, now = op.old.definition.get("deprecated") is True, op.new.definition.get("deprecated") is True
    if now and not was:
        op.report("endpoint-deprecated", "operation", f"{op.label}: operation deprecated")
    elif was and not now:
        op.report("endpoint-reactivated", "operation", f"{op.label}: operation no longer deprecated")


@operation_rule
def operation_id_and_tags(op: OperationPair) -> None:
    old_id, new_id = op.old.operation_id, op.new.operation_id
    if old_id != new_id:
        if old_id:
            op.report("api-operation-id-removed", "operationId",
                      f"{op.label}: operationId '{old_id}' removed" + (f" (now '{new_id}')" if new_id else ""))
        if new_id and not old_id:
            op.report("api-operation-id-added", "operationId", f"{op.label}: operationId '{new_id}' added")
    old_tags = set(op.old.definition.get("tags") or [])
    new_tags = set(op.new.definition.get("tags") or [])
    for tag in sorted(old_tags - new_tags):
        op.report("api-tag-removed", "tags", f"{op.label}: tag '{tag}' removed")
    for tag in sorted(new_tags - old_tags):
        op.report("api-tag-added", "tags", f"{op.label}: tag '{tag}' added")


@document_rule
def schemas_removed(doc: DocumentPair) -> None:
    old = (doc.old.get("components") or {}).get("schemas") or {}
    new = (doc.new.get("components") or {}).get("schemas") or {}
    for name in sorted(old.keys() - new.keys()):
        doc.report("api-schema-removed", f"#/components/schemas/{name}", f"schema '{name}' removed")
