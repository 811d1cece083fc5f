"""Changelog outputs: `changelog.md`, a self-contained `changelog.html` with inline SVG plots, and one Markdown
and JSON report per consecutive pair under `pairs/`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ...fsutil import atomic_write
from ..renderers.markdown import render_markdown
from .build import Changelog, PairReport
from .flapping import episodes

TOP_BREAKING = 8
MARKER_LABELS = 5  # breaking changes listed inline per pair; the pair report has them all


def _when(text: str) -> str:
    """`2024-11-11T1745` -> `2024-11-11T17:45` so every consumer parses it as a time."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(.*)", text or "")
    return f"{match.group(1)}T{match.group(2)}:{match.group(3)}{match.group(4)}" if match else text


def _pair_file(pair: PairReport) -> str:
    return f"pairs/{pair.index:03d}-{pair.new.id}"


def write_changelog(changelog: Changelog, out: str | Path) -> list[Path]:
    out = Path(out)
    (out / "pairs").mkdir(parents=True, exist_ok=True)
    written = []
    for pair in changelog.pairs:
        base = out / _pair_file(pair)
        written.append(_atomic(base.with_suffix(".md"), render_markdown(pair.result)))
        data = {**pair.result.to_json(), "old": pair.old.id, "new": pair.new.id,
                "operations_added": pair.ops_added, "operations_removed": pair.ops_removed,
                "flapped_removals": sorted(pair.flapped)}
        written.append(_atomic(base.with_suffix(".json"), json.dumps(data, indent=1, ensure_ascii=False) + "\n"))
    written.append(_atomic(out / "changelog.md", render_changelog_markdown(changelog)))
    written.append(_atomic(out / "changelog.html", render_changelog_html(changelog)))
    return written


def _atomic(path: Path, text: str) -> Path:
    return atomic_write(path, text, durable=False)  # ~250 regenerable files: no fsync each


def _flags(changelog: Changelog) -> dict[int, list[str]]:
    flags: dict[int, list[str]] = {}
    for episode in episodes(changelog.operation_flaps):
        count = len(episode.appeared) + len(episode.vanished)
        flags.setdefault(episode.start, []).append(f"flap start ({count} ops)")
        flags.setdefault(episode.end, []).append(f"flap undone ({count} ops)")
    return flags


def render_changelog_markdown(changelog: Changelog) -> str:
    v = changelog.versions
    totals = {"error": 0, "warning": 0, "info": 0}
    for pair in changelog.pairs:
        for level, n in pair.summary.items():
            totals[level] += n
    lines = [
        "# Spec changelog", "",
        f"{len(v)} versions from {v[0].id} to {v[-1].id}: operations {v[0].operations} → {v[-1].operations}, "
        f"schemas {v[0].schemas} → {v[-1].schemas}. Over {len(changelog.pairs)} consecutive pairs: "
        f"{totals['error']} breaking, {totals['warning']} possibly breaking, {totals['info']} info changes."
        if v else "No versions.", "",
    ]
    lines += _flapping_markdown(changelog)
    lines += _removals_markdown(changelog)
    flags = _flags(changelog)
    lines += ["## Over time", "", "| version | published | ops | schemas | +ops | −ops | breaking | possibly | info | notes |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    if v:
        lines.append(f"| {v[0].id} | {v[0].published} | {v[0].operations} | {v[0].schemas} | | | | | | first |")
    for pair in changelog.pairs:
        s = pair.summary
        notes = "; ".join(flags.get(pair.index, []))
        link = f"[{pair.new.id}]({_pair_file(pair)}.md)"
        lines.append(f"| {link} | {pair.new.published} | {pair.new.operations} | {pair.new.schemas} | "
                     f"{len(pair.ops_added) or ''} | {len(pair.ops_removed) or ''} | {s['error'] or ''} | "
                     f"{s['warning'] or ''} | {s['info'] or ''} | {notes} |")
    lines += ["", "## Per pair", ""]
    for pair in changelog.pairs:
        lines += _pair_markdown(pair)
    return "\n".join(lines) + "\n"


def _flapping_markdown(changelog: Changelog) -> list[str]:
    events = changelog.operation_flaps
    lines = ["## Flapping (likely partial publishes)", ""]
    if not events:
        return lines + [f"No operation appeared and vanished (or the reverse) within {changelog.window} versions.", ""]
    lines.append(f"Operations that appeared and vanished again (or the reverse) within {changelog.window} versions: "
                 "a partial or stale publish, not an API change. Treat their removals with care.")
    lines.append("")
    for episode in episodes(events):  # one line per partial publish, whatever it added and dropped
        lines.append(f"- {episode.describe(changelog.ids)}")
    if changelog.schema_flaps:
        lines.append(f"- and {len(changelog.schema_flaps)} schema flaps "
                     f"({sum(len(e.names) for e in changelog.schema_flaps)} schema names)")
    return lines + [""]


def _removals_markdown(changelog: Changelog) -> list[str]:
    removals = [p for p in changelog.pairs if len(set(p.ops_removed) - p.flapped) > 0]
    lines = ["## Operations removed for good (not part of a flap)", ""]
    if not removals:
        return lines + ["None.", ""]
    for pair in sorted(removals, key=lambda p: p.index):
        kept = sorted(set(pair.ops_removed) - pair.flapped)
        shown = ", ".join(f"`{op}`" for op in kept[:12]) + (f" and {len(kept) - 12} more" if len(kept) > 12 else "")
        lines.append(f"- {pair.old.id} → {pair.new.id}: **{len(kept)} operations removed**: {shown}")
    return lines + [""]


def _pair_markdown(pair: PairReport) -> list[str]:
    s = pair.summary
    counts = (f"ops {pair.old.operations} → {pair.new.operations}, schemas {pair.old.schemas} → {pair.new.schemas}; "
              f"{s['error']} breaking, {s['warning']} possibly breaking, {s['info']} info "
              f"([full report]({_pair_file(pair)}.md))")
    lines = [f"### {pair.old.id} → {pair.new.id}", "", counts, ""]
    if pair.flapped:
        lines += [f"> {len(pair.flapped)} removed operation(s) are part of a flap: likely a partial publish.", ""]
    if pair.ops_added:
        lines.append("- added: " + ", ".join(f"`{op}`" for op in pair.ops_added[:10])
                     + (f" and {len(pair.ops_added) - 10} more" if len(pair.ops_added) > 10 else ""))
    breaking = pair.result.breaking
    for change in breaking[:TOP_BREAKING]:
        flap = " *(flap)*" if change.operation in pair.flapped and change.id.startswith("api-") else ""
        reach = f" (+{len(change.operations) - 1} ops)" if len(change.operations) > 1 else ""
        lines.append(f"- **{change.id}** `{change.operation or 'document'}`{reach}: {change.message}{flap}")
    if len(breaking) > TOP_BREAKING:
        lines.append(f"- … {len(breaking) - TOP_BREAKING} more breaking changes in the full report")
    return lines + [""]


def render_changelog_html(changelog: Changelog) -> str:
    from .html import render_changelog_html as _render

    return _render(changelog)
