"""The night's one dashboard: a self-contained HTML page and a Markdown summary built from `nightly.json`.

Sections, in the order a reader triages: verdict; spec status (new/known/fixed validation errors); spec changes
since the last snapshot; contract findings (new/known/fixed, filterable, each with its response excerpt);
operations and latency; trends across nights, also per operation (from the history's `per_operation` points).
The contract run's own detailed dashboard is linked, not repeated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..render.html import FILTER_CSS, FILTER_SCRIPT, excerpt, filter_bar, item_attrs
from ..render.html import esc as _e
from ..render.text import md_code, md_text, one_line
from ..report.summary import pass_rate_text

MAX_ROWS = 200  # per table; the JSON keeps everything
TREND_NIGHTS = 30  # nights in the per-operation trend
TREND_OPS = 40  # operations in it: new findings first, then most findings, then slowest

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827;margin:0;background:#f9fafb}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.verdict{display:inline-block;padding:4px 12px;border-radius:6px;font-weight:700;color:#fff}
.pass{background:#16a34a}.fail{background:#dc2626}.incomplete{background:#d97706}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:#6b7280;font-size:12px}
.new{color:#dc2626}.known{color:#6b7280}.fixed{color:#16a34a}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6} code{font-size:12px;word-break:break-all}
.lvl-error{color:#dc2626;font-weight:600}.lvl-warning{color:#d97706}.lvl-info{color:#6b7280}
.muted{color:#6b7280} details{margin:4px 0} svg{margin:6px 0;background:#fff;border:1px solid #e5e7eb;border-radius:6px}
"""


def _cards(items: list[tuple[str, Any, str]]) -> str:
    cells = "".join(f'<div class="card"><b class="{cls}">{_e(v)}</b><span>{_e(k)}</span></div>' for k, v, cls in items)
    return f'<div class="cards">{cells}</div>'


