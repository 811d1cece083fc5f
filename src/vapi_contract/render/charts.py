"""Tiny dependency-free charts as inline SVG strings, for self-contained HTML reports.

Used by the run dashboard (report), the spec changelog (diff) and the nightly page (pipelines). Every function returns one
`<svg>` element (no scripts, no external fonts or styles) that scales with its container via `viewBox`; each
data point carries a `<title>` so hovering shows its exact value. All text is XML-escaped.

- `line_chart(series, *, title, markers=(), ...)`: values over time (or over ordered labels) with vertical
  event markers, e.g. p95 latency per night with "spec 2026-04-22" markers.
- `column_chart(series, *, title, markers=(), ...)`: discrete counts per night or version as vertical bars.
- `bar_chart(items, *, title, overlay=None, ...)`: horizontal bars, optionally with a second value drawn
  as a lighter bar behind (p50 in front of p95).
- `sparkline(values, ...)`: a word-sized trend line without axes.
- `stacked_bar(parts, ...)`: one horizontal bar split in coloured parts (status mix).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence

from .html import esc as _e
from .labels import axis_candidates, place_labels

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563")
FONT = "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\""
AXIS = "#9ca3af"
GRID = "#e5e7eb"
TEXT = "#374151"
MARKER_ROWS = 3  # rows of event-marker labels at the top of a plot; more would hide the data


def _fmt(value: float, unit: str = "") -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000 and unit != "%":
        text = f"{value:,.0f}"
    elif abs(value) >= 100 or float(value).is_integer():
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}{' ' if unit and unit != '%' else ''}{unit}"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1/2/5 x 10^n steps)."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _parse_time(text: str) -> _dt.datetime | None:
    try:
        value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title)}" style="max-width:100%;height:auto" {FONT}>'
        f"<title>{_e(title)}</title>"
    )


def _empty(width: int, height: int, title: str, message: str = "no data") -> str:
    return (
        _svg_open(width, height, title)
        + f'<text x="12" y="20" font-size="13" font-weight="600" fill="{TEXT}">{_e(title)}</text>'
        + f'<text x="{width / 2}" y="{height / 2}" font-size="12" fill="{AXIS}" text-anchor="middle">'
        + f"{_e(message)}</text></svg>"
    )


def line_chart(
    series: Mapping[str, Sequence[tuple[str, float]]],
    *,
    title: str,
    markers: Sequence[tuple[str, str]] = (),
    width: int = 720,
    height: int = 260,
    unit: str = "",
    y_min: float | None = 0.0,
) -> str:
    """Lines of `(x, value)` points, one per named series, with a legend and vertical markers.

    `x` values are ISO 8601 dates/timestamps (then spaced proportionally in time) or any other labels (then
    evenly spaced in first-seen order). `markers` are `(x, label)` pairs drawn as dashed vertical lines, e.g.
    `[("2026-04-22", "spec 7dc5137")]`. `y_min=None` lets the axis start at the smallest value instead of 0.
    Points whose value is None or NaN are gaps in the line.
    """
    points = {name: [(str(x), v) for x, v in values] for name, values in series.items()}
    all_x = [x for values in points.values() for x, _ in values]
    values = [v for vs in points.values() for _, v in vs if v is not None and not math.isnan(v)]
    if not all_x or not values:
        return _empty(width, height, title)

    times = {x: _parse_time(x) for x in set(all_x) | {m[0] for m in markers}}
    time_axis = all(times[x] is not None for x in all_x)
    left, right, top, bottom = 56, 16, 34, 44 + 18 * math.ceil(len(points) / 4)
    plot_w, plot_h = width - left - right, height - top - bottom
    if time_axis:
        stamps = sorted(times[x].timestamp() for x in all_x)  # type: ignore[union-attr]
        t0, t1 = stamps[0], stamps[-1]
        span = (t1 - t0) or 1.0

        def x_of(x: str) -> float | None:
            t = times.get(x)
            if t is None:
                return None
            pos = (t.timestamp() - t0) / span if t1 > t0 else 0.5
            return left + plot_w * pos if -0.001 <= pos <= 1.001 else None

        ordered = sorted(set(all_x), key=lambda x: times[x].timestamp())  # type: ignore[union-attr]
    else:
        ordered = list(dict.fromkeys(all_x))
        index = {x: i for i, x in enumerate(ordered)}

        def x_of(x: str) -> float | None:
            if x not in index:
                return None
            return left + (plot_w * index[x] / (len(ordered) - 1) if len(ordered) > 1 else plot_w / 2)

    low = min(values) if y_min is None else min(y_min, min(values))
    ticks = _nice_ticks(low, max(values))
    y0, y1 = ticks[0], ticks[-1]

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - y0) / ((y1 - y0) or 1))

    out = [_svg_open(width, height, title)]
    out.append(f'<text x="{left}" y="20" font-size="13" font-weight="600" fill="{TEXT}">{_e(title)}</text>')
    for tick in ticks:
        y = y_of(tick)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="{AXIS}" text-anchor="end">'
                   f"{_e(_fmt(tick, unit))}</text>")
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
               f'stroke="{AXIS}"/>')
    out += _x_labels([(x_of(x), x) for x in ordered], time_axis, top + plot_h + 16, width)
    out += _markers([(x_of(str(mx)), str(mx), label) for mx, label in markers], top, plot_h, left, left + plot_w)
    for i, (name, pts) in enumerate(points.items()):
        color = PALETTE[i % len(PALETTE)]
        xy = sorted(((x_of(x), v, x) for x, v in pts), key=lambda p: (p[0] is None, p[0] or 0))
        segments: list[list[str]] = [[]]
        for px, v, _x in xy:
            if px is None or v is None or math.isnan(v):
                segments.append([])
                continue
            segments[-1].append(f"{px:.1f},{y_of(v):.1f}")
        for seg in segments:
            if len(seg) > 1:
                out.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{color}" '
                           f'stroke-width="2" stroke-linejoin="round"/>')
        radius = 3 if len(pts) <= 60 else 1.5
        for px, v, x in xy:
            if px is None or v is None or math.isnan(v):
                continue
            out.append(f'<circle cx="{px:.1f}" cy="{y_of(v):.1f}" r="{radius}" fill="{color}">'
                       f"<title>{_e(name)} @ {_e(x)}: {_e(_fmt(v, unit))}</title></circle>")
        lx = left + (i % 4) * (plot_w / 4)
        ly = top + plot_h + 34 + 18 * (i // 4)
        out.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="12" height="4" rx="1" fill="{color}"/>'
                   f'<text x="{lx + 16:.1f}" y="{ly - 4}" font-size="11" fill="{TEXT}">{_e(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def column_chart(
    series: Mapping[str, Sequence[tuple[str, float | None]]],
    *,
    title: str,
    markers: Sequence[tuple[str, str]] = (),
    width: int = 720,
    height: int = 260,
    unit: str = "",
) -> str:
    """Discrete counts as vertical bars: one slot per x (nights, versions), one bar per named series in it.

    Slots are evenly spaced in x order (ISO dates sorted in time, other labels in first-seen order): a count
    belongs to its night, there is nothing to interpolate between two. Y ticks are whole numbers. A value of
    None is no bar (a gap); 0 is no bar either, but both keep their slot. `markers` are `(x, label)` dashed
    lines at a slot, labelled where there is room (see `line_chart`).
    """
    points = {name: [(str(x), v) for x, v in values] for name, values in series.items()}
    all_x = [x for values in points.values() for x, _ in values]
    values = [v for vs in points.values() for _, v in vs if v is not None and not math.isnan(v)]
    if not all_x or not values:
        return _empty(width, height, title)
    times = {x: _parse_time(x) for x in set(all_x)}
    time_axis = all(times[x] is not None for x in all_x)
    ordered = sorted(set(all_x), key=lambda x: times[x]) if time_axis else list(dict.fromkeys(all_x))
    left, right, top, bottom = 56, 16, 34, 44 + 18 * math.ceil(len(points) / 4)
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(ordered)
    index = {x: i for i, x in enumerate(ordered)}

    def x_of(x: str) -> float | None:
        return left + slot * (index[x] + 0.5) if x in index else None

    high = max(max(values), 1)
    step = max(1, math.ceil(high / 5))
    ticks = [step * i for i in range(math.ceil(high / step) + 1)]

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v / ticks[-1])

    out = [_svg_open(width, height, title),
           f'<text x="{left}" y="20" font-size="13" font-weight="600" fill="{TEXT}">{_e(title)}</text>']
    for tick in ticks:
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y_of(tick):.1f}" y2="{y_of(tick):.1f}" '
                   f'stroke="{GRID}"/><text x="{left - 6}" y="{y_of(tick) + 4:.1f}" font-size="11" fill="{AXIS}" '
                   f'text-anchor="end">{_e(_fmt(tick, unit))}</text>')
    out += _x_labels([(x_of(x), x) for x in ordered], time_axis, top + plot_h + 16, width)
    bar_w = max(slot * 0.8 / len(points), 1.0)
    for i, (name, pts) in enumerate(points.items()):
        color = PALETTE[i % len(PALETTE)]
        for x, v in pts:
            if v is None or math.isnan(v) or v <= 0:
                continue
            bx = x_of(x) - slot * 0.4 + i * bar_w  # type: ignore[operator]
            out.append(f'<rect x="{bx:.1f}" y="{y_of(v):.1f}" width="{bar_w:.1f}" height="{y_of(0) - y_of(v):.1f}" '
                       f'fill="{color}"><title>{_e(name)} @ {_e(x)}: {_e(_fmt(v, unit))}</title></rect>')
        lx, ly = left + (i % 4) * (plot_w / 4), top + plot_h + 34 + 18 * (i // 4)
        out.append(f'<rect x="{lx:.1f}" y="{ly - 11}" width="10" height="10" rx="2" fill="{color}"/>'
                   f'<text x="{lx + 14:.1f}" y="{ly - 2}" font-size="11" fill="{TEXT}">{_e(name)}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    out += _markers([(x_of(str(mx)), str(mx), label) for mx, label in markers], top, plot_h, left, left + plot_w)
    out.append("</svg>")
    return "".join(out)


def _x_labels(positions: Sequence[tuple[float | None, str]], time_axis: bool, y: float, width: int) -> list[str]:
    """Axis labels that fit without touching each other (both ends first); dates shortened to YYYY-MM-DD."""
    wanted = [(px, x[:10] if time_axis else (x if len(x) <= 14 else x[:13] + "\u2026"))
              for px, x in positions if px is not None]
    return [f'<text x="{p.x:.1f}" y="{y}" font-size="11" fill="{AXIS}" text-anchor="{p.anchor}">{_e(p.text)}</text>'
            for p in place_labels(axis_candidates(wanted), lo=4, hi=width - 4) if p is not None]


def _markers(markers: Sequence[tuple[float | None, str, str]], top: float, plot_h: float, lo: float,
             hi: float) -> list[str]:
    """Dashed event lines `(px, x, label)`, each with its tooltip; labels in up to MARKER_ROWS rows, claimed in
    the given order (most important first): a label with no room left is not written, its line and tooltip stay."""
    drawn = [(px, x, label) for px, x, label in markers if px is not None]
    spots = place_labels([(px + 3, label) for px, _, label in drawn], lo=lo, hi=hi, rows=MARKER_ROWS,
                         anchor="start", char_w=5.7)
    out = []
    for (px, x, label), spot in zip(drawn, spots):
        text = "" if spot is None else (
            f'<text x="{spot.x:.1f}" y="{top + 10 + 11 * spot.row}" font-size="10" fill="#b45309" '
            f'text-anchor="{spot.anchor}">{_e(label)}</text>')
        out.append(f'<g><title>{_e(label)} ({_e(x)})</title>'
                   f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#f59e0b" '
                   f'stroke-width="1.5" stroke-dasharray="4 3"/>{text}</g>')
    return out


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    overlay: Sequence[tuple[str, float]] | None = None,
    legend: tuple[str, str] | None = None,
    width: int = 720,
    color: str = PALETTE[0],
    budget: float | None = None,
) -> str:
    """Horizontal bars, one row per `(label, value)`, in the given order.

    `overlay`: optional `(label, value)` pairs (same labels) drawn as a lighter, thinner bar behind the main
    one, e.g. `items` = p50 and `overlay` = p95; `legend` names the two (`("p50", "p95")`). `budget` draws a
    dashed vertical line at that value (a latency budget). Height grows with the number of rows.
    """
    if not items:
        return _empty(width, 80, title)
    extra = dict(overlay or ())
    row_h = 22
    label_w = min(300, max(60, int(6.6 * max(len(label) for label, _ in items)) + 8))
    left, right, top = label_w + 12, 70, 34 + (18 if legend else 0)
    height = top + row_h * len(items) + 28
    plot_w = width - left - right
    observed = max([v for _, v in items] + list(extra.values()) + [0]) or 1.0
    # A budget far above every value would squash the bars: then it is named in the title, not drawn.
    on_scale = bool(budget) and budget <= observed * 1.5  # type: ignore[operator]
    peak = max(observed, budget if on_scale else 0)  # type: ignore[type-var]
    if budget and not on_scale:
        title = f"{title} \u00b7 all under the {_fmt(budget, unit)} budget"
    ticks = _nice_ticks(0, peak, 4)
    scale = plot_w / (ticks[-1] or 1)
    light = color + "55"

    out = [_svg_open(width, height, title)]
    out.append(f'<text x="12" y="20" font-size="13" font-weight="600" fill="{TEXT}">{_e(title)}</text>')
    if legend:
        names = legend if overlay else legend[:1]
        for i, (name, fill) in enumerate(zip(names, (color, light))):
            lx = left + i * 90
            out.append(f'<rect x="{lx}" y="30" width="12" height="10" rx="2" fill="{fill}"/>'
                       f'<text x="{lx + 16}" y="39" font-size="11" fill="{TEXT}">{_e(name)}</text>')
    for tick in ticks:
        x = left + tick * scale
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{top + row_h * len(items)}" '
                   f'stroke="{GRID}"/>')
        out.append(f'<text x="{x:.1f}" y="{top + row_h * len(items) + 16}" font-size="11" fill="{AXIS}" '
                   f'text-anchor="middle">{_e(_fmt(tick, unit))}</text>')
    for row, (label, value) in enumerate(items):
        y = top + row * row_h
        shown = label if len(label) * 6.6 <= label_w else label[: int(label_w / 6.6) - 1] + "\u2026"
        second = extra.get(label)
        tip = f"{label}: {_fmt(value, unit)}" + (f" / {_fmt(second, unit)}" if second is not None else "")
        out.append(f"<g><title>{_e(tip)}</title>")
        out.append(f'<text x="{left - 8}" y="{y + 15}" font-size="11.5" fill="{TEXT}" text-anchor="end">'
                   f"{_e(shown)}</text>")
        if second is not None:
            out.append(f'<rect x="{left}" y="{y + 3}" width="{max(second * scale, 1):.1f}" height="{row_h - 6}" '
                       f'rx="2" fill="{light}"/>')
        out.append(f'<rect x="{left}" y="{y + 6}" width="{max(value * scale, 1):.1f}" height="{row_h - 12}" '
                   f'rx="2" fill="{color}"/>')
        end = max(value, second or 0) * scale
        text = _fmt(value, unit) + (f" / {_fmt(second, unit)}" if second is not None else "")
        out.append(f'<text x="{left + end + 5:.1f}" y="{y + 15}" font-size="10.5" fill="{TEXT}">{_e(text)}</text>')
        out.append("</g>")
    if budget and on_scale:
        x = left + budget * scale
        out.append(f'<g><title>budget {_e(_fmt(budget, unit))}</title><line x1="{x:.1f}" x2="{x:.1f}" '
                   f'y1="{top - 4}" y2="{top + row_h * len(items)}" stroke="#dc2626" stroke-dasharray="4 3"/>'
                   f'<text x="{x + 3:.1f}" y="{top + 6}" font-size="10" fill="#dc2626">budget</text></g>')
    out.append("</svg>")
    return "".join(out)


def sparkline(
    values: Sequence[float | None], *, width: int = 120, height: int = 24, color: str = PALETTE[0], title: str = "",
    bars: bool = False,
) -> str:
    """A small axis-less trend line, the last point dotted; `bars=True`: one bar per value from 0 (counts).
    None values are skipped (gaps)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    label = title or "trend"
    if not pts:
        return _empty(width, height, label, "")
    low, high = (0.0 if bars else min(v for _, v in pts)), max(v for _, v in pts)
    span = (high - low) or 1.0
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 2 + (width - 4) * i / n, height - 2 - (height - 4) * (v - low) / span

    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{_e(label)}"><title>{_e(label)}: '
            f'{_e(", ".join(_fmt(v) for _, v in pts))}</title>')
    if bars:
        w = max((width - 4) / len(values) * 0.75, 1.0)
        x0 = lambda i: 2 + (width - 4) * (i + 0.125) / len(values)
        rects = "".join(f'<rect x="{x0(i):.1f}" y="{xy(i, v)[1]:.1f}" width="{w:.1f}" '
                        f'height="{height - 2 - xy(i, v)[1]:.1f}" fill="{color}"/>' for i, v in pts if v > 0)
        return f'{head}<line x1="2" x2="{width - 2}" y1="{height - 1.5}" y2="{height - 1.5}" stroke="{GRID}"/>' \
               f"{rects}</svg>"
    coords = [xy(i, v) for i, v in pts]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    lx, ly = coords[-1]
    return (f'{head}<polyline points="{line}" fill="none" stroke="{color}" stroke-width="1.5"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2" fill="{color}"/></svg>')


def stacked_bar(
    parts: Sequence[tuple[str, float, str]], *, width: int = 720, height: int = 18, title: str = ""
) -> str:
    """One bar split into `(label, value, colour)` parts proportional to value; zero parts are omitted."""
    total = sum(v for _, v, _ in parts if v > 0)
    label = title or "breakdown"
    if not total:
        return _empty(width, height, label, "")
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{_e(label)}" style="max-width:100%;height:auto">'
           f"<title>{_e(label)}</title>")]
    x = 0.0
    for name, value, fill in parts:
        if value <= 0:
            continue
        w = width * value / total
        out.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{_e(fill)}">'
                   f"<title>{_e(name)}: {_e(_fmt(value))} ({100 * value / total:.0f}%)</title></rect>")
        x += w
    out.append("</svg>")
    return "".join(out)
