"""`vapi-contract diff`, `changelog` and `drift`. Heavy imports happen inside the handlers."""

from __future__ import annotations

import sys
from pathlib import Path

LEVEL_CHOICES = ("error", "warning")
FORMATS = ("text", "markdown", "json", "junit", "html", "githubactions")


def register(subparsers) -> None:
    diff = subparsers.add_parser(
        "diff", help="compare two spec versions with breaking-change rules",
        description="Compare OLD and NEW (file, URL, snapshot id or `latest`). Exit 1 with --fail-on when a "
                    "change reaches that level.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--format", choices=FORMATS, default="text")
    diff.add_argument("--fail-on", choices=LEVEL_CHOICES, default=None)
    diff.add_argument("--store", default=None, help="snapshot store for snapshot ids (default VAPI_CONTRACT_STORE)")
    diff.add_argument("--output", "-o", default=None, help="write the report here instead of stdout")
    diff.add_argument("--severity", action="append", default=[], metavar="RULE=LEVEL",
                      help="override a rule's level (error, warning, info, none); repeatable")
    diff.add_argument("--severity-levels", default=None, metavar="FILE",
                      help="file of `rule-id level` lines (or a YAML mapping) overriding levels")
    diff.add_argument("--approvals", default=None, metavar="FILE",
                      help="reviewed approvals (rule, operation, location, reason, approver, expires): "
                           "approved changes leave the verdict")
    diff.add_argument("--deprecation-days-beta", type=int, default=0,
                      help="days a deprecated beta element must live before its x-sunset (default 0)")
    diff.add_argument("--deprecation-days-stable", type=int, default=0,
                      help="days a deprecated stable element must live before its x-sunset (default 0)")
    diff.set_defaults(handler=run_diff)

    changelog = subparsers.add_parser(
        "changelog", help="changes across every snapshot in the store, with flapping detection",
        description="A report per consecutive pair of snapshots and a summary over time (Markdown + HTML).")
    changelog.add_argument("--store", default=None, help="snapshot store (or a mirror folder with index.json)")
    changelog.add_argument("--out", default="changelog", help="output folder (default ./changelog)")
    changelog.add_argument("--flap-window", type=int, default=3,
                           help="versions within which appear+vanish (or the reverse) counts as flapping")
    changelog.set_defaults(handler=run_changelog)

    drift = subparsers.add_parser(
        "drift", help="fetch the published spec and alert on changes since the newest snapshot",
        description="Exit 0: no change (or below --fail-on); 1: a change at --fail-on level; 2: spec unusable.")
    drift.add_argument("--source", default=None, help="spec URL (default VAPI_SPEC_URL) or a file")
    drift.add_argument("--store", default=None, help="snapshot store (default VAPI_CONTRACT_STORE)")
    drift.add_argument("--webhook", default=None, help="POST a Slack-compatible payload here on a change")
    drift.add_argument("--fail-on", choices=LEVEL_CHOICES, default=None)
    drift.add_argument("--alert-dir", default=None, help="where alerts go (default STORE/alerts)")
    drift.add_argument("--webhook-retries", type=int, default=3, help="extra attempts after a failed POST")
    drift.add_argument("--debounce-minutes", type=float, default=None,
                       help="alert a change once it has lasted this long (default 1440: the longest partial "
                            "publish in the history lasted 22 h); 0 turns the time criterion off")
    drift.add_argument("--debounce-fetches", type=int, default=None,
                       help="... or once this many consecutive fetches saw it (default 0: off); "
                            "both 0 = alert at once")
    drift.add_argument("--severity", action="append", default=[], metavar="RULE=LEVEL",
                       help="override a rule's level (error, warning, info, none); repeatable")
    drift.add_argument("--severity-levels", default=None, metavar="FILE", help="file of `rule-id level` lines")
    drift.add_argument("--approvals", default=None, metavar="FILE",
                       help="reviewed approvals: approved changes are not alerted (default STORE/approved-changes.yaml "
                            "when present)")
    drift.set_defaults(handler=run_drift)


def _os_errors_as_one_line(handler):
    """A folder or file we cannot write is a clear one-line error (exit 2), never a traceback."""
    import functools

    @functools.wraps(handler)
    def run(args) -> int:
        try:
            return handler(args)
        except OSError as exc:
            from ..errors import VapiContractError

            where = exc.filename or ""
            raise VapiContractError(f"{where}: {exc.strerror or exc}" if where else str(exc)) from None

    return run


def _label(loaded) -> str:
    from ..spec.urls import redact_url

    origin = loaded.origin
    if origin.startswith("file:"):
        return Path(origin[5:]).name
    return redact_url(origin.removeprefix("snapshot:"))  # a URL source shows without its credentials


