"""What each kind of operation does: create, get, list, update, delete on the store, or a documented answer."""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .formats import now_iso
from .routing import Route, shape
from .state import Served, TwinState
from .store import Record, parse_time
from .variants import update_problems

SERVER_FIELDS = ("id", "orgId", "createdAt", "updatedAt")
FAULT_COLLECTION = "/assistant"  # `--fault server-error` breaks this create (else the spec's first one)
TIME_FILTERS = {"Gt": lambda a, b: a > b, "Lt": lambda a, b: a < b, "Ge": lambda a, b: a >= b, "Le": lambda a, b: a <= b}


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _json(payload: Any, status: int) -> Response:
    body = payload if isinstance(payload, bytes) else _encode(payload)
    return Response(body, status_code=status, media_type="application/json")


def _non_ascii(value: Any) -> bool:
    """Whether a request body holds a string (key or value, at any depth) with a non-ASCII character."""
    if isinstance(value, str):
        return not value.isascii()
    if isinstance(value, dict):
        return any(_non_ascii(k) or _non_ascii(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_non_ascii(v) for v in value)
    return False


def _noun(collection: str) -> str:
    """`Assistant` for `/assistant`, `Pronunciation dictionary` for `/provider/cartesia/pronunciation-dictionary`."""
    return collection.rstrip("/").split("/")[-1].replace("-", " ").capitalize() or "Object"


def not_found(what: str) -> Response:
    return _json({"message": f"{what} not found", "error": "Not Found", "statusCode": 404}, 404)


class Call:
    """One request being answered; `run()` returns the response."""

    def __init__(self, state: TwinState, served: Served, route: Route, org: str, path_values: dict[str, str],
                 query: dict[str, Any], body: Any, request: Request):
        self.state, self.served, self.route, self.org = state, served, route, org
        self.path_values, self.query, self.body, self.request = path_values, query, body, request
        names = set(path_values) - ({route.id_param} if route.id_param else set())
        self.collection = route.collection
        for name in names:  # concrete collection, e.g. /provider/google/calendar
            self.collection = self.collection.replace("{" + name + "}", path_values[name])

    def run(self) -> Response:
        missing = self._missing_ancestor()
        if missing is not None:
            return not_found(missing)
        kind = self.route.kind
        if kind in ("get", "update", "delete") and self.route.collection not in self.served.creatable and \
                self._stored_ancestors():
            return not_found(self._label())  # children exist only when created, and this family cannot be
        if kind not in ("action", "list") and self.route.collection not in self.served.creatable:
            kind = "action"  # a family the spec never lets clients create: answer what is documented
        if self.state.fault == "non-ascii-500" and kind in ("create", "update") and _non_ascii(self.body):
            return _json({"message": "Internal server error", "error": "Internal Server Error", "statusCode": 500}, 500)
        return getattr(self, kind)()

    # -- stored objects -------------------------------------------------------------------------------------
    @property
    def item_ptr(self) -> str | None:
        return self.served.item_schema.get(self.route.collection)

    def _conformed(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The object as its item schema documents it, made valid: properties the schema does not list are
        dropped at every depth (server fields a family lacks, like `updatedAt` on eval runs, form parts like
        `file`, or whatever else a client sent), even `id` where a broken schema forgets it (May 2025)."""
        result = self.served.documented(obj, self.item_ptr)
        return result if isinstance(result, dict) else obj

    def _shape(self, record: Record, listed: bool = False) -> Any:
        """The record as this operation documents it (or as a list item), with the active fault applied."""
        if record.generation != self.served.generation:  # the spec was switched: re-conform once
            record.obj = self._conformed(record.obj)
            record.generation, record.encoded = self.served.generation, None
        obj = record.obj
        target = self.item_ptr if listed else self.route.response_ptr
        if not listed and not self.served.same_schema(target, self.item_ptr):
            obj = self.served.documented(obj, target)
        return obj if listed else self._fault(obj, target, record)

    def _fault(self, obj: Any, ptr: str | None, record: Record | None = None) -> Any:
        fault, kind = self.state.fault, self.route.kind
        wrong_type = fault == "wrong-type" or (fault == "delete-wrong-type" and kind == "delete") or (
            fault == "seeded-wrong-type" and kind == "get" and record is not None and record.extra.get("seeded"))
        if not isinstance(obj, dict) or not (wrong_type or fault == "drop-required"):
            return obj
        obj = dict(obj)
        if fault == "drop-required":
            schema = self.served.book.resolve(self.served.book.at(ptr or "") or {})
            required = [k for k in (schema.get("required") or []) if k in obj] if isinstance(schema, dict) else []
            victim = "orgId" if "orgId" in required else (required[0] if required else None)
            obj.pop(victim, None)
        elif "createdAt" in obj:
            obj["createdAt"] = int(_dt.datetime.now().timestamp() * 1000)
        return obj

    def _record(self) -> Record | None:
        return self.state.store.get(self.org, self.collection, self.path_values.get(self.route.id_param, ""))

    def _respond(self, record: Record) -> Response:
        if self.state.fault is None and self.route.kind == "get" and record.generation == self.served.generation \
                and self.served.same_schema(self.route.response_ptr, self.item_ptr):
            if record.encoded is None:
                record.encoded = _encode(record.obj)
            return _json(record.encoded, self.route.status)
        return _json(self._shape(record), self.route.status)

    def _label(self) -> str:
        return _noun(self.collection)

    def store_new(self, body: Any, stamp: str | None = None, seeded: bool = False) -> Record:
        """Store a new object made from a create body: what `create` answers, and how seeded objects are made."""
        body = body if isinstance(body, dict) else {}
        stamp = stamp or now_iso()
        obj = {k: v for k, v in body.items() if k not in SERVER_FIELDS}
        obj.update(id=str(uuid.uuid4()), orgId=self.state.org_id(self.org), createdAt=stamp, updatedAt=stamp)
        obj = self._conformed(obj)
        when = parse_time(stamp)
        record = Record(str(obj.get("id") or uuid.uuid4()), obj, when, when, self.served.generation)
        if seeded:  # internal mark (never in a response): `--fault seeded-wrong-type` targets these
            record.extra["seeded"] = True
        self.state.store.put(self.org, self.collection, record)
        return record

    def create(self) -> Response:
        return _json(self._shape(self.store_new(self.body)), self.route.status)

    def get(self) -> Response:
        record = self._record()
        return self._respond(record) if record else not_found(self._label())

    def update(self) -> Response:
        record = self._record()
        if record is None:
            return not_found(self._label())
        # The honest twin accepts what the spec's update schema accepts (any variant); Vapi's stricter per-type
        # reading is the per-variant-updates fault, so a default night on the twin stays the spec's verdict.
        strict = self.state.fault == "per-variant-updates"
        problems = update_problems(self.served.book, self.route.request_ptr, self.item_ptr, record.obj,
                                   self.body) if strict else []
        if problems:  # a field of another variant (`async` on a dtmf tool): Vapi validates by the object's type
            return _json({"message": problems, "error": "Bad Request", "statusCode": 400}, 400)
        changes = {k: v for k, v in (self.body or {}).items() if k not in SERVER_FIELDS}
        stamp = now_iso()
        obj = self._conformed(dict(record.obj, **changes, updatedAt=stamp))
        if self.state.fault == "patch-not-persisted":  # answer the merged object, keep the stored one as it was
            unsaved = Record(record.id, obj, record.created, parse_time(stamp), self.served.generation,
                             extra=dict(record.extra))
            return self._respond(unsaved)
        record.obj, record.encoded = obj, None
        record.updated = parse_time(stamp)
        return self._respond(record)

    def delete(self) -> Response:
        record = self._record()
        if record is None:
            return not_found(self._label())
        if self.state.fault != "undeletable":
            self.state.store.remove(self.org, self.collection, record.id)
            if self.state.fault == "deleted-still-listed":  # gone for GET by id, still in lists
                self.state.store.bury(self.org, self.collection, record)
        return self._respond(record)

    def list(self) -> Response:
        fault = self.state.fault
        records = self.state.store.records(self.org, self.collection)
        if fault == "deleted-still-listed":
            records += self.state.store.buried(self.org, self.collection)
        if fault == "nameless-unlisted":
            records = [r for r in records if r.obj.get("name") not in (None, "")]
        records = self._filtered(records)
        descending = str(self.query.get("sortOrder", "DESC")).upper() != "ASC"
        records.sort(key=lambda r: r.created, reverse=descending)
        limit = self.query.get("limit")
        limit = int(limit) if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit >= 0 else 100
        page = self.query.get("page")
        page = int(page) if isinstance(page, (int, float)) and not isinstance(page, bool) and page >= 1 else 1
        cut = 100 if fault == "limit-ignored" else limit  # the metadata still claims the requested limit
        window = records[(page - 1) * cut: page * cut]
        items = [self._shape(r, listed=True) for r in window]
        schema = self.served.book.resolve(self.served.book.at(self.route.response_ptr or "") or {})
        if isinstance(schema, dict) and "results" in (schema.get("properties") or {}):
            meta_schema = self.served.book.resolve((schema.get("properties") or {}).get("metadata") or {})
            payload: Any = {"results": items, "metadata": self._page_meta(meta_schema, limit, page, len(records))}
        else:
            payload = items
        # items cut to the list's own item schema, which may document less than a single get (a list of
        # `Insight` has no `queries`, a get of `BarInsight` has)
        payload = self.served.documented(payload, self.route.response_ptr)
        listed = payload.get("results") if isinstance(payload, dict) else payload
        if isinstance(listed, list) and self.state.fault:
            listed[:] = [self._fault(item, self.item_ptr) for item in listed]
        return _json(payload, self.route.status)

    def _page_meta(self, schema: Any, limit: int, page: int, total: int) -> dict[str, Any]:
        """Only the pagination fields this spec version documents (`PaginationMeta` grew `itemsBeyondRetention`
        and the effective `createdAtLe/Ge` window over time; none ever had `totalPages`)."""
        known = {"itemsPerPage": limit, "totalItems": total, "currentPage": page,
                 "itemsBeyondRetention": False}  # the twin keeps everything: nothing is beyond retention
        known.update({k: v for k, v in self.query.items() if k in ("createdAtLe", "createdAtGe")})
        documented = self.served.book.property_names(schema)
        return {k: v for k, v in known.items() if documented is None or k in documented}

    def _filtered(self, records: list[Record]) -> list[Record]:
        for name, value in self.query.items():
            for field, attr in (("createdAt", "created"), ("updatedAt", "updated")):
                op = TIME_FILTERS.get(name[len(field):]) if name.startswith(field) else None
                when = parse_time(value) if op and isinstance(value, str) else None
                if when is not None:
                    records = [r for r in records if op(getattr(r, attr), when)]
            plain = name not in ("limit", "page", "sortOrder") and not name.startswith(("createdAt", "updatedAt"))
            if plain and isinstance(value, (str, int, float, bool)):
                records = [r for r in records if name not in r.obj or r.obj[name] == value]
        return records

    # -- everything else ------------------------------------------------------------------------------------
    def action(self) -> Response:
        if self.route.redirect:
            target = f"{self.request.base_url}__twin/blob/{uuid.uuid4()}"
            return Response(status_code=self.route.status, headers={"location": target})
        if self.route.response_ptr is None:
            return Response(status_code=self.route.status)
        payload = self.served.synthesize(self.route.response_ptr)
        if isinstance(payload, dict) and self.route.id_param and "id" in payload:
            payload["id"] = self.path_values.get(self.route.id_param, payload["id"])
            if not self.served.book.is_valid(self.route.response_ptr, payload):
                payload = self.served.synthesize(self.route.response_ptr)
        return _json(payload, self.route.status)

    def _concrete(self, template: str) -> str:
        for name, value in self.path_values.items():
            template = template.replace("{" + name + "}", value)
        return template

    def _stored_ancestors(self) -> list[tuple[str, str]]:
        return [(c, p) for c, p in self.route.ancestors if shape(c) in self.served.stored]

    def _missing_ancestor(self) -> str | None:
        """What to call the first item this route hangs under (outermost first) that does not exist, if any:
        the insight of `/reporting/insight/{id}/run`, the suite of `/v2/suite/{suiteId}/test/{id}`. Only families
        whose objects the twin stores are checked (and their child families that nobody can create, whose items
        never exist); the others are answered as documented."""
        under_stored = False
        for collection, param in self.route.ancestors:
            concrete = self._concrete(collection)
            if shape(collection) in self.served.stored:
                if self.state.store.get(self.org, concrete, self.path_values.get(param, "")) is None:
                    return _noun(concrete)
                under_stored = True
            elif under_stored:  # a child family clients cannot create: none of its items exists
                return _noun(concrete)
        return None
