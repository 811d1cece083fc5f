"""Live progress of a contract run: the operation being fuzzed, the cases it has sent, how long it has run.

pytest names a test when it starts and prints its outcome when it ends, and one operation may fuzz for a minute.
While it runs, this shows what it is doing:

- on a terminal: a short status after pytest's own line (`[POST /assistant: 120 cases, 12 s]`), rewritten in
  place at most 4 times a second and erased before pytest prints the outcome;
- not on a terminal (CI logs): a plain line every 15 s for an operation still running;
- with `-q`: nothing;
- in a pytest-xdist worker: plain lines prefixed by the worker (`[gw1] POST /assistant: ...`) on the shared
  stderr, never rewritten in place, so workers never fight over one terminal line.

`Progress` is the unit (a stream-like `write`, a clock): the engine calls `start(label)`, `update(cases)` after
each case and `finish()`; `start_session(config)` wires one to pytest's terminal and capture for a run's session.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable

LIVE_EVERY_S = 0.25  # a terminal line: at most 4 rewrites a second
LINES_EVERY_S = 15.0  # a log: one line per 15 s of a long operation
_CSI = "\x1b["


class Progress:
    """Progress of one operation at a time.

    WRITE receives text as it should reach the stream. LIVE: rewrite a status in place (a terminal); otherwise
    one line per EVERY_S. COLUMN is where the terminal line stands (pytest's own line: `width_of_current_line`),
    COLUMNS the terminal's width. A status goes beside pytest's line when it fits, else on the row below (the
    cursor is brought back to the end of pytest's line when the operation ends); it never wraps."""

    def __init__(self, write: Callable[[str], None], *, live: bool, clock: Callable[[], float] = time.monotonic,
                 every_s: float | None = None, prefix: str = "", column: Callable[[], int] = lambda: 0,
                 columns: Callable[[], int] = lambda: 80):
        self.write, self.live, self.clock, self.prefix = write, live, clock, prefix
        self.column, self.columns = column, columns
        self.every_s = every_s if every_s is not None else (LIVE_EVERY_S if live else LINES_EVERY_S)
        self.label: str | None = None
        self.cases = 0
        self.started = self.last = 0.0
        self.shown = 0  # characters of the status now on the terminal (live)
        self.place: str | None = None  # "beside" pytest's line, "below" it, or None (not decided / nowhere)
        self._back_to = 0  # below: the column of pytest's line to come back to

    def start(self, label: str) -> None:
        self.finish()
        self.label, self.cases = label, 0
        self.started = self.last = self.clock()

    def update(self, cases: int) -> None:
        """CASES sent so far by the running operation; shown when the last write is EVERY_S old."""
        if self.label is None:
            return
        self.cases = cases
        now = self.clock()
        if now - self.last < self.every_s:
            return
        self.last = now
        counts = f"{self.cases} {'case' if self.cases == 1 else 'cases'}, {now - self.started:.0f} s"
        if self.live:  # pytest -v names the test on its line already: short of room, the label goes first
            self._show(f" [{self.label}: {counts}]", f" [{counts}]")
        else:
            self.write(f"{self.prefix}{self.label}: {counts}\n")

    def finish(self) -> None:
        """The operation ended: erase the live status, so pytest's outcome lands where it expects."""
        if self.place == "beside" and self.shown:
            self.write(f"{_CSI}{self.shown}D{_CSI}K")
        elif self.place == "below":
            self.write(f"\r{_CSI}K{_CSI}A{_CSI}{self._back_to + 1}G")
        self.shown, self.place, self.label = 0, None, None

    def _show(self, status: str, short: str) -> None:
        columns = max(1, self.columns())
        if self.place is None:
            column = self.column()
            room = columns - column - 1
            if len(short) <= room:
                self.place = "beside"
            elif column % columns:  # (a line that fills the row exactly leaves no column to come back to)
                self.place, self._back_to = "below", column % columns
                self.write("\n")
            else:
                return
        if self.place == "beside":
            room = columns - self.column() - 1  # pytest's column: our status is not in it
            status = next((s for s in (status, short) if len(s) <= room), "")
            back = f"{_CSI}{self.shown}D{_CSI}K" if self.shown else ""
        else:
            status, back = status.strip()[: columns - 1], f"\r{_CSI}K"
        if status or back:
            self.write(back + status)
        self.shown = len(status)


class _Silent(Progress):
    def __init__(self):
        super().__init__(lambda text: None, live=False)

    def update(self, cases: int) -> None:
        return None


_CURRENT: list[Progress] = []


def current() -> Progress:
    """The run's progress (a silent one outside a contract run's pytest session)."""
    return _CURRENT[-1] if _CURRENT else _SILENT


_SILENT = _Silent()


def install(progress: Progress) -> Progress:
    _CURRENT[:] = [progress]
    return progress


def uninstall() -> None:
    current().finish()
    _CURRENT.clear()


def for_session(config) -> Progress | None:
    """The progress a contract run's pytest session shows (None: silent, e.g. `-q`)."""
    if config.get_verbosity() < 0:
        return None
    capman = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    worker = os.environ.get("PYTEST_XDIST_WORKER") if hasattr(config, "workerinput") else None

    def uncaptured():
        from .budget import paused  # no time-budget signal in the middle of an escape sequence

        stack = contextlib.ExitStack()
        stack.enter_context(paused())
        if capman is not None:
            stack.enter_context(capman.global_and_fixture_disabled())
        return stack

    if worker is not None or reporter is None:  # plain lines on stderr, named by the worker
        def write_line(text: str) -> None:
            # the controller may have left its line open ("nodeid " of a running test): start a line of our
            # own, and leave it open for the controller, which starts its next line itself
            with uncaptured():
                sys.stderr.write("\n" + text.rstrip("\n") if worker else text)
                sys.stderr.flush()

        return Progress(write_line, live=False, prefix=f"[{worker}] " if worker else "vapi-contract: ")
    tw = reporter._tw
    if not bool(getattr(reporter, "isatty", False)):  # pytest's own reading of its stream
        def write_log(text: str) -> None:  # a line of its own; pytest names the test again before its outcome
            with uncaptured():
                reporter.ensure_newline()
                reporter.write(text.rstrip("\n"), flush=True)
                reporter.currentfspath = -2

        return Progress(write_log, live=False, prefix="  ")

    def write_raw(text: str) -> None:  # beside pytest's line, not through its writer (its width stays true)
        with uncaptured():
            tw._file.write(text)
            tw._file.flush()

    return Progress(write_raw, live=True, column=lambda: tw.width_of_current_line, columns=lambda: tw.fullwidth)


def start_session(config) -> None:
    """Install the progress of a contract run's pytest session (the plugin calls this when the run's context is
    set); it is removed when the session's config is cleaned up."""
    try:
        progress = for_session(config)
    except Exception:  # noqa: BLE001 -- a pytest without what we read: the run goes on, without progress
        progress = None
    if progress is not None:
        install(progress)
        config.add_cleanup(uninstall)
