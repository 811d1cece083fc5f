"""oneOf / anyOf / allOf branches added or removed, and discriminators. Branches are matched by ref, title and
resolved shape first (see matching.py), so a renamed component is not an added plus a removed branch."""

from __future__ import annotations

from ..engine import SchemaPair
from ..registry import schema_rule
from ..schemas import ref_name, shape, unwrap

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


@schema_rule
def composition_branches(pair: SchemaPair) -> None:
    for keyword, concept in _CONCEPT.items():
        old, new = pair.old.get(keyword), pair.new.get(keyword)
        if not isinstance(old, list) and not isinstance(new, list):
            continue
        _, removed, added = pair.branches(keyword)  # `X` -> `oneOf: [X, Y]` reports only Y
        if removed:
            names = ", ".join(_branch_name(b) for b in removed)
            pair.report(f"{concept}-removed", f"{keyword} branch(es) {names} removed")
        if added:
            names = ", ".join(_branch_name(b) for b in added)
            pair.report(f"{concept}-added", f"{keyword} branch(es) {names} added")


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
    old_map, new_map = old.get("mapping") or {}, new.get("mapping") or {}
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
