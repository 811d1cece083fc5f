"""Success-path coverage: which operations had a success (2xx) answer observed and run through the check battery.

The engine writes `coverage*.jsonl` records (`{operation, statuses: {"200": 3, "404": 7}, checked, source,
reason}`), several per operation (sources, workers, shards); here they are summed per operation. An operation is
**exercised** when the sum of its 2xx counts is above zero. One never exercised gets a reason: its skip reason,
then the last reason a coverage record gave, else the statuses it did receive. A run dir without coverage files
(written before coverage existed) shows every figure as unknown (`null`, "n/a"), never as 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..evidence.reader import COVERAGE, Evidence
from .normalize import clean_coverage

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"})


def is_http_operation(label: str) -> bool:
    """`GET /assistant/{id}` is; a pseudo-operation such as `lifecycle assistant` is not (it has no status)."""
    method, _, path = label.partition(" ")
    return method in METHODS and path.startswith("/")


def recorded(evidence: Evidence) -> bool:
    """Did the run write coverage evidence at all? (Older run dirs did not: the figure is then n/a.)"""
    return bool(evidence.files.get(COVERAGE) or evidence.coverage)


def summed(records: Iterable[dict[str, Any]], warnings: list[str]) -> dict[str, dict[str, Any]]:
    """Per operation: statuses summed by code, responses checked, the sources seen and the last non-null reason."""
    by_op: dict[str, dict[str, Any]] = {}
    for record in records:
        if not record.get("operation"):
            warnings.append("a coverage record names no operation; ignored")
            continue
        clean = clean_coverage(record, warnings)
        entry = by_op.setdefault(clean["operation"], {"statuses": {}, "checked": 0, "sources": set(), "reason": None})
        for code, count in clean["statuses"].items():
            entry["statuses"][code] = entry["statuses"].get(code, 0) + count
        entry["checked"] += clean["checked"]
        entry["sources"].add(clean["source"])
        if clean["reason"]:
            entry["reason"] = clean["reason"]
    return by_op


def coverage_only(coverage: dict[str, dict[str, Any]], known: Iterable[str]) -> list[dict[str, Any]]:
    """Operations with coverage records but no operation result (e.g. reached only through a lifecycle).

    Checked responses without fuzzing: `passed` (their findings, if any, still make the outcome). Nothing checked:
    `skipped` with the coverage reason. A `fuzz` source without a result means the worker died mid-way:
    `unfinished`, never a pass.
    """
    known = set(known)
    entries = []
    for name, cov in sorted(coverage.items()):
        if name in known:
            continue
        sources = sorted(cov["sources"])
        if "fuzz" in cov["sources"]:
            status, reason = "unfinished", "responses were checked but the operation never reported a result"
        elif cov["checked"]:
            status = "passed"
            reason = f"not fuzzed: {cov['checked']} response(s) checked through {', '.join(sources)}"
        else:
            status, reason = "skipped", cov["reason"] or f"no response checked ({', '.join(sources)})"
        entries.append({"operation": name, "status": status, "cases": 0, "duration_s": None, "latency_ms": None,
                        "checks": [], "reason": reason})
    return entries


def _statuses_text(statuses: dict[str, int]) -> str:
    return ", ".join(f"{code} x{count}" for code, count in statuses.items())


def _sorted_statuses(statuses: dict[str, int]) -> dict[str, int]:
    return {code: statuses[code] for code in sorted(statuses)}


def not_exercised_reason(op: dict[str, Any], cov: dict[str, Any] | None) -> str:
    skip = op.get("reason") if op.get("status") == "skipped" else None
    given = (cov or {}).get("reason")
    if skip:
        return f"{skip}; {given}" if given and given not in skip else skip
    if given:
        return given
    statuses = (cov or {}).get("statuses") or {}
    if statuses:
        return f"no success answer received (statuses seen: {_statuses_text(_sorted_statuses(statuses))})"
    why = f": {op['reason']}" if op.get("reason") else ""
    return f"no success answer received (no response checked{why})"


def annotate(operations: Iterable[dict[str, Any]], coverage: dict[str, dict[str, Any]], known: bool) -> None:
    """Add `exercised`, `statuses`, `checked`, `not_exercised_reason` to each operation of the summary (in place).

    Unknown (no coverage evidence in the run, or a pseudo-operation): `exercised`/`checked` null, `statuses` {}.
    """
    for op in operations:
        cov = coverage.get(op["operation"])
        if not known or not is_http_operation(op["operation"]):
            op.update(exercised=None, statuses={}, checked=None, not_exercised_reason=None)
            continue
        statuses = _sorted_statuses(cov["statuses"]) if cov else {}
        exercised = any(code.startswith("2") and count > 0 for code, count in statuses.items())
        op.update(exercised=exercised, statuses=statuses, checked=cov["checked"] if cov else 0,
                  not_exercised_reason=None if exercised else not_exercised_reason(op, cov))


def totals(operations: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    """`exercised` of `exercised_of` (the spec's operation count; in a shard, the operations with a result)."""
    http = [op for op in operations if is_http_operation(op["operation"])]
    in_spec = (meta.get("spec") or {}).get("operations")
    of = len(http) if meta.get("shard") or not isinstance(in_spec, int) else max(in_spec, 0)
    known = any(op.get("exercised") is not None for op in http)
    exercised = sum(op.get("exercised") is True for op in http) if known else None
    return {"exercised": exercised, "exercised_of": of,
            "exercised_text": exercised_text({"exercised": exercised, "exercised_of": of})}


def exercised_text(t: dict[str, Any]) -> str:
    """The figure as every report, dashboard and terminal line shows it: `56/79`, or `n/a` (no coverage data)."""
    if not isinstance(t, dict) or t.get("exercised") is None or t.get("exercised_of") is None:
        return "n/a"
    return f"{t['exercised']}/{t['exercised_of']}"


def by_family(operations: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """family -> (exercised, operations with coverage data), for compact listings."""
    counts: dict[str, tuple[int, int]] = {}
    for op in operations:
        if op.get("exercised") is None:
            continue
        done, total = counts.get(op["family"], (0, 0))
        counts[op["family"]] = (done + bool(op["exercised"]), total + 1)
    return dict(sorted(counts.items()))
