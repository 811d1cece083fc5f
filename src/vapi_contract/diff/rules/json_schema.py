"""JSON Schema 2020-12 keywords (OpenAPI 3.1): prefixItems, contains/minContains/maxContains, dependentRequired,
dependentSchemas, patternProperties, propertyNames, unevaluatedItems/Properties, if/then/else and
contentSchema/contentMediaType/contentEncoding. A keyword that appears adds a constraint (breaking in a request),
one that disappears removes it (breaking in a response). The walker compares their subschemas in depth."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import rule_ids, schema_rule
from ..schemas import canonical

IDS = rule_ids(__name__, """
    request-body-prefix-items-added request-body-prefix-items-removed request-property-prefix-items-added
    request-property-prefix-items-removed response-body-prefix-items-added response-body-prefix-items-removed
    response-property-prefix-items-added response-property-prefix-items-removed
    request-body-contains-added request-body-contains-removed request-property-contains-added
    request-property-contains-removed response-body-contains-added response-body-contains-removed
    response-property-contains-added response-property-contains-removed
    request-body-min-contains-increased request-body-min-contains-decreased request-body-max-contains-increased
    request-body-max-contains-decreased request-property-min-contains-increased request-property-min-contains-decreased
    request-property-max-contains-increased request-property-max-contains-decreased
    response-body-min-contains-increased response-body-min-contains-decreased response-body-max-contains-increased
    response-body-max-contains-decreased response-property-min-contains-increased
    response-property-min-contains-decreased response-property-max-contains-increased
    response-property-max-contains-decreased
    request-body-dependent-required-added request-body-dependent-required-removed
    request-body-dependent-required-changed request-property-dependent-required-added
    request-property-dependent-required-removed request-property-dependent-required-changed
    response-body-dependent-required-added response-body-dependent-required-removed
    response-body-dependent-required-changed response-property-dependent-required-added
    response-property-dependent-required-removed response-property-dependent-required-changed
    request-body-dependent-schema-added request-body-dependent-schema-removed request-property-dependent-schema-added
    request-property-dependent-schema-removed response-body-dependent-schema-added
    response-body-dependent-schema-removed response-property-dependent-schema-added
    response-property-dependent-schema-removed
    request-body-pattern-property-added request-body-pattern-property-removed
    request-property-pattern-property-added request-property-pattern-property-removed
    response-body-pattern-property-added response-body-pattern-property-removed
    response-property-pattern-property-added response-property-pattern-property-removed
    request-body-property-names-added request-body-property-names-removed request-property-property-names-added
    request-property-property-names-removed response-body-property-names-added response-body-property-names-removed
    response-property-property-names-added response-property-property-names-removed
    request-body-unevaluated-items-added request-body-unevaluated-items-removed
    request-body-unevaluated-properties-added request-body-unevaluated-properties-removed
    request-property-unevaluated-items-added request-property-unevaluated-items-removed
    request-property-unevaluated-properties-added request-property-unevaluated-properties-removed
    response-body-unevaluated-items-added response-body-unevaluated-items-removed
    response-body-unevaluated-properties-added response-body-unevaluated-properties-removed
    response-property-unevaluated-items-added response-property-unevaluated-items-removed
    response-property-unevaluated-properties-added response-property-unevaluated-properties-removed
    request-body-if-added request-body-if-removed request-body-then-added request-body-then-removed
    request-body-else-added request-body-else-removed request-property-if-added request-property-if-removed
    request-property-then-added request-property-then-removed request-property-else-added
    request-property-else-removed response-body-if-added response-body-if-removed response-body-then-added
    response-body-then-removed response-body-else-added response-body-else-removed response-property-if-added
    response-property-if-removed response-property-then-added response-property-then-removed
    response-property-else-added response-property-else-removed
    request-body-content-schema-added request-body-content-schema-removed request-body-content-media-type-changed
    request-body-content-encoding-changed request-property-content-schema-added
    request-property-content-schema-removed request-property-content-media-type-changed
    request-property-content-encoding-changed response-body-content-schema-added
    response-body-content-schema-removed response-body-content-media-type-changed
    response-body-content-encoding-changed response-property-content-schema-added
    response-property-content-schema-removed response-property-content-media-type-changed
    response-property-content-encoding-changed
