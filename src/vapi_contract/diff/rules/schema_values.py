"""Pattern, default and const of a schema node."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import schema_rule
from ..schemas import canonical, pattern_of


@schema_rule
def pattern(pair: SchemaPair) -> None:
    old, new = pattern_of(pair.old), pattern_of(pair.new)
    if old == new:
        return
    if old is None:
        pair.report("pattern-added", f"pattern '{new}' added")
    elif new is None:
        pair.report("pattern-removed", f"pattern '{old}' removed")
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
