"""Per-operation time budget and memory cap: a slow or memory-hungry operation is cut and reported, it never hangs
or kills the run.

A SIGALRM interval timer (main thread; pytest-xdist runs tests there) checks elapsed time and RSS every 0.25 s and
raises `OperationCut`, a BaseException so that hypothesis does not treat it as a test failure to shrink: it unwinds
straight out of data generation, however deep in a strategy it is.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager

TICK_S = 0.25
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class OperationCut(BaseException):
    """The operation exceeded its time budget or memory cap; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Requests kept aside from a request budget for what is not fuzzing: per lifecycle, per auth-probed operation.
LIFECYCLE_REQUESTS, AUTH_REQUESTS = 40, 4


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
