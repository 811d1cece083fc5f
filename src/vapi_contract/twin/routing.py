"""Routes and resource families derived from the spec's paths, so a new spec version needs no code change.

A path ending in a parameter (`/x/{id}`, `/provider/{provider}/{resourceName}/{id}`) is an item of the
collection before it; a leading version segment (`/v2/phone-number`) names the same collection as
`/phone-number`. Each operation gets a kind: create, list, get, update, delete, or action (anything else,
answered with a documented response).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..spec.model import Operation, iter_operations
from .schemas import JSON, pointer

PARAM = re.compile(r"^\{([^{}]+)\}$")
VERSION = re.compile(r"^v\d+$")


@dataclass
class Route:
    op: Operation
    kind: str  # create | list | get | update | delete | action
    regex: re.Pattern[str]
    collection: str  # template of the family's collection, version prefix removed, e.g. "/phone-number"
    id_param: str | None  # name of the trailing item parameter for item operations
    status: int  # documented success status answered
    response_ptr: str | None  # pointer to the documented success JSON schema, if any
    request_ptr: str | None  # pointer to the JSON request body schema, if any
    body_required: bool
    form: bool = False  # the body is multipart/form-data or urlencoded (file uploads), not JSON
    params: list[dict[str, Any]] = field(default_factory=list)
    redirect: bool = False
    parent: str | None = None  # item it hangs under: `/reporting/insight/{id}` for `.../{id}/run`, `/test-suite/{id}`
    groups: dict[str, str] = field(default_factory=dict)  # regex group -> spec parameter name
    # every item the route hangs under, outermost first, as (its collection in this route's names, its id
    # parameter here): `/v2/a/{aId}/b/{bId}/run` -> [("/a", "aId"), ("/a/{aId}/b", "bId")]
    ancestors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.op.label

    def match(self, path: str) -> dict[str, str] | None:
        """Concrete values of the path parameters by their spec names, or None when the path does not match."""
        found = self.regex.match(path)
        if not found:
            return None
        return {self.groups[g]: v for g, v in found.groupdict().items()}


def segments(template: str) -> list[str]:
    return [s for s in template.split("/") if s]


def param_name(segment: str) -> str | None:
    found = PARAM.match(segment)
    return found.group(1) if found else None


def compile_template(template: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """Regex for a path template; parameter names are mapped to safe group names."""
    parts, groups = [], {}
    for index, segment in enumerate(segments(template)):
        name = param_name(segment)
        if name is None:
            parts.append(re.escape(segment))
        else:
            group = f"p{index}"
            groups[group] = name
            parts.append(f"(?P<{group}>[^/]+)")
    # \Z, not $: `$` also matches before a trailing newline, so `/x/%0A` would be served as `/x`
    return re.compile("^/" + "/".join(parts) + r"/?\Z"), groups


def shape(template: str) -> str:
    """A template with parameter names erased: `/test-suite/{testSuiteId}` and `/test-suite/{id}` agree."""
    return "/" + "/".join("{}" if param_name(s) else s for s in segments(template))


def strip_version(template: str) -> str:
    parts = segments(template)
    if len(parts) > 1 and VERSION.match(parts[0]):
        parts = parts[1:]
    return "/" + "/".join(parts)


def specificity(template: str) -> tuple:
    """Literal segments win over parameters at the same position (`/eval/run` before `/eval/{id}`)."""
    return tuple(0 if param_name(s) else 1 for s in segments(template)) + (len(segments(template)),)


def _success(op: Operation, preferred: tuple[str, ...]) -> tuple[int, str | None, bool]:
    responses = op.definition.get("responses") or {}
    codes = [c for c in responses if str(c).isdigit() and 200 <= int(c) < 400]
    ordered = [c for c in preferred if c in codes] + [c for c in codes if c not in preferred]
    with_body = [c for c in ordered if JSON in ((responses[c] or {}).get("content") or {})]
    redirect = next((c for c in codes if 300 <= int(c) < 400), None)
    if redirect:
        return int(redirect), None, True
    if with_body:
        code = with_body[0]
        ptr = pointer("paths", op.path, op.method.lower(), "responses", code, "content", JSON, "schema")
        return int(code), ptr, False
    return (int(ordered[0]) if ordered else 200), None, False


FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


def _request(op: Operation) -> tuple[str | None, bool, bool]:
    """Pointer to the request body schema, whether the body is required, and whether it is a form."""
    body = op.definition.get("requestBody")
    content = (body.get("content") or {}) if isinstance(body, dict) else {}
    for media in (JSON, *FORMS):
        if isinstance(content.get(media), dict) and "schema" in content[media]:
            ptr = pointer("paths", op.path, op.method.lower(), "requestBody", "content", media, "schema")
            return ptr, bool(body.get("required")), media != JSON
    return None, False, False


def _parameters(op: Operation) -> list[dict[str, Any]]:
    merged = {(p.get("name"), p.get("in")): p for p in op.path_item.get("parameters") or [] if isinstance(p, dict)}
    merged.update({(p.get("name"), p.get("in")): p for p in op.definition.get("parameters") or [] if isinstance(p, dict)})
    return [p for p in merged.values() if "$ref" not in p]


def _ancestors(bare: str, kind: str, collection: str, item_shapes: dict[str, str]) -> list[tuple[str, str]]:
    """Items of other families a route's path runs through, by position in its own (version-stripped) path, so
    a version prefix, other parameter names or two levels of nesting change nothing."""
    parts = segments(collection if kind in ("get", "update", "delete") else bare)
    last = len(parts) if kind in ("get", "update", "delete", "create", "list") else len(parts) - 1
    found = []
    for cut in range(2, last + 1):
        name = param_name(parts[cut - 1])
        if name and shape("/" + "/".join(parts[:cut])) in item_shapes:
            found.append(("/" + "/".join(parts[:cut - 1]), name))
    return found


def build_routes(document: dict[str, Any]) -> list[Route]:
    ops = list(iter_operations(document))
    by_template: dict[str, set[str]] = {}
    for op in ops:
        by_template.setdefault(op.path, set()).add(op.method)
    items = {}  # item template (version stripped) -> (collection, id param)
    for template in by_template:
        parts = segments(strip_version(template))
        name = param_name(parts[-1]) if parts else None
        if name and len(parts) > 1:
            items[strip_version(template)] = ("/" + "/".join(parts[:-1]), name)
    collections = {collection for collection, _ in items.values()}
    item_shapes = {shape(template): template for template in items}

    routes = []
    for op in ops:
        bare = strip_version(op.path)
        kind, collection, id_param, parent = "action", bare, None, None
        if bare in collections and op.method in ("GET", "POST"):
            kind = "list" if op.method == "GET" else "create"
        elif bare in items and op.method in ("GET", "PATCH", "PUT", "DELETE"):
            collection, id_param = items[bare]
            kind = {"GET": "get", "PATCH": "update", "PUT": "update", "DELETE": "delete"}[op.method]
        ancestors = _ancestors(bare, kind, collection, item_shapes)
        parent = "/" + "/".join(segments(ancestors[-1][0]) + ["{" + ancestors[-1][1] + "}"]) if ancestors else None
        preferred = ("201", "200") if kind == "create" else ("200", "201")
        status, response_ptr, redirect = _success(op, preferred)
        request_ptr, body_required, form = _request(op)
        regex, groups = compile_template(op.path)
        routes.append(
            Route(op, kind, regex, collection, id_param, status, response_ptr, request_ptr, body_required, form,
                  _parameters(op), redirect, parent, groups, ancestors)
        )
    routes.sort(key=lambda r: specificity(r.op.path), reverse=True)
    return routes

