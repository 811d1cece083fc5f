"""`vapi-contract run` (the contract suite, wrapping pytest on the suite shipped in the package,
`vapi_contract.contract.suite`) and `vapi-contract janitor`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers) -> None:
    from .options import add_to_argparse

    run = subparsers.add_parser(
        "run", help="run the contract suite against the twin or a live URL",
        description="Run the schemathesis-driven contract suite. Exit codes: 0 no new finding, 1 new contract "
                    "findings, 2 usage or spec error, 3 target unreachable or infrastructure failure.",
    )
    add_to_argparse(run)
    run.add_argument("--workers", type=int, default=1, help="pytest-xdist worker processes (default 1)")
    run.add_argument("-q", "--quiet", action="store_true", help="less pytest output")
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after `--`: extra pytest arguments")
    run.set_defaults(handler=run_command)

    plan = subparsers.add_parser(
        "plan", help="what a run would do to the target, operation by operation, without sending anything",
        description="Print, for every operation of the spec, whether the run fuzzes it (and on which objects), "
                    "touches it only through a lifecycle, or never sends it, and why. Sends no request.")
    add_to_argparse(plan)
    plan.add_argument("--json", action="store_true", help="one JSON object per operation")
    plan.set_defaults(handler=plan_command)

    janitor = subparsers.add_parser("janitor", help="delete objects left behind by earlier runs (by name tag)")
    janitor.add_argument("--target", default=None, help="base URL (default $VAPI_BASE_URL)")
    janitor.add_argument("--spec", default=None, help="spec source (to find the CRUD families)")
    janitor.add_argument("--prefix", default=None, help="name prefix to delete (default vapi-contract-; any prefix "
                         "that does not start with it needs --yes)")
    janitor.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    janitor.add_argument("--yes", action="store_true", help="delete by a --prefix that is not this project's tag")
    janitor.set_defaults(handler=janitor_command)


def suite_dir() -> Path:
    """The contract suite's folder inside the installed package (a checkout is never needed)."""
    from . import suite

    return Path(suite.__file__).resolve().parent


def pytest_argv(args, suite: Path) -> list[str]:
    """The suite's pytest command line. Hermetic: no configuration file is read (`-c` on the null device: a
    pytest.ini or pyproject.toml around the folder the command is started in changes nothing) and no conftest.py
    above the suite's folder is loaded; the plugin is named even when plugin autoloading is off; the rootdir is the
    suite's own folder, so test ids are the same (`test_operations.py::test_operation[GET /x]`) wherever the
    package is installed. Nothing is written there (no cache provider)."""
    from . import plugin

    argv = [str(suite), "-c", os.devnull, "--rootdir", str(suite), "--confcutdir", str(suite),
            "-p", plugin.__name__, "-p", "no:cacheprovider",
            "-o", "junit_family=xunit2", "-p", "no:randomly",
            "-W", "ignore::DeprecationWarning:jsonschema_path.*",
            # this command imported the packages with pytest plugins (ours, schemathesis, anyio) before pytest
            # started, so pytest cannot rewrite their asserts and would say so on every run (the suite's are)
            "-W", "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning"]
    argv += ["-q"] if args.quiet else ["-v"]
    if args.workers and args.workers > 1:
        argv += ["-n", str(args.workers), "--dist", "load"]
    else:
        argv += ["-p", "no:xdist"]
    extra = [a for a in (args.pytest_args or []) if a != "--"]
    return argv + extra


def run_command(args) -> int:
    from ..errors import UsageError
    from .context import CONTEXT_ENV, claim_report_dir, finish, install, prepare
    from .options import OPTIONS, dest, resolve

    raw = {dest(row["name"]): getattr(args, dest(row["name"])) for row in OPTIONS}
    raw["workers"] = args.workers
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    options = resolve(raw)
    suite = suite_dir()
    listing = {"--co", "--collect-only", "--markers", "--fixtures", "--fixtures-per-test", "-h", "--help",
               "--version", "-V"}
    if listing & set(args.pytest_args or []):  # a listing has no side effects: pytest's plugin prepares nothing
        import pytest

        given = []  # the suite's own options, as pytest options, so the listing shows this run's plan
        for row in OPTIONS:
            value = getattr(args, dest(row["name"]))
            if row.get("action") == "store_true":
                given += [row["name"]] if value else []
            elif value is not None and value != row.get("default"):
                given += [row["name"], str(value)]
        argv = pytest_argv(args, suite)
        return int(pytest.main(argv[:1] + given + argv[1:]))
    lock = claim_report_dir(options.report_dir)
    try:
        ctx, twin = prepare(options, owner="cli")
        path = install(ctx)
        rc = None
        interrupted = False
        try:
            import pytest

            rc = int(pytest.main(pytest_argv(args, suite)))
            interrupted = rc == 2
        except KeyboardInterrupt:
            interrupted = True
            rc = 2
        finally:
            try:
                code = finish(ctx, twin, pytest_rc=rc, interrupted=interrupted)
            finally:
                path.unlink(missing_ok=True)
                os.environ.pop(CONTEXT_ENV, None)
    finally:
        if lock is not None:
            lock.release()
    if rc == 5:  # nothing collected: the selection matched no operation
        print("vapi-contract: no test ran (does --operations match any operation?)", file=sys.stderr)
    return code


def plan_command(args) -> int:
    import json
    from dataclasses import asdict

    from ..spec.sources import load
    from .context import live_hosts
    from .describe import describe, render
    from .options import OPTIONS, dest, resolve

    options = resolve({dest(row["name"]): getattr(args, dest(row["name"])) for row in OPTIONS})
    plan, rows = describe(load(options.spec, key_hosts=live_hosts(options)).document, options)
    if args.json:
        print("\n".join(json.dumps(asdict(row)) for row in rows))
    else:
        print(render(plan, rows, options))
    return 0


def janitor_command(args) -> int:
    from .. import config
    from ..errors import UsageError
    from ..spec.sources import load
    from .resources import TAG_PREFIX, broad_prefix, janitor
    from .transport import Client

    prefix = TAG_PREFIX if args.prefix is None else args.prefix
    problem = None if args.dry_run or args.yes else broad_prefix(prefix)
    if problem:
        raise UsageError(problem)
    key = config.api_key()
    if not key:
        raise UsageError("VAPI_API_KEY is not set")
    base_url = args.target or config.base_url()
    document = load(args.spec, key_hosts=(base_url,)).document
    client = Client(base_url, rate_limit=5.0)
    found = janitor(client, document, {"Authorization": f"Bearer {key}"}, prefix=prefix,
                    dry_run=args.dry_run)
    for item in found:
        state = "would delete" if args.dry_run else ("deleted" if item["deleted"] else "FAILED to delete")
        print(f"{state} {item['family']} {item['resource_id']} {item['name']}")
    failed = [i for i in found if not args.dry_run and not i["deleted"]]
    from ..render.text import plural

    print(f"{plural(len(found), 'tagged object')} found, {len(failed)} could not be deleted", file=sys.stderr)
    return 1 if failed else 0
