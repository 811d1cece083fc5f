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
