"""Turn a run's evidence (+ baseline) into the summary dict every report format renders.

The shape is documented by `schemas/summary.schema.json` (shipped in the package).
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Any

from ..evidence.model import Finding
from ..evidence.reader import Evidence
from ..evidence.writer import utc_now
from ..spec.model import label_path
from . import coverage as _coverage
from .baseline import Baseline, triage
from .normalize import CLASSIFICATIONS, clean_resource, number, text
from .recheck import rechecker

SCHEMA_VERSION = 1
# Worst first: when one operation was recorded twice (retried worker, overlapping shards), the worst wins.
STATUS_SEVERITY = ("error", "timeout", "failed", "unfinished", "passed", "skipped")
RUN_META_KEYS = ("run_id", "started_at", "finished_at", "status", "exit_code", "target", "spec", "profile", "seed",
                 "max_examples", "workers", "shard", "options", "merged_from", "shards")


def family_of(operation: str) -> str:
    """Resource family of `GET /assistant/{id}` -> `assistant`: first path segment that is not a version/param."""
    path = label_path(operation)
    for segment in path.strip("/").split("/"):
        if segment and not segment.startswith("{") and not (segment[:1] == "v" and segment[1:].isdigit()):
            return segment
    return "root"


def _dedupe_findings(records: list[Finding]) -> list[dict[str, Any]]:
    """One entry per fingerprint (a finding replayed on many examples is one finding), counting occurrences.

    Flaky only if every occurrence was flaky: one reproducible occurrence makes the finding real.
    """
    merged: dict[str, dict[str, Any]] = {}
    for record in records:
        finding = record.to_json()
        fp = finding["fingerprint"]
        if fp in merged:
            entry = merged[fp]
            entry["occurrences"] += 1
            entry["flaky"] = entry["flaky"] and finding["flaky"]
            continue
        merged[fp] = {**finding, "status": "new", "occurrences": 1, "baseline": None}
    return list(merged.values())


def _operations(evidence: Evidence, findings: list[dict[str, Any]], warnings: list[str]) -> list[dict[str, Any]]:
    by_op: dict[str, dict[str, Any]] = {}
    for record in evidence.operations:
        op = record.result()
        current = by_op.get(op["operation"])
        if current and STATUS_SEVERITY.index(current["status"]) <= STATUS_SEVERITY.index(op["status"]):
            continue
        by_op[op["operation"]] = {**op, "family": family_of(op["operation"])}
    coverage = _coverage.summed(evidence.coverage, warnings)  # success-path coverage (report/coverage.py)
    for entry in _coverage.coverage_only(coverage, by_op):
        by_op[entry["operation"]] = {**entry, "family": family_of(entry["operation"])}
    for finding in findings:  # evidence for an operation that never reported back (killed mid-way)
        name = finding["operation"]
        if name not in by_op:
            by_op[name] = {"operation": name, "family": family_of(name), "status": "unfinished", "cases": 0,
                           "duration_s": None, "latency_ms": None, "checks": [],
                           "reason": "findings recorded but the operation never finished"}
    for op in by_op.values():
        mine = [f for f in findings if f["operation"] == op["operation"]]
        op["findings"] = [f["fingerprint"] for f in mine]
        op["new"] = sum(f["status"] == "new" for f in mine)
        op["known"] = sum(f["status"] == "known" for f in mine)
        op["outcome"] = _outcome(op, mine)
    _coverage.annotate(by_op.values(), coverage, _coverage.recorded(evidence))
    return sorted(by_op.values(), key=_op_order)


METHOD_ORDER = {m: i for i, m in enumerate(("GET", "POST", "PUT", "PATCH", "DELETE"))}


def _op_order(op: dict[str, Any]) -> tuple[str, int, str]:
    """By path, then GET, POST, PUT, PATCH, DELETE: a resource reads in lifecycle order."""
    method, _, path = op["operation"].partition(" ")
    return (path, METHOD_ORDER.get(method, len(METHOD_ORDER)), method)


def _outcome(op: dict[str, Any], findings: list[dict[str, Any]]) -> str:
    """What the dashboard colours: failed (new findings) > error/timeout/unfinished > known > passed/skipped."""
    if op["new"]:
        return "failed"
    if op["status"] in ("error", "timeout", "unfinished"):
        return op["status"]
    if op["known"]:
        return "known"
    if op["status"] == "failed":
        return "failed"  # the run said failed without any finding: still never a pass
    return op["status"]


def pass_rate_text(value: float | None) -> str:
    """`totals.pass_rate` as every report, dashboard and terminal line shows it: `98.6%`, or `n/a`."""
    return "n/a" if value is None else f"{value:g}%"


def _operation_totals(outcomes: Counter) -> dict[str, Any]:
    """Operations by outcome. `passed` = no new finding (outcome passed or known), `passed_with_known` = the part
    of those with accepted findings; pass rate = passed / tested (not skipped) operations, in percent."""
    passed = outcomes["passed"] + outcomes["known"]
    tested = sum(outcomes.values()) - outcomes["skipped"]
    return {
        "passed": passed,
        "passed_with_known": outcomes["known"],
        **{s: outcomes[s] for s in ("failed", "skipped", "error", "timeout", "unfinished")},
        "tested": tested,
        "pass_rate": round(100.0 * passed / tested, 1) if tested else None,
    }


def _resources(records: list[dict[str, Any]]) -> dict[str, Any]:
    created: dict[str, dict[str, Any]] = {}
    deleted: set[str] = set()
    failed: list[dict[str, Any]] = []
    for record in map(clean_resource, records):
        rid = record["resource_id"]
        item = {k: record[k] for k in ("resource_id", "operation", "name", "time")}
        action = record.get("action")
        if action == "created":
            created.setdefault(rid, item)
        elif action == "deleted":
            deleted.add(rid)
        elif action == "delete-failed":
            failed.append(item)
    leaked = [item for rid, item in created.items() if rid not in deleted]
    return {"created": len(created), "deleted": len(deleted),
            "delete_failed": len(failed), "leaks": len(leaked), "leaked": leaked}


def _verdict(meta: dict[str, Any], totals: dict[str, Any]) -> tuple[str, int]:
    """pass (0) / fail (1, new findings) / incomplete (3: the run could not test everything it meant to)."""
    status = meta.get("status")
    if totals["new_contract"]:
        return "fail", 1
    if totals["new"]:  # only infra findings are new: the run could not conclude, which is not a pass either
        return "incomplete", 3
    if status in ("error",) or meta.get("exit_code") == 3:
        return "incomplete", 3
    if status in ("interrupted", "running") or (meta and not meta.get("finished_at")):
        return "incomplete", 3
    if totals["operations"] == 0 or not totals.get("tested"):  # nothing tested (all skipped) is not a pass
        return "incomplete", 3
    if totals["error"] or totals["unfinished"] or totals["timeout_untested"] or totals.get("missing"):
        return "incomplete", 3
    return "pass", 0


def _missing(meta: dict[str, Any], records: list[dict[str, Any]],
             coverage: list[dict[str, Any]] = ()) -> list[dict[str, str]]:
    """Selected tests (run.json `options.selected`: the run's or shard's own plan) with no result: deselected with
    `-k`, lost with a worker that died, or cut before their first case. Unknown (empty) for runs that predate
    `selected`."""
    selected = (meta.get("options") or {}).get("selected")
    if not isinstance(selected, list):
        return []
    by_label: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_label.setdefault(text(record.get("operation")) or "unknown", []).append(record)
    for record in coverage:  # an auth probe's result: its answers, checked and counted under source `auth`
        if record.get("source") == "auth" and record.get("checked"):
            by_label.setdefault(f"auth {text(record.get('operation'))}", []).append({"status": "passed", "cases": 1})
    missing = []
    for label in dict.fromkeys(str(s) for s in selected):
        mine = by_label.get(label)
        if not mine:
            missing.append({"operation": label, "reason": "no result: the test did not run (deselected, e.g. "
                            "with -k, or its worker died)"})
        elif all(r.get("status") == "timeout" and not number(r.get("cases")) for r in mine):
            why = next((text(r.get("reason")) for r in mine if text(r.get("reason"))), None) or "cut"
            missing.append({"operation": label, "reason": f"no case ran: {why}"})
    return missing


def _patterns(baseline: Baseline | None, matches: list[int], today: _dt.date | None) -> dict[str, Any] | None:
    """Accepted-finding patterns: how many findings each matched in this run (never fixed / not covered)."""
    if baseline is None:
        return None
    today = today or _dt.datetime.now(_dt.timezone.utc).date()
    entries = [{**p.as_dict(), "describe": p.match.describe(), "matched": n, "expired": p.expired(today)}
               for p, n in zip(baseline.patterns, matches)]
    return {"used": sum(e["matched"] > 0 for e in entries), "unused": sum(e["matched"] == 0 for e in entries),
            "entries": entries}


def summarize(evidence: Evidence, baseline: Baseline | None = None, *, today: _dt.date | None = None) -> dict:
    warnings = list(evidence.warnings)
    meta = evidence.meta.to_json()  # typed and checked by the evidence reader
    findings = _dedupe_findings(evidence.findings)
    # "fixed" only when this run checked the entry again with a case of the same kind (report/recheck.py): an
    # operation cut by its budget, errored or skipped, or a check or kind that never ran there, is "not covered"
    rechecked = rechecker(evidence.operations, evidence.coverage, findings, meta.get("options") or {})
    result = triage(findings, baseline, rechecked=rechecked, today=today)
    for finding in findings:
        finding["status"] = result.status.get(finding["fingerprint"], "new")
        entry = result.accepted_by.get(finding["fingerprint"])
        if entry is not None:
            finding["baseline"] = {**entry.as_dict(), "expired": entry.expired(
                today or _dt.datetime.now(_dt.timezone.utc).date())}
    findings.sort(key=lambda f: (f["status"] != "new", CLASSIFICATIONS.index(f["classification"]),
                                 f["operation"], f["check"]))
    operations = _operations(evidence, findings, warnings)
    outcome_counts = Counter(op["outcome"] for op in operations)
    class_counts = Counter(f["classification"] for f in findings)
    spec = meta.get("spec") or {}
    totals = {
        "operations": len(operations),
        "operations_in_spec": spec.get("operations"),
        **_operation_totals(outcome_counts),
        "cases": sum(op["cases"] for op in operations),
        "findings": len(findings),
        "new": sum(f["status"] == "new" for f in findings),
        "new_contract": sum(f["status"] == "new" and f["classification"] != "infra" for f in findings),
        "known": sum(f["status"] == "known" for f in findings),
        "fixed": len(result.fixed),
        "flaky": sum(f["flaky"] for f in findings),
        "by_classification": {c: class_counts.get(c, 0) for c in CLASSIFICATIONS},
        **_coverage.totals(operations, meta),
    }
    in_spec = totals["operations_in_spec"]
    if in_spec is not None and len(operations) < in_spec and not meta.get("shard"):
        warnings.append(f"{in_spec - len(operations)} of the spec's {in_spec} operations have no result "
                        "(neither tested nor reported as skipped)")
    # An operation cut by its time budget after some cases was tested (and is shown as timed out); one cut
    # before any case was not, and that makes the run incomplete.
    untested = sum(op["status"] == "timeout" and op["cases"] == 0 for op in operations)
    missing = _missing(meta, [op.result() for op in evidence.operations], evidence.coverage)
    verdict, exit_code = _verdict(meta, {**totals, "timeout_untested": untested, "missing": len(missing)})
    spec_issues = meta["spec_issues"]
    latencies = [op for op in operations if op["latency_ms"] and op["latency_ms"].get("p95") is not None]
    options = meta.get("options") or {}
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": utc_now(),
        "run": {key: meta.get(key) for key in RUN_META_KEYS if key in meta},
        "verdict": verdict,
        "exit_code": exit_code,
        "missing": missing,
        "totals": totals,
        "operations": operations,
        "findings": findings,
        "fixed": [e.as_dict() for e in result.fixed],
        "not_covered": [e.as_dict() for e in result.not_covered],
        "baseline": None if baseline is None else {
            "path": str(baseline.path) if baseline.path else None,
            "entries": len(baseline.entries) + len(baseline.patterns),
            "expired": [e.fingerprint for e in result.expired],
            "patterns": _patterns(baseline, result.pattern_matches, today),
        },
        "resources": _resources(evidence.resources),
        "latency": {
            "budget_ms": number(options.get("latency_budget_ms")),
            "slowest": [{"operation": op["operation"], **op["latency_ms"]}
                        for op in sorted(latencies, key=lambda o: -o["latency_ms"]["p95"])[:10]],
        },
        "timings": meta["timings"],
        "spec_issues": spec_issues,
        "spec_issue_counts": dict(Counter(i["kind"] for i in spec_issues).most_common()),
        "warnings": [*warnings, *meta["merge_warnings"]],
    }
