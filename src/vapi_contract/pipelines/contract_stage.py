"""The contract step of a pipeline: run `vapi-contract run` in its own process and read its verdict back.

A separate process keeps pytest, schemathesis and the twin out of the pipeline's memory and lets a time budget
stop a run cleanly (its evidence is already on disk). The pipeline never trusts the exit code alone: it reads
`summary.json` (built by `vapi_contract.report.build` from the run dir) for findings, operations and latency.
"""

from __future__ import annotations

import io
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Exit codes of `vapi-contract run`.
NO_NEW, NEW_FINDINGS, USAGE, UNREACHABLE = 0, 1, 2, 3


@dataclass
class ContractOutcome:
    run_dir: Path
    exit_code: int  # of the run (or of the merge); 124 when the time budget cut it
    summary: dict[str, Any] = field(default_factory=dict)  # summary.json, empty when none could be built
    duration_s: float = 0.0
    problem: str | None = None  # why the run could not test, when it could not

    @property
    def tested(self) -> bool:
        """A run that could not test is never reported as a pass."""
        return self.problem is None and self.exit_code in (NO_NEW, NEW_FINDINGS) and bool(self.summary)

    def findings(self, status: str | None = None) -> list[dict[str, Any]]:
        found = self.summary.get("findings") or []
        return [f for f in found if status is None or f.get("status") == status]

    def fixed(self) -> list[dict[str, Any]]:
        return list(self.summary.get("fixed") or [])

    def counts(self) -> dict[str, int]:
        totals = self.summary.get("totals") or {}
        return {key: int(totals.get(key) or 0) for key in ("findings", "new", "new_contract", "known", "fixed")}

    def operations(self) -> list[dict[str, Any]]:
        return list(self.summary.get("operations") or [])

    def pass_rate(self) -> float | None:
        """The report's pass rate (`totals.pass_rate`: operations without a new finding / operations not skipped)."""
        return (self.summary.get("totals") or {}).get("pass_rate")

    def known_operations(self) -> int:
        """Operations that pass with accepted (known) findings only (`totals.passed_with_known`)."""
        return int((self.summary.get("totals") or {}).get("passed_with_known") or 0)

    def coverage(self) -> dict[str, Any]:
        """Success-path coverage from the report: `exercised` of `exercised_of` (null when the run recorded no
        coverage), its `text` (`56/79` or `n/a`) and the operations never exercised with their reason."""
        from ..report.coverage import exercised_text

        totals = self.summary.get("totals") or {}
        figure = {"exercised": totals.get("exercised"), "exercised_of": totals.get("exercised_of")}
        return {**figure, "text": exercised_text(figure),
                "not_exercised": [{"operation": op.get("operation"), "statuses": op.get("statuses") or {},
                                   "reason": op.get("not_exercised_reason")}
                                  for op in self.operations() if op.get("exercised") is False]}

    def operation_counts(self) -> dict[str, int]:
        """Operations by the report's `outcome` (what the pass rate counts): `failed` = a new finding, `known` =
        accepted findings only (a pass); the run's raw `status` counts a known finding as failed."""
        counts: dict[str, int] = {}
        for op in self.operations():
            outcome = op.get("outcome") or op.get("status", "unknown")
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def latency(self) -> dict[str, Any]:
        """p50/p95 per operation plus the night's aggregate figures for the trend chart."""
        per_op = {
            op["operation"]: op["latency_ms"]
            for op in self.operations()
            if isinstance(op.get("latency_ms"), dict) and op["latency_ms"].get("count")
        }
        p95s = [v["p95"] for v in per_op.values() if v.get("p95") is not None]
        return {
            "per_operation": per_op,
            "p95_max": max(p95s) if p95s else None,
            "p95_median": round(statistics.median(p95s), 1) if p95s else None,
        }


def _stderr_fd() -> int:
    """Our stderr's descriptor (the process's fd 2 when sys.stderr was replaced, e.g. under capture)."""
    try:
        return sys.stderr.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return 2


def _cli() -> list[str]:
    return [sys.executable, "-m", "vapi_contract.cli"]


@dataclass
class RunningContract:
    """A contract run started in the background, so a pipeline can diff and validate while it generates."""

    process: subprocess.Popen
    report_dir: Path
    baseline: Path | None
    started: float
    time_budget_s: float | None

    def wait(self) -> ContractOutcome:
        problem = None
        remaining = None
        if self.time_budget_s is not None:
            remaining = max(1.0, self.time_budget_s - (time.monotonic() - self.started))
        try:
            code = self.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            _stop(self.process)
            code = 124
            problem = f"the contract run exceeded its {self.time_budget_s:.0f}s budget and was stopped"
        except BaseException:  # interrupted: never leave a run (and its twin) behind
            _stop(self.process)
            raise
        outcome = ContractOutcome(self.report_dir, code, duration_s=time.monotonic() - self.started, problem=problem)
        return _with_summary(outcome, self.baseline)


