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

    accept = commands.add_parser(
        "accept", help="accept findings in the baseline (known until they expire): one FINGERPRINT, or the "
                       "new findings of a run that match filters (--run RUN_DIR --new --class/--check/...)")
    accept.add_argument("fingerprint", metavar="FINGERPRINT", nargs="?",
                        help="the finding to accept (omit it with --new to accept several)")
    accept.add_argument("--reason", required=True, help="why it is acceptable, ideally with a ticket id")
    accept.add_argument("--owner", required=True, help="team or person who follows it up")
    accept.add_argument("--expires", required=True, metavar="YYYY-MM-DD", help="last day it counts as known")
    accept.add_argument("--run", type=Path, metavar="RUN_DIR",
                        help="the run (its summary.json) the finding(s) come from: fills operation, check and kind")
    accept.add_argument("--new", action="store_true",
                        help="accept every new finding of --run that matches all filters given (at least one)")
    accept.add_argument("--class", dest="classification", metavar="CLASS",
                        help="with --new: only findings of this class (server-bug, spec-gap, infra)")
    accept.add_argument("--operation", help="with FINGERPRINT: the operation label, e.g. 'POST /assistant' "
                                            "(without it, the finding is never reported fixed); with --new: only "
                                            "findings of operations matching this glob")
    accept.add_argument("--check", help="with FINGERPRINT: the check name (a fix is claimed only when it ran "
                                        "again); with --new: only findings of this check")
    accept.add_argument("--kind", help="kind of case that showed it: positive, negative (fuzzed) or the exchange "
                                       "source (lifecycle, behaviour, auth, ...); with --new: a filter")
    accept.add_argument("--dry-run", action="store_true", help="list what would be accepted; write nothing")
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
    from .baseline import default_baseline

    return default_baseline()


def _print(summary: dict, where: Path) -> None:
    from ..render.text import findings_text, plural  # lazy, like every import of this CLI module
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


def _accept(args: argparse.Namespace) -> int:
    from vapi_contract.errors import UsageError

    from . import accepting
    from .baseline import accept_many, default_path

    path = args.baseline or default_path()
    filters = {key: getattr(args, key) for key in accepting.FILTERS}
    if args.fingerprint and args.new:
        raise UsageError("give one FINGERPRINT or --new (every new finding matching filters), not both")
    if args.classification and not args.new:
        raise UsageError("--class only narrows --new (the new findings of --run); a FINGERPRINT names one finding")
    if args.new:
        if args.run is None:
            raise UsageError("--new needs --run RUN_DIR: the run whose new findings to accept")
        accepting.check_filters(filters, args.run)
        chosen = accepting.select(accepting.run_findings(args.run), filters)
        if not chosen:
            print(f"nothing accepted: no new finding of {args.run} matches {accepting.describe_filters(filters)}")
            return 0
        rows = [accepting.entry_fields(f) for f in chosen]
    elif args.fingerprint:
        known = accepting.entry_fields(accepting.find(accepting.run_findings(args.run), args.fingerprint, args.run)
                                       ) if args.run else {}
        rows = [{"fingerprint": args.fingerprint, **{key: getattr(args, key) or known.get(key)
                                                      for key in ("operation", "check", "kind")}}]
        chosen = []
    else:
        raise UsageError("give the FINGERPRINT to accept, or --run RUN_DIR --new with --class, --check, "
                         "--operation or --kind to accept several")
    entries = accept_many(path, rows, reason=args.reason, owner=args.owner, expires=args.expires,
                          dry_run=args.dry_run)
    if not chosen:
        entry = entries[0]
        print(f"{'would accept' if args.dry_run else 'accepted'} {entry.fingerprint} until "
              f"{entry.expires.isoformat()} in {path}" + (" (dry run: nothing written)" if args.dry_run else ""))
        return 0
    verb = "would accept" if args.dry_run else "accepted"
    print(f"{verb} {len(chosen)} new finding(s) of {args.run} until {entries[0].expires.isoformat()} in {path}"
          + (" (dry run: nothing written)" if args.dry_run else "") + ":")
    for finding in chosen:
        print(accepting.line(finding))
    return 0
