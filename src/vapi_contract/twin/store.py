"""In-memory objects, scoped per organisation and per collection (`/assistant`, `/provider/google/calendar`)."""

from __future__ import annotations

import datetime as _dt
import threading
from dataclasses import dataclass, field
from typing import Any


def parse_time(text: str) -> _dt.datetime | None:
    try:
        value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


@dataclass
class Record:
    id: str
    obj: dict[str, Any]
    created: _dt.datetime
    updated: _dt.datetime
    generation: int  # spec generation the object was last conformed to
    encoded: bytes | None = None  # cached response body for the hot GET path
    extra: dict[str, Any] = field(default_factory=dict)


class Store:
    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], dict[str, Record]] = {}
        self._buried: dict[tuple[str, str], list[Record]] = {}  # deleted objects `deleted-still-listed` still lists
        self._lock = threading.Lock()

    def bucket(self, org: str, collection: str) -> dict[str, Record]:
        key = (org, collection)
        found = self._buckets.get(key)
        if found is None:
            with self._lock:
                found = self._buckets.setdefault(key, {})
        return found

    def put(self, org: str, collection: str, record: Record) -> None:
        self.bucket(org, collection)[record.id] = record

    def get(self, org: str, collection: str, object_id: str) -> Record | None:
        found = self._buckets.get((org, collection))
        return found.get(object_id) if found else None

    def remove(self, org: str, collection: str, object_id: str) -> Record | None:
        found = self._buckets.get((org, collection))
        return found.pop(object_id, None) if found else None

    def records(self, org: str, collection: str) -> list[Record]:
        return list((self._buckets.get((org, collection)) or {}).values())

    def items(self) -> list[tuple[tuple[str, str], dict[str, Record]]]:
        return list(self._buckets.items())

    def bury(self, org: str, collection: str, record: Record) -> None:
        with self._lock:
            self._buried.setdefault((org, collection), []).append(record)

    def buried(self, org: str, collection: str) -> list[Record]:
        return list(self._buried.get((org, collection)) or [])

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._buried.clear()

    def count(self) -> int:
        return sum(len(b) for b in self._buckets.values())
