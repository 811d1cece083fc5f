"""What a team decided about rules and changes: per-rule severity overrides and a reviewed approvals file.

Severity overrides (oasdiff's `--severity-levels`): `RULE=LEVEL` on the command line, or a file with one
`rule-id level` per line (`#` comments) or a YAML/JSON mapping. LEVEL is error, warning, info, or `none` to drop
the rule. An unknown rule id or level is a one-line error (exit 2): a typo must not silently keep a rule at its
default.

Approvals are the gate's file (diff/approvals.py: rule, operation, location, reason, approver, expires):
a change an unexpired entry names leaves the verdict and is listed as approved; an expired entry approves
nothing and is reported. Rule ids in the file must exist in the catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from .catalogue import LEVELS
from .model import DiffResult

OVERRIDE_LEVELS = ("error", "warning", "info", "none")


def parse_overrides(pairs: list[str] | None = None, path: str | Path | None = None) -> dict[str, str]:
    """{rule id: level} from `RULE=LEVEL` strings and/or a file; later entries win."""
    found: list[tuple[str, str, str]] = []
    if path is not None:
        found += _read_file(Path(path))
    for item in pairs or []:
        rule, sep, level = item.partition("=")
        if not sep:
            raise UsageError(f"--severity {item!r}: expected RULE=LEVEL")
        found.append((rule.strip(), level.strip(), f"--severity {item}"))
    overrides: dict[str, str] = {}
    for rule, level, where in found:
        if rule not in LEVELS:
            raise UsageError(f"{where}: unknown rule id {rule!r}")
        if level.lower() not in OVERRIDE_LEVELS:
            raise UsageError(f"{where}: level must be one of {', '.join(OVERRIDE_LEVELS)}, got {level!r}")
        overrides[rule] = level.lower()
    return overrides


def _read_file(path: Path) -> list[tuple[str, str, str]]:
    from ..acceptlist import load_yaml, read_text

    try:
        text = read_text(path, "severity levels file")
    except FileNotFoundError:
        raise UsageError(f"severity levels file not found: {path}") from None
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    if all(len(line.split()) in (0, 2) and ":" not in line for line in lines):  # oasdiff's `rule level` lines
        return [(*line.split(), f"{path}:{n}") for n, line in enumerate(lines, 1) if line]
    data = load_yaml(text, str(path), UsageError)
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected `rule-id level` lines or a mapping of rule id to level")
    return [(str(rule), str(level), f"{path}: {rule}") for rule, level in data.items()]


def apply_overrides(result: DiffResult, overrides: dict[str, str]) -> DiffResult:
    if not overrides:
        return result
    changes = [replace(c, level=overrides.get(c.id, c.level)) for c in result.changes
               if overrides.get(c.id) != "none"]
    changes.sort(key=lambda c: c.sort_key)
    return replace(result, changes=changes)


def load_approvals(path: str | Path):
    from . import approvals

    entries = approvals.load(path)
    for entry in entries:
        if entry.rule not in LEVELS:
            raise UsageError(f"{path}: entry {entry.index}: unknown rule id {entry.rule!r}")
    return entries


def apply_approvals(result: DiffResult, entries, today: dt.date | None = None) -> DiffResult:
    """Approved changes leave `changes` (so summary, --fail-on and every format ignore them) for `approved`;
    expired approvals are kept in `expired_approvals` so a report can say why a change still counts."""
    from . import approvals

    outcome = approvals.apply(result.changes, entries, today)
    approved_ids = {id(change) for change, _ in outcome.approved}
    kept = [c for c in result.changes if id(c) not in approved_ids]
    return replace(result, changes=kept, approved=list(outcome.approved), expired_approvals=list(outcome.expired))

