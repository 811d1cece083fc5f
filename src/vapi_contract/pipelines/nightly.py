"""`vapi-contract nightly`: the night's one command and one verdict.

spec (load -> validate -> snapshot -> diff vs the previous snapshot) -> contract run (nightly profile) ->
dashboard (index.html, summary.md, nightly.json) -> trend history. The exit status reflects new findings only:
new contract findings or new spec validation errors -> 1; known, fixed and spec changes never fail the night
(spec changes are the drift job's alert). A contract run that could not test -> 3, unusable spec -> 2.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..render.text import findings_text, plural
from ..report.summary import pass_rate_text
from ..spec.urls import redact_url
from . import contract_stage, history, spec_stage
from .dashboard import operation_points
from .outputs import make_out_dir, write_output


@dataclass
class NightlyOptions:
    source: str | None = None  # None: live URL -> store -> mirror
    store: Path = Path("specs/vapi")
    target: str = "twin"
    profile: str | None = None  # default: nightly on the twin, safe-live (the run's default) on a live target
    out: Path | None = None  # default reports/nightly/<night>
    history_file: Path = Path("reports/history.json")
    known_errors: Path | None = None  # default <store>/known-spec-errors.json when present
    accepted_findings: Path | None = None  # default <store>/accepted-findings.yaml when present
    contract_dirs: list[Path] = field(default_factory=list)  # results of sharded runs instead of running here
    spec_only: bool = False
    run_args: list[str] = field(default_factory=list)
    time_budget_s: float | None = None
    night: str | None = None  # YYYY-MM-DD, default today (UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def run(options: NightlyOptions) -> int:
    started, clock = _now(), time.monotonic()
    night = options.night or started.date().isoformat()
    out = make_out_dir(options.out or Path("reports/nightly") / night)
    history.read(options.history_file)  # a broken history fails now, not after the contract run
    known = options.known_errors or spec_stage.default_known_errors(options.store)
    accepted = options.accepted_findings or contract_stage.default_accepted(options.store)

    say(f"nightly {night}: spec")
    spec = spec_stage.run(options.source, options.store, known, out / "spec.json.gz", target=options.target)
    spec_json = spec.to_json()
    _write_json(out / "spec-stage.json", spec_json)
    say(_spec_line(spec))
    if options.spec_only:
        say(f"spec stage written to {out} (spec for the contract run: {spec.spec_file})")
        return 0

    if options.contract_dirs:
        say(f"nightly {night}: contract results from {plural(len(options.contract_dirs), 'run dir')}")
        contract = contract_stage.from_run_dirs(options.contract_dirs, out / "contract", accepted)
    else:
        profile = options.profile or ("nightly" if options.target == "twin" else None)
        say(f"nightly {night}: contract run ({profile or 'safe-live'} profile) against {redact_url(options.target)}")
        contract = contract_stage.run_contract(
            spec=spec.spec_file, target=options.target, profile=profile, report_dir=out / "contract",
            baseline=accepted, extra=options.run_args, time_budget_s=options.time_budget_s,
        )

    night_record = assemble(night, started, redact_url(options.target), spec_json, contract, out)
    night_record["duration_s"] = round(time.monotonic() - clock, 1)
    nights = history.append(options.history_file, history_entry(night_record))
    write_reports(out, night_record, nights)
    print(terminal_summary(night_record, out))
    return night_record["exit_code"]


def say(message: str) -> None:
    print(f"vapi-contract: {message}", file=sys.stderr, flush=True)


def _spec_line(spec: spec_stage.SpecStage) -> str:
    v = spec.validation.counts()
    snap = "new snapshot" if spec.created else "unchanged"
    diff = spec.diff.summary() if spec.diff else None
    changes = f"{changes_text(diff)} since {spec.previous.id}" if diff is not None else "first snapshot"
    return f"spec {spec.entry.id} ({snap}): {validation_text(v)}; {changes}"


def validation_text(v: dict[str, Any]) -> str:
    """`42 validation errors (0 new, 42 known, 0 fixed)`."""
    return f"{plural(v['total'], 'validation error')} ({v['new']} new, {v['known']} known, {v['fixed']} fixed)"


def changes_text(summary: dict[str, Any] | None) -> str:
    """A diff's counts as words (`1 breaking, 0 possibly breaking, 3 info changes`), never a dict."""
    s = summary or {}
    total = sum(int(s.get(k) or 0) for k in ("error", "warning", "info"))
    return (f"{s.get('error', 0)} breaking, {s.get('warning', 0)} possibly breaking, {s.get('info', 0)} info "
            f"{'change' if total == 1 else 'changes'}")


