"""Accepted findings, test side: a test whose only contract findings are accepted by the run's baseline (known,
not expired) ends as pytest `xfail`, so the terminal agrees with the report's verdict. The triage is the report's
own (`vapi_contract.report.baseline.triage`); the run's exit code still comes from the report alone."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..report.baseline import Baseline, default_baseline, load, triage


def run_baseline(options: dict[str, Any]) -> Baseline | None:
    """The baseline the report of this run will use: `--baseline`, else the store's, else the shipped one."""
    path = options.get("baseline")
    return load(Path(path) if path else default_baseline())


def known_reason(findings: Iterable[dict[str, Any]], baseline: Baseline | None, *,
                 today: _dt.date | None = None) -> str | None:
    """The xfail reason when every finding is known (its fingerprint accepted, or matched by a pattern; not
    expired); None when any is new (or none)."""
    findings = [f.to_json() if hasattr(f, "to_json") else f for f in findings]
    if not findings or baseline is None or not baseline.has_entries:
        return None
    status = triage(findings, baseline, today=today).status
    if any(state != "known" for state in status.values()):
        return None
    fingerprints = sorted(status)
    return f"known: {len(fingerprints)} accepted finding(s) " + ", ".join(f"{fp[:8]}..." for fp in fingerprints)
