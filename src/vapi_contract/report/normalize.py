"""Plain evidence records (resources, coverage counts) coerced to the documented types; findings, operations,
spec issues and run.json are typed records read by the evidence layer (vapi_contract/evidence/model.py), whose
lossless coercions are reused here.

Each `clean_*` returns a new dict with exactly the fields the summary uses, each of its documented type; a
value of the wrong type is converted when that is lossless (`7` -> `"7"`) and dropped otherwise.
"""

from __future__ import annotations

from typing import Any

from ..evidence.model import (  # noqa: F401 - the report's vocabulary
    CLASSIFICATIONS,
    OPERATION_STATUSES,
    RUN_STATUSES,
    integer,
    mapping,
    number,
    text,
)


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
