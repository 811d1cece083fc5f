"""Accepting findings from a run's report: which findings a bulk `report accept` selects, what each entry
records, and the copy-paste command shown beside a finding in summary.md and the dashboard.

    vapi-contract report accept --run RUN_DIR --new --class spec-gap --check undocumented_status_code \\
        --reason "..." --owner qa-team --expires 2027-01-31 [--dry-run]

A bulk accept needs at least one filter (--class, --check, --operation, --kind), so nobody accepts every new
finding of a run by accident.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from vapi_contract.acceptlist import FINGERPRINT
from vapi_contract.errors import UsageError

from .baseline import FUZZ_KINDS

FILTERS = ("classification", "check", "operation", "kind")
OPTION = {"classification": "--class", "check": "--check", "operation": "--operation", "kind": "--kind"}
SAFE = re.compile(r"[A-Za-z0-9 /{}_.:*,=+@-]+")  # operation labels, check names, kinds: nothing a shell or HTML reads
PLACEHOLDERS = ("--reason", "'WHY (ticket)'", "--owner", "TEAM", "--expires", "YYYY-MM-DD")


def finding_kind(finding: dict[str, Any]) -> str | None:
    """The kind of case that showed the finding: its generation mode when fuzzed, else its exchange source."""
    details = finding.get("details") if isinstance(finding.get("details"), dict) else {}
    mode, source = details.get("generation_mode"), details.get("source")
    if mode in FUZZ_KINDS:
        return mode
    return source if isinstance(source, str) and source else None


def entry_fields(finding: dict[str, Any]) -> dict[str, Any]:
    """What an accepted entry records of FINDING: fingerprint, operation, check, kind (report/recheck.py uses
    the last three to tell fixed from not covered)."""
    return {"fingerprint": str(finding.get("fingerprint") or ""), "operation": finding.get("operation") or None,
            "check": finding.get("check") or None, "kind": finding_kind(finding)}


def accept_command(finding: dict[str, Any]) -> str:
    """The one-line `vapi-contract report accept ...` for FINDING, shell-quoted, with placeholders for the
    reason, owner and expiry (the command refuses to run until YYYY-MM-DD is a real date).

    It is shown in a PR comment and in HTML, so a value with anything but the characters of an operation label
    (`<`, quotes, backticks: text a server or a spec could plant) is left out; `--run RUN_DIR` fills it."""
    fields = entry_fields(finding)
    fingerprint = fields["fingerprint"] if FINGERPRINT.match(fields["fingerprint"]) else "FINGERPRINT"
    words = ["vapi-contract", "report", "accept", fingerprint]
    for key in ("operation", "check", "kind"):
        if isinstance(fields[key], str) and SAFE.fullmatch(fields[key]):
            words += [f"--{key}", fields[key]]
    return " ".join(shlex.quote(word) for word in words) + " " + " ".join(PLACEHOLDERS)


def run_findings(run_dir: Path) -> list[dict[str, Any]]:
    """The findings of RUN_DIR/summary.json (one-line error when there is none to read)."""
    path = run_dir / "summary.json"
    try:
        summary = json.loads(path.read_bytes())
        findings = summary["findings"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError) as exc:
        raise UsageError(f"--run {run_dir}: no readable summary.json ({exc}); run `report build` first") from None
    if not isinstance(findings, list):
        raise UsageError(f"--run {run_dir}: summary.json 'findings' is not a list; run `report build` again")
    return [f for f in findings if isinstance(f, dict) and f.get("fingerprint")]


def find(findings: Iterable[dict[str, Any]], fingerprint: str, run_dir: Path) -> dict[str, Any]:
    wanted = fingerprint.strip().lower()
    for finding in findings:
        if str(finding.get("fingerprint", "")).lower() == wanted:
            return finding
    raise UsageError(f"--run {run_dir}: no finding {fingerprint} in its summary.json")


def check_filters(filters: dict[str, str | None], run_dir: Path) -> None:
    """Refuse a bulk accept without a filter, and a class that does not exist (one line, exit 2)."""
    from .normalize import CLASSIFICATIONS

    if not any(filters.get(key) for key in FILTERS):
        raise UsageError(f"refusing to accept every new finding of {run_dir}: narrow it with --class, --check, "
                         "--operation or --kind (or give one FINGERPRINT)")
    cls = filters.get("classification")
    if cls and cls not in CLASSIFICATIONS:
        raise UsageError(f"--class {cls!r} is not one of {', '.join(CLASSIFICATIONS)}")


def select(findings: Iterable[dict[str, Any]], filters: dict[str, str | None], *, status: str = "new"
           ) -> list[dict[str, Any]]:
    """The findings with STATUS that match every filter given (`operation` is a glob, `*` any characters);
    one per fingerprint, in report order."""
    chosen: dict[str, dict[str, Any]] = {}
    for finding in findings:
        if finding.get("status") != status:
            continue
        values = {**finding, "kind": finding_kind(finding)}
        if all(_matches(key, filters.get(key), values.get(key)) for key in FILTERS):
            chosen.setdefault(str(finding["fingerprint"]).lower(), finding)
    return list(chosen.values())


def _matches(key: str, wanted: str | None, value: Any) -> bool:
    if not wanted:
        return True
    if not isinstance(value, str):
        return False
    return fnmatchcase(value, wanted) if key == "operation" else value == wanted


def describe_filters(filters: dict[str, str | None]) -> str:
    return " ".join(f"{OPTION[key]} {shlex.quote(str(filters[key]))}" for key in FILTERS if filters.get(key))


def line(finding: dict[str, Any]) -> str:
    """`  e839ca124e5d373a  POST /assistant  undocumented_status_code  spec-gap`: one accepted finding."""
    return (f"  {finding.get('fingerprint')}  {finding.get('operation') or '?'}  {finding.get('check') or '?'}  "
            f"{finding.get('classification') or '?'}")