def _table(headers: list[str], rows: list[list[str]], label: str = "rows", open_up_to: int = 15,
           row_attrs: Sequence[str] = ()) -> str:
    """A table, folded away behind its row count when long, capped at MAX_ROWS (the JSON keeps all).
    `row_attrs`: attributes per row (filter facets, see render.html.item_attrs)."""
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    attrs = list(row_attrs) + [""] * len(rows)
    body = "".join(f"<tr{attrs[i]}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                   for i, row in enumerate(rows[:MAX_ROWS]))
    tail = f'<p class="muted">{len(rows) - MAX_ROWS} more in nightly.json</p>' if len(rows) > MAX_ROWS else ""
    table = f"<table><tr>{head}</tr>{body}</table>{tail}"
    if len(rows) <= open_up_to:
        return table
    return f"<details><summary>{len(rows)} {_e(label)}</summary>{table}</details>"


def _spec_section(night: dict[str, Any]) -> str:
    spec = night["spec"]
    v = spec["validation"]
    out = ["<h2>Spec status</h2>"]
    snap = "new snapshot" if spec.get("snapshot_created") else "unchanged since the last snapshot"
    out.append(
        f'<p><code>{_e(spec.get("origin"))}</code> &rarr; snapshot <code>{_e(spec.get("snapshot_id"))}</code> '
        f'({snap}); {_e(spec.get("operations"))} operations, {_e(spec.get("schemas"))} schemas.</p>'
    )
    out += [f'<p class="muted">{_e(n)}</p>' for n in spec.get("notes") or []]
    out.append(_cards([("validation errors", v["total"], ""), ("new", v["new"], "new"),
                       ("known", v["known"], "known"), ("fixed", v["fixed"], "fixed")]))
    rows = [[f'<span class="{e["status"]}">{_e(e["status"])}</span>', f'<code>{_e(e.get("pointer"))}</code>',
             _e(one_line(e.get("message"))), f'<code>{_e(e.get("fingerprint"))}</code>']
            for e in v.get("new_errors", []) + v.get("fixed_errors", [])]
    if rows:
        out.append(_table(["status", "where", "error", "fingerprint"], rows, "new or fixed validation errors"))
    if v["new"]:
        out.append('<p class="muted">Accept the current errors as known: <code>vapi-contract spec validate SRC '
                   '--update-baseline</code> (writes specs/vapi/known-spec-errors.json).</p>')
    return "\n".join(out)


def _changes_section(night: dict[str, Any]) -> str:
    changes = night["spec_changes"]
    out = ["<h2>Spec changes since the last snapshot</h2>"]
    if changes.get("previous") is None:
        out.append('<p class="muted">first snapshot in the store: nothing to compare with yet.</p>')
        return "\n".join(out)
    s = changes["summary"]
    out.append(f'<p>compared with <code>{_e(changes["previous"])}</code>.</p>')
    out.append(_cards([("breaking (error)", s.get("error", 0), "new" if s.get("error") else ""),
                       ("possibly breaking", s.get("warning", 0), ""), ("info", s.get("info", 0), "known")]))
    rows = []
    for c in changes["changes"]:
        ops = c.get("operations") or []
        reach = f' <span class="muted">(+{len(ops) - 1} more)</span>' if len(ops) > 1 else ""
        rows.append([f'<span class="lvl-{_e(c["level"])}">{_e(c["level"])}</span>', f'<code>{_e(c["id"])}</code>',
                     _e(c.get("operation") or "(document)") + reach, _e(c.get("location")), _e(c.get("message"))])
    out.append(_table(["level", "rule", "operation", "location", "change"], rows, "changes"))
    return "\n".join(out)


def _findings_section(night: dict[str, Any]) -> str:
    contract = night["contract"]
    out = ["<h2>Contract findings</h2>"]
    if contract.get("problem"):
        out.append(f'<p class="new"><b>The contract run could not test:</b> {_e(contract["problem"])}</p>')
    c = contract["counts"]
    out.append(_cards([("new", c.get("new", 0), "new"), ("known (accepted)", c.get("known", 0), "known"),
                       ("fixed", c.get("fixed", 0), "fixed"), ("pass rate", pass_rate_text(contract.get("pass_rate")), ""),
                       ("success path exercised", _exercised(contract), ""),
                       ("operations with known findings", contract.get("known_operations") or 0, "known")]))
    if contract.get("dashboard"):
        out.append(f'<p>Full run report: <a href="{_e(contract["dashboard"])}">{_e(contract["dashboard"])}</a></p>')
    rows, attrs = [], []
    for f in contract.get("findings", []):
        repro = f'<details><summary>curl</summary><code>{_e(f.get("reproducer"))}</code></details>' \
            if f.get("reproducer") else ""
        response = (f.get("details") or {}).get("response") if isinstance(f.get("details"), dict) else None
        rows.append([f'<span class="{_e(f["status"])}">{_e(f["status"])}</span>', _e(f.get("classification")),
                     _e(f.get("operation")), _e(f.get("check")),
                     _e(one_line(f.get("message"), 240)) + excerpt(response) + repro])
        attrs.append(item_attrs(**{"class": f.get("classification"), "check": f.get("check"),
                                   "status": f.get("status")}))
    for f in contract.get("fixed", []):
        rows.append(['<span class="fixed">fixed</span>', "", _e(f.get("operation")), _e(f.get("check")),
                     _e(f.get("reason") or f.get("fingerprint"))])
        attrs.append(item_attrs(check=f.get("check"), status="fixed"))
    by_check: dict[str, int] = {}
    for f in contract.get("findings", []):
        if f.get("status") == "new":
            by_check[f.get("check", "?")] = by_check.get(f.get("check", "?"), 0) + 1
    if by_check:
        out.append("<p>New by check: " + ", ".join(f"<code>{_e(k)}</code> {v}" for k, v in
                                                  sorted(by_check.items(), key=lambda kv: -kv[1])) + "</p>")
    findings = contract.get("findings", [])
    if rows:
        out.append(filter_bar("night-findings", [
            ("class", "class", (f.get("classification") for f in findings)),
            ("check", "check", [f.get("check") for f in findings] + [f.get("check") for f in contract.get("fixed", [])]),
            ("status", "new/known/fixed", [f.get("status") for f in findings] + (["fixed"] if contract.get("fixed") else []))],
            search="search operation, message, response"))
    out.append('<div id="night-findings">' + _table(["status", "class", "operation", "check", "message"], rows,
                                                     "findings", open_up_to=25, row_attrs=attrs) + "</div>")
    if c.get("new"):
        out.append('<p class="muted">Accept a finding as known: <code>vapi-contract report accept FINGERPRINT '
                   '--reason "..." --owner TEAM --expires YYYY-MM-DD</code> (specs/vapi/accepted-findings.yaml).</p>')
    return "\n".join(out)


def _exercised(contract: dict[str, Any]) -> str:
    """`56/79` (operations with a checked 2xx / total), `n/a` for runs without coverage data or older nights."""
    return (contract.get("coverage") or {}).get("text") or "n/a"


def _coverage_section(night: dict[str, Any]) -> str:
    """Success-path coverage: the figure and every operation never exercised, with the reason."""
    coverage = night["contract"].get("coverage") or {}
    out = [f"<h2>Success-path coverage: {_e(_exercised(night['contract']))}</h2>"]
    if coverage.get("exercised") is None:
        out.append('<p class="muted">no coverage data for this run.</p>')
        return "\n".join(out)
    out.append('<p class="muted">operations whose documented success (2xx) answer was observed and checked, of the '
               "spec's operations. Never exercised:</p>")
    rows = [[f"<code>{_e(op.get('operation'))}</code>",
             _e(", ".join(f"{k} x{v}" for k, v in (op.get("statuses") or {}).items()) or "none"),
             _e(op.get("reason"))] for op in coverage.get("not_exercised") or []]
    out.append(_table(["operation", "statuses checked", "reason"], rows, "operations never exercised"))
    return "\n".join(out)


def _with_known(count: int | None) -> str:
    return f" ({count} operation(s) passing with known findings only)" if count else ""


def _latency_section(night: dict[str, Any]) -> str:
    from ..render.charts import bar_chart

    per_op = night["contract"].get("latency", {}).get("per_operation", {})
    slowest = sorted(per_op.items(), key=lambda kv: -(kv[1].get("p95") or 0))[:20]
    out = ["<h2>Latency</h2>"]
    ops = night["contract"].get("operation_counts") or {}
    if ops:
        out.append("<p>" + ", ".join(f"{_e(v)} {_e(k)}" for k, v in sorted(ops.items())) + " operations.</p>")
    out.append(bar_chart([(op, v.get("p50") or 0) for op, v in slowest], overlay=[(op, v["p95"]) for op, v in slowest
                         if v.get("p95") is not None], legend=("p50", "p95"), unit="ms",
                         title="Slowest operations (p50 in front of p95)",
                         budget=night["contract"].get("latency", {}).get("budget_ms")))
    return "\n".join(out)


def _trends_section(charts: list[str], nights: int) -> str:
    return "\n".join([f"<h2>Trends across nights ({nights})</h2>", *charts])


def _number(value: Any) -> float | None:
    """A figure from the (hand-editable) history: a finite number, else a gap."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def operation_points(night: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The night's per-operation figures for the history (`per_operation`): new and known findings, p95 ms.
    Zeros and unknowns are left out, so a quiet operation costs a few bytes a night."""
    points: dict[str, dict[str, float]] = {}
    for f in night["contract"].get("findings") or []:
        if f.get("status") in ("new", "known") and isinstance(f.get("operation"), str):
            point = points.setdefault(f["operation"], {})
            point[f["status"]] = point.get(f["status"], 0) + 1
    for op, latency in ((night["contract"].get("latency") or {}).get("per_operation") or {}).items():
        p95 = _number(latency.get("p95")) if isinstance(latency, dict) else None
        if p95 is not None:
            points.setdefault(op, {})["p95"] = round(p95, 1)
    return points


def _operation_trends(history: Sequence[dict[str, Any]]) -> str:
    """Per operation over the last TREND_NIGHTS nights: findings per night as bars, p95 as a line, the latest
    figures; nights recorded before per-operation points existed are gaps."""
    from ..render.charts import sparkline

    out = [f"<h2>Per-operation trend (last {min(len(history), TREND_NIGHTS)} nights)</h2>"]
    window = [n for n in history if isinstance(n, dict)][-TREND_NIGHTS:]
    recorded = [n.get("per_operation") if isinstance(n.get("per_operation"), dict) else None for n in window]
    if not any(recorded):
        out.append('<p class="muted">no per-operation figures in the history yet (recorded from this version on).'
                   "</p>")
        return "\n".join(out)

    def series(op: str, key: str) -> list[float | None]:
        values: list[float | None] = []
        for points in recorded:
            point = points.get(op) if points is not None else None
            point = point if isinstance(point, dict) else {}  # a hand-edited point that is not one: nothing
            if key == "findings":
                values.append(None if points is None else sum(_number(point.get(k)) or 0 for k in ("new", "known")))
            else:
                values.append(_number(point.get(key)))
        return values

    last = next((p for p in reversed(recorded) if p is not None), {})

    def latest(op: str, key: str) -> float:
        point = last.get(op)
        return (_number(point.get(key)) or 0) if isinstance(point, dict) else 0

    ops = sorted({op for points in recorded if points for op in points if isinstance(op, str)},
                 key=lambda op: (-latest(op, "new"), -(latest(op, "new") + latest(op, "known")),
                                 -sum(v or 0 for v in series(op, "findings")), -latest(op, "p95"), op))
    rows, attrs = [], []
    for op in ops[:TREND_OPS]:
        new, known, p95 = latest(op, "new"), latest(op, "known"), latest(op, "p95")
        rows.append([f"<code>{_e(op)}</code>",
                     sparkline(series(op, "findings"), bars=True, color="#dc2626" if new else "#6b7280",
                               title=f"{op}: findings per night"),
                     f'<span class="{"new" if new else "known"}">{new:.0f} new</span> / {known:.0f} known',
                     sparkline(series(op, "p95"), title=f"{op}: p95 ms per night"),
                     f"{p95:,.0f} ms" if p95 else ""])
        attrs.append(item_attrs(status="new" if new else "known" if known else "none"))
    more = f'<p class="muted">{len(ops) - TREND_OPS} more operations in history.json</p>' if len(ops) > TREND_OPS else ""
    out.append(filter_bar("operation-trends", [("status", "latest findings", ("new", "known", "none"))],
                          search="search operation"))
    out.append('<div id="operation-trends">' + _table(["operation", "findings per night", "latest", "p95 per night",
                                                        "latest p95"], rows, "operations", open_up_to=TREND_OPS,
                                                       row_attrs=attrs) + more + "</div>")
    return "\n".join(out)


def render_html(night: dict[str, Any], trend_charts: list[str], nights: int,
                history: Sequence[dict[str, Any]] = ()) -> str:
    """The night's page; `history`: the nights so far (this one included), for the per-operation trend."""
    verdict = night["verdict"]
    reasons = "".join(f"<li>{_e(r)}</li>" for r in night.get("reasons", []))
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>vapi-contract nightly {_e(night['night'])}</title><style>{CSS}{FILTER_CSS}</style></head><body><main>"
        f"<h1>Nightly {_e(night['night'])} <span class=\"verdict {_e(verdict)}\">{_e(verdict.upper())}</span></h1>"
        f"<p class=\"muted\">target {_e(night.get('target'))} &middot; finished {_e(night.get('finished_at'))}"
        f" &middot; {night.get('duration_s', 0):.0f}s &middot; exit {night.get('exit_code')}</p>"
        + (f"<ul>{reasons}</ul>" if reasons else "")
        + _spec_section(night) + _changes_section(night) + _findings_section(night) + _coverage_section(night)
        + _latency_section(night)
        + _trends_section(trend_charts, nights)
        + _operation_trends(history)
        + f"</main>{FILTER_SCRIPT}</body></html>\n"
    )


