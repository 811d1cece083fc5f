"""Per-document preprocessing, cached so a changelog over 126 versions does each document's work once."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..spec.model import Operation, iter_operations

_TEMPLATE = re.compile(r"\{[^}/]*\}")
COMPONENT_KINDS = ("schemas", "parameters", "requestBodies", "responses", "headers")


def path_shape(path: str) -> str:
    """`/assistant/{id}` and `/assistant/{assistantId}` are the same endpoint."""
    return _TEMPLATE.sub("{}", path.rstrip("/") or "/")


def _refs_in(node: Any, found: set[str]) -> set[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return found


@dataclass
class PreparedDocument:
    document: dict[str, Any]
    operations: dict[tuple[str, str], Operation]  # (METHOD, path shape) -> operation
    components: dict[str, Any]  # "#/components/schemas/X" -> definition
    refs: dict[str, set[str]] = field(default_factory=dict)  # component ref -> refs it contains

    @classmethod
    def build(cls, document: dict[str, Any]) -> PreparedDocument:
        operations: dict[tuple[str, str], Operation] = {}
        for op in iter_operations(document):
            key = (op.method, path_shape(op.path))
            # two templates of one shape in one document (`/a/{x}` and `/a/{y}`): keep them apart by exact path
            operations[key if key not in operations else (op.method, op.path)] = op
        components: dict[str, Any] = {}
        kinds = document.get("components") if isinstance(document.get("components"), dict) else {}
        for kind in COMPONENT_KINDS:
            for name, value in (kinds.get(kind) if isinstance(kinds.get(kind), dict) else {}).items():
                components[f"#/components/{kind}/{name}"] = value
        refs = {ref: _refs_in(value, set()) for ref, value in components.items()}
        return cls(document, operations, components, refs)


_CACHE: OrderedDict[int, PreparedDocument] = OrderedDict()
_CACHE_SIZE = 4  # a changelog walks consecutive pairs: each document is needed twice in a row


def prepare(document: dict[str, Any]) -> PreparedDocument:
    key = id(document)
    cached = _CACHE.get(key)
    if cached is not None and cached.document is document:
        _CACHE.move_to_end(key)
        return cached
    prepared = PreparedDocument.build(document)
    _CACHE[key] = prepared
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return prepared


def dirty_components(old: PreparedDocument, new: PreparedDocument) -> set[str]:
    """Components that differ by name between the versions, plus every component that reaches one of them.
    A same-named component outside this set is identical all the way down, so the walker can skip it."""
    changed = {
        ref
        for ref in old.components.keys() | new.components.keys()
        if old.components.get(ref) != new.components.get(ref)
    }
    reverse: dict[str, set[str]] = {}
    for prepared in (old, new):
        for ref, targets in prepared.refs.items():
            for target in targets:
                reverse.setdefault(target, set()).add(ref)
    dirty, stack = set(changed), list(changed)
    while stack:
        for parent in reverse.get(stack.pop(), ()):
            if parent not in dirty:
                dirty.add(parent)
                stack.append(parent)
    return dirty
