"""Walk a history once: load each version once, diff it against the one before, keep counts and name sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...spec.model import counts, iter_operations
from ..engine import compare
from ..model import DiffResult
from .flapping import FlapEvent, find_flapping, flapped_removals
from .history import Version


@dataclass
class VersionStats:
    id: str
    published: str
    operations: int
    schemas: int
    paths: int


@dataclass
class PairReport:
    index: int  # index of the newer version
    old: VersionStats
    new: VersionStats
    result: DiffResult
    ops_added: list[str]
    ops_removed: list[str]
    flapped: set[str] = field(default_factory=set)  # removed operations that are part of a flap

    @property
    def summary(self) -> dict[str, int]:
        return self.result.summary()


@dataclass
class Changelog:
    versions: list[VersionStats]
    pairs: list[PairReport]
    operation_flaps: list[FlapEvent]
    schema_flaps: list[FlapEvent]
    window: int

    @property
    def ids(self) -> list[str]:
        return [v.id for v in self.versions]


def build_changelog(history: list[Version], *, window: int = 3,
                    progress: Callable[[str], None] | None = None) -> Changelog:
    versions: list[VersionStats] = []
    pairs: list[PairReport] = []
    operation_sets: list[set[str]] = []
    schema_sets: list[set[str]] = []
    previous = None
    for index, version in enumerate(history):
        document = version.load()
        stats = counts(document)
        current = VersionStats(version.id, version.published, stats["operations"], stats["schemas"], stats["paths"])
        operation_sets.append({op.label for op in iter_operations(document)})
        schema_sets.append(set(((document.get("components") or {}).get("schemas")) or {}))
        if previous is not None:
            result = compare(previous, document, old_label=versions[-1].id, new_label=current.id)
            pairs.append(PairReport(
                index, versions[-1], current, result,
                ops_added=sorted(operation_sets[-1] - operation_sets[-2]),
                ops_removed=sorted(operation_sets[-2] - operation_sets[-1]),
            ))
            if progress:
                progress(f"{current.id}: {result.summary()}")
        versions.append(current)
        previous = document  # only two documents are alive at a time
    operation_flaps = find_flapping(operation_sets, "operations", window)
    schema_flaps = find_flapping(schema_sets, "schemas", window)
    marked = flapped_removals(operation_flaps)
    for pair in pairs:
        pair.flapped = marked.get(pair.index, set()) & set(pair.ops_removed)
    return Changelog(versions, pairs, operation_flaps, schema_flaps, window)
