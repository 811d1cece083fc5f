"""The self-contained changelog page: inline SVG plots (render.charts), flapping, removals, the version table,
and every pair's breaking and possibly breaking changes in collapsible sections. No scripts, no external files."""

from __future__ import annotations

from html import escape

from ..model import DiffResult
from ..renderers.html import STYLE, changes_table
from .build import Changelog, PairReport
from .flapping import episodes
from .report import _pair_file, _when

CHART_WIDTH = 1080
LABELLED_MARKERS = 12  # breaking versions that claim a label on the plots, largest first, where there is room
PAIR_ROWS = 40  # warning+ changes shown per pair on the page; the pair's Markdown/JSON report has them all

PAGE_STYLE = STYLE + """
body{max-width:1150px}.versions td,.versions th{text-align:right}.versions td:first-child,.versions th:first-child
{text-align:left}tr.breaking td{background:#fff1f0}svg{max-width:100%;height:auto;display:block;margin:1rem 0}
details{margin:.3rem 0}summary{font-weight:600}.muted{color:#57606a}
"""


def _charts(changelog: Changelog) -> str:
    from ...render.charts import column_chart, line_chart

    # every version with breaking changes gets a dashed line; the largest few claim a label, largest first, and
    # a label with no room left beside the others is not written (render.labels: labels never overprint)
    breaking = sorted((p for p in changelog.pairs if p.summary["error"]), key=lambda p: -p.summary["error"])
    markers = [(_when(p.new.published), f"{p.summary['error']} breaking" if rank < LABELLED_MARKERS else "")
               for rank, p in enumerate(breaking)]
    v = changelog.versions
    return "".join((
        line_chart({"operations": [(_when(x.published), x.operations) for x in v]},
                   title="Operations over time (dashed: versions with breaking changes)", markers=markers,
                   width=CHART_WIDTH),
        line_chart({"schemas": [(_when(x.published), x.schemas) for x in v]},
                   title="Schemas over time (dashed: versions with breaking changes)", markers=markers,
                   width=CHART_WIDTH),
        column_chart({"breaking": [(_when(p.new.published), p.summary["error"]) for p in changelog.pairs],
                      "possibly breaking": [(_when(p.new.published), p.summary["warning"])
                                            for p in changelog.pairs]},
                     title="Breaking changes per version", width=CHART_WIDTH),
    ))


def _removals(changelog: Changelog) -> str:
    items = []
    for pair in changelog.pairs:
        kept = sorted(set(pair.ops_removed) - pair.flapped)
        if kept:
            items.append(f"<li>{escape(pair.old.id)} → {escape(pair.new.id)}: <strong>{len(kept)} operations "
                         f"removed</strong>: {escape(', '.join(kept))}</li>")
    return "<ul>" + ("".join(items) or "<li>none</li>") + "</ul>"


def _version_rows(changelog: Changelog) -> str:
    rows = []
    for pair in changelog.pairs:
        s = pair.summary
        flap = f" ({len(pair.flapped)} flapped)" if pair.flapped else ""
        rows.append(
            f'<tr class="{"breaking" if s["error"] else ""}"><td><a href="#pair-{pair.index}">'
            f"{escape(pair.new.id)}</a></td><td>{pair.new.operations}</td><td>{pair.new.schemas}</td>"
            f"<td>{len(pair.ops_added) or ''}</td><td>{len(pair.ops_removed) or ''}{flap}</td>"
            f"<td>{s['error'] or ''}</td><td>{s['warning'] or ''}</td><td>{s['info'] or ''}</td></tr>"
        )
    return "".join(rows)


def _pair_section(pair: PairReport) -> str:
    s = pair.summary
    shown = pair.result.at_least("warning")
    more = len(shown) - PAIR_ROWS
    table = changes_table(DiffResult(shown[:PAIR_ROWS], pair.old.id, pair.new.id)) if shown else \
        '<p class="muted">No breaking or possibly breaking changes.</p>'
    notes = []
    if pair.flapped:
        notes.append(f"{len(pair.flapped)} removed operation(s) are part of a flap: likely a partial publish.")
    if pair.ops_added:
        notes.append(f"added: {', '.join(pair.ops_added)}")
    if more > 0:
        notes.append(f"{more} more warning+ changes in {_pair_file(pair)}.md")
    if s["info"]:
        notes.append(f"{s['info']} info changes in {_pair_file(pair)}.md")
    note_html = "".join(f'<p class="muted">{escape(n)}</p>' for n in notes)
    return (f'<details id="pair-{pair.index}"><summary>{escape(pair.old.id)} → {escape(pair.new.id)}: '
            f"{s['error']} breaking, {s['warning']} possibly breaking, {s['info']} info</summary>"
            f"{note_html}{table}</details>")


def render_changelog_html(changelog: Changelog) -> str:
    v = changelog.versions
    summary = (f"{len(v)} versions, {escape(v[0].id)} → {escape(v[-1].id)}: operations {v[0].operations} → "
               f"{v[-1].operations}, schemas {v[0].schemas} → {v[-1].schemas}" if v else "No versions.")
    flaps = "".join(f"<li>{escape(e.describe(changelog.ids))}</li>" for e in episodes(changelog.operation_flaps))
    pairs = "".join(_pair_section(p) for p in reversed(changelog.pairs))  # newest first
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Spec changelog</title>'
        f"<style>{PAGE_STYLE}</style></head><body><h1>Spec changelog</h1><p>{summary}</p>{_charts(changelog)}"
        f"<h2>Flapping (likely partial publishes)</h2><p class=\"muted\">Operations that appeared and vanished "
        f"again (or the reverse) within {changelog.window} versions.</p><ul>{flaps or '<li>none</li>'}</ul>"
        f"<h2>Operations removed for good</h2>{_removals(changelog)}"
        '<h2>Versions</h2><table class="versions"><thead><tr><th>version</th><th>ops</th><th>schemas</th>'
        "<th>+ops</th><th>−ops</th><th>breaking</th><th>possibly</th><th>info</th></tr></thead>"
        f"<tbody>{_version_rows(changelog)}</tbody></table>"
        f"<h2>Per pair (newest first)</h2>{pairs}</body></html>\n"
    )
