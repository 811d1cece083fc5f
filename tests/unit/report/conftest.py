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
