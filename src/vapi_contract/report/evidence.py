"""Read a run dir's evidence back (run.json + every `findings*.jsonl`, `operations*.jsonl`, `resources*.jsonl`,
`coverage*.jsonl`).

A killed run may leave a half-written last line; it is skipped and reported in `Evidence.warnings`, never fatal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vapi_contract.errors import UsageError

from .writer import KINDS, SPEC_ISSUES

COVERAGE = "coverage"  # responses checked per operation and status, written by the engine (summed by the report)
# Every evidence stream a run dir may hold and a merge carries over; older run dirs simply have no coverage files.
EVIDENCE_KINDS: tuple[str, ...] = tuple(dict.fromkeys((*KINDS, COVERAGE)))


@dataclass
class Evidence:
    run_dir: Path
    meta: dict[str, Any]
    findings: list[dict[str, Any]] = field(default_factory=list)
    operations: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # kind -> file names read


def evidence_files(run_dir: Path, kind: str) -> list[Path]:
    """`findings.jsonl` first, then per-worker files in name order (`findings.gw0.jsonl`, ...)."""
    return sorted(run_dir.glob(f"{kind}*.jsonl"), key=lambda p: (p.name != f"{kind}.jsonl", p.name))


def read_jsonl(path: Path, warnings: list[str]) -> list[dict[str, Any]]:
    """Records of one JSONL file; a truncated last line (killed writer) or a bad line is skipped with a warning."""
    data = path.read_bytes()
    records: list[dict[str, Any]] = []
    lines = data.split(b"\n")
    complete = data.endswith(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        is_last = number == len(lines)
        try:
            record = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            if is_last and not complete:
                warnings.append(f"{path.name}: ignored a truncated last line (the run was killed while writing)")
            else:
                warnings.append(f"{path.name}: line {number} is not valid JSON, skipped")
            continue
        if not isinstance(record, dict):
            warnings.append(f"{path.name}: line {number} is not a JSON object, skipped")
            continue
        records.append(record)
    return records


def load_evidence(run_dir: Path | str) -> Evidence:
    """Everything a report needs from `run_dir`; `UsageError` when it is not a run dir."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: no such run directory")
    warnings: list[str] = []
    meta: dict[str, Any] = {}
    run_json = run_dir / "run.json"
    has_evidence = any(evidence_files(run_dir, kind) for kind in (*EVIDENCE_KINDS, SPEC_ISSUES))
    if run_json.exists():
        try:
            meta = json.loads(run_json.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise UsageError(f"{run_json}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(meta, dict):
            raise UsageError(f"{run_json}: expected a JSON object")
    elif has_evidence:
        warnings.append("run.json is missing: run details are unknown (the run died before it started?)")
    else:
        raise UsageError(f"{run_dir}: not a run directory (no run.json and no *.jsonl evidence)")

    evidence = Evidence(run_dir=run_dir, meta=meta, warnings=warnings)
    for kind in EVIDENCE_KINDS:
        paths = evidence_files(run_dir, kind)
        evidence.files[kind] = [p.name for p in paths]
        records = [r for p in paths for r in read_jsonl(p, warnings)]
        setattr(evidence, kind, records)
    side_issues = [r for p in evidence_files(run_dir, SPEC_ISSUES) for r in read_jsonl(p, warnings)]
    if side_issues:
        listed = meta.get("spec_issues") if isinstance(meta.get("spec_issues"), list) else []
        seen = {i.get("fingerprint") or json.dumps(i, sort_keys=True) for i in listed if isinstance(i, dict)}
        for issue in side_issues:
            key = issue.get("fingerprint") or json.dumps(issue, sort_keys=True)
            if key not in seen:
                seen.add(key)
                listed.append(issue)
        meta["spec_issues"] = listed
    status = meta.get("status")
    if meta and (status == "running" or not meta.get("finished_at")):
        warnings.append("the run did not finish (no finished_at in run.json): results are partial")
    return evidence
