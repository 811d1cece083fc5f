"""Coerce evidence records (written by another, possibly buggy or killed, process) to the documented types.

Each `clean_*` returns a new dict with exactly the fields the summary uses, each of its documented type; a
value of the wrong type is converted when that is lossless (`7` -> `"7"`) and dropped otherwise.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..spec import fingerprint as _fingerprints

CLASSIFICATIONS = ("server-bug", "spec-gap", "infra")
RUN_STATUSES = ("completed", "interrupted", "error", "running")
OPERATION_STATUSES = ("passed", "failed", "skipped", "error", "timeout", "unfinished")
_HEX_FINGERPRINT = re.compile(r"^[0-9a-f]{16,}$")


def text(value: Any) -> str | None:
    """A string, or None: scalars become their text, containers their compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def fingerprint(record: dict[str, Any]) -> str:
    """The record's fingerprint when it is 16+ hex; otherwise a stable stand-in derived from it (or its cause)."""
    given = text(record.get("fingerprint"))
    if given and _HEX_FINGERPRINT.match(given.lower()):
        return given.lower()
    if given:  # not hex: a stable 16-digit name for it
        return _fingerprints.fingerprint(given, length=16)
    # none at all: the one the engine would have given it, so accepting it keeps matching once it is recorded
    return _fingerprints.finding(*(text(record.get(k)) or "" for k in ("operation", "check", "classification",
                                                                       "message")))


def clean_meta(meta: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("run_id", "started_at", "finished_at", "profile", "shard"):
        if key in meta:
            out[key] = text(meta[key])
    for key in ("exit_code", "max_examples", "workers"):
        if key in meta:
            out[key] = integer(meta[key])
    if "seed" in meta:
        seed = meta["seed"]
        out["seed"] = seed if isinstance(seed, (int, str)) and not isinstance(seed, bool) else text(seed)
    if "status" in meta:
        status = meta["status"]
        if status not in RUN_STATUSES and status is not None:
            warnings.append(f"run.json status {status!r} is not one of {', '.join(RUN_STATUSES)}; shown as error")
            status = "error"
        out["status"] = status
    if "target" in meta:
        target = mapping(meta["target"])
        out["target"] = {**target, "kind": text(target.get("kind")) or "unknown",
                         "base_url": text(target.get("base_url"))} if target else None
    if "spec" in meta:
        spec = mapping(meta["spec"])
        out["spec"] = {**spec, **{k: text(spec.get(k)) for k in ("origin", "sha256", "title", "version")},
                       "operations": _operation_count(spec.get("operations"))} if spec else None
    if "options" in meta:
        out["options"] = mapping(meta["options"])
    if "merged_from" in meta:
        out["merged_from"] = [text(v) or "" for v in meta["merged_from"]] if isinstance(meta["merged_from"],
                                                                                          list) else []
    if "shards" in meta:
        out["shards"] = [s for s in meta["shards"] if isinstance(s, dict)] if isinstance(meta["shards"],
                                                                                         list) else []
    out["timings"] = {str(k): number(v) for k, v in mapping(meta.get("timings")).items()}
    issues = meta.get("spec_issues") if isinstance(meta.get("spec_issues"), list) else []
    out["spec_issues"] = [{"kind": text(i.get("kind")) or "unknown", "pointer": text(i.get("pointer")),
                           "message": text(i.get("message")) or "", "fingerprint": text(i.get("fingerprint"))}
                          for i in issues if isinstance(i, dict)]
    out["merge_warnings"] = [text(w) or "" for w in meta.get("merge_warnings") or []] \
        if isinstance(meta.get("merge_warnings"), list) else []
    return out


def _operation_count(value: Any) -> int | None:
    """`spec.operations` is a count; a list of operation labels is accepted too."""
    return len(value) if isinstance(value, list) else integer(value)


def clean_finding(record: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    fp = fingerprint(record)
    classification = record.get("classification")
    if classification not in CLASSIFICATIONS:
        warnings.append(f"finding {fp} ({text(record.get('operation'))}) has classification "
                        f"{classification!r}; reported as server-bug")
        classification = "server-bug"
    return {
        "operation": text(record.get("operation")) or "unknown",
        "check": text(record.get("check")) or "unknown",
        "classification": classification,
        "fingerprint": fp,
        "message": text(record.get("message")) or "",
        "reproducer": text(record.get("reproducer")) or None,
        "flaky": record.get("flaky") is True,
        "status_code": integer(record.get("status_code")),
        "time": text(record.get("time")),
        "details": mapping(record.get("details")),
    }


def clean_latency(raw: Any) -> dict[str, float | int | None] | None:
    if not isinstance(raw, dict):
        return None
    out: dict[str, float | int | None] = {k: number(raw.get(k)) for k in ("p50", "p95", "max")}
    out["count"] = integer(raw.get("count"))
    return out if any(v is not None for v in out.values()) else None


def clean_operation(record: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    name = text(record.get("operation")) or "unknown"
    status = record.get("status")
    if status not in OPERATION_STATUSES:
        warnings.append(f"operation {name} has status {status!r}; reported as error")
        status = "error"
    cases = integer(record.get("cases"))
    checks = record.get("checks")
    return {
        "operation": name,
        "status": status,
        "cases": cases if cases is not None and cases >= 0 else 0,
        "duration_s": number(record.get("duration_s")),
        "latency_ms": clean_latency(record.get("latency_ms")),
        "checks": [text(c) or "" for c in checks] if isinstance(checks, list) else [],
        "reason": text(record.get("reason")) or None,
        "cases_by_mode": {str(k): n for k, v in mapping(record.get("cases_by_mode")).items()
                          if (n := integer(v)) is not None and n >= 0},
    }


def clean_resource(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": record.get("action"),
        "resource_id": text(record.get("resource_id")) or "",
        "operation": text(record.get("operation")),
        "name": text(record.get("name")),
        "time": text(record.get("time")),
    }


def clean_coverage(record: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """A coverage record (`{operation, statuses: {"200": 3}, checked, source, reason}`): status keys that are not
    HTTP codes and counts that are not non-negative integers are dropped (with a warning)."""
    name = text(record.get("operation")) or "unknown"
    statuses: dict[str, int] = {}
    raw = record.get("statuses")
    for code, count in mapping(raw).items():
        key, value = str(code).strip(), integer(count)
        if not (key.isdigit() and len(key) == 3) or value is None or value < 0:
            warnings.append(f"coverage of {name}: ignored status count {code!r}: {count!r}")
            continue
        statuses[key] = statuses.get(key, 0) + value
    if raw is not None and not isinstance(raw, dict):
        warnings.append(f"coverage of {name}: statuses is not an object, ignored")
    checked = integer(record.get("checked"))
    return {
        "operation": name,
        "statuses": statuses,
        "checked": checked if checked is not None and checked >= 0 else sum(statuses.values()),
        "source": text(record.get("source")) or "unknown",
        "reason": text(record.get("reason")) or None,
    }
