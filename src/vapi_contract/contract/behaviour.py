"""Behaviour beyond schemas: what a response can satisfy its schema and still get wrong.

- `limit` honoured on every list that documents it (a read: also lists of families the run cannot create);
- documented filters filter (`createdAtGt/Lt/Ge/Le`, `updatedAt...`, equality filters on a field the listed
  objects carry): every returned object satisfies the filter;
- non-ASCII text (accents, CJK, emoji) in create and update bodies never yields a 5xx;
- a PATCH is visible in the next GET, for any patched scalar field (lifecycle.py runs it);
- created objects appear in lists and deleted ones disappear (lifecycle.py runs it).

`Probe` is the plumbing both the lifecycle and the read-only list probe use: every request goes through
`engine.exchange` (so the check battery runs on its response and it counts as coverage), and every broken
behaviour is a finding with a curl reproducer, replayed once (a finding that does not fail again is flaky).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from ..spec.model import label_method, label_path, split_label
from . import triage
from .checks.timestamps_and_ids import parse_time
from .findings import Finding
from .parameters import is_valid
from .plan import NAME_LIKE, request_media, response_schema, schema_branches
from .resources import items_of

# accents, CJK, emoji (one outside the BMP: a UTF-16 surrogate pair on servers written in JS)
NON_ASCII = "àéîõü-日本語-😀"
PAGING = frozenset({"limit", "page", "sortOrder", "cursor", "offset"})
TIME_OPS = {"Gt": lambda a, b: a > b, "Lt": lambda a, b: a < b, "Ge": lambda a, b: a >= b, "Le": lambda a, b: a <= b}


class Probe:
    """Sends hand-built requests through the engine and records broken behaviour as findings."""

    source = "behaviour"

    def __init__(self, engine, subject: str):
        self.engine, self.subject = engine, subject
        self.findings: list[Finding] = []
        self.requests = 0

    def parts(self, label: str, values: dict[str, str] | None = None) -> tuple[str, dict[str, Any], dict[str, str]]:
        """(path, query, headers) of a request to `label` with every parameter the spec requires (schema-valid
        values; `values` fill the path parameters they name)."""
        from .parameters import fill_path, required_parameters, wire_query

        required = required_parameters(self.engine.document, label, path_values=values or None)
        # a declared `content-type` header parameter describes the body: requests sets it (multipart boundary)
        headers = dict(required.headers)
        for name in [k for k in headers if k.lower() == "content-type"]:
            if request_media(self.engine.document, *split_label(label))[0] is None:
                headers[name] = "application/json"  # no body: a plausible value for the declared header
            else:
                del headers[name]
        return fill_path(label_path(label), required.path), wire_query(required.query), headers

    def send(self, label: str, path: str, *, key: str | None = None, body=None, params=None,
             headers: dict[str, str] | None = None, files=None, data=None, raw_json: bool = False):
        """One request for operation `label`; returns (response, curl). `key=None`: the run's primary key.
        `raw_json`: the JSON body goes on the wire as UTF-8 (not \\u-escaped), as most clients send it."""
        method = label_method(label)
        self.requests += 1
        key = self.engine.primary if key is None else (key or None)  # "": deliberately no Authorization
        headers = dict(headers or {})
        params = params or None
        payload = body
        if raw_json and body is not None:
            data, payload = json.dumps(body, ensure_ascii=False).encode("utf-8"), None
            headers["Content-Type"] = "application/json"
        response = self.engine.exchange(label, method, path, params=params, headers=headers or None, json=payload,
                                        files=files, data=data, source=self.source, key=key)
        return response, self.curl(method, path, params, headers, key, body, files, data if payload is None else None)

    def curl(self, method, path, params, headers, key, body, files, data) -> str:
        query = ("?" + urlencode(params, doseq=True)) if params else ""
        shown = {**headers, **({"Authorization": f"Bearer {key}"} if key else {})}
        text = None
        if files:
            command = triage.curl(method, self.engine.ctx.base_url + path + query, shown, None, self.engine.secrets)
            for field_name, spec in files.items():
                command += f" -F '{field_name}=@{spec[0]}'"
            return command + "".join(f" -F '{k}={v}'" for k, v in (data or {}).items())
        if body is not None:
            shown.setdefault("Content-Type", "application/json")
            text = json.dumps(body, ensure_ascii=False)
        elif isinstance(data, bytes):
            text = data.decode("utf-8", "replace")
        return triage.curl(method, self.engine.ctx.base_url + path + query, shown, text, self.engine.secrets)

    def call(self, label: str, values: dict[str, str] | None = None, **kwargs):
        path, query, headers = self.parts(label, values)
        kwargs["params"] = {**query, **(kwargs.get("params") or {})}
        kwargs["headers"] = {**headers, **(kwargs.get("headers") or {})}
        return self.send(label, path, **kwargs)

    def fail(self, operation: str, check: str, message: str, response, curl: str, replay=None,
             classification: str | None = None) -> None:
        """Record a finding; `replay()` re-runs the failing step and returns True when it fails again."""
        flaky = False
        if replay is not None:
            try:
                flaky = not replay()
            except Exception:  # noqa: BLE001 - a replay that cannot run does not confirm the finding
                flaky = True
        finding = self.engine.finding(operation, check, message, status_code=getattr(response, "status_code", None),
                                      reproducer=curl, flaky=flaky, classification=classification,
                                      details={"family": self.subject, **triage.response_details(response)})
        self.findings.append(finding)
        self.engine.record_finding(finding)


def body_json(response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def ids_of(response) -> list[str]:
    return [str(o.get("id")) for o in items_of(body_json(response))]


# -- lists (reads only) ---------------------------------------------------------------------------------------
def query_parameters(document: dict[str, Any], label: str) -> dict[str, dict[str, Any]]:
    from .parameters import _deref, declared

    return {p["name"]: (_deref(document, p.get("schema")) or {}) for p in declared(document, label)
            if p.get("in") == "query"}


def is_list(document: dict[str, Any], label: str) -> bool:
    """A GET of a collection (no trailing path parameter) that documents `limit`."""
    method, path = split_label(label)
    return method == "GET" and not path.rstrip("/").endswith("}") and "limit" in query_parameters(document, label)


def list_labels(document: dict[str, Any], labels: list[str]) -> list[str]:
    return [label for label in labels if is_list(document, label)]


class ListProbe(Probe):
    """Read-only behaviour of one list operation, on whatever objects the account holds."""

    def __init__(self, engine, label: str, values: dict[str, str] | None = None):
        super().__init__(engine, label)
        self.label, self.values = label, values or {}
        self.declared = query_parameters(engine.document, label)

    def get(self, params: dict[str, Any] | None = None):
        return self.call(self.label, self.values, params=params)

    def run(self, known: list[str] | None = None) -> int:
        """Every check that applies; `known`: ids the caller knows exist (makes the limit check conclusive).
        Returns how many objects the unfiltered list showed."""
        response, _ = self.get({"limit": 100} if "limit" in self.declared else None)
        if response.status_code != 200:
            return 0
        items = items_of(body_json(response))
        self.check_limit(max(len(items), len(known or [])))
        self.check_time_filters(items)
        self.check_equality_filters(items)
        return len(items)

    def check_limit(self, available: int) -> None:
        """`limit=1` returns at most one object (conclusive only when at least two exist)."""
        if "limit" not in self.declared or available < 2:
            return
        response, curl = self.get({"limit": 1})
        count = len(items_of(body_json(response)))
        if response.status_code == 200 and count > 1:
            self.fail(self.label, "lifecycle_list_limit", f"limit=1 returned more than one object\n{count} objects",
                      response, curl, replay=lambda: len(items_of(body_json(self.get({"limit": 1})[0]))) > 1)

    def check_time_filters(self, items: list[dict[str, Any]]) -> None:
        """`createdAtGt=T` (and Lt/Ge/Le, updatedAt...) with T an object's own timestamp: every returned object
        satisfies the comparison."""
        for name, schema in sorted(self.declared.items()):
            field, op = next(((name[: -len(s)], s) for s in TIME_OPS if name.endswith(s)), (None, None))
            if not field or schema.get("type") not in ("string", None):
                continue
            stamps = sorted(t for t in (parse_time(o.get(field)) for o in items) if t is not None)
            if len(stamps) < 2:
                continue
            pivot = next(o.get(field) for o in items if parse_time(o.get(field)) == stamps[len(stamps) // 2])
            params = {name: pivot, **({"limit": 100} if "limit" in self.declared else {})}

            def wrong(answer, field=field, op=op, pivot=pivot):
                cut = parse_time(pivot)
                stamped = [(o, parse_time(o.get(field))) for o in items_of(body_json(answer))]
                return [o for o, when in stamped if when is not None and not TIME_OPS[op](when, cut)]

            response, curl = self.get(params)
            if response.status_code == 200 and wrong(response):
                self.fail(self.label, "behaviour_filter", f"filter {name} returned objects that do not satisfy it"
                          f"\n{len(wrong(response))} of {len(items_of(body_json(response)))}", response, curl,
                          replay=lambda p=params, w=wrong: bool(w(self.get(p)[0])))

    def check_equality_filters(self, items: list[dict[str, Any]]) -> None:
        """A documented query parameter named like a scalar field the objects carry (`id`, `assistantId`,
        `status`...): every returned object that carries the field has the value asked for."""
        for name, schema in sorted(self.declared.items()):
            if name in PAGING or name.endswith("Any") or any(name.endswith(s) for s in TIME_OPS):
                continue
            if schema.get("type") not in ("string", None) or schema.get("format") not in (None, "uuid"):
                continue
            value = next((o[name] for o in items if isinstance(o.get(name), str) and o.get(name)), None)
            if value is None or not is_valid(self.engine.document, schema, value):
                continue
            params = {name: value, **({"limit": 100} if "limit" in self.declared else {})}

            def wrong(answer, name=name, value=value):
                return [o for o in items_of(body_json(answer)) if name in o and o[name] != value]

            response, curl = self.get(params)
            if response.status_code == 200 and wrong(response):
                self.fail(self.label, "behaviour_filter", f"filter {name}=<value> returned objects with another "
                          f"{name}\n{len(wrong(response))} of {len(items_of(body_json(response)))}", response, curl,
                          replay=lambda p=params, w=wrong: bool(w(self.get(p)[0])))


# -- bodies -----------------------------------------------------------------------------------------------------
def _free_text(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "string" and not (
        {"enum", "const", "format", "pattern"} & set(schema))


def text_fields(document: dict[str, Any], schema: Any) -> list[str]:
    """Top-level free-text string properties any branch of `schema` offers: name-like ones first."""
    names: list[str] = []
    for branch in schema_branches(document, schema):
        names += [n for n, v in branch["properties"].items() if _free_text(v) and n not in names]
    return sorted(names, key=lambda n: (NAME_LIKE.index(n) if n in NAME_LIKE else len(NAME_LIKE), names.index(n)))


def _max_length(document: dict[str, Any], schema: Any, field: str) -> int | None:
    lengths = [b["properties"][field].get("maxLength") for b in schema_branches(document, schema)
               if field in b["properties"]]
    lengths = [n for n in lengths if isinstance(n, int)]
    return min(lengths) if lengths else None


def fit(text: str, suffix: str, limit: int | None) -> str:
    """`text` + `suffix`, `text` cut so the whole fits `limit` counted in UTF-16 units (as a JS server counts)."""
    if limit is None:
        return text + suffix
    room = limit - len(suffix.encode("utf-16-le")) // 2
    return text[: max(0, room)] + suffix


def with_text(document: dict[str, Any], schema: Any, body: Any, prefix: str, suffix: str = NON_ASCII,
              fields: list[str] | None = None) -> tuple[Any, str | None]:
    """`body` with one free-text field set to prefix+suffix while the body stays valid: (body, field) or
    (body, None) when no field can carry it."""
    if not isinstance(body, dict):
        return body, None
    free_text = text_fields(document, schema)
    # only free text may carry it: a number or enum field would be conformed or refused, not stored as sent
    candidates = [f for f in fields if f in free_text] if fields is not None else free_text
    for field in sorted(candidates, key=lambda f: f not in body):  # a field the body already has first
        value = fit(prefix, suffix, _max_length(document, schema, field))
        changed = {**body, field: value}
        if accepts(document, schema, changed):
            return changed, field
    return body, None


def accepts(document: dict[str, Any], schema: Any, value: Any) -> bool:
    """`value` is valid against `schema`, a oneOf read as anyOf (Vapi's servers pick the first branch that fits;
    bodies of near-identical branches, like the update bodies of tools, match several)."""
    schema = _resolvable(document, schema)
    branches = schema.get("oneOf")
    if isinstance(branches, list) and branches:
        rest = {k: v for k, v in schema.items() if k != "oneOf"}
        return any(is_valid(document, {**rest, "allOf": [*rest.get("allOf", []), branch]}, value)
                   for branch in branches)
    return is_valid(document, schema, value)


def _resolvable(document: dict[str, Any], schema: Any) -> Any:
    from .parameters import _deref

    schema = _deref(document, schema)
    return schema if isinstance(schema, dict) else {}


def patch_bodies(document: dict[str, Any], label: str, current: dict[str, Any], prefix: str,
                 kept: set[str] | None = None):
    """(field, value, body) PATCHes of one scalar field to a value that differs from `current`, each body valid
    against the update schema (fields the schema requires copied from the current object): name-like text
    first, then other text, booleans, numbers."""
    _media, schema = request_media(document, *split_label(label))
    branches = schema_branches(document, schema)
    seen: set[str] = set()
    for branch in branches:
        if not _own_variant(branch, current):
            continue  # another variant's update: its fields are accepted by the oneOf but not kept on this object
        required = {k: current[k] for k in branch["required"] if k in current}
        ordered = sorted(branch["properties"].items(), key=lambda kv: (
            0 if kv[0] in NAME_LIKE and _free_text(kv[1]) else 1 if _free_text(kv[1]) else 2))
        for field, prop in ordered:
            if field in seen or field in ("id", "orgId", "createdAt", "updatedAt") or not isinstance(prop, dict):
                continue
            if kept is not None and field not in kept:
                continue  # another variant's field: the update accepts it, this object's answer does not keep it
            value = _new_scalar(prop, current.get(field), prefix, field)
            if value is None:
                continue
            body = {**required, field: value}
            if accepts(document, schema, body):
                seen.add(field)
                yield field, value, body


def kept_fields(document: dict[str, Any], get_label: str, current: dict[str, Any]) -> set[str] | None:
    """Fields the object's own variant of the item answer documents (None: not polymorphic, or free-form)."""
    documented, schema = response_schema(document, get_label, 200)
    branches = schema_branches(document, schema) if documented else []
    own = [b for b in branches if _own_variant(b, current)]
    if len(branches) < 2 or not own:
        return None
    return set().union(*(b["properties"] for b in own))


