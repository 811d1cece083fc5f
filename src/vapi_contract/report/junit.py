"""JUnit XML from a summary: one testcase per operation (`GET /assistant/{id}`), one testsuite per family.

Failures carry the operation's new findings; accepted (known) findings go to `system-out` so a baselined
disagreement does not turn CI red; error/timeout/unfinished operations are `<error>`, skipped ones `<skipped>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

_INVALID_XML = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: Any) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: drop them."""
    return str(text if text is not None else "").translate(_INVALID_XML)


def _finding_text(finding: dict[str, Any]) -> str:
    lines = [
        f"[{finding['classification']}] {finding['check']}: {finding['message']}",
        f"  fingerprint: {finding['fingerprint']}  status: {finding['status']}"
        + (f"  http: {finding['status_code']}" if finding.get("status_code") is not None else "")
        + ("  (flaky: did not reproduce on replay)" if finding.get("flaky") else "")
        + (f"  seen {finding['occurrences']}x" if finding.get("occurrences", 1) > 1 else ""),
    ]
    if finding.get("reproducer"):
        lines.append(f"  reproduce: {finding['reproducer']}")
    if finding.get("baseline"):
        b = finding["baseline"]
        state = "EXPIRED " if b.get("expired") else ""
        lines.append(f"  {state}accepted until {b['expires']} by {b['owner']}: {b['reason']}")
    return "\n".join(lines)


def render_junit(summary: dict[str, Any]) -> str:
    by_fp = {f["fingerprint"]: f for f in summary["findings"]}
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for op in summary["operations"]:
        families[op["family"]].append(op)
    run = summary.get("run") or {}
    root = ET.Element("testsuites", name="vapi-contract")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for family in sorted(families):
        suite = ET.SubElement(root, "testsuite", name=_clean(family))
        if run.get("started_at"):
            suite.set("timestamp", _clean(str(run["started_at"]).rstrip("Z")))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
        for op in families[family]:
            case = ET.SubElement(suite, "testcase", name=_clean(op["operation"]), classname=_clean(f"vapi.{family}"))
            duration = op.get("duration_s") or 0.0
            case.set("time", f"{duration:.3f}")
            counts["tests"] += 1
            counts["time"] += duration
            findings = [by_fp[fp] for fp in op["findings"] if fp in by_fp]
            new = [f for f in findings if f["status"] == "new" and f["classification"] != "infra"]
            infra = [f for f in findings if f["status"] == "new" and f["classification"] == "infra"]
            known = [f for f in findings if f["status"] == "known"]
            # One result element per testcase (strict JUnit schemas allow no more): new contract findings
            # win over errors, errors over skips.
            if new:
                kinds = sorted({f["classification"] for f in new})
                suffix = f" (operation {op['status']})" if op["status"] in ("error", "timeout", "unfinished") else ""
                el = ET.SubElement(case, "failure", type=",".join(kinds),
                                   message=_clean(f"{len(new)} new finding(s){suffix}: {new[0]['message']}"[:500]))
                el.text = _clean("\n\n".join(_finding_text(f) for f in new + infra))
                counts["failures"] += 1
            elif op["status"] in ("error", "timeout", "unfinished") or infra:
                message = infra[0]["message"] if infra else (op.get("reason") or op["status"])
                el = ET.SubElement(case, "error", type="infra" if infra else op["status"],
                                   message=_clean(message)[:500])
                el.text = _clean("\n\n".join(_finding_text(f) for f in infra) or message)
                counts["errors"] += 1
            elif op["status"] == "failed" and not known:
                el = ET.SubElement(case, "failure", type="failed",
                                   message="the run reported a failure without recording a finding")
                el.text = _clean(op.get("reason") or "")
                counts["failures"] += 1
            elif op["status"] == "skipped":
                ET.SubElement(case, "skipped", message=_clean(op.get("reason") or "skipped"))
                counts["skipped"] += 1
            out = []
            if known:
                out.append("Accepted in the baseline (known):\n" + "\n\n".join(_finding_text(f) for f in known))
            latency = op.get("latency_ms") or {}
            if latency.get("p50") is not None:
                out.append(f"cases: {op['cases']}  latency ms p50={latency.get('p50')} p95={latency.get('p95')} "
                           f"max={latency.get('max')}")
            if out:
                ET.SubElement(case, "system-out").text = _clean("\n\n".join(out))
        for key, value in counts.items():
            suite.set(key, f"{value:.3f}" if key == "time" else str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, f"{value:.3f}" if key == "time" else str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
