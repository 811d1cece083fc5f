"""pytest plugin of the contract suite, registered as the `pytest11` entry point `vapi_contract.contract.plugin`
(pyproject.toml), so an installed package runs `pytest --pyargs vapi_contract.contract.suite --target ...` from
any folder. Loaded into every pytest session of an environment that has the package installed, so it stays inert
unless the invocation names the suite (the folder, one of its files, or `--pyargs vapi_contract.contract.suite`):
registering the options and a marker is all it does otherwise, with nothing heavy imported.

Controller side (no xdist, or the xdist controller): when the suite was not started by `vapi-contract run`,
prepare the run (spec, twin, plan, run dir) in `pytest_configure` and finish it (reports, exit code) in
`pytest_unconfigure`. Worker side: parametrize the tests from the plan, one test per operation named by its label,
heaviest first, and share one Engine per worker.

Collection-only invocations (`--co`, `--markers`, `--fixtures`, `--fixtures-per-test`, `--help`, `--version`) have
no side effects: no twin, no run dir, no verdict line. `--co` still lists the tests a run would have, from a plan
built from the spec alone.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..config import CONTEXT_ENV

if TYPE_CHECKING:
    from .context import RunContext

SUITE_PACKAGE = "vapi_contract.contract.suite"
SUITE_DIR = Path(__file__).resolve().parent / "suite"

_STATE: dict = {}


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_addoption(parser):
    from .options import add_to_pytest

    add_to_pytest(parser)


def _raw_options(config) -> dict:
    from .options import OPTIONS, dest

    raw = {dest(row["name"]): config.getoption(f"vc_{dest(row['name'])}") for row in OPTIONS}
    raw["workers"] = getattr(config.option, "numprocesses", None) or 1
    return raw


SUITE_FILES = {"test_operations.py": "operations", "test_lifecycle.py": "lifecycle", "test_auth.py": "auth"}
NO_RUN_OPTIONS = ("collectonly", "markers", "showfixtures", "show_fixtures_per_test", "help", "version")


def _named_path(arg, pyargs: bool) -> Path:
    """The file or folder a command-line argument names; under `--pyargs` a dotted module name is looked up
    (only names under this package: looking up another name could import it)."""
    name = str(arg).split("::", 1)[0]
    if pyargs and (name == SUITE_PACKAGE or name.startswith(SUITE_PACKAGE + ".")):
        import importlib.util

        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            origin = Path(spec.origin).resolve()
            return origin.parent if origin.name == "__init__.py" else origin
    return Path(name).resolve()


def _suites(config) -> tuple[str, ...]:
    """The suite's test files this invocation names (the whole folder: all of them); empty when it names none,
    so a bare `pytest` over the whole repo does not start a twin and a full contract run as a side effect."""
    pyargs = bool(getattr(getattr(config, "option", None), "pyargs", False))
    paths = [_named_path(arg, pyargs) for arg in config.args]
    if not any(path == SUITE_DIR or SUITE_DIR in path.parents for path in paths):
        return ()  # the usual case (any other test run): decided without importing the run machinery
    from .context import SUITES

    if SUITE_DIR in paths:
        return SUITES
    named = [SUITE_FILES.get(path.name, "other") for path in paths if SUITE_DIR in path.parents]
    return tuple(s for s in SUITES if s in named) or ("other",)


def _targets_suite(config) -> bool:
    return bool(_suites(config))


def _collection_only(config) -> bool:
    """Invocations that only list or describe (tests, markers, fixtures, help, version): they run no test."""
    return any(getattr(config.option, name, None) for name in NO_RUN_OPTIONS)


def pytest_configure(config):
    config.addinivalue_line("markers", "contract: the contract suite itself")
    if _is_worker(config) or os.environ.get(CONTEXT_ENV) or not _targets_suite(config):
        return
    from ..errors import VapiContractError
    from .context import install, prepare
    from .options import resolve

    if _collection_only(config):
        if getattr(config.option, "collectonly", False):
            _dry_plan(config)
        return
    try:
        ctx, twin = prepare(resolve(_raw_options(config)), owner="pytest", suites=_suites(config))
    except VapiContractError as exc:
        raise pytest.UsageError(f"vapi-contract: {exc}") from None
    _STATE.update(ctx=ctx, twin=twin, path=install(ctx))


def _dry_plan(config) -> None:
    """`--co`: the plan a run would test, built from the spec alone (no twin, no target, no run dir)."""
    import sys

    from ..errors import VapiContractError
    from .context import dry_plan
    from .options import resolve

    try:
        plan, origin = dry_plan(resolve(_raw_options(config)))
    except VapiContractError as exc:
        raise pytest.UsageError(f"vapi-contract: {exc}") from None
    if plan is None:
        print(f"vapi-contract: collection only: tests not listed: {origin}", file=sys.stderr)
        return
    _STATE["dry_plan"] = plan
    print(f"vapi-contract: collection only (spec {origin}): {len(plan.operations)} operations, "
          f"{len(plan.families)} lifecycles, {len(plan.auth_operations)} auth probes would run; "
          "no twin started, no run dir written", file=sys.stderr)


def _finish(rc: int | None) -> int:
    from .context import finish

    ctx, twin, path = _STATE.pop("ctx"), _STATE.pop("twin"), _STATE.pop("path")
    try:
        return finish(ctx, twin, pytest_rc=rc, interrupted=rc == 2)
    finally:
        path.unlink(missing_ok=True)
        os.environ.pop(CONTEXT_ENV, None)


def pytest_sessionstart(session):
    """A contract run shows each operation's progress while it runs (contract/progress.py)."""
    if os.environ.get(CONTEXT_ENV):
        from .progress import start_session

        start_session(session.config)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Plain `pytest --pyargs vapi_contract.contract.suite`: build the reports and exit with the run's code (0/1/2/3), like the CLI."""
    if "ctx" in _STATE:
        session.exitstatus = _finish(int(exitstatus))


