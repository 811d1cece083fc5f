"""Enum values: removing one a client may send breaks requests; adding one a client may receive can break
responses (warning); a schema that became an enum narrows what requests may send."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import schema_rule
from ..schemas import enum_values, show


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
        pair.report("enum-value-removed", f"enum value(s) {show(removed)} removed")
    if added:
        pair.report("enum-value-added", f"enum value(s) {show(added)} added")


def _items_carry_enum(schema: dict) -> bool:
    items = schema.get("items")
    return isinstance(items, dict) and (isinstance(items.get("enum"), list) or "$ref" in items)
