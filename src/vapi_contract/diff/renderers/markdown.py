from __future__ import annotations

from ..model import DiffResult
from . import headline

_TITLE = {"error": "Breaking changes", "warning": "Possibly breaking changes", "info": "Other changes"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _operations(change, limit: int = 5) -> str:
    ops = list(change.operations) or ([change.operation] if change.operation else [])
    if not ops:
        return "(document)"
    shown = "<br>".join(f"`{_cell(op)}`" for op in ops[:limit])
    return shown + (f"<br>+{len(ops) - limit} more" if len(ops) > limit else "")


def render_markdown(result: DiffResult, heading: str = "##") -> str:
    lines = [f"{heading} API changes: `{result.old_label}` → `{result.new_label}`", "", f"**{headline(result)}**", ""]
    for level in ("error", "warning", "info"):
        changes = [c for c in result.changes if c.level == level]
        if not changes:
            continue
        lines += [f"{heading}# {_TITLE[level]} ({len(changes)})", "", "| rule | operation(s) | location | message |",
                  "| --- | --- | --- | --- |"]
        for c in changes:
            lines.append(f"| `{c.id}` | {_operations(c)} | {_cell(c.location)} | {_cell(c.message)} |")
        lines.append("")
    if not result.changes:
        lines.append("No changes.")
    return "\n".join(lines) + "\n"
