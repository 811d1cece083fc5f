"""A coarse, sound summary of what a schema accepts, to tell whether two oneOf branches can overlap.

"Disjoint" is only claimed when provable from types, enums, required properties with disjoint values, or
closed objects; anything unknown counts as "may overlap" (the lenient direction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.rules._values import canonical, json_type, type_of_key

_TYPE_ALIASES = {"integer": frozenset({"integer", "number"}), "number": frozenset({"integer", "number"})}
_MAX_DEPTH = 6
_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


@dataclass(frozen=True)
class Facts:
    types: frozenset[str] | None = None  # None: any type
    values: frozenset[Any] | None = None  # canonical() keys of the allowed values; None: unconstrained
    required: frozenset[str] = frozenset()
    properties: dict[str, Facts] = field(default_factory=dict)
    closed: bool = False  # additionalProperties: false


ANY = Facts()
NEVER = Facts(values=frozenset())  # e.g. `not: {}`, or an empty enum


def facts_of(schema: Any, ctx: Context, depth: int = 0) -> Facts:
    """Depth-bounded, so recursive refs end (as ANY: lenient) instead of looping; cached per (ref, depth)."""
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return ANY
    ref = schema.get("$ref")
    if isinstance(ref, str):
        key = (ref, depth)
        cached = ctx.facts_cache.get(key)
        if cached is None:
            cached = ctx.facts_cache[key] = facts_of(ctx.resolve(ref), ctx, depth + 1)
        return cached
    if schema.get("not") == {}:
        return NEVER
    types = _types(schema)
    values = None
    enum = schema.get("enum")
    if isinstance(enum, list) and not (schema.get("type") == "array" and not any(isinstance(v, list) for v in enum)):
        values = frozenset(canonical(v) for v in enum)  # (an array's scalar enum constrains its items)
        if schema.get("nullable"):
            values |= {canonical(None)}
    required = frozenset(r for r in schema.get("required", ()) if isinstance(r, str)) if isinstance(
        schema.get("required"), list) else frozenset()
    props = {}
    if depth < _MAX_DEPTH and isinstance(schema.get("properties"), dict):
        props = {
            name: facts_of(sub, ctx, _MAX_DEPTH)  # property facts: types/values only
            if not (isinstance(sub, dict) and "$ref" in sub) else ANY
            for name, sub in schema["properties"].items()
        }
    facts = Facts(types, values, required, props, schema.get("additionalProperties") is False)
    for sub in schema.get("allOf") or ():
        facts = _conjoin(facts, facts_of(sub, ctx, depth + 1))
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            facts = _conjoin(facts, _disjoin([facts_of(b, ctx, depth + 1) for b in branches]))
    return facts


def _types(schema: dict[str, Any]) -> frozenset[str] | None:
    declared = schema.get("type")
    enum = schema.get("enum")
    enum_on_object = declared == "object" and isinstance(enum, list) and enum and not any(
        isinstance(v, dict) for v in enum
    )
    if not isinstance(declared, str) or declared not in _JSON_TYPES or enum_on_object:
        declared = None  # `type: enum`, enum-on-object: typed by their values, as the rules read them
    if isinstance(declared, str):
        types = set(_TYPE_ALIASES.get(declared, {declared}))
    elif isinstance(schema.get("type"), list):  # 3.1 type lists; anything else in them is no type
        declared = [d for d in schema["type"] if isinstance(d, str)]
        types = {t for d in declared for t in _TYPE_ALIASES.get(d, {d})}
    elif isinstance(enum, list) and enum:
        types = {json_type(v) for v in enum}
        types |= {t for t in list(types) for t in _TYPE_ALIASES.get(t, ())}
    else:
        return None
    if schema.get("nullable"):
        types.add("null")
    return frozenset(types)


def _conjoin(a: Facts, b: Facts) -> Facts:
    types = b.types if a.types is None else a.types if b.types is None else a.types & b.types
    values = b.values if a.values is None else a.values if b.values is None else a.values & b.values
    props = dict(a.properties)
    for name, sub in b.properties.items():
        props[name] = _conjoin(props[name], sub) if name in props else sub
    return Facts(types, values, a.required | b.required, props, a.closed or b.closed)


def _disjoin(branches: list[Facts]) -> Facts:
    types = None if any(b.types is None for b in branches) else frozenset().union(*(b.types for b in branches))
    values = None if any(b.values is None for b in branches) else frozenset().union(*(b.values for b in branches))
    required = frozenset.intersection(*(b.required for b in branches))
    return Facts(types, values, required)


def disjoint(a: Facts, b: Facts) -> bool:
    """True only when no JSON value can satisfy both."""
    if a.values == frozenset() or b.values == frozenset():
        return True
    if a.types is not None and b.types is not None and not (a.types & b.types):
        return True
    if a.values is not None and b.values is not None and not (a.values & b.values):
        return True
    for facts, other in ((a, b), (b, a)):
        if (
            facts.values is not None
            and other.types is not None
            and not any(_value_type(v) & other.types for v in facts.values)
        ):
            return True
    if (a.types is None or "object" in a.types) and (b.types is None or "object" in b.types):
        for name in a.required | b.required:
            pa, pb = a.properties.get(name), b.properties.get(name)
            if pa is not None and pb is not None and disjoint(pa, pb):
                return True
        if a.closed and b.required - a.properties.keys() or b.closed and a.required - b.properties.keys():
            return True
    return False


def _value_type(key: Any) -> frozenset[str]:
    kind = type_of_key(key)
    return _TYPE_ALIASES.get(kind, frozenset({kind}))
