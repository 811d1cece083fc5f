"""`index.html`: one self-contained dashboard (inline CSS, SVG and a small filter script; no external assets:
it works offline)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from ..render.charts import bar_chart, stacked_bar
from ..render.html import FILTER_CSS, FILTER_SCRIPT, excerpt, filter_bar, item_attrs
from ..render.html import esc as _e
from .accepting import accept_command
from .coverage import by_family, exercised_text
from .summary import pass_rate_text

OUTCOME_COLOURS = {
    "passed": "#16a34a", "failed": "#dc2626", "known": "#d97706", "skipped": "#9ca3af",
    "error": "#7c3aed", "timeout": "#db2777", "unfinished": "#4b5563",
}
OUTCOME_LABELS = {
    "passed": "passed", "failed": "new findings", "known": "passed, known findings only", "skipped": "skipped",
    "error": "error", "timeout": "timed out", "unfinished": "did not finish",
}
CLASS_INFO = {
    "server-bug": ("Server bugs", "The API breaks its own spec."),
    "spec-gap": ("Spec gaps", "The API behaves sensibly but the spec does not document it."),
    "infra": ("Infrastructure", "Timeouts, resets, 429s, 5xx bursts that persisted after retries."),
}
VERDICT_STYLE = {"pass": ("PASS", "#16a34a"), "fail": ("FAIL", "#dc2626"), "incomplete": ("INCOMPLETE", "#d97706")}
MAX_LATENCY_ROWS = 30
SEP = " \u00b7 "

CSS = """
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;
color:#1f2937;background:#f3f4f6}a{color:#2563eb;text-decoration:none}a:hover{text-decoration:underline}
header{background:#111827;color:#f9fafb;padding:18px 28px}header h1{margin:0;font-size:20px;font-weight:650}
header .meta{color:#9ca3af;font-size:12.5px;margin-top:4px}header code{color:#e5e7eb}
.verdict{display:inline-block;padding:2px 10px;border-radius:999px;font-size:13px;font-weight:700;color:#fff;
margin-left:10px;vertical-align:2px}main{max-width:1280px;margin:0 auto;padding:20px 28px 40px}
section{background:#fff;border-radius:10px;box-shadow:0 1px 2px rgba(0,0,0,.06);padding:16px 20px;
margin-bottom:18px}h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:14px 0 6px}
.muted{color:#6b7280}.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(118px,1fr));gap:10px;
margin-bottom:12px}.kpi{background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px}
.kpi b{display:block;font-size:22px;line-height:1.2}.kpi span{font-size:12px;color:#6b7280}
.kpi.bad b{color:#dc2626}.kpi.warn b{color:#d97706}.kpi.good b{color:#16a34a}
.legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12px;color:#4b5563;margin:6px 0 10px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:4px;vertical-align:-1px}
.family{display:grid;grid-template-columns:150px 1fr;gap:8px;align-items:start;padding:5px 0;
border-top:1px solid #f3f4f6}.family>div:first-child{font-weight:600;font-size:12.5px;padding-top:5px;
overflow-wrap:anywhere}.tiles{display:flex;flex-wrap:wrap;gap:5px}
.tile{display:block;color:#fff;border-radius:6px;padding:4px 8px;font-size:11.5px;min-width:150px;
max-width:260px;line-height:1.3}.tile:hover{text-decoration:none;filter:brightness(1.1)}
.tile b{font-size:10.5px;letter-spacing:.02em;margin-right:4px;opacity:.9}
.tile{overflow:hidden;white-space:nowrap;text-overflow:ellipsis}.tile small{display:block;opacity:.85}
.tile[data-exercised=no]{outline:2px dashed #111827;outline-offset:-2px}.ex-yes{color:#16a34a;font-weight:700}
.ex-no{color:#dc2626;font-weight:700}
details.finding{border:1px solid #e5e7eb;border-left:4px solid #9ca3af;border-radius:6px;margin:6px 0;
background:#fff}details.finding.new{border-left-color:#dc2626}details.finding.known{border-left-color:#d97706}
details.finding summary{cursor:pointer;padding:7px 10px;list-style:none;display:flex;gap:8px;align-items:baseline;
flex-wrap:wrap}details.finding summary::-webkit-details-marker{display:none}
details.finding[open] summary{border-bottom:1px solid #f3f4f6}.body{padding:8px 12px 10px}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;font-weight:700;color:#fff}
.badge.new{background:#dc2626}.badge.known{background:#d97706}.badge.flaky{background:#6b7280}
.badge.expired{background:#7c2d12}.op{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px;
font-weight:600}.check{color:#4b5563;font-size:12px}.msg{flex-basis:100%;color:#374151}
pre{background:#0f172a;color:#e2e8f0;padding:9px 11px;border-radius:6px;overflow-x:auto;font-size:12px;
white-space:pre-wrap;word-break:break-all;margin:6px 0}code{font-family:ui-monospace,SFMono-Regular,Menlo,
monospace;font-size:12px}table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #f3f4f6;vertical-align:top}
th{color:#6b7280;font-weight:600}.cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media(max-width:900px){.cols{grid-template-columns:1fr}.family{grid-template-columns:1fr}}
.warn-box{background:#fffbeb;border:1px solid #fcd34d;border-radius:8px;padding:8px 12px;margin-bottom:14px}
footer{color:#9ca3af;font-size:12px;text-align:center;padding:10px}
"""


def _slug(text: str) -> str:
    return "op-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _ms(value: Any) -> str:
    return "n/a" if value is None else f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _header(summary: dict[str, Any]) -> str:
    run = summary.get("run") or {}
    target, spec = run.get("target") or {}, run.get("spec") or {}
    label, colour = VERDICT_STYLE[summary["verdict"]]
    meta = [f"run <code>{_e(run.get('run_id', '?'))}</code>"]
    if target:
        meta.append(f"target {_e(target.get('kind'))} <code>{_e(target.get('base_url'))}</code>")
    if spec:
        meta.append(f"spec {_e(spec.get('title'))} {_e(spec.get('version'))} "
                    f"<code title=\"{_e(spec.get('sha256'))}\">{_e(str(spec.get('sha256') or '')[:12])}</code>")
    for key in ("profile", "seed", "max_examples", "workers", "shard"):
        if run.get(key) is not None:
            meta.append(f"{key.replace('_', ' ')} <code>{_e(run[key])}</code>")
    if run.get("started_at"):
        meta.append(f"started {_e(run['started_at'])}")
    if run.get("status") and run.get("status") != "completed":
        meta.append(f"<b style=\"color:#fbbf24\">run {_e(run['status'])}</b>")
    if run.get("merged_from"):
        meta.append(f"merged from {len(run['merged_from'])} shards")
    return (f'<header><h1>vapi-contract run<span class="verdict" style="background:{colour}">{label}</span>'
            f'</h1><div class="meta">{SEP.join(meta)}</div></header>')


def _kpis(summary: dict[str, Any]) -> str:
    t, res = summary["totals"], summary["resources"]
    total_s = (summary.get("timings") or {}).get("total_s")
    cards = [  # tests, not operations: a fuzz test per operation plus lifecycles and behaviour tests
        ("", t["operations"], "tests (operations, lifecycles, behaviour)"),
        ("good" if t["passed"] else "", t["passed"], "passed (no new finding)"),
        ("warn" if t["passed_with_known"] else "", t["passed_with_known"], "with known findings"),
        ("", pass_rate_text(t["pass_rate"]), "pass rate"),
        (_coverage_class(t), exercised_text(t), "success path exercised (2xx checked)"),
        ("bad" if t["new"] else "good", t["new"], "new findings"),
        ("warn" if t["known"] else "", t["known"], "known (accepted)"),
        ("good" if t["fixed"] else "", t["fixed"], "fixed"),
        ("warn" if t["error"] + t["timeout"] + t["unfinished"] else "", t["error"] + t["timeout"] + t["unfinished"],
         "error / timeout"),
        ("", t["cases"], "test cases"),
        ("bad" if res["leaks"] else "", res["leaks"], "leaked resources"),
    ]
    if total_s is not None:
        cards.append(("", f"{total_s:.0f} s", "duration"))
    html = "".join(f'<div class="kpi {cls}"><b>{_e(value)}</b><span>{_e(label)}</span></div>'
                   for cls, value, label in cards)
    outcomes = defaultdict(int)
    for op in summary["operations"]:
        outcomes[op["outcome"]] += 1
    mix = stacked_bar([(OUTCOME_LABELS[k], outcomes[k], c) for k, c in OUTCOME_COLOURS.items()], width=1200,
                      height=14, title="operations by outcome")
    return f'<div class="kpis">{html}</div>{mix}'


def _coverage_class(t: dict[str, Any]) -> str:
    if t.get("exercised") is None or not t.get("exercised_of"):
        return ""
    return "good" if t["exercised"] >= t["exercised_of"] else "warn"


def _exercised_mark(op: dict[str, Any]) -> str:
    """Tile / table marker: 2xx checked, no 2xx, or nothing when unknown (older runs)."""
    if op.get("exercised") is None:
        return ""
    return "2xx \u2713" if op["exercised"] else "no 2xx"


def _statuses(op: dict[str, Any]) -> str:
    return ", ".join(f"{code}\u00d7{n}" for code, n in (op.get("statuses") or {}).items())


def _coverage(summary: dict[str, Any]) -> str:
    """Success-path coverage: the figure, a bar, per-family counts and the operations never exercised (why)."""
    t = summary["totals"]
    if t.get("exercised") is None:
        return ('<section><h2>Success-path coverage <span class="muted">n/a</span></h2><p class="muted">This run '
                "recorded no coverage evidence (written before coverage existed).</p></section>")
    ops = [op for op in summary["operations"] if op.get("exercised") is not None]
    missing = [op for op in ops if not op["exercised"]]
    unrecorded = max((t.get("exercised_of") or 0) - len(ops), 0)
    bar = stacked_bar([("exercised", t["exercised"], "#16a34a"), ("never exercised", len(missing), "#dc2626"),
                       ("no record", unrecorded, "#9ca3af")], width=1200, height=14, title="success-path coverage")
    families = SEP.join(f"{_e(name)} <b>{done}/{total}</b>" for name, (done, total) in by_family(ops).items())
    rows = "".join(f'<tr><td><a href="#{_slug(op["operation"])}-row"><code>{_e(op["operation"])}</code></a></td>'
                   f'<td>{_e(_statuses(op) or "none")}</td><td>{_e(op.get("not_exercised_reason"))}</td></tr>'
                   for op in missing)
    table = (f"<h3>Never exercised ({len(missing)})</h3><table><tr><th>operation</th><th>statuses checked</th>"
             f"<th>reason</th></tr>{rows}</table>") if missing else '<p class="muted">every operation exercised</p>'
    note = (f'<p class="muted">{unrecorded} operation(s) of the spec have no record in this run.</p>'
            if unrecorded else "")
    return (f'<section><h2>Success-path coverage <span class="muted">{_e(exercised_text(t))} operations had a '
            f"success (2xx) answer observed and checked</span></h2>{bar}<p>{families}</p>{table}{note}</section>")


def _legend(summary: dict[str, Any]) -> str:
    counts = defaultdict(int)
    for op in summary["operations"]:
        counts[op["outcome"]] += 1
    t = summary["totals"]
    return ('<div class="legend">' + "".join(
        f'<span><i style="background:{c}"></i>{_e(OUTCOME_LABELS[k])} ({counts[k]})</span>'
        for k, c in OUTCOME_COLOURS.items())
        + f"<span>pass rate {_e(pass_rate_text(t['pass_rate']))}: {t['passed']} of {t['tested']} tested operations without new findings, "
        f"{t['passed_with_known']} with known findings</span></div>")


def _grid(summary: dict[str, Any]) -> str:
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for op in summary["operations"]:
        families[op["family"]].append(op)
    rows = []
    for family in sorted(families):
        tiles = []
        for op in families[family]:
            method, _, path = op["operation"].partition(" ")
            lat = op.get("latency_ms") or {}
            tip = (f"{op['operation']}: {OUTCOME_LABELS[op['outcome']]} (run status {op['status']}), "
                   f"{op['cases']} cases, p50 {_ms(lat.get('p50'))}, p95 {_ms(lat.get('p95'))}"
                   + (f", {op['new']} new / {op['known']} known findings" if op["findings"] else "")
                   + (f". {op['reason']}" if op.get("reason") else "")
                   + (f". Success path: {_exercised_mark(op)} (checked {_statuses(op) or 'none'})"
                      if op.get("exercised") is not None else "")
                   + (f": {op['not_exercised_reason']}" if op.get("not_exercised_reason") else ""))
            note = []
            if op["new"]:
                note.append(f"{op['new']} new")
            if op["known"]:
                note.append(f"{op['known']} known")
            if not note:
                note.append(op["status"] if op["status"] != "passed" else f"{op['cases']} cases")
            if _exercised_mark(op):
                note.append(_exercised_mark(op))
            known = op.get("exercised") is not None
            unex = f' data-exercised="{"yes" if op["exercised"] else "no"}"' if known else ""
            href = f"#{_slug(op['operation'])}" if op["findings"] else "#"
            tiles.append(f'<a class="tile"{unex} href="{href}" title="{_e(tip)}" '
                         f'style="background:{OUTCOME_COLOURS[op["outcome"]]}"><b>{_e(method)}</b>{_e(path)}'
                         f'<small>{_e(", ".join(note))}</small></a>')
        rows.append(f'<div class="family"><div>{_e(family)}</div><div class="tiles">{"".join(tiles)}</div></div>')
    return (f'<section><h2>Operations</h2>{_legend(summary)}{"".join(rows) or "<p class=muted>none</p>"}'
            f"{_operations_table(summary)}</section>")


def _operations_table(summary: dict[str, Any]) -> str:
    rows = []
    for op in summary["operations"]:
        lat = op.get("latency_ms") or {}
        colour = OUTCOME_COLOURS[op["outcome"]]
        duration = "" if op.get("duration_s") is None else f"{op['duration_s']:.1f} s"
        mark = _exercised_mark(op)
        css = "ex-yes" if op.get("exercised") else "ex-no"
        rows.append(f'<tr id="{_slug(op["operation"])}-row"><td><code>{_e(op["operation"])}</code></td>'
                    f'<td><b style="color:{colour}">{_e(OUTCOME_LABELS[op["outcome"]])}</b></td>'
                    f'<td><span class="{css}">{_e(mark)}</span> <span class="muted">{_e(_statuses(op))}</span></td>'
                    f'<td>{op["cases"]}</td><td>{duration}</td>'
                    f'<td>{_ms(lat.get("p50"))}</td><td>{_ms(lat.get("p95"))}</td><td>{_ms(lat.get("max"))}</td>'
                    f'<td>{_e(op.get("not_exercised_reason") or op.get("reason") or "")}</td></tr>')
    return (f'<details><summary>All operations ({len(rows)}): success path, cases, durations, latency, reasons'
            "</summary><table><tr><th>operation</th><th>outcome</th><th>success path (statuses checked)</th>"
            "<th>cases</th><th>duration</th><th>p50</th>"
            f'<th>p95</th><th>max</th><th>reason</th></tr>{"".join(rows)}</table></details>')


def _finding(f: dict[str, Any], anchor: str | None, open_: bool = False) -> str:
    badges = [f'<span class="badge {f["status"]}">{f["status"].upper()}</span>']
    if f["flaky"]:
        badges.append('<span class="badge flaky" title="did not reproduce on replay">FLAKY</span>')
    baseline = f.get("baseline")
    if baseline and baseline.get("expired"):
        badges.append(f'<span class="badge expired">baseline expired {_e(baseline["expires"])}</span>')
    code = f' <span class="muted">HTTP {_e(f["status_code"])}</span>' if f.get("status_code") is not None else ""
    seen = f' <span class="muted">seen {f["occurrences"]}\u00d7</span>' if f.get("occurrences", 1) > 1 else ""
    body = [f'<div>fingerprint <code>{_e(f["fingerprint"])}</code>'
            + (f' \u00b7 at {_e(f["time"])}' if f.get("time") else "") + "</div>"]
    if f.get("reproducer"):
        body.append(f"<pre>{_e(f['reproducer'])}</pre>")
    if f["status"] == "new":
        body.append(f'<div class="muted">accept it:</div><pre>{_e(accept_command(f))}</pre>')
    if baseline:
        body.append(f'<div class="muted">accepted by {_e(baseline["owner"])} until {_e(baseline["expires"])}: '
                    f'{_e(baseline["reason"])}</div>')
    details = dict(f.get("details") or {})
    if isinstance(details.get("response"), str):
        body.insert(1, excerpt(details.pop("response")))
    if details:
        body.append(f"<pre>{_e(json.dumps(details, indent=2, ensure_ascii=False)[:4000])}</pre>")
    id_attr = f' id="{anchor}"' if anchor else ""
    facets = item_attrs(**{"class": f["classification"], "check": f["check"], "status": f["status"]})
    return (f'<details class="finding {f["status"]}"{id_attr}{facets}{" open" if open_ else ""}><summary>'
            f'{"".join(badges)}'
            f'<span class="op">{_e(f["operation"])}</span><span class="check">{_e(f["check"])}</span>{code}{seen}'
            f'<span class="msg">{_e(f["message"])}</span></summary><div class="body">{"".join(body)}</div></details>')


def _findings(summary: dict[str, Any]) -> str:
    anchored: set[str] = set()
    parts = []
    first_new = next((f["fingerprint"] for f in summary["findings"] if f["status"] == "new"), None)
    for cls, (title, blurb) in CLASS_INFO.items():
        group = [f for f in summary["findings"] if f["classification"] == cls]
        new = sum(f["status"] == "new" for f in group)
        items = []
        for f in group:
            slug = _slug(f["operation"])
            items.append(_finding(f, None if slug in anchored else slug, f["fingerprint"] == first_new))
            anchored.add(slug)
        parts.append(f'<h3>{_e(title)} <span class="muted">({len(group)}, {new} new)</span></h3>'
                     f'<div class="muted">{_e(blurb)}</div>'
                     + ("".join(items) or '<p class="muted">none</p>'))
    fixed = summary["fixed"]
    if fixed:
        rows = "".join(f"<tr><td><code>{_e(e['fingerprint'])}</code></td><td>{_e(e.get('operation', ''))}</td>"
                       f"<td>{_e(e['reason'])}</td><td>{_e(e['owner'])}</td></tr>" for e in fixed)
        parts.append(f'<h3>Fixed <span class="muted">({len(fixed)}): accepted, no longer seen; remove from the '
                     f"baseline</span></h3><table><tr><th>fingerprint</th><th>operation</th><th>reason</th>"
                     f"<th>owner</th></tr>{rows}</table>")
    if summary.get("not_covered"):
        parts.append(f'<p class="muted">{len(summary["not_covered"])} accepted finding(s) not seen and not checked '
                     "again by this run (operation, check or kind of case not run): not covered, not fixed.</p>")
    findings = summary["findings"]
    bar = filter_bar("findings", [("class", "class", (f["classification"] for f in findings)),
                                  ("check", "check", (f["check"] for f in findings)),
                                  ("status", "new/known", (f["status"] for f in findings))],
                     search="search operation, message, reproducer, response") if findings else ""
    return f'<section id="findings"><h2>Findings</h2>{bar}{"".join(parts)}</section>'


def _latency(summary: dict[str, Any]) -> str:
    ops = [op for op in summary["operations"] if (op.get("latency_ms") or {}).get("p95") is not None]
    ops.sort(key=lambda op: -op["latency_ms"]["p95"])
    shown = ops[:MAX_LATENCY_ROWS]
    chart = bar_chart([(op["operation"], op["latency_ms"].get("p50") or 0.0) for op in shown],
                      overlay=[(op["operation"], op["latency_ms"]["p95"]) for op in shown],
                      legend=("p50", "p95"), unit="ms", budget=summary["latency"].get("budget_ms"), width=1180,
                      title=f"Latency per operation, slowest p95 first ({len(shown)} of {len(ops)})")
    return f"<section><h2>Latency</h2>{chart}</section>"


def _side_panels(summary: dict[str, Any]) -> str:
    timings = summary.get("timings") or {}
    phases = [(k.removesuffix("_s").replace("_", " "), v) for k, v in timings.items() if v is not None]
    timing_chart = bar_chart(phases, title="Run timings", unit="s", width=560, color="#0891b2")
    res = summary["resources"]
    leaked = "".join(f"<tr><td><code>{_e(i['resource_id'])}</code></td><td>{_e(i.get('name'))}</td>"
                     f"<td>{_e(i.get('operation'))}</td></tr>" for i in res["leaked"])
    resources = (f"<p>{res['created']} created \u00b7 {res['deleted']} deleted \u00b7 {res['delete_failed']} "
                 f"delete failures \u00b7 <b style=\"color:{'#dc2626' if res['leaks'] else '#16a34a'}\">"
                 f"{res['leaks']} leaked</b></p>")
    if leaked:
        resources += ("<table><tr><th>id</th><th>name</th><th>created by</th></tr>" + leaked + "</table>"
                      '<p class="muted"><code>vapi-contract janitor</code> deletes leftovers by name prefix.</p>')
    return (f'<div class="cols"><section><h2>Timings</h2>{timing_chart}</section>'
            f"<section><h2>Resources on the target</h2>{resources}</section></div>")


def _spec_issues(summary: dict[str, Any]) -> str:
    issues = summary["spec_issues"]
    if not issues:
        return '<section><h2>Spec issues</h2><p class="muted">none reported</p></section>'
    counts = " \u00b7 ".join(f"{_e(k)} <b>{v}</b>" for k, v in summary["spec_issue_counts"].items())
    rows = "".join(f"<tr><td>{_e(i.get('kind'))}</td><td><code>{_e(i.get('pointer'))}</code></td>"
                   f"<td>{_e(i.get('message'))}</td></tr>" for i in issues)
    table = f"<table><tr><th>kind</th><th>where</th><th>issue</th></tr>{rows}</table>"
    if len(issues) > 15:
        table = f"<details><summary>all {len(issues)} issues</summary>{table}</details>"
    return (f"<section><h2>Spec issues <span class=\"muted\">({len(issues)}): the published spec is wrong or "
            f"unusable as written</span></h2><p>{counts}</p>{table}</section>")


def render_dashboard(summary: dict[str, Any]) -> str:
    warnings = "".join(f"<div>\u26a0 {_e(w)}</div>" for w in summary.get("warnings") or [])
    run_id = (summary.get("run") or {}).get("run_id", "")
    body = [
        _header(summary),
        "<main>",
        f'<div class="warn-box">{warnings}</div>' if warnings else "",
        f"<section><h2>Summary</h2>{_kpis(summary)}</section>",
        _grid(summary),
        _coverage(summary),
        _findings(summary),
        _latency(summary),
        _side_panels(summary),
        _spec_issues(summary),
        (f"<footer>generated {_e(summary['generated_at'])} by vapi-contract \u00b7 machine-readable: "
        "summary.json, junit.xml</footer>"),
        "</main>",
    ]
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>vapi-contract {_e(summary['verdict'])} \u00b7 {_e(run_id)}</title>"
            f"<style>{CSS}{FILTER_CSS}</style></head><body>{''.join(body)}{FILTER_SCRIPT}</body></html>\n")
