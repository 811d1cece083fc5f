"""Pattern, default and const of a schema node."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import rule_ids, schema_rule
from ..schemas import canonical, pattern_of

IDS = rule_ids(__name__, """
    request-parameter-pattern-added request-parameter-pattern-changed request-parameter-pattern-generalized
    request-parameter-pattern-removed request-property-pattern-added request-property-pattern-changed
    request-property-pattern-generalized request-property-pattern-removed response-property-pattern-added
    response-property-pattern-changed response-property-pattern-removed
    request-body-default-value-added request-body-default-value-changed request-body-default-value-removed
    request-parameter-default-value-added request-parameter-default-value-changed
    request-parameter-default-value-removed request-property-default-value-added
    request-property-default-value-changed request-property-default-value-removed
    response-body-default-value-added response-body-default-value-changed response-body-default-value-removed
    response-property-default-value-added response-property-default-value-changed
    response-property-default-value-removed
    request-body-const-added request-body-const-changed request-body-const-removed request-property-const-added
    request-property-const-changed request-property-const-removed response-body-const-added
    response-body-const-changed response-body-const-removed response-property-const-added
    response-property-const-changed response-property-const-removed
""")

# patterns that match every string: changing to one of them only loosens what is accepted
_MATCH_ALL = {".*", "^.*$", "^.*", ".*$", "[\\s\\S]*", "^[\\s\\S]*$"}


@schema_rule
def pattern(pair: SchemaPair) -> None:
    old, new = pattern_of(pair.old), pattern_of(pair.new)
    if old == new:
        return
    if old is None:
        pair.report("pattern-added", f"pattern '{new}' added")
    elif new is None:
        pair.report("pattern-removed", f"pattern '{old}' removed")
    elif new in _MATCH_ALL:
        pair.report("pattern-generalized", f"pattern changed from '{old}' to '{new}', which matches everything")
    else:
        pair.report("pattern-changed", f"pattern changed from '{old}' to '{new}'")


@schema_rule
def default_value(pair: SchemaPair) -> None:
    has_old, has_new = "default" in pair.old, "default" in pair.new
    if not has_old and not has_new:
        return
    old, new = pair.old.get("default"), pair.new.get("default")
    if has_old and has_new:
        if canonical(old) != canonical(new):
            pair.report("default-value-changed", f"default changed from {canonical(old)} to {canonical(new)}")
    elif has_new:
        pair.report("default-value-added", f"default {canonical(new)} added")
    else:
        pair.report("default-value-removed", f"default {canonical(old)} removed")


@schema_rule
def const_value(pair: SchemaPair) -> None:
    has_old, has_new = "const" in pair.old, "const" in pair.new
    if has_old and has_new:
        if canonical(pair.old["const"]) != canonical(pair.new["const"]):
            pair.report("const-changed",
                        f"const changed from {canonical(pair.old['const'])} to {canonical(pair.new['const'])}")
    elif has_new:
        pair.report("const-added", f"const {canonical(pair.new['const'])} added")
    elif has_old:
        pair.report("const-removed", f"const {canonical(pair.old['const'])} removed")
