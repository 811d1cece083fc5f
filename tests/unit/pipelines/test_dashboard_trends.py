"""The night's page: filterable findings with response excerpts, a per-operation trend from the history, counts
drawn as bars."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from vapi_contract.pipelines import history
from vapi_contract.pipelines.dashboard import TREND_OPS, operation_points, render_html

NS = "{http://www.w3.org/2000/svg}"
EVIL = '"><script>alert(1)</script>'


def night(day: str, findings: list[dict], latency: dict[str, float]) -> dict:
    counts = {s: sum(f["status"] == s for f in findings) for s in ("new", "known")}
    return {
        "night": day, "verdict": "fail" if counts["new"] else "pass", "reasons": [], "target": "twin",
        "finished_at": f"{day}T03:00:00Z", "duration_s": 60, "exit_code": 1 if counts["new"] else 0,
        "spec": {"origin": "mirror", "snapshot_id": "s1", "snapshot_created": False, "operations": 3, "schemas": 9,
                 "validation": {"total": 0, "new": 0, "known": 0, "fixed": 0}},
        "spec_changes": {"previous": None},
        "contract": {"counts": {**counts, "fixed": 0}, "pass_rate": 100.0, "findings": findings,
                     "fixed": [{"operation": "GET /old", "check": "gone_check", "fingerprint": "f" * 16}],
                     "latency": {"per_operation": {op: {"p50": 1.0, "p95": v} for op, v in latency.items()},
                                 "budget_ms": None}},
    }


def finding(op: str, status: str, check: str = "not_a_server_error", response: str | None = None) -> dict:
    return {"operation": op, "status": status, "classification": "server-bug", "check": check,
            "message": "boom", "fingerprint": "a" * 16, "details": {"response": response} if response else {}}


class Rows(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.rows: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and "data-item" in dict(attrs):
            self.rows.append(dict(attrs))


def test_operation_points_keep_counts_and_p95_only_where_there_is_something():
    n = night("2026-11-21", [finding("POST /a", "new"), finding("POST /a", "known"), finding("POST /a", "new"),
                             finding("GET /b", "fixed")], {"POST /a": 12.345, "GET /c": float("nan")})
    assert operation_points(n) == {"POST /a": {"new": 2, "known": 1, "p95": 12.3}}


def test_findings_are_filterable_rows_with_escaped_response_excerpts():
    n = night("2026-11-21", [finding("POST /a", "new", response='HTTP 500 application/json: {"m": "<b>x</b>"}'),
                             finding("GET /b" + EVIL, "known", check="c" + EVIL)], {})
    html = render_html(n, [], 1, history=[])
    rows = Rows(html).rows
    assert [(r["data-status"], r.get("data-check")) for r in rows] == [
        ("new", "not_a_server_error"), ("known", "c" + EVIL), ("fixed", "gone_check")]
    assert 'data-filters="night-findings"' in html and '<div id="night-findings">' in html
    assert '{&quot;m&quot;: &quot;&lt;b&gt;x&lt;/b&gt;&quot;}</div>' in html
    assert "<script>alert" not in html and html.count("<script>") == 1
    assert "no per-operation figures in the history yet" in html


def test_per_operation_trend_from_the_history(tmp_path):
    path = tmp_path / "history.json"
    nights = []
    for day in range(1, 6):
        findings = [finding("POST /a", "known")] + ([finding("GET /b", "new")] if day == 5 else [])
        n = night(f"2026-11-0{day}", findings, {"POST /a": 10.0 * day, "GET /b": 5.0, "GET /c": 1.0})
        entry = {"night": n["night"], "findings": n["contract"]["counts"], "per_operation": operation_points(n)}
        if day == 1:
            del entry["per_operation"]  # a night recorded before per-operation points
        nights = history.append(path, entry)
    html = render_html(n, history.charts(nights), len(nights), history=nights)
    section = html.split("<h2>Per-operation trend (last 5 nights)</h2>", 1)[1]
    ops = re.findall(r"<tr data-item[^>]*><td><code>([^<]+)</code>", section)
    assert ops == ["GET /b", "POST /a", "GET /c"]  # new findings first, then the most findings, then the slowest
    row_a = section.split("<code>POST /a</code>", 1)[1].split("</tr>", 1)[0]
    bars, line = [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", row_a, re.DOTALL)]
    assert len(list(bars.iter(f"{NS}rect"))) == 4 and not list(bars.iter(f"{NS}polyline"))  # night 1: a gap
    assert bars.find(f"{NS}title").text == "POST /a: findings per night: 1, 1, 1, 1"
    assert line.find(f"{NS}title").text.endswith("20, 30, 40, 50")
    assert "0 new</span> / 1 known" in row_a and "50 ms" in row_a
    # the night's findings chart draws its counts as bars
    findings_chart = ET.fromstring(re.search(r"<svg .*?</svg>", html.split("Trends across nights", 1)[1],
                                             re.DOTALL).group(0))
    assert findings_chart.find(f"{NS}title").text == "Contract findings per night"
    assert list(findings_chart.iter(f"{NS}rect")) and not list(findings_chart.iter(f"{NS}polyline"))


def test_the_trend_is_capped_and_survives_hand_edited_points():
    nights = [{"night": "2026-11-01", "per_operation": {f"GET /op{i}": {"new": 1, "p95": "fast"} for i in
                                                        range(TREND_OPS + 5)} | {"GET /x": "broken"}}]
    html = render_html(night("2026-11-01", [], {}), [], 1, history=nights)
    assert "6 more operations in history.json" in html  # 45 + the broken one
    assert len(re.findall(r"<tr data-item", html.split("Per-operation trend", 1)[1])) == TREND_OPS
