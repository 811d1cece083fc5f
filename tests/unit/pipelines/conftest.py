"""Shared by the pipelines tests: a small real spec, cut down at test time from the newest published one."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

KEEP_PATHS = ("/observability/scorecard", "/observability/scorecard/{id}")


def _refs(node, schemas, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in found and name in schemas:
                found.add(name)
                _refs(schemas[name], schemas, found)
        for value in node.values():
            _refs(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, schemas, found)
    return found


def cut_down(spec: dict) -> dict:
    doc = copy.deepcopy(spec)
    doc["paths"] = {p: doc["paths"][p] for p in KEEP_PATHS}
    schemas = doc["components"]["schemas"]
    keep = _refs(doc["paths"], schemas, set())
    doc["components"]["schemas"] = {k: v for k, v in schemas.items() if k in keep}
    return doc


@pytest.fixture(scope="session")
def scorecard_document(newest_spec) -> dict:
    """The newest spec reduced to /observability/scorecard (5 CRUD operations, 6 schemas). Read-only."""
    return cut_down(newest_spec)


@pytest.fixture
def scorecard_spec(tmp_path, scorecard_document) -> Path:
    """The same, as a file."""
    path = tmp_path / "scorecard-spec.json"
    path.write_text(json.dumps(scorecard_document))
    return path


# Same as tests/unit/report/conftest.py (test dirs are not packages, so no shared import).
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
