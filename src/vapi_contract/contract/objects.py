"""Real objects for operations addressed by path ids, so `GET /x/{id}` sees a 200 whose body is checked instead
of only the 404 a random id gets.

- **Harvested**: ids of objects that exist for the run's key, read from the family's list operation (and, for
  nested paths, from the parent's list first). Reads only: safe on any account.
- **Own**: objects this run created (a fuzzed create answered 2xx, a lifecycle, or `ensure_own`). They are
  tracked the moment the create answers and deleted at the end of the session.

Writes (PATCH/PUT/DELETE/actions) use own objects only in `safe-live` (a customer's account: the run never
changes what it did not create); elsewhere (the twin, a staging organisation with `--profile nightly`) harvested
objects too. A share of the generated cases gets these ids; the rest keep their generated ids (the 404 path).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..spec.model import label_path, split_label
from . import safety
from .parameters import declared, fill_path, required_body, required_parameters, wire_query
from .plan import delete_of
from .resources import Created, items_of, tag_name

PARAM = re.compile(r"\{([^{}]+)\}")
HARVEST_LIMIT = 5  # objects read per list: a few real ids are enough to exercise the success path
OWN_CREATES_PER_OPERATION = 4  # objects a fuzzed write may create for itself (DELETE consumes one per case)


@dataclass
class Own:
    create: str  # create label, e.g. "POST /assistant"
    collection: str  # concrete collection path the object was created in
    values: dict[str, str]  # every path parameter that addresses it (parents + its own id)


def _segments(template: str) -> list[str]:
    return [s for s in template.split("/") if s]


class ObjectPool:
    def __init__(self, engine):
        self.engine = engine
        self.document = engine.document
        self.labels = {f"{m.upper()} {p}" for p, item in (self.document.get("paths") or {}).items()
                       if isinstance(item, dict) for m in item}
        self.own: list[Own] = []
        self.created_for: dict[str, int] = {}
        self._deletes: dict[str, str | None] = {}

    # -- policy ---------------------------------------------------------------------------------------------
    def own_only(self) -> bool:
        """Writes only on objects the run created: a live account in safe-live (the default for a URL)."""
        return self.engine.options.profile == "safe-live"

    @staticmethod
    def is_write(label: str) -> bool:
        method, path = split_label(label)
        return safety.classify(method, path).kind != "read"

    def delete_for(self, create_label: str) -> str | None:
        """`DELETE C/{p}` for `POST C`: how an object made by this create is deleted (None: it cannot be)."""
        if create_label not in self._deletes:  # asked after every 2xx create: read the paths once per create
            self._deletes[create_label] = delete_of(self.document, label_path(create_label))
        return self._deletes[create_label]

    # -- candidates -----------------------------------------------------------------------------------------
    def candidates(self, label: str) -> list[dict[str, str]]:
        """Complete path-parameter values of objects `label` may address in this run (possibly none)."""
        template = label_path(label)
        if not PARAM.search(template):
            return []
        write = self.is_write(label)
        own = [values for values in (self._own_values(template, o) for o in self.own) if values]
        # a DELETE uses its object up: the run's own first (made for it), so existing objects stay for the reads
        if (write and self.own_only()) or label.startswith("DELETE "):
            if not own and self.ensure_own(template):
                own = [v for v in (self._own_values(template, o) for o in self.own) if v]
            if own or self.own_only():
                if not own:
                    self.engine.coverage.because(label, "fuzz", "no object of its own to address: this profile "
                                                 "writes only objects the run created, and it could not create one")
                return own
        found = own + [v for v in self.harvest(template, label) if v not in own]
        if not found and self.ensure_own(template):  # an empty account: make one object to read
            found = [v for v in (self._own_values(template, o) for o in self.own) if v]
        return found

    def _own_values(self, template: str, own: Own) -> dict[str, str] | None:
        """Path values of `template` for an own object when the template addresses it (item, sub-resource,
        action): the template starts with the object's collection followed by one parameter."""
        collection_template = label_path(own.create)
        segments, base = _segments(template), _segments(collection_template)
        if len(segments) <= len(base) or segments[:len(base)] != base or not PARAM.fullmatch(segments[len(base)]):
            return None
        names = PARAM.findall("/".join(segments[:len(base) + 1]))
        values = dict(zip(names, [*_parent_values(collection_template, own.collection), own.values["id"]]))
        if len(values) != len(names):
            return None
        rest = PARAM.findall("/".join(segments[len(base) + 1:]))
        if rest:  # deeper parameters (a child of the object): not addressed by this object alone
            return None
        return values

    def harvest(self, template: str, label: str) -> list[dict[str, str]]:
        """Objects that exist for the run's key, read level by level from list operations; parameters with no
        list before them get a schema-valid value (an enum member, a format-valid string)."""
        segments = _segments(template)
        chains: list[dict[str, str]] = [{}]
        for index, segment in enumerate(segments):
            name = PARAM.fullmatch(segment)
            if not name:
                continue
            prefix = "/" + "/".join(segments[:index])
            listing = f"GET {prefix}"
            parent = chains[0]
            if listing in self.labels and not PARAM.search(fill_path(prefix, parent)):
                ids = self._list_ids(listing, fill_path(prefix, parent))
                if not ids:
                    self.engine.coverage.because(label, "fuzz", f"no object to address: {listing} listed none")
                    return []
                last = not any(PARAM.fullmatch(s) for s in segments[index + 1:])
                chains = [{**parent, name.group(1): i} for i in (ids if last else ids[:1])]
            else:
                value = required_parameters(self.document, label).path.get(name.group(1))
                if value is None:
                    return []
                chains = [{**c, name.group(1): str(value)} for c in chains]
        return chains

    def _list_ids(self, listing: str, path: str) -> list[str]:
        required = required_parameters(self.document, listing)
        query = wire_query(required.query)
        if any(p.get("name") == "limit" for p in declared(self.document, listing)):
            query["limit"] = HARVEST_LIMIT
        try:
            response = self.engine.exchange(listing, "GET", path, params=query, headers=dict(required.headers),
                                            source="harvest")
        except Exception:  # noqa: BLE001 - a list that cannot be read leaves the generated ids in place
            return []
        if response.status_code != 200:
            return []
        try:
            body = response.json()
        except ValueError:
            return []
        return [str(o["id"]) for o in items_of(body) if o.get("id")][:HARVEST_LIMIT]

    # -- own objects ----------------------------------------------------------------------------------------
    def ensure_own(self, template: str) -> bool:
        """Create one object a write on `template` can address (safe-live), within a small cap per operation."""
        segments = _segments(template)
        for cut in range(len(segments) - 1, 0, -1):
            if not PARAM.fullmatch(segments[cut]):
                continue
            collection = "/" + "/".join(segments[:cut])
            create = f"POST {collection}"
            if create not in self.labels or PARAM.search(collection) or not self.delete_for(create):
                continue
            if safety.classify("POST", collection).is_cost and not self.engine.options.allow_cost:
                return False
            if self.created_for.get(template, 0) >= OWN_CREATES_PER_OPERATION:
                return False
            self.created_for[template] = self.created_for.get(template, 0) + 1
            return self._create(create, collection)
        return False

    def _create(self, create: str, collection: str) -> bool:
        from .behaviour import body_properties, iter_bodies

        names = body_properties(self.engine, create)
        for body in itertools.islice(iter_bodies(self.engine, create), 3):  # lazily: drawing is slow
            if "name" in names:
                body = {**body, "name": tag_name(self.engine.ctx.run_id, collection)}
            try:
                response = self.engine.exchange(create, "POST", collection, json=body, source="fuzz")
            except Exception:  # noqa: BLE001 - could not create: the write keeps its generated ids
                return False
            if self.track(create, collection, response):
                return True
            if response.status_code >= 500:
                break
        self.engine.coverage.because(create, "fuzz", f"{create} refused every spec-valid body")
        return False

    def track(self, create: str, collection: str, response, name: str | None = None) -> bool:
        """Record an object a 2xx create made (deleted at the end of the session)."""
        if not 200 <= response.status_code < 300:
            return False
        try:
            data = response.json()
        except ValueError:
            return False
        rid = data.get("id") if isinstance(data, dict) else None
        delete = self.delete_for(create)
        if not rid or delete is None:
            return False
        collection_template = label_path(create)
        parent = dict(zip(PARAM.findall(collection_template), _parent_values(collection_template, collection)))
        id_name = PARAM.findall(label_path(delete))[-1]
        delete_values = {**parent, id_name: str(rid)}
        required = required_parameters(self.document, delete, path_values=delete_values)
        self.engine.tracker.created(Created(
            collection_template, fill_path(label_path(delete), required.path), str(rid),
            name or (data.get("name") if isinstance(data.get("name"), str) else None), create,
            delete_query=wire_query(required.query), delete_headers=dict(required.headers),
            delete_body=required_body(self.document, delete), delete_label=delete))
        self.own.append(Own(create, collection, {**parent, "id": str(rid)}))
        return True

    def observe(self, case, response) -> None:
        """After a fuzzed case: track what a 2xx create made; forget own objects a 2xx DELETE removed."""
        method = case.method.upper()
        template = case.operation.path
        status = response.status_code
        if not 200 <= status < 300:
            return
        if method == "POST" and self.delete_for(f"POST {template}"):
            self.track(f"POST {template}", case.formatted_path, _Answer(response))
        elif method == "DELETE":
            gone = str(list((case.path_parameters or {}).values())[-1]) if case.path_parameters else None
            for own in [o for o in self.own if o.values.get("id") == gone]:
                self.own.remove(own)
                self.engine.tracker.deleted(gone, f"DELETE {template}")


