"""Deprecation policy (oasdiff's `deprecated` + `x-sunset` + `x-stability-level`, see policy.py) for operations,
and the helper parameters and properties share: what a newly deprecated element reports, and what its removal
or a changed sunset reports. Removing an element before the sunset it announced is breaking; removing it after
a deprecation without a sunset (or once the sunset passed) is not."""

from __future__ import annotations

from ..engine import DocumentPair, OperationPair
from ..policy import STABILITY_ORDER, SUNSET, safe_stability, safe_sunset
from ..registry import document_rule, operation_rule, rule_ids

IDS = rule_ids(__name__, """
    api-path-removed-without-deprecation api-path-removed-with-deprecation api-path-removed-before-sunset
    api-removed-without-deprecation api-removed-with-deprecation api-removed-before-sunset api-path-sunset-parse
    endpoint-deprecated endpoint-deprecated-with-sunset endpoint-reactivated api-deprecated-sunset-missing
    api-deprecated-sunset-parse api-sunset-date-too-small sunset-deleted api-sunset-date-changed-too-small
    api-invalid-stability-level api-stability-decreased api-stability-increased
""")


def deprecation_outcome(policy, node: dict, operation: dict | None = None) -> tuple[str, str]:
    """What deprecating NODE means under POLICY: ("ok" | "with-sunset" | "missing" | "invalid" | "too-small",
    detail). Reads the revision's x-sunset, and the x-stability-level of NODE or else of its OPERATION (how
    oasdiff judges a parameter of an alpha endpoint)."""
    stability, _ = safe_stability(node)
    if stability is None and operation is not None:
        stability, _ = safe_stability(operation)
    required = policy.days_required(stability)
    sunset, error = safe_sunset(node)
    if error:
        return "invalid", error
    if sunset is None:
        return ("missing", f"no {SUNSET} (the policy asks {required} days)") if required > 0 else ("ok", "")
    days = (sunset - policy.today).days
    if days < required:
        return "too-small", f"sunset {sunset} is {days} days away, the policy asks at least {required}"
    return "with-sunset", f"sunset {sunset}"


def removal_outcome(policy, node: dict) -> tuple[str, str]:
    """What removing NODE means: ("without-deprecation" | "with-deprecation" | "before-sunset" | "invalid", detail)."""
    if node.get("deprecated") is not True:
        return "without-deprecation", ""
    sunset, error = safe_sunset(node)
    if error:
        return "invalid", error
    if sunset is not None and policy.today < sunset:
        return "before-sunset", f"removed before its sunset {sunset}"
    return "with-deprecation", f"sunset {sunset}" if sunset else ""


def sunset_change(policy, before: dict, after: dict) -> tuple[str, str] | None:
    """A still-deprecated element's x-sunset: ("deleted" | "invalid" | "too-small", detail) or None."""
    if after.get("deprecated") is not True or SUNSET not in before:
        return None
    if SUNSET not in after:
        return "deleted", f"{SUNSET} {before[SUNSET]} deleted"
    if before[SUNSET] == after[SUNSET]:
        return None
    (old, old_error), (new, new_error) = safe_sunset(before), safe_sunset(after)
    if old_error or new_error:
        return "invalid", old_error or new_error
    stability, _ = safe_stability(after)
    if old > new and (new - policy.today).days < policy.days_required(stability):
        return "too-small", f"sunset moved from {old} to {new}"
    return None


def stability_change(before: dict, after: dict) -> str | None:
    """"decreased" | "increased" | None (an absent level is stable; invalid values are reported elsewhere)."""
    (old, old_error), (new, new_error) = safe_stability(before), safe_stability(after)
    if old_error or new_error:
        return None
    old, new = STABILITY_ORDER[old or "stable"], STABILITY_ORDER[new or "stable"]
    return None if old == new else "decreased" if new < old else "increased"


@document_rule
def operations_removed(doc: DocumentPair) -> None:
    old, new = doc.differ.old, doc.differ.new
    policy = doc.differ.policy
    new_shapes = {shape for _, shape in new.operations}
    for key in sorted(old.operations.keys() - new.operations.keys(), key=lambda k: (k[1], k[0])):
        op = old.operations[key]
        stability, error = safe_stability(op.definition)
        if error:
            doc.report("api-invalid-stability-level", "operation", f"{op.label}: {error}", operation=op.label)
            continue
        whole_path = key[1] not in new_shapes
        if whole_path and stability in ("draft", "alpha"):
            continue  # no promise was made for draft and alpha endpoints
        outcome, detail = removal_outcome(policy, op.definition)
        suffix = f" ({detail})" if detail else ""
        if outcome == "invalid":
            doc.report("api-path-sunset-parse", "operation", f"{op.label}: removed; {detail}", operation=op.label)
        elif outcome == "before-sunset":
            rule = "api-path-removed-before-sunset" if whole_path else "api-removed-before-sunset"
            doc.report(rule, "operation", f"{op.label}: {detail}", operation=op.label)
        elif outcome == "with-deprecation":
            rule = "api-path-removed-with-deprecation" if whole_path else "api-removed-with-deprecation"
            what = "path" if whole_path else "operation"
            doc.report(rule, "operation", f"{op.label}: {what} removed after deprecation{suffix}", operation=op.label)
        else:
            rule = "api-path-removed-without-deprecation" if whole_path else "api-removed-without-deprecation"
            what = "path" if whole_path else "operation"
            doc.report(rule, "operation", f"{op.label}: {what} removed without deprecation", operation=op.label)


@operation_rule
def operation_lifecycle(op: OperationPair) -> None:
    before, after = op.old.definition, op.new.definition
    invalid = False
    for node in (before, after):
        _, error = safe_stability(node)
        if error:
            invalid = True
            op.report("api-invalid-stability-level", "operation", f"{op.label}: {error}")
    if not invalid:
        changed = stability_change(before, after)
        if changed:
            levels = f"{before.get('x-stability-level') or 'stable'} to {after.get('x-stability-level') or 'stable'}"
            op.report("api-stability-increased" if changed == "increased" else "api-stability-decreased",
                      "operation", f"{op.label}: stability {changed} from {levels}")
    was, now = before.get("deprecated") is True, after.get("deprecated") is True
    if was and not now:
        op.report("endpoint-reactivated", "operation", f"{op.label}: operation no longer deprecated")
    elif now and not was and not invalid:
        outcome, detail = deprecation_outcome(op.differ.policy, after)
        rule = {"ok": "endpoint-deprecated", "with-sunset": "endpoint-deprecated-with-sunset",
                "missing": "api-deprecated-sunset-missing", "invalid": "api-deprecated-sunset-parse",
                "too-small": "api-sunset-date-too-small"}[outcome]
        op.report(rule, "operation", f"{op.label}: operation deprecated" + (f" ({detail})" if detail else ""))
    if was and now:
        changed = sunset_change(op.differ.policy, before, after)
        if changed:
            kind, detail = changed
            rule = {"deleted": "sunset-deleted", "invalid": "api-path-sunset-parse",
                    "too-small": "api-sunset-date-changed-too-small"}[kind]
            op.report(rule, "operation", f"{op.label}: {detail}")
