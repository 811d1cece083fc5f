"""The twin is honest on specs it has never seen: synthetic Vapi-like specs drawn by hypothesis (synthetic.py).

For every operation of a drawn spec: a valid request on existing objects gets a documented 2xx whose body validates
against the documented response schema, read strictly (every format checked, no property the schema does not list);
an invalid one gets Vapi's 400 shape; an object never created (or a parent that does not exist) is a 404; no 5xx,
ever. Responses are checked with Python's jsonschema, not the twin's own validators, so the twin cannot agree
with itself. The twin runs in-process (httpx's ASGI transport, one event loop, no threads): a drawn spec costs
milliseconds, not a server start.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from vapi_contract.twin.app import build_app
from vapi_contract.twin.state import TwinState

from .synthetic import JSON, Case, Family, cases

HEADERS = {"Authorization": "Bearer twin-token-org-a"}
# no shrinking in the normal suite: a failure is reported as drawn (Case's repr lists the spec's operations);
# shrinking a failing spec costs minutes
CHECKS = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])


def strict(node: Any) -> Any:
    """The spec's schemas as a strict reader takes them: `nullable` as "or null", and every object schema that
    lists its properties closed to others (the synthetic specs use no allOf, so closing is exact)."""
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items() if k not in ("nullable", "discriminator")}
    if node.get("nullable") is True:
        out["type"] = [out["type"], "null"]
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


class Honesty:
    """Sends requests to a twin serving one drawn spec and records every way an answer is not honest."""

    def __init__(self, case: Case):
        self.case = case
        self.state = TwinState(copy.deepcopy(case.spec), seed_objects=case.seed)
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=build_app(self.state))
        self.client = httpx.AsyncClient(transport=transport, base_url="http://twin", headers=HEADERS)
        self.root = {"components": strict(case.spec["components"])}
        self.problems: list[str] = []

    def schema_of(self, template: str, method: str, status: int) -> Any:
        responses = self.case.spec["paths"][template][method.lower()]["responses"]
        answer = responses.get(str(status))
        if answer is None:
            return None
        return strict((answer.get("content") or {}).get(JSON, {}).get("schema"))

    def send(self, method: str, template: str, path: str, body: Any = None, expect: int | str = "2xx",  # or "any"
             params: dict[str, Any] | None = None) -> Any:
        request = self.client.request(method, path, json=body, params=params)
        response = self.loop.run_until_complete(request)
        label = f"{method} {path} ({template})"
        status = response.status_code
        try:
            answer = response.json()
        except ValueError:
            answer = None
        wrong = status != expect if isinstance(expect, int) else expect == "2xx" and not 200 <= status < 300
        if status >= 500 or wrong:
            self.problems.append(f"{label}: expected {expect}, got {status} {response.text[:200]}")
            return None
        if status >= 400:
            shape = isinstance(answer, dict) and answer.get("statusCode") == status and "message" in answer \
                and isinstance(answer.get("error"), str)
            if not shape:
                self.problems.append(f"{label}: {status} not in Vapi's error shape: {response.text[:200]}")
            return None
        schema = self.schema_of(template, method, status)
        if schema is None:
            self.problems.append(f"{label}: answered {status}, which the spec does not document")
            return answer
        validator = jsonschema.Draft4Validator({**self.root, **schema}, format_checker=jsonschema.FormatChecker())
        for error in list(validator.iter_errors(answer))[:3]:
            where = "/".join(str(p) for p in error.absolute_path)
            self.problems.append(f"{label}: response {where or 'body'}: {error.message[:200]}")
        return answer

    # -- paths ------------------------------------------------------------------------------------------------
    def concrete(self, fam: Family, template: str, ids: dict[str, str], own: str | None = None) -> str:
        path = template
        for ancestor in fam.chain()[:-1]:
            path = path.replace("{" + ancestor.name + "Id}", ids[ancestor.name])
        if own is not None:
            path = path.replace("{" + fam.id_param + "}", own)
        return path


def with_extras(fam: Family, body: dict[str, Any]) -> dict[str, Any]:
    """A body with properties no schema documents, at the top and inside objects whose schema lists its
    properties (not in free-form ones): accepted (no `additionalProperties: false`), never echoed."""
    listed = {f.name for f in fam.fields if "properties" in f.schema or "oneOf" in f.schema}
    extra = {**body, "zzUndocumented": "x"}
    for name, value in body.items():
        if isinstance(value, dict) and name in listed:
            extra[name] = {**value, "zzNested": 1}
    return extra


def exercise(case: Case) -> list[str]:
    run = Honesty(case)
    try:
        return _exercise(run, case)
    finally:
        run.loop.run_until_complete(run.client.aclose())
        run.loop.close()


def _exercise(run: Honesty, case: Case) -> list[str]:
    ids: dict[str, str] = {}
    made: list[Family] = []
    for fam in case.families:  # parents are drawn before their children
        body, base = case.bodies[fam.name], fam.base()
        if fam.parent is not None:  # a collection under a parent that was never created
            stranger = {**ids, fam.parent.name: str(uuid.uuid4())}
            if fam.creatable:
                run.send("POST", base, run.concrete(fam, base, stranger), body, expect=404)
            run.send("GET", base, run.concrete(fam, base, stranger), expect=404)
            if fam.parent.name not in ids:  # its parent cannot be created: nothing more to reach
                continue
        path = run.concrete(fam, base, ids)
        check_collection(run, fam, path)
        if not fam.creatable:  # read-only: its items never exist, its list is empty
            check_never_created(run, fam, ids)
            continue
        for wrong in fam.fields:  # one invalid field at a time
            run.send("POST", base, path, {**body, wrong.name: wrong.invalid}, expect=400)
        for name in fam.required:
            run.send("POST", base, path, {k: v for k, v in body.items() if k != name}, expect=400)
        if fam.variants:
            run.send("POST", base, path, {**body, "type": "c"}, expect=400)
        for noise in case.noise:  # any JSON at all: a documented answer or Vapi's 4xx shape, never a 5xx
            junk = run.send("POST", base, path, noise, expect="any")
            if isinstance(junk, dict) and isinstance(junk.get("id"), str):  # it was a valid body after all
                run.send("DELETE", fam.item(), run.concrete(fam, fam.item(), ids, junk["id"]))
        created = run.send("POST", base, path, with_extras(fam, body))  # accepted, and the extras never answered
        if not isinstance(created, dict) or not isinstance(created.get("id"), str):
            run.problems.append(f"POST {path}: no object with an id: {created!r}"[:300])
            break
        ids[fam.name] = created["id"]
        made.append(fam)
        check_reads(run, fam, ids, created)
        check_writes(run, fam, ids)
    for fam in reversed(made):  # children first
        item = fam.item()
        run.send("DELETE", item, run.concrete(fam, item, ids, ids[fam.name]))
        run.send("GET", item, run.concrete(fam, item, ids, ids[fam.name]), expect=404)
        run.send("DELETE", item, run.concrete(fam, item, ids, ids[fam.name]), expect=404)
    return run.problems


def check_collection(run: Honesty, fam: Family, path: str) -> None:
    """The list's uuid filter and the collection-level action, before anything is created."""
    base = fam.base()
    run.send("GET", base, path, params={"ownerId": "not-a-uuid"}, expect=400)
    listed = run.send("GET", base, path, params={"ownerId": str(uuid.uuid4()), "limit": 5})
    found = listed.get("results") if isinstance(listed, dict) else listed
    if found and not (run.case.seed and fam.parent is None):
        run.problems.append(f"GET {base}: lists {found!r} before anything was created"[:300])
    if run.case.seed and fam.parent is None and fam.creatable:  # an account's objects: listed, valid, readable
        listed = run.send("GET", base, path)
        found = (listed.get("results") if isinstance(listed, dict) else listed) or []
        if len(found) != run.case.seed:
            run.problems.append(f"GET {base}: {len(found)} seeded objects listed, not {run.case.seed}")
        for item in found[:2]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                run.send("GET", fam.item(), run.concrete(fam, fam.item(), {}, item["id"]))
    if fam.bulk:
        run.send("POST", base + "/bulk", path + "/bulk", {"ids": [str(uuid.uuid4())]})
        run.send("POST", base + "/bulk", path + "/bulk", {"ids": ["not-a-uuid"]}, expect=400)


