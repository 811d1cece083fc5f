"""Read a run dir's evidence back (run.json + every `findings*.jsonl`, `operations*.jsonl`, `resources*.jsonl`,
`coverage*.jsonl`, `spec-issues*.jsonl`) as the typed records of `model.py`.

The evidence was written by another, possibly buggy or killed, process: a half-written last line is skipped and a
field of the wrong type coerced (`model.py`, lenient reading), each said in `Evidence.warnings`, never fatal.
Only a folder that is not a run dir, or a run.json that is not a JSON object, is a one-line UsageError.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .model import Finding, OperationRecord, RunMeta, SpecIssue
from .writer import KINDS, MAX_RECORD_DEPTH, SPEC_ISSUES
from .writer import too_deep as _too_deep

DEFAULT_MAX_EVIDENCE_MB = 64  # 64 MB of JSON lines is ~400 MB in memory while a report is built
COVERAGE = "coverage"  # responses checked per operation and status, written by the engine (summed by the report)
# Every evidence stream a run dir may hold and a merge carries over; older run dirs simply have no coverage files.
EVIDENCE_KINDS: tuple[str, ...] = tuple(dict.fromkeys((*KINDS, COVERAGE)))


@dataclass
class Evidence:
    run_dir: Path
    meta: RunMeta  # spec issues of the workers' side files merged in
    findings: list[Finding] = field(default_factory=list)
    operations: list[OperationRecord] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)  # plain records (report/normalize.py)
    coverage: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # kind -> file names read
    has_meta: bool = True  # False: run.json is missing (the run died before it started?)

    def raw_records(self, kind: str) -> list[dict[str, Any]]:
        """The records of one stream as JSON (what a merge writes)."""
        return [r.to_json() if hasattr(r, "to_json") else r for r in getattr(self, kind)]


def evidence_files(run_dir: Path, kind: str) -> list[Path]:
    """`findings.jsonl` first, then per-worker files in name order (`findings.gw0.jsonl`, ...)."""
    return sorted(run_dir.glob(f"{kind}*.jsonl"), key=lambda p: (p.name != f"{kind}.jsonl", p.name))


def max_evidence_bytes() -> int:
    """VAPI_REPORT_MAX_EVIDENCE_MB (default 64): a report reads at most this much evidence (about 6x in memory)."""
    raw = os.environ.get("VAPI_REPORT_MAX_EVIDENCE_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_EVIDENCE_MB * 1024 * 1024
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"VAPI_REPORT_MAX_EVIDENCE_MB={raw!r}: expected a number of megabytes above 0")
    return int(value * 1024 * 1024)


def read_jsonl(path: Path, warnings: list[str]) -> list[dict[str, Any]]:
    """Records of one JSONL file; a truncated last line (killed writer) or a bad line is skipped with a warning,
    and so is a "file" that is a folder, a device (`/dev/zero` would never end) or unreadable."""
    if not path.is_file():
        warnings.append(f"{path.name}: not a regular file, skipped")
        return []
    try:
        data = path.read_bytes()
    except OSError as exc:
        warnings.append(f"{path.name}: cannot be read ({exc.strerror or exc}), skipped")
        return []
    records: list[dict[str, Any]] = []
    lines = data.split(b"\n")
    complete = data.endswith(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        is_last = number == len(lines)
        try:
            record = json.loads(raw)
        except RecursionError:
            warnings.append(f"{path.name}: line {number} is nested deeper than {MAX_RECORD_DEPTH} levels, skipped")
            continue
        except (ValueError, UnicodeDecodeError):
            if is_last and not complete:
                warnings.append(f"{path.name}: ignored a truncated last line (the run was killed while writing)")
            else:
                warnings.append(f"{path.name}: line {number} is not valid JSON, skipped")
            continue
        if not isinstance(record, dict):
            warnings.append(f"{path.name}: line {number} is not a JSON object, skipped")
            continue
        if _too_deep(record):
            warnings.append(f"{path.name}: line {number} is nested deeper than {MAX_RECORD_DEPTH} levels, skipped")
            continue
        records.append(record)
    return records


def _check_size(run_dir: Path, paths: list[Path]) -> None:
    limit = max_evidence_bytes()
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            continue
    if total > limit:
        raise UsageError(f"{run_dir}: {total / 1048576:.0f} MB of evidence, more than the {limit / 1048576:.0f} MB a "
                         "report reads (VAPI_REPORT_MAX_EVIDENCE_MB)")


def read_records(run_dir: Path, kind: str, warnings: list[str]) -> list[dict[str, Any]]:
    """Every record of one stream (`findings`, `spec-issues`, ...) over the run's per-worker files."""
    return [r for p in evidence_files(run_dir, kind) for r in read_jsonl(p, warnings)]


