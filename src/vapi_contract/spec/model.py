"""Small read-only views of an OpenAPI document shared by every area: operations, labels, local $refs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    method: str  # upper case, e.g. "GET"
    path: str  # e.g. "/assistant/{id}"
    definition: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        """How every report names an operation: `GET /assistant/{id}`."""
        return f"{self.method} {self.path}"

    @property
    def operation_id(self) -> str | None:
        return self.definition.get("operationId")


def split_label(label: str) -> tuple[str, str]:
    """`"GET /assistant/{id}"` -> `("GET", "/assistant/{id}")`: the one reader of the label every report uses."""
    method, _, path = label.partition(" ")
    return method, path


def label_method(label: str) -> str:
    return split_label(label)[0]


def label_path(label: str) -> str:
    return split_label(label)[1]


def label_sort_key(label: str) -> tuple[str, int, str]:
    """Operations in reading order: by path, then GET, POST, PUT, PATCH, DELETE, the rest."""
    method, path = split_label(label)
    order = ("GET", "POST", "PUT", "PATCH", "DELETE")
    return path, order.index(method) if method in order else len(order), method


def iter_operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            definition = item.get(method)
            if isinstance(definition, dict):
                yield Operation(method.upper(), path, definition, item)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: Any, pointer: str) -> Any | None:
    """Value at a JSON pointer (`/components/schemas/X`), or None when it does not exist."""
    node = document
    for token in pointer.lstrip("/").split("/") if pointer not in ("", "/") else []:
        token = _unescape(token)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def resolve_ref(document: dict[str, Any], ref: str) -> Any | None:
    """Target of a local `#/...` reference, or None when it dangles (Vapi's spec has such refs)."""
    if not ref.startswith("#"):
        return None
    return resolve_pointer(document, ref[1:])


def counts(document: dict[str, Any]) -> dict[str, int]:
    return {
        "paths": len(document.get("paths") or {}),
        "operations": sum(1 for _ in iter_operations(document)),
        "schemas": len(((document.get("components") or {}).get("schemas")) or {}),
    }
