"""`vapi-contract gate`: one PASS/FAIL verdict for a release candidate, with every reason.

Three checks, all always evaluated so the verdict lists everything at once:
1. spec validation: the candidate spec has no new validation error (known errors: the baseline file);
2. breaking changes: the diff against production (BASELINE, default the latest snapshot) has no breaking
   change that the approvals file does not approve;
3. contract run: the gate-profile run against the candidate deployment (TARGET, default a twin serving the
   candidate spec) has no new finding.
The contract run starts first, in the background, so validation and diff happen while it generates cases.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diff import approvals as approvals_mod
from ..render.text import findings_text, one_line, plural
from ..report.summary import pass_rate_text
from ..spec.model import label_sort_key
from ..spec.urls import redact_url
from . import contract_stage, spec_stage
from .outputs import make_out_dir, write_output
from .verdict import (
    ERROR,
    FAIL,
    PASS,
    SKIPPED,
    Check,
    Verdict,
    render_junit,
    render_markdown,
    render_terminal,
)


@dataclass
class GateOptions:
    candidate: str
    baseline: str | None = None  # production spec source; default: latest snapshot in the store
    target: str | None = None  # candidate deployment; default: a twin serving the candidate spec
    store: Path = Path("specs/vapi")
    approvals: Path | None = None  # default <store>/approved-changes.yaml when present
    known_errors: Path | None = None  # default <store>/known-spec-errors.json when present
    accepted_findings: Path | None = None  # default <store>/accepted-findings.yaml when present
    out: Path | None = None
    fail_on: str = "error"
    skip_contract: bool = False
    run_args: list[str] | None = None
    time_budget_s: float | None = 270.0  # the whole gate must fit in 5 minutes


def say(message: str) -> None:
    print(f"vapi-contract: {message}", file=sys.stderr, flush=True)


def run(options: GateOptions) -> Verdict:
    """Evaluate the gate and write verdict.md / junit.xml / verdict.json into the out dir."""
    from ..spec import sources
    from ..spec.store import SnapshotStore

    out = make_out_dir(options.out or Path("reports/gate") / dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    store = SnapshotStore(options.store)
    # Bad input ends the gate before anything runs: unusable candidate or approvals file -> exit 2.
    hosts = spec_stage.key_hosts(options.target)
    candidate = sources.load(options.candidate, store=store, key_hosts=hosts)
    approvals_path = options.approvals or approvals_mod.default_path(options.store)
    approved = approvals_mod.load(approvals_path) if approvals_path else []
    spec_file = spec_stage.write_spec_file(_canonical(candidate.document), out / "candidate.json.gz")

    running = None
    if not options.skip_contract:
        target = options.target or "twin"
        say(f"gate: contract run (gate profile) against {redact_url(target)} started in the background")
        running = contract_stage.start_contract(
            spec=spec_file, target=target, profile="gate", report_dir=out / "contract",
            baseline=options.accepted_findings or contract_stage.default_accepted(options.store),
            extra=options.run_args, time_budget_s=options.time_budget_s,
        )
    try:
        verdict = Verdict(f"release gate for {candidate.origin}")
        verdict.checks.append(check_validation(candidate.document, options.known_errors
                                               or spec_stage.default_known_errors(options.store)))
        verdict.checks.append(check_breaking(candidate, options.baseline, store, approved, approvals_path,
                                             options.fail_on, hosts))
        if running is None:
            verdict.checks.append(Check("contract run", SKIPPED, "skipped (--skip-contract)"))
        else:
            verdict.checks.append(check_contract(running.wait(), redact_url(options.target or "twin (candidate spec)")))
    except BaseException:
        if running is not None and running.process.poll() is None:
            contract_stage._stop(running.process)
        raise
    write(verdict, out)
    return verdict


def _canonical(document: dict[str, Any]) -> bytes:
    from ..spec.store import canonical_bytes

    return canonical_bytes(document)


def check_validation(document: dict[str, Any], known_errors: Path | None) -> Check:
    clock = time.monotonic()
    status = spec_stage.validate(document, known_errors)
    c = status.counts()
    summary = f"{plural(c['total'], 'validation error')}: {c['new']} new, {c['known']} known, {c['fixed']} fixed"
    check = Check("spec validation", FAIL if status.new else PASS, summary)
    check.reasons = [f"new validation error at {e.get('pointer') or '/'}: {one_line(e.get('message'))} "
                     f"[{e.get('fingerprint')}]" for e in status.new]
    if status.known:
        check.notes.append(f"{plural(len(status.known), 'known error')} accepted by {known_errors}")
    check.notes += [f"fixed: {e.get('pointer')}: {one_line(e.get('message'))}" for e in status.fixed]
    check.duration_s = time.monotonic() - clock
    return check


def _production(baseline: str | None, store, key_hosts: tuple[str, ...] = ()) -> Any:
    """The production spec: BASELINE, else the latest snapshot, else the newest mirror version (announced)."""
    from .. import config
    from ..spec import sources

    if baseline:
        return sources.load(baseline, store=store, key_hosts=key_hosts)
    if store.latest() is not None:
        return sources.load("latest", store=store)
    mirror = config.spec_mirror()
    if mirror is not None and mirror.is_dir():
        path = sources.newest_in_mirror(mirror)
        sources.announce(f"store {store.root} is empty; comparing with the newest mirror version {path}")
        return sources.load_file(path)
    return None


def check_breaking(candidate, baseline: str | None, store, approved: list, approvals_path: Path | None,
                   fail_on: str, key_hosts: tuple[str, ...] = ()) -> Check:
    from ..diff import compare
    from ..errors import SpecSourceError

    clock = time.monotonic()
    try:
        production = _production(baseline, store, key_hosts)
    except SpecSourceError as exc:
        return Check("breaking changes", ERROR, f"production spec unavailable: {exc}")
    if production is None:
        return Check("breaking changes", ERROR, f"no production spec: store {store.root} is empty and no mirror; "
                     "pass --baseline (make gate BASELINE=...) or run the nightly job first")
    diff = compare(production.document, candidate.document, old_label=production.origin, new_label=candidate.origin)
    breaking = diff.at_least(fail_on)
    outcome = approvals_mod.apply(breaking, approved)
    s = diff.summary()
    added, removed = operation_changes(production.document, candidate.document)
    summary = (f"vs {production.origin}: {len(breaking)} breaking ({fail_on}+), {len(outcome.approved)} approved, "
               f"{len(outcome.unapproved)} unapproved; {s['warning']} warning, {s['info']} info; "
               f"{plural(len(added), 'operation')} added, {len(removed)} removed")
    check = Check("breaking changes", FAIL if outcome.unapproved else PASS, summary,
                  operations={"added": added, "removed": removed})
    expired = {id(c): a for c, a in outcome.expired}
    for change in outcome.unapproved:
        where = " ".join(x for x in (change.operation or "(document)", change.location) if x)
        more = f" (+{len(change.operations) - 1} more operations)" if len(change.operations) > 1 else ""
        hint = f" — approval entry {expired[id(change)].index} expired {expired[id(change)].expires}" \
            if id(change) in expired else ""
        check.reasons.append(f"{change.id} at {where}{more}: {change.message}{hint}")
    check.notes += [f"approved {c.id} at {c.operation or '(document)'} by {a.approver}: {a.reason}"
                    for c, a in outcome.approved]
    check.notes += [f"unused approval entry {a.index} ({a.describe()}) in {approvals_path}" for a in outcome.unused]
    check.duration_s = time.monotonic() - clock
    return check


def operation_changes(production: dict[str, Any], candidate: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Operations (`POST /x`) the candidate adds and removes, sorted: what a release reviewer asks first."""
    from ..spec.model import iter_operations

    before = {op.label for op in iter_operations(production)}
    after = {op.label for op in iter_operations(candidate)}
    return sorted(after - before, key=label_sort_key), sorted(before - after, key=label_sort_key)


