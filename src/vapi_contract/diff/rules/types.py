"""Type, format and nullability of a schema node, with oasdiff's direction-aware levels; OpenAPI 3.1 type lists
(`type: [string, integer]`, `type: [string, "null"]`, which is 3.0's `nullable: true`)."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import rule_ids, schema_rule
from ..schemas import nullable, types_of
from .media import strongly_typed

IDS = rule_ids(__name__, """
    request-body-type-changed request-body-type-generalized request-body-type-compatible
    request-property-type-changed request-property-type-generalized request-property-type-compatible
    request-parameter-type-changed request-parameter-type-generalized
    request-parameter-property-type-changed request-parameter-property-type-generalized
    request-parameter-property-type-specialized
    response-body-type-changed response-body-type-generalized response-body-type-specialized
    response-body-type-compatible response-property-type-changed response-property-type-generalized
    response-property-type-specialized response-property-type-compatible
    response-header-type-changed response-header-type-generalized response-header-type-specialized
    request-body-list-of-types-widened request-body-list-of-types-narrowed
    request-property-list-of-types-widened request-property-list-of-types-narrowed
    request-parameter-list-of-types-widened request-parameter-list-of-types-narrowed
    request-parameter-property-list-of-types-widened request-parameter-property-list-of-types-narrowed
    response-body-list-of-types-widened response-body-list-of-types-narrowed
    response-property-list-of-types-widened response-property-list-of-types-narrowed
    request-body-became-nullable request-body-became-not-nullable
    request-property-became-nullable request-property-became-not-nullable
    request-parameter-became-nullable request-parameter-became-not-nullable
    request-parameter-property-became-nullable request-parameter-property-became-not-nullable
    response-body-became-nullable response-body-became-not-nullable
    response-property-became-nullable response-property-became-not-nullable
    response-header-became-nullable response-header-became-not-nullable
""")

# A value of the key type is always also valid as the value type: widening in a request is safe.
_WIDER = {"integer": "number"}


def _describe(types: frozenset[str], fmt) -> str:
    return "/".join(sorted(types)) + (f" ({fmt})" if fmt else "")


def _contains(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    return all(t in wide or _WIDER.get(t) in wide for t in narrow)


def _type_list(schema: dict) -> bool:
    declared = schema.get("type")
    return isinstance(declared, list) and len([t for t in declared if t != "null"]) > 1


@schema_rule
def type_and_format(pair: SchemaPair) -> None:
    old_types, new_types = types_of(pair.old), types_of(pair.new)
    old_fmt, new_fmt = pair.old.get("format"), pair.new.get("format")
    if not old_types or not new_types:
        return  # untyped on one side (a composition or Vapi's `type: "enum"`): nothing sound to compare
    if old_types == new_types and old_fmt == new_fmt:
        return
    text = f"type/format changed from {_describe(old_types, old_fmt)} to {_describe(new_types, new_fmt)}"
    if (_type_list(pair.old) or _type_list(pair.new)) and old_fmt == new_fmt:
        if old_types < new_types:
            pair.report("list-of-types-widened", f"list of types widened: {text}")
            return
        if new_types < old_types:
            pair.report("list-of-types-narrowed", f"list of types narrowed: {text}")
            return
    request = pair.walk.direction == "request"
    # evaluate toward what the receiver of the value must accept: the server for a request, the client for a
    # response (responses are the same check with old and new swapped)
    before, after = (old_types, new_types) if request else (new_types, old_types)
    fmt_before, fmt_after = (old_fmt, new_fmt) if request else (new_fmt, old_fmt)
    strong = strongly_typed(pair.walk.media)
    type_ok = before == after or _contains(after, before) or (not strong and after == frozenset({"string"}))
    format_ok = fmt_before == fmt_after or fmt_after is None or _format_contains(after, fmt_after, fmt_before)
    breaking = not (type_ok and format_ok)
    if breaking:
        widened = old_types != new_types and _contains(new_types, old_types)
        narrowed = old_types != new_types and _contains(old_types, new_types)
        if widened and not request:
            pair.report("type-generalized", text)
        elif narrowed and request and pair.rule_id("type-specialized"):
            pair.report("type-specialized", text)  # only parameter properties have this id (an error)
        else:
            pair.report("type-changed", text)
    elif request:
        loose = old_types != new_types and not _contains(new_types, old_types)
        pair.report("type-compatible" if loose else "type-generalized", text)
    else:
        loose = old_types != new_types and not _contains(old_types, new_types)
        if loose:
            pair.report("type-compatible", text)
        elif pair.rule_id("type-specialized"):
            pair.report("type-specialized", text)
        else:
            pair.report("type-changed", text)


# (type, wider format) -> narrower formats it contains (oasdiff's lattice)
_FORMATS = {("number", "double"): {"float"}, ("integer", "int64"): {"int32"}, ("integer", "bigint"): {"int32", "int64"},
            ("string", "date-time"): {"date", "time"}}


def _format_contains(types: frozenset[str], wide, narrow) -> bool:
    return len(types) == 1 and narrow in _FORMATS.get((next(iter(types)), wide), set())


@schema_rule
def nullability(pair: SchemaPair) -> None:
    was, now = nullable(pair.old), nullable(pair.new)
    if now and not was:
        pair.report("became-nullable", "became nullable")
    elif was and not now:
        pair.report("became-not-nullable", "became not nullable")
