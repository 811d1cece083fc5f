"""Enum values: removing one a client may send breaks requests; adding one a client may receive can break
responses (warning); a schema that became an enum narrows what requests may send. `x-extensible-enum` (values
the API promises to accept, while reserving the right to add more): removing one breaks requests."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import rule_ids, schema_rule
from ..schemas import canonical, enum_values, show

IDS = rule_ids(__name__, """
    request-body-became-enum request-property-became-enum request-parameter-became-enum
    request-header-property-became-enum
    request-body-enum-value-removed request-property-enum-value-removed request-read-only-property-enum-value-removed
    request-parameter-enum-value-removed request-parameter-property-enum-value-removed
    request-property-enum-value-added request-parameter-enum-value-added request-parameter-property-enum-value-added
    response-property-enum-value-added response-write-only-property-enum-value-added
    response-property-enum-value-removed response-mediatype-enum-value-removed
    request-property-x-extensible-enum-value-removed request-parameter-x-extensible-enum-value-removed
""")


@schema_rule
def enum_changes(pair: SchemaPair) -> None:
    old, new = enum_values(pair.old), enum_values(pair.new)
    if _items_carry_enum(pair.old) and _items_carry_enum(pair.new):
        return  # Vapi repeats the items' enum on the array itself; the items report it once
    if new is None:
        return  # enum dropped entirely: any value accepted/returned now (the type rule covers the rest)
    if old is None:
        if pair.walk.direction == "request":
            pair.report("became-enum", f"became an enum of {show(list(new.values()))}")
        return
    removed = [old[key] for key in old.keys() - new.keys()]
    added = [new[key] for key in new.keys() - old.keys()]
    removed.sort(key=str)
    added.sort(key=str)
    if removed:
        message = f"enum value(s) {show(removed)} removed"
        w = pair.walk
        if w.direction == "response" and w.kind == "body" and pair.at_root:
            w_subject = w.subject
            pair.differ.record(w.node, "response-mediatype-enum-value-removed", w.location, f"{w_subject}: {message}",
                               group=(w.relative_path, message))
        else:
            pair.report("enum-value-removed", message)
    if added:
        pair.report("enum-value-added", f"enum value(s) {show(added)} added")


@schema_rule
def extensible_enum(pair: SchemaPair) -> None:
    old, new = pair.old.get("x-extensible-enum"), pair.new.get("x-extensible-enum")
    if not isinstance(old, list) or pair.walk.direction != "request":
        return
    kept = {canonical(v) for v in new} if isinstance(new, list) else set()
    removed = sorted((v for v in old if canonical(v) not in kept), key=str)
    if removed:
        pair.report("x-extensible-enum-value-removed", f"x-extensible-enum value(s) {show(removed)} removed")


def _items_carry_enum(schema: dict) -> bool:
    items = schema.get("items")
    return isinstance(items, dict) and (isinstance(items.get("enum"), list) or "$ref" in items)