def check_contract(outcome: contract_stage.ContractOutcome, target: str) -> Check:
    counts = outcome.counts()
    links = {"contract report": str(outcome.run_dir / "index.html")} if (outcome.run_dir / "index.html").exists() \
        else {}
    if not outcome.tested or outcome.summary.get("exit_code") == 3 and not counts["new_contract"]:
        problem = outcome.problem or "the run did not test everything it meant to (see its report)"
        check = Check("contract run", ERROR, f"against {target}: could not test: {problem}", links=links)
    else:
        new = [f for f in outcome.findings("new") if f.get("classification") != "infra"]
        summary = (f"against {target}: {findings_text(counts)}; pass rate {pass_rate_text(outcome.pass_rate())}, "
                   f"exercised {outcome.coverage()['text']}")
        check = Check("contract run", FAIL if new else PASS, summary, links=links)
        check.reasons = [f"{f.get('classification')} {f.get('operation')} {f.get('check')}: "
                         f"{one_line(f.get('message'))} [{f.get('fingerprint')}]" for f in new]
        if counts["known"]:
            check.notes.append(f"{plural(counts['known'], 'known finding')} accepted by the baseline")
        missing = outcome.coverage()["not_exercised"]
        if missing:
            check.notes.append(f"{plural(len(missing), 'operation')} never received a checked success answer "
                               "(success-path coverage in the contract report)")
    check.duration_s = outcome.duration_s
    return check


def write(verdict: Verdict, out: Path) -> None:
    rendered = {"verdict.md": render_markdown(verdict), "junit.xml": render_junit(verdict),
                "verdict.json": json.dumps(verdict.to_dict(), indent=1, default=str) + "\n"}
    for name, text in rendered.items():
        write_output(out / name, text)
    say(f"gate verdict written to {out}/verdict.md, junit.xml, verdict.json")


def terminal(verdict: Verdict) -> str:
    return render_terminal(verdict, color=sys.stdout.isatty())