def assemble(night: str, started: dt.datetime, target: str, spec_json: dict[str, Any],
             contract: contract_stage.ContractOutcome, out: Path) -> dict[str, Any]:
    """Everything the dashboard and the history need, as one JSON-ready record, with the verdict and reasons."""
    validation = spec_json["spec"]["validation"]
    counts = contract.counts()
    reasons = []
    if validation["new"]:
        reasons.append(plural(validation["new"], "new spec validation error"))
    if counts["new_contract"]:
        reasons.append(plural(counts["new_contract"], "new contract finding"))
    if contract.problem:
        reasons.append(f"contract run could not test: {contract.problem}")
    if validation["new"] or counts["new_contract"]:
        verdict, code = "fail", 1
    elif contract.problem or not contract.tested or contract.summary.get("exit_code") == 3:
        verdict, code = "incomplete", 3
        if not contract.problem:
            reasons.append("the contract run did not test everything it meant to (see its report)")
    else:
        verdict, code = "pass", 0
    dashboard = contract.run_dir / "index.html"
    return {
        "night": night,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": _now().isoformat(timespec="seconds"),
        "target": target,
        "verdict": verdict,
        "exit_code": code,
        "reasons": reasons,
        **spec_json,
        "contract": {
            "run_dir": str(contract.run_dir),
            "dashboard": _relative(dashboard, out) if dashboard.exists() else None,
            "exit_code": contract.exit_code,
            "problem": contract.problem,
            "counts": counts,
            "pass_rate": contract.pass_rate(),
            "known_operations": contract.known_operations(),
            "coverage": contract.coverage(),
            "operation_counts": contract.operation_counts(),
            "findings": contract.findings(),
            "fixed": contract.fixed(),
            "latency": {**contract.latency(), "budget_ms": (contract.summary.get("latency") or {}).get("budget_ms")},
            "duration_s": round(contract.duration_s, 1),
        },
    }


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def history_entry(night: dict[str, Any]) -> dict[str, Any]:
    contract = night["contract"]
    v = night["spec"]["validation"]
    return {
        "night": night["night"],
        "finished_at": night["finished_at"],
        "verdict": night["verdict"],
        "exit_code": night["exit_code"],
        "target": night["target"],
        "snapshot_id": night["spec"]["snapshot_id"],
        "spec_changed": night["spec"]["snapshot_created"] and night["spec_changes"]["previous"] is not None,
        "findings": {k: contract["counts"].get(k, 0) for k in ("new", "known", "fixed")},
        "pass_rate": contract["pass_rate"],
        "exercised": {k: (contract.get("coverage") or {}).get(k) for k in ("exercised", "exercised_of")},
        "operations": contract["operation_counts"],
        "spec_errors": {k: v[k] for k in ("total", "new", "known", "fixed")},
        "spec_changes": night["spec_changes"]["summary"],
        "latency_ms": {k: contract["latency"].get(k) for k in ("p95_max", "p95_median")},
        "duration_s": night.get("duration_s"),
        "per_operation": operation_points(night),  # the dashboard's per-operation trend
    }


def _write_json(path: Path, data: Any) -> None:
    write_output(path, json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")


def write_reports(out: Path, night: dict[str, Any], nights: list[dict[str, Any]]) -> None:
    from .dashboard import render_html, render_markdown

    rendered = {"index.html": render_html(night, history.charts(nights), len(nights), history=nights),
                "summary.md": render_markdown(night)}  # rendered first: nothing is written if one fails
    _write_json(out / "nightly.json", night)
    for name, text in rendered.items():
        write_output(out / name, text)


def terminal_summary(night: dict[str, Any], out: Path) -> str:
    c, v = night["contract"]["counts"], night["spec"]["validation"]
    changes = night["spec_changes"]
    since = f"since {changes['previous']}" if changes.get("previous") else "(first snapshot: nothing to compare)"
    known_ops = night["contract"].get("known_operations") or 0
    lines = [
        f"nightly {night['night']}: {night['verdict'].upper()} (exit {night['exit_code']})",
        f"  spec      {night['spec']['snapshot_id']}: {validation_text(v)}",
        f"  changes   {changes_text(changes.get('summary'))} {since}",
        (f"  contract  {findings_text(c)}; "
         f"pass rate {pass_rate_text(night['contract']['pass_rate'])}, "
         f"exercised {(night['contract'].get('coverage') or {}).get('text') or 'n/a'}"
         f" ({plural(known_ops, 'operation')} with known findings only)"),
        *[f"  - {r}" for r in night["reasons"]],
        f"  dashboard {out / 'index.html'}",
    ]
    return "\n".join(lines)
