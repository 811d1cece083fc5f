"""Trends across nights: `reports/history.json`, one entry per night, appended atomically.

Each entry holds the night's counts (contract findings new/known/fixed, spec validation errors, breaking changes,
pass rate, latency). A second run on the same night replaces that night's entry, so the file stays one point per
night. Writers take a lock and replace the file atomically (vapi_contract.fsutil): a crash never leaves half a
file, and two concurrent nights never lose each other's entry.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..errors import VapiContractError
from ..fsutil import atomic_write

FORMAT_VERSION = 1
KEEP_NIGHTS = 400  # a bit over a year of nights; older points are dropped
LOCK_TIMEOUT_S = 60.0


class HistoryError(VapiContractError):
    exit_code = 2


def read(path: Path) -> list[dict[str, Any]]:
    """Nights in chronological order; an absent file is an empty history, a corrupt one an error."""
    if path.is_dir():
        raise HistoryError(f"{path}: is a folder, not a trend history file (--history)")
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read the trend history ({exc.strerror or exc})") from None
    except (ValueError, RecursionError) as exc:
        raise HistoryError(f"{path}: corrupt trend history ({exc}); move it aside to start a new one") from None
    if not isinstance(data, dict) or not isinstance(data.get("nights"), list):
        raise HistoryError(f"{path}: not a trend history (expected {{'nights': [...]}})")
    for i, night in enumerate(data["nights"], start=1):
        if not isinstance(night, dict) or not isinstance(night.get("night"), str):
            raise HistoryError(f"{path}: night {i} is not an entry with a 'night' date; move the file aside "
                               "to start a new history")
    return data["nights"]


def append(path: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Add ENTRY (must have `night`, a YYYY-MM-DD date) replacing any entry of the same night; returns the nights.

    Read, change and write happen under `<history>.lock`: two concurrent nights never lose each other's entry.
    """
    from filelock import FileLock, Timeout

    if not isinstance(entry.get("night"), str):
        raise TypeError("a history entry needs a 'night' date")
    if path.is_dir():
        raise HistoryError(f"{path}: is a folder, not a trend history file (--history)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_S):
            nights = [n for n in read(path) if n.get("night") != entry["night"]]
            nights.append(entry)
            nights.sort(key=lambda n: (n["night"], str(n.get("finished_at") or "")))
            nights = nights[-KEEP_NIGHTS:]
            atomic_write(path, json.dumps({"version": FORMAT_VERSION, "nights": nights}, indent=1, sort_keys=True)
                         + "\n")
    except Timeout:
        raise HistoryError(f"{path}: still locked by another night after {LOCK_TIMEOUT_S:.0f} s "
                           f"({path}.lock)") from None
    except OSError as exc:
        raise HistoryError(f"cannot write the trend history {path}: {exc.strerror or exc}") from None
    return nights


def charts(nights: list[dict[str, Any]]) -> list[str]:
    """Inline SVG trend charts: findings per night, pass rate, spec errors, p95 latency; spec changes marked.
    Counts are bars (a night's count is not a point on a curve), rates and latencies lines."""
    from ..render.charts import column_chart, line_chart

    def series(*keys: str) -> list[tuple[str, float | None]]:
        out = []
        for night in nights:
            value: Any = night
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            out.append((night["night"], value if number else None))  # a hand-edited point is a gap, not a crash
        return out

    markers = [
        (n["night"], f"spec {str(n.get('snapshot_id') or '')[:12]}".strip())
        for n in nights
        if n.get("spec_changed")
    ]
    return [
        column_chart(
            {  # palette order is blue, red, green: new findings get the red
                "known findings": series("findings", "known"),
                "new findings": series("findings", "new"),
                "fixed findings": series("findings", "fixed"),
            },
            title="Contract findings per night",
            markers=markers,
        ),
        line_chart(
            {"operations passing": series("pass_rate")},
            title="Pass rate per night (% of operations passing)",
            unit="%",
            markers=markers,
        ),
        column_chart(
            {
                "spec errors (total)": series("spec_errors", "total"),
                "new spec errors": series("spec_errors", "new"),
                "breaking changes (diff vs previous snapshot)": series("spec_changes", "error"),
            },
            title="Spec validation errors and breaking changes per night",
            markers=markers,
        ),
        line_chart(
            {"p95 latency (worst operation)": series("latency_ms", "p95_max"),
             "median p95 latency": series("latency_ms", "p95_median")},
            title="Latency per night",
            unit="ms",
            markers=markers,
        ),
    ]
