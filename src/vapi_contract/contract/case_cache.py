"""Generation work reused across runs: generating a case costs ~100x sending it (see docs/contract.md), so the
cases an operation generated are kept, keyed by (normalized-spec fingerprint, seed, generation options), and a
later run with the same key replays them instead of generating again.

Exact memoization, not a behaviour change: with a fixed `--seed`, hypothesis would generate these very cases
again. Runs with a random seed explore new data, so they neither read nor write the cache. An operation cut by
its budget is not stored (its case list is incomplete). The hypothesis example database lives beside it, keyed
by the same spec fingerprint.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import config
from ..fsutil import atomic_write

FORMAT = 1


def cache_root() -> Path:
    return config.cache_dir() / "contract"


class CaseCache:
    def __init__(self, spec_fingerprint: str, enabled: bool = True):
        self.spec_fingerprint = spec_fingerprint
        self.enabled = enabled
        self.directory = cache_root() / "cases" / spec_fingerprint
        self._pending: list[dict[str, Any]] = []
        self._replayed: set[str] = set()
        self._key: str | None = None
        self._db = None

    def hypothesis_database(self):
        if self._db is None:
            from hypothesis.database import DirectoryBasedExampleDatabase

            self._db = DirectoryBasedExampleDatabase(str(cache_root() / "hypothesis" / self.spec_fingerprint))
        return self._db

    def _path(self, label: str, options) -> Path | None:
        if not self.enabled or options.seed is None:
            return None
        key = (f"{FORMAT}|{label}|{options.seed}|{options.max_examples}|{','.join(options.modes)}|"
               f"{options.coverage_cases}")
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".pickle")

    def replay(self, operation, options) -> Iterator[Any]:
        """Cached cases of `operation` rebuilt as schemathesis cases (nothing when there is no entry)."""
        self._pending = []
        self._options = options
        path = self._path(operation.label, options)
        self._key = str(path) if path else None
        if path is None or not path.exists():
            return
        try:
            with path.open("rb") as fh:
                records = pickle.load(fh)
        except Exception:  # noqa: BLE001 - a corrupt entry is regenerated, never trusted
            path.unlink(missing_ok=True)
            return
        self._replayed.add(operation.label)
        for record in records:
            yield self._rebuild(operation, record)

    def was_replayed(self, label: str) -> bool:
        return label in self._replayed

    def remember(self, case) -> None:
        if self._key is None:
            return
        from schemathesis.core import NOT_SET

        self._pending.append({
            "method": case.method, "path": case.path, "path_parameters": dict(case.path_parameters or {}),
            "headers": dict(case.headers or {}), "cookies": dict(case.cookies or {}), "query": dict(case.query or {}),
            "has_body": case.body is not NOT_SET, "body": None if case.body is NOT_SET else case.body,
            "media_type": case.media_type, "meta": case.meta,
        })

    def store(self, label: str) -> None:
        """Persist the cases generated for `label` (only once it finished within its budget)."""
        if self._key is None or label in self._replayed or not self._pending:
            self._pending = []
            return
        path = Path(self._key)
        try:  # a cache: regenerated when lost, so not fsynced
            atomic_write(path, pickle.dumps(self._pending, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass
        self._pending = []

    @staticmethod
    def _rebuild(operation, record: dict[str, Any]):
        from requests.structures import CaseInsensitiveDict
        from schemathesis.core import NOT_SET
        from schemathesis.generation.case import Case

        return Case(
            operation, record["method"], record["path"], path_parameters=record["path_parameters"],
            headers=CaseInsensitiveDict(record["headers"]), cookies=record["cookies"], query=record["query"],
            body=record["body"] if record["has_body"] else NOT_SET, media_type=record["media_type"],
            meta=record["meta"],
        )

    def close(self) -> None:
        self._pending = []
