"""diff area: compare two OpenAPI documents with breaking-change rules (oasdiff rule ids and levels).

    from vapi_contract.diff import compare, render
    result = compare(old_doc, new_doc)
    result.changes, result.summary(), render(result, "markdown")
"""

from __future__ import annotations

from .engine import compare
from .model import Change, DiffResult


def render(result: DiffResult, fmt: str = "text") -> str:
    from .renderers import render as _render

    return _render(result, fmt)


__all__ = ["Change", "DiffResult", "compare", "render"]
