"""Stateful lifecycle of one CRUD family: (parents created first) -> create -> get -> a second object with
non-ASCII text -> list (contains both, honours `limit`, filters filter) -> patch a scalar field (visible in the
next GET; non-ASCII text never a 5xx) -> delete -> get is 404 and the list no longer shows them; with a second
organisation's key, the object is invisible (404/403, never returned, never listed, never changed). Every broken
step is a finding with a curl reproducer, replayed once. Every request goes through `engine.exchange`, so its
response also runs the check battery and counts as coverage of its operation.

Any CRUD family gets one: objects with a `name` are tagged with the run's prefix (the janitor finds leftovers),
others are tracked by id alone (recorded the moment the create answers; teardown deletes them); multipart creates
(`POST /file`) upload a small generated text file; a family under a parent path (`/test-suite/{testSuiteId}/test`)
runs under a parent object created (and deleted) for it."""

from __future__ import annotations

import time
from typing import Any

from ..spec.model import split_label
from . import safety, triage
from .behaviour import (
    NON_ASCII,
    ListProbe,
    Probe,
    body_json,
    ids_of,
    iter_bodies,
    kept_fields,
    patch_bodies,
    query_parameters,
    with_text,
)
from .plan import CrudFamily, family_chain, family_is_costly, find_families, request_media, response_schema
from .resources import Created, tag_name

FILE_TEXT = "vapi-contract lifecycle test file: safe to delete.\n"


class StepFailed(Exception):
    pass


