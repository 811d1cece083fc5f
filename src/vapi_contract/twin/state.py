"""Everything the twin knows: the served spec (switchable at runtime), its routes, tokens, fault and the store."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from .routing import Route, build_routes, segments
from .schemas import SchemaBook
from .store import Store
from .synth import MISSING, Conformer

DEFAULT_TOKENS = {"org-a": "twin-token-org-a", "org-b": "twin-token-org-b"}
DEFAULT_ADMIN_TOKEN = "twin-admin-token"


def org_uuid(org: str) -> str:
    """Stable uuid for an organisation name, so `orgId` is a uuid like Vapi's."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"vapi-twin:{org}"))


@dataclass
class Served:
    """One spec version as served: swapped as a whole on a runtime spec switch."""

    document: dict[str, Any]
    encoded: bytes  # `GET /api-json` body
    book: SchemaBook
    routes: list[Route]
    by_shape: dict[tuple[str, int], list[Route]]  # (method, segment count) -> candidate routes
    paths: set[int]  # segment counts that exist, for "Cannot GET" vs method mismatch
    item_schema: dict[str, str | None]  # collection template -> pointer of the stored-object schema
    creatable: set[str]  # collection templates with a create operation
    conform: Conformer
    generation: int

    @classmethod
    def build(cls, document: dict[str, Any], generation: int) -> Served:
        book = SchemaBook(document)
        routes = build_routes(book.document)
        by_shape: dict[tuple[str, int], list[Route]] = {}
        for route in routes:
            by_shape.setdefault((route.op.method, len(segments(route.op.path))), []).append(route)
        creatable = {r.collection for r in routes if r.kind == "create"}
        item_schema: dict[str, str | None] = {}
        for kind in ("create", "get"):  # the item GET's schema wins: it is what clients read back
            for route in routes:
                if route.kind == kind and route.response_ptr:
                    item_schema[route.collection] = route.response_ptr
        conform = Conformer(book.resolve, book.schema_valid)
        encoded = json.dumps(document, separators=(",", ":")).encode()
        return cls(document, encoded, book, routes, by_shape, {len(segments(r.op.path)) for r in routes},
                   item_schema, creatable, conform, generation)

    def pointers(self) -> list[str]:
        return [p for r in self.routes for p in (r.request_ptr, r.response_ptr) if p]

    def same_schema(self, a: str | None, b: str | None) -> bool:
        if a is None or b is None:
            return a == b
        return self.book.resolve(self.book.at(a)) is self.book.resolve(self.book.at(b))

    def conform_to(self, value: Any, ptr: str | None) -> Any:
        if ptr is None:
            return value
        return self.conform(value, self.book.at(ptr))

    def synthesize(self, ptr: str | None) -> Any:
        return None if ptr is None else self.conform(MISSING, self.book.at(ptr))


class TwinState:
    def __init__(self, document: dict[str, Any], tokens: dict[str, str] | None = None,
                 admin_token: str | None = None, fault: str | None = None):
        self.tokens = dict(tokens or DEFAULT_TOKENS)
        self.orgs_by_token = {token: org for org, token in self.tokens.items()}
        self.admin_token = admin_token or DEFAULT_ADMIN_TOKEN
        self.fault = fault
        self.store = Store()
        self.served = Served.build(document, 1)
        self.served.book.warm_up(self.served.pointers())

    def switch(self, document: dict[str, Any]) -> Served:
        served = Served.build(document, self.served.generation + 1)
        self.served = served  # one assignment: requests in flight keep the version they started with
        served.book.warm_up(served.pointers())
        return served

    def org_for(self, authorization: str | None) -> str | None:
        if authorization and authorization[:7].lower() == "bearer ":
            return self.orgs_by_token.get(authorization[7:].strip())
        return None

    def org_id(self, org: str) -> str:
        return org_uuid(org)
