"""Versioned snapshots of the published spec: canonical, content-addressed, gzipped, indexed.

Layout of a store folder:
    index.json                     {"format": 1, "snapshots": [entry...], "etags": {url: {etag, snapshot}}}
    snapshots/<sha256>.json.gz     canonical form (keys sorted, compact separators), gzip mtime 0
    .lock                          filelock guarding every read-modify-write of the index
Every file is written to a temporary sibling and renamed into place, so a reader or a crash never sees
half a snapshot or half an index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import SpecSourceError, VapiContractError
from ..fsutil import atomic_write
from .limits import Limits, inflate
from .model import counts
from .urls import redact_url

INDEX_FORMAT = 1
LOCK_TIMEOUT = 120.0  # seconds; a concurrent fetch holds the lock only for two renames


class StoreError(VapiContractError):
    exit_code = 2


_ENTRY_TYPES: dict[str, Any] = {
    "id": str, "taken_at": str, "source": str, "sha256": str, "openapi": str, "file": str,
    "paths": int, "operations": int, "schemas": int,
}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FILE = re.compile(r"^snapshots/[0-9a-f]{64}\.json\.gz$")  # never a path outside the store


def canonical_bytes(document: Any) -> bytes:
    """The canonical form: parsed, keys sorted, stable separators, UTF-8. Identity is its sha256."""
    try:  # check_circular=False halves the time on a 2.7 MB spec; a cycle (YAML aliases) ends in RecursionError
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False)
    except RecursionError:
        raise SpecSourceError("the spec contains a cyclic structure (YAML alias loop?)") from None
    except (TypeError, ValueError) as exc:  # e.g. YAML dates or non-string keys
        raise SpecSourceError(f"the spec holds values JSON cannot represent ({exc})") from None
    return text.encode("utf-8")


def canonical_sha256(document: Any) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_timestamp(value: str) -> str:
    """'2024-10-10T1242' (shared history), '2024-10-10T12:42:00+00:00', '2024-10-10' -> '2024-10-10T12:42:00Z'."""
    text = value.strip().replace("Z", "+00:00")
    for fmt in ("%Y-%m-%dT%H%M", "%Y-%m-%dT%H%M%S"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise StoreError(f"not a date/time: {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SnapshotEntry:
    id: str
    taken_at: str  # when this store recorded it (UTC, ISO 8601)
    published_at: str | None  # when Vapi published it, when known (imports)
    source: str  # provenance: URL, file:PATH, ...
    sha256: str  # of the canonical form
    openapi: str
    paths: int
    operations: int
    schemas: int
    validation: dict[str, Any] | None  # summary from spec.validate: {"errors": n, "by_keyword": {...}, ...}
    file: str  # path of the gzipped canonical document, relative to the store root

    @property
    def when(self) -> str:
        """Chronological key: publication date when known, else when it was taken."""
        return self.published_at or self.taken_at

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "store index") -> SnapshotEntry:
        """An index entry, checked: a hand-edited or damaged entry is one line, never a traceback later."""
        if not isinstance(data, dict):
            raise StoreError(f"{where}: a snapshot entry is {type(data).__name__}, not an object")
        label = f"{where}: snapshot entry {str(data.get('id'))[:60]!r}"
        for name, kinds in _ENTRY_TYPES.items():
            if name not in data:
                raise StoreError(f"{label} lacks {name!r}")
            if not isinstance(data[name], kinds) or isinstance(data[name], bool):
                raise StoreError(f"{label}: {name!r} is {type(data[name]).__name__}")
        for name, kinds in (("published_at", (str, type(None))), ("validation", (dict, type(None)))):
            if not isinstance(data.get(name), kinds):
                raise StoreError(f"{label}: {name!r} is {type(data[name]).__name__}")
        if not _SHA256.match(data["sha256"]) or not _FILE.match(data["file"]):
            raise StoreError(f"{label}: 'sha256' or 'file' is not a snapshot reference")
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["source"] = redact_url(values["source"])  # an index written before redaction existed
        for name in ("published_at", "validation"):
            values.setdefault(name, None)
        return cls(**values)


class SnapshotStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.index_path = self.root / "index.json"
        self.snapshots_dir = self.root / "snapshots"
        self.lock_path = self.root / ".lock"

    def __repr__(self) -> str:
        return f"SnapshotStore({str(self.root)!r})"

    # -- reading -------------------------------------------------------------------------------
    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"store {self.root} is a file, not a folder")

    def _read_index(self) -> dict[str, Any]:
        self._check_root()
        if not self.index_path.exists():
            return {"format": INDEX_FORMAT, "snapshots": [], "etags": {}}
        try:
            index = json.loads(self.index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            detail = exc.strerror if isinstance(exc, OSError) else str(exc)[:200]
            raise StoreError(f"store index {self.index_path} is unreadable: {detail}") from None
        if not isinstance(index, dict) or not isinstance(index.get("snapshots"), list):
            raise StoreError(f"store index {self.index_path} is not a snapshot index")
        index.setdefault("etags", {})
        if not isinstance(index["etags"], dict):
            raise StoreError(f"store index {self.index_path}: 'etags' is not an object")
        return index

    def entries(self) -> list[SnapshotEntry]:
        """Every snapshot, oldest first (by publication date when known, else by when it was taken)."""
        where = str(self.index_path)
        return _chronological(SnapshotEntry.from_json(e, where) for e in self._read_index()["snapshots"])

    def latest(self) -> SnapshotEntry | None:
        entries = self.entries()
        return entries[-1] if entries else None

    def previous(self, entry: SnapshotEntry) -> SnapshotEntry | None:
        entries = self.entries()
        for position, candidate in enumerate(entries):
            if candidate.id == entry.id:
                return entries[position - 1] if position else None
        raise StoreError(f"snapshot {entry.id} is not in store {self.root}")

    def has(self, id_or_latest: str) -> bool:
        try:
            self.get(id_or_latest)
        except (StoreError, SpecSourceError):
            return False
        return True

    def get(self, id_or_latest: str) -> SnapshotEntry:
        """A snapshot by id, `latest`, or an unambiguous prefix of its id or sha256 (at least 6 characters)."""
        entries = self.entries()
        if id_or_latest == "latest":
            if not entries:
                raise SpecSourceError(f"store {self.root} holds no snapshots")
            return entries[-1]
        for entry in entries:
            if entry.id == id_or_latest:
                return entry
        if len(id_or_latest) >= 6:
            matches = {e.id: e for e in entries if e.id.startswith(id_or_latest) or e.sha256.startswith(id_or_latest)}
            if len(matches) == 1:
                return next(iter(matches.values()))
            if len(matches) > 1:
                raise SpecSourceError(f"snapshot id {id_or_latest!r} is ambiguous in {self.root}")
        raise SpecSourceError(f"no snapshot {id_or_latest!r} in store {self.root}")

    def read_canonical(self, entry: SnapshotEntry) -> bytes:
        """The canonical bytes, inflated under the byte cap like any other source and checked against the
        entry's sha256: a damaged or altered file is never served."""
        path = self.root / entry.file
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"snapshot file missing: {path}") from None
        except OSError as exc:
            raise StoreError(f"snapshot file unreadable: {path} ({exc.strerror or exc})") from None
        try:
            canonical = inflate(blob, f"snapshot file {path}", Limits.from_env())
        except SpecSourceError as exc:
            raise StoreError(str(exc)) from None
        if hashlib.sha256(canonical).hexdigest() != entry.sha256:
            raise StoreError(f"snapshot file {path} does not match its sha256 (corrupt or altered); "
                             "fetching or importing the same spec again repairs it")
        return canonical

    def _intact(self, path: Path, sha: str) -> bool:
        try:
            return hashlib.sha256(inflate(path.read_bytes(), str(path), Limits.from_env())).hexdigest() == sha
        except (OSError, SpecSourceError):
            return False

    def load_document(self, entry: SnapshotEntry) -> dict[str, Any]:
        return json.loads(self.read_canonical(entry))

    def etag_for(self, url: str) -> tuple[str, str] | None:
        """(etag, snapshot id) last seen for URL, when that snapshot is still in the store."""
        if not self.index_path.exists():
            return None
        index = self._read_index()
        remembered = index["etags"].get(url)
        if not remembered:
            return None
        known = {e.get("id") for e in index["snapshots"] if isinstance(e, dict)}
        if not isinstance(remembered, dict) or remembered.get("snapshot") not in known or not remembered.get("etag"):
            return None
        return remembered["etag"], remembered["snapshot"]

    # -- writing -------------------------------------------------------------------------------
    def add(
        self,
        loaded,
        *,
        published_at: str | None = None,
        validation: dict[str, Any] | None = None,
        validate: bool = True,
    ) -> tuple[SnapshotEntry, bool]:
        """Record LOADED (a `sources.LoadedSpec`). Returns (entry, created). No new snapshot when its
        canonical hash equals the snapshot just before it in time (for a fetch: the latest one)."""
        document = loaded.document
        canonical = canonical_bytes(document)
        sha = hashlib.sha256(canonical).hexdigest()
        if validation is None and validate:
            from .validate import summarize

            validation = summarize(document, sha256=sha)
        published = normalize_timestamp(published_at or loaded.published_at) if (
            published_at or loaded.published_at
        ) else None
        blob = gzip.compress(canonical, compresslevel=3, mtime=0)  # 3: ~3x faster than 6 for ~20% more bytes
        taken_at = utc_now()
        stats = counts(document)

        with self._lock():
            index = self._read_index()
            existing = _chronological(SnapshotEntry.from_json(e, str(self.index_path)) for e in index["snapshots"])
            when = published or taken_at
            before = [e for e in existing if e.when <= when]
            neighbour = before[-1] if before else None
            relative = f"snapshots/{sha}.json.gz"
            target = self.root / relative
            if not self._intact(target, sha):  # missing, corrupt or altered: this fetch repairs it
                self._write(target, blob)
            if neighbour is not None and neighbour.sha256 == sha:
                if self._remember_etag(index, loaded, neighbour.id):
                    self._write_index(index)
                return neighbour, False
            entry = SnapshotEntry(
                id=_unique_id(_make_id(when, sha), {e.id for e in existing}),
                taken_at=taken_at,
                published_at=published,
                source=redact_url(loaded.origin),
                sha256=sha,
                openapi=str(document.get("openapi", "")),
                paths=stats["paths"],
                operations=stats["operations"],
                schemas=stats["schemas"],
                validation=validation,
                file=relative,
            )
            index["snapshots"].append(entry.to_json())
            self._remember_etag(index, loaded, entry.id)
            self._write_index(index)
            return entry, True

    def _remember_etag(self, index: dict[str, Any], loaded, snapshot_id: str) -> bool:
        etag = getattr(loaded, "etag", None)
        origin = redact_url(getattr(loaded, "origin", ""))
        if not etag or not origin.lower().startswith(("http://", "https://")):
            return False
        wanted = {"etag": etag, "snapshot": snapshot_id}
        if index["etags"].get(origin) == wanted:
            return False
        index["etags"][origin] = wanted
        return True

    def _write_index(self, index: dict[str, Any]) -> None:
        index["format"] = INDEX_FORMAT
        for raw in index["snapshots"]:  # credentials an older version kept in the index go on the next write
            raw["source"] = redact_url(raw["source"])
        index["etags"] = {redact_url(url): value for url, value in index["etags"].items()}
        text = json.dumps(index, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        self._write(self.index_path, text.encode("utf-8"))

    def _write(self, path: Path, data: bytes) -> None:
        """atomic_write, with a read-only or full disk said in one line (the old file stays as it was)."""
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise StoreError(f"cannot write {path} in store {self.root}: {exc.strerror or exc}") from None

    @contextmanager
    def _lock(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        self._check_root()
        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            raise StoreError(f"store {self.root} is locked by another process (waited {LOCK_TIMEOUT:g}s)") from None
        except OSError as exc:
            raise StoreError(f"cannot write to store {self.root}: {exc.strerror or exc}") from None
        try:
            yield
        finally:
            lock.release()


def _chronological(entries) -> list[SnapshotEntry]:
    return sorted(entries, key=lambda e: e.when)  # stable: equal times keep insertion order


def _make_id(when: str, sha: str) -> str:
    stamp = when.replace("-", "").replace(":", "")  # 20260422T113100Z
    return f"{stamp}-{sha[:10]}"


def _unique_id(candidate: str, taken: set[str]) -> str:
    if candidate not in taken:
        return candidate
    n = 2
    while f"{candidate}-{n}" in taken:
        n += 1
    return f"{candidate}-{n}"