def render_markdown(night: dict[str, Any]) -> str:
    icon = {"pass": "✅", "fail": "❌"}.get(night["verdict"], "⚠️")
    spec, contract, changes = night["spec"], night["contract"], night["spec_changes"]
    v, c = spec["validation"], contract["counts"]
    lines = [
        f"## {icon} vapi-contract nightly {night['night']}: **{night['verdict'].upper()}**", "",
        *[f"- {md_text(r)}" for r in night.get("reasons", [])], "",
        "| | new | known | fixed |", "|---|---|---|---|",
        f"| spec validation errors | {v['new']} | {v['known']} | {v['fixed']} |",
        f"| contract findings | {c.get('new', 0)} | {c.get('known', 0)} | {c.get('fixed', 0)} |", "",
        (f"Spec `{spec.get('snapshot_id')}` ({'new snapshot' if spec.get('snapshot_created') else 'unchanged'}); "
        f"pass rate {pass_rate_text(contract.get('pass_rate'))}"
        f"{_with_known(contract.get('known_operations'))}; success path exercised {_exercised(contract)}."),
    ]
    if changes.get("previous"):
        s = changes["summary"]
        lines.append(f"Changes since `{changes['previous']}`: {s.get('error', 0)} breaking, "
                     f"{s.get('warning', 0)} possibly breaking, {s.get('info', 0)} info.")
    new = [f for f in contract.get("findings", []) if f.get("status") == "new"]
    if new:
        lines += ["", "### New findings", "| class | operation | check | message |", "|---|---|---|---|"]
        lines += [f"| {md_text(f.get('classification'))} | {md_code(f.get('operation'))} | {md_text(f.get('check'))} | "
                  f"{md_text(f.get('message'), 160)} |" for f in new[:50]]
    return "\n".join(lines) + "\n"
