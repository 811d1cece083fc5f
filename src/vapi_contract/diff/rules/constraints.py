"""Numeric bounds, string lengths and array sizes. Tightening what a request may send is breaking; loosening what
a response may return is breaking; the opposite directions are safe and reported only where oasdiff does."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import schema_rule

# keyword -> (concept stem, True when a bigger value is looser)
BOUNDS = {
    "maximum": ("max", True),
    "exclusiveMaximum": ("exclusive-max", True),
    "maxLength": ("max-length", True),
    "maxItems": ("max-items", True),
    "minimum": ("min", False),
    "exclusiveMinimum": ("exclusive-min", False),
    "minLength": ("min-length", False),
    "minItems": ("min-items", False),
}


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@schema_rule
def bounds(pair: SchemaPair) -> None:
    for keyword, (stem, bigger_is_looser) in BOUNDS.items():
        old, new = _number(pair.old.get(keyword)), _number(pair.new.get(keyword))
        if old == new:
            continue
        if old is None:
            # A new bound: in a request it may reject what clients send (oasdiff: "-set", a warning).
            if pair.rule_id(f"{stem}-set"):
                pair.report(f"{stem}-set", f"{keyword} set to {new}")
            elif not bigger_is_looser:
                pair.report(f"{stem}-increased", f"{keyword} set to {new}")
            continue
        if new is None:
            if pair.rule_id(f"{stem}-unset"):
                pair.report(f"{stem}-unset", f"{keyword} {old} removed")
            else:
                pair.report(f"{stem}-{'increased' if bigger_is_looser else 'decreased'}", f"{keyword} {old} removed")
            continue
        direction = "increased" if new > old else "decreased"
        pair.report(f"{stem}-{direction}", f"{keyword} {direction} from {old} to {new}")