def _own_variant(branch: dict[str, Any], current: dict[str, Any]) -> bool:
    """False when the branch pins a property (enum/const, e.g. `type: dtmf`) to values the object does not have."""
    for field, prop in branch["properties"].items():
        if not isinstance(prop, dict) or field not in current:
            continue
        pinned = prop.get("enum") if isinstance(prop.get("enum"), list) else (
            [prop["const"]] if "const" in prop else None)
        if pinned is not None and len(pinned) <= 2 and current[field] not in pinned:
            return False
    return True


def _new_scalar(prop: dict[str, Any], old: Any, prefix: str, field: str) -> Any:
    kind = prop.get("type")
    if _free_text(prop):
        value = fit(f"{prefix}-patched", "", prop.get("maxLength"))
        return value if value != old and len(value) >= int(prop.get("minLength") or 0) else None
    if kind == "boolean":
        return (not old) if isinstance(old, bool) else True
    if kind in ("integer", "number") and not ({"enum", "const", "multipleOf"} & set(prop)):
        low, high = prop.get("minimum"), prop.get("maximum")
        for value in (low, high, 1, 2):
            if isinstance(value, (int, float)) and value != old and (low is None or value >= low) and (
                    high is None or value <= high) and "exclusiveMinimum" not in prop and "exclusiveMaximum" not in prop:
                return int(value) if kind == "integer" else value
    return None


