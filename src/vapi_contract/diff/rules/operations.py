"""Paths and operations added, operation ids, tags, webhooks (OpenAPI 3.1), removed component schemas and the
info.version. Removals and deprecation live in lifecycle.py (they follow the deprecation policy)."""

from __future__ import annotations

import re

from ..engine import DocumentPair, OperationPair
from ..registry import document_rule, operation_rule, rule_ids
from ..schemas import canonical

IDS = rule_ids(__name__, """
    endpoint-added api-operation-id-removed api-operation-id-added api-tag-removed api-tag-added
    api-schema-removed webhook-added webhook-removed api-version-decreased
""")


@document_rule
def operations_added(doc: DocumentPair) -> None:
    old, new = doc.differ.old, doc.differ.new
    for key in sorted(new.operations.keys() - old.operations.keys(), key=lambda k: (k[1], k[0])):
        op = new.operations[key]
        doc.report("endpoint-added", "operation", f"{op.label}: operation added", operation=op.label)


@operation_rule
def operation_id_and_tags(op: OperationPair) -> None:
    old_id, new_id = op.old.operation_id, op.new.operation_id
    if old_id != new_id:
        if old_id:
            op.report("api-operation-id-removed", "operationId",
                      f"{op.label}: operationId '{old_id}' removed" + (f" (now '{new_id}')" if new_id else ""))
        if new_id and not old_id:
            op.report("api-operation-id-added", "operationId", f"{op.label}: operationId '{new_id}' added")
    old_tags = _tags(op.old.definition)
    new_tags = _tags(op.new.definition)
    for tag in sorted(old_tags - new_tags):
        op.report("api-tag-removed", "tags", f"{op.label}: tag '{tag}' removed")
    for tag in sorted(new_tags - old_tags):
        op.report("api-tag-added", "tags", f"{op.label}: tag '{tag}' added")


def _tags(definition: dict) -> set[str]:
    tags = definition.get("tags")
    return {t for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()


@document_rule
def schemas_removed(doc: DocumentPair) -> None:
    old = doc.old["components"].get("schemas") if "components" in doc.old else None
    new = doc.new["components"].get("schemas") if "components" in doc.new else None
    old, new = (x if isinstance(x, dict) else {} for x in (old, new))
    for name in sorted(old.keys() - new.keys()):
        doc.report("api-schema-removed", f"#/components/schemas/{name}", f"schema '{name}' removed")


@document_rule
def webhooks(doc: DocumentPair) -> None:
    """OpenAPI 3.1 `webhooks`: requests the API sends to its clients. One the clients implemented is gone."""
    old = doc.old.get("webhooks") if isinstance(doc.old.get("webhooks"), dict) else {}
    new = doc.new.get("webhooks") if isinstance(doc.new.get("webhooks"), dict) else {}
    for name in sorted(old.keys() - new.keys()):
        doc.report("webhook-removed", f"webhook {name}", f"webhook '{name}' removed")
    for name in sorted(new.keys() - old.keys()):
        doc.report("webhook-added", f"webhook {name}", f"webhook '{name}' added")


def _version(value) -> tuple[int, ...] | None:
    match = re.match(r"v?(\d+(?:\.\d+)*)", str(value).strip()) if value is not None else None
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


@document_rule
def info_version(doc: DocumentPair) -> None:
    old = _version(doc.old["info"].get("version")) if "info" in doc.old else None
    new = _version(doc.new["info"].get("version")) if "info" in doc.new else None
    if old and new and new < old:
        doc.report("api-version-decreased", "info.version",
                   f"info.version decreased from {canonical(doc.old['info']['version'])} to "
                   f"{canonical(doc.new['info']['version'])}")
