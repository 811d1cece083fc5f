"""`vapi-contract nightly` and `vapi-contract gate`: the jobs users run, one command and one verdict each.

(`vapi-contract drift` belongs to the diff area; `make drift` calls it.)
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def register(subparsers) -> None:
    nightly = subparsers.add_parser(
        "nightly",
        help="the nightly job: spec fetch+validate+snapshot, diff, contract run, dashboard, trends",
        description="Fetch, validate and snapshot the spec, diff it against the previous snapshot, run the "
        "contract suite (nightly profile), and write one dashboard for the night plus a point in the trend "
        "history. Exit 0: no new finding; 1: new contract findings or new spec validation errors; "
        "2: unusable spec or input; 3: the contract run could not test.",
    )
    nightly.add_argument("--source", help="spec source (default: live URL, falling back to the store, then the mirror)")
    nightly.add_argument("--store", type=Path, help="snapshot store (default: VAPI_CONTRACT_STORE or specs/vapi)")
    nightly.add_argument("--target", default="twin", help="twin (default) or the base URL of a deployment")
    nightly.add_argument("--profile", choices=("smoke", "nightly", "gate", "safe-live"),
                         help="contract profile (default: nightly on the twin, safe-live on a live target)")
    nightly.add_argument("--out", type=Path, help="dashboard folder (default reports/nightly/<date>)")
    nightly.add_argument("--history", type=Path, default=Path("reports/history.json"), help="trend history file")
    nightly.add_argument("--known-errors", type=Path, help="known spec errors (default <store>/known-spec-errors.json)")
    nightly.add_argument("--accepted", "--baseline", dest="baseline", type=Path, metavar="FILE",
                         help="accepted findings (default specs/vapi/accepted-findings.yaml)")
    nightly.add_argument("--contract-dir", type=Path, action="append", default=[], metavar="DIR",
                         help="use this finished contract run dir (repeat for shards: merged) instead of running")
    nightly.add_argument("--spec-only", action="store_true",
                         help="only the spec stage (CI: before the sharded contract run); writes <out>/spec.json.gz")
    nightly.add_argument("--max-examples", type=positive_int, help="passed to the contract run")
    nightly.add_argument("--workers", type=positive_int, help="passed to the contract run")
    nightly.add_argument("--seed", type=int, help="passed to the contract run")
    nightly.add_argument("--time-budget", type=seconds, help="stop the contract run after this many seconds")
    nightly.set_defaults(handler=_nightly)

    gate = subparsers.add_parser(
        "gate",
        help="pre-release gate: validation, unapproved breaking changes, contract run -> PASS/FAIL",
        description="Gate a release candidate. PASS when the candidate spec has no new validation error, the "
        "diff against production has no unapproved breaking change, and the gate-profile contract run against "
        "the candidate deployment has no new finding. Writes verdict.md (PR comment), junit.xml, verdict.json. "
        "Exit 0 PASS; 1 FAIL; 2 unusable input; 3 a check could not run (e.g. target unreachable).",
    )
    gate.add_argument("--candidate", required=True, help="candidate spec source (file, URL, snapshot id)")
    gate.add_argument("--production", "--baseline", dest="baseline", metavar="SRC",
                      help="production spec source (default: latest snapshot in the store)")
    gate.add_argument("--target", help="candidate deployment base URL (default: a twin serving the candidate spec)")
    gate.add_argument("--store", type=Path, help="snapshot store (default: VAPI_CONTRACT_STORE or specs/vapi)")
    gate.add_argument("--approvals", type=Path, help="approved breaking changes (default <store>/approved-changes.yaml)")
    gate.add_argument("--known-errors", type=Path, help="known spec errors (default <store>/known-spec-errors.json)")
    gate.add_argument("--accepted-findings", type=Path, help="accepted contract findings baseline")
    gate.add_argument("--fail-on", choices=("error", "warning"), default="error",
                      help="diff level that counts as breaking (default error)")
    gate.add_argument("--out", type=Path, help="report folder (default reports/gate/<timestamp>)")
    gate.add_argument("--skip-contract", action="store_true", help="spec checks only (no contract run)")
    gate.add_argument("--max-examples", type=positive_int, help="passed to the contract run")
    gate.add_argument("--seed", type=int, help="passed to the contract run")
    gate.add_argument("--time-budget", type=seconds, default=270.0,
                      help="stop the contract run after this many seconds (default 270: the gate fits in 5 min)")
    gate.set_defaults(handler=_gate)


def seconds(text: str) -> float:
    """A time budget: a finite number of seconds above zero (nan, inf and negatives are usage errors, exit 2)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number of seconds above 0")
    return value


def positive_int(text: str) -> int:
    """A count passed on to the contract run, checked here so a bad one is exit 2 now, not a run that cannot test."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _run_args(args: argparse.Namespace) -> list[str]:
    extra: list[str] = []
    for name in ("max_examples", "workers", "seed"):
        value = getattr(args, name, None)
        if value is not None:
            extra += [f"--{name.replace('_', '-')}", str(value)]
    return extra


def _store(args: argparse.Namespace) -> Path:
    from .. import config

    return args.store or config.store_dir()


def _nightly(args: argparse.Namespace) -> int:
    from .nightly import NightlyOptions, run

    return run(NightlyOptions(
        source=args.source, store=_store(args), target=args.target, profile=args.profile, out=args.out,
        history_file=args.history,
        known_errors=args.known_errors, accepted_findings=args.baseline, contract_dirs=args.contract_dir,
        spec_only=args.spec_only, run_args=_run_args(args), time_budget_s=args.time_budget,
    ))


def _gate(args: argparse.Namespace) -> int:
    from .gate import GateOptions, run, terminal

    verdict = run(GateOptions(
        candidate=args.candidate, baseline=args.baseline, target=args.target, store=_store(args),
        approvals=args.approvals, known_errors=args.known_errors, accepted_findings=args.accepted_findings,
        out=args.out, fail_on=args.fail_on, skip_contract=args.skip_contract, run_args=_run_args(args),
        time_budget_s=args.time_budget,
    ))
    print(terminal(verdict))
    return verdict.exit_code()
