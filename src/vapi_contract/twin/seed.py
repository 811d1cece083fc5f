"""Objects the twin holds before it serves (`--seed-objects N`), as a real account holds objects nobody in the run
created: every collection of every organisation starts with N of them.

Each one is made by the same path as `POST /x` (`Call.store_new`: server fields stamped, cut to the item schema's
properties and conformed to it) from a body synthesized from the create operation's request schema, named
`seed-<n>` where the item schema has a string `name`. Collections under a parameter are seeded where the value can
be known: an enum (`/provider/{provider}/{resourceName}`: every combination) or the id of a seeded parent
(`/test-suite/{testSuiteId}/test`: N under each seeded test suite); any other one is skipped. Seeded records are
marked internally (`record.extra["seeded"]`, never answered) so `--fault seeded-wrong-type` can target them.
"""

from __future__ import annotations

import copy
import datetime as _dt
from typing import Any

from .crud import Call
from .routing import Route, param_name, segments, shape, strip_version
from .state import Served, TwinState

SEED_AGE = _dt.timedelta(hours=1)  # seeded objects predate anything a client creates


def seed(state: TwinState, count: int, served: Served | None = None) -> int:
    """Top every seedable collection of every organisation up to `count` seeded objects (idempotent: a collection
    that already holds them gets none); returns how many objects were added."""
    served = served or state.served
    if count <= 0:
        return 0
    creates = _create_routes(served)
    order = sorted(creates, key=lambda template: (len(segments(template)), template))  # parents first
    base = _dt.datetime.now(_dt.timezone.utc) - SEED_AGE
    added, bodies = 0, {}  # one synthesized body per create operation, copied for each object
    for org in list(state.tokens):
        for template in order:
            route = creates[template]
            for concrete, values in _concrete(state, served, org, template, route, creates):
                have = sum(1 for r in state.store.records(org, concrete) if r.extra.get("seeded"))
                for n in range(have + 1, count + 1):
                    stamp = (base + _dt.timedelta(milliseconds=added)).isoformat(timespec="milliseconds")
                    call = Call(state, served, route, org, values, {}, None, None)  # type: ignore[arg-type]
                    if route.label not in bodies:
                        bodies[route.label] = _body(served, route)
                    body, name = copy.deepcopy(bodies[route.label]), f"seed-{n}"
                    if "name" in body:  # the stored object has a string name
                        body["name"] = name
                    call.store_new(body, stamp.replace("+00:00", "Z"), seeded=True)
                    added += 1
    return added


def unseed(state: TwinState) -> int:
    """Forget every seeded object (client-created ones stay); returns how many were removed."""
    removed = 0
    for (org, collection), bucket in list(state.store.items()):
        for record in [r for r in bucket.values() if r.extra.get("seeded")]:
            state.store.remove(org, collection, record.id)
            removed += 1
    return removed


def _create_routes(served: Served) -> dict[str, Route]:
    """One create operation per collection: the one at the collection's own path (`POST /call`, not
    `POST /call/phone`) when there is one."""
    found: dict[str, Route] = {}
    for route in served.routes:
        if route.kind != "create" or route.collection not in served.creatable:
            continue
        canonical = strip_version(route.op.path) == route.collection
        if route.collection not in found or (canonical and strip_version(found[route.collection].op.path)
                                             != route.collection):
            found[route.collection] = route
    return found


def _concrete(state: TwinState, served: Served, org: str, template: str, route: Route,
              creates: dict[str, Route]) -> list[tuple[str, dict[str, str]]]:
    """Every concrete collection of a template that can be seeded, with its path values; [] when a parameter's
    value cannot be known."""
    parents = {shape(c): c for c in creates}
    params = {p.get("name"): served.book.resolve(p.get("schema") or {}) for p in route.params if p.get("in") == "path"}
    options: list[tuple[str, dict[str, str]]] = [("", {})]
    parts = segments(template)
    for index, part in enumerate(parts):
        name = param_name(part)
        if name is None:
            options = [(path + "/" + part, values) for path, values in options]
            continue
        parent = parents.get(shape("/" + "/".join(parts[:index])))
        enum = (params.get(name) or {}).get("enum") if isinstance(params.get(name), dict) else None
        if parent is None and not (isinstance(enum, list) and enum):
            return []
        grown = []
        for path, values in options:
            if parent is not None:  # under an item of a seeded parent: its seeded ids
                choices = [r.id for r in state.store.records(org, path) if r.extra.get("seeded")]
            else:
                choices = [str(v) for v in enum]
            grown += [(f"{path}/{value}", {**values, name: value}) for value in choices]
        options = grown
    return options


def _body(served: Served, route: Route) -> dict[str, Any]:
    """A create body valid for the request schema, with a `name` where the stored object has a string name."""
    body = served.synthesize(route.request_ptr) if route.request_ptr else None
    body = dict(body) if isinstance(body, dict) else {}
    name_schema = _property(served, served.book.at(served.item_schema.get(route.collection) or ""), "name")
    if isinstance(name_schema, dict) and served.book.schema_valid(name_schema, "seed-1"):
        body["name"] = "seed-1"
    return body


def _property(served: Served, schema: Any, name: str, depth: int = 0) -> Any:
    """The schema of property `name` of an object schema, looked up through `$ref`s and allOf/oneOf/anyOf."""
    schema = served.book.resolve(schema)
    if not isinstance(schema, dict) or depth > 16:
        return None
    found = (schema.get("properties") or {}).get(name)
    if found is not None:
        return served.book.resolve(found)
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            found = _property(served, branch, name, depth + 1)
            if found is not None:
                return found
    return None
