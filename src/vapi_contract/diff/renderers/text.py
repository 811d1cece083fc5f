from __future__ import annotations

from ..model import DiffResult
from . import headline, reach

_MARK = {"error": "ERROR  ", "warning": "WARNING", "info": "INFO   "}


def render_text(result: DiffResult) -> str:
    lines = [f"{result.old_label} -> {result.new_label}: {headline(result)}"]
    for change in result.changes:
        lines.append(f"{_MARK[change.level]} {change.id}  {reach(change)}")
        lines.append(f"        {change.message}")
    return "\n".join(lines) + "\n"