def check_never_created(run: Honesty, fam: Family, ids: dict[str, str]) -> None:
    item, stranger = fam.item(), str(uuid.uuid4())
    run.send("GET", item, run.concrete(fam, item, ids, stranger), expect=404)
    run.send(fam.update_method, item, run.concrete(fam, item, ids, stranger), run.case.updates[fam.name],
             expect=404)
    run.send("DELETE", item, run.concrete(fam, item, ids, stranger), expect=404)
    if fam.action:
        action = item + "/" + fam.action
        run.send("POST", action, run.concrete(fam, action, ids, stranger), {}, expect=404)


def check_reads(run: Honesty, fam: Family, ids: dict[str, str], created: dict[str, Any]) -> None:
    item, own = fam.item(), ids[fam.name]
    got = run.send("GET", item, run.concrete(fam, item, ids, own))
    if got is not None and got != created:
        run.problems.append(f"GET {fam.item()}: {got!r} is not the created {created!r}"[:400])
    run.send("GET", item, run.concrete(fam, item, ids, str(uuid.uuid4())), expect=404)  # never created
    if fam.uuid_ids:
        run.send("GET", item, run.concrete(fam, item, ids, "not-a-uuid"), expect=400)
    lists = [fam.base()] + ([fam.base(versioned=True)] if fam.version == "list" else [])
    for template in lists:
        listed = run.send("GET", template, run.concrete(fam, template, ids))
        found = listed.get("results") if isinstance(listed, dict) else listed
        if isinstance(found, list) and own not in [x.get("id") for x in found if isinstance(x, dict)]:
            run.problems.append(f"GET {template}: created {own} not listed")
    for text in run.case.odd:  # any text as an id or a query value: 400 or 404, never a 5xx
        odd = quote(text, safe="")
        run.send("GET", item, run.concrete(fam, item, ids, odd), expect="any")
        run.send("GET", fam.base(), run.concrete(fam, fam.base(), ids), params={"limit": text, "ownerId": text},
                 expect="any")
        if fam.parent is not None:
            run.send("GET", item, run.concrete(fam, item, {**ids, fam.parent.name: odd}, own), expect="any")
    if fam.parent is not None:  # an item addressed under another parent than its own
        item_path = run.concrete(fam, item, {**ids, fam.parent.name: str(uuid.uuid4())}, own)
        run.send("GET", item, item_path, expect=404)


