"""State shared by the quirk rules during one normalize() run."""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.model import resolve_ref
from vapi_contract.spec.quirks.issues import SpecIssue

_MISSING = object()


class Context:
    def __init__(self, original: dict[str, Any], *, lenient_oneof: bool) -> None:
        self.original = original
        self.lenient_oneof = lenient_oneof
        self.issues: list[SpecIssue] = []
        self._refs: dict[str, Any] = {}
        self.facts_cache: dict[Any, Any] = {}  # owned by rules/_facts
        # id(original sub-object) -> its pointer, for rules that move a subschema under another key.
        self.origins: dict[int, str] = {}

    def report(self, kind: str, pointer: str, message: str) -> None:
        self.issues.append(SpecIssue.make(kind, pointer, message))

    def moved(self, original: Any, pointer: str) -> None:
        """Declare that `original` (a subschema or list of them, found at `pointer`) now sits elsewhere."""
        self.origins[id(original)] = pointer

    def resolve(self, ref: str) -> Any | None:
        """Target of a local ref in the ORIGINAL document (None when it dangles), cached."""
        found = self._refs.get(ref, _MISSING)
        if found is _MISSING:
            found = self._refs[ref] = resolve_ref(self.original, ref)
        return found
