"""Renderers for a DiffResult: text (terminal), markdown (PR comments, alerts), json (machines), junit (CI test
reports: one failing test case per error-level change), html (a self-contained page), githubactions (workflow
annotations on the spec file)."""

from __future__ import annotations

import json

from ..model import DiffResult

FORMATS = ("text", "markdown", "json", "junit", "html", "githubactions")


def render(result: DiffResult, fmt: str = "text", *, spec_file: str | None = None) -> str:
    """SPEC_FILE: the new spec's path, for the githubactions annotations (default: the new label)."""
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        from .text import render_text

        return render_text(result)
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(result)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(result)
    if fmt == "githubactions":
        from .githubactions import render_githubactions

        return render_githubactions(result, spec_file)
    if fmt == "html":
        from .html import render_html

        return render_html(result)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def reach(change, limit: int = 3) -> str:
    """`GET /a` or `GET /a (+12 more operations)`."""
    if not change.operations:
        return change.operation or "(document)"
    extra = len(change.operations) - 1
    return change.operations[0] + (f" (+{extra} more operation{'s' if extra > 1 else ''})" if extra else "")


def headline(result: DiffResult) -> str:
    s = result.summary()
    return f"{s['error']} breaking, {s['warning']} possibly breaking, {s['info']} info"
