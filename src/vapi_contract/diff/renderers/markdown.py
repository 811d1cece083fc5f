from __future__ import annotations

from ..model import DiffResult
from . import headline
from .safe import md_code, md_text

_TITLE = {"error": "Breaking changes", "warning": "Possibly breaking changes", "info": "Other changes"}


def _operations(change, limit: int = 5) -> str:
    ops = list(change.operations) or ([change.operation] if change.operation else [])
    if not ops:
        return "(document)"
    shown = "<br>".join(md_text(op) for op in ops[:limit])  # spec paths: escaped text, not code
    return shown + (f"<br>+{len(ops) - limit} more" if len(ops) > limit else "")


def render_markdown(result: DiffResult, heading: str = "##") -> str:
    lines = [f"{heading} API changes: {md_text(result.old_label)} → {md_text(result.new_label)}", "",
             f"**{headline(result)}**", ""]
    for level in ("error", "warning", "info"):
        changes = [c for c in result.changes if c.level == level]
        if not changes:
            continue
        lines += [f"{heading}# {_TITLE[level]} ({len(changes)})", "", "| rule | operation(s) | location | message |",
                  "| --- | --- | --- | --- |"]
        for c in changes:
            lines.append(f"| {md_code(c.id)} | {_operations(c)} | {md_text(c.location)} | {md_text(c.message)} |")
        lines.append("")
    if result.approved:
        lines += [f"{heading}# Approved ({len(result.approved)}, not counted)", "",
                  "| rule | operation(s) | message | approver | reason | expires |", "| --- | --- | --- | --- | --- | --- |"]
        for c, a in result.approved:
            lines.append(f"| {md_code(c.id)} | {_operations(c)} | {md_text(c.message)} | {md_text(a.approver)} | "
                         f"{md_text(a.reason)} | {a.expires or '—'} |")
        lines.append("")
    for c, a in result.expired_approvals:
        lines.append(f"- approval of {md_code(c.id)} by {md_text(a.approver)} expired on {a.expires}: still counted")
    if not result.changes and not result.approved:
        lines.append("No changes.")
    return "\n".join(lines) + "\n"
