"""Synthetic Vapi-like specs for the twin's honesty property test, drawn with hypothesis.

A spec has 1-4 resource families; a family may hang under an earlier one (nesting up to 3 levels: `/a/{aId}/b/{bId}/c`),
may be served under a version prefix (all its operations, or one extra `/v2/x` list as Vapi does), may declare its
ids `format: uuid`, may have an action under its items (`POST /x/{id}/run`), and may be polymorphic (create, update
and the stored object are `oneOf` two variants told apart by `type`, like Vapi's tools). Fields cover the formats
Vapi uses (uuid, date-time, email, uri), bounded integers, enums, nullable strings, arrays, nested objects and a
discriminated `oneOf` property.

Each field comes with a strategy for valid values and one invalid value, so the test builds valid and invalid
requests without reading the twin's code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

WORDS = ("widget", "gadget", "ledger", "beacon", "canvas", "parcel", "quorum", "signal", "voyage", "kernel")
VERBS = ("run", "archive", "clone", "publish")
JSON = "application/json"
UUID = st.uuids().map(str)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


NOISE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=12)


@dataclass
class Field:
    name: str
    schema: dict[str, Any]
    valid: Any  # strategy of valid values
    invalid: Any  # one value the schema rejects


@dataclass
class Family:
    name: str
    parent: Family | None
    version: str | None  # "all": every operation under /v2; "list": plain paths plus `GET /v2/<base>`
    id_param: str
    uuid_ids: bool
    fields: list[Field]
    required: list[str]
    variants: list[Field] | None = None  # polymorphic family: one discriminating field per variant
    action: str | None = None
    action_returns_item: bool = False
    paged: bool = False
    creatable: bool = True  # False: a read-only family (no POST): its items never exist, its list is empty
    put: bool = False  # updates are PUT, not PATCH
    summary_delete: bool = False  # DELETE answers a smaller schema than GET ({id, deleted})
    summary_list: bool = False  # list items are a smaller schema than GET ({id, createdAt})
    bulk: bool = False  # a collection-level action, `POST /x/bulk`

    @property
    def update_method(self) -> str:
        return "PUT" if self.put else "PATCH"

    @property
    def schema(self) -> str:
        return self.name.capitalize()

    def chain(self) -> list[Family]:
        return ([*self.parent.chain()] if self.parent else []) + [self]

    def base(self, versioned: bool | None = None) -> str:
        """Collection template, e.g. `/v2/widget/{widgetId}/gadget`."""
        parts = []
        for fam in self.chain():
            parts.append(fam.name)
            if fam is not self:
                parts.append("{" + fam.name + "Id}")
        prefix = "/v2" if (self.version == "all" if versioned is None else versioned) else ""
        return prefix + "/" + "/".join(parts)

    def item(self) -> str:
        return self.base() + "/{" + self.id_param + "}"


def _string_fields() -> list[Field]:
    email = st.sampled_from(["a@example.com", "user.name@example.org"])
    when = st.datetimes(timezones=st.just(__import__("datetime").timezone.utc)).map(
        lambda d: d.isoformat().replace("+00:00", "Z"))
    return [
        Field("label", {"type": "string", "maxLength": 20}, TEXT.filter(lambda s: len(s) <= 20), 42),
        Field("ownerId", {"type": "string", "format": "uuid"}, UUID, "not-a-uuid"),
        Field("startsAt", {"type": "string", "format": "date-time"}, when, "yesterday"),
        Field("contact", {"type": "string", "format": "email"}, email, "no-at-sign"),
        Field("homepage", {"type": "string", "format": "uri"}, st.just("https://example.com/x"), "not a uri"),
        Field("note", {"type": "string", "nullable": True}, st.none() | TEXT, 7),
    ]


def _other_fields() -> list[Field]:
    shape = {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}],
             "discriminator": {"propertyName": "kind"}}
    circle = st.fixed_dictionaries({"kind": st.just("circle"), "radius": st.integers(1, 9)})
    square = st.fixed_dictionaries({"kind": st.just("square"), "side": st.integers(1, 9)})
    return [
        Field("size", {"type": "integer", "minimum": 1, "maximum": 10}, st.integers(1, 10), 11),
        Field("color", {"type": "string", "enum": ["red", "blue"]}, st.sampled_from(["red", "blue"]), "green"),
        Field("enabled", {"type": "boolean"}, st.booleans(), "yes"),
        Field("tags", {"type": "array", "items": {"type": "string", "format": "uuid"}, "maxItems": 3},
              st.lists(UUID, max_size=3), ["nope"]),
        Field("limits", {"type": "object", "properties": {"max": {"type": "integer", "minimum": 0},
                                                          "unit": {"type": "string"}}, "required": ["max"]},
              st.fixed_dictionaries({"max": st.integers(0, 99)}, optional={"unit": TEXT}), {"unit": "s"}),
        Field("shape", shape, circle | square, {"kind": "circle"}),
        # free-form places keep whatever the client put there; a typed map checks its values
        Field("metadata", {"type": "object"}, st.dictionaries(TEXT, TEXT | st.integers(), max_size=3), "text"),
        Field("counts", {"type": "object", "additionalProperties": {"type": "integer"}},
              st.dictionaries(TEXT, st.integers(), max_size=3), {"a": "x"}),
    ]


SHAPES = {
    "Circle": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["circle"]},
                                                "radius": {"type": "integer", "minimum": 1}},
               "required": ["kind", "radius"]},
    "Square": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["square"]},
                                                "side": {"type": "integer", "minimum": 1}},
               "required": ["kind", "side"]},
}


@st.composite
def families(draw) -> list[Family]:
    names = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True))
    pool = _string_fields() + _other_fields()
    made: list[Family] = []
    for name in names:
        parents = [f for f in made if len(f.chain()) < 3]
        parent = draw(st.none() | st.sampled_from(parents)) if parents else None
        chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique_by=lambda f: f.name))
        required = [f.name for f in chosen if draw(st.booleans())]
        poly = draw(st.booleans())
        variants = [Field("a", {}, st.just("a"), "c"), Field("b", {}, st.just("b"), "c")] if poly else None
        action = draw(st.none() | st.sampled_from(VERBS))
        made.append(Family(
            name=name, parent=parent, version=draw(st.sampled_from([None, None, "all", "list"])),
            id_param=draw(st.sampled_from(["id", name + "Id"])), uuid_ids=draw(st.booleans()),
            fields=chosen, required=required, variants=variants, action=action,
            action_returns_item=draw(st.booleans()), paged=draw(st.booleans()),
            creatable=parent is None or draw(st.integers(0, 4)) > 0, put=draw(st.integers(0, 3)) == 0,
            summary_delete=draw(st.integers(0, 3)) == 0, summary_list=draw(st.integers(0, 3)) == 0,
            bulk=draw(st.integers(0, 3)) == 0,
        ))
    return made


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(fields: list[Field], required: list[str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = {f.name: f.schema for f in fields}
    properties.update(extra or {})
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(set(required))
    return schema


VARIANT_FIELDS = {"a": {"alpha": {"type": "string"}}, "b": {"beta": {"type": "integer"}}}  # one per variant
SERVER = {"id": {"type": "string", "format": "uuid"}, "orgId": {"type": "string", "format": "uuid"},
          "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}}


def _schemas(fam: Family) -> dict[str, Any]:
    """Create/Update DTOs and the stored object; a polymorphic family has one of each per variant."""
    out: dict[str, Any] = {}
    variants = fam.variants or [None]
    for variant in variants:
        suffix = variant.name.upper() if variant else ""
        own = {"type": {"type": "string", "enum": [variant.name]}, **VARIANT_FIELDS[variant.name]} if variant else {}
        tag = ["type"] if variant else []
        out[f"Create{fam.schema}{suffix}DTO"] = _object(fam.fields, fam.required + tag, own)
        out[f"Update{fam.schema}{suffix}DTO"] = _object(fam.fields, tag, own)
        out[f"{fam.schema}{suffix}"] = _object(fam.fields, fam.required + tag + list(SERVER), {**own, **SERVER})
    if fam.variants:
        for kind in ("Create{}DTO", "Update{}DTO", "{}"):
            names = [kind.format(fam.schema + v.name.upper()) for v in fam.variants]
            mapping = {v.name: _ref(n)["$ref"] for v, n in zip(fam.variants, names)}
            out[kind.format(fam.schema)] = {"oneOf": [_ref(n) for n in names],
                                            "discriminator": {"propertyName": "type", "mapping": mapping}}
    return out


def _params(fam: Family, item: bool) -> list[dict[str, Any]]:
    id_schema = {"type": "string", "format": "uuid"} if fam.uuid_ids else {"type": "string"}
    params = [{"name": p.name + "Id", "in": "path", "required": True, "schema": dict(id_schema)}
              for p in fam.chain()[:-1]]
    if item:
        params.append({"name": fam.id_param, "in": "path", "required": True, "schema": dict(id_schema)})
    return params


def _answer(code: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        answer["content"] = {JSON: {"schema": schema}}
    return {code: answer}


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {JSON: {"schema": schema}}}


def build_spec(fams: list[Family]) -> dict[str, Any]:
    schemas: dict[str, Any] = dict(SHAPES)
    schemas["PaginationMeta"] = {"type": "object", "properties": {
        "itemsPerPage": {"type": "number"}, "totalItems": {"type": "number"}, "currentPage": {"type": "number"}},
        "required": ["itemsPerPage", "totalItems", "currentPage"]}
    schemas["Summary"] = {"type": "object", "properties": {"id": SERVER["id"], "createdAt": SERVER["createdAt"]},
                          "required": ["id"]}
    schemas["Deleted"] = {"type": "object", "properties": {"id": SERVER["id"], "deleted": {"type": "boolean"}},
                          "required": ["id", "deleted"]}
    schemas["Bulk"] = {"type": "object", "properties": {"accepted": {"type": "integer", "minimum": 0}},
                       "required": ["accepted"]}
    paths: dict[str, Any] = {}
    for fam in fams:
        schemas.update(_schemas(fam))
        item_ref = _ref(fam.schema)
        listed: dict[str, Any] = {"type": "array", "items": _ref("Summary") if fam.summary_list else item_ref}
        if fam.paged:
            schemas[f"{fam.schema}Paginated"] = {"type": "object", "properties": {
                "results": listed, "metadata": _ref("PaginationMeta")}, "required": ["results", "metadata"]}
            listed = _ref(f"{fam.schema}Paginated")
        limit = {"name": "limit", "in": "query", "required": False, "schema": {"type": "number", "minimum": 0,
                                                                                "maximum": 1000}}
        owner = {"name": "ownerId", "in": "query", "required": False, "schema": {"type": "string", "format": "uuid"}}
        list_op = {"operationId": f"{fam.name}List", "parameters": _params(fam, False) + [limit, owner],
                   "responses": _answer("200", listed)}
        paths[fam.base()] = {"get": list_op}
        if fam.creatable:
            paths[fam.base()]["post"] = {
                "operationId": f"{fam.name}Create", "parameters": _params(fam, False),
                "requestBody": _body(_ref(f"Create{fam.schema}DTO")), "responses": _answer("201", item_ref)}
        if fam.bulk:
            paths[fam.base() + "/bulk"] = {"post": {
                "operationId": f"{fam.name}Bulk", "parameters": _params(fam, False),
                "requestBody": _body({"type": "object", "properties": {"ids": {
                    "type": "array", "items": {"type": "string", "format": "uuid"}}}, "required": ["ids"]}),
                "responses": _answer("200", _ref("Bulk"))}}
        if fam.version == "list":
            paths[fam.base(versioned=True)] = {"get": {**list_op, "operationId": f"{fam.name}ListV2"}}
        item_params = _params(fam, True)
        paths[fam.item()] = {
            "get": {"operationId": f"{fam.name}Get", "parameters": item_params, "responses": _answer("200", item_ref)},
            fam.update_method.lower(): {
                "operationId": f"{fam.name}Update", "parameters": item_params,
                "requestBody": _body(_ref(f"Update{fam.schema}DTO")), "responses": _answer("200", item_ref)},
            "delete": {"operationId": f"{fam.name}Delete", "parameters": item_params,
                       "responses": _answer("200", _ref("Deleted") if fam.summary_delete else item_ref)},
        }
        if fam.action:
            answer = item_ref if fam.action_returns_item else {
                "type": "object", "properties": {"status": {"type": "string", "enum": ["queued", "done"]},
                                                 "jobId": {"type": "string", "format": "uuid"}},
                "required": ["status", "jobId"]}
            paths[fam.item() + "/" + fam.action] = {"post": {
                "operationId": f"{fam.name}{fam.action.capitalize()}", "parameters": item_params,
                "requestBody": _body({"type": "object", "properties": {"dryRun": {"type": "boolean"}}}, False),
                "responses": _answer("201", answer)}}
    return {"openapi": "3.0.0", "info": {"title": "synthetic", "version": str(uuid.uuid4())[:8]},
            "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}], "paths": paths}


@dataclass
class Case:
    """A drawn spec and the valid values the test sends."""

    families: list[Family]
    spec: dict[str, Any]
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # family -> a valid create body
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # family -> a valid update body
    noise: list[Any] = field(default_factory=list)  # arbitrary JSON bodies: never a 5xx
    odd: list[str] = field(default_factory=list)  # arbitrary text for ids and query values: never a 5xx
    seed: int = 0  # objects every collection holds before the test starts (`--seed-objects`)

    def __repr__(self) -> str:  # what a failure report shows: the operations and the bodies sent
        ops = [f"{m.upper()} {p}" for p, item in self.spec["paths"].items() for m in item]
        fields = {f.name: [x.name for x in f.fields] + (["type"] if f.variants else []) for f in self.families}
        return f"Case(ops={ops}, fields={fields}, bodies={self.bodies}, updates={self.updates})"


@st.composite
def cases(draw) -> Case:
    fams = draw(families())
    case = Case(fams, build_spec(fams))
    case.noise = draw(st.lists(NOISE, max_size=2))
    case.odd = draw(st.lists(st.text(min_size=1, max_size=8), max_size=2))
    case.seed = draw(st.sampled_from([0, 0, 2]))
    for fam in fams:
        variant = draw(st.sampled_from(fam.variants)) if fam.variants else None
        tag = {"type": variant.name} if variant else {}
        chosen = {f.name: draw(f.valid) for f in fam.fields if f.name in fam.required or draw(st.booleans())}
        case.bodies[fam.name] = {**chosen, **tag}
        update = {f.name: draw(f.valid) for f in fam.fields if draw(st.booleans())}
        case.updates[fam.name] = {**update, **tag}
    return case
