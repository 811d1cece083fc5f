"""Behaviour on a small hand-written spec that has what the real versions lack (302 answers) and packs the
schema features the twin must honour: allOf, discriminated oneOf, nullable, \\p{L} patterns, bounds, min items."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from vapi_contract.spec.sources import load
from vapi_contract.twin.server import start_twin
from vapi_contract.twin.state import Served

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "twin" / "mini.json"


@pytest.fixture(scope="module")
def served():
    return Served.build(load(FIXTURE).document, 1)


@pytest.fixture(scope="module")
def mini():
    with start_twin(spec=FIXTURE) as twin:
        yield twin


@pytest.fixture()
def client(mini):
    mini.reset()
    with httpx.Client(base_url=mini.base_url, headers=mini.headers(), follow_redirects=False) as http:
        yield http


def assert_documented(served, label, response):
    route = next(r for r in served.routes if r.label == label)
    assert response.status_code == route.status, response.text
    assert served.book.errors(route.response_ptr, response.json()) == []


def test_routes_are_derived_from_paths(served):
    kinds = {r.label: (r.kind, r.collection) for r in served.routes}
    assert kinds["POST /widget"] == ("create", "/widget")
    assert kinds["GET /v2/widget"] == ("list", "/widget")
    assert kinds["PATCH /widget/{id}"] == ("update", "/widget")
    assert kinds["POST /widget/report"] == ("action", "/widget/report")
    assert kinds["GET /widget/{id}/recording"] == ("action", "/widget/{id}/recording")


def test_create_fills_what_the_response_requires(served, client):
    response = client.post("/widget", json={"name": "Blue box", "shape": {"kind": "square", "side": 2}})
    assert_documented(served, "POST /widget", response)
    body = response.json()
    assert body["name"] == "Blue box" and body["shape"] == {"kind": "square", "side": 2}
    assert body["status"] in ("queued", "done") and len(body["tags"]) >= 2 and 1 <= body["size"] <= 10


def test_create_synthesizes_a_required_one_of(served, client):
    response = client.post("/widget", json={"name": "Round", "note": None})
    assert_documented(served, "POST /widget", response)
    assert response.json()["shape"]["kind"] in ("circle", "square") and response.json()["note"] is None


def test_unicode_letter_patterns_are_enforced(client):
    assert client.post("/widget", json={"name": "Ünïcode naïve"}).status_code == 201
    rejected = client.post("/widget", json={"name": "no-dashes"})
    assert rejected.status_code == 400 and rejected.json()["message"][0].startswith("name")


def test_bounds_enums_and_discriminated_branches_are_enforced(client):
    for body in ({"name": "A", "size": 11}, {"name": "A", "color": "green"},
                 {"name": "A", "shape": {"kind": "circle", "radius": 0}}, {"size": 1}, []):
        assert client.post("/widget", json=body).status_code == 400, body


def test_lists_filter_and_paginate(served, client):
    for name, color in (("Alpha", "red"), ("Beta", "blue"), ("Gamma", "red")):
        assert client.post("/widget", json={"name": name, "color": color}).status_code == 201
    red = client.get("/widget", params={"color": "red"})
    assert_documented(served, "GET /widget", red)
    assert sorted(w["name"] for w in red.json()) == ["Alpha", "Gamma"]
    page = client.get("/v2/widget", params={"limit": 2, "page": 2})
    assert_documented(served, "GET /v2/widget", page)
    assert [w["name"] for w in page.json()["results"]] == ["Alpha"]
    assert page.json()["metadata"] == {"itemsPerPage": 2, "totalItems": 3, "currentPage": 2}  # as documented


def test_patch_keeps_the_object_valid(served, client):
    created = client.post("/widget", json={"name": "Box"}).json()
    patched = client.patch(f"/widget/{created['id']}", json={"size": 3, "color": "blue"})
    assert_documented(served, "PATCH /widget/{id}", patched)
    assert patched.json()["size"] == 3 and patched.json()["tags"] == created["tags"]


def test_documented_redirect_answers_302_for_known_items_only(client):
    created = client.post("/widget", json={"name": "Recorded"}).json()
    redirect = client.get(f"/widget/{created['id']}/recording")
    assert redirect.status_code == 302 and redirect.headers["location"].startswith("http://127.0.0.1")
    assert client.get(f"/widget/{uuid.uuid4()}/recording").status_code == 404


def test_actions_answer_a_synthesized_documented_body(served, client):
    assert_documented(served, "POST /widget/report", client.post("/widget/report"))
