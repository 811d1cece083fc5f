"""Latency budget per operation: p50/p95 over every response of the operation, a finding when p95 exceeds the
budget (`--latency-budget`, ms). Aggregate, so it runs once per operation instead of per response."""

from __future__ import annotations

import math

from . import check


def percentile(samples: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `samples`; None when empty."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(samples_ms: list[float]) -> dict:
    return {
        "count": len(samples_ms),
        "p50": None if not samples_ms else round(percentile(samples_ms, 50), 1),
        "p95": None if not samples_ms else round(percentile(samples_ms, 95), 1),
        "max": None if not samples_ms else round(max(samples_ms), 1),
    }


@check(aggregate=True)
def latency_budget(samples_ms: list[float], budget_ms: float, min_samples: int = 3) -> str | None:
    """A one-line violation, or None. Too few samples say nothing about a percentile, so they never fail."""
    if budget_ms <= 0 or len(samples_ms) < min_samples:
        return None
    p95 = percentile(samples_ms, 95)
    if p95 > budget_ms:
        # the measured figures vary night to night: detail line, not part of the fingerprinted cause
        return (f"p95 latency exceeds the budget of {budget_ms:.0f} ms\n"
                f"p95 {p95:.0f} ms over {len(samples_ms)} responses")
    return None
