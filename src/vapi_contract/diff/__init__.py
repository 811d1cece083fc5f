"""diff area: compare two OpenAPI documents with breaking-change rules (oasdiff rule ids and levels).

    from vapi_contract.diff import compare, render
    result = compare(old_doc, new_doc)
    result.changes, result.summary(), render(result, "markdown")

Imports stay lazy so `vapi-contract` starts fast (the CLI imports this package to register its commands).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Change, DiffResult


def compare(old_doc: dict[str, Any], new_doc: dict[str, Any], *, old_label: str = "old",
            new_label: str = "new", policy: Any = None) -> DiffResult:
    """Every change from OLD_DOC to NEW_DOC, each reported once where it happened (see engine.py). POLICY:
    a `policy.Policy` (deprecation days per stability level; default oasdiff's: 0)."""
    from .engine import compare as _compare

    return _compare(old_doc, new_doc, old_label=old_label, new_label=new_label, policy=policy)


def render(result: DiffResult, fmt: str = "text", *, spec_file: str | None = None) -> str:
    """text | markdown | json | junit | html | githubactions"""
    from .renderers import render as _render

    return _render(result, fmt, spec_file=spec_file)


def __getattr__(name: str):
    if name in ("Change", "DiffResult"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Change", "DiffResult", "compare", "render"]