def pytest_unconfigure(config):
    _STATE.pop("dry_plan", None)
    if "ctx" in _STATE:  # the session never finished (usage error before it started)
        _finish(4)


def context() -> RunContext:
    if "loaded" not in _STATE:
        from .context import RunContext

        _STATE["loaded"] = RunContext.load()
    return _STATE["loaded"]


def _in_suite(metafunc) -> bool:
    path = getattr(getattr(metafunc, "definition", None), "path", None)
    return path is not None and SUITE_DIR in Path(path).resolve().parents


def pytest_generate_tests(metafunc):
    """One test per operation (ids are the labels: `GET /assistant/{id}`), per family for the lifecycle."""
    names = metafunc.fixturenames
    parameters = {"operation_label", "auth_label", "family", "list_label"}
    if not parameters & set(names) or not _in_suite(metafunc):
        return  # another test that happens to use one of these names (this plugin loads in every session)
    started = time.perf_counter()
    if "dry_plan" in _STATE:  # --co: list what a run would test
        plan = _STATE["dry_plan"]
    elif not os.environ.get(CONTEXT_ENV):  # collected as part of a wider run: nothing to test, said so
        for name in parameters & set(names):
            metafunc.parametrize(name, [])
        return
    else:
        plan = context().run_plan
    if "operation_label" in names:
        metafunc.parametrize("operation_label", plan.operations, ids=plan.operations)
    if "auth_label" in names:
        metafunc.parametrize("auth_label", plan.auth_operations, ids=plan.auth_operations)
    if "family" in names:
        metafunc.parametrize("family", plan.families, ids=[f.name for f in plan.families])
    if "list_label" in names:  # `behaviour GET /x`: the lists that document `limit`
        metafunc.parametrize("list_label", plan.lists, ids=plan.lists)
    _STATE["collection_s"] = _STATE.get("collection_s", 0.0) + time.perf_counter() - started
