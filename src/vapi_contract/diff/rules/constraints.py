"""Numeric bounds, string lengths and array sizes. Tightening what a request may send is breaking; loosening what
a response may return is breaking; the opposite directions are safe and reported only where oasdiff does."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import rule_ids, schema_rule

IDS = rule_ids(__name__, """
    request-body-exclusive-max-decreased request-body-exclusive-max-increased request-body-exclusive-max-set
    request-body-exclusive-min-decreased request-body-exclusive-min-increased request-body-exclusive-min-set
    request-body-max-decreased request-body-max-increased request-body-max-items-decreased
    request-body-max-length-decreased request-body-max-length-increased request-body-max-length-set
    request-body-max-set request-body-min-decreased request-body-min-increased request-body-min-items-increased
    request-body-min-items-set request-body-min-length-decreased request-body-min-length-increased
    request-body-min-set request-parameter-exclusive-max-decreased request-parameter-exclusive-max-increased
    request-parameter-exclusive-max-set request-parameter-exclusive-min-decreased
    request-parameter-exclusive-min-increased request-parameter-exclusive-min-set
    request-parameter-max-decreased request-parameter-max-increased request-parameter-max-items-decreased
    request-parameter-max-items-increased request-parameter-max-length-decreased
    request-parameter-max-length-increased request-parameter-max-length-set request-parameter-max-set
    request-parameter-min-decreased request-parameter-min-increased request-parameter-min-items-decreased
    request-parameter-min-items-increased request-parameter-min-items-set request-parameter-min-length-decreased
    request-parameter-min-length-increased request-parameter-min-set request-property-exclusive-max-decreased
    request-property-exclusive-max-increased request-property-exclusive-max-set
    request-property-exclusive-min-decreased request-property-exclusive-min-increased
    request-property-exclusive-min-set request-property-max-decreased request-property-max-increased
    request-property-max-items-decreased request-property-max-items-increased request-property-max-items-set
    request-property-max-length-decreased request-property-max-length-increased request-property-max-length-set
    request-property-max-set request-property-min-decreased request-property-min-increased
    request-property-min-items-increased request-property-min-items-set request-property-min-length-decreased
    request-property-min-length-increased request-property-min-set
    request-read-only-property-exclusive-max-decreased request-read-only-property-exclusive-min-increased
    request-read-only-property-max-decreased request-read-only-property-max-length-decreased
    request-read-only-property-min-increased response-body-exclusive-max-increased
    response-body-exclusive-min-decreased response-body-max-increased response-body-max-length-increased
    response-body-max-length-unset response-body-min-decreased response-body-min-items-decreased
    response-body-min-items-unset response-body-min-length-decreased response-property-exclusive-max-increased
    response-property-exclusive-min-decreased response-property-max-increased
    response-property-max-items-increased response-property-max-items-unset
    response-property-max-length-increased response-property-max-length-unset response-property-min-decreased
    response-property-min-items-decreased response-property-min-items-unset
    response-property-min-length-decreased
""")

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
