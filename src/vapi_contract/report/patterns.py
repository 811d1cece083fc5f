"""Accepted-finding patterns: one baseline entry that accepts every finding of a kind, on any operation it names.

A fingerprint entry accepts one finding of one operation. A systemic reason ("the spec documents no 4xx, so every
404 for an unknown id is undocumented") would need one fingerprint per operation, and every operation a spec
release adds would page the team with "new" findings that are the same correct behaviour. A pattern says it once::

    accepted:
      - match:
          check: undocumented_status_code      # required: check name (or a list of names)
          classification: spec-gap            # required: server-bug | spec-gap | infra (or a list)
          status: 404                         # optional: HTTP status (or a list of statuses)
          operation: "*{*}*"                  # optional: glob(s) on the label `GET /assistant/{id}`
          cause: "^status 404 is not"         # optional: regex searched in the finding's message
        reason: "..."
        owner: qa-team
        expires: 2027-05-31

A finding matches when every key given matches. `check` and `classification` are required so that a pattern
always says which kind of finding it accepts: a pattern for spec gaps never accepts a server bug.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from vapi_contract import acceptlist
from vapi_contract.errors import UsageError

from .normalize import CLASSIFICATIONS

MATCH_KEYS = ("check", "classification", "status", "operation", "cause")
MATCH_REQUIRED = ("check", "classification")
ENTRY_KEYS = ("match", "reason", "owner", "expires", "added", "message")


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise UsageError(f"{where}: match {key!r} must be a non-empty string or a list of them, got {value!r}")
    return tuple(v.strip() for v in items)


def _statuses(value: Any, where: str) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value]
    ok = items and all(isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 599 for v in items)
    if not ok:
        raise UsageError(f"{where}: match 'status' must be an HTTP status (100-599) or a list of them, got {value!r}")
    return tuple(items)


@dataclass(frozen=True)
class Match:
    check: tuple[str, ...]
    classification: tuple[str, ...]
    status: tuple[int, ...] | None = None
    operation: tuple[str, ...] | None = None  # globs (fnmatch, case-sensitive) on the operation label
    cause: str | None = None  # regex, searched in the finding's message

    @classmethod
    def parse(cls, raw: Any, where: str) -> Match:
        if not isinstance(raw, dict) or not raw:
            raise UsageError(f"{where}: 'match' must be a mapping of {', '.join(MATCH_KEYS)}")
        unknown = sorted(set(raw) - set(MATCH_KEYS), key=str)
        if unknown:
            raise UsageError(f"{where}: unknown match key(s) {', '.join(map(repr, unknown))}; "
                             f"known: {', '.join(MATCH_KEYS)}")
        missing = [k for k in MATCH_REQUIRED if raw.get(k) is None]
        if missing:
            raise UsageError(f"{where}: match needs {' and '.join(map(repr, missing))} (a pattern names the kind "
                             "of finding it accepts)")
        classification = _strings(raw["classification"], "classification", where)
        bad = [c for c in classification if c not in CLASSIFICATIONS]
        if bad:
            raise UsageError(f"{where}: match 'classification' {bad[0]!r} is not one of {', '.join(CLASSIFICATIONS)}")
        cause = raw.get("cause")
        if cause is not None:
            if not isinstance(cause, str) or not cause:
                raise UsageError(f"{where}: match 'cause' must be a regular expression string, got {cause!r}")
            try:
                re.compile(cause)
            except re.error as exc:
                raise UsageError(f"{where}: match 'cause' is not a valid regular expression ({exc})") from None
        return cls(
            check=_strings(raw["check"], "check", where),
            classification=classification,
            status=_statuses(raw["status"], where) if raw.get("status") is not None else None,
            operation=_strings(raw["operation"], "operation", where) if raw.get("operation") is not None else None,
            cause=cause,
        )

    def matches(self, finding: dict[str, Any]) -> bool:
        if str(finding.get("check") or "") not in self.check:
            return False
        if str(finding.get("classification") or "") not in self.classification:
            return False
        if self.status is not None and finding.get("status_code") not in self.status:
            return False
        operation = str(finding.get("operation") or "")
        if self.operation is not None and not any(fnmatchcase(operation, glob) for glob in self.operation):
            return False
        return self.cause is None or re.search(self.cause, str(finding.get("message") or "")) is not None

    def as_dict(self) -> dict[str, Any]:
        def one(value):
            return value[0] if isinstance(value, tuple) and len(value) == 1 else list(value)

        data = {"check": one(self.check), "classification": one(self.classification)}
        for key in ("status", "operation"):
            if getattr(self, key) is not None:
                data[key] = one(getattr(self, key))
        if self.cause is not None:
            data["cause"] = self.cause
        return data

    def describe(self) -> str:
        """`undocumented_status_code spec-gap 404 on *{*}*`: what the report shows for a pattern."""
        parts = ["/".join(self.check), "/".join(self.classification)]
        if self.status:
            parts.append("/".join(map(str, self.status)))
        if self.cause:
            parts.append(f"cause ~ {self.cause}")
        return " ".join(parts) + f" on {', '.join(self.operation) if self.operation else 'any operation'}"


@dataclass(frozen=True)
class AcceptedPattern:
    match: Match
    reason: str
    owner: str
    expires: _dt.date
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def expired(self, today: _dt.date) -> bool:
        """Valid through its `expires` day; expired from the next day on."""
        return self.expires < today

    def matches(self, finding: dict[str, Any]) -> bool:
        return self.match.matches(finding)

    def as_dict(self) -> dict[str, Any]:
        return {"match": self.match.as_dict(), "reason": self.reason, "owner": self.owner,
                "expires": self.expires.isoformat(), **self.extra}


def parse_pattern(raw: dict[str, Any], where: str) -> AcceptedPattern:
    """A `match:` entry of the baseline (its dates read as every accepted list's, `acceptlist.parse_date`)."""
    if "fingerprint" in raw:
        raise UsageError(f"{where}: an entry has either 'fingerprint' or 'match', not both")
    misplaced = sorted({"operation", "check", "classification", "status", "cause"} & set(raw))
    if misplaced:
        raise UsageError(f"{where}: {', '.join(map(repr, misplaced))} belong(s) inside 'match' in a pattern entry")
    unknown = sorted(set(raw) - set(ENTRY_KEYS), key=str)
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    missing = [k for k in ("reason", "owner", "expires") if raw.get(k) in (None, "")]
    if missing:
        raise UsageError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
    for key in ("reason", "owner"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise UsageError(f"{where}: {key!r} must be a non-empty string")
    extra = {k: raw[k] for k in ("added", "message") if raw.get(k) is not None}
    if isinstance(extra.get("added"), _dt.date):
        extra["added"] = extra["added"].isoformat()
    return AcceptedPattern(match=Match.parse(raw["match"], where), reason=raw["reason"].strip(),
                           owner=raw["owner"].strip(), expires=acceptlist.parse_date(raw["expires"], where), extra=extra)
