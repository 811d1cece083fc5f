"""The baseline of accepted findings: which known disagreements a team has agreed to live with, until when.

File format (default `specs/vapi/accepted-findings.yaml`)::

    accepted:
      - fingerprint: 3f2a9c0d1e2f3a4b
        reason: "400 on invalid body is not documented; tracked in API-123"
        owner: qa-team
        expires: 2027-01-31
        operation: POST /assistant        # optional; without it the entry is never reported fixed
        check: status_code_conformance    # optional: "fixed" needs this check to have run again
        kind: negative                    # optional: the kind of case (mode or exchange source), same rule

      - match:                            # a pattern instead of a fingerprint (see report/patterns.py)
          check: undocumented_status_code
          classification: spec-gap
          status: 404
          operation: "*{*}*"
        reason: "the spec documents no 404: an unknown id answered 404 is correct"
        owner: qa-team
        expires: 2027-01-31

A finding is `known` when its fingerprint is accepted and not expired, OR a non-expired pattern matches it; every
other finding is `new` (an expired entry counts as new). Fingerprint entries not seen in the run are `fixed` only
when the run checked them again with a case of the same kind (report/recheck.py), else `not_covered`. Patterns
are never fixed or not covered: the report counts how many findings each matched (used / unused).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vapi_contract import acceptlist
from vapi_contract.errors import UsageError

from .patterns import AcceptedPattern, parse_pattern

DEFAULT_NAME = "accepted-findings.yaml"
FINGERPRINT = acceptlist.FINGERPRINT
REQUIRED = ("fingerprint", "reason", "owner", "expires")
OPTIONAL = ("operation", "check", "kind", "classification", "message", "added")
FUZZ_KINDS = ("positive", "negative")  # generation modes; any other kind is an exchange source (lifecycle, auth...)


@dataclass(frozen=True)
class Accepted:
    fingerprint: str
    reason: str
    owner: str
    expires: _dt.date
    operation: str | None = None
    check: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str | None:
        """The kind of case that showed the finding: a generation mode (positive/negative) or an exchange
        source (lifecycle, behaviour, auth, ...); a fix is claimed only when a case of that kind ran again."""
        kind = self.extra.get("kind")
        return kind if isinstance(kind, str) and kind else None

    def expired(self, today: _dt.date) -> bool:
        """Valid through its `expires` day; expired from the next day on."""
        return acceptlist.expired_on(self.expires, today)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        data["expires"] = self.expires.isoformat()
        return {k: v for k, v in {**data, **extra}.items() if v is not None}


@dataclass
class Baseline:
    path: Path | None
    entries: list[Accepted]  # fingerprint entries
    patterns: list[AcceptedPattern] = field(default_factory=list)

    @property
    def has_entries(self) -> bool:
        return bool(self.entries or self.patterns)

    def get(self, fingerprint: str) -> Accepted | None:
        return self._index.get(fingerprint.lower())

    @property
    def _index(self) -> dict[str, Accepted]:
        return {e.fingerprint.lower(): e for e in self.entries}


@dataclass
class Triage:
    """The outcome of comparing a run's findings with a baseline."""

    status: dict[str, str]  # fingerprint -> "new" | "known"
    accepted_by: dict[str, Accepted | AcceptedPattern]  # fingerprint -> the entry that accepts it (or expired one)
    expired: list[Accepted]  # entries past their date (their findings, if seen, are new)
    fixed: list[Accepted]  # accepted, not seen, operation tested (or unknown)
    not_covered: list[Accepted]  # accepted, not seen, operation not tested in this run
    pattern_matches: list[int] = field(default_factory=list)  # per baseline pattern: findings it matched


# Vapi's systemic spec gaps (no documented 4xx; catch-all `default` answers), shipped inside the package so an
# installed vapi-contract run from any folder starts from them, as a checkout's specs/vapi does.
SHIPPED = Path(__file__).parent / "shipped" / DEFAULT_NAME


def default_path() -> Path:
    """Where `report accept` writes: the store's accepted-findings.yaml."""
    from vapi_contract import config

    return config.store_dir() / DEFAULT_NAME


def default_baseline(store: Path | None = None) -> Path:
    """What a run is triaged against when no baseline is named: the store's file (default: $VAPI_CONTRACT_STORE,
    else specs/vapi), else the shipped one (`SHIPPED`)."""
    own = Path(store) / DEFAULT_NAME if store is not None else default_path()
    return own if own.exists() else SHIPPED