class Targets:
    """Which generated cases of one operation get a real object's ids: every other case whose path parameters
    were generated as valid data (a negated path parameter is left alone: it tests the rejection)."""

    def __init__(self, pool: ObjectPool, label: str):
        self.pool, self.label = pool, label
        self.consumes = label.startswith("DELETE ")
        self.values = pool.candidates(label) if PARAM.search(label) else []
        self.sent = 0
        method, path = split_label(label)
        # on a live account, objects a fuzzed create makes carry the run's tag where the body names them, so
        # `vapi-contract janitor` finds them even if this run dies before its teardown
        self.tag = None
        if pool.engine.live and method == "POST" and pool.delete_for(label):
            from .behaviour import body_properties

            if "name" in body_properties(pool.engine, label):
                self.tag = tag_name(pool.engine.ctx.run_id, path)

    def apply(self, case) -> None:
        if self.tag and isinstance(case.body, dict) and _mode(case) == "positive":
            case.body["name"] = self.tag
        if not case.path_parameters or not _path_is_valid(case):
            return
        self.sent += 1
        if self.sent % 2:
            return  # this one keeps its generated ids: the not-found path is exercised too
        if self.consumes:  # a DELETE uses its object up: ask again (own objects are re-created within a cap)
            self.values = self.pool.candidates(self.label)
        if self.values:
            case.path_parameters.update(self.values[(self.sent // 2) % len(self.values)])


def _mode(case) -> str | None:
    generation = getattr(getattr(case, "meta", None), "generation", None)
    return getattr(getattr(generation, "mode", None), "value", None)


def _path_is_valid(case) -> bool:
    meta = getattr(case, "meta", None)
    components = getattr(meta, "components", None) or {}
    for location, info in components.items():
        if getattr(location, "value", location) == "path":
            return getattr(getattr(info, "mode", None), "value", "positive") == "positive"
    return True


def _parent_values(collection_template: str, collection: str) -> list[str]:
    from .exchange import path_values

    return list(path_values(collection_template, collection).values())


class _Answer:
    """A schemathesis response seen through the two attributes `track` reads."""

    def __init__(self, response):
        self.status_code = response.status_code
        self._response = response

    def json(self):
        return self._response.json()
