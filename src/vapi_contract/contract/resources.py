"""Objects a run creates on the target: tagged with a recognisable name prefix, recorded in resources*.jsonl as
they are created and deleted, deleted at the end of the run even when tests fail; `janitor` finds leftovers of
earlier runs by that prefix and deletes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..spec.model import label_path

TAG_PREFIX = "vapi-contract-"


def tag_name(run_id: str, family: str, max_length: int = 40) -> str:
    """`vapi-contract-1a2b3c-assistant`: made by the suite (prefix), by which run (run-id suffix), findable by
    prefix; at most 40 characters, the shortest `name` maxLength in Vapi's spec."""
    return f"{TAG_PREFIX}{run_id[-6:]}-{family.strip('/').replace('/', '-')}"[:max_length]


def items_of(body: Any) -> list[dict]:
    """Objects of a list response: a bare array, or the array under `results`/`data`/`items`."""
    if isinstance(body, list):
        return [x for x in body if isinstance(x, dict)]
    if isinstance(body, dict):
        for key in ("results", "data", "items"):
            if isinstance(body.get(key), list):
                return [x for x in body[key] if isinstance(x, dict)]
    return []


@dataclass
class Created:
    family: str
    delete_path: str  # e.g. /assistant/{id} with the id filled in
    resource_id: str
    name: str | None
    operation: str
    delete_query: dict[str, Any] = field(default_factory=dict)  # required query parameters of the DELETE
    delete_headers: dict[str, str] = field(default_factory=dict)  # required header parameters of the DELETE
    delete_body: Any = None  # the DELETE's required JSON body (None: the DELETE takes none)
    delete_label: str | None = None  # the DELETE operation, e.g. "DELETE /assistant/{id}"


class Tracker:
    def __init__(self, engine):
        self.engine = engine
        self.live: dict[str, Created] = {}

    def created(self, item: Created) -> None:
        self.live[item.resource_id] = item
        self.engine.writer.resource({"action": "created", "operation": item.operation,
                                     "resource_id": item.resource_id, "name": item.name})

    def deleted(self, resource_id: str, operation: str, ok: bool = True) -> None:
        item = self.live.pop(resource_id, None) if ok else self.live.get(resource_id)
        self.engine.writer.resource({"action": "deleted" if ok else "delete-failed", "operation": operation,
                                     "resource_id": resource_id, "name": item.name if item else None})

    def cleanup(self) -> None:
        """Delete everything still alive, newest first (an object made under a parent goes before the parent); a
        failed delete is recorded (the report counts it as a leak). Through `engine.exchange`: the DELETE's answer
        is checked like any other."""
        for resource_id, item in reversed(list(self.live.items())):
            operation = item.delete_label or f"DELETE {item.family}/{{id}}"
            try:
                response = self.engine.exchange(operation, "DELETE", item.delete_path,
                                                params=item.delete_query or None,
                                                headers=item.delete_headers or None, json=item.delete_body,
                                                source="teardown", key=self.engine.primary)
                ok = response.status_code < 300 or response.status_code == 404
            except Exception:  # noqa: BLE001 - teardown must try every object
                ok = False
            self.deleted(resource_id, operation, ok)
            if not ok:
                self.live.pop(resource_id, None)


def broad_prefix(prefix: str) -> str | None:
    """Why deleting by PREFIX could reach objects no run made (None when it cannot): only this project's tag
    (`vapi-contract-`) or a longer prefix of it (a run's `vapi-contract-1a2b3c`) names tagged objects alone;
    `--prefix v` names every object whose name starts with a v, on whatever account the key opens."""
    if prefix.startswith(TAG_PREFIX):
        return None
    return (f"--prefix {prefix!r} is not this project's run tag ({TAG_PREFIX!r}, or a run's tag such as "
            f"'{TAG_PREFIX}1a2b3c'): it would delete every object whose name starts with {prefix!r}; "
            "look first with --dry-run, then add --yes to delete them")


def janitor(client, document: dict[str, Any], headers: dict[str, str], *, prefix: str = TAG_PREFIX,
            dry_run: bool = False, writer=None) -> list[dict[str, Any]]:
    """Delete every object whose name starts with `prefix` in every CRUD family with a list operation.
    Returns what was found, each with `deleted: bool`."""
    from .parameters import fill_path, required_body, required_parameters, wire_query
    from .plan import find_families

    found = []
    for family in find_families(document):
        if not family.list:
            continue
        listing = required_parameters(document, family.list)
        response = client.request("GET", fill_path(label_path(family.list), listing.path),
                                  headers={**listing.headers, **headers},
                                  params={**wire_query(listing.query), "limit": 1000})
        if response.status_code != 200:
            continue
        for obj in items_of(response.json()):
            name = obj.get("name")
            if not (isinstance(name, str) and name.startswith(prefix) and obj.get("id")):
                continue
            delete = required_parameters(document, family.delete, path_values={family.id_param: str(obj["id"])})
            target = fill_path(label_path(family.delete), delete.path)
            record = {"family": family.name, "resource_id": str(obj["id"]), "name": name, "deleted": False}
            if not dry_run:
                answer = client.request("DELETE", target, headers={**delete.headers, **headers},
                                        params=wire_query(delete.query) or None,
                                        json=required_body(document, family.delete))
                record["deleted"] = answer.status_code < 300 or answer.status_code == 404
                if writer is not None:
                    writer.resource({"action": "deleted" if record["deleted"] else "delete-failed",
                                     "operation": family.delete, "resource_id": record["resource_id"],
                                     "name": name})
            found.append(record)
    return found