""")

# keyword -> concept stem, for keywords whose presence is the constraint
_PRESENCE = {"contains": "contains", "propertyNames": "property-names", "if": "if", "then": "then", "else": "else",
             "contentSchema": "content-schema"}


def _constrains(value) -> bool:
    """`true` and `{}` accept everything: writing them adds no constraint."""
    return value is not None and value is not True and value != {}


@schema_rule
def presence(pair: SchemaPair) -> None:
    for keyword, stem in _PRESENCE.items():
        had, has = _constrains(pair.old.get(keyword)), _constrains(pair.new.get(keyword))
        if has and not had:
            pair.report(f"{stem}-added", f"{keyword} added")
        elif had and not has:
            pair.report(f"{stem}-removed", f"{keyword} removed")
    for keyword, stem in (("unevaluatedItems", "unevaluated-items"), ("unevaluatedProperties", "unevaluated-properties")):
        had, has = _constrains(pair.old.get(keyword)), _constrains(pair.new.get(keyword))
        if has and not had:
            pair.report(f"{stem}-added", f"{keyword} {canonical(pair.new[keyword])} added")
        elif had and not has:
            pair.report(f"{stem}-removed", f"{keyword} removed")


@schema_rule
def prefix_items(pair: SchemaPair) -> None:
    old = pair.old.get("prefixItems") if isinstance(pair.old.get("prefixItems"), list) else []
    new = pair.new.get("prefixItems") if isinstance(pair.new.get("prefixItems"), list) else []
    if len(new) > len(old) and not _as_items(new[len(old):], pair.old):
        pair.report("prefix-items-added", f"prefixItems grew from {len(old)} to {len(new)} positions")
    elif len(new) < len(old) and not _as_items(old[len(new):], pair.new):
        pair.report("prefix-items-removed", f"prefixItems shrank from {len(old)} to {len(new)} positions")


def _as_items(entries: list, other: dict) -> bool:
    """Positions that only repeat what `items` of the other version already required of them: no change."""
    items = other.get("items")
    return isinstance(items, dict) and all(canonical(entry) == canonical(items) for entry in entries)


def _count(value, default):
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@schema_rule
def contains_bounds(pair: SchemaPair) -> None:
    if not (_constrains(pair.old.get("contains")) and _constrains(pair.new.get("contains"))):
        return  # without `contains` on both sides the bounds mean nothing (presence reports it)
    old_min, new_min = _count(pair.old.get("minContains"), 1), _count(pair.new.get("minContains"), 1)
    if new_min != old_min:
        direction = "increased" if new_min > old_min else "decreased"
        pair.report(f"min-contains-{direction}", f"minContains {direction} from {old_min} to {new_min}")
    old_max, new_max = _count(pair.old.get("maxContains"), None), _count(pair.new.get("maxContains"), None)
    if new_max != old_max:
        increased = new_max is None or (old_max is not None and new_max > old_max)
        direction = "increased" if increased else "decreased"
        shown = lambda v: "unbounded" if v is None else v
        pair.report(f"max-contains-{direction}", f"maxContains {direction} from {shown(old_max)} to {shown(new_max)}")


@schema_rule
def dependencies(pair: SchemaPair) -> None:
    old = pair.old.get("dependentRequired") if isinstance(pair.old.get("dependentRequired"), dict) else {}
    new = pair.new.get("dependentRequired") if isinstance(pair.new.get("dependentRequired"), dict) else {}
    for key in sorted(new.keys() - old.keys()):
        pair.report("dependent-required-added", f"dependentRequired on '{key}' added: {canonical(new[key])}")
    for key in sorted(old.keys() - new.keys()):
        pair.report("dependent-required-removed", f"dependentRequired on '{key}' removed")
    for key in sorted(old.keys() & new.keys()):
        listed = lambda value: sorted(map(str, value)) if isinstance(value, list) else canonical(value)
        if listed(old[key]) != listed(new[key]):
            pair.report("dependent-required-changed",
                        f"dependentRequired on '{key}' changed from {canonical(old[key])} to {canonical(new[key])}")
    old = pair.old.get("dependentSchemas") if isinstance(pair.old.get("dependentSchemas"), dict) else {}
    new = pair.new.get("dependentSchemas") if isinstance(pair.new.get("dependentSchemas"), dict) else {}
    for key in sorted(new.keys() - old.keys()):
        pair.report("dependent-schema-added", f"dependentSchemas on '{key}' added")
    for key in sorted(old.keys() - new.keys()):
        pair.report("dependent-schema-removed", f"dependentSchemas on '{key}' removed")


@schema_rule
def pattern_properties(pair: SchemaPair) -> None:
    old = pair.old.get("patternProperties") if isinstance(pair.old.get("patternProperties"), dict) else {}
    new = pair.new.get("patternProperties") if isinstance(pair.new.get("patternProperties"), dict) else {}
    for key in sorted(new.keys() - old.keys()):
        pair.report("pattern-property-added", f"patternProperties '{key}' added")
    for key in sorted(old.keys() - new.keys()):
        pair.report("pattern-property-removed", f"patternProperties '{key}' removed")


@schema_rule
def content(pair: SchemaPair) -> None:
    for keyword, stem in (("contentMediaType", "content-media-type"), ("contentEncoding", "content-encoding")):
        old, new = pair.old.get(keyword), pair.new.get(keyword)
        if old != new:
            pair.report(f"{stem}-changed", f"{keyword} changed from {canonical(old)} to {canonical(new)}")
