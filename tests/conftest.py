"""Fixtures shared by every area's tests: the real published spec history in ../shared (never copied here)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_HISTORY = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))


def _history_versions() -> list[dict]:
    index = SHARED_HISTORY / "index.json"
    if not index.exists():
        return []
    return sorted(json.loads(index.read_text())["versions"], key=lambda v: v["published"])


@pytest.fixture(scope="session")
def spec_history() -> Path:
    """Folder of the real published versions; tests that need it are skipped, loudly, when it is absent."""
    if not (SHARED_HISTORY / "index.json").exists():
        pytest.skip(f"shared spec history not found at {SHARED_HISTORY}")
    return SHARED_HISTORY


@pytest.fixture(scope="session")
def history_versions(spec_history) -> list[dict]:
    """index.json entries, oldest first."""
    return _history_versions()


@pytest.fixture(scope="session")
def newest_spec_path(spec_history, history_versions) -> Path:
    return spec_history / history_versions[-1]["file"]


@pytest.fixture(scope="session")
def oldest_spec_path(spec_history, history_versions) -> Path:
    return spec_history / history_versions[0]["file"]


def _load(path: Path) -> dict:
    with gzip.open(path, "rb") as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def newest_spec(newest_spec_path) -> dict:
    """The newest real spec, parsed once per session. Treat as read-only: deep-copy before mutating."""
    return _load(newest_spec_path)


@pytest.fixture(scope="session")
def oldest_spec(oldest_spec_path) -> dict:
    return _load(oldest_spec_path)


# Disk-full fixtures, shared by the report and pipelines tests.
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
