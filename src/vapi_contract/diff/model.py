"""What a diff produces: changes with a stable rule id and level, and the result the gate and reports read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .catalogue import ERROR, INFO, LEVEL_ORDER, WARNING


@dataclass(frozen=True)
class Change:
    id: str  # stable kebab-case rule id (oasdiff's where the concept is the same)
    level: str  # error | warning | info
    operation: str | None  # first operation it reaches, e.g. "GET /assistant/{id}"; None for document-wide changes
    operations: tuple[str, ...]  # every operation it reaches (a shared component can reach many)
    location: str  # where inside the operation, e.g. "request body application/json: model.messages[].role"
    message: str  # one line
    component: str | None = None  # the shared component where it happened, e.g. "#/components/schemas/Assistant"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "level": self.level,
            "operation": self.operation,
            "operations": list(self.operations),
            "location": self.location,
            "message": self.message,
        }
        if self.component:
            data["component"] = self.component
        return data

    @property
    def sort_key(self) -> tuple:
        return (-LEVEL_ORDER[self.level], self.operation or "", self.location, self.id, self.message)


@dataclass
class DiffResult:
    changes: list[Change]
    old_label: str = "old"
    new_label: str = "new"
    old_counts: dict[str, int] = field(default_factory=dict)
    new_counts: dict[str, int] = field(default_factory=dict)
    # set by review.apply_approvals: (change, approval) pairs taken out of `changes`, and changes still counted
    # because their only approval expired
    approved: list = field(default_factory=list)
    expired_approvals: list = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counted = Counter(change.level for change in self.changes)
        return {ERROR: counted[ERROR], WARNING: counted[WARNING], INFO: counted[INFO]}

    def at_least(self, level: str) -> list[Change]:
        threshold = LEVEL_ORDER[level]
        return [c for c in self.changes if LEVEL_ORDER[c.level] >= threshold]

    @property
    def breaking(self) -> list[Change]:
        return self.at_least(ERROR)

    def fails(self, fail_on: str | None) -> bool:
        return bool(fail_on) and bool(self.at_least(fail_on))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"changes": [c.to_json() for c in self.changes], "summary": self.summary()}
        if self.approved:
            data["approved"] = [{**c.to_json(), "approval": _approval_json(a)} for c, a in self.approved]
        if self.expired_approvals:
            data["expired_approvals"] = [{**c.to_json(), "approval": _approval_json(a)}
                                         for c, a in self.expired_approvals]
        return data


def _approval_json(approval) -> dict[str, Any]:
    return {"approver": approval.approver, "reason": approval.reason,
            "expires": approval.expires.isoformat() if approval.expires else None}
