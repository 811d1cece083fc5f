"""oneOf / anyOf / allOf branches added or removed, and discriminators. Branches are matched by ref, title and
resolved shape first (see matching.py), so a renamed component is not an added plus a removed branch."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import rule_ids, schema_rule
from ..schemas import ANNOTATIONS, ref_name, shape, unwrap

IDS = rule_ids(__name__, """
    request-body-one-of-added request-body-one-of-removed request-property-one-of-added request-property-one-of-removed
    response-body-one-of-added response-body-one-of-removed response-property-one-of-added
    response-property-one-of-removed request-body-wrapped-in-one-of response-body-wrapped-in-one-of
    request-body-any-of-added request-body-any-of-removed request-property-any-of-added request-property-any-of-removed
    response-body-any-of-added response-body-any-of-removed response-property-any-of-added
    response-property-any-of-removed
    request-body-all-of-added request-body-all-of-removed request-property-all-of-added request-property-all-of-removed
    response-body-all-of-added response-body-all-of-removed response-property-all-of-added
    response-property-all-of-removed
    request-body-all-of-added-annotation-only request-body-all-of-removed-annotation-only
    request-property-all-of-added-annotation-only request-property-all-of-removed-annotation-only
    response-body-all-of-added-annotation-only response-body-all-of-removed-annotation-only
    response-property-all-of-added-annotation-only response-property-all-of-removed-annotation-only
    request-body-discriminator-added request-body-discriminator-removed request-body-discriminator-property-name-changed
    request-body-discriminator-mapping-added request-body-discriminator-mapping-deleted
    request-body-discriminator-mapping-changed request-property-discriminator-added
    request-property-discriminator-removed request-property-discriminator-property-name-changed
    request-property-discriminator-mapping-added request-property-discriminator-mapping-deleted
    request-property-discriminator-mapping-changed response-body-discriminator-added
    response-body-discriminator-removed response-body-discriminator-property-name-changed
    response-body-discriminator-mapping-added response-body-discriminator-mapping-deleted
    response-body-discriminator-mapping-changed response-property-discriminator-added
    response-property-discriminator-removed response-property-discriminator-property-name-changed
    response-property-discriminator-mapping-added response-property-discriminator-mapping-deleted
    response-property-discriminator-mapping-changed
""")

_CONCEPT = {"oneOf": "one-of", "anyOf": "any-of", "allOf": "all-of"}


def _branch_name(branch) -> str:
    branch = unwrap(branch)
    if isinstance(branch, dict):
        if isinstance(branch.get("$ref"), str):
            return ref_name(branch["$ref"])
        if isinstance(branch.get("title"), str):
            return branch["title"]
        if isinstance(branch.get("type"), str):
            return f"inline {branch['type']}"
    return "inline schema"


def _annotation_only(branch) -> bool:
    """An allOf part that only annotates (`{description: ...}`) changes no payload."""
    return isinstance(branch, dict) and bool(branch) and all(k in ANNOTATIONS or k.startswith("x-") for k in branch)


@schema_rule
def composition_branches(pair: SchemaPair) -> None:
    for keyword, concept in _CONCEPT.items():
        old, new = pair.old.get(keyword), pair.new.get(keyword)
        if not isinstance(old, list) and not isinstance(new, list):
            continue
        _, removed, added = pair.branches(keyword)  # `X` -> `oneOf: [X, Y]` reports only Y
        if keyword == "oneOf" and _wrapped(pair, old, new):
            pair.report("wrapped-in-one-of", f"body schema wrapped in oneOf ({len(new)} branches)")
            continue
        if keyword == "allOf":
            for branches, what in ((removed, "removed"), (added, "added")):
                notes = [b for b in branches if _annotation_only(b)]
                if notes:
                    pair.report(f"all-of-{what}-annotation-only", f"allOf annotation-only part(s) {what}")
                    branches[:] = [b for b in branches if not _annotation_only(b)]
        if removed:
            names = ", ".join(_branch_name(b) for b in removed)
            pair.report(f"{concept}-removed", f"{keyword} branch(es) {names} removed")
        if added:
            names = ", ".join(_branch_name(b) for b in added)
            pair.report(f"{concept}-added", f"{keyword} branch(es) {names} added")


def _wrapped(pair: SchemaPair, old, new) -> bool:
    """A whole body that became `oneOf: [...]` (oasdiff reports it once, whatever the branches are)."""
    w = pair.walk
    return (w.kind == "body" and pair.at_root and not isinstance(old, list) and isinstance(new, list)
            and not any(isinstance(pair.old.get(k), list) for k in ("anyOf", "allOf")))


@schema_rule
def discriminator(pair: SchemaPair) -> None:
    old, new = pair.old.get("discriminator"), pair.new.get("discriminator")
    if not isinstance(old, dict) and not isinstance(new, dict):
        return
    if not isinstance(old, dict):
        pair.report("discriminator-added", f"discriminator on '{new.get('propertyName')}' added")
        return
    if not isinstance(new, dict):
        pair.report("discriminator-removed", f"discriminator on '{old.get('propertyName')}' removed")
        return
    if old.get("propertyName") != new.get("propertyName"):
        pair.report("discriminator-property-name-changed",
                    f"discriminator property changed from '{old.get('propertyName')}' to '{new.get('propertyName')}'")
    old_map = old.get("mapping") if isinstance(old.get("mapping"), dict) else {}
    new_map = new.get("mapping") if isinstance(new.get("mapping"), dict) else {}
    if removed := sorted(old_map.keys() - new_map.keys()):
        pair.report("discriminator-mapping-deleted", f"discriminator mapping value(s) {', '.join(removed)} removed")
    if added := sorted(new_map.keys() - old_map.keys()):
        pair.report("discriminator-mapping-added", f"discriminator mapping value(s) {', '.join(added)} added")
    if changed := sorted(k for k in old_map.keys() & new_map.keys() if not _same_target(pair, old_map[k], new_map[k])):
        pair.report("discriminator-mapping-changed", f"discriminator mapping of {', '.join(changed)} changed")


def _same_target(pair: SchemaPair, old_ref, new_ref) -> bool:
    """Same name, or a renamed component of the same shape (the walker compares the branches in depth)."""
    if not isinstance(old_ref, str) or not isinstance(new_ref, str) or old_ref == new_ref:
        return old_ref == new_ref
    old, new = pair.differ.resolve_old(old_ref), pair.differ.resolve_new(new_ref)
    return old is not None and new is not None and shape(old) == shape(new)
