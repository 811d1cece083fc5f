"""`vapi-contract plan`: what a run will do to the target, operation by operation, before it sends anything.

The platform engineer who approves a nightly against a production key reads this: which operations are fuzzed and
on which objects, which only a lifecycle touches, and which are never sent, with the reason. Derived from the same
plan and safety rules the run uses, so it cannot drift from what the run does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..spec.model import iter_operations, label_sort_key
from . import safety
from .options import RunOptions
from .plan import Plan, build, creates_deletable


@dataclass(frozen=True)
class Row:
    operation: str
    kind: str  # read | write | cost
    action: str  # fuzzed | lifecycle only | never sent
    detail: str


def describe(document: dict[str, Any], options: RunOptions) -> tuple[Plan, list[Row]]:
    plan = build(document, options)
    fuzzed = set(plan.operations)
    lifecycle = {}
    for fam in plan.families:
        for label in (fam.create, fam.list, fam.get, fam.update, fam.delete):
            if label:
                lifecycle.setdefault(label, fam.name)
    own_only = options.profile == "safe-live"
    rows = []
    for op in iter_operations(document):
        label = op.label
        verdict = safety.classify(op.method, op.path, op.operation_id, document.get("paths") or {})
        kind = {"read": "read", "mutating": "write", "cost": "cost"}[verdict.kind]
        if label in plan.unselected:
            rows.append(Row(label, kind, "not selected", "not matched by --operations"))
            continue
        also = f"; lifecycle of {lifecycle[label]}" if label in lifecycle else ""
        if label in fuzzed:
            rows.append(Row(label, kind, "fuzzed", _fuzz_detail(document, op.method, op.path, kind, own_only) + also))
        elif label in lifecycle:
            rows.append(Row(label, kind, "lifecycle only", f"{plan.excluded.get(label, '')}{also}".strip("; ")))
        else:
            rows.append(Row(label, kind, "never sent", plan.excluded.get(label, "not in the plan")))
    return plan, rows


def _fuzz_detail(document: dict[str, Any], method: str, path: str, kind: str, own_only: bool) -> str:
    addressed = "{" in path
    if kind == "read":
        return ("valid and invalid requests; half of them on ids of objects that exist (listed) or the run made"
                if addressed else "valid and invalid requests")
    if method == "POST" and creates_deletable(document, path):
        return "valid and invalid bodies; every object a 2xx made is tracked and deleted at the end"
    if addressed and own_only:
        return "valid and invalid requests on objects the run created itself, or on ids that address nothing"
    if addressed:
        return "valid and invalid requests on existing objects and on the run's own"
    return "valid and invalid requests (a staging organisation: nothing is undone)"


def render(plan: Plan, rows: list[Row], options: RunOptions) -> str:
    target = "the twin" if options.is_twin else options.target
    counts = {a: sum(r.action == a for r in rows) for a in ("fuzzed", "lifecycle only", "never sent")}
    head = (f"plan against {target} (profile {options.profile}{', --allow-cost' if options.allow_cost else ''}): "
            f"{counts['fuzzed']} fuzzed, {counts['lifecycle only']} through a lifecycle only, "
            f"{counts['never sent']} never sent, of {len(rows)} operations")
    lines = [head, ""]
    width = max((len(r.operation) for r in rows), default=10)
    for row in sorted(rows, key=lambda r: label_sort_key(r.operation)):
        lines.append(f"{row.operation:<{width}}  {row.kind:<5}  {row.action:<14}  {row.detail}")
    lines += ["", f"lifecycles ({len(plan.families)}): " + (", ".join(f.name for f in plan.families) or "none"),
              f"auth probes (no token, wrong token): {len(plan.auth_operations)} operations"]
    return "\n".join(lines)
