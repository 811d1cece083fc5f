"""Chart labels never overprint each other; discrete counts are bars."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from vapi_contract.render.charts import column_chart, line_chart
from vapi_contract.render.labels import axis_candidates, place_labels, text_width

NS = "{http://www.w3.org/2000/svg}"


def _overlap(a, b, gap=0.0) -> bool:
    return a.row == b.row and not (a.right + gap <= b.left or b.right + gap <= a.left)


def test_crowded_labels_keep_the_important_ones_and_never_overlap():
    wanted = [(100 + i * 3.0, f"{i} breaking") for i in range(80)]  # 80 versions in 240 px
    placed = place_labels(wanted, lo=0, hi=700, rows=3, anchor="start")
    kept = [p for p in placed if p is not None]
    assert len(placed) == len(wanted) and placed[0] is not None and placed[0].text == "0 breaking"
    assert 3 <= len(kept) < 80
    assert {p.row for p in kept} == {0, 1, 2}
    for i, a in enumerate(kept):
        assert 0 <= a.left and a.right <= 700
        assert all(not _overlap(a, b, gap=6.0) for b in kept[i + 1:])


def test_labels_at_the_edges_are_moved_inside_and_empty_labels_take_no_room():
    placed = place_labels([(2.0, "2026-01-01"), (698.0, "2026-12-31"), (350.0, "")], lo=4, hi=696)
    first, last, empty = placed
    assert first.anchor == "start" and first.left == 4 and first.x == 4
    assert last.anchor == "end" and last.right == 696 and last.x == 696
    assert empty is None
    assert text_width("2026-01-01") > 50


def test_axis_keeps_both_ends_first():
    positions = [(float(i), str(i)) for i in range(5)]
    assert [t for _, t in axis_candidates(positions)] == ["4", "0", "1", "2", "3"]


def _texts(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{NS}text"))


def _boxes_overlap(a: ET.Element, b: ET.Element) -> bool:
    def box(el):
        x, w = float(el.get("x")), len(el.text or "") * 5.5
        anchor = el.get("text-anchor") or "start"
        left = x - w / 2 if anchor == "middle" else x if anchor == "start" else x - w
        return left, left + w

    if a.get("y") != b.get("y"):
        return False
    (al, ar), (bl, br) = box(a), box(b)
    return not (ar <= bl or br <= al)


def test_a_changelog_like_chart_with_many_markers_draws_every_line_and_no_colliding_label():
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=3 * i)).isoformat() for i in range(90)]
    markers = [(d, f"{40 - i % 40} breaking") for i, d in enumerate(days) if i % 2 == 0]
    svg = line_chart({"operations": [(d, 100 + i) for i, d in enumerate(days)]}, title="ops", markers=markers,
                     width=1080)
    root = ET.fromstring(svg)
    dashed = [el for el in root.iter(f"{NS}line") if el.get("stroke-dasharray")]
    assert len(dashed) == len(markers)  # every marker keeps its line (and tooltip)
    texts = [t for t in _texts(svg) if t.text and ("breaking" in t.text or t.text.startswith("20"))]
    assert any("breaking" in t.text for t in texts) and any(t.text.startswith("2024") for t in texts)
    for i, a in enumerate(texts):
        assert all(not _boxes_overlap(a, b) for b in texts[i + 1:]), a.text


def test_counts_are_bars_on_whole_number_ticks():
    nights = [f"2026-11-{d:02d}" for d in range(1, 8)]
    svg = column_chart({"new findings": [(n, v) for n, v in zip(nights, [0, 1, 3, None, 2, 0, 1])],
                        "known findings": [(n, 5) for n in nights]}, title="Findings <per> night")
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{NS}polyline"))
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    titles = [r.find(f"{NS}title").text for r in bars]
    assert len(bars) == 4 + 7 and "new findings @ 2026-11-03: 3" in titles
    heights = {r.find(f"{NS}title").text: float(r.get("height")) for r in bars}
    assert abs(heights["new findings @ 2026-11-03: 3"] / heights["new findings @ 2026-11-02: 1"] - 3) < 0.01
    ticks = [t.text for t in _texts(svg) if t.get("text-anchor") == "end" and t.text.isdigit()]
    assert ticks == [str(i) for i in range(len(ticks))]  # 0, 1, 2, ...: no 0.5 findings
    assert "Findings &lt;per&gt; night" in svg
    assert "no data" in column_chart({"x": []}, title="t")
