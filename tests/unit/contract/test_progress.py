"""Live progress of a contract run (contract/progress.py), with a fake clock and a fake stream."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from vapi_contract.contract import progress as progress_mod
from vapi_contract.contract.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Screen:
    """A terminal: rows of text, a cursor, autowrap, and the controls the live status uses (\\r, \\n as the tty
    sends it, CSI n D / A / n G / K)."""

    def __init__(self, text: str = "", columns: int = 200):
        self.rows, self.r, self.c, self.columns, self.writes = [""], 0, 0, columns, 0
        self.put(text)

    @property
    def column(self) -> int:  # what pytest's writer counts: characters since its last newline
        return len(self.pytest_line)

    def put(self, text: str) -> None:  # pytest writing its own line
        self.pytest_line = getattr(self, "pytest_line", "") + text
        self._emit(text)

    def write(self, data: str) -> None:
        self.writes += 1
        self._emit(data)

    def _emit(self, data: str) -> None:
        for token in re.findall(r"\x1b\[\d*[DAGK]|[^\x1b]", data, flags=re.DOTALL):
            if token == "\n":
                self.r, self.c = self.r + 1, 0
            elif token == "\r":
                self.c = 0
            elif token.startswith("\x1b"):
                n, code = int(token[2:-1] or 1), token[-1]
                if code == "D":
                    self.c = max(0, self.c - n)
                elif code == "A":
                    self.r = max(0, self.r - 1)
                elif code == "G":
                    self.c = n - 1
                else:
                    self._row(self.r)
                    self.rows[self.r] = self.rows[self.r][: self.c]
                continue
            else:
                if self.c >= self.columns:  # autowrap
                    self.r, self.c = self.r + 1, 0
                row = self._row(self.r).ljust(self.c)
                self.rows[self.r] = row[: self.c] + token + row[self.c + 1:]
                self.c += 1
            self._row(self.r)

    def _row(self, r: int) -> str:
        while len(self.rows) <= r:
            self.rows.append("")
        return self.rows[r]

    def text(self) -> str:
        return "\n".join(self.rows).rstrip("\n")


def live(screen: Screen, clock: Clock) -> Progress:
    return Progress(screen.write, live=True, clock=clock, column=lambda: screen.column,
                    columns=lambda: screen.columns)


PYTEST_LINE = "test_operations.py::test_operation[POST /assistant] "


def test_the_live_status_sits_beside_pytests_line_and_is_erased_before_the_outcome():
    clock, screen = Clock(), Screen(PYTEST_LINE)
    progress = live(screen, clock)
    progress.start("POST /assistant")
    progress.update(1)
    assert screen.writes == 0  # nothing for an operation that ends at once
    clock.now += 0.3
    progress.update(12)
    assert screen.text() == PYTEST_LINE + " [POST /assistant: 12 cases, 0 s]"
    clock.now += 61
    progress.update(1500)
    assert screen.text() == PYTEST_LINE + " [POST /assistant: 1500 cases, 61 s]"
    progress.finish()
    screen.put("PASSED")
    assert screen.text() == PYTEST_LINE + "PASSED"


def test_live_updates_are_throttled_to_four_a_second():
    clock, screen = Clock(), Screen()
    progress = live(screen, clock)
    progress.start("GET /call")
    for case in range(1, 1001):  # a case every 10 ms for 10 s
        clock.now += 0.01
        progress.update(case)
    assert 35 <= screen.writes <= 40
    assert screen.text() == " [GET /call: 1000 cases, 10 s]"


def test_short_of_room_the_label_goes_first_then_the_status_moves_below():
    clock = Clock()
    screen = Screen(PYTEST_LINE, columns=len(PYTEST_LINE) + 20)
    progress = live(screen, clock)
    progress.start("POST /assistant")
    clock.now += 1
    progress.update(7)
    assert screen.text() == PYTEST_LINE + " [7 cases, 1 s]"  # pytest -v names the test already
    progress.finish()
    screen.put("PASSED")
    assert screen.text() == PYTEST_LINE + "PASSED"

    for columns in (40, 60):  # pytest's line wraps on 40 columns: the status still comes back to its end
        clock, screen = Clock(), Screen(PYTEST_LINE, columns=columns)
        progress = live(screen, clock)
        progress.start("POST /assistant")
        for second in (1, 2):
            clock.now += 1
            progress.update(second * 10)
        rows = screen.text().split("\n")
        assert rows[-1] == "[POST /assistant: 20 cases, 2 s]" and len(rows[-1]) < columns
        progress.finish()
        screen.put("PASSED")
        assert screen.text().replace("\n", "") == PYTEST_LINE + "PASSED", columns


def test_a_line_that_fills_its_row_exactly_gets_no_status():
    clock, screen = Clock(), Screen(PYTEST_LINE, columns=len(PYTEST_LINE))
    progress = live(screen, clock)
    progress.start("POST /assistant")
    clock.now += 1
    progress.update(3)
    progress.finish()
    assert screen.writes == 0


def test_not_on_a_terminal_a_long_operation_gets_a_plain_line_every_15_seconds():
    clock, lines = Clock(), []
    progress = Progress(lines.append, live=False, clock=clock, prefix="[gw1] ")
    progress.start("POST /squad")
    for second in range(1, 50):
        clock.now += 1
        progress.update(second * 10)
    progress.finish()
    assert lines == ["[gw1] POST /squad: 150 cases, 15 s\n", "[gw1] POST /squad: 300 cases, 30 s\n",
                     "[gw1] POST /squad: 450 cases, 45 s\n"]
    progress.update(999)  # after finish: nothing is running
    assert len(lines) == 3


def test_one_case_is_one_case():
    clock, lines = Clock(), []
    progress = Progress(lines.append, live=False, clock=clock)
    progress.start("GET /x")
    clock.now += 20
    progress.update(1)
    assert lines == ["GET /x: 1 case, 20 s\n"]


def _config(verbosity: int, *, worker: bool = False, tty: bool = True, plugins: dict | None = None):
    tw = SimpleNamespace(fullwidth=120, width_of_current_line=50, _file=None)
    reporter = SimpleNamespace(_tw=tw, isatty=tty)
    registry = {"terminalreporter": reporter, "capturemanager": None, **(plugins or {})}
    config = SimpleNamespace(get_verbosity=lambda: verbosity, add_cleanup=lambda fn: None,
                             pluginmanager=SimpleNamespace(getplugin=registry.get))
    if worker:
        config.workerinput = {"workerid": "gw1"}
    return config


def test_the_session_picks_silent_live_lines_or_worker_lines(monkeypatch):
    assert progress_mod.for_session(_config(-1)) is None  # -q
    shown = progress_mod.for_session(_config(1))
    assert shown.live and (shown.column(), shown.columns()) == (50, 120)
    assert not progress_mod.for_session(_config(1, tty=False)).live
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    worker = progress_mod.for_session(_config(1, worker=True))
    assert not worker.live and worker.prefix == "[gw1] "  # workers never rewrite a shared terminal line


def test_worker_lines_reach_the_real_stderr_past_capture(monkeypatch, capsys):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")
    clock = Clock()
    progress = progress_mod.for_session(_config(0, worker=True))
    progress.clock = clock
    progress.start("GET /assistant")
    clock.now += 16
    progress.update(40)
    assert capsys.readouterr().err == "\n[gw2] GET /assistant: 40 cases, 16 s"  # never glued to another line


@pytest.fixture
def _restore_current():
    yield
    progress_mod.uninstall()


def test_outside_a_run_the_engine_talks_to_a_silent_progress(_restore_current):
    silent = progress_mod.current()
    silent.start("GET /x")
    silent.update(5)
    silent.finish()
    lines: list[str] = []
    installed = progress_mod.install(Progress(lines.append, live=False, every_s=0))
    assert progress_mod.current() is installed
    installed.start("GET /y")
    installed.update(2)
    progress_mod.uninstall()
    assert progress_mod.current() is not installed and lines == ["GET /y: 2 cases, 0 s\n"]
