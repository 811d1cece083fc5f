"""`vapi-contract report build|merge|accept`: render, combine and triage contract-run reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="build, merge and triage contract-run reports",
                                   description=__doc__)
    commands = report.add_subparsers(dest="report_command", metavar="SUBCOMMAND")
    report.set_defaults(handler=lambda args: _help(report))

    build = commands.add_parser("build", help="(re)build summary.json, junit.xml, summary.md, index.html of a run dir")
    build.add_argument("run_dir", metavar="RUN_DIR", type=Path)
    _baseline_option(build)
    _exit_code_option(build)
    build.set_defaults(handler=_build)

    merge = commands.add_parser("merge", help="combine shard run dirs (same spec) into one run dir with reports")
    merge.add_argument("run_dirs", metavar="DIR", type=Path, nargs="+")
    merge.add_argument("--out", required=True, type=Path, metavar="DIR", help="new directory for the merged run")
    _baseline_option(merge)
    _exit_code_option(merge)
    merge.set_defaults(handler=_merge)

    accept = commands.add_parser("accept", help="accept a finding in the baseline (known until it expires)")
    accept.add_argument("fingerprint", metavar="FINGERPRINT")
    accept.add_argument("--reason", required=True, help="why it is acceptable, ideally with a ticket id")
    accept.add_argument("--owner", required=True, help="team or person who follows it up")
    accept.add_argument("--expires", required=True, metavar="YYYY-MM-DD", help="last day it counts as known")
    accept.add_argument("--operation", help="operation label, e.g. 'POST /assistant' (without it, the finding "
                                            "is never reported fixed)")
    accept.add_argument("--check", help="check name (a fix is claimed only when this check ran again)")
    accept.add_argument("--kind", help="kind of case that showed it: positive, negative (fuzzed) or the exchange "
                                       "source (lifecycle, behaviour, auth, ...); see the finding's details")
    accept.add_argument("--run", type=Path, metavar="RUN_DIR",
                        help="fill --operation, --check and --kind from this run's finding (its summary.json)")
    accept.add_argument("--accepted", "--baseline", dest="baseline", type=Path, metavar="FILE",
                        help="baseline file (default: $VAPI_CONTRACT_STORE/accepted-findings.yaml)")
    accept.set_defaults(handler=_accept)


def _baseline_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accepted", "--baseline", dest="baseline", type=Path, metavar="FILE",
                        help="accepted-findings YAML (default: $VAPI_CONTRACT_STORE/accepted-findings.yaml "
                             "when it exists)")


def _exit_code_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exit-code", action="store_true",
                        help="exit with the verdict: 0 pass, 1 new findings, 3 incomplete run")


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _resolve_baseline(path: Path | None) -> Path | None:
    if path is not None:
        return path  # explicit: must exist and be valid
    from .baseline import default_path

    default = default_path()
    return default if default.exists() else None


def _print(summary: dict, where: Path) -> None:
    from ..pipelines.text import findings_text, plural  # lazy, like every import of this CLI module
    from .summary import pass_rate_text

    t = summary["totals"]
    print(f"{summary['verdict'].upper()}: {plural(t['operations'], 'operation')}; {findings_text(t)}; "
          f"{plural(summary['resources']['leaks'], 'leaked resource')}; "
          f"pass rate {pass_rate_text(t['pass_rate'])} "
          f"({t['passed_with_known']} with known findings)")
    for warning in summary.get("warnings") or []:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"reports: {where / 'index.html'}  {where / 'summary.md'}  {where / 'junit.xml'}  "
          f"{where / 'summary.json'}")


def _build(args: argparse.Namespace) -> int:
    from .builder import build

    summary = build(args.run_dir, _resolve_baseline(args.baseline))
    _print(summary, args.run_dir)
    return summary["exit_code"] if args.exit_code else 0


def _merge(args: argparse.Namespace) -> int:
    from .merging import merge

    summary = merge(args.run_dirs, args.out, _resolve_baseline(args.baseline))
    _print(summary, args.out)
    return summary["exit_code"] if args.exit_code else 0


def _from_run(run_dir: Path, fingerprint: str) -> dict[str, str | None]:
    """operation, check and kind of FINGERPRINT's finding in RUN_DIR/summary.json (one-line error otherwise)."""
    import json

    from vapi_contract.errors import UsageError

    path = run_dir / "summary.json"
    try:
        summary = json.loads(path.read_bytes())
        findings = summary["findings"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError) as exc:
        raise UsageError(f"--run {run_dir}: no readable summary.json ({exc}); run `report build` first") from None
    wanted = fingerprint.strip().lower()
    for finding in findings if isinstance(findings, list) else []:
        if isinstance(finding, dict) and str(finding.get("fingerprint", "")).lower() == wanted:
            details = finding.get("details") if isinstance(finding.get("details"), dict) else {}
            mode, source = details.get("generation_mode"), details.get("source")
            kind = mode if mode in ("positive", "negative") else source if isinstance(source, str) else None
            return {"operation": finding.get("operation"), "check": finding.get("check"), "kind": kind}
    raise UsageError(f"--run {run_dir}: no finding {fingerprint} in its summary.json")


def _accept(args: argparse.Namespace) -> int:
    from .baseline import accept, default_path

    path = args.baseline or default_path()
    known = _from_run(args.run, args.fingerprint) if args.run else {}
    entry = accept(path, args.fingerprint, reason=args.reason, owner=args.owner, expires=args.expires,
                   operation=args.operation or known.get("operation"), check=args.check or known.get("check"),
                   kind=args.kind or known.get("kind"))
    print(f"accepted {entry.fingerprint} until {entry.expires.isoformat()} in {path}")
    return 0
