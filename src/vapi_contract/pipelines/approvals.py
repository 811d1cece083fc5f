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
        return self.expires is not None and self.expires < today

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


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApprovalsError(f"{where}: 'expires' must be a date YYYY-MM-DD, got {value!r}") from None


def parse(data: Any, name: str) -> list[Approval]:
    """Validate a parsed approvals document; raise ApprovalsError naming the first bad entry."""
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("approved", []), list):
        raise ApprovalsError(f"{name}: expected a mapping with an 'approved' list")
    unknown_top = set(data) - {"approved"}
    if unknown_top:
        raise ApprovalsError(f"{name}: unknown top-level key {min(unknown_top, key=str)!r} (expected 'approved')")
    approvals: list[Approval] = []
    seen: dict[tuple, int] = {}
    for index, entry in enumerate(data.get("approved") or [], start=1):
        where = f"{name}: entry {index}"
        if not isinstance(entry, dict):
            raise ApprovalsError(f"{where}: expected a mapping, got {type(entry).__name__}")
        unknown = set(entry) - ALLOWED
        if unknown:
            raise ApprovalsError(f"{where}: unknown key {min(unknown, key=str)!r}")
        for key in REQUIRED:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ApprovalsError(f"{where}: missing or empty {key!r}")
        for key in ("operation", "location"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                raise ApprovalsError(f"{where}: {key!r} must be a string")
        operation, location = entry.get("operation") or None, entry.get("location") or None
        if operation is None and location is None:
            raise ApprovalsError(f"{where}: give 'operation' or 'location' so the approval names one change")
        approval = Approval(
            rule=entry["rule"].strip(),
            operation=operation,
            location=location,
            reason=entry["reason"].strip(),
            approver=entry["approver"].strip(),
            expires=_date(entry.get("expires"), where),
            index=index,
        )
        key = (approval.rule, approval.operation, approval.location)
        if key in seen:
            raise ApprovalsError(f"{where}: duplicates entry {seen[key]} ({approval.describe()})")
        seen[key] = index
        approvals.append(approval)
    return approvals


def load(path: Path | str) -> list[Approval]:
    """Read and validate an approvals file (YAML or JSON)."""
    from ..report.yamlfile import load_yaml, read_text

    path = Path(path)
    try:
        text = read_text(path, "approvals file", ApprovalsError)
    except FileNotFoundError:
        raise ApprovalsError(f"approvals file not found: {path}") from None
    return parse(load_yaml(text, str(path), ApprovalsError), str(path))


def apply(changes: Iterable[Any], approvals: list[Approval], today: dt.date | None = None) -> ApprovalOutcome:
    """Split CHANGES into approved and unapproved. An expired approval does not approve."""
    today = today or dt.date.today()
    outcome = ApprovalOutcome(approved=[], unapproved=[], expired=[], unused=[])
    used: set[int] = set()
    for change in changes:
        matching = [a for a in approvals if a.matches(change)]
        used |= {a.index for a in matching}
        valid = [a for a in matching if not a.expired(today)]
        if valid:
            outcome.approved.append((change, valid[0]))
        else:
            outcome.unapproved.append(change)
            if matching:
                outcome.expired.append((change, matching[0]))
    outcome.unused = [a for a in approvals if a.index not in used]
    return outcome
