"""Call every operation of a spec on a running twin with a valid request and check each answer against the spec.

Valid requests are synthesized from the spec's own schemas and checked against the request validator before
they are sent, so a failure always means the twin answered something its spec does not document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from vapi_contract.twin.routing import Route, segments, strip_version
from vapi_contract.twin.state import Served

PHASES = ("create", "get", "list", "update", "action", "delete")


@dataclass
class Outcome:
    label: str
    status: int
    problems: list[str]


def _missing():
    from vapi_contract.twin.synth import MISSING

    return MISSING


def _segment(route: Route, name: str) -> int:
    parts = segments(strip_version(route.op.path))
    return parts.index("{" + name + "}") if "{" + name + "}" in parts else -1


def _as_text(value: Any) -> str:
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value).lower() if isinstance(value, bool) else str(value)


def build_request(served: Served, route: Route, ids: dict[str, str]) -> tuple[str, dict[str, str], dict[str, str], Any]:
    path = route.op.path
    query: dict[str, str] = {}
    headers: dict[str, str] = {}
    for param in route.params:
        value = served.conform(_missing(), param.get("schema") or {})
        if param.get("in") == "path":
            if param["name"] == route.id_param and route.collection in ids:
                value = ids[route.collection]
            if route.parent and _segment(route, param["name"]) == len(segments(route.parent)) - 1:
                value = ids.get(route.parent.rsplit("/", 1)[0], value)  # the item this route hangs under
            path = path.replace("{" + param["name"] + "}", _as_text(value))
        elif param.get("in") == "query" and param.get("required"):
            query[param["name"]] = _as_text(value)
        elif param.get("in") == "header" and param.get("required"):  # a required `content-type` means JSON
            headers[param["name"]] = "application/json" if param["name"].lower() == "content-type" else _as_text(value)
    if route.id_param and "{" + route.id_param + "}" in path:  # undeclared path parameter (Vapi quirk)
        path = path.replace("{" + route.id_param + "}", ids.get(route.collection, "00000000-0000-4000-8000-000000000000"))
    path = path.replace("{", "").replace("}", "")
    body = served.synthesize(route.request_ptr) if route.request_ptr else None
    return path, query, headers, body


def _alternatives(book, schema: Any) -> list[dict[str, Any]] | None:
    """The object schemas a value may match (allOf/oneOf/anyOf flattened), or None when any of them allows
    properties it does not list (no `properties`, or `additionalProperties` set): then nothing is undocumented."""
    schema = book.resolve(schema)
    if not isinstance(schema, dict):
        return None
    found = []
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key) or []:
            sub = _alternatives(book, branch)
            if sub is None:
                return None
            found += sub
    if "properties" in schema:
        if schema.get("additionalProperties") not in (None, False):
            return None
        found.append(schema)
    elif not found and schema.get("type") in ("object", None):
        return None
    return found


def undocumented(book, value: Any, schema: Any, sent: set[str], where: str = "") -> list[str]:
    """Properties of `value` its schema does not document and the client did not send: fields the twin invented."""
    if isinstance(value, list):
        resolved = book.resolve(schema)
        items = [book.resolve(b).get("items") for b in [resolved, *(resolved.get("oneOf") or []),
                                                          *(resolved.get("anyOf") or [])]
                 if isinstance(book.resolve(b), dict) and "items" in book.resolve(b)] if isinstance(resolved, dict) else []
        return [p for i, v in enumerate(value) for item in items[:1] for p in undocumented(book, v, item, sent, f"{where}[{i}]")]
    if not isinstance(value, dict):
        return []
    alternatives = _alternatives(book, schema)
    if not alternatives:
        return []
    problems = []
    for name, sub in value.items():
        candidates = [a["properties"][name] for a in alternatives if name in a["properties"]]
        if not candidates:
            if name not in sent:
                problems.append(f"{where}.{name}".lstrip("."))
        elif len(candidates) == 1:
            problems += undocumented(book, sub, candidates[0], sent, f"{where}.{name}")
    return problems


def exercise(client: httpx.Client, served: Served) -> list[Outcome]:
    ids: dict[str, str] = {}
    outcomes = []
    for phase in PHASES:
        # parents are made before their children and deleted after them, whatever the paths' prefixes
        depth = {"create": lambda r: len(r.ancestors), "delete": lambda r: -len(r.ancestors)}.get(phase)
        ordered = sorted(served.routes, key=depth) if depth else served.routes
        for route in ordered:
            kind = route.kind if route.collection in served.creatable or route.kind == "action" else "action"
            if kind != phase:
                continue
            outcomes.append(call(client, served, route, ids))
    return outcomes


def call(client: httpx.Client, served: Served, route: Route, ids: dict[str, str]) -> Outcome:
    path, query, headers, body = build_request(served, route, ids)
    problems = []
    if route.request_ptr:
        invalid = served.book.errors(route.request_ptr, body)
        if invalid:
            return Outcome(route.label, 0, [f"could not build a valid request: {invalid[:3]}"])
    if route.form:  # file upload: binary fields as files, the rest as form fields
        properties = served.book.resolve(served.book.at(route.request_ptr)).get("properties", {})
        binary = {k for k, v in properties.items() if served.book.resolve(v).get("format") == "binary"}
        binary |= {k for k, v in properties.items()
                   if served.book.resolve(served.book.resolve(v).get("items") or {}).get("format") == "binary"}
        files = [(k, (f"{k}{i}.txt", b"hello")) for k, v in body.items() if k in binary
                 for i in range(max(1, len(v)) if isinstance(v, list) else 1)]  # a form cannot send []
        data = {k: v for k, v in body.items() if k not in binary}
        response = client.request(route.op.method, path, params=query, files=files or [("file", ("a.txt", b"hi"))],
                                  data=data)
    elif route.request_ptr:
        response = client.request(route.op.method, path, params=query, json=body, headers=headers)
    else:
        response = client.request(route.op.method, path, params=query, headers=headers)
    if response.status_code != route.status:
        problems.append(f"status {response.status_code}, documented {route.status}: {response.text[:300]}")
    elif route.response_ptr:
        if served.book.validator(route.response_ptr) is None:
            problems.append(f"response schema does not compile: {served.book.broken.get(route.response_ptr)}")
        else:
            problems += served.book.errors(route.response_ptr, response.json(), limit=5)
            # strict: a property the client sent but the schema does not list must not be echoed either
            invented = undocumented(served.book, response.json(), served.book.at(route.response_ptr), set())
            problems += [f"undocumented property {name}" for name in invented]
    if route.kind == "create" and response.status_code == route.status:
        created = response.json()
        if isinstance(created, dict) and "id" in created:
            ids[route.collection] = created["id"]
    return Outcome(route.label, response.status_code, problems)


def _failures(outcomes: list[Outcome]) -> list[str]:
    return [f"{o.label}: {p}" for o in outcomes for p in o.problems]


def test_every_operation_of_the_newest_spec_answers_as_documented(twin, newest_spec):
    served = Served.build(newest_spec, 1)
    twin.reset()
    with httpx.Client(base_url=twin.base_url, headers=twin.headers(), timeout=60) as client:
        outcomes = exercise(client, served)
    assert len(outcomes) == len(served.routes)
    assert not _failures(outcomes), "\n".join(_failures(outcomes))


def test_every_operation_of_the_oldest_spec_answers_as_documented(oldest_spec):
    from vapi_contract.twin.server import start_twin

    served = Served.build(oldest_spec, 1)
    with start_twin(spec=oldest_spec) as twin, httpx.Client(
        base_url=twin.base_url, headers=twin.headers(), timeout=60
    ) as client:
        outcomes = exercise(client, served)
    assert len(outcomes) == len(served.routes)
    assert not _failures(outcomes), "\n".join(_failures(outcomes))


@pytest.fixture(scope="module")
def shared_twin(oldest_spec_path):
    from vapi_contract.twin.server import start_twin

    with start_twin(spec=oldest_spec_path) as running:
        yield running


def _unaddressable(served: Served, outcomes: list[Outcome]) -> set[str]:
    """Labels of item operations answering 404 because their family's schema documents no `id` (May 2025's
    `Assistant`): the twin answers only documented properties, so such objects cannot be addressed."""
    found = set()
    for route in served.routes:
        ptr = served.item_schema.get(route.collection)
        names = served.book.property_names(served.book.at(ptr)) if ptr else None
        if route.kind in ("get", "update", "delete") and names is not None and "id" not in names:
            found |= {o.label for o in outcomes if o.label == route.label and o.status == 404}
    return found


def _check_version(twin, path) -> list[str]:
    from vapi_contract.spec.sources import load

    document = load(path).document
    twin.set_spec(path)
    twin.reset()
    served = Served.build(document, 1)
    with httpx.Client(base_url=twin.base_url, headers=twin.headers(), timeout=60) as client:
        outcomes = exercise(client, served)
    assert len(outcomes) == len(served.routes)
    expected = _unaddressable(served, outcomes)
    return _failures([o for o in outcomes if o.label not in expected])


def test_nested_collections_version(shared_twin, spec_history):
    """2025-02-22 has /test-suite/{testSuiteId}/test/{id}: nested families whose parent must exist."""
    failures = _check_version(shared_twin, spec_history / "2025-02-22T1613-97529dd.json.gz")
    assert not failures, "\n".join(failures)


def test_version_whose_assistant_schema_forgets_id(shared_twin, spec_history):
    """2025-05-01 documents `Assistant` as a workflow node without `id`. The twin answers only what is documented,
    so a created assistant carries no id and cannot be addressed: its item operations answer 404, and every other
    operation answers as documented."""
    from vapi_contract.spec.sources import load

    path = spec_history / "2025-05-01T0823-b26a40e.json.gz"
    shared_twin.set_spec(path)
    shared_twin.reset()
    served = Served.build(load(path).document, 1)
    with httpx.Client(base_url=shared_twin.base_url, headers=shared_twin.headers(), timeout=60) as client:
        outcomes = exercise(client, served)
    assert _unaddressable(served, outcomes) == {"GET /assistant/{id}", "PATCH /assistant/{id}", "DELETE /assistant/{id}"}
    assert not _failures([o for o in outcomes if not o.label.startswith(("GET /assistant/{id}", "PATCH /assistant/{id}",
                                                                          "DELETE /assistant/{id}"))])
    created = httpx.post(f"{shared_twin.base_url}/assistant", json={}, headers=shared_twin.headers(), timeout=30)
    assert created.status_code == 201 and "id" not in created.json()


@pytest.mark.slow
def test_every_operation_of_every_shared_version(shared_twin, spec_history, history_versions):
    failures = []
    for version in history_versions:
        failures += [f"{version['file']}: {f}" for f in _check_version(shared_twin, spec_history / version["file"])]
    assert not failures, "\n".join(failures[:80])
