"""`--seed-objects N`: every collection of every organisation starts with N objects, valid exactly as objects
created through the API are (documented schema, no undocumented property), as a real account has."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import time
from pathlib import Path

import httpx
import pytest

from vapi_contract.spec.sources import load
from vapi_contract.twin.documented import documented_only
from vapi_contract.twin.routing import param_name, segments
from vapi_contract.twin.server import start_twin
from vapi_contract.twin.state import Served

_spec = importlib.util.spec_from_file_location("twin_every_operation", Path(__file__).with_name("test_every_operation.py"))
every_operation = sys.modules.setdefault(_spec.name, importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(every_operation)


@pytest.fixture(scope="module")
def seeded(newest_spec_path):
    with start_twin(spec=newest_spec_path, seed_objects=3) as running:
        yield running


def _concrete_lists(served: Served) -> list[tuple[str, str]]:
    """(route label, concrete path) of every list of a creatable family whose path parameters are enums."""
    found = []
    for route in served.routes:
        if route.kind != "list" or route.collection not in served.creatable:
            continue
        params = {p["name"]: served.book.resolve(p.get("schema") or {}) for p in route.params if p.get("in") == "path"}
        choices = []
        for part in segments(route.op.path):
            name = param_name(part)
            choices.append([part] if name is None else [str(v) for v in (params.get(name) or {}).get("enum") or []])
        found += [(route.label, "/" + "/".join(combo)) for combo in itertools.product(*choices)]
    return found


def _problems(served: Served, ptr: str, body) -> list[str]:
    invented = every_operation.undocumented(served.book, body, served.book.at(ptr), set())
    return served.book.errors(ptr, body, limit=5) + [f"undocumented property {name}" for name in invented]


def _items(body):
    return body["results"] if isinstance(body, dict) else body


def test_every_collection_of_every_org_holds_n_valid_seeded_objects(seeded, newest_spec):
    served = Served.build(newest_spec, 1)
    lists = _concrete_lists(served)
    assert len(lists) >= 16  # /v2/phone-number and both providers' pronunciation dictionaries included
    problems, seen = [], {}
    for org in seeded.tokens:
        for label, path in lists:
            route = next(r for r in served.routes if r.label == label)
            response = httpx.get(seeded.base_url + path, headers=seeded.headers(org))
            assert response.status_code == 200, (label, response.text)
            problems += [f"{org} {path}: {p}" for p in _problems(served, route.response_ptr, response.json())]
            items = _items(response.json())
            assert len(items) == 3, (org, path)
            item_schema = served.book.at(served.item_schema[route.collection])
            # named where the variant stored documents a name (a DTMF tool has none, a function tool has)
            if all("name" in documented_only(served.book, {**item, "name": "x"}, item_schema) for item in items):
                assert sorted(item["name"] for item in items) == ["seed-1", "seed-2", "seed-3"], path
            get = next(r for r in served.routes if r.kind == "get" and r.collection == route.collection)
            for item in items:
                read = httpx.get(f"{seeded.base_url}{path.replace('/v2/', '/')}/{item['id']}", headers=seeded.headers(org))
                assert read.status_code == 200, (path, read.text)
                problems += [f"{org} {get.label}: {p}" for p in _problems(served, get.response_ptr, read.json())]
                seen.setdefault(item["id"], org)
                assert seen[item["id"]] == org  # each organisation has its own objects
    assert not problems, "\n".join(problems[:40])
    health = httpx.get(seeded.base_url + "/__twin/health").json()
    assert health["seedObjects"] == 3 and health["objects"] == len(seen)


def test_seeded_objects_predate_objects_created_through_the_api(seeded):
    created = httpx.post(seeded.base_url + "/assistant", json={"name": "mine"}, headers=seeded.headers()).json()
    try:
        listed = httpx.get(seeded.base_url + "/assistant", headers=seeded.headers()).json()
        assert listed[0]["name"] == "mine" and len(listed) == 4
        assert all(a["createdAt"] < created["createdAt"] for a in listed[1:])
    finally:
        httpx.delete(f"{seeded.base_url}/assistant/{created['id']}", headers=seeded.headers())


def test_reset_restores_and_seed_endpoint_replaces_the_seeded_objects(seeded):
    def names():
        return sorted(a.get("name") for a in httpx.get(seeded.base_url + "/assistant", headers=seeded.headers()).json())

    httpx.post(seeded.base_url + "/assistant", json={"name": "mine"}, headers=seeded.headers())
    seeded.reset()
    assert names() == ["seed-1", "seed-2", "seed-3"]
    httpx.post(seeded.base_url + "/assistant", json={"name": "mine"}, headers=seeded.headers())
    try:
        assert seeded.seed(1) > 0
        assert names() == ["mine", "seed-1"]  # client-created objects are kept
        seeded.seed(0)
        assert names() == ["mine"]
        admin = {"Authorization": f"Bearer {seeded.admin_token}"}
        assert httpx.post(seeded.base_url + "/__twin/seed", json={"count": -1}, headers=admin).status_code == 400
        assert httpx.post(seeded.base_url + "/__twin/seed", json={"count": 1}).status_code == 401
    finally:
        seeded.seed(3)
        seeded.reset()
    assert names() == ["seed-1", "seed-2", "seed-3"]


def test_nested_collections_are_seeded_under_seeded_parents(spec_history):
    """2025-02-22 has /test-suite/{testSuiteId}/test: N tests under each of the N seeded test suites."""
    path = spec_history / "2025-02-22T1613-97529dd.json.gz"
    served = Served.build(load(path).document, 1)
    with start_twin(spec=path, seed_objects=2) as twin, httpx.Client(base_url=twin.base_url,
                                                                    headers=twin.headers()) as http:
        suites = _items(http.get("/test-suite").json())
        assert len(suites) == 2
        get = next(r for r in served.routes if r.label == "GET /test-suite/{testSuiteId}/test/{id}")
        for suite in suites:
            tests = _items(http.get(f"/test-suite/{suite['id']}/test").json())
            assert len(tests) == 2
            read = http.get(f"/test-suite/{suite['id']}/test/{tests[0]['id']}")
            assert read.status_code == 200 and not _problems(served, get.response_ptr, read.json())


def test_a_spec_switch_seeds_the_collections_the_new_version_adds(oldest_spec_path, newest_spec_path):
    with start_twin(spec=oldest_spec_path, seed_objects=1) as twin:
        assert httpx.get(twin.base_url + "/eval", headers=twin.headers()).status_code == 404  # not in 2024-10
        twin.set_spec(newest_spec_path)
        assert len(_items(httpx.get(twin.base_url + "/eval", headers=twin.headers()).json())) == 1
        assert len(httpx.get(twin.base_url + "/assistant", headers=twin.headers()).json()) == 1


def test_start_up_with_seeding_stays_fast(newest_spec_path):
    started = time.monotonic()
    with start_twin(spec=newest_spec_path, seed_objects=3) as twin:
        elapsed = time.monotonic() - started
        assert httpx.get(twin.base_url + "/__twin/health").json()["objects"] > 90
    assert elapsed < 5.0  # ~1 s on a loaded 2-core machine; the seeding itself takes ~0.1 s


def test_twin_stats_counts_answers_per_operation(twin):
    twin.reset()
    admin = {"Authorization": f"Bearer {twin.admin_token}"}
    with httpx.Client(base_url=twin.base_url, headers=twin.headers()) as http:
        created = http.post("/assistant", json={"name": "a"}).json()
        http.get(f"/assistant/{created['id']}")
        http.get("/assistant/00000000-0000-4000-8000-000000000000")
        http.get("/no-such-path")
    stats = httpx.get(twin.base_url + "/__twin/stats", headers=admin).json()
    assert stats == {"POST /assistant": {"201": 1}, "GET /assistant/{id}": {"200": 1, "404": 1}} == twin.stats()
    assert httpx.get(twin.base_url + "/__twin/stats").status_code == 401
    twin.reset()
    assert httpx.get(twin.base_url + "/__twin/stats", headers=admin).json() == {}


@pytest.mark.slow
def test_every_shared_version_seeds_every_collection_with_valid_objects(spec_history, history_versions):
    from vapi_contract.twin.routing import compile_template
    from vapi_contract.twin.state import TwinState

    problems = []
    for version in history_versions:
        loaded = load(spec_history / version["file"])
        state = TwinState(loaded.document, raw=loaded.raw, seed_objects=1)
        served, seeded = state.served, set()
        templates = [(c, compile_template(c)[0]) for c in served.creatable]
        for (_org, concrete), bucket in state.store.items():
            template = next(c for c, regex in templates if regex.match(concrete))
            seeded.add(template)
            ptr = served.item_schema.get(template)
            problems += [f"{version['file']} {concrete}: {e}" for r in bucket.values()
                         for e in (served.book.errors(ptr, r.obj, limit=2) if ptr else [])]
        problems += [f"{version['file']}: {c} not seeded" for c in served.creatable - seeded]
    assert not problems, "\n".join(problems[:40])
