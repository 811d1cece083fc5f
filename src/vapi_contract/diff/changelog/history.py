"""The versions a changelog walks: the snapshots of a store, oldest first. A folder laid out like the shared
mirror (`index.json` with `versions: [{file, published}]`) is read the same way, so a history can be
summarised before it is imported."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import SpecSourceError


@dataclass
class Version:
    id: str
    published: str  # ISO-ish timestamp used for plots and ordering
    load: Callable[[], dict[str, Any]]


def open_history(root: str | Path) -> list[Version]:
    root = Path(root)
    index_path = root / "index.json"
    if not root.is_dir():
        raise SpecSourceError(f"store {root} is not a folder")
    if not index_path.exists():
        raise SpecSourceError(f"store {root} holds no index.json (import snapshots first)")
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpecSourceError(f"store index {index_path} is unreadable: {exc}") from None
    if isinstance(index, dict) and isinstance(index.get("versions"), list):
        return _mirror_versions(root, index["versions"])
    return _store_versions(root)


def _store_versions(root: Path) -> list[Version]:
    from ...spec.store import SnapshotStore

    store = SnapshotStore(root)
    return [
        Version(entry.id, entry.when, (lambda e=entry: store.load_document(e)))
        for entry in store.entries()
    ]


def _mirror_versions(root: Path, versions: list[dict[str, Any]]) -> list[Version]:
    found = []
    for item in sorted(versions, key=lambda v: (str(v.get("published", "")), str(v.get("file", "")))):
        path = root / str(item.get("file", ""))
        if path.is_file():
            version_id = path.name.removesuffix(".gz").removesuffix(".json")
            found.append(Version(version_id, str(item.get("published", "")), (lambda p=path: _read(p))))
    return found


def _read(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return json.loads(data)
