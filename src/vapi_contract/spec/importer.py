"""`spec import DIR`: a folder of published versions into the store, oldest first, dated by their index."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SpecSourceError
from .sources import LoadedSpec, parse_document, read_bytes
from .store import SnapshotEntry, SnapshotStore, normalize_timestamp

SPEC_SUFFIXES = (".json", ".json.gz", ".yaml", ".yml", ".yaml.gz", ".yml.gz")
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2}(?:T\d{4}(?:\d{2})?)?)")


@dataclass
class Version:
    path: Path
    published: str | None  # normalized ISO timestamp
    sha256: str | None  # of the decompressed bytes, when the index gives it


@dataclass
class ImportResult:
    created: list[SnapshotEntry] = field(default_factory=list)
    unchanged: list[SnapshotEntry] = field(default_factory=list)  # same canonical hash as the one before
    skipped: list[Path] = field(default_factory=list)  # already imported (same file, same date)


def discover(folder: Path) -> list[Version]:
    """Versions in FOLDER, oldest first: `index.json` (`versions: [{file, published, sha256}]`) when present,
    else every spec file, dated by a `YYYY-MM-DDTHHMM` name prefix when it has one."""
    if not folder.is_dir():
        raise SpecSourceError(f"import source is not a folder: {folder}")
    index = folder / "index.json"
    versions: list[Version] = []
    if index.exists():
        try:
            listed = json.loads(read_bytes(index)).get("versions")
        except (ValueError, AttributeError, RecursionError) as exc:
            raise SpecSourceError(f"{index}: not a version index ({str(exc)[:200]})") from None
        if not isinstance(listed, list):
            raise SpecSourceError(f"{index}: no 'versions' list")
        for item in listed:
            if not isinstance(item, dict) or not isinstance(item.get("file"), str) or not item["file"]:
                raise SpecSourceError(f"{index}: every version needs a 'file' name")
            for name in ("published", "sha256"):
                if item.get(name) is not None and not isinstance(item[name], str):
                    raise SpecSourceError(f"{index}: {item['file']}: {name!r} is not text")
            published = normalize_timestamp(item["published"]) if item.get("published") else None
            versions.append(Version(folder / item["file"], published, item.get("sha256")))
    else:
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name.endswith(SPEC_SUFFIXES):
                match = DATE_PREFIX.match(path.name)
                versions.append(Version(path, normalize_timestamp(match.group(1)) if match else None, None))
    if not versions:
        raise SpecSourceError(f"no spec versions found in {folder}")
    return sorted(versions, key=lambda v: (v.published or "", v.path.name))


def import_folder(
    folder: Path, store: SnapshotStore, *, on_version: Callable[[Version, str], None] | None = None
) -> ImportResult:
    result = ImportResult()
    done = {(e.published_at, Path(e.source.removeprefix("file:")).name) for e in store.entries()}
    for version in discover(folder):
        if (version.published, version.path.name) in done:
            result.skipped.append(version.path)
            if on_version:
                on_version(version, "skipped")
            continue
        raw = read_bytes(version.path)
        if version.sha256 and hashlib.sha256(raw).hexdigest() != version.sha256:
            raise SpecSourceError(f"{version.path}: sha256 does not match its index entry (corrupt copy?)")
        loaded = LoadedSpec(parse_document(raw, str(version.path)), raw, f"file:{version.path}", version.published)
        entry, created = store.add(loaded)
        (result.created if created else result.unchanged).append(entry)
        if on_version:
            on_version(version, "created" if created else "unchanged")
    return result
