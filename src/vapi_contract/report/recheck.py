"""When may a report call an accepted finding "fixed"? Only when this run checked it again with a case of the same
kind; otherwise it is "not covered" (nothing ran that could have shown it again).

An unseen accepted entry is re-checked when
- its operation ran to the end (an operation record with a fully-tested status) or showed other findings;
- the entry's check ran there: it is in the record's `checks` (the fuzzed battery), or, for a check the battery
  does not list (lifecycle checks such as `patch_persisted`), a hand-built exchange was checked on that operation;
- a case of the entry's kind ran: a case of that generation mode (`positive`/`negative`) on the operation
  (`cases_by_mode`; older runs: a mode the run used), or an exchange source (`lifecycle`, `behaviour`, `auth`, ...)
  with a checked response on that operation (coverage records).
An entry without an operation cannot be shown re-checked. Entries without a kind or check keep the weaker rule
(the operation ran), as before kinds existed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..evidence.model import OperationRecord
from .baseline import FUZZ_KINDS, Accepted

FULLY_TESTED = frozenset({"passed", "failed"})  # operation statuses that ran every case they meant to
FUZZ_SOURCE = "fuzz"


def rechecker(operations: Iterable[OperationRecord], coverage: Iterable[dict[str, Any]],
              findings: Iterable[dict[str, Any]], options: dict[str, Any]) -> Callable[[Accepted], bool]:
    """`rechecked(entry)` for this run's evidence (operation records, coverage records, findings, run options)."""
    ran: set[str] = {str(f.get("operation")) for f in findings}
    battery: dict[str, set[str] | None] = {}  # operation -> checks run on its fuzzed cases (None: not recorded)
    by_mode: dict[str, dict[str, int]] = {}  # operation -> cases per generation mode (absent: not recorded)
    for record in operations:
        if record.status not in FULLY_TESTED:
            continue
        label = record.operation
        ran.add(label)
        if record.cases_by_mode:
            mine = by_mode.setdefault(label, {})
            for mode, n in record.cases_by_mode.items():
                if n > 0:
                    mine[mode] = mine.get(mode, 0) + n
        if record.checks is None or battery.get(label, set()) is None:
            battery[label] = None
        else:
            battery[label] = (battery.get(label) or set()) | set(record.checks)
    sources: dict[str, set[str]] = {}  # operation -> exchange sources with a checked response
    for record in coverage:
        if isinstance(record.get("checked"), int) and record["checked"] > 0:
            sources.setdefault(str(record.get("operation")), set()).add(str(record.get("source")))
    modes = options.get("modes") if isinstance(options, dict) else None
    modes = {str(m) for m in modes} if isinstance(modes, list) else None  # older runs: not recorded

    def check_ran(label: str, check: str | None) -> bool:
        checks = battery.get(label)
        if check is None or checks is None or check in checks:
            return True
        return bool(sources.get(label, set()) - {FUZZ_SOURCE})  # a lifecycle or other exchange check ran there

    def rechecked(entry: Accepted) -> bool:
        label = entry.operation
        if label is None or label not in ran:
            return False
        kind = entry.kind
        if kind in FUZZ_KINDS:  # cases of that mode ran on this operation (or at least the run used the mode)
            mode_ran = by_mode[label].get(kind, 0) > 0 if label in by_mode else (modes is None or kind in modes)
            checks = battery.get(label)
            return mode_ran and (entry.check is None or checks is None or entry.check in checks)
        if kind is not None:
            return kind in sources.get(label, set())
        return check_ran(label, entry.check)

    return rechecked
