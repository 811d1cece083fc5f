"""Debounce for drift alerts: a published change is alerted once it has persisted, so one partial publish
(operations that appear and vanish again within hours) never pages twice.

State (`STORE/snapshots/drift-state.json`: beside the snapshots, because every job that keeps the store keeps
that folder, so the window survives between CI runs without a workflow of its own): the *baseline* (the snapshot the last alert, or the first fetch, settled on)
and, while the published contract differs from it, a *pending* window: when it opened, which snapshots were
published meanwhile, which operations appeared or vanished along the way, and the *current* content with the
time and number of fetches it has been seen. The current content is confirmed, and alerted as one diff
baseline -> it, once it has lived `minutes` (from the fetch that first saw it to a fetch that sees it still, or
sees it replaced) or was seen by `fetches` consecutive fetches; 0 turns a criterion off, both 0 alert at once.
Content replaced before that joins the window without an alert; a window that returns to the baseline's
contract is a flap: recorded once, never paged.

Default (docs/diff.md): 1440 minutes. In the shared history the longest partial publish lasted 22 h 05 min
(2024-12-10: 42 -> 107 -> 42 operations), the others 1 h 33 min to 19 h 07 min; a day covers them all.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..fsutil import atomic_write

STATE_FILE = "snapshots/drift-state.json"
DEFAULT_MINUTES = 1440
DEFAULT_FETCHES = 0  # off: the drift job's cadence may change, time is what a partial publish is measured in


@dataclass(frozen=True)
class Debounce:
    fetches: int = DEFAULT_FETCHES
    minutes: float = DEFAULT_MINUTES

    def __post_init__(self):
        if self.fetches < 0 or not self.minutes >= 0:  # `not >=` also refuses NaN
            raise UsageError("debounce: --debounce-fetches and --debounce-minutes must be 0 or more")

    def confirmed(self, pending: Pending, now: dt.datetime) -> bool:
        """Has the pending window's current content lived long enough (as of NOW) to be alerted?"""
        if self.fetches == 0 and self.minutes == 0:
            return True  # no debounce: every change is alerted at once
        by_count = self.fetches > 0 and pending.current_fetches >= self.fetches
        by_time = self.minutes > 0 and (now - pending.current_time) >= dt.timedelta(minutes=self.minutes)
        return by_count or by_time


@dataclass
class Pending:
    since: str  # ISO time the published contract first differed from the baseline
    fetches: int = 0  # fetches in the window
    snapshots: list[str] = field(default_factory=list)  # snapshot ids published in the window, in order
    appeared: list[str] = field(default_factory=list)  # operations not in the baseline seen at some fetch
    vanished: list[str] = field(default_factory=list)  # baseline operations missing at some fetch
    current: str | None = None  # snapshot id of what is published now
    current_since: str | None = None  # ISO time the first fetch saw it
    current_fetches: int = 0  # consecutive fetches that saw it

    @property
    def since_time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.since)

    @property
    def current_time(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.current_since or self.since)

    def observe(self, snapshot_id: str, baseline_ops: set[str], ops: set[str], now: dt.datetime) -> None:
        self.fetches += 1
        if self.current != snapshot_id:
            self.current, self.current_since, self.current_fetches = snapshot_id, now.isoformat(), 0
            self.snapshots.append(snapshot_id)
        self.current_fetches += 1
        self.appeared = sorted(set(self.appeared) | (ops - baseline_ops))
        self.vanished = sorted(set(self.vanished) | (baseline_ops - ops))

    def flapped(self, final_ops: set[str]) -> tuple[list[str], list[str]]:
        """(appeared then vanished again, vanished then came back) over the window, judged against FINAL_OPS."""
        return (sorted(set(self.appeared) - final_ops), sorted(set(self.vanished) & final_ops))


@dataclass
class DriftState:
    baseline: str | None = None  # snapshot id
    pending: Pending | None = None

    @classmethod
    def load(cls, store_dir: Path) -> DriftState:
        path = Path(store_dir) / STATE_FILE
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pending = data.get("pending")
            state = cls(baseline=data.get("baseline"), pending=Pending(**pending) if pending else None)
            if state.pending is not None:
                state.pending.since_time, state.pending.current_time  # noqa: B018 -- fail here, not mid-run
            return state
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise UsageError(f"{path}: unreadable drift state ({exc}); delete it to start from the newest snapshot") \
                from None

    def save(self, store_dir: Path) -> None:
        data = {"baseline": self.baseline, "pending": asdict(self.pending) if self.pending else None}
        path = Path(store_dir) / STATE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(data, indent=2) + "\n")