def _entry(raw: Any, where: str) -> Accepted:
    raw = acceptlist.mapping(raw, where, f"{', '.join(REQUIRED)} (or 'match' instead of 'fingerprint')")
    acceptlist.require(raw, REQUIRED, where)
    value = raw["fingerprint"]
    fingerprint = acceptlist.fingerprint(str(value) if isinstance(value, int) else value, where)
    acceptlist.require_strings(raw, ("reason", "owner"), where)
    acceptlist.optional_strings(raw, ("operation", "check", "kind"), where)
    acceptlist.reject_unknown(raw, (*REQUIRED, *OPTIONAL), where)
    extra = {k: raw[k] for k in OPTIONAL if k in raw and k not in ("operation", "check") and raw[k] is not None}
    if isinstance(extra.get("added"), _dt.date):
        extra["added"] = extra["added"].isoformat()
    return Accepted(
        fingerprint=fingerprint,
        reason=raw["reason"].strip(),
        owner=raw["owner"].strip(),
        expires=acceptlist.parse_date(raw["expires"], where),
        operation=raw.get("operation") or None,
        check=raw.get("check") or None,
        extra=extra,
    )


def parse(text: str, where: str = "baseline") -> Baseline:
    raw_entries = acceptlist.entry_list(acceptlist.load_yaml(text, where), "accepted", where)
    entries: list[Accepted] = []
    patterns: list[AcceptedPattern] = []
    seen = acceptlist.Duplicates()
    for i, raw in enumerate(raw_entries, start=1):
        if isinstance(raw, dict) and "match" in raw:
            patterns.append(parse_pattern(raw, f"{where}: entry {i}"))
            continue
        entry = _entry(raw, f"{where}: entry {i}")
        earlier = seen.first(entry.fingerprint, i)
        if earlier is not None:
            raise UsageError(f"{where}: entry {i}: fingerprint {entry.fingerprint} already accepted in entry {earlier}")
        entries.append(entry)
    return Baseline(None, entries, patterns)


def load(path: Path | str, *, missing_ok: bool = False) -> Baseline:
    """Parse and validate the baseline file; any problem is a one-line `UsageError` (exit 2)."""
    path = Path(path)
    try:
        text = acceptlist.read_text(path, "baseline")
    except FileNotFoundError:
        if missing_ok:
            return Baseline(path, [])
        raise UsageError(f"baseline {path}: no such file") from None
    baseline = parse(text, where=f"baseline {path}")
    baseline.path = path
    return baseline


def dumps(baseline: Baseline) -> str:
    import yaml

    header = ("# Accepted contract findings: a finding whose fingerprint is listed here, or that a `match:` pattern\n"
              "# matches (not expired), is reported as 'known' instead of 'new'. Managed with\n"
              "# `vapi-contract report accept` (fingerprints) or by hand (patterns).\n")
    entries = []
    for pattern in baseline.patterns:
        data = pattern.as_dict()
        data["expires"] = pattern.expires
        entries.append(data)
    for entry in baseline.entries:
        data = entry.as_dict()
        data["expires"] = entry.expires  # YAML date, not a quoted string
        entries.append(data)
    return header + yaml.safe_dump({"accepted": entries}, sort_keys=False, allow_unicode=True, width=110)


def save(baseline: Baseline, path: Path | str) -> None:
    acceptlist.write_text(Path(path), dumps(baseline), "baseline")


def accept(
    path: Path | str,
    fingerprint: str,
    *,
    reason: str,
    owner: str,
    expires: _dt.date | str,
    operation: str | None = None,
    check: str | None = None,
    kind: str | None = None,
    today: _dt.date | None = None,
) -> Accepted:
    """Add (or renew, when already listed) an accepted entry and rewrite the file atomically.

    Read, change and write happen under a lock beside the file, so concurrent accepts never lose an entry.
    """
    fields = {"operation": operation, "check": check, "kind": kind}
    return accept_many(path, [{"fingerprint": fingerprint, **fields}], reason=reason, owner=owner,
                       expires=expires, today=today)[0]


def accept_many(
    path: Path | str,
    findings: Iterable[dict[str, Any]],
    *,
    reason: str,
    owner: str,
    expires: _dt.date | str,
    today: _dt.date | None = None,
    dry_run: bool = False,
) -> list[Accepted]:
    """Accept (or renew) every finding of FINDINGS ({fingerprint, operation?, check?, kind?}) with one reason,
    owner and expiry: every entry is checked first, then one read-change-write under the lock, one atomic write.
    `dry_run` checks everything (the file too) and writes nothing."""
    path = Path(path)
    today = today or _dt.date.today()
    entries: dict[str, Accepted] = {}
    for finding in findings:
        raw = {"fingerprint": finding.get("fingerprint"), "reason": reason, "owner": owner, "expires": expires,
               "operation": finding.get("operation"), "check": finding.get("check"), "kind": finding.get("kind"),
               "added": today.isoformat()}
        entry = _entry({k: v for k, v in raw.items() if v is not None}, f"accept {raw['fingerprint']}")
        if entry.expired(today):
            raise UsageError(f"accept {raw['fingerprint']}: expires {entry.expires} is already in the past")
        entries.setdefault(entry.fingerprint, entry)
    if dry_run:
        if path.exists():
            load(path)  # the accept itself would fail on a broken file: say so now
        elif path.parent.is_file():
            raise UsageError(f"baseline {path}: {path.parent} is a file, not a folder")
        return list(entries.values())
    if not entries:
        return []
    with acceptlist.locked(path, "baseline"):
        return _accept_locked(path, list(entries.values()))




