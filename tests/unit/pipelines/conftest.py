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
