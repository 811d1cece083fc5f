import xml.etree.ElementTree as ET

from vapi_contract.render.charts import bar_chart, line_chart, sparkline, stacked_bar

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML or this raises
    assert root.tag == f"{NS}svg"
    return root


def _circles(root):
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{NS}circle")]


def test_line_chart_time_axis_is_proportional_and_markers_land_between_points():
    svg = line_chart(
        {"p95 ms": [("2026-01-01", 100.0), ("2026-01-02", 200.0), ("2026-01-11", 150.0)]},
        title="Latency <nightly>",
        markers=[("2026-01-06T12:00:00Z", "spec a1b2c3")],
    )
    root = _parse(svg)
    xs = [x for x, _ in _circles(root)]
    assert xs == sorted(xs)
    # Day 1 -> day 2 is one tenth of the span day 1 -> day 11.
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[0]) - 0.1) < 0.01
    marker_lines = [el for el in root.iter(f"{NS}line") if el.get("stroke-dasharray")]
    assert len(marker_lines) == 1
    mx = float(marker_lines[0].get("x1"))
    assert abs((mx - xs[0]) / (xs[2] - xs[0]) - 0.55) < 0.01
    assert "Latency &lt;nightly&gt;" in svg
    # Higher values sit higher on the page (smaller y).
    ys = [y for _, y in _circles(root)]
    assert ys[1] < ys[2] < ys[0]


def test_line_chart_categorical_axis_multiple_series_and_gaps():
    svg = line_chart(
        {"a": [("v1", 1), ("v2", None), ("v3", 3)], "b": [("v1", 2), ("v2", 2), ("v3", 2)]},
        title="t",
    )
    root = _parse(svg)
    assert len(_circles(root)) == 5
    polylines = list(root.iter(f"{NS}polyline"))
    assert len(polylines) == 1  # series a is broken by its gap into single points; b is one line
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert "b @ v2: 2" in titles


def test_empty_charts_say_no_data():
    assert "no data" in line_chart({}, title="x")
    assert "no data" in bar_chart([], title="x")
    _parse(sparkline([]))
    _parse(stacked_bar([("a", 0, "#000")]))


def test_bar_chart_overlay_budget_and_long_labels():
    items = [("GET /assistant/{id}", 12.5), ("POST /squad-with-a-very-long-name/and/more/segments/x/y/z", 80.0)]
    svg = bar_chart(items, title="Latency", unit="ms", overlay=[("GET /assistant/{id}", 40.0)],
                    legend=("p50", "p95"), budget=500)
    root = _parse(svg)
    rects = [r for g in root.iter(f"{NS}g") for r in g.iter(f"{NS}rect")]  # legend swatches sit outside groups
    widths = [float(r.get("width")) for r in rects]
    assert len(widths) == 3  # two main bars plus one overlay
    assert "GET /assistant/{id}: 12.5 ms / 40 ms" in svg
    assert "\u2026" in svg  # long label shortened, full label kept in the tooltip
    assert "POST /squad-with-a-very-long-name/and/more/segments/x/y/z: 80 ms" in svg


def test_sparkline_and_stacked_bar_proportions():
    root = _parse(sparkline([1, 2, None, 4], title="p95"))
    assert len(list(root.iter(f"{NS}circle"))) == 1
    root = _parse(stacked_bar([("passed", 3, "#16a34a"), ("failed", 1, "#dc2626")], width=400))
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert widths == [300.0, 100.0]


def test_budget_is_drawn_when_on_scale_and_named_when_far_above():
    near = _parse(bar_chart([("GET /tool", 90.0)], title="p95", unit="ms", budget=100))
    assert [g.find(f"{NS}title").text for g in near.iter(f"{NS}g")][-1] == "budget 100 ms"
    far = bar_chart([("GET /tool", 9.0)], title="p95", unit="ms", budget=800)
    assert "budget 800 ms" not in far and "all under the 800 ms budget" in far
