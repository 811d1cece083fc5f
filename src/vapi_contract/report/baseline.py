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

from vapi_contract.errors import UsageError

from .patterns import AcceptedPattern, parse_pattern
from .yamlfile import load_yaml, read_text

DEFAULT_NAME = "accepted-findings.yaml"
FINGERPRINT = re.compile(r"^[0-9a-fA-F]{16,}$")
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
        return self.expires < today

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


def default_path() -> Path:
    from vapi_contract import config

    return config.store_dir() / DEFAULT_NAME


def _parse_date(value: Any, where: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"{where}: 'expires' must be a date YYYY-MM-DD, got {value!r}")


def _entry(raw: Any, where: str) -> Accepted:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: expected a mapping with {', '.join(REQUIRED)} (or 'match' instead of "
                         "'fingerprint')")
    missing = [k for k in REQUIRED if raw.get(k) in (None, "")]
    if missing:
        raise UsageError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
    fingerprint = str(raw["fingerprint"]).strip()
    if not FINGERPRINT.match(fingerprint):
        raise UsageError(f"{where}: 'fingerprint' must be 16+ hex characters, got {fingerprint!r}")
    for key in ("reason", "owner"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise UsageError(f"{where}: {key!r} must be a non-empty string")
    for key in ("operation", "check", "kind"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise UsageError(f"{where}: {key!r} must be a string")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL), key=str)
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    extra = {k: raw[k] for k in OPTIONAL if k in raw and k not in ("operation", "check") and raw[k] is not None}
    if isinstance(extra.get("added"), _dt.date):
        extra["added"] = extra["added"].isoformat()
    return Accepted(
        fingerprint=fingerprint.lower(),
        reason=raw["reason"].strip(),
        owner=raw["owner"].strip(),
        expires=_parse_date(raw["expires"], where),
        operation=raw.get("operation") or None,
        check=raw.get("check") or None,
        extra=extra,
    )


def parse(text: str, where: str = "baseline") -> Baseline:
    data = load_yaml(text, where)
    if data is None:
        return Baseline(None, [])
    if not isinstance(data, dict) or not isinstance(data.get("accepted", []), (list, type(None))):
        raise UsageError(f"{where}: expected a mapping with an 'accepted' list")
    unknown = sorted(set(data) - {"accepted"}, key=str)
    if unknown:
        raise UsageError(f"{where}: unknown top-level key(s) {', '.join(map(repr, unknown))}")
    entries: list[Accepted] = []
    patterns: list[AcceptedPattern] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data.get("accepted") or [], start=1):
        if isinstance(raw, dict) and "match" in raw:
            patterns.append(parse_pattern(raw, f"{where}: entry {i}", _parse_date))
            continue
        entry = _entry(raw, f"{where}: entry {i}")
        if entry.fingerprint in seen:
            raise UsageError(f"{where}: entry {i}: fingerprint {entry.fingerprint} already accepted in entry "
                             f"{seen[entry.fingerprint]}")
        seen[entry.fingerprint] = i
        entries.append(entry)
    return Baseline(None, entries, patterns)


def load(path: Path | str, *, missing_ok: bool = False) -> Baseline:
    """Parse and validate the baseline file; any problem is a one-line `UsageError` (exit 2)."""
    path = Path(path)
    try:
        text = read_text(path, "baseline")
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
    from .writer import atomic_write_text

    atomic_write_text(Path(path), dumps(baseline))


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
    from filelock import FileLock, Timeout

    path = Path(path)
    today = today or _dt.date.today()
    raw = {"fingerprint": fingerprint, "reason": reason, "owner": owner, "expires": expires,
           "operation": operation, "check": check, "kind": kind, "added": today.isoformat()}
    entry = _entry({k: v for k, v in raw.items() if v is not None}, f"accept {fingerprint}")
    if entry.expired(today):
        raise UsageError(f"accept {fingerprint}: expires {entry.expires} is already in the past")
    if path.is_dir():
        raise UsageError(f"baseline {path}: is a folder, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_S):
            return _accept_locked(path, entry)
    except Timeout:
        raise UsageError(f"baseline {path}: still locked by another writer after {LOCK_TIMEOUT_S:.0f} s "
                         f"({lock_path(path)})") from None
    except OSError as exc:  # the lock file itself cannot be created: read-only folder, full disk
        raise UsageError(f"baseline {path}: cannot write there ({exc.strerror or exc})") from None


LOCK_TIMEOUT_S = 60.0


def lock_path(path: Path) -> Path:
    """`.accepted-findings.yaml.lock` beside the baseline (every writer of that file takes it)."""
    return path.with_name(f".{path.name}.lock")


def _accept_locked(path: Path, entry: Accepted) -> Accepted:
    baseline = load(path, missing_ok=True)
    entries = [e for e in baseline.entries if e.fingerprint != entry.fingerprint]
    old = baseline.get(entry.fingerprint)
    if old is not None:  # renewing keeps the original position and informative fields
        entry = Accepted(entry.fingerprint, entry.reason, entry.owner, entry.expires,
                         entry.operation or old.operation, entry.check or old.check, {**old.extra, **entry.extra})
        entries.insert(baseline.entries.index(old), entry)
    else:
        entries.append(entry)
        if _append_in_place(path, entry, len(entries)):
            return entry
    save(Baseline(path, entries, baseline.patterns), path)
    return entry


def _append_in_place(path: Path, entry: Accepted, expected: int) -> bool:
    """Append a new entry to the file's text so hand-written comments survive; False when not possible.

    `accepted` is the only top-level key, so its block list runs to the end of the file.
    """
    import yaml

    from .writer import atomic_write_text

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    item = re.search(r"^accepted:[ \t]*(#.*)?\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text, re.MULTILINE)
    if item is None:
        return False
    indent = item.group(2)
    data = entry.as_dict()
    data["expires"] = entry.expires
    block = yaml.safe_dump([data], sort_keys=False, allow_unicode=True, width=110)
    block = "".join(indent + line if line.strip() else line for line in block.splitlines(keepends=True))
    new_text = text + ("" if text.endswith("\n") else "\n") + block
    try:
        if len(parse(new_text).entries) != expected:
            return False
    except UsageError:
        return False
    atomic_write_text(path, new_text)
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
    status: dict[str, str] = {}
    accepted_by: dict[str, Accepted | AcceptedPattern] = {}
    matches = [0] * len(patterns)
    for finding in findings:
        fp = str(finding.get("fingerprint") or "").lower()
        hits = [i for i, pattern in enumerate(patterns) if pattern.matches(finding)]
        for i in hits:
            matches[i] += 1
        entry = index.get(fp)
        live = [patterns[i] for i in hits if not patterns[i].expired(today)]
        if entry is not None and not entry.expired(today):
            chosen: Accepted | AcceptedPattern | None = entry
        elif live:
            chosen = live[0]
        else:  # expired only: shown as "baseline entry expired" on the new finding
            chosen = entry if entry is not None else (patterns[hits[0]] if hits else None)
        if chosen is not None:
            accepted_by[fp] = chosen
        status[fp] = "known" if chosen is not None and not chosen.expired(today) else "new"
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
    return Triage(status, accepted_by, expired, fixed, not_covered, matches)
