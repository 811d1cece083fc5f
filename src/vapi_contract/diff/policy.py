"""The deprecation policy oasdiff applies to `deprecated`, `x-sunset` and `x-stability-level`.

An element is deprecated with an optional sunset date (`x-sunset: 2027-01-31`, an RFC 3339 date or date-time)
and an optional stability level (`x-stability-level`: draft < alpha < beta < stable; absent means stable).
The policy says how many days a deprecated element must live before its sunset: 0 for draft and alpha, and
`beta_days` / `stable_days` otherwise. Both default to 0, as in oasdiff, so by default a deprecation without a
sunset is information and only a sunset already in the past (or broken) is an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SUNSET = "x-sunset"
STABILITY = "x-stability-level"
STABILITY_ORDER = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}


class PolicyValueError(ValueError):
    """An x-sunset or x-stability-level value that cannot be read."""


@dataclass(frozen=True)
class Policy:
    beta_days: int = 0
    stable_days: int = 0
    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())

    def days_required(self, stability: str | None) -> int:
        if stability in ("draft", "alpha"):
            return 0
        return self.beta_days if stability == "beta" else self.stable_days


def sunset_of(node: dict) -> dt.date | None:
    """The x-sunset date of NODE, None when there is none; PolicyValueError when it cannot be parsed."""
    if not isinstance(node, dict) or SUNSET not in node:
        return None
    value = node[SUNSET]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):  # YAML reads an unquoted date as a date
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text) if len(text) == 10 else \
                dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise PolicyValueError(f"x-sunset {value!r} is not an RFC 3339 date")


def stability_of(node: dict) -> str | None:
    """The x-stability-level of NODE (None when absent); PolicyValueError for anything but the four levels."""
    if not isinstance(node, dict) or node.get(STABILITY) is None:
        return None
    value = node[STABILITY]
    if not isinstance(value, str) or value not in STABILITY_ORDER:
        raise PolicyValueError(f"x-stability-level {value!r} is not one of draft, alpha, beta, stable")
    return value


def safe_sunset(node: dict) -> tuple[dt.date | None, str | None]:
    """(date, error) without raising."""
    try:
        return sunset_of(node), None
    except PolicyValueError as exc:
        return None, str(exc)


def safe_stability(node: dict) -> tuple[str | None, str | None]:
    try:
        return stability_of(node), None
    except PolicyValueError as exc:
        return None, str(exc)