def start_contract(
    *,
    spec: str | Path,
    target: str,
    profile: str | None,
    report_dir: Path,
    baseline: Path | None = None,
    extra: list[str] | None = None,
    time_budget_s: float | None = None,
    env: dict[str, str] | None = None,
) -> RunningContract:
    """Start `vapi-contract run`; its output goes to our stderr so stdout stays the pipeline's verdict."""
    report_dir = Path(report_dir)
    command = _cli() + ["run", "--target", target, "--spec", str(spec), "--report-dir", str(report_dir)]
    if profile:  # None: the run's own default (nightly on the twin, safe-live on any other target)
        command += ["--profile", profile]
    if baseline is not None:
        command += ["--baseline", str(baseline)]
    command += extra or []
    process = subprocess.Popen(
        command, stdout=_stderr_fd(), stderr=_stderr_fd(), env={**os.environ, **(env or {})},
        start_new_session=True,  # so a budget stop reaches pytest workers and the twin too
    )
    return RunningContract(process, report_dir, baseline, time.monotonic(), time_budget_s)


def run_contract(**kwargs: Any) -> ContractOutcome:
    return start_contract(**kwargs).wait()


def _stop(process: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _with_summary(outcome: ContractOutcome, baseline: Path | None) -> ContractOutcome:
    """Attach summary.json; rebuild it from the evidence when the run was cut before writing it."""
    summary_path = outcome.run_dir / "summary.json"
    if not summary_path.exists() and (outcome.run_dir / "run.json").exists():
        from ..report import build

        try:
            build(outcome.run_dir, baseline)
        except Exception as exc:  # noqa: BLE001 -- a report that cannot be built is a problem to state, not a crash
            outcome.problem = outcome.problem or f"could not build the report from {outcome.run_dir}: {exc}"
    if summary_path.exists():
        try:
            outcome.summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            outcome.problem = outcome.problem or f"{summary_path} is unreadable: {exc}"
    if outcome.problem is None:
        if outcome.exit_code == UNREACHABLE:
            outcome.problem = "target unreachable or infrastructure failure (run exit 3)"
        elif outcome.exit_code == USAGE:
            outcome.problem = "the contract run refused its input (run exit 2)"
        elif outcome.exit_code not in (NO_NEW, NEW_FINDINGS):
            outcome.problem = f"the contract run ended abnormally (exit {outcome.exit_code})"
        elif not outcome.summary:
            outcome.problem = f"the contract run left no summary in {outcome.run_dir}"
    return outcome


def default_accepted(store: Path) -> Path:
    """The accepted-findings baseline beside the snapshot store, else the one shipped with the package."""
    from ..report.baseline import default_baseline

    return default_baseline(store)


def from_run_dirs(run_dirs: list[Path], out: Path, baseline: Path | None = None) -> ContractOutcome:
    """Read a contract result computed elsewhere (CI shards): one dir is re-triaged against BASELINE in place,
    several are merged into OUT (`vapi_contract.report.merge`). Missing or unfinished dirs are never a pass."""
    from ..evidence.reader import read_run_meta
    from ..report import build, merge

    started = time.monotonic()
    dirs = [Path(d) for d in run_dirs]
    missing = [str(d) for d in dirs if not (d / "run.json").exists()]
    if missing:
        return ContractOutcome(out, UNREACHABLE, problem=f"not a contract run dir (no run.json): {', '.join(missing)}")
    if len(dirs) == 1:
        run_dir = dirs[0]
        build(run_dir, baseline)
    else:
        run_dir = out
        merge(dirs, out, baseline)
    meta = read_run_meta(run_dir, [])
    outcome = ContractOutcome(run_dir, meta.exit_code if meta.exit_code is not None else UNREACHABLE)
    if meta.status not in (None, "completed"):
        outcome.problem = f"the contract run in {run_dir} did not complete (status {meta.status})"
    missing_shards = _missing_shards(dirs)
    if missing_shards:
        outcome.problem = outcome.problem or f"shard(s) {', '.join(missing_shards)} missing: results are partial"
    outcome = _with_summary(outcome, baseline)
    outcome.duration_s = time.monotonic() - started
    return outcome


def _missing_shards(dirs: list[Path]) -> list[str]:
    """Shards `I/N` absent from DIRS, or from a merged dir's `shards` (a CI shard job that died uploads
    nothing): such a night is never complete."""
    from ..evidence.reader import read_run_meta

    seen: dict[int, set[int]] = {}
    for d in dirs:
        meta = read_run_meta(d, [])
        labels = [meta.shard] + [s.get("shard") for s in meta.shards or []]
        for label in labels:
            index, _, total = str(label or "").partition("/")
            if index.isdigit() and total.isdigit():
                seen.setdefault(int(total), set()).add(int(index))
    return [f"{i}/{n}" for n, got in sorted(seen.items()) for i in range(1, n + 1) if i not in got]
