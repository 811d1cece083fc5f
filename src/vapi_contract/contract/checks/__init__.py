"""Our own checks: one small module per check, each a schemathesis check (`@schemathesis.check`) so it runs in
the same pass as the built-ins and reports through the same failure objects.

Add a check: write `contract/checks/<name>.py` defining a function `<name>(ctx, response, case)` decorated with
`@schemathesis.check` that raises AssertionError (one clear line) on a violation, add `<name>` to OURS below, and
give it a test in tests/unit/contract/checks/ that feeds it a wrong response.
"""

from __future__ import annotations

import importlib

# Module names == check names; each module registers its check with schemathesis on import.
OURS = (
    "undocumented_properties",
    "undocumented_status_code",
    "error_body_shape",
    "api_key_not_echoed",
    "timestamps_and_ids",
)
# Per-operation (aggregate) checks: evaluated once per operation from every sample, not per response.
AGGREGATE = ("latency_budget",)

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


def ours() -> list:
    return [getattr(importlib.import_module(f"{__name__}.{name}"), name) for name in OURS]


def builtins(names: tuple[str, ...] = BUILTIN) -> list:
    from schemathesis import checks as st_checks

    st_checks.load_all_checks()
    return [getattr(st_checks, name) for name in names]


def all_checks(live: bool = False) -> list:
    """Checks for fuzzed cases. On a live target `ignored_auth` is left out of the per-case pass (it re-sends
    the request without credentials); the dedicated auth tests cover it with a request budget."""
    names = tuple(n for n in BUILTIN if not (live and n == "ignored_auth"))
    return builtins(names) + ours()
