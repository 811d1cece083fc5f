"""One copy-and-fix pass over an OpenAPI document: every schema object gets the registered rules.

Faster than deepcopy + a second walk, and it knows where schemas are (so a property *named* `pattern` or
`enum` is never mistaken for a keyword).
"""

from __future__ import annotations

from typing import Any

from vapi_contract.spec.model import HTTP_METHODS
from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.issues import escape_token
from vapi_contract.spec.quirks.rules import rules_for

_SUBSCHEMA = ("items", "additionalProperties", "not")
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf")


def copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


def schema(node: Any, pointer: str, ctx: Context) -> Any:
    if not isinstance(node, dict):
        return copy_json(node)
    new = dict(node)
    for rule in rules_for(new):
        if rule.triggers.isdisjoint(new):
            continue  # an earlier rule removed what this one looks at
        replacement = rule.fix(new, pointer, ctx)
        if replacement is not None:
            new = replacement
    origins = ctx.origins
    for key, value in new.items():
        if key == "properties" and isinstance(value, dict):
            base = pointer + "/properties/"
            new[key] = {name: schema(sub, base + escape_token(name), ctx) for name, sub in value.items()}
        elif key in _SUBSCHEMA and isinstance(value, dict):
            where = origins.get(id(value), f"{pointer}/{key}") if origins else f"{pointer}/{key}"
            new[key] = schema(value, where, ctx)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            where = origins.get(id(value), f"{pointer}/{key}") if origins else f"{pointer}/{key}"
            new[key] = [
                schema(sub, origins.get(id(sub), f"{where}/{i}") if origins else f"{where}/{i}", ctx)
                for i, sub in enumerate(value)
            ]
        elif isinstance(value, (dict, list)):
            new[key] = copy_json(value)
    return new


def document(doc: dict[str, Any], ctx: Context) -> dict[str, Any]:
    new = {k: copy_json(v) for k, v in doc.items() if k not in ("paths", "components")}
    if isinstance(doc.get("components"), dict):
        new["components"] = _components(doc["components"], ctx)
    if isinstance(doc.get("paths"), dict):
        new["paths"] = {
            path: _path_item(item, "/paths/" + escape_token(path), ctx) for path, item in doc["paths"].items()
        }
    return new


def _components(components: dict[str, Any], ctx: Context) -> dict[str, Any]:
    each = {
        "schemas": schema,
        "parameters": _parameter,
        "headers": _parameter,
        "requestBodies": _with_content,
        "responses": _response,
    }
    new = {}
    for section, value in components.items():
        walk = each.get(section)
        if walk and isinstance(value, dict):
            base = f"/components/{escape_token(section)}/"
            new[section] = {name: walk(item, base + escape_token(name), ctx) for name, item in value.items()}
        else:
            new[section] = copy_json(value)
    return new


def _path_item(item: Any, pointer: str, ctx: Context) -> Any:
    if not isinstance(item, dict):
        return copy_json(item)
    new = {}
    for key, value in item.items():
        if key == "parameters":
            new[key] = _parameters(value, f"{pointer}/parameters", ctx)
        elif key in HTTP_METHODS and isinstance(value, dict):
            new[key] = _operation(value, f"{pointer}/{key}", ctx)
        else:
            new[key] = copy_json(value)
    return new


def _operation(op: dict[str, Any], pointer: str, ctx: Context) -> dict[str, Any]:
    new = {}
    for key, value in op.items():
        if key == "parameters":
            new[key] = _parameters(value, f"{pointer}/parameters", ctx)
        elif key == "requestBody":
            new[key] = _with_content(value, f"{pointer}/requestBody", ctx)
        elif key == "responses" and isinstance(value, dict):
            new[key] = {
                code: _response(r, f"{pointer}/responses/{escape_token(str(code))}", ctx)
                for code, r in value.items()
            }
        else:
            new[key] = copy_json(value)
    return new


def _parameters(params: Any, pointer: str, ctx: Context) -> Any:
    if not isinstance(params, list):
        return copy_json(params)
    return [_parameter(p, f"{pointer}/{i}", ctx) for i, p in enumerate(params)]


def _parameter(param: Any, pointer: str, ctx: Context) -> Any:
    """A parameter or header object: a `schema`, or `content` with schemas."""
    if not isinstance(param, dict):
        return copy_json(param)
    new = _with_content(param, pointer, ctx)
    if "schema" in param:
        new["schema"] = schema(param["schema"], pointer + "/schema", ctx)
    return new


def _response(response: Any, pointer: str, ctx: Context) -> Any:
    if not isinstance(response, dict):
        return copy_json(response)
    new = _with_content(response, pointer, ctx)
    if isinstance(response.get("headers"), dict):
        new["headers"] = {
            name: _parameter(h, f"{pointer}/headers/{escape_token(name)}", ctx)
            for name, h in response["headers"].items()
        }
    return new


def _with_content(obj: Any, pointer: str, ctx: Context) -> Any:
    """Copy of obj whose `content` media types have their schemas normalized."""
    if not isinstance(obj, dict):
        return copy_json(obj)
    new = {k: copy_json(v) for k, v in obj.items() if k != "content"}
    content = obj.get("content")
    if isinstance(content, dict):
        new["content"] = {}
        for media_type, media in content.items():
            where = f"{pointer}/content/{escape_token(media_type)}"
            if isinstance(media, dict) and "schema" in media:
                media_copy = {k: copy_json(v) for k, v in media.items() if k != "schema"}
                media_copy["schema"] = schema(media["schema"], where + "/schema", ctx)
                new["content"][media_type] = media_copy
            else:
                new["content"][media_type] = copy_json(media)
    elif content is not None:
        new["content"] = copy_json(content)
    return new
