from __future__ import annotations

from html import escape

from ..model import DiffResult
from . import headline

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.error{color:#b42318;font-weight:600}.warning{color:#9a6700;font-weight:600}
.info{color:#57606a}code{font-size:12px}details summary{cursor:pointer}
"""


def changes_table(result: DiffResult) -> str:
    if not result.changes:
        return "<p>No changes.</p>"
    rows = []
    for c in result.changes:
        ops = list(c.operations) or ([c.operation] if c.operation else ["(document)"])
        first = escape(ops[0])
        more = ""
        if len(ops) > 1:
            more = ("<details><summary>+" + str(len(ops) - 1) + " more</summary>"
                    + "<br>".join(escape(op) for op in ops[1:]) + "</details>")
        rows.append(
            f'<tr><td class="{c.level}">{c.level}</td><td><code>{escape(c.id)}</code></td>'
            f"<td>{first}{more}</td><td>{escape(c.location)}</td><td>{escape(c.message)}</td></tr>"
        )
    return ("<table><thead><tr><th>level</th><th>rule</th><th>operation(s)</th><th>location</th><th>message</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def render_html(result: DiffResult) -> str:
    title = f"API changes: {result.old_label} → {result.new_label}"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1><p><strong>{escape(headline(result))}"
        f"</strong></p>{changes_table(result)}</body></html>\n"
    )