# -- create bodies --------------------------------------------------------------------------------------------
def draw_bodies(engine, label: str, count: int = 3) -> list[Any]:
    """Up to `count` spec-valid request bodies for `label`, generated by schemathesis (positive mode)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hyp_seed

    operation = engine.find(label)
    bodies: list[Any] = []

    @settings(max_examples=count, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def collect(case):
        if isinstance(case.body, dict) and len(bodies) < count:
            bodies.append(case.body)

    hyp_seed(engine.options.seed or 0)(collect)()
    return bodies




def body_properties(engine, label: str) -> set[str]:
    """Properties any branch of `label`'s JSON body offers."""
    branches = schema_branches(engine.document, request_media(engine.document, *split_label(label))[1])
    return set().union(*[set(b["properties"]) for b in branches]) if branches else set()


def iter_bodies(engine, label: str):
    """The smallest valid body first (cheap, most likely accepted), then generated bodies cut to the required
    properties of their branch, then the full generated bodies (generated only when the first is refused)."""
    from .parameters import required_body

    seen: list[Any] = []
    first = required_body(engine.document, label)
    declared = request_media(engine.document, *split_label(label))[1]
    if first is not None and accepts(engine.document, declared, first):  # an invalid one would only earn a 400
        seen.append(first)
        yield first
    bodies = draw_bodies(engine, label)
    branches = schema_branches(engine.document, declared)
    required = set().union(*[set(b["required"]) for b in branches]) if branches else set()
    for body in [{k: v for k, v in b.items() if k in required} for b in bodies] + bodies:
        if body not in seen:
            seen.append(body)
            yield body
