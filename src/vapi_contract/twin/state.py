"""Everything the twin knows: the served spec (switchable at runtime), its routes, tokens, fault and the store."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from .documented import documented_only
from .routing import Route, build_routes, param_name, segments, shape
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
    by_shape: dict[tuple[str, int, str | None], list[Route]]  # (method, segments, first literal) -> routes
    item_schema: dict[str, str | None]  # collection template -> pointer of the stored-object schema
    creatable: set[str]  # collection templates with a create operation
    conform: Conformer
    generation: int
    stored: set[str] = field(default_factory=set)  # shapes of the collections whose items are stored and read back
    _same: dict[tuple[str | None, str | None], bool] = field(default_factory=dict)

    @property
    def fault_collection(self) -> str | None:
        """The collection whose create `--fault server-error` breaks: /assistant, else the first one."""
        from .crud import FAULT_COLLECTION

        if FAULT_COLLECTION in self.creatable:
            return FAULT_COLLECTION
        return next((r.collection for r in self.routes if r.kind == "create"), None)

    @classmethod
    def build(cls, document: dict[str, Any], generation: int, raw: bytes | None = None) -> Served:
        """`raw`: the JSON bytes the document was parsed from, served as is by `GET /api-json`."""
        book = SchemaBook(document)
        routes = build_routes(book.document)
        by_shape: dict[tuple[str, int, str | None], list[Route]] = {}
        for route in routes:
            parts = segments(route.op.path)
            first = parts[0] if parts and not param_name(parts[0]) else None
            by_shape.setdefault((route.op.method, len(parts), first), []).append(route)
        for route in routes:  # a "create" answering a list (`POST /voice-library/sync`) creates nothing
            answered = book.resolve(book.at(route.response_ptr)) if route.response_ptr else None
            if route.kind == "create" and isinstance(answered, dict) and answered.get("type") == "array":
                route.kind = "action"
        creatable = {r.collection for r in routes if r.kind == "create"}
        item_schema: dict[str, str | None] = {}
        for kind in ("create", "get"):  # the item GET's schema wins: it is what clients read back
            for route in routes:
                if route.kind == kind and route.response_ptr:
                    item_schema[route.collection] = route.response_ptr
        served_as_create(routes, item_schema, book)
        creatable = {r.collection for r in routes if r.kind == "create"}
        conform = Conformer(book.resolve, book.schema_valid)
        is_json = raw is not None and raw.lstrip()[:1] == b"{"
        encoded = raw if is_json else json.dumps(document, separators=(",", ":")).encode()
        stored = {shape(r.collection) for r in routes if r.kind == "get" and r.collection in creatable}
        return cls(document, encoded, book, routes, by_shape,
                   item_schema, creatable, conform, generation, stored)

    def pointers(self) -> list[str]:
        return [p for r in self.routes for p in (r.request_ptr, r.response_ptr) if p]

    def same_schema(self, a: str | None, b: str | None) -> bool:
        """Whether two pointers name the same schema (after `$ref`s); memoized, it sits on the hot path."""
        key = (a, b)
        found = self._same.get(key)
        if found is None:
            found = a == b if a is None or b is None else self.book.resolve(self.book.at(a)) is self.book.resolve(
                self.book.at(b))
            self._same[key] = found
        return found

    def candidates(self, method: str, path: str) -> list[Route]:
        parts = segments(path)
        first = parts[0] if parts else None
        exact = self.by_shape.get((method, len(parts), first), [])
        loose = self.by_shape.get((method, len(parts), None), [])
        return exact + loose if loose else exact

    def conform_to(self, value: Any, ptr: str | None) -> Any:
        """`value` made valid for the schema at `ptr`; already-valid values (the common case) pass untouched."""
        if ptr is None or self.book.is_valid(ptr, value):
            return value
        return self.conform(value, self.book.at(ptr))

    def documented(self, value: Any, ptr: str | None) -> Any:
        """`value` made valid for the schema at `ptr` and cut to the properties it documents, at every depth."""
        if ptr is None:
            return value
        schema = self.book.at(ptr)
        for _ in range(2):  # a cut can drop what a branch needed; conforming again only adds documented names
            value = documented_only(self.book, self.conform_to(value, ptr), schema)
            if self.book.is_valid(ptr, value):
                break
        return value

    def synthesize(self, ptr: str | None) -> Any:
        return None if ptr is None else self.conform(MISSING, self.book.at(ptr))


def served_as_create(routes: list[Route], item_schema: dict[str, str | None], book: SchemaBook) -> None:
    """POSTs under a collection that answer its item schema (`/call/phone`, `/phone-number/buy`) create one."""
    def schema(ptr: str | None) -> Any:
        return book.resolve(book.at(ptr)) if ptr else None

    families = sorted(((c, schema(p)) for c, p in item_schema.items() if p), key=lambda f: -len(f[0]))
    for route in routes:
        if route.kind != "action" or route.op.method != "POST" or not route.response_ptr:
            continue
        answered = schema(route.response_ptr)
        for collection, item in families:
            rest = route.collection[len(collection):]
            literal = rest.startswith("/") and "{" not in rest  # `/call/phone`, not `/subscription/{id}/credit`
            if route.collection.startswith(collection) and literal and answered is item:
                route.kind, route.collection, route.parent = "create", collection, None
                break


class TwinState:
    def __init__(self, document: dict[str, Any], tokens: dict[str, str] | None = None,
                 admin_token: str | None = None, fault: str | None = None, raw: bytes | None = None,
                 seed_objects: int = 0):
        self.tokens = dict(tokens or DEFAULT_TOKENS)
        self.orgs_by_token = {token: org for org, token in self.tokens.items()}
        self.admin_token = admin_token or DEFAULT_ADMIN_TOKEN
        self.fault = fault
        self.store = Store()
        self.answered: dict[str, dict[int, int]] = {}  # operation label -> status -> count (GET /__twin/stats)
        self.served = Served.build(document, 1, raw)
        self.seed_count = seed_objects  # objects per collection the account holds before serving (and after reset)
        self.reseed()
        self.warming = self.served.book.warm_up(self.served.pointers())

    def reseed(self, served: Served | None = None) -> int:
        """Top every collection up to `seed_count` seeded objects; returns how many were added."""
        from .seed import seed

        return seed(self, self.seed_count, served or self.served)

    def reset(self) -> None:
        """Forget every stored object; a seeded account gets its seeded objects back, as at start."""
        self.store.clear()
        self.answered.clear()
        self.reseed()

    def switch(self, document: dict[str, Any], raw: bytes | None = None) -> Served:
        served = Served.build(document, self.served.generation + 1, raw)
        self.served = served  # one assignment: requests in flight keep the version they started with
        self.reseed(served)  # collections new in this version get their seeded objects too
        self.warming = served.book.warm_up(served.pointers())
        return served

    def org_for(self, authorization: str | None) -> str | None:
        if authorization and authorization[:7].lower() == "bearer ":
            return self.orgs_by_token.get(authorization[7:].strip())
        return None

    def org_id(self, org: str) -> str:
        return org_uuid(org)
