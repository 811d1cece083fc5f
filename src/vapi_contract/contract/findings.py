"""A contract finding as the suite passes it around: one typed object from the check that raised it to the test
that reports it; a dict only at the evidence boundary (`record()`, written to findings*.jsonl)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from . import triage


@dataclass
class Finding:
    operation: str  # the operation whose response showed it, e.g. "GET /assistant/{id}"
    check: str
    classification: str  # server-bug | spec-gap | infra
    fingerprint: str
    message: str
    reproducer: str
    flaky: bool = False  # replayed once and not seen again
    status_code: int | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def real(self) -> bool:
        """A contract finding that stands: confirmed by its replay, not the target failing to answer."""
        return not self.flaky and self.classification != triage.INFRA

    def line(self) -> str:
        return f"[{self.classification}] {self.operation} {self.check}: {self.message}"

    def record(self) -> dict[str, Any]:
        return asdict(self)
