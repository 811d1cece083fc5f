"""Objects keep their own history straight: `createdAt <= updatedAt` on every object in a 2xx body, and an
object fetched or updated by id answers with that same `id` (ids are stable)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from . import check
from ._schema import response_json


def parse_time(value: Any) -> _dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)


def objects(value: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 6:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from objects(child, depth + 1)
    elif isinstance(value, list):
        for child in value[:50]:
            yield from objects(child, depth + 1)


def time_problem(body: Any) -> str | None:
    for obj in objects(body):
        created, updated = parse_time(obj.get("createdAt")), parse_time(obj.get("updatedAt"))
        if created and updated and created > updated:
            return f"createdAt {obj['createdAt']} is after updatedAt {obj['updatedAt']} (object id {obj.get('id')})"
    return None


def id_problem(case, body: Any) -> str | None:
    if case.method.upper() not in ("GET", "PATCH", "PUT") or not isinstance(body, dict) or "id" not in body:
        return None
    last = case.path.rstrip("/").rsplit("/", 1)[-1]
    if not (last.startswith("{") and last.endswith("}")):
        return None
    requested = (case.path_parameters or {}).get(last[1:-1])
    # schemathesis keeps generated path parameters percent-encoded (as they go on the wire); the server
    # compares the decoded value, so must we: 'P%C3%A6k' asked for is the object 'Pæk'
    if isinstance(requested, str):
        requested = unquote(requested)
    if requested is not None and str(body["id"]) != str(requested):
        return f"asked for id {requested!r}, got an object with id {body['id']!r}"
    return None


@check()
def timestamps_and_ids(ctx, response, case):
    if not 200 <= response.status_code < 300:
        return
    body = response_json(response)
    problem = time_problem(body) or id_problem(case, body)
    if problem:
        raise AssertionError(problem)
    return