def _accept_locked(path: Path, new: list[Accepted]) -> list[Accepted]:
    baseline = load(path, missing_ok=True)
    entries = list(baseline.entries)
    added: list[Accepted] = []
    done: list[Accepted] = []
    for entry in new:
        old = baseline.get(entry.fingerprint)
        if old is None:
            added.append(entry)
            done.append(entry)
            continue
        # renewing keeps the original position and informative fields
        entry = Accepted(entry.fingerprint, entry.reason, entry.owner, entry.expires,
                         entry.operation or old.operation, entry.check or old.check, {**old.extra, **entry.extra})
        entries[entries.index(old)] = entry
        done.append(entry)
    if len(added) == len(new) and _append_in_place(path, added, len(entries) + len(added)):
        return done
    save(Baseline(path, entries + added, baseline.patterns), path)
    return done


def _append_in_place(path: Path, added: list[Accepted], expected: int) -> bool:
    """Append new entries to the file's text so hand-written comments survive; False when not possible.

    `accepted` is the only top-level key, so its block list runs to the end of the file.
    """
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    item = re.search(r"^accepted:[ \t]*(#.*)?\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text, re.MULTILINE)
    if item is None:
        return False
    indent = item.group(2)
    rows = []
    for entry in added:
        data = entry.as_dict()
        data["expires"] = entry.expires
        rows.append(data)
    block = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=110)
    block = "".join(indent + line if line.strip() else line for line in block.splitlines(keepends=True))
    new_text = text + ("" if text.endswith("\n") else "\n") + block
    try:
        if len(parse(new_text).entries) != expected:
            return False
    except UsageError:
        return False
    acceptlist.write_text(path, new_text, "baseline")
    return True


def triage(
    findings: Iterable[dict[str, Any]],
    baseline: Baseline | None,
    *,
    tested_operations: Iterable[str] | None = None,
    rechecked: Callable[[Accepted], bool] | None = None,
    today: _dt.date | None = None,
) -> Triage:
    """Classify fingerprints new/known and list fixed / not-covered fingerprint entries.

    A finding is known when its fingerprint entry is live, or else when a live pattern matches it (the first one,
    in file order). An unseen entry is fixed only when `rechecked(entry)` says this run checked it again (the
    report's rule: `summary.rechecker`); without it, when its operation is in `tested_operations` (None: unknown,
    every unseen entry is fixed). Patterns are counted (`pattern_matches`), never fixed or not covered.
    """
    today = today or _dt.datetime.now(_dt.timezone.utc).date()
    entries = baseline.entries if baseline else []
    patterns = baseline.patterns if baseline else []
    index = {e.fingerprint: e for e in entries}

    def fingerprint(finding: dict[str, Any]) -> str:
        return str(finding.get("fingerprint") or "").lower()

    def candidates(finding: dict[str, Any]) -> list[Accepted | AcceptedPattern]:
        entry = index.get(fingerprint(finding))
        return ([entry] if entry is not None else []) + [p for p in patterns if p.matches(finding)]

    listed: list[Accepted | AcceptedPattern] = [*entries, *patterns]
    result = acceptlist.classify(findings, listed, candidates, today=today)
    status: dict[str, str] = {}
    accepted_by: dict[str, Accepted | AcceptedPattern] = {}
    for finding, state, entry in result.rows:
        status[fingerprint(finding)] = state
        if entry is not None:
            accepted_by[fingerprint(finding)] = entry
    tested = set(tested_operations) if tested_operations is not None else None
    fixed, not_covered = [], []
    for entry in entries:
        if entry.fingerprint in status:
            continue
        if rechecked is not None:
            (fixed if rechecked(entry) else not_covered).append(entry)
        elif tested is not None and entry.operation and entry.operation not in tested:
            not_covered.append(entry)
        else:
            fixed.append(entry)
    expired = [e for e in entries if e.expired(today)]
    return Triage(status, accepted_by, expired, fixed, not_covered, result.hits[len(entries):])
