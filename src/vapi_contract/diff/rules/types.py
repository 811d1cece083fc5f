"""Type, format and nullability of a schema node, with oasdiff's direction-aware levels."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import schema_rule
from ..schemas import nullable, types_of

# A value of the key type is always also valid as the value type: widening in a request is safe.
_WIDER = {"integer": "number"}


def _describe(types: frozenset[str], fmt) -> str:
    return "/".join(sorted(types)) + (f" ({fmt})" if fmt else "")


@schema_rule
def type_and_format(pair: SchemaPair) -> None:
    old_types, new_types = types_of(pair.old), types_of(pair.new)
    old_fmt, new_fmt = pair.old.get("format"), pair.new.get("format")
    if not old_types or not new_types:
        return  # untyped on one side (a composition or Vapi's `type: "enum"`): nothing sound to compare
    if old_types == new_types and old_fmt == new_fmt:
        return
    text = f"type/format changed from {_describe(old_types, old_fmt)} to {_describe(new_types, new_fmt)}"
    widened = (old_types == new_types and new_fmt is None) or (
        len(old_types) == 1 and len(new_types) == 1 and _WIDER.get(next(iter(old_types))) == next(iter(new_types))
        and new_fmt is None) or (old_types < new_types and old_fmt == new_fmt)
    narrowed = (old_types == new_types and old_fmt is None) or (
        len(old_types) == 1 and len(new_types) == 1 and _WIDER.get(next(iter(new_types))) == next(iter(old_types))
        and old_fmt is None) or (new_types < old_types and old_fmt == new_fmt)
    if widened:
        pair.report("type-generalized", text)
    elif narrowed and pair.walk.direction == "response":
        pair.report("type-specialized", text)
    else:
        pair.report("type-changed", text)


@schema_rule
def nullability(pair: SchemaPair) -> None:
    was, now = nullable(pair.old), nullable(pair.new)
    if now and not was:
        pair.report("became-nullable", "became nullable")
    elif was and not now:
        pair.report("became-not-nullable", "became not nullable")