class Lifecycle(Probe):
    source = "lifecycle"

    def __init__(self, engine, tracker, family: CrudFamily, families: list[CrudFamily] | None = None):
        super().__init__(engine, getattr(family, "name", ""))
        self.tracker, self.family = tracker, family
        self.chain = [family] if not getattr(family, "parent", None) else family_chain(
            families if families is not None else find_families(engine.document), family)
        self.parent_values: dict[str, str] = {}  # parent id parameter -> id of the parent object made for the run
        self.current: dict[str, Any] = {}  # the created object as its GET answered
        self.skip_reason: str | None = None
        self.accepted: dict[str, Any] = {}  # family -> the create body it accepted

    @property
    def live(self) -> bool:
        return bool(getattr(self.engine, "live", False))

    def allowed(self, label: str | None) -> bool:
        """Costly operations run on a URL only with --allow-cost (on the twin they cost nothing)."""
        if not label:
            return False
        method, path = split_label(label)
        return not (self.live and safety.classify(method, path).is_cost and not self.engine.options.allow_cost)

    # -- plumbing -----------------------------------------------------------------------------------------
    def request_parts(self, label: str, rid: str | None = None,
                      family: CrudFamily | None = None) -> tuple[str, dict[str, Any], dict[str, str]]:
        """(path, query, headers) of a request to `label` carrying every parameter the spec requires, with
        schema-valid values; the object's id fills the family's id parameter, parents' ids theirs."""
        values = dict(self.parent_values)
        if rid is not None:
            values[(family or self.family).id_param] = rid
        return self.parts(label, values)

    def required_body(self, label: str) -> Any:
        from .parameters import required_body

        return required_body(self.engine.document, label)

    def step(self, label: str, rid: str | None = None, *, key: str | None = None, body=None,
             params: dict[str, Any] | None = None, family: CrudFamily | None = None, **kwargs):
        """Send the request of one step to `label` (required parameters included, and the smallest valid body
        when the spec requires one and the step brings none); returns (response, curl)."""
        path, query, extra = self.request_parts(label, rid, family)
        if body is None and not kwargs.get("files"):
            body = self.required_body(label)
        return self.send(label, path, key=key, body=body, params={**query, **(params or {})}, headers=extra,
                         **kwargs)

    def teardown_record(self, rid: str, name: str | None, family: CrudFamily | None = None) -> Created:
        """What teardown needs to delete the object: the DELETE request with its required parameters."""
        family = family or self.family
        path, query, headers = self.request_parts(family.delete, rid, family)
        return Created(family.name, path, rid, name, family.create, delete_query=query, delete_headers=headers,
                       delete_body=self.required_body(family.delete), delete_label=family.delete)

    # -- the scenario -------------------------------------------------------------------------------------
    def run(self) -> str:
        """Run every step; returns the outcome status for the operations record."""
        if self.live and family_is_costly(self.chain, self.family) and not self.engine.options.allow_cost:
            self.skip_reason = f"costly: creating {self.family.name} objects costs money (pass --allow-cost)"
            return "error"
        bulk = next((f.create for f in self.chain if takes_array(self.engine.document, f.create)), None)
        if bulk:
            self.skip_reason = f"bulk create: {bulk} takes an array of objects; the lifecycle follows one object"
            return "error"
        parents: list[tuple[CrudFamily, str]] = []
        try:
            for parent, child in zip(self.chain, self.chain[1:]):
                rid = self.create(parent, tag_name(self.engine.ctx.run_id, parent.name))
                if rid is None:
                    return "failed" if self.findings else "error"
                parents.append((parent, rid))
                self.parent_values[child.parent_param] = rid
            return self.scenario()
        finally:
            for parent, rid in reversed(parents):
                response, _curl = self.step(parent.delete, rid, family=parent)
                self.tracker.deleted(rid, parent.delete, 200 <= response.status_code < 300
                                     or response.status_code == 404)

    def scenario(self) -> str:
        fam = self.family
        name = tag_name(self.engine.ctx.run_id, fam.name)
        rid = self.create(fam, name)
        if rid is None:
            return "failed" if self.findings else "error"
        self.check_get(rid)
        ids = [rid]
        second = self.create_non_ascii(name)
        if second is None and fam.list and "limit" in query_parameters(self.engine.document, fam.list):
            second = self.create(fam, name[:36] + "-two", quiet=True)  # two objects make `limit=1` conclusive
        if second is not None:
            ids.append(second)
        self.check_list(ids)
        if fam.update and self.allowed(fam.update):
            self.check_patch(rid, name)
        if self.engine.secondary:
            self.check_isolation(rid)
        self.check_delete(ids)
        return "failed" if any(not f.flaky for f in self.findings) else "passed"

    def create_request(self, fam: CrudFamily, name: str, body: Any) -> dict[str, Any]:
        """The keyword arguments of a create step: a JSON body (tagged through the family's name-like field), a
        multipart upload of a small text file, or nothing when the create takes no body."""
        if fam.media and "json" not in fam.media:
            files = {fam.file_field or "file": (f"{name}.txt", FILE_TEXT.encode("utf-8"), "text/plain")}
            return {"files": files, "body": None, "data": body if isinstance(body, dict) and body else None}
        if isinstance(body, dict) and fam.tag_field:
            body = {**body, fam.tag_field: name}
        return {"body": body}

    def create(self, fam: CrudFamily, name: str, quiet: bool = False) -> str | None:
        """Create one object; its id is tracked for teardown the moment the create answers."""
        last = None
        bodies = [None] if not fam.media or "json" not in fam.media else iter_bodies(self.engine, fam.create)
        if fam.name in self.accepted:  # a body this family accepted already goes first
            bodies = [self.accepted[fam.name]]
        for body in bodies:
            request = self.create_request(fam, name, body)
            response, curl = self.step(fam.create, family=fam, **request)
            last = (response, curl)
            if 200 <= response.status_code < 300:
                self.accepted[fam.name] = body
                return self.created(fam, response, curl, name if fam.tag_field else None)
            if response.status_code >= 500:
                break
        if last is not None and not quiet:
            response, curl = last
            self.fail(fam.create, "lifecycle_create",
                      f"create refused every spec-valid body (last status {response.status_code})", response, curl,
                      classification=triage.SPEC_GAP if response.status_code < 500 else triage.SERVER_BUG)
        return None

    def created(self, fam: CrudFamily, response, curl: str, name: str | None) -> str | None:
        data = body_json(response)
        rid = data.get("id") if isinstance(data, dict) else None
        if not rid and not documents_id(self.engine.document, fam.create, response.status_code):
            # The spec's own answer has no `id` (a broken DTO): the object cannot be followed, and saying
            # so is a spec issue, not a server bug.
            self.engine.spec_issue("lifecycle-untrackable", fam.create,
                                   f"{fam.create}: the documented {response.status_code} answer has no `id`, "
                                   "so the created object cannot be read, listed or deleted by the lifecycle")
            self.skip_reason = f"untrackable: the documented answer of {fam.create} has no `id`"
            return None
        if not rid:
            self.fail(fam.create, "lifecycle_create", "create answered 2xx without an `id`", response, curl)
            return None
        self.tracker.created(self.teardown_record(str(rid), name, fam))
        return str(rid)

    def create_non_ascii(self, name: str) -> str | None:
        """A create whose text carries accents, CJK and emoji: any answer but a 5xx is fine. Returns the id of
        the object it made (a second object for the list checks), None when refused."""
        fam = self.family
        if fam.media and "json" not in fam.media:
            files = {fam.file_field or "file": (f"{name}.txt", (FILE_TEXT + NON_ASCII).encode("utf-8"),
                                                "text/plain; charset=utf-8")}
            attempt = lambda: self.step(fam.create, files=files)
        else:
            base = self.accepted.get(fam.name)
            schema = request_media(self.engine.document, *split_label(fam.create))[1]
            fields = [fam.tag_field] if fam.tag_field else None
            body, field = with_text(self.engine.document, schema, self.create_request(fam, name, base)["body"],
                                    name, fields=fields)
            if field is None:
                body, field = with_text(self.engine.document, schema, body, name)
            if field is None:
                return None
            attempt = lambda: self.step(fam.create, body=body, raw_json=True)
        response, curl = attempt()
        if 200 <= response.status_code < 300:
            return self.created(fam, response, curl, name if fam.tag_field else None)
        if response.status_code >= 500:
            self.fail(fam.create, "behaviour_non_ascii", "a create with non-ASCII text (accents, CJK, emoji) "
                      f"answered {response.status_code}", response, curl, classification=triage.SERVER_BUG,
                      replay=lambda: self.replay_create(attempt))
        return None

    def replay_create(self, attempt) -> bool:
        response, curl = attempt()
        if 200 <= response.status_code < 300:  # it worked this time: keep the object tracked for teardown
            self.created(self.family, response, curl, None)
        return response.status_code >= 500

    def check_get(self, rid: str) -> None:
        get = self.family.get
        response, curl = self.step(get, rid)
        data = body_json(response)
        if response.status_code != 200 or not isinstance(data, dict) or str(data.get("id")) != rid:
            self.fail(get, "lifecycle_get", f"GET of the created object answered {response.status_code} "
                      f"{'with another id' if response.status_code == 200 else ''}".strip(), response, curl,
                      replay=lambda: self.step(get, rid)[0].status_code != 200)
        self.current = data if isinstance(data, dict) else {}

    def list_params(self) -> set[str]:
        return set(query_parameters(self.engine.document, self.family.list)) if self.family.list else set()

    def check_list(self, ids: list[str]) -> None:
        """Objects just created appear in the list; then the list's read-only behaviour (limit, filters)."""
        listing = self.family.list
        if not listing:
            return
        params = {"limit": 100} if "limit" in self.list_params() else None
        response, curl = self.step(listing, params=params)
        missing = [i for i in ids if i not in ids_of(response)]
        if response.status_code != 200 or missing:
            self.fail(listing, "lifecycle_list", f"list (status {response.status_code}) does not contain "
                      f"the object just created\n{len(missing)} of {len(ids)} missing", response, curl,
                      replay=lambda: any(i not in ids_of(self.step(listing, params=params)[0]) for i in ids))
        probe = ListProbe(self.engine, listing, self.parent_values)
        probe.source = self.source
        probe.run(known=ids)
        self.findings += probe.findings
        self.requests += probe.requests

    def check_patch(self, rid: str, name: str) -> None:
        """PATCH one scalar field (name-like text first); the next GET returns the new value. Then the same with
        non-ASCII text: never a 5xx, and the text comes back as sent."""
        update, get = self.family.update, self.family.get
        answer = None
        for field, value, body in list(patch_bodies(self.engine.document, update, self.current, name, self.kept()))[:4]:
            response, curl = self.step(update, rid, body=body)
            answer = (response, curl)
            if response.status_code >= 500:
                self.fail(update, "lifecycle_patch", f"PATCH `{field}` answered {response.status_code}", response,
                          curl, replay=lambda b=body: self.step(update, rid, body=b)[0].status_code >= 500)
                return
            if 200 <= response.status_code < 300:
                break
        else:
            if answer is None:  # no scalar field to patch: the required body alone still exercises the PATCH
                self.step(update, rid)
            else:
                response, curl = answer
                self.fail(update, "lifecycle_patch", f"PATCH answered {response.status_code} to every valid "
                          "single-field change", response, curl, classification=triage.SPEC_GAP)
            return
        after, curl = self.step(get, rid)
        if (body_json(after) or {}).get(field) != value:
            self.fail(update, "lifecycle_patch_persisted", f"a PATCHed `{field}` is not returned by a later GET",
                      after, curl, replay=lambda: (body_json(self.step(get, rid)[0]) or {}).get(field) != value)
            return
        self.check_patch_non_ascii(rid, name)

    def kept(self) -> set[str] | None:
        return kept_fields(self.engine.document, self.family.get, self.current) if self.family.get else None

    def check_patch_non_ascii(self, rid: str, name: str) -> None:
        update, get = self.family.update, self.family.get
        for field, _value, body in patch_bodies(self.engine.document, update, self.current, name, self.kept()):
            schema = request_media(self.engine.document, *split_label(update))[1]
            text_body, field = with_text(self.engine.document, schema, body, name, fields=[field])
            if field is None:  # the patched field is not free text: any free-text field of the update
                text_body, field = with_text(self.engine.document, schema, body, name)
            if field is None:
                continue
            response, curl = self.step(update, rid, body=text_body, raw_json=True)
            if response.status_code >= 500:
                self.fail(update, "behaviour_non_ascii", "a PATCH with non-ASCII text (accents, CJK, emoji) "
                          f"answered {response.status_code}", response, curl, classification=triage.SERVER_BUG,
                          replay=lambda b=text_body: self.step(update, rid, body=b, raw_json=True)[0].status_code
                          >= 500)
            elif 200 <= response.status_code < 300:
                after, curl = self.step(get, rid)
                if (body_json(after) or {}).get(field) != text_body[field]:
                    self.fail(update, "behaviour_non_ascii", f"non-ASCII text PATCHed into `{field}` comes back "
                              "changed from a later GET", after, curl,
                              replay=lambda f=field, v=text_body[field]: (body_json(self.step(get, rid)[0]) or {}).get(f)
                              != v)
            return

    def check_isolation(self, rid: str) -> None:
        """Org B must not see, list, change or delete org A's object."""
        secondary, fam = self.engine.secondary, self.family
        response, curl = self.step(fam.get, rid, key=secondary)
        if response.status_code not in (401, 403, 404):
            self.fail(fam.get, "tenant_isolation", f"another organisation read the object "
                      f"(status {response.status_code})", response, curl,
                      replay=lambda: self.step(fam.get, rid, key=secondary)[0].status_code not in (401, 403, 404))
        if fam.list:
            response, curl = self.step(fam.list, key=secondary)
            if rid in ids_of(response):
                self.fail(fam.list, "tenant_isolation", "another organisation lists the object", response, curl)
        if fam.update and self.allowed(fam.update):
            response, curl = self.step(fam.update, rid, key=secondary, body={})
            if 200 <= response.status_code < 300:
                self.fail(fam.update, "tenant_isolation", "another organisation updated the object", response, curl)
        # DELETE by org B is probed last, with the object's existence checked right after
        response, curl = self.step(fam.delete, rid, key=secondary)
        if 200 <= response.status_code < 300:
            self.fail(fam.delete, "tenant_isolation", "another organisation deleted the object", response, curl)

    def check_delete(self, ids: list[str]) -> None:
        """Delete every object made (the main one last); a GET of it is 404 and no list shows them any more."""
        fam = self.family
        gone = []
        for rid in reversed(ids):
            response, curl = self.step(fam.delete, rid)
            if not 200 <= response.status_code < 300:
                self.fail(fam.delete, "lifecycle_delete", f"DELETE answered {response.status_code}", response, curl)
                continue
            self.tracker.deleted(rid, fam.delete)
            gone.append(rid)
        if ids[0] not in gone:
            return
        rid = ids[0]
        time.sleep(0)  # an eventually-consistent API would need a pause here; Vapi's reads are consistent
        response, curl = self.step(fam.get, rid)
        if response.status_code != 404:
            self.fail(fam.get, "lifecycle_gone", f"GET after DELETE answered {response.status_code}, not 404",
                      response, curl, replay=lambda: self.step(fam.get, rid)[0].status_code != 404)
            # it still exists: make sure teardown tries again
            self.tracker.live[rid] = self.teardown_record(rid, None)
        if fam.list:
            params = {"limit": 100} if "limit" in self.list_params() else None
            response, curl = self.step(fam.list, params=params)
            listed = [i for i in gone if i in ids_of(response)]
            if response.status_code == 200 and listed:
                self.fail(fam.list, "lifecycle_deleted_listed", f"list still shows objects after their DELETE"
                          f"\n{len(listed)} of {len(gone)}", response, curl,
                          replay=lambda: any(i in ids_of(self.step(fam.list, params=params)[0]) for i in gone))


def documents_id(document: dict[str, Any], label: str, status: int) -> bool:
    """Whether the operation's documented answer for `status` lists an `id` (free-form answers may hold one)."""
    from .checks.undocumented_properties import documented_names

    documented, schema = response_schema(document, label, status)
    if not documented:
        return True  # nothing documented to judge by: keep asking for an id
    names = documented_names(document, schema)
    return names is None or "id" in names


def takes_array(document: dict[str, Any], label: str) -> bool:
    """A create whose JSON body is an array (a bulk create): the lifecycle's one-object steps do not apply."""
    from .checks._schema import deref

    media, schema = request_media(document, *split_label(label))
    schema = deref(document, schema) if media and "json" in media else None
    return isinstance(schema, dict) and schema.get("type") == "array"
