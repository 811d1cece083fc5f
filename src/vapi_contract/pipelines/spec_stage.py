"""The spec step shared by the nightly job and the gate: load, validate against known errors, snapshot, diff.

Each piece is the spec or diff area's public function; this module only strings them together and keeps
what a dashboard or a verdict needs.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..spec import model
from ..spec.urls import redact_text


@dataclass
class ValidationStatus:
    """Validation errors of one spec split against the known-errors baseline."""

    total: int
    new: list[dict[str, Any]]  # {fingerprint, pointer, message, status}
    known: list[dict[str, Any]]
    fixed: list[dict[str, Any]]  # baseline entries no longer raised
    baseline: str | None = None

    def counts(self) -> dict[str, int]:
        return {"total": self.total, "new": len(self.new), "known": len(self.known), "fixed": len(self.fixed)}

    def to_json(self) -> dict[str, Any]:
        return {**self.counts(), "baseline": self.baseline,
                "new_errors": [{**e, "status": "new"} for e in self.new],
                "fixed_errors": [{**e, "status": "fixed"} for e in self.fixed]}


@dataclass
class SpecStage:
    loaded: Any  # spec.sources.LoadedSpec
    entry: Any  # spec.store.SnapshotEntry
    created: bool
    previous: Any | None  # SnapshotEntry before it, None for the first snapshot
    validation: ValidationStatus
    diff: Any | None  # diff.model.DiffResult against `previous`
    spec_file: Path | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        stats = model.counts(self.loaded.document)
        return {
            "spec": {
                "origin": self.loaded.origin,
                "snapshot_id": self.entry.id,
                "snapshot_created": self.created,
                "sha256": self.entry.sha256,
                "title": (self.loaded.document.get("info") or {}).get("title"),
                "version": (self.loaded.document.get("info") or {}).get("version"),
                **stats,
                "notes": [redact_text(n) for n in self.notes],
                "file": str(self.spec_file) if self.spec_file else None,
                "validation": self.validation.to_json(),
            },
            "spec_changes": {
                "previous": self.previous.id if self.previous else None,
                "summary": self.diff.summary() if self.diff else {"error": 0, "warning": 0, "info": 0},
                "changes": [c.to_json() for c in self.diff.changes] if self.diff else [],
            },
        }


def default_known_errors(store_root: Path) -> Path | None:
    from ..spec.known_errors import default_path

    path = default_path(store_root)
    return path if path.exists() else None


def validate(document: dict[str, Any], known_errors: Path | None) -> ValidationStatus:
    """All validation errors of DOCUMENT (cached by canonical hash), split into new / known / fixed."""
    from ..spec import known_errors as known
    from ..spec import validate as spec_validate

    errors = spec_validate.validate_cached(document)
    baseline = known.load_baseline(known_errors) if known_errors else None
    comparison = known.compare(errors, baseline)
    rows = comparison.to_json()["errors"]
    return ValidationStatus(
        total=len(rows),
        new=[r for r in rows if r["status"] == "new"],
        known=[r for r in rows if r["status"] == "known"],
        fixed=list(comparison.fixed),
        baseline=str(known_errors) if known_errors else None,
    )


def write_spec_file(document_bytes: bytes, path: Path) -> Path:
    """The exact spec the contract run tests (canonical bytes from the store), next to the reports."""
    from .outputs import write_output

    return write_output(path, gzip.compress(document_bytes, compresslevel=6, mtime=0))


def key_hosts(target: str | None) -> tuple[str, ...]:
    """A live target's own host may receive VAPI_API_KEY when the spec is fetched from it (spec.urls)."""
    return (target,) if target and target != "twin" else ()


def run(source: str | None, store_root: Path, known_errors: Path | None, spec_file: Path | None,
        target: str | None = None) -> SpecStage:
    """Load SOURCE (None: live URL -> store -> mirror, announced), validate, snapshot, diff vs the previous one."""
    from ..diff import compare
    from ..spec import sources
    from ..spec.store import SnapshotStore

    store = SnapshotStore(store_root)
    loaded = sources.load(source, store=store, key_hosts=key_hosts(target))
    validation = validate(loaded.document, known_errors)
    entry, created = store.add(loaded)  # its validation summary hits the cache just filled
    previous = store.previous(entry)
    diff = None
    if previous is not None:
        diff = compare(store.load_document(previous), loaded.document, old_label=previous.id, new_label=entry.id)
    stage = SpecStage(loaded, entry, created, previous, validation, diff, notes=list(loaded.notes))
    if spec_file is not None:
        stage.spec_file = write_spec_file(store.read_canonical(entry), spec_file)
    return stage
