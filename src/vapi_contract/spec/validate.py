"""Spec validation: every openapi-spec-validator error, fingerprinted, cached, compared with a baseline.

Public API (used by the store and the pipelines):
    validate_document(document) -> list[SpecError]
    validate_cached(document, sha256=None) -> list[SpecError]     (cache under config.cache_dir())
    summarize(document, sha256=None) -> dict                       (what the snapshot index records)
    compare(errors, baseline) -> Comparison                        (new / known / fixed)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write
from . import fingerprint as _fingerprints

ENGINE_VERSION = "1"  # bump when the checks change, so cached results are recomputed


@dataclass(frozen=True)
class SpecError:
    check: str  # openapi-schema | schema | default | required-properties | path-parameter | duplicate-* | unresolved-ref
    keyword: str  # validator keyword that failed
    pointer: str  # JSON pointer into the spec
    message: str

    @property
    def fingerprint(self) -> str:
        """Stable across runs and message wording: where (pointer) + what failed (check, keyword)."""
        return fingerprint(self.check, self.keyword, self.pointer)

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpecError:
        return cls(data["check"], data["keyword"], data["pointer"], data.get("message", ""))


def fingerprint(check: str, keyword: str, pointer: str) -> str:
    return _fingerprints.spec_error(check, keyword, pointer)


def validate_document(document: dict[str, Any]) -> list[SpecError]:
    """All errors, in the reference validator's order, never raising on a dangling `$ref`."""
    from .oas_checks import all_errors

    return [SpecError(e.check, e.keyword, e.pointer, e.message) for e in all_errors(document)]


# -- cache -------------------------------------------------------------------------------------------
def _validator_version() -> str:
    """Versions of the libraries whose rules we reproduce, read from dist-info folder names: much cheaper
    than importlib.metadata, which matters for the warm (cached) CLI path."""
    import re
    from importlib.util import find_spec

    parts = []
    for module, dist in (("openapi_spec_validator", "openapi_spec_validator"),
                         ("openapi_schema_validator", "openapi_schema_validator"),
                         ("jsonschema_rs", "jsonschema_rs"), ("jsonschema", "jsonschema")):
        found = "none"
        spec = find_spec(module)
        if spec is not None and spec.origin:
            site = Path(spec.origin).parent.parent
            pattern = re.compile(rf"^{dist}-(.+)\.dist-info$", re.IGNORECASE)
            for name in _listdir(site):
                match = pattern.match(name)
                if match:
                    found = match.group(1)
                    break
        parts.append(f"{module}={found}")
    return ";".join(parts)


_LISTINGS: dict[Path, list[str]] = {}


def _listdir(folder: Path) -> list[str]:
    if folder not in _LISTINGS:
        try:
            _LISTINGS[folder] = os.listdir(folder)
        except OSError:
            _LISTINGS[folder] = []
    return _LISTINGS[folder]


def cache_root() -> Path:
    from .. import config

    return config.cache_dir() / "validation"


def _cache_key(canonical_sha: str) -> str:
    return hashlib.sha256(f"{ENGINE_VERSION}|{_validator_version()}|{canonical_sha}".encode()).hexdigest()


def cached_errors(canonical_sha: str) -> list[SpecError] | None:
    path = cache_root() / f"{_cache_key(canonical_sha)}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [SpecError.from_json(e) for e in data["errors"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent or damaged: recompute


def store_errors(canonical_sha: str, errors: list[SpecError]) -> None:
    data = {"sha256": canonical_sha, "errors": [asdict(e) for e in errors]}
    _write_quietly(cache_root() / f"{_cache_key(canonical_sha)}.json", json.dumps(data))


def remember_raw(raw_sha: str, canonical_sha: str) -> None:
    """Maps the bytes of a file to its canonical hash, so an unchanged file is not even parsed again."""
    _write_quietly(cache_root() / "raw" / f"{raw_sha}.json", json.dumps({"canonical": canonical_sha}))


def canonical_for_raw(raw_sha: str) -> str | None:
    try:
        return json.loads((cache_root() / "raw" / f"{raw_sha}.json").read_text())["canonical"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_quietly(path: Path, text: str) -> None:
    """A cache that cannot be written only costs time: never fail validation because of it."""
    try:
        atomic_write(path, text, durable=False)
    except OSError:
        pass


def validate_cached(document: dict[str, Any], sha256: str | None = None) -> list[SpecError]:
    if sha256 is None:
        from .store import canonical_sha256

        sha256 = canonical_sha256(document)
    errors = cached_errors(sha256)
    if errors is None:
        errors = validate_document(document)
        store_errors(sha256, errors)
    return errors


def summarize_errors(errors: list[SpecError]) -> dict[str, Any]:
    by_check = Counter(e.check for e in errors)
    return {
        "errors": len(errors),
        "by_check": dict(sorted(by_check.items())),
        "unresolved_refs": by_check.get("unresolved-ref", 0),
        "validator": f"vapi-contract/{ENGINE_VERSION} (openapi-spec-validator rules)",
    }


def summarize(document: dict[str, Any], sha256: str | None = None) -> dict[str, Any]:
    """Validation summary recorded in the snapshot index (cached by canonical hash)."""
    return summarize_errors(validate_cached(document, sha256))


# -- baseline ----------------------------------------------------------------------------------------
# The known-errors baseline is an accepted list (spec/known_errors.py on vapi_contract/acceptlist.py); its
# functions stay importable from here.
from .known_errors import BASELINE_FORMAT, Comparison, compare, load_baseline, write_baseline  # noqa: F401