def check_writes(run: Honesty, fam: Family, ids: dict[str, str]) -> None:
    item, own = fam.item(), ids[fam.name]
    path = run.concrete(fam, item, ids, own)
    update = run.case.updates[fam.name]
    for wrong in fam.fields:
        run.send(fam.update_method, item, path, {**update, wrong.name: wrong.invalid}, expect=400)
    if fam.variants:  # a field of the other variant: the spec's update oneOf accepts it (no closed branches), so
        # the honest twin answers 2xx, cut to the object's own variant (Vapi's 400 is the per-variant-updates fault)
        other = "b" if update["type"] == "a" else "a"
        stray = {"alpha": "x"} if other == "a" else {"beta": 1}
        answer = run.send(fam.update_method, item, path, {**update, **stray})
        if isinstance(answer, dict) and set(stray) & set(answer):
            run.problems.append(f"{fam.update_method} {item}: another variant's field {stray} in the answer")
    updated = run.send(fam.update_method, item, path, with_extras(fam, update))
    if isinstance(updated, dict):
        changed = {k: v for k, v in update.items() if updated.get(k) != v}
        if changed:
            run.problems.append(f"PATCH {item}: sent {changed} not in the answer")
        reread = run.send("GET", item, path)
        if reread is not None and reread != updated:
            run.problems.append(f"PATCH {item}: GET afterwards differs from the PATCH answer")
    run.send(fam.update_method, item, run.concrete(fam, item, ids, str(uuid.uuid4())), update, expect=404)
    if fam.action:
        action = item + "/" + fam.action
        run.send("POST", action, run.concrete(fam, action, ids, own), {})
        run.send("POST", action, run.concrete(fam, action, ids, str(uuid.uuid4())), {}, expect=404)
        if fam.uuid_ids:
            run.send("POST", action, run.concrete(fam, action, ids, "not-a-uuid"), {}, expect=400)


@settings(CHECKS, max_examples=25)
@given(cases())
def test_the_twin_is_honest_on_synthetic_specs(case: Case):
    problems = exercise(case)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
@settings(CHECKS, max_examples=400, phases=list(Phase))
@given(cases())
def test_the_twin_is_honest_on_many_synthetic_specs(case: Case):
    problems = exercise(case)
    assert not problems, "\n".join(problems[:20])