def merged_spec_issues(*groups: list[SpecIssue]) -> list[SpecIssue]:
    """Spec issues of run.json and of the workers' side files, each once (by fingerprint), first seen first."""
    seen: set[str] = set()
    return [i for group in groups for i in group if not (i.key() in seen or seen.add(i.key()))]


def _read_run_json(run_json: Path) -> dict[str, Any]:
    try:
        raw = json.loads(run_json.read_bytes())
    except json.JSONDecodeError as exc:
        raise UsageError(f"{run_json}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (ValueError, RecursionError, OSError) as exc:
        raise UsageError(f"{run_json}: not readable as JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise UsageError(f"{run_json}: expected a JSON object")
    if _too_deep(raw):
        raise UsageError(f"{run_json}: nested deeper than {MAX_RECORD_DEPTH} levels; not a run's record")
    return raw


def read_run_meta(run_dir: Path | str, warnings: list[str] | None = None) -> RunMeta:
    """run.json alone (a pipeline judging a run it did not start): one-line UsageError when it is missing or not
    a JSON object; its fields read leniently into WARNINGS when given, strictly (EvidenceError) otherwise."""
    run_json = Path(run_dir) / "run.json"
    if not run_json.is_file():
        raise UsageError(f"{run_dir}: not a contract run dir (no run.json)")
    return RunMeta.from_json(_read_run_json(run_json), warnings)


def load_evidence(run_dir: Path | str) -> Evidence:
    """Everything a report needs from `run_dir`; `UsageError` when it is not a run dir."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: no such run directory")
    warnings: list[str] = []
    raw: dict[str, Any] = {}
    run_json = run_dir / "run.json"
    has_evidence = any(evidence_files(run_dir, kind) for kind in (*EVIDENCE_KINDS, SPEC_ISSUES))
    _check_size(run_dir, [run_json, *(p for kind in (*EVIDENCE_KINDS, SPEC_ISSUES)
                                      for p in evidence_files(run_dir, kind))])
    if run_json.exists():
        raw = _read_run_json(run_json)
    elif has_evidence:
        warnings.append("run.json is missing: run details are unknown (the run died before it started?)")
    else:
        raise UsageError(f"{run_dir}: not a run directory (no run.json and no *.jsonl evidence)")

    meta = RunMeta.from_json(raw, warnings)
    records: dict[str, list[Any]] = {}
    files: dict[str, list[str]] = {}
    for kind in EVIDENCE_KINDS:
        paths = evidence_files(run_dir, kind)
        files[kind] = [p.name for p in paths]
        records[kind] = [r for p in paths for r in read_jsonl(p, warnings)]
    side_issues = [SpecIssue.from_json(r, warnings) for r in read_records(run_dir, SPEC_ISSUES, warnings)]
    if side_issues:
        meta = replace(meta, spec_issues=merged_spec_issues(meta.spec_issues, side_issues))
    if raw and not meta.finished:
        warnings.append("the run did not finish (no finished_at in run.json): results are partial")
    return Evidence(
        run_dir=run_dir, meta=meta, warnings=warnings, files=files, has_meta=bool(raw),
        findings=[Finding.from_json(r, warnings) for r in records["findings"]],
        operations=[OperationRecord.from_json(r, warnings) for r in records["operations"]],
        resources=records["resources"], coverage=records[COVERAGE],
    )
