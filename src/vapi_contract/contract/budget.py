"""Per-operation time budget and memory cap: a slow or memory-hungry operation is cut and reported, it never hangs
or kills the run.

A SIGALRM interval timer (main thread; pytest-xdist runs tests there) checks elapsed time and RSS every 0.25 s and
raises `OperationCut`, a BaseException so that hypothesis does not treat it as a test failure to shrink: it unwinds
straight out of data generation, however deep in a strategy it is.
"""

from __future__ import annotations

import os
import signal
import struct
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

TICK_S = 0.25
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class OperationCut(BaseException):
    """The operation exceeded its time budget or memory cap; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Requests kept aside from a request budget for what is not fuzzing: per lifecycle, per auth-probed operation.
LIFECYCLE_REQUESTS, AUTH_REQUESTS = 40, 4


class RequestBudgetExhausted(OperationCut):
    """The run's request budget is spent: like a time budget, it stops the operation (a BaseException, so
    hypothesis does not try to shrink it) and the operation is reported as not fully tested."""


class ShareSpent(BaseException):
    """The operation used its share of the run's request budget: it stops generating, and its cases stand (a
    BaseException, so hypothesis does not shrink it). Without shares the first operations would spend the whole
    budget and the last ones would not be tested at all, on a spec with more operations than the budget covers."""


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class Watchdog:
    def __init__(self, budget_s: float, memory_cap_mb: float):
        self.budget_s = budget_s
        self.memory_cap_mb = memory_cap_mb
        self.started = time.monotonic()
        self.peak_rss_mb = rss_mb()
        self.fired: str | None = None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.budget_s - self.elapsed()

    def check(self) -> None:
        """Raise OperationCut when over budget; also callable between cases (cheap)."""
        if self.fired:
            raise OperationCut(self.fired)
        rss = rss_mb()
        self.peak_rss_mb = max(self.peak_rss_mb, rss)
        if self.elapsed() > self.budget_s:
            self.fired = f"cut after its {self.budget_s:.0f} s time budget"
        elif self.memory_cap_mb and rss > self.memory_cap_mb:
            self.fired = f"cut at {rss:.0f} MB RSS (memory cap {self.memory_cap_mb:.0f} MB)"
        if self.fired:
            raise OperationCut(self.fired)


@contextmanager
def watch(budget_s: float, memory_cap_mb: float):
    """Yield a Watchdog; enforce it asynchronously while the block runs (when signals are available)."""
    dog = Watchdog(budget_s, memory_cap_mb)
    use_signal = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = None
    if use_signal:
        def on_tick(signum, frame):
            dog.check()

        previous = signal.signal(signal.SIGALRM, on_tick)
        signal.setitimer(signal.ITIMER_REAL, TICK_S, TICK_S)
    try:
        yield dog
    finally:
        if use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
            signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)


@contextmanager
def paused():
    """Stop the timer while doing work that must not be interrupted (writing evidence, replaying a failure)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    remaining = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, 0, 0)
    try:
        yield
    finally:
        if remaining[0] or remaining[1]:
            signal.setitimer(signal.ITIMER_REAL, remaining[0] or TICK_S, remaining[1] or TICK_S)


_STATE = struct.Struct("<dq")  # next free send slot (monotonic seconds), requests granted so far
LIMITS_FILE = ".request-limits"  # in the run dir: the schedule every worker of the run draws from


def requests_sent(path: str | Path) -> int | None:
    """Requests a run's workers sent under its limits (None: the run had no budget or rate limit)."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None
    return _STATE.unpack(raw)[1] if len(raw) == _STATE.size else None


class RequestLimits:
    """A request budget and a rate limit that hold for the whole run, whatever the number of processes.

    Every request takes the next send slot of one schedule (slots 1/rate apart, never in the past) and one unit
    of the budget. With `path`, the schedule lives in a 16-byte file under a file lock, so all xdist workers of a
    run draw from the same bucket (CLOCK_MONOTONIC is system-wide); without it, in this process only. The wait
    for a slot happens outside the lock. A CI shard gets its share of budget and rate in `RunOptions`.
    """

    def __init__(self, budget: int = 0, rate: float = 0.0, path: str | Path | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.budget = max(0, int(budget))
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.path = Path(path) if path else None
        self.clock, self.sleep = clock, sleep
        self.granted = 0  # by this process
        self._local = [0.0, 0]
        self._thread_lock = threading.Lock()
        self._file_lock = None
        self._fd: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.budget or self.interval)

    def acquire(self) -> None:
        """Wait for this request's slot; raise RequestBudgetExhausted when the run's budget is spent."""
        if not self.active:
            self.granted += 1
            return
        with self._locked() as state:
            next_slot, sent = state
            if self.budget and sent >= self.budget:
                raise RequestBudgetExhausted(f"request budget of {self.budget} requests (whole run) exhausted")
            now = self.clock()
            slot = max(now, next_slot) if self.interval else now
            state[:] = [slot + self.interval, sent + 1]
        self.granted += 1
        if slot > now:
            self.sleep(slot - now)

    def sent(self) -> int:
        """Requests granted so far by every process of the run."""
        if not self.active:
            return self.granted
        with self._locked() as state:
            return int(state[1])

    @contextmanager
    def _locked(self):
        if self.path is None:
            with self._thread_lock:
                yield self._local
            return
        if self._file_lock is None:
            from filelock import FileLock

            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file_lock = FileLock(str(self.path) + ".lock")
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._thread_lock, self._file_lock:
            raw = os.pread(self._fd, _STATE.size, 0)
            state = list(_STATE.unpack(raw)) if len(raw) == _STATE.size else [0.0, 0]
            before = list(state)
            yield state
            if state != before:
                os.pwrite(self._fd, _STATE.pack(float(state[0]), int(state[1])), 0)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
