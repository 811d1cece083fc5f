"""One pass over a private copy of an OpenAPI document: every schema object gets the registered rules.

The copy is made at C speed (pickle) and then fixed in place; the walk knows where schemas are, so a
property *named* `pattern` or `enum` is never mistaken for a keyword.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

from vapi_contract.spec.model import HTTP_METHODS
from vapi_contract.spec.quirks.context import Context
from vapi_contract.spec.quirks.issues import escape_token
from vapi_contract.spec.quirks.rules import OPERATION_RULES, PARAMETER_RULES, rules_for

_SUBSCHEMA = ("items", "additionalProperties", "not")
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf")


def private_copy(document: dict[str, Any]) -> dict[str, Any]:
    try:
        return pickle.loads(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, TypeError, AttributeError):
        return copy.deepcopy(document)


def schema(node: Any, pointer: str, ctx: Context) -> Any:
    """Fix one schema of the private copy in place (and its subschemas); returns it or its replacement."""
    if not isinstance(node, dict):
        return node
    for rule in rules_for(node):
        if rule.triggers.isdisjoint(node):
            continue  # an earlier rule removed what this one looks at
        replacement = rule.fix(node, pointer, ctx)
        if replacement is not None:
            node = replacement
    origins = ctx.origins
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            base = pointer + "/properties/"
            for name, sub in value.items():
                value[name] = schema(sub, base + escape_token(name), ctx)
        elif key in _SUBSCHEMA and isinstance(value, dict):
            where = origins.get(id(value), f"{pointer}/{key}") if origins else f"{pointer}/{key}"
            node[key] = schema(value, where, ctx)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            where = origins.get(id(value), f"{pointer}/{key}") if origins else f"{pointer}/{key}"
            for i, sub in enumerate(value):
                value[i] = schema(sub, origins.get(id(sub), f"{where}/{i}") if origins else f"{where}/{i}", ctx)
    return node


def document(doc: dict[str, Any], ctx: Context) -> dict[str, Any]:
    new = private_copy(doc)
    if isinstance(new.get("components"), dict):
        _components(new["components"], ctx)
    if isinstance(new.get("paths"), dict):
        for path, item in new["paths"].items():
            _path_item(item, "/paths/" + escape_token(path), ctx)
    return new


def _components(components: dict[str, Any], ctx: Context) -> None:
    each = {
        "schemas": schema,
        "parameters": _parameter,
        "headers": _parameter,
        "requestBodies": _with_content,
        "responses": _response,
    }
    for section, value in components.items():
        walk = each.get(section)
        if walk and isinstance(value, dict):
            base = f"/components/{escape_token(section)}/"
            for name, item in value.items():
                value[name] = walk(item, base + escape_token(name), ctx)


def _path_item(item: Any, pointer: str, ctx: Context) -> None:
    if not isinstance(item, dict):
        return
    for key, value in item.items():
        if key == "parameters":
            _parameters(value, f"{pointer}/parameters", ctx)
        elif key in HTTP_METHODS and isinstance(value, dict):
            _operation(value, f"{pointer}/{key}", ctx)
            for fix in OPERATION_RULES:  # after its schemas, so their pointers still match the original
                fix(value, item, _path_of(pointer), f"{pointer}/{key}", ctx)


def _path_of(pointer: str) -> str:
    return pointer[len("/paths/"):].replace("~1", "/").replace("~0", "~")


def _operation(op: dict[str, Any], pointer: str, ctx: Context) -> None:
    for key, value in op.items():
        if key == "parameters":
            _parameters(value, f"{pointer}/parameters", ctx)
        elif key == "requestBody":
            _with_content(value, f"{pointer}/requestBody", ctx)
        elif key == "responses" and isinstance(value, dict):
            for code, response in value.items():
                _response(response, f"{pointer}/responses/{escape_token(str(code))}", ctx)


def _parameters(params: Any, pointer: str, ctx: Context) -> None:
    if isinstance(params, list):
        for i, param in enumerate(params):
            _parameter(param, f"{pointer}/{i}", ctx)


def _parameter(param: Any, pointer: str, ctx: Context) -> Any:
    """A parameter or header object: a `schema`, or `content` with schemas."""
    if isinstance(param, dict):
        for fix in PARAMETER_RULES:
            fix(param, pointer, ctx)
        _with_content(param, pointer, ctx)
        if "schema" in param:
            param["schema"] = schema(param["schema"], pointer + "/schema", ctx)
    return param


def _response(response: Any, pointer: str, ctx: Context) -> Any:
    if isinstance(response, dict):
        _with_content(response, pointer, ctx)
        if isinstance(response.get("headers"), dict):
            for name, header in response["headers"].items():
                _parameter(header, f"{pointer}/headers/{escape_token(name)}", ctx)
    return response


def _with_content(obj: Any, pointer: str, ctx: Context) -> Any:
    """Normalize the schemas of obj's `content` media types in place."""
    content = obj.get("content") if isinstance(obj, dict) else None
    if isinstance(content, dict):
        for media_type, media in content.items():
            if isinstance(media, dict) and "schema" in media:
                where = f"{pointer}/content/{escape_token(media_type)}/schema"
                media["schema"] = schema(media["schema"], where, ctx)
    return obj
