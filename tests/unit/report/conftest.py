"""Fixtures for the report tests: copies of the realistic `nightly` run dir (never modified in place)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "report"
TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def nightly_dir(tmp_path) -> Path:
    target = tmp_path / "nightly"
    shutil.copytree(FIXTURES / "nightly", target)
    return target


@pytest.fixture
def baseline_file() -> Path:
    return FIXTURES / "accepted-findings.yaml"


@pytest.fixture(scope="session")
def sample_run():
    """The generator module that wrote the `nightly` fixture through the real RunWriter."""
    spec = importlib.util.spec_from_file_location("report_sample_run", FIXTURES / "sample_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def full_dir(tmp_path):
    """A real full filesystem (a 512 KiB tmpfs, filled): writes there fail with ENOSPC. Needs mount rights."""
    yield from _full_tmpfs(tmp_path / "full")


def _full_tmpfs(where: Path):
    import os
    import subprocess

    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(where)],
                             capture_output=True, check=False).returncode == 0 if os.geteuid() == 0 else False
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


@pytest.fixture
def fill_disk():
    """fill_disk(folder): use up every free byte of FOLDER's filesystem."""
    return _fill


def _fill(folder: Path) -> None:
    import os

    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (65536, 4096, 1):  # down to the last free byte
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
