"""Our own checks: one small module per check, each registered here by `@check` and, unless it is an aggregate,
with schemathesis (`schemathesis.check`), so it runs in the same pass as the built-ins and reports through the
same failure objects.

Add a check: write `contract/checks/<name>.py` holding one function `<name>(ctx, response, case)` decorated with
`@check()` (from this package) that raises AssertionError (one clear line) on a violation, and give it a test in
tests/unit/contract/checks/ that feeds it a wrong response. Nothing else to edit: every module of this package
whose name does not start with `_` is found and imported (pkgutil), and its `@check` records it.

A check that needs the run's configuration is a class named after the check, as schemathesis 4 takes them
(`__init__` keyword arguments = its `[checks.<name>]` section, `after_response(self, ctx, response, case)`), and
says how to build that section from the run: `@check(settings=lambda run: {"secrets": run.secrets})`. The engine
puts every section into the schemathesis configuration of its schema (`config(run)`), and schemathesis makes one
instance per schema with it (`run_checks_for(schema)`): no module global, nothing to configure by hand.
`live=False` keeps a check out of the per-case pass on a live target (one that sends requests of its own);
`aggregate=True` is a check over all of an operation's responses (the engine calls it per operation with the
run's figures), not a schemathesis check.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Built-in schemathesis checks the suite runs (by name). `status_code_conformance` is replaced by our
# `undocumented_status_code`: same rule, but 401/403 are implied by a security requirement (the built-in flags
# them on every one of Vapi's operations) and triage gets the code class.
BUILTIN = (
    "not_a_server_error",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "ignored_auth",
)
# Built-ins left out of the per-case pass on a live target: `ignored_auth` re-sends the request without
# credentials; the dedicated auth tests cover it there, within the request budget.
NOT_LIVE = ("ignored_auth",)


@dataclass(frozen=True)
class RunSettings:
    """What a check's settings may be built from: the run's API keys (secrets) and its resolved options."""

    secrets: tuple[str, ...] = ()
    options: Any = None


@dataclass(frozen=True)
class OurCheck:
    name: str
    implementation: Any  # a check function, a schemathesis check class, or an aggregate function
    live: bool = True
    aggregate: bool = False
    settings: Callable[[RunSettings], dict[str, Any]] | None = field(default=None, repr=False)


REGISTRY: dict[str, OurCheck] = {}


def check(*, live: bool = True, aggregate: bool = False,
          settings: Callable[[RunSettings], dict[str, Any]] | None = None):
    """Register one of our checks under its `__name__` (the name findings carry)."""

    def register(implementation):
        name = implementation.__name__
        if settings is not None and not isinstance(implementation, type):
            raise TypeError(f"check {name}: settings go to a check class's __init__ (schemathesis 4), not a function")
        if not aggregate:
            import schemathesis

            implementation = schemathesis.check(implementation)
        REGISTRY[name] = OurCheck(name, implementation, live=live, aggregate=aggregate, settings=settings)
        return implementation

    return register


@functools.cache
def _import_modules() -> None:
    """Import every check module of this package once (each registers itself): the package does not change
    during a run, and discover() is asked per failure and per operation."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def discover() -> dict[str, OurCheck]:
    """The registry of every check module of this package, sorted by check name (whichever module happened to
    be imported first, the checks run and are listed in the same order)."""
    _import_modules()
    return dict(sorted(REGISTRY.items()))


def config(run: RunSettings) -> dict[str, dict[str, Any]]:
    """The `checks` section of the schemathesis configuration for this run: each configurable check's settings."""
    return {c.name: c.settings(run) for c in discover().values() if c.settings is not None}


def builtins(names: tuple[str, ...] = BUILTIN) -> list:
    from schemathesis import checks as st_checks

    st_checks.load_all_checks()
    return [getattr(st_checks, name) for name in names]


def ours(schema=None, live: bool = False) -> list:
    """Our per-response checks as callables `(ctx, response, case)` named after the check. A check class is the
    instance schemathesis made for `schema` from the schema's configuration (one with no settings without it)."""
    from schemathesis.checks import build_response_checks, run_checks_for

    wanted = [c for c in discover().values() if not c.aggregate and (c.live or not live)]
    instances = {}
    if schema is not None and any(isinstance(c.implementation, type) for c in wanted):
        instances = {entry.name: entry for entry in run_checks_for(schema).for_responses()}
    out = []
    for item in wanted:
        if not isinstance(item.implementation, type):
            out.append(item.implementation)
        elif schema is None:
            out += _standalone(item.implementation)
        elif item.name in instances:  # absent: disabled in the schema's configuration
            out += build_response_checks([instances[item.name]])
    return out


def _standalone(cls) -> list:
    import threading

    from schemathesis.checks import ResponseCheckEntry, build_response_checks

    return build_response_checks([ResponseCheckEntry(cls.__name__, cls(), threading.Lock())])


def all_checks(schema=None, live: bool = False) -> list:
    """Checks for fuzzed cases: the built-ins we run, then ours (configured through `schema`'s configuration)."""
    return builtins(tuple(n for n in BUILTIN if not (live and n in NOT_LIVE))) + ours(schema, live=live)


def __getattr__(name: str):
    """`OURS` (per-response checks) and `AGGREGATE` (per-operation ones), by check name, from the registry."""
    if name == "OURS":
        return tuple(c.name for c in discover().values() if not c.aggregate)
    if name == "AGGREGATE":
        return tuple(c.name for c in discover().values() if c.aggregate)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
