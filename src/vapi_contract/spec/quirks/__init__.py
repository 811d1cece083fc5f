"""Read Vapi's published OpenAPI document the way a real, lenient server does, and report every quirk.

    normalized = normalize(document)          # new document + list of SpecIssue
    python_pattern(r"/^\\p{L}+$/u")            # exact Python-re equivalent of an ECMA pattern (or None)
    compile_check(normalized.document)        # every schema compiles in jsonschema_rs and jsonschema

Each quirk is one module in `rules/` (see rules/__init__.py for how to add one). Names are imported on
first use, so `vapi-contract` start-up does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vapi_contract.spec.quirks.compile import compile_check, to_json_schema
    from vapi_contract.spec.quirks.issues import NormalizedSpec, SpecIssue, fingerprint
    from vapi_contract.spec.quirks.patterns import python_pattern, split_js_literal

_LAZY = {
    "compile_check": "compile",
    "to_json_schema": "compile",
    "NormalizedSpec": "issues",
    "SpecIssue": "issues",
    "fingerprint": "issues",
    "python_pattern": "patterns",
    "split_js_literal": "patterns",
}

__all__ = [
    "NormalizedSpec",
    "SpecIssue",
    "compile_check",
    "fingerprint",
    "normalize",
    "python_pattern",
    "split_js_literal",
    "to_json_schema",
]


def normalize(document: dict[str, Any], *, lenient_oneof: bool = True) -> NormalizedSpec:
    """A new, fixed document plus the issues found (in document order). The input is never mutated."""
    from vapi_contract.spec.quirks import walker  # imports the rule registry
    from vapi_contract.spec.quirks.context import Context
    from vapi_contract.spec.quirks.issues import NormalizedSpec

    ctx = Context(document, lenient_oneof=lenient_oneof)
    try:
        fixed = walker.document(document, ctx)
    except RecursionError:  # sources.load bounds depth (VAPI_SPEC_MAX_DEPTH); a document built elsewhere may not
        from vapi_contract.errors import SpecSourceError

        raise SpecSourceError("spec nested too deeply to read its quirks (see VAPI_SPEC_MAX_DEPTH)") from None
    return NormalizedSpec(fixed, ctx.issues)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
