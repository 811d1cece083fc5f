from __future__ import annotations

from ..model import DiffResult
from . import headline, reach

_MARK = {"error": "ERROR  ", "warning": "WARNING", "info": "INFO   "}


def render_text(result: DiffResult) -> str:
    lines = [f"{result.old_label} -> {result.new_label}: {headline(result)}"]
    for change in result.changes:
        lines.append(f"{_MARK[change.level]} {change.id}  {reach(change)}")
        lines.append(f"        {change.message}")
        if change.location and change.location not in change.message:
            lines.append(f"        at {change.location}")
    for change, approval in result.approved:
        lines.append(f"APPROVED {change.id}  {reach(change)}  (by {approval.approver}: {approval.reason})")
    for change, approval in result.expired_approvals:
        lines.append(f"        approval of {change.id} by {approval.approver} expired on {approval.expires}")
    return "\n".join(lines) + "\n"
