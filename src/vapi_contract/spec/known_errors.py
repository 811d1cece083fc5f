"""Known spec validation errors: `specs/vapi/known-spec-errors.json`, an accepted list (see `acceptlist`).

    {"format": 1, "spec_sha256": "...", "source": "...",
     "errors": [{"fingerprint": "3ee3794a46804262", "check": "schema", "keyword": "uniqueItems",
                 "pointer": "/components/...", "message": "...",
                 "reason": "...", "owner": "api-team", "expires": "2027-01-31"}]}   # last three optional

`vapi-contract spec validate SRC --update-baseline` writes it (keeping the reason/owner/expires written by hand
for errors still raised); an error whose entry is listed and not expired is known, any other is new, and a listed
error no longer raised is fixed. An expired entry no longer accepts its error: it is new again.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import acceptlist
from ..errors import UsageError

BASELINE_NAME = "known-spec-errors.json"
BASELINE_FORMAT = 1
TOP_KEYS = ("format", "spec_sha256", "source")
MATCH_KEYS = ("check", "keyword", "pointer", "message")
TERMS = ("reason", "owner")
ENTRY_KEYS = ("fingerprint", *MATCH_KEYS, *TERMS, "expires", "added")
WHAT = "known spec errors"


def default_path(store_root: Path | str) -> Path:
    return Path(store_root) / BASELINE_NAME


@dataclass(frozen=True)
class Known:
    """One baseline entry, read for classification."""

    fingerprint: str
    expires: _dt.date | None
    data: Mapping[str, Any]

    def expired(self, today: _dt.date) -> bool:
        return acceptlist.expired_on(self.expires, today)


@dataclass
class Comparison:
    errors: list[tuple[Any, str]]  # (SpecError, "new" | "known")
    fixed: list[dict[str, Any]] = field(default_factory=list)  # baseline entries no longer reported
    expired: list[dict[str, Any]] = field(default_factory=list)  # entries past their date whose error is raised

    @property
    def new(self) -> int:
        return sum(1 for _, status in self.errors if status == "new")

    @property
    def known(self) -> int:
        return sum(1 for _, status in self.errors if status == "known")

    def to_json(self) -> dict[str, Any]:
        return {
            "errors": [
                {"fingerprint": e.fingerprint, "pointer": e.pointer, "message": e.message, "status": status}
                for e, status in self.errors
            ],
            "fixed": self.fixed,
            "summary": {"total": len(self.errors), "new": self.new, "known": self.known, "fixed": len(self.fixed)},
        }


def _entry(raw: Any, where: str) -> dict[str, Any]:
    raw = acceptlist.mapping(raw, where, "a 'fingerprint'")
    acceptlist.reject_unknown(raw, ENTRY_KEYS, where)
    if raw.get("fingerprint") is None:
        raise UsageError(f"{where}: missing 'fingerprint'")
    fingerprint = acceptlist.fingerprint(raw["fingerprint"], where)
    acceptlist.optional_strings(raw, (*MATCH_KEYS, *TERMS, "added"), where)
    acceptlist.optional_date(raw, "expires", where)
    return {**raw, "fingerprint": fingerprint}


def parse(data: Any, where: str) -> dict[str, dict[str, Any]]:
    """fingerprint -> entry (as written) of a parsed baseline; any problem is one line naming the entry."""
    if not isinstance(data, dict) or not isinstance(data.get("errors"), list):
        raise UsageError(f"{where}: expected a mapping with an 'errors' list of {{fingerprint, ...}} entries")
    raw_entries = acceptlist.entry_list(data, "errors", where, allowed_top=TOP_KEYS)
    seen = acceptlist.Duplicates()
    entries: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(raw_entries, start=1):
        entry = _entry(raw, f"{where}: entry {index}")
        earlier = seen.first(entry["fingerprint"], index)
        if earlier is not None:
            raise UsageError(f"{where}: entry {index}: fingerprint {entry['fingerprint']} already in entry {earlier}")
        entries[entry["fingerprint"]] = entry
    return entries


def load_baseline(path: Path) -> dict[str, dict[str, Any]]:
    """fingerprint -> baseline entry. A missing or malformed baseline is a usage error (exit 2)."""
    path = Path(path)
    try:
        text = acceptlist.read_text(path, WHAT)
    except FileNotFoundError:
        raise UsageError(f"baseline file not found: {path}") from None
    where = f"{WHAT} {path}"
    return parse(acceptlist.load_json(text, where), where)


def _known(baseline: Mapping[str, Mapping[str, Any]]) -> list[Known]:
    known = []
    for fp, entry in baseline.items():
        expires = entry.get("expires")
        known.append(Known(fp.lower(), acceptlist.parse_date(expires, f"entry {fp}") if expires else None, entry))
    return known


def compare(errors: list[Any], baseline: Mapping[str, Mapping[str, Any]] | None, *,
            today: _dt.date | None = None) -> Comparison:
    """Split ERRORS (SpecError) into new / known against BASELINE; its entries no longer raised are fixed."""
    today = today or _dt.date.today()
    entries = _known(baseline or {})
    result = acceptlist.classify(errors, entries, acceptlist.by_key(entries, lambda k: k.fingerprint,
                                                                     lambda e: e.fingerprint), today=today)
    fixed = [{"fingerprint": k.fingerprint, "pointer": k.data.get("pointer", ""), "message": k.data.get("message", "")}
             for k in result.unmatched]
    expired = [{"fingerprint": k.fingerprint, "expires": k.expires.isoformat()} for _, k in result.expired
               if k.expires is not None]
    return Comparison([(error, status) for error, status, _ in result.rows], fixed, expired)


def write_baseline(path: Path, errors: list[Any], *, spec_sha256: str | None, source: str) -> None:
    """Write ERRORS as the baseline, under its lock and atomically. Entries of errors still raised keep their
    hand-written reason, owner, expires and added; a baseline that does not load is replaced."""
    path = Path(path)
    with acceptlist.locked(path, WHAT):
        try:
            previous = load_baseline(path)
        except UsageError:
            previous = {}
        unique: dict[str, Any] = {}
        for error in errors:
            unique.setdefault(error.fingerprint, error)
        rows = []
        for fp, e in sorted(unique.items(), key=lambda item: (item[1].pointer, item[0])):
            kept = {k: v for k, v in (previous.get(fp) or {}).items() if k in (*TERMS, "expires", "added")}
            rows.append({"fingerprint": fp, "check": e.check, "keyword": e.keyword, "pointer": e.pointer,
                         "message": _short(e.message), **kept})
        data = {"format": BASELINE_FORMAT, "spec_sha256": spec_sha256, "source": source, "errors": rows}
        acceptlist.write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n", WHAT)


def _short(message: str, limit: int = 300) -> str:
    """Baselines are committed: keep messages readable (some quote whole schemas)."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."
