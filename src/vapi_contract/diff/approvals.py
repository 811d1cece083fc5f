"""Approved breaking changes: `specs/vapi/approved-changes.yaml`.

A release may break the API on purpose (an operation is retired, a field becomes required). The gate lets such a
change through only when an entry here names it by rule id and where it happens, with a reason and an approver:

```yaml
approved:
  - rule: api-removed-without-deprecation       # diff rule id (vapi-contract diff --format json: "id")
    operation: DELETE /assistant/{id}            # the operation, or one of the operations the change reaches
    location: ""                                 # optional: the location inside it, as the diff prints it
    reason: "assistant deletion moves to the archive API (API-412)"
    approver: jane.doe
    expires: 2027-01-31                          # optional: after this date the approval no longer counts
```

`operation` and `location` match exactly; `*` is the only wildcard (`location: "model.*"`). An entry needs at
least one of them, so nothing can approve every change of a rule by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import acceptlist
from ..errors import UsageError

FILE_NAMES = ("approved-changes.yaml", "approved-changes.yml", "approved-changes.json")
REQUIRED = ("rule", "reason", "approver")
ALLOWED = {"rule", "operation", "location", "reason", "approver", "expires"}


class ApprovalsError(UsageError):
    """The approvals file cannot be trusted: one line saying where and why (exit 2)."""


@dataclass(frozen=True)
class Approval:
    rule: str
    operation: str | None
    location: str | None
    reason: str
    approver: str
    expires: dt.date | None
    index: int  # 1-based position in the file, for messages

    def expired(self, today: dt.date) -> bool:
        return acceptlist.expired_on(self.expires, today)

    def matches(self, change: Any) -> bool:
        """True when this entry names CHANGE (a diff Change: id, operation, operations, location)."""
        if change.id != self.rule:
            return False
        if self.operation is not None:
            reached = [change.operation, *(getattr(change, "operations", None) or [])]
            if not any(op is not None and _wildcard(self.operation, op) for op in reached):
                return False
        return not (self.location is not None and not _wildcard(self.location, change.location or ""))

    def describe(self) -> str:
        where = " ".join(x for x in (self.operation, self.location) if x)
        return f"{self.rule} {where}".strip()


@dataclass
class ApprovalOutcome:
    """How the approvals apply to a list of breaking changes."""

    approved: list[tuple[Any, Approval]]
    unapproved: list[Any]
    expired: list[tuple[Any, Approval]]  # changes whose only matching approvals have expired (still unapproved)
    unused: list[Approval]  # entries that matched nothing: stale, worth cleaning up


def _wildcard(pattern: str, value: str) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, value) is not None


def default_path(store: Path) -> Path | None:
    """The approvals file beside the snapshot store, if one exists."""
    for name in FILE_NAMES:
        if (store / name).exists():
            return store / name
    return None


def _entry(raw: Any, index: int, where: str) -> Approval:
    raw = acceptlist.mapping(raw, where, "'rule', 'reason', 'approver'", ApprovalsError)
    acceptlist.reject_unknown(raw, ALLOWED, where, ApprovalsError)
    acceptlist.require_strings(raw, REQUIRED, where, ApprovalsError)
    acceptlist.optional_strings(raw, ("operation", "location"), where, ApprovalsError)
    operation, location = raw.get("operation") or None, raw.get("location") or None
    if operation is None and location is None:
        raise ApprovalsError(f"{where}: give 'operation' or 'location' so the approval names one change")
    return Approval(
        rule=raw["rule"].strip(),
        operation=operation,
        location=location,
        reason=raw["reason"].strip(),
        approver=raw["approver"].strip(),
        expires=acceptlist.optional_date(raw, "expires", where, ApprovalsError),
        index=index,
    )


def parse(data: Any, name: str) -> list[Approval]:
    """Validate a parsed approvals document; raise ApprovalsError naming the first bad entry."""
    approvals: list[Approval] = []
    seen = acceptlist.Duplicates()
    for index, raw in enumerate(acceptlist.entry_list(data, "approved", name, ApprovalsError), start=1):
        where = f"{name}: entry {index}"
        approval = _entry(raw, index, where)
        earlier = seen.first((approval.rule, approval.operation, approval.location), index)
        if earlier is not None:
            raise ApprovalsError(f"{where}: duplicates entry {earlier} ({approval.describe()})")
        approvals.append(approval)
    return approvals


def load(path: Path | str) -> list[Approval]:
    """Read and validate an approvals file (YAML or JSON)."""
    path = Path(path)
    try:
        text = acceptlist.read_text(path, "approvals file", ApprovalsError)
    except FileNotFoundError:
        raise ApprovalsError(f"approvals file not found: {path}") from None
    return parse(acceptlist.load_yaml(text, str(path), ApprovalsError), str(path))


def apply(changes: Iterable[Any], approvals: list[Approval], today: dt.date | None = None) -> ApprovalOutcome:
    """Split CHANGES into approved and unapproved. An expired approval does not approve."""
    today = today or dt.date.today()
    result = acceptlist.classify(changes, approvals, acceptlist.by_match(approvals, Approval.matches), today=today)
    return ApprovalOutcome(approved=result.known, unapproved=result.new, expired=result.expired,
                           unused=result.unmatched)
