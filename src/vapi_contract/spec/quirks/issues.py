"""What normalization reports: one SpecIssue per quirk found, addressed in the ORIGINAL document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import fingerprint as _fingerprints


@dataclass(frozen=True)
class SpecIssue:
    kind: str  # stable kebab-case, e.g. "dangling-ref"
    pointer: str  # JSON pointer in the original document
    message: str  # one line
    fingerprint: str  # sha256(kind + pointer)[:16], stable across runs

    @classmethod
    def make(cls, kind: str, pointer: str, message: str) -> SpecIssue:
        return cls(kind, pointer, " ".join(message.split()), fingerprint(kind, pointer))


def fingerprint(kind: str, pointer: str) -> str:
    return _fingerprints.quirk(kind, pointer)


@dataclass
class NormalizedSpec:
    document: dict[str, Any]  # a new document; the input is never mutated
    issues: list[SpecIssue] = field(default_factory=list)

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.kind] = counts.get(issue.kind, 0) + 1
        return dict(sorted(counts.items()))


def escape_token(token: str) -> str:
    """One JSON-pointer token (`/` -> `~1`, `~` -> `~0`)."""
    return token.replace("~", "~0").replace("/", "~1")
