"""Regex `pattern`s: JS literals (`"/^[a-z]+$/i"`), `\\p{L}` classes Python rejects, and ECMA semantics.

Every pattern is rewritten to its exact Python-`re` equivalent (which jsonschema_rs and hypothesis also read
the same way). Only real spec errors are reported; a pure dialect rewrite is not an issue.
"""

from __future__ import annotations

import re
from typing import Any

from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.patterns import python_pattern, split_js_literal
from vapi_contract.spec.quirks.rules import schema_rule


@schema_rule("pattern")
def fix(schema: dict[str, Any], pointer: str, ctx: Context) -> None:
    raw = schema["pattern"]
    where = pointer + "/pattern"
    if not isinstance(raw, str):
        del schema["pattern"]
        ctx.report("pattern-invalid", where, f"pattern is not a string ({raw!r}); dropped")
        return
    literal = split_js_literal(raw)
    body, flags = (literal.body, literal.flags) if literal else (raw, "")
    if literal:
        ctx.report(
            "pattern-js-literal", where,
            f"pattern written as a JavaScript literal {raw!r}; read as {body!r} with flags {flags!r}",
        )
    translated = python_pattern(body, flags, js_literal=False)
    if translated is None:
        del schema["pattern"]
        ctx.report("pattern-untranslatable", where, f"pattern {raw!r} has no Python equivalent; dropped")
        return
    if not _python_accepts(body):
        ctx.report(
            "pattern-unsupported-syntax", where,
            f"pattern {body!r} uses syntax Python's re rejects (e.g. \\p{{..}}); rewritten with explicit ranges",
        )
    schema["pattern"] = translated


def _python_accepts(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True
