"""Success-path coverage, worker side: every response the run checks is counted per operation, status and source
(fuzz, lifecycle, auth, teardown, behaviour, harvest) and flushed to `coverage*.jsonl` after each test, so the
report can say which operations received a documented success answer that was checked, and why the others did not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Coverage:
    writer: object  # RunWriter
    _counts: dict[tuple[str, str], Counter] = field(default_factory=dict)
    _reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    _succeeded: set[str] = field(default_factory=set)  # kept across flushes: this worker saw a 2xx for these

    def saw(self, label: str, source: str, status: int) -> None:
        """One response to `label`, received and run through the check battery."""
        self._counts.setdefault((label, source), Counter())[int(status)] += 1
        if 200 <= int(status) < 300:
            self._succeeded.add(label)

    def because(self, label: str, source: str, reason: str) -> None:
        """Why `label` may lack a success answer from this source (no object to address, create refused...)."""
        self._reasons[(label, source)] = reason

    def success(self, label: str) -> bool:
        return label in self._succeeded

    def flush(self) -> None:
        keys = set(self._counts) | set(self._reasons)
        for label, source in sorted(keys):
            counts = self._counts.get((label, source), Counter())
            self.writer.coverage({
                "operation": label, "source": source, "checked": sum(counts.values()),
                "statuses": {str(code): n for code, n in sorted(counts.items())},
                "reason": self._reasons.get((label, source)),
            })
        self._counts.clear()
        self._reasons.clear()