@_os_errors_as_one_line
def run_diff(args) -> int:
    from ..errors import UsageError
    from ..spec.sources import load
    from . import compare, render
    from .policy import Policy
    from .review import apply_approvals, apply_overrides, load_approvals, parse_overrides

    if args.deprecation_days_beta < 0 or args.deprecation_days_stable < 0:
        raise UsageError("--deprecation-days-beta/--deprecation-days-stable must be 0 or more")
    overrides = parse_overrides(args.severity, args.severity_levels)  # bad input fails before any loading
    entries = load_approvals(args.approvals) if args.approvals else None
    old = load(args.old, store=args.store)
    new = load(args.new, store=args.store)
    policy = Policy(beta_days=args.deprecation_days_beta, stable_days=args.deprecation_days_stable)
    result = compare(old.document, new.document, old_label=_label(old), new_label=_label(new), policy=policy)
    result = apply_overrides(result, overrides)
    if entries is not None:
        result = apply_approvals(result, entries)
    spec_file = args.new if Path(args.new).is_file() else None
    text = render(result, args.format, spec_file=spec_file)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        from ..render.text import plural

        print(f"{args.output}: {plural(sum(result.summary().values()), 'change')}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if result.fails(args.fail_on) else 0


@_os_errors_as_one_line
def run_changelog(args) -> int:
    from .. import config
    from ..errors import UsageError
    from .changelog.build import build_changelog
    from .changelog.flapping import episodes
    from .changelog.history import open_history
    from .changelog.report import write_changelog

    if args.flap_window < 1:
        raise UsageError("--flap-window must be at least 1")
    store = Path(args.store) if args.store else config.store_dir()
    Path(args.out).mkdir(parents=True, exist_ok=True)  # fail before the long part, not after it
    history = open_history(store)
    if len(history) < 2:
        raise UsageError(f"store {store} holds {len(history)} version(s); a changelog needs at least 2")
    changelog = build_changelog(history, window=args.flap_window)
    write_changelog(changelog, args.out)
    totals = {"error": 0, "warning": 0, "info": 0}
    for pair in changelog.pairs:
        for level, count in pair.summary.items():
            totals[level] += count
    print(f"{len(changelog.versions)} versions, {len(changelog.pairs)} pairs: {totals['error']} breaking, "
          f"{totals['warning']} possibly breaking, {totals['info']} info; "
          f"{len(episodes(changelog.operation_flaps))} operation flaps -> {Path(args.out) / 'changelog.md'}, "
          f"{Path(args.out) / 'changelog.html'}")
    return 0


@_os_errors_as_one_line
def run_drift(args) -> int:
    from .. import config
    from ..errors import UsageError
    from ..spec.urls import redact_url
    from .debounce import DEFAULT_FETCHES, DEFAULT_MINUTES, Debounce
    from .drift import check_drift

    source = args.source or config.spec_url()
    store = Path(args.store) if args.store else config.store_dir()
    if args.webhook_retries < 0:
        raise UsageError("--webhook-retries must be 0 or more")
    debounce = Debounce(fetches=DEFAULT_FETCHES if args.debounce_fetches is None else args.debounce_fetches,
                        minutes=DEFAULT_MINUTES if args.debounce_minutes is None else args.debounce_minutes)
    review = _review(args, store)
    outcome = check_drift(source, store, webhook=args.webhook, fail_on=args.fail_on, alert_dir=args.alert_dir,
                          webhook_retries=args.webhook_retries, debounce=debounce, review=review)
    shown = redact_url(source)
    if outcome.status == "unchanged":
        print(f"no change: {shown} matches snapshot {outcome.previous_id}")
    elif outcome.status == "baseline":
        print(f"store was empty: recorded {shown} as baseline snapshot {outcome.snapshot_id}")
    elif outcome.status == "pending":
        from .renderers import headline

        pending = outcome.pending
        print(f"pending: {outcome.previous_id} -> {outcome.snapshot_id}: {headline(outcome.result)}; seen in "
              f"{pending.fetches} fetch(es) since {pending.since}, alerted once it persists "
              f"({debounce.fetches or 'no'} fetch limit, {debounce.minutes:g} min)")
    elif outcome.status == "flap":
        print(f"flap: the contract is back to snapshot {outcome.previous_id} after {outcome.pending.fetches} "
              f"fetch(es); recorded, not alerted")
        for path in outcome.files:
            print(f"  wrote {path}")
    else:
        from .renderers import headline

        print(f"changed: snapshot {outcome.previous_id} -> {outcome.snapshot_id}: {headline(outcome.result)}")
        for path in outcome.files:
            print(f"  wrote {path}")
        if outcome.webhook is not None:
            state = "delivered" if outcome.webhook.ok else "FAILED"
            print(f"  webhook {state} ({outcome.webhook.detail}, {outcome.webhook.attempts} attempt(s))")
    return outcome.exit_code


def _review(args, store: Path):
    """Severity overrides and approvals as one DiffResult -> DiffResult function (None when there are none)."""
    from .approvals import default_path
    from .review import apply_approvals, apply_overrides, load_approvals, parse_overrides

    overrides = parse_overrides(args.severity, args.severity_levels)
    path = args.approvals or (default_path(store) if store.is_dir() else None)
    entries = load_approvals(path) if path else None
    if not overrides and entries is None:
        return None

    def review(result):
        result = apply_overrides(result, overrides)
        return apply_approvals(result, entries) if entries is not None else result

    return review
